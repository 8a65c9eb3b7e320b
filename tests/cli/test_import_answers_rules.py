"""Issue 14, finding 5, through `cdht import-answers`: what the chat refuses is refused from a file too, with
the row number and the reason in Vietnamese, and nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdht.cli.app import app

ROSTER = """unit_code,unit_name,parent_code,tier,person_name,phone,role
P,Tỉnh Thử,,province,,,
D,Huyện Thử,P,district,,,
C,Xã Thử,D,commune,Cán Bộ Xã,0901234567,commune_officer
C-1,Thôn Một,C,village,Trưởng Thôn Một,0911111111,village_head
"""
HEADER = "unit_code,year,item,value,evidence\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import-roster", "roster.csv"]).exit_code == 0
    return runner


def import_answers(cli: CliRunner, tmp_path: Path, rows: str) -> tuple[int, str, str]:
    (tmp_path / "answers.csv").write_text(HEADER + rows, encoding="utf-8")
    result = cli.invoke(app, ["import-answers", "answers.csv"])
    return result.exit_code, result.stdout, result.stderr


def test_the_issues_two_files_are_refused_and_nothing_is_imported(cli: CliRunner, tmp_path: Path) -> None:
    code, _, errors = import_answers(
        cli, tmp_path, "C-1,2025,citizens,100,\nC-1,2025,learning_citizens,5000,\n"
    )
    assert code == 1
    assert (
        "Dòng 3:" in errors and "(5.000 người) không được lớn hơn số công dân (100 người, dòng 2)" in errors
    )

    code, _, errors = import_answers(
        cli,
        tmp_path,
        "C-1,2025,citizens,1000,\nC-1,2025,trained_citizens,300,\nC-1,2025,university_citizens,700,\n",
    )
    assert code == 1 and "Dòng 4:" in errors and "(300 người, dòng 3)" in errors
    assert "Dòng 2:" not in errors and "Dòng 3:" not in errors

    code, output, _ = import_answers(
        cli, tmp_path, "C-1,2025,citizens,1000,\nC-1,2025,learning_citizens,850,\n"
    )
    assert code == 0 and "thêm 2" in output  # nothing of the refused files was kept
