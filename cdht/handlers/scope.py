"""What a person may see and act on: their own unit and everything below it. Checked on every request."""

from __future__ import annotations

from cdht.handlers.ports import PersonRecord, ScopeUnitOfWork, UnitRecord


async def units_in_scope(uow: ScopeUnitOfWork, person: PersonRecord) -> list[UnitRecord]:
    return await uow.units.subtree(person.unit_id)


async def unit_in_scope(uow: ScopeUnitOfWork, person: PersonRecord, code: str | None) -> UnitRecord | None:
    """The unit with this code if the person may see it; their own unit when no code is given."""
    if not code:
        return await uow.units.get(person.unit_id)
    unit = await uow.units.by_code(code)
    if unit is None:
        return None
    above = await uow.units.ancestors(unit.id)  # bounded: a stored cycle can never hold the bot here
    return unit if any(node.id == person.unit_id for node in above) else None
