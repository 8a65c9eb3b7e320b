"""A small unit tree with people in every role, on the in-memory unit of work, for the use cases that decide who
may do what to whom (invites, the people's lifecycle)."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.handlers.ports import PersonRecord
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork


@dataclass(frozen=True)
class Tree:
    province: PersonRecord
    district: PersonRecord
    sibling_district: PersonRecord
    officer: PersonRecord
    fellow: PersonRecord
    other_officer: PersonRecord
    head: PersonRecord
    other_head: PersonRecord
    far_head: PersonRecord


async def people_tree(database: MemoryDatabase) -> Tree:
    """A province with two districts; the first has two communes (two officers in the first), each a village.
    The village head of V1 is on Telegram (chat 501)."""
    async with MemoryUnitOfWork(database) as uow:
        p = await uow.units.add("P", "Tỉnh Một", "province", None, NOW)
        d1 = await uow.units.add("D1", "Huyện Một", "district", p.id, NOW)
        d2 = await uow.units.add("D2", "Huyện Hai", "district", p.id, NOW)
        c1 = await uow.units.add("C1", "Xã Một", "commune", d1.id, NOW)
        c2 = await uow.units.add("C2", "Xã Hai", "commune", d1.id, NOW)
        c3 = await uow.units.add("C3", "Xã Ba", "commune", d2.id, NOW)
        v1 = await uow.units.add("V1", "Thôn Một", "village", c1.id, NOW)
        v2 = await uow.units.add("V2", "Thôn Hai", "village", c2.id, NOW)
        v3 = await uow.units.add("V3", "Thôn Ba", "village", c3.id, NOW)
        add = uow.people.add
        tree = Tree(
            province=await add("Quản trị tỉnh", "+84900000001", "province_admin", p.id, NOW),
            district=await add("Quản trị huyện", "+84900000002", "district_admin", d1.id, NOW),
            sibling_district=await add("Huyện bên", "+84900000003", "district_admin", d2.id, NOW),
            officer=await add("Cán bộ Một", "+84901000001", "commune_officer", c1.id, NOW),
            fellow=await add("Cán bộ Một B", "+84901000002", "commune_officer", c1.id, NOW),
            other_officer=await add("Cán bộ Hai", "+84901000003", "commune_officer", c2.id, NOW),
            head=await add("Trưởng thôn Một", "+84902000001", "village_head", v1.id, NOW),
            other_head=await add("Trưởng thôn Hai", "+84902000002", "village_head", v2.id, NOW),
            far_head=await add("Trưởng thôn Ba", "+84902000003", "village_head", v3.id, NOW),
        )
        await uow.people.link_identity(tree.head.id, "telegram", "501", "501", NOW)
        await uow.commit()
    return tree
