"""Start-up: a command imports what it needs and nothing else (issue 17, item 1). Timings are the benchmark's
(benchmarks/startup.py); these tests check what makes them, which cannot be flaky: the modules a real
`cdht` process has loaded, and the shortcuts' answers against the slow path they skip.

SU1 `cdht score --json` on an upgraded database loads neither aiogram, matplotlib, python-docx, XlsxWriter,
    openpyxl, Alembic nor any channel, and still prints the assessment
SU2 what `cdht run` imports before its first poll (the channel list, the pipeline, the export jobs, the
    council's use cases) loads neither python-docx, matplotlib, XlsxWriter nor a channel's client
SU3 the migration heads read from the scripts' text are Alembic's own; a database at head is recognised, one
    a revision behind is upgraded to head
SU4 the C YAML loader reads every packaged YAML file exactly as PyYAML's pure-Python safe loader does
SU5 `cdht.reports` still offers every name it lists, each loaded on first use
SU6 the packaged departments list splits the packaged questionnaires (it is no longer checked at each start)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

import cdht.reports
from cdht.handlers.departments import check_departments
from cdht.scoring.criteria_set import SAFE_LOADER
from cdht.scoring.departments import packaged_departments
from cdht.storage.database import create_engine
from cdht.storage.migrate import script_heads, upgrade
from tests.storage.conftest import migrate

HEAVY = ("aiogram", "matplotlib", "docx", "xlsxwriter", "openpyxl")

# Runs a command line in this process, then prints the modules it loaded as JSON on standard error.
IN_PROCESS = """
import json, sys
sys.argv = ["cdht", *sys.argv[1:]]
from cdht.cli.app import app
try:
    app()
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CDHT_")}
    return env | {"CDHT_DATA_DIR": str(folder / "data")}


def _loaded(args: list[str], env: dict[str, str]) -> tuple[str, int, set[str]]:
    done = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", IN_PROCESS, *args], env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report["code"], set(report["modules"])


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_score_loads_no_channel_chart_document_or_migration_tool_su1(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    subprocess.run([sys.executable, "-m", "cdht", "seed-demo"], env=env, check=True, capture_output=True)
    output, code, modules = _loaded(["score", "DEMO-SH-X1", "--year", "2025", "--json"], env)
    assert code in (0, None)
    assert json.loads(output)["unit"] == "DEMO-SH-X1"
    assert not _top(modules) & {*HEAVY, "alembic"}
    assert not {
        m for m in modules if m.startswith(("cdht.bot.telegram", "cdht.bot.zalo", "cdht.reports.docx"))
    }


def test_what_run_imports_before_polling_loads_no_document_or_chart_su2() -> None:
    script = (
        "import json, sys\n"
        "import cdht.bot.channels, cdht.pipeline.runner, cdht.handlers.exports.jobs\n"
        "import cdht.handlers.procedure.outcome, cdht.handlers.exports.council\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    modules = set(json.loads(done.stdout))
    assert not _top(modules) & set(HEAVY)
    assert not {m for m in modules if m.startswith(("cdht.bot.telegram", "cdht.bot.zalo"))}


async def test_migration_heads_and_the_shortcut_at_head_su3(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from cdht.storage.migrate import alembic_config

    assert script_heads() == frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'heads.sqlite3'}")
    try:
        await upgrade(engine)
        (head,) = script_heads() or ()
        await migrate(engine, "downgrade", "-1")
        async with engine.connect() as connection:
            behind = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert behind != head
        await upgrade(engine)
        async with engine.connect() as connection:
            now = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert now == head
        await upgrade(engine)  # at head: nothing to do, nothing fails
    finally:
        await engine.dispose()


def test_script_heads_follow_branches_and_odd_scripts_su3(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n', encoding="utf-8")
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n', encoding="utf-8")
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n", encoding="utf-8")
    assert script_heads(tmp_path) == {"b", "c"}
    (tmp_path / "m.py").write_text('revision = "m"\ndown_revision = ("b", "c")\n', encoding="utf-8")
    assert script_heads(tmp_path) == {"m"}
    (tmp_path / "odd.py").write_text("REVISION = compute()\n", encoding="utf-8")
    assert script_heads(tmp_path) is None  # not written the usual way: Alembic decides


def _packaged_yaml() -> list[str]:
    found = []
    for package in ("cdht.scoring", "cdht.conversations.definition"):
        root = resources.files(package)
        for folder in (root / "criteria", root / "questionnaires"):
            if folder.is_dir():
                found += [e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(".yaml")]
    return found


def test_the_c_loader_reads_the_packaged_yaml_as_the_python_one_su4() -> None:
    texts = _packaged_yaml()
    assert len(texts) >= 6
    for content in texts:
        assert yaml.load(content, Loader=SAFE_LOADER) == yaml.load(content, Loader=yaml.SafeLoader)  # noqa: S506


def test_reports_names_load_on_first_use_su5() -> None:
    for name in cdht.reports.__all__:
        assert getattr(cdht.reports, name) is not None
    with pytest.raises(AttributeError):
        _ = cdht.reports.no_such_renderer  # type: ignore[attr-defined]


def test_the_packaged_departments_split_the_questionnaires_su6() -> None:
    check_departments(packaged_departments())
