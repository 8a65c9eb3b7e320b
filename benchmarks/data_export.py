"""The raw data export of a province: 2,000 villages × 16 answers (32,000 rows) from SQLite into XLSX (both
sheets, constant memory) and CSV at once, against the same rows read from the same database and written with
the csv module alone (the baseline, measured in the same run). Target: under 10 s.

Memory: the peak of Python's allocations (tracemalloc) while exporting a district of 8,000 rows and the
province of 32,000, each in a child process of its own; flat means the larger peak stays near the smaller
(the XLSX rows go to XlsxWriter's temporary files, not to memory)."""

from __future__ import annotations

import asyncio
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

CHILD = "benchmarks.data_export"
NOW = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
YEAR = 2025
ANSWERS_PER_VILLAGE = 16
TARGET_SECONDS = 10.0
FLAT_RATIO = 1.5  # the 32,000-row peak at most this many times the 8,000-row one


def _value(question: Any, index: int) -> tuple[object, str]:
    """A plausible stored value and its display for a question of the village questionnaire."""
    if question.type == "yes_no":
        return index % 3 != 0, "Có" if index % 3 != 0 else "Không"
    if question.type in ("integer", "money"):
        number = 100 + (index * 37) % 1_400
        return number, f"{number:,}".replace(",", ".")
    if question.type in ("decimal", "percent"):
        return round(10 + (index % 90) / 3, 2), str(round(10 + (index % 90) / 3, 2)).replace(".", ",")
    if question.type == "level":
        return index % 4, f"Mức độ {index % 4}"
    if question.type == "date":
        return date(YEAR, 1 + index % 12, 1 + index % 28), ""
    if question.type == "location":
        return {"latitude": 21.0 + index / 10_000, "longitude": 105.8}, ""
    if question.type == "choice":
        return question.choices[0][0], question.choices[0][1]
    return f"Ghi chú của thôn số {index}: đã họp dân, bàn kế hoạch năm", ""


async def seed(url: str, districts: int, communes: int, villages: int) -> None:
    """A province of `districts` × `communes` × `villages` villages, each with 16 answers by its head."""
    from cdht.conversations.definition.loader import builtin_questionnaires
    from cdht.handlers.ports import NewAnswer
    from cdht.storage.database import Database

    questionnaire = builtin_questionnaires()["village_head"]
    questions = [q for q in questionnaire.questions if q.type != "evidence"][:ANSWERS_PER_VILLAGE]
    database = Database(url)
    await database.upgrade()
    async with database.uow() as uow:
        province = await uow.units.add("BP", "Tỉnh Thử Nghiệm", "province", None, NOW)
        index = 0
        for d in range(districts):
            district = await uow.units.add(f"BP-H{d}", f"Huyện Số {d}", "district", province.id, NOW)
            for c in range(communes):
                commune = await uow.units.add(
                    f"BP-H{d}-X{c:02d}", f"Xã Đồng Tâm {c}", "commune", district.id, NOW
                )
                for v in range(villages):
                    code = f"BP-H{d}-X{c:02d}-T{v:02d}"
                    village = await uow.units.add(code, f"Thôn Bản Nà {v}", "village", commune.id, NOW)
                    head = await uow.people.add(
                        f"Nguyễn Văn Thôn {index}", f"+8490{index:07d}", "village_head", village.id, NOW
                    )
                    for number, question in enumerate(questions):
                        value, display = _value(question, index + number)
                        await uow.answers.add(
                            NewAnswer(
                                unit_id=village.id,
                                year=YEAR,
                                question_id=question.id,
                                value=value,  # type: ignore[arg-type]
                                answered_at=NOW + timedelta(seconds=index),
                                source="chat",
                                fact=question.fact,
                                display=display,
                                person_id=head.id,
                                questionnaire_id=questionnaire.id,
                                questionnaire_version=questionnaire.version,
                            )
                        )
                    index += 1
        await uow.commit()
    await database.dispose()


