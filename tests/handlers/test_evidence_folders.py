"""A document goes to the folder of the indicator its fact feeds: a figure's statistics under 4.2, the province's
shared-resources proof under 3.5, the difficult-area decision under 5.2; a fact that feeds no indicator to «Khác»."""

from __future__ import annotations

import pytest

from cdht.handlers.exports.dossier import evidence_records
from cdht.handlers.ports import NewEvidence
from cdht.reports.evidence.archive import folder
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork


@pytest.mark.parametrize(
    ("tier", "fact", "expected"),
    [
        ("district", "income_per_capita", "TC4/4.2"),
        ("district", "employment_rate", "TC4/4.3"),
        ("district", "2.4", "TC2/2.4"),
        ("province", "3.5_shared_resources", "TC3/3.5"),
        ("province", "grdp", "TC4/4.3"),
        ("commune", "difficult_area", "TC5/5.2"),
        ("commune", "learning_units", "Khác"),
    ],
)
async def test_a_document_is_filed_under_the_indicator_its_fact_feeds(tier, fact, expected):
    database = MemoryDatabase()
    async with MemoryUnitOfWork(database) as uow:
        unit = await uow.units.add("U", "Đơn vị", tier, None, NOW)
        await uow.evidence.add(NewEvidence(unit.id, 2025, "q", "document", NOW, fact=fact, sha256="ab" * 32))
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        [record] = await evidence_records(uow, unit, 2025)
    assert folder(record.indicator_id) == expected
