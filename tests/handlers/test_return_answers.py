"""Returning a village's answers from the review page does what /tralai does in chat; refused input stores
nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cdht.bot.composition import App
from cdht.handlers.flows import ReturnFlow, current_flow
from cdht.handlers.officer.review import ReturnRefused, finish_return, return_answers
from cdht.handlers.wire import outbound_from_json
from tests.fakes.clock import FakeClock
from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo

HEAD_T1 = "+84902000001"
OFFICER_X1 = "+84901000001"
VILLAGE = "DEMO-SH-X1-T1"
LATER = datetime(2100, 1, 1, tzinfo=UTC)  # every queued message is due by then


async def _answered(app: App, photos: Path, clock: FakeClock) -> None:
    head, _ = await chat(app, HEAD_T1, clock)
    await answer_everything(app, head, HEAD_T1, make_photo(photos))


async def _stored(app: App) -> dict[str, Any]:
    """What a return changes: the review state, answers, sessions, audit log, queued messages, flows."""
    async with app.uow() as uow:
        village = await uow.units.by_code(VILLAGE)
        officer = await uow.people.by_phone(OFFICER_X1)
        assert village is not None and officer is not None
        outbox = await uow.outbox.due("console", LATER, 1000)
        return {
            "review": await uow.years.get(village.id, YEAR),
            "answers": {
                q: (a.value, a.source) for q, a in (await uow.answers.latest(village.id, YEAR)).items()
            },
            "sessions": [
                (s.person_id, s.state | {"updated_at": None})
                for s in await uow.sessions.for_units([village.id], YEAR, "village_head")
            ],
            "audit": [
                replace(e, id=0, created_at=LATER) for e in await uow.audit.for_units([village.id], YEAR)
            ],
            "outbox": [(m.chat_id, outbound_from_json(m.payload).text) for m in outbox],
            "flow": await current_flow(uow, officer),
        }


async def test_the_page_return_stores_audits_and_tells_what_the_chat_return_does(tmp_path: Path) -> None:
    results = []
    for path, by_page in ((tmp_path / "chat", False), (tmp_path / "page", True)):
        path.mkdir()
        clock = console_clock()
        async with demo_app(path) as app:
            await _answered(app, tmp_path, clock)  # the same photo: its path is in the session
            officer, _ = await chat(app, OFFICER_X1, clock)
            await officer.send(f"/tralai {VILLAGE}")
            if by_page:
                async with app.uow() as uow:
                    village = await uow.units.by_code(VILLAGE)
                    person = await uow.people.by_phone(OFFICER_X1)
                    assert village is not None and person is not None
                    reply = await return_answers(
                        uow,
                        person,
                        village,
                        YEAR,
                        ["communication_sessions", "citizens"],
                        " sai sổ ",
                        clock(),
                        "console",
                    )
                    await uow.commit()
                text = reply.text
            else:
                [text] = await officer.send("13, 2: sai sổ")
            results.append((text, await _stored(app)))
    (chat_text, by_chat), (page_text, by_page_) = results
    assert (
        page_text
        == chat_text
        == "↩️ Đã trả lại Thôn Đông để sửa: Số công dân, Số buổi tuyên truyền. Lý do: sai sổ"
    )
    assert by_page_ == by_chat
    review = by_chat["review"]
    assert (review.status, review.returned_questions, review.note) == (
        "returned",
        ("communication_sessions", "citizens"),
        "sai sổ",
    )
    assert [(e.action, e.question_id, e.reason) for e in by_chat["audit"] if e.action == "reopen"] == [
        ("reopen", "communication_sessions", "sai sổ"),
        ("reopen", "citizens", "sai sổ"),
    ]
    assert any("sai sổ" in text for _, text in by_chat["outbox"])  # the head is told
    assert by_chat["flow"] is None


@pytest.mark.parametrize(
    ("question_ids", "reason", "refusal"),
    [
        (["citizens", "i1_1"], "sai", "Chỉ trả lại được các câu thôn đã trả lời."),  # not a village question
        (["citizens", "nope"], "sai", "Chỉ trả lại được các câu thôn đã trả lời."),
        ([], "sai", "Xin chọn ít nhất một câu cần thôn sửa."),
        (["citizens"], "  \n ", "Xin ghi lý do trả lại để thôn biết cần sửa gì."),
    ],
)
async def test_a_refused_return_changes_nothing(
    tmp_path: Path, question_ids: list[str], reason: str, refusal: str
) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await _answered(app, tmp_path, clock)
        officer, _ = await chat(app, OFFICER_X1, clock)
        await officer.send(f"/tralai {VILLAGE}")
        before = await _stored(app)
        assert isinstance(before["flow"], ReturnFlow)
        async with app.uow() as uow:
            village = await uow.units.by_code(VILLAGE)
            person = await uow.people.by_phone(OFFICER_X1)
            assert village is not None and person is not None
            with pytest.raises(ReturnRefused) as refused:
                await return_answers(uow, person, village, YEAR, question_ids, reason, clock(), "console")
            await uow.commit()
        assert refused.value.message == refusal
        assert await _stored(app) == before


async def test_an_answer_already_returned_or_a_commune_is_refused(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await _answered(app, tmp_path, clock)
        async with app.uow() as uow:
            village = await uow.units.by_code(VILLAGE)
            commune = await uow.units.by_code("DEMO-SH-X1")
            person = await uow.people.by_phone(OFFICER_X1)
            assert village is not None and commune is not None and person is not None
            await return_answers(uow, person, village, YEAR, ["citizens"], "sai", clock(), "console")
            await uow.commit()
        before = await _stored(app)
        async with app.uow() as uow:
            with pytest.raises(ReturnRefused, match="đã trả lời"):  # withdrawn: nothing to return until fixed
                await return_answers(uow, person, village, YEAR, ["citizens"], "lại sai", clock(), "console")
            with pytest.raises(ReturnRefused, match="của một thôn"):
                await return_answers(uow, person, commune, YEAR, ["citizens"], "sai", clock(), "console")
            await uow.commit()
        assert await _stored(app) == before


async def test_a_blank_reason_typed_in_chat_is_asked_again(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await _answered(app, tmp_path, clock)
        officer, _ = await chat(app, OFFICER_X1, clock)
        await officer.send(f"/tralai {VILLAGE}")
        before = await _stored(app)
        async with app.uow() as uow:
            village = await uow.units.by_code(VILLAGE)
            person = await uow.people.by_phone(OFFICER_X1)
            assert village is not None and person is not None
            reply = await finish_return(uow, person, village, YEAR, "2: \t ", clock(), "console")
            await uow.commit()
        assert reply.text.startswith("⚠️ Xin ghi lý do trả lại") and "Gõ số thứ tự" in reply.text
        assert await _stored(app) == before
