"""End to end through the CLI: import a roster and answers, then `cdht score --json` gives the circular's level."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdht.cli.app import app

ROSTER = """unit_code,unit_name,parent_code,tier,person_name,phone,role
P,Tỉnh Thử,,province,,,
D,Huyện Thử,P,district,,,
C,Xã Thử,D,commune,Cán Bộ Xã,0901234567,commune_officer
C-1,Thôn Một,C,village,Trưởng Thôn Một,0911111111,village_head
C-2,Thôn Hai,C,village,Trưởng Thôn Hai,0922222222,village_head
"""
YES_FACTS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1"]


def commune_rows(overrides: dict[str, str], without_evidence: set[str]) -> list[dict[str, str]]:
    values = {fact: "có" for fact in YES_FACTS} | {
        "4.2": "3",
        "4.3": "mức 3",
        "4.4": "2",
        "difficult_area": "không",
    }
    values |= overrides
    rows = []
    for item, value in values.items():
        if value == "":
            continue
        evidence = "" if item in without_evidence else "decision.pdf"
        rows.append({"unit_code": "C", "year": "2024", "item": item, "value": value, "evidence": evidence})
    return rows


def village_rows(learning: int, trained: int, university: int) -> list[dict[str, str]]:
    """Two villages of 600 and 400 citizens; the totals given are split 60/40."""
    rows = []
    for code, share, citizens in (("C-1", 0.6, 600), ("C-2", 0.4, 400)):
        for item, total in (
            ("citizens", None),
            ("learning_citizens", learning),
            ("trained_citizens", trained),
            ("university_citizens", university),
        ):
            value = citizens if total is None else round(total * share)
            rows.append(
                {
                    "unit_code": code,
                    "year": "2024",
                    "item": item,
                    "value": f"{value:,}".replace(",", "."),
                    "evidence": "",
                }
            )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=["unit_code", "year", "item", "value", "evidence"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "decision.pdf").write_bytes(b"%PDF-1.4 quyet dinh")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["import-roster", "roster.csv"])
    assert result.exit_code == 0, result.output
    return runner


def score(cli: CliRunner) -> dict:  # type: ignore[type-arg]
    result = cli.invoke(app, ["score", "C", "--year", "2024", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def indicator(report: dict, level: str, indicator_id: str) -> dict:  # type: ignore[type-arg]
    for criterion in report["levels"][level]["criteria"]:
        for item in criterion["indicators"]:
            if item["id"] == indicator_id:
                return item  # type: ignore[no-any-return]
    raise AssertionError(indicator_id)


SCENARIOS = {
    # name: (commune overrides, facts without evidence, village totals (learning, trained, university), level)
    "level 2": ({}, set(), (850, 620, 160), 2),
    "level 1 only: 5.1 at 70%": ({}, set(), (700, 620, 160), 1),
    "none: 4.2 at PCGD level 1": ({"4.2": "1"}, set(), (850, 620, 160), 0),
    "difficult area, 5.2 at 45% / 11%": ({"difficult_area": "có"}, set(), (850, 450, 110), 1),
    "difficult area without its decision": ({"difficult_area": "có"}, {"difficult_area"}, (850, 450, 110), 0),
    "missing answer 2.1": ({"2.1": ""}, set(), (850, 620, 160), 0),
    "yes without evidence for 1.2": ({}, {"1.2"}, (850, 620, 160), 0),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_score_reproduces_the_circular(cli: CliRunner, tmp_path: Path, name: str) -> None:
    overrides, bare, totals, expected_level = SCENARIOS[name]
    rows = commune_rows(overrides, bare) + village_rows(*totals)
    result = cli.invoke(app, ["import-answers", str(write_csv(tmp_path / "answers.csv", rows))])
    assert result.exit_code == 0, result.output
    report = score(cli)
    assert report["unit"] == "C" and report["year"] == 2024 and report["criteria_set"] == "tt25_commune"
    assert report["level"] == expected_level
    assert report["levels"]["1"]["passed"] is (expected_level >= 1)
    assert report["levels"]["2"]["passed"] is (expected_level >= 2)
    if name.startswith("level 1 only"):
        assert indicator(report, "2", "5.1")["status"] == "fail"
        assert "70" in indicator(report, "2", "5.1")["explanation"]
    if name.startswith("none: 4.2"):
        assert indicator(report, "1", "4.2")["status"] == "fail"
    if name == "difficult area without its decision":
        assert indicator(report, "1", "5.2")["status"] == "no_evidence"
        assert (
            "chưa có minh chứng quyết định công nhận xã thuộc vùng khó khăn"
            in (indicator(report, "1", "5.2")["explanation"])
        )
    elif name.startswith("difficult"):
        assert indicator(report, "1", "5.2")["status"] == "pass"
        assert indicator(report, "2", "5.2")["status"] == "fail"
    if name.startswith("missing"):
        assert indicator(report, "1", "2.1")["status"] == "missing"
    if name.startswith("yes without"):
        assert indicator(report, "1", "1.2")["status"] == "no_evidence"


def test_same_file_twice_changes_nothing_and_human_output_is_vietnamese(
    cli: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "answers.csv", commune_rows({}, set()) + village_rows(850, 620, 160))
    first = cli.invoke(app, ["import-answers", str(path)])
    second = cli.invoke(app, ["import-answers", str(path)])
    assert first.exit_code == second.exit_code == 0
    assert "thêm 0" in second.stdout and "Minh chứng: thêm 0" in second.stdout
    human = cli.invoke(app, ["score", "C", "--year", "2024"])
    assert human.exit_code == 0 and "mức độ 2" in human.stdout


def test_bad_answer_file_is_refused_with_row_numbers_and_changes_nothing(
    cli: CliRunner, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "good.csv", village_rows(850, 620, 160))
    assert cli.invoke(app, ["import-answers", str(good)]).exit_code == 0
    before = score(cli)
    rows = [
        {"unit_code": "C", "year": "2024", "item": "1.1", "value": "có", "evidence": ""},  # row 2 fine
        {"unit_code": "NOPE", "year": "2024", "item": "1.1", "value": "có", "evidence": ""},  # row 3
        {"unit_code": "C", "year": "20x4", "item": "1.1", "value": "có", "evidence": ""},  # row 4
        {"unit_code": "C", "year": "2024", "item": "9.9", "value": "có", "evidence": ""},  # row 5
        {"unit_code": "C", "year": "2024", "item": "4.2", "value": "mức 7", "evidence": ""},  # row 6
        {"unit_code": "C-1", "year": "2024", "item": "citizens", "value": "nhiều", "evidence": ""},  # row 7
        {"unit_code": "C", "year": "2024", "item": "1.2", "value": "có", "evidence": "missing.pdf"},  # row 8
    ]
    result = cli.invoke(app, ["import-answers", str(write_csv(tmp_path / "bad.csv", rows))])
    assert result.exit_code == 1
    for row in range(3, 9):
        assert f"Dòng {row}:" in result.stderr
    assert "Dòng 2:" not in result.stderr
    assert score(cli) == before
