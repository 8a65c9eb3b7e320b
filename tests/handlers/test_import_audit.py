"""Issue 20: imports are audited. `import-answers` and `import-roster` write one audit entry per changed answer,
unit or person (who ran it, from which file and its sha256, old → new), in the import's own transaction, and a
summary entry per import; an unchanged row writes nothing; `/nhatky` shows them, grouped, to an admin in scope."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from cdht.handlers.admin import import_audit
from cdht.handlers.admin.answers_import import import_answers
from cdht.handlers.admin.import_audit import ImportSource, covering_units, file_sha256
from cdht.handlers.admin.roster import import_roster
from cdht.handlers.ports import AuditRecord
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW
from tests.support import YEAR, chat, console_clock, demo_app

Factory = Callable[[], SqlUnitOfWork]
ROSTER = """unit_code,unit_name,parent_code,tier,person_name,phone,role
P,Tỉnh Thử,,province,,,
D,Huyện Thử,P,district,,,
C,Xã Thử,D,commune,Cán Bộ Xã,0901234567,commune_officer
C-1,Thôn Một,C,village,Trưởng Thôn Một,0911111111,village_head
C-2,Thôn Hai,C,village,Trưởng Thôn Hai,0922222222,village_head
"""
HEADER = "unit_code,year,item,value,evidence\n"
OPERATOR = "admin@may-chu"
ATTACHED = "📎 Tệp đính kèm: "


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def source(path: Path) -> ImportSource:
    return ImportSource(path.name, file_sha256(path), actor_name=OPERATOR)


async def log(factory: Factory, *codes: str, year: int | None = 2025) -> list[AuditRecord]:
    async with factory() as uow:
        units = await uow.units.by_codes(list(codes))
        return await uow.audit.for_units([unit.id for unit in units.values()], year)


async def answers_log(factory: Factory) -> list[AuditRecord]:
    """The entries of the answers imported (not of the roster the villages come from)."""
    return [
        e
        for e in await log(factory, "C", "C-1", "C-2")
        if not (e.reason or "").startswith("Nhập từ tệp roster")
    ]


async def import_file(factory: Factory, tmp_path: Path, name: str, rows: str) -> Path:
    path = write(tmp_path, name, HEADER + rows)
    async with factory() as uow:
        await import_answers(path, uow, FolderFileStore(tmp_path / "files"), NOW, source=source(path))
    return path


@pytest.fixture
async def villages(uow_factory: Factory, tmp_path: Path) -> Factory:
    async with uow_factory() as uow:
        await import_roster(write(tmp_path, "roster.csv", ROSTER), uow, NOW)
    return uow_factory


async def test_each_changed_answer_is_logged_with_who_the_file_and_its_hash(
    villages: Factory, tmp_path: Path
) -> None:
    rows = "C-1,2025,citizens,1.200,\nC-1,2025,households,250,\nC-2,2025,citizens,800,\n"
    path = await import_file(villages, tmp_path, "answers.csv", rows)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    entries = await answers_log(villages)
    changes = [e for e in entries if e.action == import_audit.ANSWER]
    assert [(e.question_id, e.old_value, e.new_value) for e in changes] == [
        ("citizens", None, "1.200 người"),
        ("households", None, "250 hộ"),
        ("citizens", None, "800 người"),
    ]
    assert {(e.actor_name, e.actor_id, e.reason, e.year) for e in entries} == {
        (OPERATOR, None, f"Nhập từ tệp answers.csv (sha256 {digest})", 2025)
    }
    [summary] = [e for e in entries if e.action == import_audit.SUMMARY]
    async with villages() as uow:
        commune = await uow.units.by_code("C")
    assert commune is not None and summary.unit_id == commune.id  # the unit holding both villages
    assert summary.new_value == "Câu trả lời: đổi 3, không đổi 0; minh chứng: thêm 0"

    # the same file again: only its summary; a changed value: its old and new value
    await import_file(villages, tmp_path, "answers.csv", rows)
    await import_file(villages, tmp_path, "sua.csv", "C-1,2025,citizens,1.250,\nC-2,2025,citizens,800,\n")
    again = (await answers_log(villages))[len(entries) :]
    assert [(e.action, e.new_value) for e in again[:1]] == [
        (import_audit.SUMMARY, "Câu trả lời: đổi 0, không đổi 3; minh chứng: thêm 0")
    ]
    assert [(e.action, e.question_id, e.old_value, e.new_value) for e in again[1:]] == [
        (import_audit.ANSWER, "citizens", "1.200 người", "1.250 người"),
        (import_audit.SUMMARY, None, None, "Câu trả lời: đổi 1, không đổi 1; minh chứng: thêm 0"),
    ]
    assert again[1].reason is not None and again[1].reason.startswith("Nhập từ tệp sua.csv (sha256 ")


class BrokenStore(FolderFileStore):
    def put_bytes(self, content: bytes, *, export: bool = False) -> str:
        raise OSError("đĩa đầy")


async def test_an_import_that_fails_midway_leaves_no_audit_entry(
    villages: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_audit, "BATCH", 2)  # entries are written before the failure
    before = await log(villages, "C", "C-1", "C-2")
    (tmp_path / "qd.pdf").write_bytes(b"%PDF-1.4")
    rows = (
        "C-1,2025,citizens,1.200,\nC-1,2025,households,250,\nC-2,2025,citizens,800,\nC,2025,1.1,có,qd.pdf\n"
    )
    path = write(tmp_path, "answers.csv", HEADER + rows)
    with pytest.raises(OSError):
        async with villages() as uow:
            await import_answers(path, uow, BrokenStore(tmp_path / "files"), NOW, source=source(path))
    assert await log(villages, "C", "C-1", "C-2") == before
    async with villages() as uow:
        village = await uow.units.by_code("C-1")
        assert village is not None and await uow.answers.latest(village.id, 2025) == {}


async def test_a_roster_import_logs_units_and_people_added_renamed_and_moved(
    uow_factory: Factory, tmp_path: Path
) -> None:
    first = write(tmp_path, "roster.csv", ROSTER)
    async with uow_factory() as uow:
        await import_roster(first, uow, NOW, source=source(first), year=2025)
    added = await log(uow_factory, "P", "D", "C", "C-1", "C-2")
    assert [e.action for e in added].count(import_audit.UNIT_ADDED) == 5
    assert [e.action for e in added].count(import_audit.PERSON_ADDED) == 3
    assert "Thôn Một (C-1, cấp thôn, thuộc Xã Thử (C))" in [e.new_value for e in added]
    assert "Trưởng Thôn Một (trưởng thôn, +84911111111)" in [e.new_value for e in added]
    assert {e.actor_name for e in added} == {OPERATOR}
    [summary] = [e for e in added if e.action == import_audit.SUMMARY]
    assert summary.new_value == "Đơn vị: thêm 5, sửa 0; người: thêm 3, sửa 0; không đổi 0"

    async with uow_factory() as uow:  # the same file: the summary alone
        await import_roster(first, uow, NOW, source=source(first), year=2025)
    again = (await log(uow_factory, "P", "D", "C", "C-1", "C-2"))[len(added) :]
    assert [(e.action, e.new_value) for e in again] == [
        (import_audit.SUMMARY, "Đơn vị: thêm 0, sửa 0; người: thêm 0, sửa 0; không đổi 8")
    ]

    second = write(
        tmp_path,
        "roster-2.csv",
        ROSTER.replace(
            "C-1,Thôn Một,C,village,Trưởng Thôn Một,0911111111",
            "C-1,Thôn Một Mới,C,village,Lê Văn Mới,0944444444",
        )
        + "C-2,Thôn Hai,C,village,Trưởng Thôn Một,0911111111,village_head\n",
    )
    async with uow_factory() as uow:
        await import_roster(second, uow, NOW, source=source(second), year=2025)
    latest = (await log(uow_factory, "P", "D", "C", "C-1", "C-2"))[len(added) + 1 :]
    assert [(e.action, e.old_value, e.new_value) for e in latest if e.action != import_audit.SUMMARY] == [
        (import_audit.UNIT_RENAMED, "Thôn Một", "Thôn Một Mới"),
        (import_audit.PERSON_ADDED, None, "Lê Văn Mới (trưởng thôn, +84944444444)"),
        (import_audit.PERSON_MOVED, "Trưởng Thôn Một: Thôn Một Mới (C-1)", "Trưởng Thôn Một: Thôn Hai (C-2)"),
    ]
    assert all(e.reason and "roster-2.csv" in e.reason for e in latest)


def test_the_summary_sits_on_the_unit_holding_every_unit_of_the_file() -> None:
    parents: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 3, 5: 3, 6: 2, 10: None, 11: 10}
    assert covering_units([4, 5], parents) == [3]
    assert covering_units([4, 6], parents) == [2]
    assert covering_units([4], parents) == [4]
    assert covering_units([4, 11], parents) == [4, 11]  # two trees: one each
    assert covering_units([4, 1], parents) == [1]


async def test_nhatky_shows_an_import_grouped_to_an_admin_in_scope_and_not_out_of_it(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        other = write(
            tmp_path,
            "khac.csv",
            "unit_code,unit_name,parent_code,tier,person_name,phone,role\n"
            "DEMO-KH,Huyện Khác,DEMO,district,Lê Văn Khác,0900000003,district_admin\n",
        )
        async with app.uow() as uow:
            await import_roster(other, uow, NOW)
        rows = "".join(
            f"{code},{YEAR},{item},{value},\n"
            for code in ("DEMO-SH-X1-T1", "DEMO-SH-X1-T2", "DEMO-SH-X1-T3")
            for item, value in (("households", "250"), ("citizens", "1.200"))
        )
        path = write(tmp_path, "answers.csv", HEADER + rows)
        async with app.uow() as uow:
            await import_answers(path, uow, app.files, NOW, source=source(path))
        short = file_sha256(path)[:12]

        district, _ = await chat(app, "+84900000002", clock)
        lines = await district.send("/nhatky DEMO-SH-X1")
        text = "\n".join(lines)
        heading = f"Nhập từ tệp answers.csv (sha256 {short}…) bởi {OPERATOR}: 6 thay đổi"
        assert heading in text
        assert "Thôn Đông · «Số công dân»: — → 1.200 người" in text
        assert "… và 3 thay đổi khác" in text
        assert text.count("Nhập từ tệp answers.csv") == 1  # one item, not one line per answer
        [sheet] = [Path(line.split(ATTACHED, 1)[1].strip()) for line in lines if ATTACHED in line]
        book = list(openpyxl.load_workbook(sheet).active.iter_rows(values_only=True))
        imported = [row for row in book if row[3] == "nhập câu trả lời"]
        assert len(imported) == 6 and {row[2] for row in imported} == {OPERATOR}
        assert ("Thôn Đông", "Số công dân", "1.200 người") in {(r[1], r[4], r[6]) for r in imported}

        outsider, _ = await chat(app, "+84900000003", clock)
        refused = "\n".join(await outsider.send("/nhatky DEMO-SH-X1"))
        assert "không có quyền xem đơn vị này" in refused and "Nhập từ tệp" not in refused
