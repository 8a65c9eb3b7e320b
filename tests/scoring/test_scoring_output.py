"""The stable JSON shape and the plain-text table."""

from __future__ import annotations

import json
from typing import Any

from cdht.scoring import Fact, assessment_to_json, evaluate, format_assessment

from .builders import commune, district, level_2_commune_answers, recognised_commune, villages

INDICATOR_KEYS = ["id", "name", "status", "value", "threshold", "explanation"]


def test_json_shape_is_exact() -> None:
    document = assessment_to_json(evaluate(commune(code="X07")))
    assert list(document) == ["unit", "unit_name", "year", "criteria_set", "level", "levels"]
    assert document["unit"] == "X07"
    assert document["unit_name"] == "Xã X07"
    assert document["year"] == 2024
    assert document["criteria_set"] == "tt25_commune"
    assert document["level"] == 2
    levels = document["levels"]
    assert isinstance(levels, dict)
    assert list(levels) == ["1", "2"]
    for level in levels.values():
        assert isinstance(level, dict)
        assert list(level) == ["passed", "criteria"]
        criteria = level["criteria"]
        assert isinstance(criteria, list)
        assert [c["id"] for c in criteria if isinstance(c, dict)] == ["1", "2", "3", "4", "5"]
        for criterion in criteria:
            assert isinstance(criterion, dict)
            assert list(criterion) == ["id", "name", "passed", "indicators"]
            indicators = criterion["indicators"]
            assert isinstance(indicators, list)
            for indicator in indicators:
                assert isinstance(indicator, dict)
                assert list(indicator) == INDICATOR_KEYS
    json.dumps(document, allow_nan=False)


def test_json_values_and_thresholds() -> None:
    document = assessment_to_json(evaluate(commune(children=villages(1000, 583, 650, 160))))
    text = json.dumps(document, ensure_ascii=False)
    assert '"threshold": 60.0' in text
    assert '"threshold": {"trained": 50.0, "university": 12.0}' in text
    assert '"status": "fail"' in text
    assert "5.1: 58,3% < 60% — còn thiếu 17 công dân" in text
    assert document["level"] == 0


def test_district_json_carries_the_projection_in_the_value() -> None:
    document = assessment_to_json(evaluate(district(communes=[recognised_commune("X1", 1)])))
    levels: Any = document["levels"]
    indicator = levels["1"]["criteria"][3]["indicators"][0]
    assert indicator["value"] == {
        "recognised": 1,
        "total": 1,
        "share": 100.0,
        "projection": {"reached": 1, "total": 1, "share": 100.0},
    }


def test_text_table() -> None:
    answers = level_2_commune_answers() | {"1.1": Fact(True, 0)}
    del answers["2.2"]
    text = format_assessment(evaluate(commune(answers, villages(1000, 583, 650, 160))))
    lines = text.splitlines()
    assert lines[0] == "Cộng đồng học tập cấp xã — Xã X01 — năm 2024"
    assert "Tiêu chí | Chỉ tiêu | Mức 1 | Mức 2 | Giải thích" in lines
    assert any(line.startswith("  | 1.1 ") and "📎 | 📎" in line for line in lines)
    assert any(line.startswith("  | 2.2 ") and "⏳ | ⏳" in line for line in lines)
    assert any(line.startswith("  | 5.1 ") and "❌ | ❌" in line for line in lines)
    assert any(line.startswith("  | 4.4 ") and "✅ | ✅" in line for line in lines)
    assert "Kết quả: chưa đạt mức độ 1" in lines


def test_text_table_level_line() -> None:
    assert "Kết quả: đạt mức độ 2" in format_assessment(evaluate(commune()))
    level_1 = evaluate(commune(children=villages(1000, 700, 650, 160)))
    assert "Kết quả: đạt mức độ 1" in format_assessment(level_1)
