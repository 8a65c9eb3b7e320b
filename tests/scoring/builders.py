"""Small builders of UnitFacts for the scoring tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdht.scoring import Fact, Recognition, UnitFacts
from cdht.scoring.facts import FactValue

YEAR = 2024
COMMUNE_FLAGS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1")
DISTRICT_FLAGS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")
PROVINCE_FLAGS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3")


def facts(evidence: int = 0, **values: FactValue) -> dict[str, Fact]:
    """facts(learning_citizens=5) -> {"learning_citizens": Fact(5, 0)}; ids like 4.2 go via `dotted`."""
    return {key: Fact(value, evidence) for key, value in values.items()}


def dotted(values: Mapping[str, FactValue], evidence: int = 1) -> dict[str, Fact]:
    return {key: Fact(value, evidence) for key, value in values.items()}


def level_2_commune_answers() -> dict[str, Fact]:
    """Every commune answer at level 2, with evidence, without the citizen counts."""
    answers = dotted(dict.fromkeys(COMMUNE_FLAGS, True))
    answers |= dotted({"4.2": 3, "4.3": 3, "4.4": 2})
    answers["difficult_area"] = Fact(False)
    return answers


def village(
    name: str, citizens: int | None, learning: int | None, trained: int | None, university: int | None
) -> UnitFacts:
    counts = {
        "citizens": citizens,
        "learning_citizens": learning,
        "trained_citizens": trained,
        "university_citizens": university,
    }
    return UnitFacts(
        unit_code=name,
        unit_name=name,
        tier="village",
        year=YEAR,
        facts={key: Fact(value) for key, value in counts.items() if value is not None},
    )


def villages(citizens: int, learning: int, trained: int, university: int, count: int = 4) -> list[UnitFacts]:
    """`count` villages whose sums are exactly the given totals (the first takes the remainders)."""
    parts = [citizens, learning, trained, university]
    shares = [[total // count] * count for total in parts]
    for row, total in zip(shares, parts, strict=True):
        row[0] += total - sum(row)
    return [village(f"Thôn {i + 1}", *(row[i] for row in shares)) for i in range(count)]


def commune(
    answers: Mapping[str, Fact] | None = None,
    children: Sequence[UnitFacts] | None = None,
    *,
    code: str = "X01",
    recognitions: Sequence[Recognition] = (),
) -> UnitFacts:
    """A level-2 commune by default: 850/1.000 learning, 650 trained, 160 university."""
    return UnitFacts(
        unit_code=code,
        unit_name=f"Xã {code}",
        tier="commune",
        year=YEAR,
        facts=level_2_commune_answers() if answers is None else dict(answers),
        children=villages(1000, 850, 650, 160) if children is None else list(children),
        recognitions=tuple(recognitions),
    )


def district(
    answers: Mapping[str, Fact] | None = None,
    communes: Sequence[UnitFacts] = (),
    previous_year: Mapping[str, Fact] | None = None,
) -> UnitFacts:
    base = dotted(dict.fromkeys(DISTRICT_FLAGS, True)) | facts(
        1, income_per_capita=52.5, employment_rate=91.2
    )
    return UnitFacts(
        unit_code="H01",
        unit_name="Huyện Một",
        tier="district",
        year=YEAR,
        facts=base if answers is None else dict(answers),
        previous_year=facts(income_per_capita=48.0, employment_rate=90.5)
        if previous_year is None
        else previous_year,
        children=list(communes),
    )


def province(
    answers: Mapping[str, Fact] | None = None,
    children: Sequence[UnitFacts] = (),
    previous_year: Mapping[str, Fact] | None = None,
) -> UnitFacts:
    base = dotted(dict.fromkeys(PROVINCE_FLAGS, True)) | dotted(
        {"3.4": 5, "3.5": 4, "3.5_shared_resources": True}
    )
    base |= facts(1, poverty_rate=3.1, grdp=120_500.0)
    return UnitFacts(
        unit_code="T01",
        unit_name="Tỉnh Một",
        tier="province",
        year=YEAR,
        facts=base if answers is None else dict(answers),
        previous_year=facts(poverty_rate=3.6, grdp=110_000.0) if previous_year is None else previous_year,
        children=list(children),
    )


def recognised_commune(code: str, level: int, year: int = YEAR - 1) -> UnitFacts:
    return commune(
        code=code, recognitions=[Recognition(level=level, year=year, decision_number=f"QĐ {code}")]
    )
