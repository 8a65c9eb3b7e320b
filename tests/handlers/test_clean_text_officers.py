"""Issue 14, finding 7, through the console channel: bidirectional and zero-width characters in an answer or
in a return reason are never stored, so officers and village heads never see them."""

from __future__ import annotations

from pathlib import Path

from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo

HEAD_T1 = "+84902000001"
OFFICER_X1 = "+84901000001"
HIDDEN = ("\x00", "\u202e", "\u2067", "\u2069", "\u200b", "\u200e", "\u061c")


def visible(lines: list[str]) -> list[str]:
    return [line for line in lines if any(ch in line for ch in HIDDEN)]


async def test_an_answer_and_a_return_reason_reach_officers_without_hidden_characters(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        head, _ = await chat(app, HEAD_T1, clock)
        notes = "Họp thôn\u202e ngày 5/10\u2067 tại nhà\u200b văn hóa\u2069\x00"
        transcript = await answer_everything(app, head, HEAD_T1, make_photo(tmp_path), {"notes": notes})
        listing = await officer.send("/duyet DEMO-SH-X1-T1")
        assert any("Họp thôn ngày 5/10 tại nhà văn hóa" in line for line in listing), listing
        assert not visible(listing) and not visible(transcript)

        await officer.send("/tralai DEMO-SH-X1-T1")
        done = await officer.send("2: số công dân\u202e chưa khớp\u200e sổ hộ khẩu\u061c")
        assert "Đã trả lại Thôn Đông" in done[0]
        told = await head.notices()
        assert any("số công dân chưa khớp sổ hộ khẩu" in line for line in told) and not visible(told)
        async with app.uow() as uow:
            village = await uow.units.by_code("DEMO-SH-X1-T1")
            assert village is not None
            latest = await uow.answers.latest(village.id, YEAR)
            entries = await uow.audit.for_units([village.id], YEAR)
        assert latest["notes"].value == "Họp thôn ngày 5/10 tại nhà văn hóa"
        assert [e.reason for e in entries if e.action == "reopen"] == ["số công dân chưa khớp sổ hộ khẩu"]
