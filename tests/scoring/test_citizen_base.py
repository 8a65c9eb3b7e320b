"""The citizen base of 5.1 and 5.2: declared by the commune, counted by each village, never mixed.

CB1 villages counted on the commune's base are summed, and the explanation names that base
CB2 a village counted on another base is not summed: the indicator is missing, naming it and the base to
    count again on; the partial figures leave it out
CB3 a village with no recorded base was asked for everyone: it matches a commune that declared nothing
    (or `all`), not one that declared 15 and over
CB4 the base printed is the one the figures are on, for the commune's own totals too
"""

from __future__ import annotations

from dataclasses import replace

from cdht.scoring import Fact, Status, evaluate
from cdht.scoring.facts import UnitFacts

from .builders import commune, facts, level_2_commune_answers, villages


def counted_on(base: str | None, found: list[UnitFacts]) -> list[UnitFacts]:
    if base is None:
        return found
    return [replace(village, facts={**village.facts, "citizen_base": Fact(base)}) for village in found]


def declaring(base: str | None) -> dict[str, Fact]:
    answers = level_2_commune_answers()
    return answers | facts(citizen_base=base) if base is not None else answers


def test_villages_on_the_communes_base_are_summed_under_that_base_cb1() -> None:
    assessment = evaluate(
        commune(declaring("age15plus"), counted_on("age15plus", villages(1000, 850, 650, 160)))
    )
    for indicator in ("5.1", "5.2"):
        result = assessment.indicator(indicator, 2)
        assert result.status is Status.PASS
        assert "tổng hợp từ 4 thôn; cơ sở tính: công dân từ 15 tuổi trở lên" in result.explanation
        assert isinstance(result.value, dict) and result.value["bases"] == ["công dân từ 15 tuổi trở lên"]


def test_a_village_counted_on_another_base_is_reported_not_summed_cb2() -> None:
    aged = counted_on("age15plus", villages(900, 765, 585, 144, count=3))
    everyone = counted_on("all", villages(400, 100, 100, 10, count=1))
    odd = [replace(everyone[0], unit_code="Thôn Lẻ", unit_name="Thôn Lẻ")]
    result = evaluate(commune(declaring("age15plus"), [*aged, *odd])).indicator("5.1", 1)
    assert result.status is Status.MISSING
    assert (
        "1 thôn đếm số công dân theo cách khác với cách tính của xã (toàn bộ công dân: Thôn Lẻ) — "
        "cần đếm lại theo cách tính của xã: công dân từ 15 tuổi trở lên" in result.explanation
    )
    assert "tạm tính (tổng hợp từ 3 thôn): 85,0% (765/900 công dân)" in result.explanation
    assert isinstance(result.value, dict)
    assert result.value["citizens"] == 900 and result.value["recount"] == ["Thôn Lẻ"]
    assert result.value["bases"] == ["công dân từ 15 tuổi trở lên"]


def test_no_recorded_base_means_everyone_cb3() -> None:
    plain = villages(1000, 850, 650, 160)
    for declared in (None, "all"):
        result = evaluate(commune(declaring(declared), plain)).indicator("5.1", 2)
        assert result.status is Status.PASS
        assert "cơ sở tính: toàn bộ công dân" in result.explanation
    result = evaluate(commune(declaring("registered"), plain)).indicator("5.2", 1)
    assert result.status is Status.MISSING
    assert "4 thôn đếm số công dân theo cách khác với cách tính của xã (toàn bộ công dân: Thôn 1, " in (
        result.explanation
    )
    assert "cần đếm lại theo cách tính của xã: công dân có đăng ký cư trú tại xã" in result.explanation
    counted = counted_on("all", plain)
    result = evaluate(commune(declaring("registered"), counted)).indicator("5.2", 1)
    assert result.status is Status.MISSING and "cần đếm lại" in result.explanation


def test_the_commune_totals_carry_the_communes_base_cb4() -> None:
    totals = facts(citizens=2000, learning_citizens=1700, trained_citizens=1300, university_citizens=320)
    mixed = counted_on("all", villages(1000, 850, 650, 160))  # ignored: the commune entered its totals
    result = evaluate(commune(declaring("age15plus") | totals, mixed)).indicator("5.1", 2)
    assert result.status is Status.PASS
    assert "số liệu do xã nhập; cơ sở tính: công dân từ 15 tuổi trở lên" in result.explanation
