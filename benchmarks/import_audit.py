"""Importing a province's answers (issue 20: 9,400 of them) with every change in the audit log, against the same
import with its audit entries dropped (the baseline, measured in the same run): what the per-change entries,
written in batches in the import's transaction, cost. SQLite, a fresh copy of the same database each time.

    python -m benchmarks.import_audit [--quick]"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cdht.handlers.admin.answers_import import import_answers
from cdht.handlers.admin.import_audit import ImportSource, file_sha256
from cdht.handlers.ports import AuditRecord
from cdht.storage.database import Database
from cdht.storage.folder_files import FolderFileStore

NOW = datetime(2026, 1, 15, tzinfo=UTC)
YEAR = 2025
QUESTIONS = 4  # households, citizens, learning_citizens, trained_citizens


class _Dropped:
    """The baseline's audit log: entries asked for are dropped."""

    async def add(self, entry: AuditRecord) -> None:
        return None

    async def add_many(self, entries: Sequence[AuditRecord]) -> None:
        return None

    async def for_units(self, unit_ids: Sequence[int], year: int | None = None) -> list[AuditRecord]:
        return []


async def _seed(database: Database, communes: int, villages: int) -> list[str]:
    codes = []
    async with database.uow() as uow:
        province = await uow.units.add("BP", "Tỉnh Benchmark", "province", None, NOW)
        for c in range(communes):
            commune = await uow.units.add(f"BP-X{c:03d}", f"Xã {c}", "commune", province.id, NOW)
            for v in range(villages):
                code = f"BP-X{c:03d}-T{v:02d}"
                await uow.units.add(code, f"Thôn {v}", "village", commune.id, NOW)
                codes.append(code)
        await uow.commit()
    return codes


def _answers_file(path: Path, codes: list[str]) -> int:
    rng = random.Random(2025)
    lines = ["unit_code,year,item,value,evidence"]
    for code in codes:
        citizens = rng.randint(300, 1500)
        values = {
            "households": rng.randint(80, 400),
            "citizens": citizens,
            "learning_citizens": int(citizens * rng.uniform(0.55, 0.9)),
            "trained_citizens": int(citizens * rng.uniform(0.45, 0.7)),
        }
        lines += [f"{code},{YEAR},{item},{value}," for item, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


async def _import(
    base: Path, folder: Path, answers: Path, source: ImportSource, audited: bool
) -> tuple[float, int]:
    copy = folder / "run.sqlite3"
    shutil.copyfile(base, copy)
    database = Database(f"sqlite+aiosqlite:///{copy}")
    files = FolderFileStore(folder / "files")
    try:
        async with database.uow() as uow:
            if not audited:
                uow.audit = _Dropped()
            started = time.perf_counter()
            report = await import_answers(answers, uow, files, NOW, source=source)
            elapsed = time.perf_counter() - started
        async with database.uow() as uow:
            units = [unit.id for unit in await uow.units.all()]
            logged = len(await uow.audit.for_units(units, YEAR))
        assert report.answers_added > 0
        return elapsed, logged
    finally:
        await database.dispose()


async def run(communes: int = 94, villages: int = 25, repeats: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = folder / "base.sqlite3"
        database = Database(f"sqlite+aiosqlite:///{base}")
        await database.upgrade()
        codes = await _seed(database, communes, villages)
        await database.dispose()
        answers = folder / "answers.csv"
        rows = _answers_file(answers, codes)
        source = ImportSource(answers.name, file_sha256(answers), actor_name="bench@may-chu")
        audited: list[float] = []
        baseline: list[float] = []
        logged = 0
        for turn in range(repeats):  # alternating, so that a noisy neighbour hurts both alike
            for mode in (True, False) if turn % 2 == 0 else (False, True):
                elapsed, entries = await _import(base, folder, answers, source, mode)
                (audited if mode else baseline).append(elapsed)
                if mode:
                    logged = entries
    measured, without = statistics.median(audited), statistics.median(baseline)
    return {
        "name": "import_audit",
        "units": f"{rows} answers ({len(codes)} villages x {QUESTIONS}), SQLite, median of {repeats}",
        "audited_import_s": round(measured, 3),
        "baseline_unaudited_import_s": round(without, 3),
        "ratio_audited_vs_unaudited": round(measured / without, 3),
        "audit_entries_written": logged,
        "runs_audited_s": [round(t, 3) for t in audited],
        "runs_unaudited_s": [round(t, 3) for t in baseline],
    }


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    result = asyncio.run(run(communes=10, villages=10, repeats=3) if quick else run())
    print(json.dumps(result, ensure_ascii=False, indent=2))
