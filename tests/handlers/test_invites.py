"""Invite codes with a trail (issue 14, finding 2): who may make a code for whom, expiry, the audit log of
making, redeeming and re-linking, and the old chat told when its link moves. On the in-memory unit of work,
then the issue's reproductions on the console."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cdht.bot.console.channel import ConsoleChannel, LocalFileFetcher
from cdht.config import Settings
from cdht.conversations.inbound import Command, Contact
from cdht.handlers.admin.invites import NOT_YOURS, create_invite, invitable_roles, invite_in_chat, may_invite
from cdht.handlers.context import Sender
from cdht.handlers.ports import ROLES, AuditRecord, Lane, PersonRecord
from cdht.handlers.respondent.registration import BAD_CODE, register, relinked_notice
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.handlers.people_tree import people_tree
from tests.support import YEAR, chat, console_clock, demo_app, open_demo_app

TZ = "Asia/Ho_Chi_Minh"
HEAD_T1 = "+84902000001"
HEAD_X2 = "+84902000005"  # Vũ Văn Em, a village of Xã Hòa Lạc
OFFICER_X1 = "+84901000001"
DISTRICT = "+84900000002"
PROVINCE = "+84900000001"
FELLOW = "+84901000099"  # a second commune officer of Xã An Bình, added by the tests


def test_who_may_make_a_code_for_whom() -> None:
    """Only a lower rank, and never a role holding a power the issuer's role lacks (approving villages)."""
    assert {role: invitable_roles(role) for role in ROLES} == {
        "village_head": [],
        "commune_officer": ["village_head"],
        "district_admin": ["village_head"],
        "province_admin": ["village_head", "district_admin"],
    }
    assert not may_invite("district_admin", "commune_officer")  # or the district could approve villages
    assert not may_invite("commune_officer", "commune_officer")  # a fellow officer: the same rank
    assert not may_invite("province_admin", "province_admin")


async def test_a_code_is_made_only_for_a_lower_rank_inside_the_issuers_area() -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    allowed = {
        t.officer: [t.head],
        t.district: [t.head, t.other_head],
        t.province: [t.head, t.far_head, t.district, t.sibling_district],
    }
    outside = {  # unknown, a sibling unit, a parent unit, another district: the same answer as an unknown number
        t.officer: ["0911000000", t.other_head.phone, t.district.phone, t.far_head.phone],
        t.district: ["0911000000", t.sibling_district.phone, t.province.phone, t.far_head.phone],
        t.province: ["0911000000"],
    }
    refused = {  # in the area, not a lower rank, or an approver: told they may not, nothing more
        t.officer: [t.fellow, t.officer],
        t.district: [t.officer, t.fellow, t.other_officer, t.district],
        t.province: [t.officer, t.province],
    }
    for issuer, people in allowed.items():
        for person in people:
            async with MemoryUnitOfWork(database) as uow:
                reply = await invite_in_chat(uow, issuer, person.phone, NOW, TZ, year=YEAR)
                await uow.commit()
            assert reply.text.startswith(f"Mã mời cho {person.name}: "), (issuer.role, person.name, reply)
    assert len(database.tables.invites) == sum(len(people) for people in allowed.values())
    before = (dict(database.tables.invites), dict(database.tables.audit))
    for issuer, phones in outside.items():
        for phone in phones:
            async with MemoryUnitOfWork(database) as uow:
                assert await invite_in_chat(uow, issuer, phone, NOW, TZ) == NOT_YOURS, (issuer.role, phone)
                await uow.commit()
    for issuer, people in refused.items():
        for person in people:
            async with MemoryUnitOfWork(database) as uow:
                reply = await invite_in_chat(uow, issuer, person.phone, NOW, TZ)
                await uow.commit()
            assert reply.text.startswith(f"Xin lỗi, anh/chị không thể tạo mã mời cho {person.name} ("), reply
            assert "Anh/chị chỉ tạo được mã mời cho trưởng thôn" in reply.text
    assert (dict(database.tables.invites), dict(database.tables.audit)) == before
    async with MemoryUnitOfWork(database) as uow:
        usage = await invite_in_chat(uow, t.officer, "  ", NOW, TZ)
    assert usage.text == "Xin gõ số điện thoại của người cần mã mời sau lệnh, ví dụ: /moi 0912345678"


