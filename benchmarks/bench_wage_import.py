"""缴费工资申报 外部文件导入: a filled 100,000-row 按职工 日常 template, imported with every
check against the synced unit (100,000 employees in SQLite), beside bare openpyxl
read-only and python-calamine reads of the same file in the same process.

The reads and imports run in a child process of their own, so its peak RSS is the
import's and not that of the benchmarks that ran before it. Timings are the best of
`ROUNDS` alternating runs (the machine's noise hits both sides alike).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import BenchEnv, Report, peak_rss_mb

NAME = "wage_import"
ROUNDS = 5


def run(report: Report, env: BenchEnv) -> None:
    from client.app_context import AppContext

    data_dir = env.synced_client(report)
    ctx = AppContext.open(str(data_dir), env.backend(report).url)
    unit = ctx.app_db.units("employer")[0]
    db = ctx.app_db.open_unit_db(unit)
    path = env.root / "wage-import-100k.xlsx"
    started = time.perf_counter()
    rows = write_filled_template(path, db, ctx.local_today())
    report.add(
        f"write the filled template ({rows:,} rows; setup, not a target)",
        time.perf_counter() - started,
        "s",
    )
    # Without the `levy_modes` rule file every insured item counts as 税务自主 (the import
    # does the same), so the bench needs nothing the backend may not have yet.
    modes = len(ctx.app_db.code_table("levy_modes"))
    print(f"  (levy_modes rule file: {modes or 'absent, every item counts as 税务自主'})")
    db.close()
    ctx.close()

    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_wage_import", str(data_dir), str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"wage import child failed:\n{child.stderr}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    bare = min(figures["openpyxl"], figures["calamine"])
    report.add("bare openpyxl read-only read (values of every row)", figures["openpyxl"], "s")
    report.add(f"bare python-calamine read (best of {ROUNDS})", figures["calamine"], "s")
    report.add(
        f"full import, every check ({figures['valid']:,} valid, {figures['errors']:,} with errors;"
        f" best of {ROUNDS})",
        figures["import"],
        "s",
    )
    report.add("full import / faster bare read", figures["import"] / bare, "x", "≤ 1.5×")
    report.add("peak RSS (the reads and imports, own process)", figures["rss"], "MB", "≤ 400 MB")


def write_filled_template(path: Path, db: Any, today: date) -> int:
    """The 按职工 日常 template filled for every employee, as a clerk would (not timed):
    a new wage per employee, this month as 生效年月 (a stopped employee's stop month)."""
    from client.documents.templates import write_template
    from client.domain.wages import BY_EMPLOYEE, DAILY
    from client.wages.imports import DEFAULT_ID_TYPES, wage_template_spec

    month = f"{today:%Y-%m}"
    with db.engine.connect() as conn:
        people = conn.exec_driver_sql(
            "SELECT name, id_type, id_number, pay_end FROM employees ORDER BY id"
        ).all()
    rows = (
        [name, DEFAULT_ID_TYPES.get(id_type, id_type), number,
         round(3000 + (i * 7919 % 2700000) / 100, 2), min(month, stop or month)]
        for i, (name, id_type, number, stop) in enumerate(people)
    )  # fmt: skip
    write_template(wage_template_spec(DAILY, BY_EMPLOYEE), path, rows)
    return len(people)


def measure(data_dir: str, path: str) -> dict[str, Any]:
    """In the child process: bare reads and the full import of the same file."""
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from client.app_context import AppContext
    from client.domain.wages import BY_EMPLOYEE, DAILY
    from client.wages.imports import SHEET_TITLE, read_wage_import

    ctx = AppContext.open(data_dir)
    db = ctx.app_db.open_unit_db(ctx.app_db.units("employer")[0])

    started = time.perf_counter()
    book = load_workbook(path, read_only=True)
    count = sum(1 for _ in book[SHEET_TITLE].iter_rows(values_only=True))
    book.close()
    openpyxl_s = time.perf_counter() - started

    def calamine() -> float:
        started = time.perf_counter()
        book = CalamineWorkbook.from_path(path)
        grid = book.get_sheet_by_name(SHEET_TITLE).to_python()
        book.close()
        elapsed = time.perf_counter() - started
        assert len(grid) == count
        return elapsed

    def full() -> tuple[float, Any]:
        started = time.perf_counter()
        result = read_wage_import(path, DAILY, BY_EMPLOYEE, db, ctx.app_db, ctx.local_today())
        return time.perf_counter() - started, result

    calamine_s, import_s, result = [], [], None
    for _ in range(ROUNDS):
        calamine_s.append(calamine())
        result = None  # the previous result is freed outside the timed part
        elapsed, result = full()
        import_s.append(elapsed)
    assert result is not None
    figures = {
        "openpyxl": openpyxl_s,
        "calamine": min(calamine_s),
        "import": min(import_s),
        "valid": result.valid_count,
        "errors": result.error_count,
        "rss": peak_rss_mb(),
    }
    db.close()
    ctx.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], sys.argv[2])))
