"""`make bench`: every benchmark's named figures, printed and written to bench/results.json.

Each module in BENCHES exposes `run(quick: bool = False) -> dict[str, float | int]`. A module
that is not there yet is skipped with a line saying so; figures on PostgreSQL are measured
only with BENCH_DATABASE_URL set (a database the benchmarks may wipe). `--quick` runs smaller
data sets, `--only NAME` one module.

    .venv/bin/python -m benchmarks.run [--quick] [--only conv_bench]
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import Figures, postgres_url, report  # noqa: E402

BENCHES = [
    "conv_bench",
    "broadcast_bench",
    "memory_bench",
    "import_bench",
    "summary_bench",
    "ikm_bench",
]
RESULTS = ROOT / "bench" / "results.json"


def machine() -> dict[str, object]:
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": [round(n, 2) for n in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data sets")
    parser.add_argument("--only", action="append", choices=BENCHES, help="just this module")
    args = parser.parse_args()
    if postgres_url() is None:
        print("postgres: skipped (BENCH_DATABASE_URL is not set)")
    figures: Figures = {}
    seconds: dict[str, float] = {}
    skipped: dict[str, str] = {}
    for name in args.only or BENCHES:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"benchmarks.{name}":
                raise
            skipped[name] = "not in this checkout"
            print(f"skipped: {name} (not in this checkout)")
            continue
        started = time.perf_counter()
        try:
            measured = module.run(quick=args.quick)
        except Exception as error:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            skipped[name] = f"failed: {type(error).__name__}: {error}"
            print(f"skipped: {name} ({skipped[name]})")
            continue
        seconds[name] = round(time.perf_counter() - started, 1)
        report(measured)
        sys.stdout.flush()
        figures.update(measured)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "figures": figures,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "quick": args.quick,
                "machine": machine(),
                "seconds": seconds,
                "skipped": skipped,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written: {RESULTS.relative_to(ROOT)}")
    if any(reason.startswith("failed") for reason in skipped.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
