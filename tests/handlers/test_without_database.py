"""Use cases run on the in-memory unit of work: no database, no migrations, the same behaviour."""

from __future__ import annotations

from cdht.conversations.inbound import Contact
from cdht.handlers.context import Sender
from cdht.handlers.officer.review import approve
from cdht.handlers.ports import AuditRecord, Lane, PersonRecord, YearRecord
from cdht.handlers.respondent.registration import NOT_OWN_CONTACT, UNKNOWN_PHONE, register
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork

YEAR = 2025


async def _village_with_people(database: MemoryDatabase) -> tuple[PersonRecord, PersonRecord]:
    """A commune with one village; its head (on Telegram chat 501) and the commune officer."""
    async with MemoryUnitOfWork(database) as uow:
        commune = await uow.units.add("C1", "Xã Một", "commune", None, NOW)
        village = await uow.units.add("V1", "Thôn A", "village", commune.id, NOW)
        head = await uow.people.add("Nguyễn Văn A", "+84912345678", "village_head", village.id, NOW)
        officer = await uow.people.add("Trần Thị B", "+84987654321", "commune_officer", commune.id, NOW)
        await uow.people.link_identity(head.id, "telegram", "501", "501", NOW)
        await uow.commit()
    return head, officer


async def test_a_person_registers_by_sharing_their_own_phone_contact() -> None:
    database = MemoryDatabase()
    _, officer = await _village_with_people(database)
    sender = Sender("telegram", "777", "777")
    async with MemoryUnitOfWork(database) as uow:
        assert await register(uow, sender, Contact("+84987654321", is_own=False), NOW) == NOT_OWN_CONTACT
        assert await register(uow, sender, Contact("0911 000 000", is_own=True), NOW) == UNKNOWN_PHONE
        assert await uow.people.by_identity("telegram", "777") is None
        assert await register(uow, sender, Contact("0987 654 321", is_own=True), NOW) == officer
        # not committed: the link is dropped with the transaction
    async with MemoryUnitOfWork(database) as uow:
        assert await uow.people.by_identity("telegram", "777") is None
        assert await register(uow, sender, Contact("0987 654 321", is_own=True), NOW) == officer
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        assert await uow.people.by_identity("telegram", "777") == officer
        assert [i.chat_id for i in await uow.people.identities(officer.id)] == ["777"]


async def test_an_officer_approves_a_village_and_its_head_is_told() -> None:
    database = MemoryDatabase()
    head, officer = await _village_with_people(database)
    async with MemoryUnitOfWork(database) as uow:
        village = await uow.units.by_code("V1")
        assert village is not None
        reply = await approve(uow, officer, village, YEAR, NOW)
        await uow.commit()
    assert reply.text == "🟢 Đã duyệt số liệu của Thôn A."
    async with MemoryUnitOfWork(database) as uow:
        assert await uow.years.get(village.id, YEAR) == YearRecord(village.id, YEAR, "approved")
        [entry] = await uow.audit.for_units([village.id], YEAR)
        assert entry == AuditRecord(
            "approve", NOW, village.id, YEAR, officer.id, reason="Cán bộ xã duyệt số liệu", id=entry.id
        )
        [(message, recipient)] = await uow.outbox.claim("telegram", NOW, limit=10)
        assert (message.chat_id, message.lane, recipient) == ("501", Lane.NOTICE, head)
        assert message.payload["text"] == (
            f"🟢 Số liệu năm {YEAR} của Thôn A đã được xã duyệt. Cảm ơn anh/chị!"
        )
