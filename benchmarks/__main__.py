"""Run the benchmarks and print their figures: `python -m benchmarks [--json PATH]`."""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path

from benchmarks.common import BenchEnv, Report, temp_dir

MODULES = [
    "benchmarks.bench_sync",
    "benchmarks.bench_shell",
    "benchmarks.bench_backup",  # backup and restore of a copy of the synced client
    "benchmarks.bench_roster",
    "benchmarks.bench_wage_import",
    "benchmarks.bench_self_declare",  # its own big collector on the shared backend
    "benchmarks.bench_fee_form",
    "benchmarks.bench_installer",  # no backend: repair of an installation (issue 14)
    "benchmarks.bench_bank_voucher",
    "benchmarks.bench_certificates",
    "benchmarks.bench_payment_proof",  # its own small backend: ten years of one employee
    "benchmarks.bench_authorisation",  # its own small backend: 100,000 批扣清册 rows
    "benchmarks.bench_branch_search",
    "benchmarks.bench_fee_declare",  # declares the big unit's items (before its wages change)
    "benchmarks.bench_wage_declare",  # last: it changes the unit's wages on the server
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--json", help="write every figure to this file as a JSON list")
    parser.add_argument("--only", help="run only benchmarks whose module name contains this")
    args = parser.parse_args(argv)
    report = Report()
    print(
        f"benchmarks on {platform.node()} ({platform.machine()}, Python {platform.python_version()})"
    )
    failed = False
    with temp_dir("bench-") as root:
        env = BenchEnv(root)
        try:
            for name in MODULES:
                if args.only and args.only not in name:
                    continue
                module = importlib.import_module(name)
                print(f"\n[{module.NAME}]", flush=True)
                started = time.perf_counter()
                try:
                    module.run(report, env)
                except Exception as exc:  # keep the other benchmarks' figures
                    failed = True
                    print(f"  FAILED: {exc!r}", file=sys.stderr, flush=True)
                    traceback.print_exc()
                print(f"  ({time.perf_counter() - started:.0f} s)")
        finally:
            env.close()
    if args.json:
        Path(args.json).write_text(
            json.dumps([f.as_json() for f in report.figures], ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        print(f"\nfigures written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
