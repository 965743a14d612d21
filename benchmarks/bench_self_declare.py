"""社保费代收代报（自主） of a big 代收单位: 导入 of a filled 100,000-row template with every check
(the agent's residents, the 征收品目 insured that year, the 档次, repeats, rows listed) beside a
bare python-calamine read of the same file, and 提交申报 of the 100,000 rows (the checks before
sending, the stored request, the answer applied) on the client side.

The collector (25,000 residents of 成都, a row per resident × 征收品目 insured × year, 2026 back
to 2023, up to 100,000) is made through the admin API of the shared bench backend and synced once
(set-up, not timed). The import and the submission each run in a child process of their own, so
each peak RSS is that step's. Timings are the best of `ROUNDS` alternating runs; 提交申报 runs
once (it declares), and the time spent waiting for the server is measured and taken out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import BenchEnv, Report, env_int, peak_rss_mb

NAME = "self_declare"
ROUNDS = 5
ROWS = 100_000
REGION = "510100"
PASSWORD = "Bench2026x"
YEARS = (2026, 2025, 2024, 2023)


def run(report: Report, env: BenchEnv) -> None:
    backend = env.backend(report)
    residents = env_int("BENCH_SELF_RESIDENTS", 25_000)
    data_dir = env.root / "self-declare-client"
    started = time.perf_counter()
    prepare_collector(data_dir, backend, residents)
    report.add(f"collector with {residents:,} residents made and synced (setup, not a target)",
               time.perf_counter() - started, "s")  # fmt: skip
    path = env.root / "self-declare-100k.xlsx"
    started = time.perf_counter()
    rows = write_filled_template(path, data_dir)
    report.add(f"write the filled template ({rows:,} rows; setup, not a target)",
               time.perf_counter() - started, "s")  # fmt: skip

    figures = _child("import", data_dir, path)
    report.add(f"bare python-calamine read (best of {ROUNDS})", figures["calamine"], "s")
    report.add(
        f"代收代报 import, every check ({figures['valid']:,} valid, {figures['errors']:,} with"
        f" errors; best of {ROUNDS})",
        figures["import"],
        "s",
    )
    report.add("代收代报 import / bare calamine read", figures["import"] / figures["calamine"],
               "x", "≤ 1.5×")  # fmt: skip
    report.add("peak RSS of the import (own process)", figures["rss"], "MB")
    report.add("add the imported rows to the list (one transaction)", figures["add"], "s")

    figures = _child("submit", data_dir, path)
    report.add(f"提交申报 checks before sending ({figures['rows']:,} rows)", figures["plan"], "s")
    report.add(f"提交申报 whole ({figures['declarations']} declarations, answer applied)",
               figures["total"], "s")  # fmt: skip
    report.add("  of which waiting for the server (not the client)", figures["server"], "s")
    report.add("提交申报 client side (checks, request, storing, applying)", figures["client"], "s")
    report.add("peak RSS of 提交申报 (own process)", figures["rss"], "MB", "≤ 400 MB")


def _child(step: str, data_dir: Path, path: Path) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_self_declare", step, str(data_dir), str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"self_declare {step} child failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def prepare_collector(data_dir: Path, backend: Any, residents: int) -> None:
    """A new collector of 成都 registered, its password changed and its residents synced."""
    from client.account.login import LoginService
    from client.account.registration import RegistrationService
    from client.app_context import AppContext
    from client.jobs import JobContext
    from client.storage.app_db import RegionChoice

    created = backend.admin_post("taxpayers", {"kind": "collector", "region": REGION, "units": 1,
                                               "residents_per_unit": residents})  # fmt: skip
    info = created["units"][0]
    ctx = AppContext.open(str(data_dir), backend.url)
    ctx.app_db.choose_region(RegionChoice(REGION, "成都市", "税务自主", False, True))
    reg = RegistrationService(ctx, "collector")
    unit = next(u for u in reg.lookup(created["taxpayer_id"]) if u.unit_id == info["unit_id"])
    registered = reg.confirm(reg.verify_password(unit, info["initial_password"]), True)
    reg.close()
    login = LoginService(ctx)
    session = login.authenticate(registered, info["initial_password"])
    login.change_password(session, info["initial_password"], PASSWORD, PASSWORD)
    login.data_update_job(session).run(JobContext())
    session.close()
    ctx.close()


def write_filled_template(path: Path, data_dir: Path) -> int:
    """The template filled as a clerk would: each resident's insured 征收品目 in 2026 … 2023 at the 档次 their registration names (医保's only one), up to ROWS rows (not timed)."""
    from client.app_context import AppContext
    from client.collector.self_people import ID_TYPE, ITEMS, NAME, load_directory
    from client.collector.self_rules import (
        LEVY_CATEGORY,
        LEVY_ITEM,
        SUBCATEGORY,
        GradeTable,
        insured_items,
    )
    from client.collector.self_template import TemplateNames, export_as_template

    ctx = AppContext.open(str(data_dir))
    db = ctx.app_db.open_unit_db(ctx.app_db.units("collector")[0])
    grades = GradeTable(ctx.app_db.rule_file("resident_grades"))
    people = load_directory(db)
    rows: list[dict[str, Any]] = []
    for year in YEARS:
        for number, person in people.items():
            for item in insured_items(person[ITEMS], year):
                grade = grades.default_grade(year, item[LEVY_CATEGORY], item[SUBCATEGORY])
                rows.append({"name": person[NAME], "id_type": person[ID_TYPE], "id_number": number,
                             "levy_item": item[LEVY_ITEM], "levy_category": item[LEVY_CATEGORY],
                             "year": year, "grade": grade.code if grade else "01"})  # fmt: skip
                if len(rows) == ROWS:
                    break
            if len(rows) == ROWS:
                break
        if len(rows) == ROWS:
            break
    written = export_as_template(rows, path, TemplateNames.of(ctx.app_db))
    db.close()
    ctx.close()
    return written


def measure_import(data_dir: str, path: str) -> dict[str, Any]:
    """In the child: bare calamine reads and full imports of the same file, alternating; then
    the rows are added to the list for the 提交申报 child."""
    from python_calamine import CalamineWorkbook

    from client.app_context import AppContext
    from client.collector.self_declare import SelfDrafts
    from client.collector.self_template import SHEET_TITLE, read_self_import

    ctx = AppContext.open(data_dir)
    db = ctx.app_db.open_unit_db(ctx.app_db.units("collector")[0])
    today = ctx.local_today()

    def calamine() -> float:
        started = time.perf_counter()
        book = CalamineWorkbook.from_path(path)
        grid = book.get_sheet_by_name(SHEET_TITLE).to_python()
        book.close()
        elapsed = time.perf_counter() - started
        assert len(grid) > 2  # notes, header, rows
        return elapsed

    def full() -> tuple[float, Any]:
        started = time.perf_counter()
        result = read_self_import(path, db, ctx.app_db, today)
        return time.perf_counter() - started, result

    calamine_s, import_s, result = [], [], None
    for _ in range(ROUNDS):
        calamine_s.append(calamine())
        result = None  # the previous result is freed outside the timed part
        elapsed, result = full()
        import_s.append(elapsed)
    assert result is not None
    figures: dict[str, Any] = {
        "calamine": min(calamine_s),
        "import": min(import_s),
        "valid": result.valid_count,
        "errors": result.error_count,
        "rss": peak_rss_mb(),
    }
    if result.errors:
        sample = "; ".join(f"{e.row} {e.column} {e.reason}" for e in result.errors[:5])
        raise RuntimeError(f"the filled template has {result.error_count} bad rows: {sample}")
    drafts = SelfDrafts(ctx.app_db, db, today)
    drafts.delete([r["id"] for r in drafts.source().rows({}, [])])
    started = time.perf_counter()
    drafts.add_imported(result)
    figures["add"] = time.perf_counter() - started
    db.close()
    ctx.close()
    return figures


def measure_submit(data_dir: str) -> dict[str, Any]:
    """In the child: 提交申报 of every row of the list, the server's share measured apart."""
    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.collector.self_declare import SelfDrafts
    from client.collector.self_submit import SelfDeclarations

    ctx = AppContext.open(data_dir)
    unit = ctx.app_db.units("collector")[0]
    session = LoginService(ctx).authenticate(unit, PASSWORD)
    waited = [0.0]
    send = session.api.request_bytes

    def timed(*args: Any, **kwargs: Any) -> bytes:
        started = time.perf_counter()
        try:
            return send(*args, **kwargs)
        finally:
            waited[0] += time.perf_counter() - started

    session.api.request_bytes = timed  # type: ignore[method-assign]
    drafts = SelfDrafts(ctx.app_db, session.db, ctx.local_today())
    service = SelfDeclarations(session.api, drafts, unit.unit_id)
    ids = [r["id"] for r in drafts.source().rows({}, [])]
    started = time.perf_counter()
    plan = service.plan(ids)
    planned = time.perf_counter() - started
    result = service.submit(plan)
    total = time.perf_counter() - started
    assert drafts.count() == 0, "the submitted rows must leave the list"
    figures = {
        "rows": len(ids),
        "declarations": len(result.declarations),
        "plan": planned,
        "total": total,
        "server": waited[0],
        "client": total - waited[0],
        "rss": peak_rss_mb(),
    }
    session.close()
    ctx.close()
    return figures


if __name__ == "__main__":
    step, folder = sys.argv[1], sys.argv[2]
    out = measure_import(folder, sys.argv[3]) if step == "import" else measure_submit(folder)
    print(json.dumps(out))
