"""Learning models (QĐ 387/QĐ-TTg): the villages' figures rolled up, the commune's own added, gaps kept as gaps."""

from __future__ import annotations

from cdht.scoring import UnitFacts
from cdht.scoring.facts import FactValue
from cdht.scoring.learning_models import (
    LearningModels,
    ModelCount,
    area_learning_models,
    combine,
    learning_model_lines,
    tally_learning_models,
)
from tests.scoring.builders import YEAR, commune, district, facts, province


def model_village(name: str, **values: FactValue) -> UnitFacts:
    return UnitFacts(unit_code=name, unit_name=name, tier="village", year=YEAR, facts=facts(0, **values))


FULL = {
    "families_assessed": 200,
    "learning_families": 150,
    "clans": 6,
    "clans_assessed": 4,
    "learning_clans": 3,
    "village_cdht_assessed": True,
    "village_cdht": True,
}


def test_the_villages_figures_are_summed_and_the_communes_own_added() -> None:
    second = FULL | {"families_assessed": 100, "learning_families": 90, "village_cdht": False}
    models = tally_learning_models(
        commune(
            facts(
                units_assessed=12,
                learning_units=10,
                extra_models=True,
                extra_learning_families=5,
                extra_learning_clans=1,
                extra_learning_villages=2,
            ),
            [model_village("T1", **FULL), model_village("T2", **second)],
        )
    )
    assert models == LearningModels(
        units=ModelCount(12, 10),
        families=ModelCount(200 + 100 + 5, 150 + 90 + 5),
        clans=ModelCount(4 + 4 + 1, 3 + 3 + 1),
        villages=ModelCount(2 + 2, 1 + 2),
        villages_reporting=2,
        villages_total=2,
    )


def test_what_the_commune_added_counts_only_while_it_says_so() -> None:
    stale = facts(
        extra_models=False, extra_learning_families=40, extra_learning_clans=4, extra_learning_villages=1
    )
    models = tally_learning_models(commune(stale, [model_village("T1", **FULL)]))
    assert models.families == ModelCount(200, 150)
    assert models.clans == ModelCount(4, 3) and models.villages == ModelCount(1, 1)


def test_missing_figures_stay_missing_and_the_lines_say_so() -> None:
    silent = model_village("T2")
    half = model_village("T3", families_assessed=50)
    models = tally_learning_models(commune(facts(), [model_village("T1", **FULL), silent, half]))
    assert models.units == ModelCount(None, None)
    assert models.families == ModelCount(250, 150)  # what was given is summed
    assert (models.villages_reporting, models.villages_total) == (1, 3)
    nobody = tally_learning_models(commune(facts(), [silent]))
    assert nobody.families == nobody.clans == nobody.villages == ModelCount(None, None)
    lines = learning_model_lines(models)
    assert "• Đơn vị học tập: chưa có số liệu" in lines
    assert "• Gia đình học tập: đánh giá 250, công nhận 150" in lines
    assert any("1/3 thôn" in line and "còn 2 thôn" in line for line in lines)
    assert not any(
        "thôn chưa báo cáo" in line
        for line in learning_model_lines(
            tally_learning_models(commune(facts(), [model_village("T1", **FULL)]))
        )
    )


def test_what_the_questionnaire_does_not_ask_follows_from_the_answers() -> None:
    """No clans, none evaluated or not evaluated: the following question is skipped, so the tally must not
    read a stale answer to it nor call the figure missing."""
    village = model_village(
        "T1",
        families_assessed=0,
        learning_families=30,  # stale: asked before the village corrected its evaluated count
        clans=0,
        clans_assessed=2,
        learning_clans=2,
        village_cdht_assessed=False,
        village_cdht=True,
    )
    models = tally_learning_models(commune(facts(units_assessed=0, learning_units=4), [village]))
    assert models.units == models.families == models.clans == models.villages == ModelCount(0, 0)
    assert models.villages_reporting == 1
    assessed_none = model_village("T2", clans=5, clans_assessed=0)
    assert tally_learning_models(commune(facts(), [assessed_none])).clans == ModelCount(0, 0)


def test_a_recognised_village_was_evaluated_and_bad_values_are_missing() -> None:
    earlier = model_village("T1", village_cdht=True)  # answered before the evaluated question existed
    wrong = model_village("T2", families_assessed=-3, learning_families="nhiều", village_cdht_assessed="có")
    models = tally_learning_models(commune(facts(units_assessed=True), [earlier, wrong]))
    assert models.villages == ModelCount(1, 1)
    assert models.families == ModelCount(None, None)
    assert models.units == ModelCount(None, None)


def test_combine_adds_communes_and_keeps_unknown_apart_from_zero() -> None:
    first = tally_learning_models(
        commune(facts(units_assessed=3, learning_units=2), [model_village("T1", **FULL)])
    )
    second = tally_learning_models(commune(facts(), [model_village("T2")]))
    total = combine([first, second])
    assert total.units == ModelCount(3, 2)
    assert total.families == ModelCount(200, 150)
    assert (total.villages_reporting, total.villages_total) == (1, 2)
    assert combine([second, second]).units == ModelCount(None, None)
    assert combine([]).families == ModelCount(None, None)
    communes = [
        commune(facts(units_assessed=3, learning_units=2), [model_village("T1", **FULL)], code="X01"),
        commune(facts(), [model_village("T2")], code="X02"),
    ]
    assert area_learning_models(district(communes=communes)) == total
    assert area_learning_models(province(children=[district(communes=communes)])) == total
