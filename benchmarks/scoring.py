"""Scoring a synthetic province: every commune and the province, from SQLite, against the time it takes
only to load the same facts (the baseline: what any scorer must pay to read the data)."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.ports import NewAnswer, NewEvidence, UnitOfWork
from cdht.scoring.evaluate import evaluate
from cdht.storage.database import Database

NOW = datetime(2026, 1, 15, tzinfo=UTC)
YES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1"]


async def seed(uow: UnitOfWork, communes: int, villages: int, years: tuple[int, ...]) -> str:
    rng = random.Random(2024)
    province = await uow.units.add("BP", "Tỉnh Benchmark", "province", None, NOW)
    for c in range(communes):
        commune = await uow.units.add(f"BP-X{c:03d}", f"Xã {c}", "commune", province.id, NOW)
        for year in years:
            for fact in YES:
                await uow.answers.add(NewAnswer(commune.id, year, fact, True, NOW, "bench", fact=fact))
                await uow.evidence.add(NewEvidence(commune.id, year, fact, "photo", NOW, fact=fact))
            for fact, level in (("4.2", 3), ("4.3", rng.choice([2, 3])), ("4.4", 2)):
                await uow.answers.add(NewAnswer(commune.id, year, fact, level, NOW, "bench", fact=fact))
                await uow.evidence.add(NewEvidence(commune.id, year, fact, "document", NOW, fact=fact))
        for v in range(villages):
            village = await uow.units.add(f"BP-X{c:03d}-T{v:02d}", f"Thôn {v}", "village", commune.id, NOW)
            for year in years:
                citizens = rng.randint(300, 1500)
                counts = {
                    "citizens": citizens,
                    "learning_citizens": int(citizens * rng.uniform(0.55, 0.9)),
                    "trained_citizens": int(citizens * rng.uniform(0.45, 0.7)),
                    "university_citizens": int(citizens * rng.uniform(0.1, 0.16)),
                }
                for fact, value in counts.items():
                    await uow.answers.add(NewAnswer(village.id, year, fact, value, NOW, "bench", fact=fact))
    await uow.commit()
    return province.code


async def run(communes: int = 100, villages: int = 20, repeats: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        await database.upgrade()
        async with database.uow() as uow:
            code = await seed(uow, communes, villages, (2023, 2024, 2025))
        load_times, score_times = [], []
        for _ in range(repeats):
            async with database.uow() as uow:
                province = await uow.units.by_code(code)
                assert province is not None
                started = time.perf_counter()
                await load_unit_facts(uow, province, 2025)
                load_times.append(time.perf_counter() - started)
            async with database.uow() as uow:
                started = time.perf_counter()
                assessment = evaluate(await load_unit_facts(uow, province, 2025))
                score_times.append(time.perf_counter() - started)
        async with database.uow() as uow:
            # memory in a separate pass: tracemalloc slows everything it watches
            tracemalloc.start()
            evaluate(await load_unit_facts(uow, province, 2025))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        await database.dispose()
    load, score = statistics.median(load_times), statistics.median(score_times)
    return {
        "name": "scoring",
        "units": f"{communes} communes x {villages} villages, 3 years",
        "communes_scored": len(assessment.children),
        "median_seconds": round(score, 3),
        "baseline_load_only_seconds": round(load, 3),
        "ratio_vs_baseline": round(score / load, 2),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "target": "under 2 s on SQLite",
        "met": score < 2.0,
    }
