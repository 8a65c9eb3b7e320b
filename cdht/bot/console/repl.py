"""`cdht chat`: pick a person of the roster, then talk to the bot in the terminal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from cdht.bot.composition import App
from cdht.bot.console.channel import CHANNEL, ConsoleChannel, LocalFileFetcher, read_line
from cdht.conversations.inbound import Command, Contact
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.ports import PersonRecord

ROLE_ORDER = ("village_head", "commune_officer", "district_admin", "province_admin")


async def choose_person(app: App, phone: str | None, role: str | None) -> PersonRecord | None:
    async with app.uow() as uow:
        if phone:
            normalised = normalise_phone(phone)
            return await uow.people.by_phone(normalised) if normalised else None
        people = [p for p in await uow.people.all() if p.active]  # the deactivated cannot chat any more
    if role:
        return next((p for p in people if p.role == role), None)
    people.sort(key=lambda p: (ROLE_ORDER.index(p.role) if p.role in ROLE_ORDER else 9, p.id))
    for index, person in enumerate(people, start=1):
        print(f"{index:>3}. {person.name} — {person.role} — {person.phone}")
    answer = await asyncio.to_thread(read_line, "Chọn người (số thứ tự): ")
    if answer is None or not answer.strip().isdigit() or not 1 <= int(answer) <= len(people):
        return None
    return people[int(answer) - 1]


def make_channel(
    app: App, person: PersonRecord, clock: Callable[[], datetime] | None = None
) -> ConsoleChannel:
    now = clock or (lambda: datetime.now(UTC))
    services = app.services(LocalFileFetcher(), today=now().date())
    return ConsoleChannel(app, services, person, clock=now)


async def open_conversation(app: App, channel: ConsoleChannel, person: PersonRecord) -> list[str]:
    """The first exchange: share the phone number once (registration), afterwards just /start."""
    async with app.uow() as uow:
        linked = any(i.channel == CHANNEL for i in await uow.people.identities(person.id))
    if linked:
        return await channel.send_event(Command("start"))
    return await channel.send_event(Contact(person.phone, is_own=True))


async def chat_loop(app: App, person: PersonRecord) -> None:
    channel = make_channel(app, person)
    print(f"— Đang trò chuyện với tư cách {person.name}. Gõ /quit để thoát, /help để xem hướng dẫn. —")
    for text in await open_conversation(app, channel, person):
        print(f"\n{text}")
    await channel.receive(asyncio.Event())
