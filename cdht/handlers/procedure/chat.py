"""The procedure's commands in chat: /hop (the self-assessment meeting), /guihoso (send the dossier), /hoso (the
receiving office's queue) and its buttons."""

from __future__ import annotations

from datetime import datetime

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.ports import PersonRecord, UnitOfWork
from cdht.handlers.procedure import meeting, office, sending

COMMANDS = ("hop", "guihoso", "hoso", "hs_xem", "hs_ok", "hs_tralai")


async def run(
    uow: UnitOfWork, person: PersonRecord, name: str, arg: str | None, now: datetime, services: Services
) -> OutboundMessage:
    if name == "hop":
        return await meeting.start(uow, person, now)
    if name == "guihoso":
        return await sending.send(uow, person, arg, now, services)
    if name == "hoso":
        if arg:
            return await office.show(uow, person, arg, services)
        return await office.queue(uow, person, services)
    if name == "hs_xem":
        return await office.show(uow, person, arg, services)
    if name == "hs_ok":
        return await office.mark_checked(uow, person, arg, now, services)
    return await office.start_return(uow, person, arg, now)
