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
    node: UnitRecord | None = unit
    while node is not None:
        if node.id == person.unit_id:
            return unit
        node = await uow.units.get(node.parent_id) if node.parent_id is not None else None
    return None
