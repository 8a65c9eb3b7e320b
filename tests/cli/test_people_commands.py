"""`cdht people deactivate|reactivate` and `cdht import-roster --replace` on a real SQLite file (issue 14,
finding 3): access taken away and given back, audited; a phone passed on; a subtree replaced on confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdht.cli.app import app
from cdht.cli.common import DEMO_ROSTER


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CDHT_ASSESSMENT_YEAR", "2025")
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["import-roster", str(DEMO_ROSTER)]).exit_code == 0
    return runner


def roster(tmp_path: Path, name: str, changed: dict[str, str]) -> Path:
    """The demo roster with the rows of these unit codes replaced."""
    lines = DEMO_ROSTER.read_text(encoding="utf-8").splitlines()
    path = tmp_path / name
    path.write_text(
        "\n".join(changed.get(line.split(",")[0], line) for line in lines) + "\n", encoding="utf-8"
    )
    return path


def test_deactivate_then_the_phone_goes_to_someone_else(cli: CliRunner, tmp_path: Path) -> None:
    new_head = roster(
        tmp_path,
        "moi.csv",
        {"DEMO-SH-X1-T1": "DEMO-SH-X1-T1,Thôn Đông,DEMO-SH-X1,village,Lê Thị Mới,0902000001,village_head"},
    )
    refused = cli.invoke(app, ["import-roster", str(new_head)])
    assert refused.exit_code == 1
    assert "Dòng 5: số +84902000001 đã thuộc về Nguyễn Văn An." in refused.output

    assert cli.invoke(app, ["people", "deactivate", "0902000001"]).exit_code == 2  # --reason is required
    blank = cli.invoke(app, ["people", "deactivate", "0902000001", "--reason", " "])
    assert (blank.exit_code, blank.output.strip()) == (
        1,
        'Xin ghi lý do khoá (--reason "…"): lý do được ghi vào nhật ký.',
    )
    done = cli.invoke(app, ["people", "deactivate", "0902 000 001", "--reason", "Chuyển công tác"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == (
        "Đã khoá quyền dùng bot của Nguyễn Văn An (trưởng thôn, Thôn Đông, +84902000001). "
        "Người này chưa liên kết tài khoản chat nào."
    )
    again = cli.invoke(app, ["people", "deactivate", "0902000001", "--reason", "lần nữa"])
    assert again.exit_code == 1 and "đã bị khoá từ trước; không có gì thay đổi" in again.output
    for phone, said in (("12", "Số điện thoại '12' không hợp lệ."), ("0919999999", "Không có ai với số")):
        result = cli.invoke(app, ["people", "deactivate", phone, "--reason", "x"])
        assert result.exit_code == 1 and said in result.output

    imported = cli.invoke(app, ["import-roster", str(new_head)])
    assert imported.exit_code == 0, imported.output
    assert "Người: thêm 1, sửa 0." in imported.output
    taken = cli.invoke(app, ["people", "reactivate", "0902000001"])
    assert taken.exit_code == 1
    assert "Số +84902000001 đang thuộc về Lê Thị Mới (trưởng thôn, Thôn Đông, +84902000001)" in taken.output

    log = cli.invoke(app, ["audit", "DEMO-SH-X1", "--year", "2025"])
    assert log.exit_code == 0
    [line] = [line for line in log.output.splitlines() if "khoá quyền dùng bot" in line]
    assert line.endswith(
        "· Thôn Đông ·  · khoá quyền dùng bot ·  ·  →"
        " Nguyễn Văn An (trưởng thôn, Thôn Đông, +84902000001) · Chuyển công tác"
    )


def test_reactivate_gives_access_back(cli: CliRunner) -> None:
    assert cli.invoke(app, ["people", "deactivate", "0901000002", "--reason", "nghỉ phép dài"]).exit_code == 0
    back = cli.invoke(app, ["people", "reactivate", "0901000002", "--reason", "đi làm lại"])
    assert back.exit_code == 0, back.output
    assert back.output.startswith(
        "Đã mở khoá cho Võ Văn Quang (cán bộ xã, Xã Hòa Lạc (dữ liệu mẫu), +84901000002)."
    )
    active = cli.invoke(app, ["people", "reactivate", "0901000002"])
    assert active.exit_code == 1 and "người đang dùng được bot; không có gì thay đổi" in active.output
    log = cli.invoke(app, ["audit", "DEMO-SH-X2", "--year", "2025"]).output
    assert "mở khoá quyền dùng bot" in log and "đi làm lại" in log


def test_import_roster_replace_lists_then_deactivates_on_yes(cli: CliRunner, tmp_path: Path) -> None:
    without_hai = roster(tmp_path, "x2.csv", {"DEMO-SH-X2-T3": "DEMO-SH-X2-T3,Thôn Ba,DEMO-SH-X2,village,,,"})
    preview = cli.invoke(app, ["import-roster", str(without_hai), "--replace", "DEMO-SH-X2"])
    assert preview.exit_code == 0, preview.output
    assert preview.output.splitlines() == [
        "Nhập thay thế Xã Hòa Lạc (dữ liệu mẫu) (DEMO-SH-X2) bằng tệp x2.csv: "
        "1 người không có trong tệp và sẽ bị khoá:",
        "  - Bùi Văn Hải (trưởng thôn, Thôn Ba, +84902000007)",
        "Chưa thay đổi gì. Chạy lại lệnh với --yes để nhập tệp và khoá những người trên.",
    ]
    still = cli.invoke(app, ["people", "reactivate", "0902000007"])
    assert "đang dùng được bot" in still.output  # nothing changed
    done = cli.invoke(app, ["import-roster", str(without_hai), "--replace", "DEMO-SH-X2", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[:2] == [
        "Nhập thay thế Xã Hòa Lạc (dữ liệu mẫu) (DEMO-SH-X2) bằng tệp x2.csv: "
        "đã khoá 1 người không có trong tệp:",
        "  - Bùi Văn Hải (trưởng thôn, Thôn Ba, +84902000007)",
    ]
    again = cli.invoke(app, ["import-roster", str(without_hai), "--replace", "DEMO-SH-X2", "--yes"])
    assert "mọi người đang hoạt động của đơn vị này đều có trong tệp; không ai bị khoá." in again.output
    log = cli.invoke(app, ["audit", "DEMO-SH-X2", "--year", "2025"]).output
    assert (
        "Không có trong danh sách mới x2.csv khi nhập thay thế Xã Hòa Lạc (dữ liệu mẫu) (DEMO-SH-X2)" in log
    )

    unknown = cli.invoke(app, ["import-roster", str(without_hai), "--replace", "X-9"])
    assert unknown.exit_code == 1 and "Không có đơn vị X-9 để thay thế." in unknown.output
    alone = cli.invoke(app, ["import-roster", str(without_hai), "--yes"])
    assert alone.exit_code == 1 and "--yes chỉ dùng cùng --replace" in alone.output


def test_help_lists_the_people_group(cli: CliRunner) -> None:
    result = cli.invoke(app, ["--help"])
    assert "people" in result.output
    assert "--replace" in cli.invoke(app, ["import-roster", "--help"]).output
