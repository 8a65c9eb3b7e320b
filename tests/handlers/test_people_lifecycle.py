"""People's lifecycle (issue 14, finding 3 "No way to take access away"): a roster that replaces a subtree
deactivates those it leaves out, a deactivated person's links go at once and what they write is answered only
"your access has ended", their answers stay theirs, their phone passes to someone else; officers deactivate
and reactivate people below them in chat, audited, and learn nothing of anyone else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdht.bot.console.channel import LocalFileFetcher
from cdht.cli.common import DEMO_ROSTER
from cdht.conversations.inbound import Command, Contact, Text
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin import lifecycle, lifecycle_chat
from cdht.handlers.admin.invites import create_invite
from cdht.handlers.admin.lifecycle_chat import GONE, NOT_YOURS
from cdht.handlers.admin.roster import RosterError, import_roster
from cdht.handlers.admin.roster_replace import replace_subtree
from cdht.handlers.context import Sender, Services
from cdht.handlers.dispatch import handle
from cdht.handlers.flows import AccessFlow, current_flow, set_flow
from cdht.handlers.officer.village_status import village_states
from cdht.handlers.ports import AuditRecord, PersonRecord, UnitOfWork
from cdht.handlers.respondent.registration import ACCESS_ENDED, ASK_CONTACT
from cdht.storage.folder_files import FolderFileStore
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.handlers.people_tree import people_tree

YEAR = 2025
HEAD_T1 = "+84902000001"  # Nguyễn Văn An, Thôn Đông of Xã An Bình (DEMO-SH-X1)
NEW_HEAD = "DEMO-SH-X1-T1,Thôn Đông,DEMO-SH-X1,village,Lê Thị Mới,0902000001,village_head"
Factory = Callable[[], UnitOfWork]


def services(tmp_path: Path) -> Services:
    return Services(
        files=FolderFileStore(tmp_path / "files"),
        fetcher=LocalFileFetcher(),
        year=YEAR,
        exports_dir=tmp_path / "exports",
    )


def new_roster(tmp_path: Path) -> Path:
    """The demo roster, with Thôn Đông's head replaced by Lê Thị Mới, who takes over the village's phone."""
    lines = DEMO_ROSTER.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "roster-moi.csv"
    path.write_text(
        "\n".join(NEW_HEAD if line.startswith("DEMO-SH-X1-T1,") else line for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


async def test_a_village_head_replaced_in_a_new_roster_no_longer_answers_and_the_phone_passes_on(
    uow_factory: Factory, tmp_path: Path
) -> None:
    svc = services(tmp_path)
    async with uow_factory() as uow:
        await import_roster(DEMO_ROSTER, uow, NOW)
    old_account = Sender("telegram", "501", "501")
    async with uow_factory() as uow:
        replies = await handle(uow, old_account, Contact(HEAD_T1, is_own=True), NOW, svc)
        replies += await handle(uow, old_account, Text("250"), NOW, svc)
        await uow.commit()
    assert "Nguyễn Văn An" in replies[0].text
    async with uow_factory() as uow:
        old = await uow.people.by_phone(HEAD_T1)
        village = await uow.units.by_code("DEMO-SH-X1-T1")
        commune = await uow.units.by_code("DEMO-SH-X1")
        assert old is not None and village is not None and commune is not None
        assert (await uow.answers.latest(village.id, YEAR))["households"].person_id == old.id

    # Before: the import refused the phone ("số … đã thuộc về Nguyễn Văn An"). Now the subtree is replaced:
    # first the list, and nothing changes
    async with uow_factory() as uow:
        preview = await replace_subtree(new_roster(tmp_path), uow, "DEMO-SH-X1", NOW, apply=False, year=YEAR)
    assert preview.leaving == ["Nguyễn Văn An (trưởng thôn, Thôn Đông, +84902000001)"]
    assert preview.summary("roster-moi.csv").splitlines() == [
        "Nhập thay thế Xã An Bình (dữ liệu mẫu) (DEMO-SH-X1) bằng tệp roster-moi.csv: "
        "1 người không có trong tệp và sẽ bị khoá:",
        "  - Nguyễn Văn An (trưởng thôn, Thôn Đông, +84902000001)",
        "Chưa thay đổi gì. Chạy lại lệnh với --yes để nhập tệp và khoá những người trên.",
    ]
    async with uow_factory() as uow:
        assert await uow.people.by_phone(HEAD_T1) == old
        assert await uow.outbox.due("telegram", NOW, limit=10) == []
    # then, confirmed: deactivated and imported in one go
    async with uow_factory() as uow:
        done = await replace_subtree(new_roster(tmp_path), uow, "DEMO-SH-X1", NOW, apply=True, year=YEAR)
    assert done.report is not None and done.report.people_added == [HEAD_T1]
    assert "đã khoá 1 người không có trong tệp" in done.summary("roster-moi.csv")

    async with uow_factory() as uow:
        [farewell] = await uow.outbox.due("telegram", NOW, limit=10)  # told before the link went
        assert (farewell.chat_id, farewell.person_id) == ("501", old.id)
        assert "quyền sử dụng bot" in farewell.payload["text"] and "Nguyễn Văn An" in farewell.payload["text"]
        assert await handle(uow, old_account, Text("300"), NOW, svc) == [ACCESS_ENDED]
        assert await handle(uow, old_account, Command("start"), NOW, svc) == [ACCESS_ENDED]
        assert await handle(uow, old_account, Contact(HEAD_T1, is_own=True), NOW, svc) == [ACCESS_ENDED]
        await uow.commit()
    async with uow_factory() as uow:
        households = (await uow.answers.latest(village.id, YEAR))["households"]
        assert (households.value, households.person_id) == (250, old.id)  # theirs still; "300" went nowhere
        gone = await uow.people.get(old.id)
        new = await uow.people.by_phone(HEAD_T1)
        assert gone is not None and gone.active is False and gone.name == "Nguyễn Văn An"
        assert new is not None and new.active and new.name == "Lê Thị Mới" and new.id != old.id
        [t1] = [state for state in await village_states(uow, commune, YEAR) if state.unit.id == village.id]
        assert t1.heads == (new,)
        [entry] = [e for e in await uow.audit.for_units([village.id], YEAR) if e.action == "deactivate"]
        assert entry == AuditRecord(
            "deactivate",
            NOW,
            village.id,
            YEAR,
            None,
            new_value="Nguyễn Văn An (trưởng thôn, Thôn Đông, +84902000001)",
            reason="Không có trong danh sách mới roster-moi.csv khi nhập thay thế "
            "Xã An Bình (dữ liệu mẫu) (DEMO-SH-X1)",
            id=entry.id,
        )
    # the phone's new holder registers with it, from her own account
    async with uow_factory() as uow:
        replies = await handle(uow, Sender("telegram", "502", "502"), Contact(HEAD_T1, is_own=True), NOW, svc)
        await uow.commit()
    assert "Xin chào Lê Thị Mới (trưởng thôn, Thôn Đông)" in replies[0].text


async def test_a_replacement_the_import_refuses_changes_nothing(uow_factory: Factory, tmp_path: Path) -> None:
    async with uow_factory() as uow:
        await import_roster(DEMO_ROSTER, uow, NOW)
    bad = new_roster(tmp_path)
    bad.write_text(bad.read_text(encoding="utf-8") + "DEMO-SH-X1-T9,Thôn Chín,KHONG-CO,village,,,\n")
    with pytest.raises(RosterError):
        async with uow_factory() as uow:
            await replace_subtree(bad, uow, "DEMO-SH-X1", NOW, apply=True, year=YEAR)
    with pytest.raises(RosterError, match="Không có đơn vị X-9 để thay thế"):
        async with uow_factory() as uow:
            await replace_subtree(new_roster(tmp_path), uow, "X-9", NOW, apply=True, year=YEAR)
    async with uow_factory() as uow:
        head = await uow.people.by_phone(HEAD_T1)
        assert head is not None and head.active and head.name == "Nguyễn Văn An"
        assert await uow.outbox.due("telegram", NOW, limit=10) == []


async def _say(database: MemoryDatabase, who: PersonRecord, name: str, arg: str) -> OutboundMessage:
    async with MemoryUnitOfWork(database) as uow:
        reply = await lifecycle_chat.run(uow, who, name, arg, NOW, YEAR)
        await uow.commit()
    return reply


async def test_an_officer_deactivates_a_village_head_of_their_commune_after_confirming() -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    asked = await _say(database, t.officer, "khoa", "0902 000 001  đã chuyển công tác")
    assert asked.text.splitlines() == [
        "🔒 Khoá quyền dùng bot của Trưởng thôn Một (trưởng thôn, Thôn Một, +84902000001)?",
        "Lý do: đã chuyển công tác",
        "Khi khoá: tài khoản chat của người này thôi liên kết ngay và họ nhận một tin báo; câu trả lời đã "
        "gửi vẫn giữ nguyên và vẫn ghi tên họ; số điện thoại của họ có thể giao cho người khác.",
    ]
    [[confirm, cancel]] = asked.buttons
    assert (confirm.label, confirm.action, cancel.action) == (
        "🔒 Khoá",
        Command("khoa_ok", str(t.head.id)),
        Command("huy"),
    )
    async with MemoryUnitOfWork(database) as uow:  # nothing happens before the button
        assert (await uow.people.get(t.head.id)).active  # type: ignore[union-attr]
    done = await _say(database, t.officer, "khoa_ok", str(t.head.id))
    assert done.text == (
        "✅ Đã khoá quyền dùng bot của Trưởng thôn Một (trưởng thôn, Thôn Một, +84902000001). "
        "1 tài khoản chat đã thôi liên kết và được báo."
    )
    async with MemoryUnitOfWork(database) as uow:
        head = await uow.people.get(t.head.id)
        assert head is not None and head.active is False
        assert await uow.people.identities(t.head.id) == []
        assert await current_flow(uow, t.officer) is None
        [farewell] = await uow.outbox.due("telegram", NOW, limit=10)
        assert farewell.chat_id == "501" and farewell.payload["text"] == lifecycle.farewell(t.head).text
        [entry] = await uow.audit.for_units([t.head.unit_id], YEAR)
        assert entry == AuditRecord(
            "deactivate",
            NOW,
            t.head.unit_id,
            YEAR,
            t.officer.id,
            new_value="Trưởng thôn Một (trưởng thôn, Thôn Một, +84902000001)",
            reason="đã chuyển công tác",
            id=entry.id,
        )
    # pressed again (or another tap of the same button): nothing more happens
    assert await _say(database, t.officer, "khoa_ok", str(t.head.id)) == GONE
    # given back: the same way, audited
    assert "đã bị khoá từ trước" in (await _say(database, t.officer, "khoa", "0902000001 lần nữa")).text
    asked = await _say(database, t.officer, "mokhoa", "0902000001 nhận lại nhiệm vụ")
    assert asked.text.startswith("🔓 Mở khoá cho Trưởng thôn Một")
    assert asked.buttons[0][0].action == Command("mokhoa_ok", str(t.head.id))
    done = await _say(database, t.officer, "mokhoa_ok", str(t.head.id))
    assert done.text.startswith("✅ Đã mở khoá cho Trưởng thôn Một")
    async with MemoryUnitOfWork(database) as uow:
        assert (await uow.people.get(t.head.id)).active  # type: ignore[union-attr]
        entries = await uow.audit.for_units([t.head.unit_id], YEAR)
        assert [(e.action, e.actor_id, e.reason) for e in entries] == [
            ("deactivate", t.officer.id, "đã chuyển công tác"),
            ("reactivate", t.officer.id, "nhận lại nhiệm vụ"),
        ]


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("officer", "other_head"),  # a village of another commune
        ("officer", "far_head"),  # of another district
        ("officer", "fellow"),  # the same rank, the same commune
        ("officer", "district"),  # a higher rank
        ("officer", "officer"),  # oneself
        ("district", "sibling_district"),  # the same rank, a sibling district
        ("district", "far_head"),  # below, but in a sibling district
        ("district", "province"),
        ("sibling_district", "other_officer"),
        ("province", "province"),
    ],
)
async def test_an_officer_cannot_touch_anyone_outside_their_area_or_not_below_them(
    actor: str, target: str
) -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    who, whom = getattr(t, actor), getattr(t, target)
    for name in ("khoa", "mokhoa"):
        assert await _say(database, who, name, f"{whom.phone} lý do") == NOT_YOURS
    assert await _say(database, who, "khoa", "0919999999 không có ai") == NOT_YOURS  # the same for nobody
    # a forged confirmation, with no question asked or for someone else than the one asked about
    assert await _say(database, who, "khoa_ok", str(whom.id)) == GONE
    async with MemoryUnitOfWork(database) as uow:
        # as if asked earlier, when the rights were otherwise: checked again on the button
        await set_flow(uow, who, AccessFlow(action="deactivate", person=whom.id, reason="giả"), NOW)
        await uow.commit()
    assert await _say(database, who, "khoa_ok", str(whom.id)) == NOT_YOURS
    async with MemoryUnitOfWork(database) as uow:
        assert all(p.active for p in await uow.people.all())
        assert await uow.audit.for_units([u.id for u in await uow.units.all()], YEAR) == []
        assert await uow.outbox.due("telegram", NOW, limit=10) == []


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("officer", "head"),
        ("district", "officer"),
        ("district", "other_head"),
        ("province", "sibling_district"),
        ("province", "far_head"),
    ],
)
async def test_an_officer_may_deactivate_anyone_below_them_in_their_area(actor: str, target: str) -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    who, whom = getattr(t, actor), getattr(t, target)
    assert (await _say(database, who, "khoa", f"{whom.phone} nghỉ hưu")).buttons
    assert (await _say(database, who, "khoa_ok", str(whom.id))).text.startswith("✅")
    async with MemoryUnitOfWork(database) as uow:
        assert [p.id for p in await uow.people.all() if not p.active] == [whom.id]


async def test_usage_and_bad_input_get_polite_answers() -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    usage = await _say(database, t.officer, "khoa", "")
    assert (
        usage.text
        == "Cách dùng: /khoa SỐ_ĐIỆN_THOẠI lý do\nVí dụ: /khoa 0912345678 đã nghỉ việc, thôn đã có trưởng thôn mới"
    )
    assert await _say(database, t.officer, "khoa", "ông An") == usage
    assert (await _say(database, t.officer, "khoa", "0902000001")).text.startswith("Xin ghi lý do")
    assert "dài quá" in (await _say(database, t.officer, "khoa", "0902000001 " + "x" * 400)).text
    # a reason that starts with a number still finds the phone
    asked = await _say(database, t.officer, "khoa", "0902000001 2 năm không hoạt động")
    assert "Lý do: 2 năm không hoạt động" in asked.text


async def test_in_chat_the_commands_are_officers_and_a_typed_message_waits_for_the_button(
    tmp_path: Path,
) -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    svc = services(tmp_path)
    async with MemoryUnitOfWork(database) as uow:
        await uow.people.link_identity(t.officer.id, "telegram", "601", "601", NOW)
        await uow.commit()
    head_chat, officer_chat = Sender("telegram", "501", "501"), Sender("telegram", "601", "601")
    async with MemoryUnitOfWork(database) as uow:
        [refused] = await handle(uow, head_chat, Command("khoa", "0901000001 thử"), NOW, svc)
        assert "không dành cho vai trò" in refused.text
        [asked] = await handle(uow, officer_chat, Command("khoa", "0902000001 nghỉ việc"), NOW, svc)
        assert asked.buttons
        [waiting] = await handle(uow, officer_chat, Text("có"), NOW, svc)
        assert waiting.text == "Xin bấm «🔒 Khoá» để xác nhận, hoặc gõ /huy để hủy thao tác."
        await handle(uow, officer_chat, Command("huy"), NOW, svc)
        assert await handle(uow, officer_chat, Command("khoa_ok", str(t.head.id)), NOW, svc) == [GONE]
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        assert (await uow.people.get(t.head.id)).active  # type: ignore[union-attr]


async def test_an_ended_account_is_linked_again_by_a_valid_invite_code_only(tmp_path: Path) -> None:
    """The phone of a deactivated person's account may be their successor's now: sharing it opens nothing. A
    code an officer made on purpose does (the same person back under a new record, say)."""
    database = MemoryDatabase()
    t = await people_tree(database)
    svc = services(tmp_path)
    account = Sender("telegram", "501", "501")
    async with MemoryUnitOfWork(database) as uow:
        await lifecycle.deactivate(uow, t.head, NOW, actor=None, reason="thay người", year=YEAR)
        successor = await uow.people.add("Người kế nhiệm", t.head.phone, "village_head", t.head.unit_id, NOW)
        code, _ = await create_invite(uow, t.other_head, NOW)
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        assert await handle(uow, account, Contact(successor.phone, is_own=True), NOW, svc) == [ACCESS_ENDED]
        assert await handle(uow, account, Command("start", "WRONG234"), NOW, svc) == [ACCESS_ENDED]
        replies = await handle(uow, account, Command("start", code), NOW, svc)
        await uow.commit()
    assert replies[0].text.startswith("Xin chào Trưởng thôn Hai")
    async with MemoryUnitOfWork(database) as uow:
        assert await uow.people.by_identity("telegram", "501") == t.other_head
        assert await uow.people.ended_link("telegram", "501") is None


async def test_a_deactivated_person_hears_only_that_their_access_ended_until_reactivated(
    tmp_path: Path,
) -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    svc = services(tmp_path)
    account = Sender("telegram", "501", "501")
    async with MemoryUnitOfWork(database) as uow:
        await lifecycle.deactivate(uow, t.head, NOW, actor=None, reason="thử", year=YEAR)
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        for inbound in (
            Text("xin chào"),
            Text("125000"),  # looks like an invite code
            Command("start"),
            Command("tiendo"),
            Contact(t.head.phone, is_own=True),
            Contact(t.far_head.phone, is_own=False),
        ):
            assert await handle(uow, account, inbound, NOW, svc) == [ACCESS_ENDED], inbound
        # another account of theirs, never linked: their own phone says the same
        assert await handle(uow, Sender("zalo", "z", "z"), Contact(t.head.phone, is_own=True), NOW, svc) == [
            ACCESS_ENDED
        ]
        with pytest.raises(lifecycle.LifecycleRefused):
            await lifecycle.deactivate(uow, t.head, NOW, actor=None, reason="lần nữa", year=YEAR)
        await lifecycle.reactivate(uow, t.head, NOW, actor=None, reason="nhầm", year=YEAR)
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        assert await handle(uow, account, Text("xin chào"), NOW, svc) == [ASK_CONTACT]
        replies = await handle(uow, account, Contact(t.head.phone, is_own=True), NOW, svc)
        await uow.commit()
    assert replies[0].text.startswith("Xin chào Trưởng thôn Một (trưởng thôn, Thôn Một)")
    async with MemoryUnitOfWork(database) as uow:
        assert await uow.people.by_identity("telegram", "501") == t.head
        with pytest.raises(lifecycle.LifecycleRefused):
            await lifecycle.reactivate(uow, t.head, NOW, actor=None, reason="đang hoạt động", year=YEAR)