async def test_making_redeeming_and_relinking_are_audited_and_the_old_chat_is_told_first() -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    async with MemoryUnitOfWork(database) as uow:
        reply = await invite_in_chat(uow, t.officer, "0902 000 001", NOW, TZ, year=YEAR)
        await uow.commit()
    code = reply.text.split(": ", 1)[1].split(" ", 1)[0]
    assert "hết hạn lúc 15:00 ngày 04/03/2025" in reply.text  # NOW + 72 hours, in Vietnam
    [invite] = database.tables.invites.values()
    assert (invite.person_id, invite.issuer_id, invite.expires_at) == (
        t.head.id,
        t.officer.id,
        NOW + timedelta(hours=72),
    )

    later = NOW + timedelta(hours=1)
    new_phone = Sender("telegram", "777", "777")
    async with MemoryUnitOfWork(database) as uow:
        assert await register(uow, new_phone, Command("start", code), later, YEAR) == t.head
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        assert await uow.people.by_identity("telegram", "501") is None
        assert await uow.people.by_identity("telegram", "777") == t.head
        made, used, relinked = await uow.audit.for_units([t.head.unit_id], YEAR)
        [(message, recipient)] = await uow.outbox.claim("telegram", later, limit=10)
    assert made == AuditRecord(
        "invite",
        NOW,
        t.head.unit_id,
        YEAR,
        t.officer.id,
        new_value="Trưởng thôn Một (trưởng thôn)",
        reason="Mã mời dùng một lần, hết hạn lúc 15:00 ngày 04/03/2025",
        id=made.id,
    )
    how = "mã mời do Cán bộ Một tạo"
    assert used == AuditRecord(
        "invite_used",
        later,
        t.head.unit_id,
        YEAR,
        t.head.id,
        new_value="Telegram 777",
        reason=how,
        id=used.id,
    )
    assert relinked == AuditRecord(
        "relink",
        later,
        t.head.unit_id,
        YEAR,
        t.head.id,
        old_value="Telegram 501",
        new_value="Telegram 777",
        reason=f"Liên kết bằng {how}",
        id=relinked.id,
    )
    assert (message.chat_id, message.lane, recipient) == ("501", Lane.NOTICE, t.head)  # the old account
    assert message.payload["text"] == relinked_notice(t.head, "telegram", how).text
    assert message.payload["text"].startswith(
        "🔔 Xin thông báo: liên kết của Trưởng thôn Một với trợ lý đánh giá Cộng đồng học tập vừa được "
        "chuyển sang một tài khoản Telegram khác (bằng mã mời do Cán bộ Một tạo)."
    )


async def test_a_relink_by_phone_contact_tells_the_old_chat_too_and_a_new_channel_is_no_relink() -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    async with MemoryUnitOfWork(database) as uow:
        zalo = Sender("zalo", "z-1", "z-1")
        code, _ = await create_invite(uow, t.head, NOW, timezone=TZ, year=YEAR)  # from the command line
        assert await register(uow, zalo, Command("start", code), NOW, YEAR) == t.head
        assert (
            await register(uow, Sender("telegram", "888", "888"), Contact(t.head.phone, True), NOW, YEAR)
            == t.head
        )
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        actions = [
            (entry.action, entry.actor_id, entry.reason)
            for entry in await uow.audit.for_units([t.head.unit_id])
        ]
        sent = [
            (message.chat_id, message.payload["text"])
            for message, _ in await uow.outbox.claim("telegram", NOW, limit=10)
        ]
        assert await uow.outbox.claim("zalo", NOW, limit=10) == []
    assert actions == [
        ("invite", None, "Mã mời dùng một lần, hết hạn lúc 15:00 ngày 04/03/2025; tạo bằng lệnh cdht invite"),
        ("invite_used", t.head.id, "mã mời do quản trị hệ thống tạo"),
        ("relink", t.head.id, "Liên kết bằng số điện thoại của chính người đó"),
    ]
    assert sent == [("501", relinked_notice(t.head, "telegram", "số điện thoại của chính người đó").text)]


