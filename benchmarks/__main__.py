"""`make bench`: run the benchmarks, print a table, write benchmarks/results/latest.json.

    python -m benchmarks            # the full runs (about 30 minutes: the broadcast alone takes 5.5)
    python -m benchmarks --quick    # a smoke test of every benchmark (about five minutes)

Every result is compared with a baseline measured in the same run, because these machines are noisy."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

from benchmarks import (
    data_export,
    import_audit,
    inbound,
    memory,
    miniapp,
    replies,
    scoring,
    sending,
    stalls,
    startup,
)

SUMMARY = {  # name: (measured, baseline, ratio)
    "replies": ("p99_during_broadcast_ms", "p99_before_broadcast_ms", "ratio_p99_during_vs_before"),
    "stalls": ("longest_stall_ms", "baseline_target_ms", "ratio_vs_target"),
    "inbound": (
        "at_limits_cpu_ms_per_answer",
        "at_limits_echo_cpu_ms_per_answer",
        "at_limits_cpu_ratio_vs_echo",
    ),
    "sending": ("achieved_per_second", "baseline_paced_loop_per_second", "ratio_vs_limit"),
    "scoring": ("median_seconds", "baseline_load_only_seconds", "ratio_vs_baseline"),
    "memory": ("bot_peak_rss_mb", "baseline_peak_rss_mb", "ratio_vs_baseline"),
    "startup": ("score_json_s", "baseline_import_typer_sqlalchemy_s", "ratio_score_vs_baseline"),
    "data_export": ("export_seconds", "baseline_csv_seconds", "ratio_vs_csv"),
    "import_audit": ("audited_import_s", "baseline_unaudited_import_s", "ratio_audited_vs_unaudited"),
    "miniapp": ("page_median_ms", "baseline_tiendo_read_median_ms", "ratio_page_vs_tiendo"),
}


def main() -> int:
    quick = "--quick" in sys.argv
    results: list[dict[str, Any]] = [
        replies.run(people=1_000, before=10, during=20) if quick else replies.run(),
        stalls.run(communes=20, villages=10, duration=40) if quick else stalls.run(),
        inbound.run(
            people=30 if quick else 300,
            concurrency=10 if quick else 20,
            rounds=1 if quick else 5,
            offered_seconds=10 if quick else 60,
        ),
        sending.run(people=300 if quick else 10_000),
        asyncio.run(scoring.run(communes=10 if quick else 100, villages=5 if quick else 20)),
        memory.run(people=1_000 if quick else 10_000, sessions=100 if quick else 1_000),
        startup.run(runs=3 if quick else 7),
        data_export.run(communes=5, repeats=1) if quick else data_export.run(),
        asyncio.run(import_audit.run(communes=10, villages=10, repeats=1) if quick else import_audit.run()),
        miniapp.run(communes=10, villages=5, loads=5, duration=15.0) if quick else miniapp.run(),
    ]
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    report = {"quick": quick, "machine": machine, "results": results}
    (out / "latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for result in results:
        print(f"\n== {result['name']} ({result['units']})")
        for key, value in result.items():
            if key not in ("name", "units"):
                print(f"  {key:<32} {value}")
    print(f"\n{'benchmark':<10} {'measured':>12} {'baseline':>12} {'ratio':>7}  target met")
    for result in results:
        measured, baseline, ratio = SUMMARY[result["name"]]
        met = result.get("met", "")
        print(f"{result['name']:<10} {result[measured]:>12} {result[baseline]:>12} {result[ratio]:>7}  {met}")
    print(f"\n{machine['cpus']} CPUs, Python {machine['python']}; written to {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
