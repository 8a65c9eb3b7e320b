"""`make bench`: run the benchmarks, print a table, write benchmarks/results/latest.json."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from benchmarks import memory, scoring


def main() -> int:
    quick = "--quick" in sys.argv
    results = [
        asyncio.run(scoring.run(communes=10 if quick else 100, villages=5 if quick else 20)),
        memory.run(people=1_000 if quick else 10_000, sessions=100 if quick else 1_000),
    ]
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    for result in results:
        print(f"\n== {result['name']} ({result['units']})")
        for key, value in result.items():
            if key not in ("name", "units"):
                print(f"  {key:<28} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
