"""Files sent to break things: too big (declared, or lying about their size), and named to escape the data
folder. The size gets its message and nothing is stored; a name never chooses where a file is written.

Covered elsewhere and not repeated: formula-like text kept literal in the commune, district and annual
workbooks (tests/reports/test_xlsx_injection.py) and in the evidence index CSV, unsafe names refused or
made harmless inside the evidence ZIP (tests/reports/test_evidence.py), a 25 MB document never downloaded
(tests/bot/telegram/test_guards.py). Added here: the audit-log workbook."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cdht.reports.xlsx.audit import AuditRow, audit_workbook
from tests.bot.telegram.harness import AN, register, running_bot
from tests.reports.fixtures import NASTY, open_workbook
from tests.reports.test_xlsx_injection import literal_cells
from tests.scale.databases import row_counts

MB = 1024 * 1024
TOO_BIG = "Tệp lớn hơn 20 MB"


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


async def test_oversized_files_get_the_size_message_and_nothing_is_stored(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        session = await bot.session_of(AN[2])
        counts = await row_counts(bot.app.database)
        before = files_under(tmp_path)
        declared = 25 * MB
        sizes = [{"file_id": "t", "file_unique_id": "t", "width": 90, "height": 60}]
        photo = bot.api.add_file(b"\xff\xd8 big photo", size=declared)
        sizes.append(
            {
                "file_id": photo.file_id,
                "file_unique_id": "p",
                "width": 8000,
                "height": 6000,
                "file_size": declared,
            }
        )
        video = bot.api.add_file(b"\x00\x00 big video", size=declared)
        await bot.send(
            an.document(b"%PDF-1.7 big", "bien-ban.pdf", "application/pdf", size=declared),
            an.message(photo=sizes),
            an.message(
                video={
                    "file_id": video.file_id,
                    "file_unique_id": "v",
                    "width": 1,
                    "height": 1,
                    "duration": 9,
                    "file_size": declared,
                }
            ),
        )
        assert not bot.api.calls_to("getFile")  # refused from the size in the update
        # A file whose update claims 1 KB but that is 21 MB: downloaded, measured, refused.
        await bot.send(an.document(b"%PDF" + b"0" * (21 * MB), "nho-thoi.pdf", "application/pdf", size=1024))
        assert [t for t in bot.api.texts(an.id) if TOO_BIG in t] == [bot.api.texts(an.id)[-1]] * 4
        assert await row_counts(bot.app.database) == counts | {
            "inbox": counts["inbox"] + 4,
            "outbox": counts["outbox"] + 4,
        }
        assert files_under(tmp_path) - before == set()  # no evidence file, no temporary file left behind
        assert await bot.session_of(AN[2]) == session


NAMES = [
    "../../../../../tmp/cdht-evil.sh",
    "..\\..\\..\\Windows\\evil.bat",
    "/etc/cron.d/evil",
    "CON",
    "a/../../b.pdf",
]


async def test_a_file_name_never_chooses_where_the_file_is_written(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        before = files_under(tmp_path)
        await bot.send(
            *(an.document(b"%PDF-1.7 " + name.encode(), name, "application/pdf") for name in NAMES)
        )
        evidence = bot.app.settings.evidence_dir
        new = files_under(tmp_path) - before
        assert len(new) == len(NAMES), new  # each stored once, by its content
        assert all(path.parent.parent == evidence and len(path.name) == 64 for path in new), new
        aimed_at = Path("/tmp/cdht-evil.sh")  # noqa: S108 - where the first name points
        assert not await asyncio.to_thread(aimed_at.exists)


@given(st.lists(st.sampled_from(NASTY) | st.text(max_size=30), min_size=7, max_size=7))
def test_the_audit_workbook_keeps_formula_like_text_literal(values: list[str]) -> None:
    when = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    row = AuditRow(when, *values)
    cells = literal_cells(open_workbook(audit_workbook(NASTY[0], 2025, [row])))
    for value in values:
        cleaned = value.strip()
        if cleaned and all(ch.isprintable() for ch in cleaned):
            assert any(cleaned in cell for cell in cells), value
