"""SIGKILL of the client's work at random moments (issue 15, crash suite).

Each round starts `soak.worker` on a task, waits until the work has begun, sleeps a random
part of how long that task last took, and SIGKILLs the process. Then: `PRAGMA
integrity_check` of every database of the folder, the same task run again to its end
(it must resume or finish the work), the local data compared with the server's (keys and
values), and the server searched for anything done twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from soak import env

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("full", "incremental", "declare", "pay", "import")
WORK_TIMEOUT = 900.0


@dataclass
class KillStats:
    tried: int = 0
    landed: int = 0  # the process was still working when killed
    resumed: int = 0  # full syncs killed with a staged snapshot that the next run resumed
    clean: int = 0
    by_task: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class Worker:
    """How to start the worker on a unit, and what the last clean run of each task took."""

    backend: Any
    unit: env.SoakUnit
    extra: dict[str, list[str]] = field(default_factory=dict)
    took: dict[str, float] = field(default_factory=dict)
    done: dict[str, dict[str, Any]] = field(default_factory=dict)  # last DONE of each task

    def command(self, task: str) -> list[str]:
        return [sys.executable, "-m", "soak.worker", *self.unit.as_args(), task,
                *self.extra.get(task, [])]  # fmt: skip

    def start(self, task: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(task), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip

    def run(self, task: str) -> tuple[int, str, str]:
        """Run the task to its end; (exit code, stdout, stderr). A clean run's time from
        READY to its end is where the next kill of that task lands."""
        process = self.start(task)
        assert process.stdout is not None
        first = process.stdout.readline()
        started = time.monotonic()
        try:
            out, err = process.communicate(timeout=WORK_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        out = first + out
        if process.returncode == 0:
            self.took[task] = time.monotonic() - started
            last = out.strip().splitlines()[-1]
            self.done[task] = json.loads(last[len("DONE ") :]) if last.startswith("DONE ") else {}
        return process.returncode, out, err

    def kill_during(self, task: str, rng: random.Random) -> bool:
        """Start the task and SIGKILL it at a random moment; whether it was still working."""
        process = self.start(task)
        assert process.stdout is not None
        line = process.stdout.readline()  # READY: imports done, the work begins
        if not line.startswith("READY"):
            process.wait()
            raise RuntimeError(f"worker did not start: {line}{process.stderr.read()}")  # type: ignore[union-attr]
        time.sleep(rng.uniform(0.0, 0.95 * self.took.get(task, 1.0)))
        landed = process.poll() is None
        if landed:
            process.send_signal(signal.SIGKILL)
        process.communicate()
        return landed


# -- what each task needs before it runs, and what must hold after ----------------------------
def prepare(task: str, worker: Worker, rng: random.Random, round_no: int) -> None:
    backend, unit = worker.backend, worker.unit
    if task == "incremental":
        backend.mutate(unit.unit_id, "employees", add=rng.randint(50, 400),
                       change=rng.randint(100, 2000), remove=rng.randint(10, 200),
                       seed=rng.randint(1, 10**6))  # fmt: skip
    elif task == "declare":
        year, month = divmod(24 * 12 + 9 - round_no, 12)  # a new past period each round
        backend.generate_fee_items(unit.unit_id, f"{2000 + year}-{month + 1:02d}")
    elif task == "pay":
        if not unpaid_lines(backend, unit.unit_id):  # arrears declared elsewhere, processed
            year, month = divmod(23 * 12 + 9 - round_no, 12)
            ids = backend.generate_fee_items(unit.unit_id, f"{2000 + year}-{month + 1:02d}")
            backend.declare_fee_items_elsewhere(unit.unit_id, ids)
    elif task == "import":
        conn = sqlite3.connect(env.unit_db_path(unit))
        try:
            with conn:
                conn.execute("DELETE FROM wage_drafts")
        finally:
            conn.close()


def unpaid_lines(backend: Any, unit_id: str) -> int:
    conn = env.server_db(backend)
    try:
        (n,) = conn.execute(
            "SELECT COUNT(*) FROM collect_lines WHERE unit_id = ? AND pay_type = '正常'"
            " AND state IN ('未缴费', '扣费失败')",
            (unit_id,),
        ).fetchone()
    finally:
        conn.close()
    return int(n)


def _local(unit: env.SoakUnit, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(env.unit_db_path(unit))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _server(backend: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = env.server_db(backend)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def check(task: str, worker: Worker) -> list[str]:
    """What is wrong after the recovery run (empty when all holds)."""
    backend, unit = worker.backend, worker.unit
    problems = [f"integrity: {p}" for p in env.integrity_problems(unit.folder)]
    twice = env.duplicates(backend, unit.unit_id)
    problems += [f"{k}: {v}" for k, v in twice.items() if v]
    pending = _local(unit, "SELECT kind FROM pending_submissions")
    if pending:
        problems.append(f"requests still pending after the recovery run: {pending}")
    if task in ("full", "incremental"):
        differs = env.feed_differences(backend, unit)
        if differs:
            problems.append(f"employees differ from the server: {differs}")
    elif task == "declare":
        server = _declarations(_server(backend,
            "SELECT d.declaration_id, i.item_id FROM fee_declarations d JOIN"
            " fee_declaration_items i ON i.declaration_id = d.declaration_id"
            " WHERE d.unit_id = ? AND d.channel = '客户端'", (unit.unit_id,)))  # fmt: skip
        local = _declarations(_local(unit,
            "SELECT d.declaration_id, i.item_id FROM fee_declarations d JOIN"
            " fee_declaration_items i ON i.declaration_id = d.declaration_id"
            " WHERE d.channel = '客户端'"))  # fmt: skip
        if server != local:
            only = set(server) ^ set(local)
            problems.append(
                f"declarations differ from the server ({len(only)}: {sorted(only)[:4]})"
            )
        left = _local(unit, "SELECT COUNT(*) FROM fee_items WHERE state = '初始'"
                      " AND category = 'daily'")[0][0]  # fmt: skip
        if left:
            problems.append(f"{left} items were left undeclared")
    elif task == "pay":
        server = {(d, p, str((Decimal(a) / 100).quantize(Decimal("0.01"))), tuple(sorted(json.loads(ln))))
                  for d, p, a, ln in _server(backend,
                      "SELECT deduction_id, payment_id, amount, line_ids FROM collect_deductions"
                      " WHERE unit_id = ? AND channel = '客户端'", (unit.unit_id,))}  # fmt: skip
        local = {(d, p, str(Decimal(a).quantize(Decimal("0.01"))), tuple(sorted(json.loads(ln))))
                 for d, p, a, ln in _local(unit,
                     "SELECT deduction_id, payment_id, amount, line_ids FROM pay_deductions"
                     " WHERE channel = '客户端'")}  # fmt: skip
        if server != local:
            problems.append(f"payments differ from the server: {sorted(server ^ local)[:3]}")
        if unpaid_lines(backend, unit.unit_id):
            problems.append("normal arrears were left unpaid")
    elif task == "import":
        rows = _local(unit, "SELECT employee_id, effective_month, COUNT(*) FROM wage_drafts"
                      " GROUP BY employee_id, effective_month")  # fmt: skip
        twice_listed = [r for r in rows if r[2] > 1]
        if twice_listed:
            problems.append(f"{len(twice_listed)} employees listed twice")
        done = worker.done.get(task, {})
        expected = int(done.get("added", 0)) + int(done.get("already", 0))
        listed = sum(r[2] for r in rows)
        if not expected or listed != expected:
            problems.append(f"the list holds {listed} rows, the import had {expected}")
    return problems


def _declarations(rows: list[tuple[Any, ...]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for declaration_id, item_id in rows:
        out.setdefault(declaration_id, []).append(item_id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def recover(task: str, worker: Worker) -> str | None:
    """Run the task again until it finishes (a refusal that says what to do counts as an
    answer; the run after it must finish). None when it did, else why not."""
    for _ in range(3):
        code, out, err = worker.run(task)
        if code == 0:
            return None
        if code != 3:  # not a refusal with a message: a crash
            return f"recovery run of {task} crashed (exit {code}): {err.strip()[-800:]}"
    return f"recovery of {task} still refused: {out.strip()[-300:]}"


def kill_round(task: str, worker: Worker, rng: random.Random, round_no: int,
               stats: KillStats) -> None:  # fmt: skip
    prepare(task, worker, rng, round_no)
    stats.tried += 1
    stats.by_task[task] = stats.by_task.get(task, 0) + 1
    if worker.kill_during(task, rng):
        stats.landed += 1
    problems = [f"after the kill: {p}" for p in env.integrity_problems(worker.unit.folder)]
    staged = staged_records(worker.unit) if task == "full" else 0
    failed = recover(task, worker)
    if failed:
        problems.append(failed)
    else:
        problems += check(task, worker)
    if problems:
        stats.problems += [f"round {round_no} ({task}): {p}" for p in problems]
    else:
        stats.clean += 1
        stats.resumed += staged > 0


def staged_records(unit: env.SoakUnit) -> int:
    """Records of a snapshot staged when the process died (0 when none is staged)."""
    rows = _local(unit, "SELECT staging_active FROM sync_state WHERE feed = 'employees'")
    if not rows or not rows[0][0]:
        return 0
    try:
        return int(_local(unit, "SELECT COUNT(*) FROM employees__staging")[0][0])
    except sqlite3.OperationalError:
        return 0


def calibrate(worker: Worker, tasks: tuple[str, ...], rng: random.Random) -> list[str]:
    """One clean run of each task (how long it takes: the kills land inside that span)."""
    problems = []
    for n, task in enumerate(tasks):
        prepare(task, worker, rng, 100 + n)
        failed = recover(task, worker)
        if failed:
            problems.append(f"calibration: {failed}")
    return problems
