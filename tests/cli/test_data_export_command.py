"""`cdht export UNIT --year Y --format data`: every answer of the subtree as XLSX and CSV in the folder."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from cdht.cli.app import app
from cdht.reports.xlsx.answer_table import LONG_SHEET, WIDE_SHEET

from .test_import_and_score import cli, commune_rows, village_rows, write_csv

__all__ = ["cli"]  # the fixture


def test_the_data_export_writes_both_files(cli: CliRunner, tmp_path: Path) -> None:
    rows = commune_rows({}, set()) + village_rows(850, 620, 160)
    result = cli.invoke(app, ["import-answers", str(write_csv(tmp_path / "answers.csv", rows))])
    assert result.exit_code == 0, result.output
    result = cli.invoke(app, ["export", "D", "--year", "2024", "--format", "data", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        str(Path("out") / "D-2024-cau-tra-loi.xlsx"),
        str(Path("out") / "D-2024-cau-tra-loi.csv"),
    ]
    text = (tmp_path / "out" / "D-2024-cau-tra-loi.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    citizens = {line["Mã đơn vị"]: line for line in lines if line["Mã câu hỏi"] == "citizens"}
    assert set(citizens) == {"C-1", "C-2"}
    assert float(citizens["C-1"]["Giá trị"]) == 600 and citizens["C-1"]["Mã xã"] == "C"
    assert citizens["C-1"]["Tên đơn vị"] == "Thôn Một" and citizens["C-1"]["Mã huyện"] == "D"
    assert citizens["C-1"]["Nguồn"] == "Nhập từ tệp"
    commune = [line for line in lines if line["Mã đơn vị"] == "C"]
    assert any("decision.pdf" in line["Minh chứng"] for line in commune)
    assert any(line["Giá trị"] == "Có" and line["Giá trị số (Có = 1, Không = 0)"] == "1" for line in commune)
    book = openpyxl.load_workbook(tmp_path / "out" / "D-2024-cau-tra-loi.xlsx")
    assert book.sheetnames == [LONG_SHEET, WIDE_SHEET]
    assert book[LONG_SHEET].max_row == len(lines) + 1
    assert [row[3] for row in book[WIDE_SHEET].iter_rows(min_row=4, values_only=True)] == [
        "D",
        "C",
        "C-1",
        "C-2",
    ]


def test_a_unit_that_is_not_there_or_a_village_is_refused(cli: CliRunner) -> None:
    for code in ("KHONG-CO", "C-1"):
        result = cli.invoke(app, ["export", code, "--year", "2024", "--format", "data"])
        assert result.exit_code == 1
        assert f"Không tạo được hồ sơ cho {code}" in result.output
