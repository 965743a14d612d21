"""职工参保信息更新 with 100,000 employees: open, filters, 导出所有职工 vs bare openpyxl."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from benchmarks.common import BenchEnv, Report, peak_rss_mb

NAME = "roster"


def wait(app: Any, handle: Any, limit: float = 600) -> None:
    deadline = time.perf_counter() + limit
    while not handle.done:
        app.processEvents()
        time.sleep(0.002)
        if time.perf_counter() > deadline:
            raise RuntimeError("job did not finish")
    if handle.error is not None:
        raise handle.error


def bare_openpyxl_seconds(headers: list[str], rows: list[list[Any]], path: Path) -> float:
    from openpyxl import Workbook

    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("职工参保信息")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return time.perf_counter() - started


def run(report: Report, env: BenchEnv) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from openpyxl import load_workbook

    from client.app_context import AppContext
    from client.employer.module import DESCRIPTOR
    from client.employer.roster_page import RosterPage
    from client.ui.app import make_application
    from client.ui.context import UiServices
    from client.ui.pages import PageContext
    from client.ui.prompts import PromptService

    data_dir = env.synced_client(report)
    app = make_application(["bench"])
    ctx = AppContext.open(str(data_dir), env.backend(report).url)
    unit = ctx.app_db.units("employer")[0]
    from client.account.login import LoginService

    session = LoginService(ctx).authenticate(unit, env.client_password)
    ui = UiServices(ctx, PromptService.scripted(), show_delay_ms=0)
    page_ctx = PageContext(ui, session, DESCRIPTOR, lambda key: None)

    started = time.perf_counter()
    page = RosterPage(page_ctx)
    app.processEvents()
    report.add(
        f"open 职工参保信息更新 ({page.list.total:,} employees, first page + 统计)",
        time.perf_counter() - started,
        "s",
        "≤ 0.5 s",
    )
    for label, value in (("name filter '王'", "王"), ("pinyin-initials filter 'wl'", "wl")):
        page.list.set_condition("name", value)
        started = time.perf_counter()
        page.list.query()
        app.processEvents()
        report.add(
            f"{label} ({page.list.total:,} found, with 统计)",
            time.perf_counter() - started,
            "s",
            "≤ 0.2 s",
        )
    page.list.reset()
    page.list.query()

    path = env.root / "roster-export.xlsx"
    page.list.save_path_provider = lambda _s: str(path)
    started = time.perf_counter()
    handle = page.list.export_all()
    wait(app, handle)
    export_s = time.perf_counter() - started
    report.add(f"导出所有职工 ({handle.result:,} rows)", export_s, "s")

    book = load_workbook(path, read_only=True)
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    book.close()
    bare = bare_openpyxl_seconds(cells[0], cells[1:], env.root / "bare.xlsx")
    report.add("bare openpyxl write-only, same cells", bare, "s")
    report.add("导出所有职工 / bare openpyxl", export_s / bare, "x", "≤ 1.3×")
    report.add("peak RSS (roster benchmark process so far)", peak_rss_mb(), "MB", "≤ 400 MB")
    page.close()
    session.close()
    ctx.close()