async def export(url: str, code: str, folder: Path) -> int:
    """The export as `cdht export CODE --format data` makes it; returns the rows written."""
    from cdht.handlers.exports.data import plan_answer_table, write_answer_table
    from cdht.storage.database import Database

    database = Database(url)
    try:
        async with database.uow() as uow:
            unit = await uow.units.by_code(code)
            assert unit is not None
            plan = await plan_answer_table(uow, unit, YEAR)
            with (folder / "table.xlsx").open("wb") as book, (folder / "table.csv").open("wb") as table:
                return await write_answer_table(uow, plan, book, table, timezone="Asia/Ho_Chi_Minh")
    finally:
        await database.dispose()


async def csv_alone(url: str, code: str, folder: Path) -> int:
    """The baseline: the same answers from the same database, written as plain CSV rows, nothing else."""
    from cdht.storage.database import Database

    database = Database(url)
    rows = 0
    try:
        async with database.uow() as uow:
            unit = await uow.units.by_code(code)
            assert unit is not None
            ids = [u.id for u in await uow.units.subtree(unit.id)]
            with (folder / "plain.csv").open("w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                async for batch in uow.answers.stream_current(ids, YEAR):
                    for item in batch:
                        answer = item.answer
                        writer.writerow(
                            (
                                answer.unit_id,
                                answer.question_id,
                                answer.display,
                                answer.value,
                                item.answered_by,
                            )
                        )
                    rows += len(batch)
    finally:
        await database.dispose()
    return rows


def child(url: str, code: str) -> None:
    """Export `code` under tracemalloc in this process alone; print its rows and peak."""
    import tracemalloc

    import xlsxwriter  # noqa: F401  (imported and loaded before tracing: their memory is not the export's)

    from cdht.conversations.definition.loader import builtin_questionnaires
    from cdht.handlers.exports import data  # noqa: F401
    from cdht.storage import database  # noqa: F401

    builtin_questionnaires()
    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        rows = asyncio.run(export(url, code, Path(folder)))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(json.dumps({"rows": rows, "peak_mb": round(peak / 1024 / 1024, 2)}))


def _peak(url: str, code: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-m", CHILD, url, code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _timed(work: Any) -> tuple[float, int]:
    started = time.perf_counter()
    rows = asyncio.run(work)
    return time.perf_counter() - started, rows


def run(districts: int = 4, communes: int = 25, villages: int = 20, repeats: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        url = f"sqlite+aiosqlite:///{where / 'export.sqlite3'}"
        asyncio.run(seed(url, districts, communes, villages))
        export_times, csv_times, rows = [], [], 0
        for _ in range(repeats):  # interleaved, so that a noisy moment costs both alike
            seconds, rows = _timed(export(url, "BP", where))
            export_times.append(seconds)
            seconds, plain = _timed(csv_alone(url, "BP", where))
            csv_times.append(seconds)
            assert plain == rows, (plain, rows)
        sizes = {
            "xlsx_mb": (where / "table.xlsx").stat().st_size,
            "csv_mb": (where / "table.csv").stat().st_size,
        }
        district = _peak(url, "BP-H0")
        province = _peak(url, "BP")
    exported, baseline = statistics.median(export_times), statistics.median(csv_times)
    flat = province["peak_mb"] / district["peak_mb"]
    return {
        "name": "data_export",
        "units": f"{rows} answer rows ({districts * communes * villages} villages × {ANSWERS_PER_VILLAGE}), "
        f"median of {repeats}",
        "export_seconds": round(exported, 2),
        "baseline_csv_seconds": round(baseline, 2),
        "ratio_vs_csv": round(exported / baseline, 1),
        "rows_per_second": round(rows / exported),
        "peak_mb_district": district["peak_mb"],
        "district_rows": district["rows"],
        "peak_mb_province": province["peak_mb"],
        "peak_ratio_province_vs_district": round(flat, 2),
        **{key: round(size / 1024 / 1024, 2) for key, size in sizes.items()},
        "target": f"< {TARGET_SECONDS:g} s, peak ratio < {FLAT_RATIO:g}",
        "met": exported < TARGET_SECONDS and flat < FLAT_RATIO,
        "baseline": "same rows from the same database, written with the csv module alone",
    }


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