async def test_a_code_expires_after_the_configured_hours() -> None:
    database = MemoryDatabase()
    t = await people_tree(database)
    async with MemoryUnitOfWork(database) as uow:
        default, _ = await create_invite(uow, t.head, NOW)
        short, _ = await create_invite(uow, t.other_head, NOW, hours=2)
        await uow.commit()
    sender = Sender("telegram", "999", "999")
    async with MemoryUnitOfWork(database) as uow:
        assert (
            await register(uow, sender, Command("start", short), NOW + timedelta(hours=2), YEAR) == BAD_CODE
        )
        assert (
            await register(uow, sender, Command("start", default), NOW + timedelta(hours=72), YEAR)
            == BAD_CODE
        )
        assert (
            await register(
                uow, sender, Command("start", default), NOW + timedelta(hours=71, minutes=59), YEAR
            )
            == t.head
        )


async def test_the_issues_reproductions_on_the_console(tmp_path: Path) -> None:
    """A commune officer cannot /moi a fellow officer; a district admin cannot /moi a commune officer (and so
    cannot approve a village as them); a village head cannot /moi anyone. No code, no audit entry."""
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        async with app.uow() as uow:
            commune = await uow.units.by_code("DEMO-SH-X1")
            assert commune is not None
            await uow.people.add("Lý Văn Đồng", FELLOW, "commune_officer", commune.id, NOW)
            await uow.commit()
        officer, _ = await chat(app, OFFICER_X1, clock)
        district, _ = await chat(app, DISTRICT, clock)
        head, _ = await chat(app, HEAD_T1, clock)
        [reply] = await officer.send(f"/moi {FELLOW}")
        assert reply.startswith("Xin lỗi, anh/chị không thể tạo mã mời cho Lý Văn Đồng (cán bộ xã)"), reply
        [reply] = await district.send("/moi 0901000001")
        assert reply.startswith("Xin lỗi, anh/chị không thể tạo mã mời cho Phan Thị Thu (cán bộ xã)"), reply
        assert "không dành cho vai trò" in (await district.send("/duyet_ok DEMO-SH-X1-T1"))[0]
        for target in (HEAD_T1, OFFICER_X1, DISTRICT):
            assert "không dành cho vai trò" in (await head.send(f"/moi {target}"))[0]
        [unknown] = await officer.send("/moi 0911000000")
        [elsewhere] = await officer.send(f"/moi {HEAD_X2}")
        [parent] = await officer.send(f"/moi {DISTRICT}")
        assert unknown == elsewhere == parent == NOT_YOURS.text  # nothing told about who is outside the area
        async with app.uow() as uow:
            units = [unit.id for unit in await uow.units.all()]
            assert [e for e in await uow.audit.for_units(units) if e.action.startswith("invite")] == []
            officer_record = await uow.people.by_phone(OFFICER_X1)
            assert officer_record is not None
            assert [i.external_id for i in await uow.people.identities(officer_record.id)] == [
                f"console:{OFFICER_X1}"
            ]


async def test_a_code_from_chat_expires_as_the_settings_say(tmp_path: Path) -> None:
    clock = console_clock()
    settings = Settings(data_dir=tmp_path / "data", assessment_year=YEAR, invite_ttl_hours=1, _env_file=None)
    async with open_demo_app(settings) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        [reply] = await officer.send(f"/moi {HEAD_T1}")
        code = reply.split("Mã mời cho Nguyễn Văn An: ", 1)[1].split(" ", 1)[0]
        clock.advance(timedelta(hours=1))
        stranger = PersonRecord(id=0, name="máy mới", phone="+84999000111", role="village_head", unit_id=0)
        new_account = ConsoleChannel(app, app.services(LocalFileFetcher()), stranger, clock=clock)
        assert (await new_account.send(f"/start {code}"))[0] == BAD_CODE.text


def test_the_default_lifetime_is_72_hours() -> None:
    assert Settings(_env_file=None).invite_ttl_hours == 72
