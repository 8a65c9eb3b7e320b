"""The admin side of the CLI on a real SQLite file: export, recognize, remind, audit, broadcast."""

from __future__ import annotations

import asyncio
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from cdht.cli.app import app
from cdht.cli.common import DEMO_ROSTER

ANSWERS = """unit_code,year,item,value,evidence
DEMO-SH-X1,2025,1.1,có,bien-ban.jpg
DEMO-SH-X1,2025,4.2,mức 3,../../etc/passwd-like name.pdf
DEMO-SH-X1-T1,2025,citizens,1.000,
DEMO-SH-X1-T1,2025,learning_citizens,850,
"""


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CDHT_ASSESSMENT_YEAR", "2025")
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bien-ban.jpg").write_bytes(b"\xff\xd8\xff photo")
    (tmp_path / "../../etc/passwd-like name.pdf").resolve().parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "../../etc/passwd-like name.pdf").resolve().write_bytes(b"%PDF decision")
    (tmp_path / "answers.csv").write_text(ANSWERS, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import-roster", str(DEMO_ROSTER)]).exit_code == 0
    result = runner.invoke(app, ["import-answers", "answers.csv"])
    assert result.exit_code == 0, result.output
    return runner


def test_export_writes_real_files(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["export", "DEMO-SH-X1", "--year", "2025", "--format", "xlsx", "--out", "out"])
    assert result.exit_code == 0, result.output
    [workbook] = [Path(line) for line in result.stdout.split()]
    assert openpyxl.load_workbook(workbook).worksheets
    result = cli.invoke(app, ["export", "DEMO-SH-X1", "--year", "2025", "--format", "docx", "--out", "out"])
    letters = [Path(line) for line in result.stdout.split()]
    assert len(letters) == 2 and all(
        "An Bình" in "".join(p.text for p in docx.Document(str(f)).paragraphs) for f in letters
    )
    result = cli.invoke(app, ["export", "DEMO-SH-X1", "--year", "2025", "--format", "zip", "--out", "out"])
    [archive] = [Path(line) for line in result.stdout.split()]
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        assert all(not name.startswith("/") and ".." not in name.split("/") for name in names)
        photos = [n for n in names if n.endswith(".jpg")]
        assert photos and bundle.read(photos[0]) == b"\xff\xd8\xff photo"
    result = cli.invoke(app, ["export", "DEMO-SH", "--year", "2025", "--format", "annual", "--out", "out"])
    assert result.exit_code == 0 and len(result.stdout.split()) == 2
    [report] = [Path(name) for name in result.stdout.split() if name.endswith(".docx")]
    signed = docx.Document(str(report)).tables[-1].rows[0].cells
    assert "Sở Giáo dục và Đào tạo" in signed[0].text and signed[1].text.startswith("TRƯỞNG PHÒNG")
    assert cli.invoke(app, ["export", "DEMO-SH-X1", "--year", "2025", "--format", "annual"]).exit_code == 1
    assert cli.invoke(app, ["export", "DEMO-SH-X1", "--year", "2025", "--format", "pdf"]).exit_code == 1


def test_recognize_then_district_score_counts_it(cli: CliRunner) -> None:
    result = cli.invoke(
        app,
        [
            "recognize",
            "DEMO-SH-X1",
            "--level",
            "2",
            "--number",
            "9/QĐ",
            "--date",
            "2025-03-20",
            "--year",
            "2024",
        ],
    )
    assert result.exit_code == 0 and "được bảo lưu đến hết năm 2027" in result.stdout
    score = cli.invoke(app, ["score", "DEMO-SH", "--year", "2025", "--json"])
    assert '"4.1"' in score.stdout and "1/3" in score.stdout
    assert (
        cli.invoke(
            app,
            ["recognize", "NOPE", "--level", "1", "--number", "1", "--date", "2025-01-01", "--year", "2024"],
        ).exit_code
        == 1
    )


@pytest.mark.parametrize(
    ("reading", "kept_through", "counted"), [(None, 2025, "0/3"), ("decision_year", 2026, "1/3")]
)
def test_the_recognition_validity_setting_decides_what_is_said_and_what_4_1_counts(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, reading: str | None, kept_through: int, counted: str
) -> None:
    """A recognition of 2022 decided in 2023: kept through 2025 read from the year assessed (the default), through
    2026 read from the decision's year (CDHT_RECOGNITION_VALIDITY=decision_year)."""
    if reading:
        monkeypatch.setenv("CDHT_RECOGNITION_VALIDITY", reading)
    args = [
        "recognize",
        "DEMO-SH-X1",
        "--level",
        "1",
        "--number",
        "7/QĐ",
        "--date",
        "2023-03-20",
        "--year",
        "2022",
    ]
    result = cli.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"được bảo lưu đến hết năm {kept_through}; hồ sơ đề nghị công nhận lại gửi trước ngày 28/02/" in (
        result.stdout
    )
    score = cli.invoke(app, ["score", "DEMO-SH", "--year", "2026", "--json"])
    assert score.exit_code == 0 and f"{counted} xã" in score.stdout


def test_remind_dry_run_lists_people_and_audit_shows_imports(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["remind", "--dry-run"])
    assert result.exit_code == 0
    assert "giờ nghỉ" in result.stdout or "người cần nhắc" in result.stdout
    audit = cli.invoke(app, ["audit", "DEMO-SH-X1", "--year", "2025", "--out", "audit.xlsx"])
    assert audit.exit_code == 0 and (tmp_path / "audit.xlsx").exists()


def test_broadcast_requires_an_admin_and_queues_nothing_for_unregistered_people(cli: CliRunner) -> None:
    refused = cli.invoke(app, ["broadcast", "--text", "Họp", "--from", "0902000001", "--yes"])
    assert refused.exit_code == 1
    sent = cli.invoke(app, ["broadcast", "--text", "Họp", "--from", "0900000002", "--yes"])
    assert sent.exit_code == 0 and "đã gửi 0/0" in sent.stdout


def test_a_unit_deadline_changes_progress_and_reminders(cli: CliRunner) -> None:
    result = cli.invoke(app, ["deadline", "DEMO-SH-X1", "--year", "2025", "--date", "2026-02-15"])
    assert result.exit_code == 0 and "5 đơn vị" in result.stdout
    assert cli.invoke(app, ["deadline", "DEMO-SH-X1", "--year", "2025", "--date", "15/02"]).exit_code == 1

    async def progress_text() -> str:
        from cdht.bot.composition import open_app
        from cdht.handlers.officer.progress_report import commune_progress

        async with open_app() as application, application.uow() as uow:
            commune = await uow.units.by_code("DEMO-SH-X1")
            assert commune is not None
            return (await commune_progress(uow, commune, 2025, date(2026, 1, 10))).text

    assert "(hạn 15/02/2026)" in asyncio.run(progress_text())
