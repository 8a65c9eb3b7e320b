"""Walks of the unit tree, up and down, on every backend: bounded, each unit once, even over a stored cycle."""

from __future__ import annotations

from collections.abc import Callable

from cdht.handlers.ports import UnitOfWork
from cdht.storage.repositories.units import MAX_DEPTH
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]


class TestUnitWalks:
    async def test_ancestors_are_nearest_first(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            province = await uow.units.add("P1", "Tỉnh", "province", None, NOW)
            district = await uow.units.add("D1", "Huyện", "district", province.id, NOW)
            commune = await uow.units.add("C1", "Xã", "commune", district.id, NOW)
            village = await uow.units.add("V1", "Thôn", "village", commune.id, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [u.code for u in await uow.units.ancestors(village.id)] == ["V1", "C1", "D1", "P1"]
            assert [u.code for u in await uow.units.ancestors(province.id)] == ["P1"]
            assert await uow.units.ancestors(village.id + 100) == []

    async def test_a_stored_cycle_ends_every_walk(self, backend_uow_factory: Factory) -> None:
        """P1 stored as a village under its own commune (what issue 14's roster row did): P1 → D1 → C1 → P1."""
        async with backend_uow_factory() as uow:
            province = await uow.units.add("P1", "Tỉnh", "province", None, NOW)
            district = await uow.units.add("D1", "Huyện", "district", province.id, NOW)
            commune = await uow.units.add("C1", "Xã", "commune", district.id, NOW)
            await uow.units.add("V1", "Thôn", "village", commune.id, NOW)
            await uow.units.update(province.id, name="Tỉnh", tier="village", parent_id=commune.id)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [u.code for u in await uow.units.subtree(district.id)] == ["D1", "C1", "P1", "V1"]
            assert [u.code for u in await uow.units.subtree(commune.id)] == ["C1", "P1", "V1", "D1"]
            assert [u.code for u in await uow.units.ancestors(commune.id)] == ["C1", "D1", "P1"]

    async def test_a_long_chain_is_cut_at_the_depth_bound(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            parent = None
            chain = []
            for n in range(MAX_DEPTH + 4):
                unit = await uow.units.add(f"U{n:02}", f"Đơn vị {n}", "village", parent, NOW)
                chain.append(unit)
                parent = unit.id
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert len(await uow.units.subtree(chain[0].id)) == MAX_DEPTH + 1
            assert len(await uow.units.ancestors(chain[-1].id)) == MAX_DEPTH + 1
