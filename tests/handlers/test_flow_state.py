"""Officers' flows as typed state: each flow round-trips through its stored JSON (also as the previous version
stored it), every flow type has its step, a state this version does not understand is dropped and the person
gets the normal reply, and a flow goes on after a restart in the middle."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import structlog.testing

from cdht.bot.composition import App, open_app
from cdht.bot.console.repl import make_channel
from cdht.cli.common import DEMO_ROSTER
from cdht.config import Settings
from cdht.handlers.admin.roster import import_roster
from cdht.handlers.flow_steps import STEPS
from cdht.handlers.flows import (
    FLOW_TYPES,
    AccessFlow,
    Attachment,
    BroadcastFlow,
    CouncilFlow,
    DifficultyFlow,
    DifficultyReplyFlow,
    DossierReturnFlow,
    Flow,
    MeetingFlow,
    OpinionFlow,
    RecognitionFlow,
    ReturnFlow,
    current_flow,
    flow_from_state,
    set_flow,
)
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW
from tests.support import chat, console_clock

DISTRICT = "+84900000002"
HEAD_T1 = "+84902000001"
HEAD_T2 = "+84902000002"

EVERY_FLOW: list[Flow] = [
    BroadcastFlow(),
    BroadcastFlow(
        step="confirm",
        text="Họp giao ban thứ Hai lúc 8 giờ",
        attachment=Attachment(sha256="ab" * 32, kind="photo", name="giấy mời.jpg"),
        role="village_head",
        unit="DEMO-SH",
        unfinished=True,
    ),
    ReturnFlow(village="DEMO-SH-X1-T1"),
    DifficultyFlow(),
    DifficultyReplyFlow(id=7),
    RecognitionFlow(),
    AccessFlow(action="deactivate", person=12, reason="đã nghỉ việc"),
    MeetingFlow(),
    MeetingFlow(step="level", held_on="2025-11-15", chair="Chủ tịch UBND xã", participants="Hội Khuyến học"),
    DossierReturnFlow(dossier=3),
    CouncilFlow(),
    OpinionFlow(dossier=4, criterion="2"),
    OpinionFlow(dossier=4, criterion="3", agrees=False),
]
PREVIOUS_VERSION = [  # the dicts the untyped flows stored, as the migration moves them over
    ({"name": "broadcast", "step": "text"}, BroadcastFlow()),
    (
        {
            "name": "broadcast",
            "step": "confirm",
            "text": "Họp",
            "attachment": {"sha256": "cd" * 32, "kind": "document", "name": None},
            "role": "all",
            "unit": "DEMO",
            "unfinished": False,
        },
        BroadcastFlow(
            step="confirm",
            text="Họp",
            attachment=Attachment(sha256="cd" * 32, kind="document"),
            role="all",
            unit="DEMO",
        ),
    ),
    ({"name": "return", "village": "DEMO-SH-X1-T2"}, ReturnFlow(village="DEMO-SH-X1-T2")),
    ({"name": "difficulty"}, DifficultyFlow()),
    ({"name": "difficulty_reply", "id": 12}, DifficultyReplyFlow(id=12)),
    ({"name": "recognition"}, RecognitionFlow()),
]
NOT_UNDERSTOOD = [
    {"name": "poll", "question": 3},  # a flow this version does not have
    {"name": "broadcast", "step": "schedule"},  # a step it does not have
    {"name": "difficulty_reply", "id": "không phải số"},
    {"name": "return"},  # a field missing
    {"step": "text"},  # no name at all
]


@pytest.mark.parametrize("flow", EVERY_FLOW, ids=lambda flow: type(flow).__name__)
async def test_each_flow_round_trips_through_its_stored_state(
    flow: Flow, sqlite_uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    assert flow_from_state(flow.model_dump(mode="json")) == flow
    async with sqlite_uow_factory() as uow:
        unit = await uow.units.add("D", "Huyện", "district", None, NOW)
        person = await uow.people.add("Cán bộ", "+84900000009", "district_admin", unit.id, NOW)
        await set_flow(uow, person, flow, NOW)
        await uow.commit()
    async with sqlite_uow_factory() as uow:
        assert await current_flow(uow, person) == flow
        await set_flow(uow, person, None, NOW)
        assert await current_flow(uow, person) is None


@pytest.mark.parametrize(("state", "flow"), PREVIOUS_VERSION, ids=lambda value: str(value)[:30])
def test_states_the_previous_version_stored_are_understood(state: dict[str, Any], flow: Flow) -> None:
    assert flow_from_state(state) == flow


def test_every_flow_type_has_a_step() -> None:
    assert set(STEPS) == set(FLOW_TYPES)
    assert {type(flow) for flow in EVERY_FLOW} == set(FLOW_TYPES)


@asynccontextmanager
async def bot(data: Path, *, roster: bool = True) -> AsyncIterator[App]:
    """The app on the data folder, as a process that starts (and, on leaving, stops)."""
    settings = Settings(data_dir=data, assessment_year=2025, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings) as app:
        await app.database.upgrade()
        if roster:
            async with app.uow() as uow:
                await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
        yield app


@pytest.mark.parametrize("state", NOT_UNDERSTOOD, ids=lambda state: str(state)[:30])
async def test_a_stored_state_not_understood_is_dropped_and_the_person_gets_the_normal_reply(
    state: dict[str, Any], tmp_path: Path
) -> None:
    clock = console_clock()
    async with bot(tmp_path / "data") as app:
        head, _ = await chat(app, HEAD_T1, clock)
        control, _ = await chat(app, HEAD_T2, clock)  # the same questionnaire, no flow
        async with app.uow() as uow:
            person = await uow.people.by_phone(HEAD_T1)
            assert person is not None
            await uow.flows.save(person.id, state, clock())
            await uow.commit()
        with structlog.testing.capture_logs() as logged:
            replies = await head.send("250")
        assert replies == await control.send("250")  # the next question, as for anyone
        assert [e["event"] for e in logged if e["log_level"] == "warning"] == [
            "stored officer flow not understood; dropped"
        ]
        async with app.uow() as uow:
            village = await uow.units.by_code("DEMO-SH-X1-T1")
            assert village is not None
            assert (await uow.answers.latest(village.id, 2025))["households"].value == 250
            assert await uow.flows.get(person.id) is None  # dropped: logged once, not on every message


async def test_a_broadcast_being_composed_goes_on_after_a_restart(tmp_path: Path) -> None:
    clock = console_clock()
    async with bot(tmp_path / "data") as app:
        for phone in (HEAD_T1, HEAD_T2):
            await chat(app, phone, clock)  # registered: reachable in chat
        district, _ = await chat(app, DISTRICT, clock)
        assert "Soạn thông báo" in (await district.send("/thongbao"))[0]
        assert "Gửi cho ai" in (await district.send("Họp giao ban thứ Hai lúc 8 giờ"))[0]
        assert "đơn vị nào" in (await district.send("/tb role:village_head"))[0]
    async with bot(tmp_path / "data", roster=False) as app:  # a new process on the same database
        async with app.uow() as uow:
            person = await uow.people.by_phone(DISTRICT)
            assert person is not None
            assert await current_flow(uow, person) == BroadcastFlow(
                step="unit", text="Họp giao ban thứ Hai lúc 8 giờ", role="village_head"
            )
        district = make_channel(app, person, clock=clock)
        assert "chưa trả lời xong" in "\n".join(await district.send("/tb unit:DEMO-SH"))
        preview = "\n".join(await district.send("/tb unf:0"))
        assert "Họp giao ban thứ Hai lúc 8 giờ" in preview and "Sẽ gửi tới 2 người" in preview
        assert "Đang gửi thông báo" in "\n".join(await district.send("/tb send:"))
        async with app.uow() as uow:
            assert await uow.flows.get(person.id) is None  # the flow ended with the sending
            [record] = await uow.broadcasts.active()
        assert record.audience == {"role": "village_head", "unit": "DEMO-SH", "unfinished": False}
        assert record.text == "Họp giao ban thứ Hai lúc 8 giờ"
