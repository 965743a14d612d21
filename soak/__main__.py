"""`python -m soak` (run by `python dev.py soak`): the crash and fault suite of issue 15.

Scale with environment variables:
  SOAK_SEED            seed of every random choice (default: a new one, printed)
  SOAK_KILLS           SIGKILL rounds (25)
  SOAK_EMPLOYEES       employees of the unit whose syncs are killed (100000)
  SOAK_SMALL_EMPLOYEES employees of the unit that declares, pays and imports (300)
  SOAK_WALKS           whole walks through the fault proxy (3)
  SOAK_FAULT_RATIO     share of proxied requests given a fault (0.2)
  SOAK_STALL_SECONDS   how long a stalled response stalls (5; 30 is the real thing)
  SOAK_WALK_EMPLOYEES  employees of the unit of the walks (2000)
  SOAK_ONLY            kills | faults | hostile (default all three)
  SOAK_TASKS           the tasks killed, e.g. full,incremental (default all five)
Exits 1 when a kill round was not clean, a walk did not end with a clear message, or
anything was declared or paid twice.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from soak import env


def write_import_file(unit: env.SoakUnit, path: Path) -> int:
    """The 按职工 日常 template filled for every employee of the unit."""
    from benchmarks.bench_wage_import import write_filled_template
    from client.app_context import AppContext

    app = AppContext.open(str(unit.folder), unit.url)
    try:
        registered = next(u for u in app.app_db.units("employer") if u.unit_id == unit.unit_id)
        db = app.app_db.open_unit_db(registered)
        try:
            return write_filled_template(path, db, app.local_today())
        finally:
            db.close()
    finally:
        app.close()


def run_kills(root: Path, rng: random.Random, seed: int) -> bool:
    from soak.kills import TASKS, KillStats, Worker, calibrate, kill_round

    kills = env.env_int("SOAK_KILLS", 25)
    big_size = env.env_int("SOAK_EMPLOYEES", 100_000)
    small_size = env.env_int("SOAK_SMALL_EMPLOYEES", 300)
    print(f"== kills: {kills} SIGKILLs (seed {seed}), sync unit {big_size:,} employees, "
          f"declare/pay/import unit {small_size:,}", flush=True)  # fmt: skip
    started = time.monotonic()
    backend = env.start(root / "backend")
    try:
        big = env.open_unit(backend, root / "client-big", big_size)
        small = env.open_unit(backend, root / "client-small", small_size)
        env.insured_normally(backend, small)
        env.verified_agreement(backend, small, "6222020200009999")
        import_file = root / "wage-import.xlsx"
        rows = write_import_file(small, import_file)
        print(f"  set-up: {time.monotonic() - started:.1f} s (backend, 2 units registered and "
              f"synced, 三方协议, import file of {rows:,} rows)", flush=True)  # fmt: skip
        workers = {
            "sync": Worker(backend, big),
            "other": Worker(backend, small, extra={"import": [str(import_file)]}),
        }
        stats = KillStats()
        stats.problems += calibrate(workers["sync"], ("full", "incremental"), rng)
        stats.problems += calibrate(workers["other"], ("declare", "pay", "import"), rng)
        took = {**workers["sync"].took, **workers["other"].took}
        print("  clean run of each task: " + ", ".join(f"{t} {s:.1f} s" for t, s in took.items()),
              flush=True)  # fmt: skip
        tasks = tuple(t for t in os.environ.get("SOAK_TASKS", "").split(",") if t in TASKS)
        tasks = tasks or TASKS
        plan = [tasks[i % len(tasks)] for i in range(kills)]
        rng.shuffle(plan)
        for n, task in enumerate(plan, 1):
            worker = workers["sync" if task in ("full", "incremental") else "other"]
            before = len(stats.problems)
            kill_round(task, worker, rng, n, stats)
            mark = "clean" if len(stats.problems) == before else "NOT CLEAN"
            print(f"  kill {n:>2} {task:<11} {mark}", flush=True)
        for problem in stats.problems:
            print(f"  ! {problem}", flush=True)
        by_task = ", ".join(f"{t} {n}" for t, n in sorted(stats.by_task.items()))
        print(f"  kills tried / clean: {stats.tried} / {stats.clean}   (landed while working: "
              f"{stats.landed}; full syncs resumed from a staged snapshot: {stats.resumed}; {by_task}; {time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
        return stats.clean == stats.tried and not stats.problems
    finally:
        backend.stop()


def run_faults(root: Path, rng: random.Random, seed: int) -> bool:
    from soak.faults import run_walks

    return run_walks(root, rng, seed)


def run_hostile() -> bool:
    """The hostile-file corpus, each file in its own process (benchmarks/soak_hostile.py)."""
    from benchmarks import soak_hostile
    from benchmarks.common import Report

    print("== hostile files: every case at one import, each in its own process", flush=True)
    report = Report()
    soak_hostile.run(report)
    figures = {f.name: f.value for f in report.figures}
    tried = figures.get("hostile files tried", 0)
    clear = figures.get("hostile files ending with a clear message", -1)
    return bool(tried) and clear == tried


def main() -> int:
    # The client's warnings (retries, unknown outcomes) are expected here by the hundred.
    logging.basicConfig(level=logging.ERROR)
    seed = env.env_int("SOAK_SEED", random.SystemRandom().randrange(10**6))
    only = {"kills", "faults", "hostile"} & set(
        filter(None, os.environ.get("SOAK_ONLY", "").split(","))
    )
    print(f"soak seed {seed} (SOAK_SEED={seed} repeats this run)", flush=True)
    ok = True
    with tempfile.TemporaryDirectory(prefix="soak-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        if not only or "kills" in only:
            (root / "kills").mkdir()
            ok &= run_kills(root / "kills", random.Random(seed), seed)
        if not only or "faults" in only:
            (root / "faults").mkdir()
            ok &= run_faults(root / "faults", random.Random(seed + 1), seed)
        if not only or "hostile" in only:
            ok &= run_hostile()
    print("soak: " + ("all clean" if ok else "FAILED"), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
