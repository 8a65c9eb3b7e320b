"""`cdht units import --province …` on a real SQLite file (issue 17, item 2): the official communes of a
province, idempotent, a polite refusal for an unknown province; a roster then adds villages under them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdht.cli.app import app
from cdht.cli.common import run_with_app
from cdht.handlers.admin.official_units import packaged_catalogue
from cdht.handlers.ports import UnitRecord


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CDHT_ASSESSMENT_YEAR", "2025")
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def stored_units() -> dict[str, UnitRecord]:
    async def work(application) -> dict[str, UnitRecord]:  # type: ignore[no-untyped-def]
        async with application.uow() as uow:
            return {unit.code: unit for unit in await uow.units.all()}

    return run_with_app(work)


def test_units_import_adds_the_province_and_its_communes_once(cli: CliRunner, tmp_path: Path) -> None:
    lang_son = packaged_catalogue().find("20")
    first = cli.invoke(app, ["units", "import", "--province", "Lạng Sơn"])
    assert first.exit_code == 0, first.output
    assert f"Đã thêm {len(lang_son.communes)} xã, cập nhật 0 tên, 0 không đổi." in first.stdout
    units = stored_units()
    assert {code: unit.name for code, unit in units.items() if unit.tier == "commune"} == {
        commune.code: commune.name for commune in lang_son.communes
    }
    assert units["20"].name == "Tỉnh Lạng Sơn" and len(units) == len(lang_son.communes) + 1

    again = cli.invoke(app, ["units", "import", "--province", "tinh lang son"])
    assert again.exit_code == 0, again.output
    assert (
        f"Không có gì thay đổi: đã thêm 0 xã, cập nhật 0 tên, {len(lang_son.communes)} không đổi."
        in again.stdout
    )
    assert stored_units() == units

    commune = lang_son.communes[0]
    (tmp_path / "thon.csv").write_text(
        "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Cấp,Họ và tên,Số điện thoại,Vai trò\n"
        f"LS-T1,Thôn Nà Pàn,{commune.code},thôn,Hoàng Văn Pàn,0912000001,trưởng thôn\n",
        encoding="utf-8",
    )
    roster = cli.invoke(app, ["import-roster", "thon.csv"])
    assert roster.exit_code == 0, roster.output
    assert roster.stdout.startswith("Đơn vị: thêm 1, sửa 0. Người: thêm 1, sửa 0.")
    after = stored_units()
    assert after["LS-T1"].parent_id == after[commune.code].id
    audit = cli.invoke(app, ["audit", commune.code, "--year", "2025"])
    assert audit.exit_code == 0 and "thêm đơn vị theo danh mục hành chính" in audit.stdout


def test_an_unknown_province_is_refused_with_close_matches(cli: CliRunner) -> None:
    refused = cli.invoke(app, ["units", "import", "--province", "Lang Sen"])
    assert refused.exit_code == 1
    assert "Không tìm thấy tỉnh, thành phố «Lang Sen»" in refused.output
    assert "Có phải: Tỉnh Lạng Sơn (mã 20)?" in refused.output


def test_the_command_line_loads_the_official_list_only_when_asked() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, cdht.cli.app; print('vietnam_provinces' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
