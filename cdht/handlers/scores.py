"""Score a unit for a year: load its facts from storage and evaluate them (cdht.scoring)."""

from __future__ import annotations

from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.ports import FactsUnitOfWork
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import RecognitionValidity
from cdht.scoring.results import Assessment


class UnknownUnitError(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Không có đơn vị mã {code}.")


async def score_unit(
    uow: FactsUnitOfWork, code: str, year: int, validity: RecognitionValidity = "assessed_year"
) -> Assessment:
    unit = await uow.units.by_code(code)
    if unit is None:
        raise UnknownUnitError(code)
    if unit.tier == "village":
        raise UnknownUnitError(f"{code} (thôn không được chấm theo TT 25; hãy chấm xã)")
    return evaluate(await load_unit_facts(uow, unit, year, validity))
