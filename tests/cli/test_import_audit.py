"""Issue 20 through the command line: `cdht import-answers` and `cdht import-roster` leave in `cdht audit` who ran
them (the operating-system user and host), the file and its sha256, and each changed value; the same file
again adds only its summary; a refused file adds nothing."""

from __future__ import annotations

import getpass
import hashlib
import socket
from pathlib import Path

import openpyxl
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
ANSWERS = """unit_code,year,item,value,evidence
C-1,2024,citizens,1.200,
C-1,2024,learning_citizens,900,
C-2,2024,citizens,800,
"""
BY = "bởi admin@may-chu"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CDHT_ASSESSMENT_YEAR", "2024")
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "admin")
    monkeypatch.setattr(socket, "gethostname", lambda: "may-chu")
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def audit(cli: CliRunner, unit: str = "C") -> list[str]:
    result = cli.invoke(app, ["audit", unit, "--year", "2024"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def short(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_an_answers_import_shows_in_the_audit_with_who_the_file_its_hash_and_each_value(
    cli: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert cli.invoke(app, ["import-roster", "roster.csv"]).exit_code == 0
    path = tmp_path / "answers.csv"
    path.write_text(ANSWERS, encoding="utf-8")
    before = audit(cli)
    result = cli.invoke(app, ["import-answers", "answers.csv"])
    assert result.exit_code == 0, result.output
    lines = audit(cli)[len(before) :]
    head = f"Nhập từ tệp answers.csv (sha256 {short(path)}…) {BY}"
    assert any(
        line.endswith(f"{head}: 3 thay đổi (Câu trả lời: đổi 3, không đổi 0; minh chứng: thêm 0)")
        for line in lines
    )
    for change in (
        "Thôn Một · «Số công dân»: — → 1.200 người",
        "Thôn Hai · «Số công dân»: — → 800 người",
    ):
        assert any(line.endswith(f"{head}: {change}") for line in lines), change
    assert len(lines) == 4

    # the same file: one more line, its summary; a refused file: none
    assert cli.invoke(app, ["import-answers", "answers.csv"]).exit_code == 0
    again = audit(cli)[len(before) + len(lines) :]
    assert len(again) == 1 and again[0].endswith(
        f"{head}: không có thay đổi (Câu trả lời: đổi 0, không đổi 3; minh chứng: thêm 0)"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(ANSWERS.replace("C-2,2024,citizens,800", "C-2,2024,citizens,nhiều"), encoding="utf-8")
    assert cli.invoke(app, ["import-answers", "bad.csv"]).exit_code == 1
    assert len(audit(cli)) == len(before) + len(lines) + 1

    # the workbook holds every entry, with the whole hash
    assert cli.invoke(app, ["audit", "C", "--year", "2024", "--out", "nhat-ky.xlsx"]).exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "nhat-ky.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    imported = [row for row in rows if row[7] == f"Nhập từ tệp answers.csv (sha256 {digest})"]
    assert len(imported) == 5 and {row[2] for row in imported} == {"admin@may-chu"}


def test_a_roster_import_shows_the_units_and_people_it_added_and_renamed(
    cli: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert cli.invoke(app, ["import-roster", "roster.csv"]).exit_code == 0
    lines = audit(cli, "P")
    head = f"Nhập từ tệp roster.csv (sha256 {short(roster)}…) {BY}"
    assert f"{head}: Thôn Một · nhập: thêm đơn vị: Thôn Một (C-1, cấp thôn, thuộc Xã Thử (C))" in "\n".join(
        lines
    )
    assert any(
        line.endswith(f"{head}: Thôn Hai · nhập: thêm người: Trưởng Thôn Hai (trưởng thôn, +84922222222)")
        for line in lines
    )
    renamed = tmp_path / "roster-2.csv"
    renamed.write_text(ROSTER.replace("C-2,Thôn Hai,", "C-2,Thôn Hai Mới,"), encoding="utf-8")
    assert cli.invoke(app, ["import-roster", "roster-2.csv"]).exit_code == 0
    after = audit(cli, "P")[len(lines) :]
    head = f"Nhập từ tệp roster-2.csv (sha256 {short(renamed)}…) {BY}"
    assert [line.split(" · ", 1)[1] for line in after] == [
        f"{head}: 1 thay đổi (Đơn vị: thêm 0, sửa 1; người: thêm 0, sửa 0; không đổi 7)",
        f"{head}: Thôn Hai Mới · nhập: đổi tên đơn vị: Thôn Hai → Thôn Hai Mới",
    ]
