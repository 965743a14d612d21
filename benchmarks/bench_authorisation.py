"""社保费批扣清册查询 of a 代收单位 with 100,000 清册 rows (one per resident), on the client
side over HTTP as the page does it: 查询 (the count and the first page of 1,000 rows, server
side paging), a query for one resident by 三要素 and 费款所属期, and 导出 所有清册 through the
shared export job (pages of 5,000 streamed into an .xlsx with the page's columns).

Set-up (not timed) on a backend of its own (demo seed, small units: the rows come from the
admin bench-seed endpoint, the shared bench backend's 100,000 employees are not needed): a
代收单位 of the demo data is given `ROWS` made-up 清册 rows; the client logs in with its
initial password.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import BackendProcess, BenchEnv, Report, env_int, peak_rss_mb

NAME = "authorisation"
ROWS = env_int("BENCH_ROLL_ROWS", 100_000)
ROUNDS = env_int("BENCH_ROLL_ROUNDS", 5)
PAGE = 1000  # the list pages' default page size


def median_of(rounds: int, action: Callable[[], Any]) -> tuple[float, Any]:
    seconds, answer = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        answer = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), answer


def run(report: Report, env: BenchEnv) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from client.authorisation.rolls import DeductionRolls
    from client.jobs import JobContext
    from client.sync.api import ApiClient
    from client.ui.authorisation.rolls_page import TITLE, roll_columns
    from client.ui.listpage.export import export_job

    folder = env.root / "authorisation-backend"
    folder.mkdir(exist_ok=True)
    backend = BackendProcess(folder, "--seed", "demo")
    try:
        unit = backend.admin_get("units", kind="collector")[0]
        started = time.perf_counter()
        backend.admin_post(
            f"units/{unit['unit_id']}/authorisation/deduction-rolls/bench-seed", {"count": ROWS}
        )
        report.add(f"bench-seed {ROWS:,} 清册 rows (setup, not a target)",
                   time.perf_counter() - started, "s")  # fmt: skip
        api = ApiClient(backend.url, timeout=300)
        api.login(unit["unit_id"], unit["initial_password"])
        source = DeductionRolls(api, unit["unit_id"]).source()
        whole = {"period": ("2022-01", "2026-12")}

        def query() -> tuple[int, int]:
            return source.count(whole), len(source.page(whole, (), 0, PAGE))

        seconds, (total, shown) = median_of(ROUNDS, query)
        report.add(
            f"清册 查询 over {total:,} rows: count + first page of {shown:,} (median of {ROUNDS})",
            seconds, "s", "≤ 1 s",
        )  # fmt: skip
        last = source.page(whole, (), total - PAGE, PAGE)[-1]
        one = {"name": last["name"], "id_type": "01", "id_number": last["id_number"],
               "period": ("2022-01", "2026-12")}  # fmt: skip
        seconds, (found, _) = median_of(ROUNDS, lambda: (source.count(one),
                                                         source.page(one, (), 0, PAGE)))  # fmt: skip
        report.add(f"清册 查询 of one resident among {total:,} rows ({found} found)", seconds, "s",
                   "≤ 0.2 s")  # fmt: skip

        target = env.root / "批扣清册.xlsx"
        columns = roll_columns(lambda code: "居民身份证" if code == "01" else str(code))
        started = time.perf_counter()
        written = export_job(target, TITLE, columns, source, whole, (), None, total).run(
            JobContext()
        )
        report.add(f"清册 导出 所有清册 ({written:,} rows, {target.stat().st_size / 1e6:.1f} MB xlsx)",
                   time.perf_counter() - started, "s", "≤ 30 s")  # fmt: skip
        report.add("peak RSS of the client side", peak_rss_mb(), "MB")
        api.close()
    finally:
        backend.stop()
