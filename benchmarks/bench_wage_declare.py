"""年度缴费工资申报 of a whole unit (100,000 employees, service level, no Qt):
添加全部正常缴费职工, 提交申报 of every row, the backend's processing (set-up, not the
client) and 获取反馈 settling the working list.

It all runs in a child process of its own on the synced bench client, so the peak RSS is
that of the declaration alone (not of the set-up's full sync). 添加全部正常缴费职工 is
timed `ROUNDS` times (the list emptied between rounds, not timed): best and spread.
提交申报 runs once (it declares); the time spent waiting for the server (sending the body
included) is measured and taken out of the client's figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import BenchEnv, Report, peak_rss_mb

NAME = "wage_declare"
ROUNDS = 3


def run(report: Report, env: BenchEnv) -> None:
    backend = env.backend(report)
    data_dir = env.synced_client(report)
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_wage_declare", str(data_dir), backend.url,
         env.client_password],
        capture_output=True, text=True, encoding="utf-8", check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    if child.returncode != 0:
        raise RuntimeError(f"wage_declare child failed:\n{child.stderr}")
    f = json.loads(child.stdout.strip().splitlines()[-1])
    adds = f["add"]
    report.add(f"添加全部正常缴费职工 ({f['added']:,} rows; best of {len(adds)})", min(adds), "s",
               "≤ 1 s")  # fmt: skip
    report.add("  spread of those rounds (slowest − best)", max(adds) - min(adds), "s")
    report.add(f"提交申报 of {f['rows']:,} rows, whole (one request)", f["submit"], "s")
    report.add("  of which waiting for the server (not the client)", f["server"], "s")
    report.add("提交申报 client side (body, stored request, answer applied)", f["client"], "s",
               "≤ 3 s")  # fmt: skip
    report.add("backend processing (setup, not the client)", f["processing"], "s")
    report.add(f"获取反馈 ({f['succeeded']:,} succeeded, {f['failed']:,} failed)", f["feedback"],
               "s")  # fmt: skip
    report.add("peak RSS of the declaration (own process)", f["rss"], "MB", "≤ 300 MB")


def measure(data_dir: str, url: str, password: str) -> dict[str, Any]:
    """In the child: the whole declaration of the synced bench unit."""
    import httpx

    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.domain.wages import ANNUAL, BY_EMPLOYEE
    from client.wages.declare import WageDeclarations
    from client.wages.drafts import WageDrafts

    ctx = AppContext.open(data_dir, url)
    unit = ctx.app_db.units("employer")[0]
    session = LoginService(ctx).authenticate(unit, password)
    waited = [0.0]
    send = session.api.request_bytes

    def timed(*args: Any, **kwargs: Any) -> bytes:
        started = time.perf_counter()
        try:
            return send(*args, **kwargs)
        finally:
            waited[0] += time.perf_counter() - started

    session.api.request_bytes = timed  # type: ignore[method-assign]
    figures: dict[str, Any] = {"add": []}
    try:
        drafts = WageDrafts(ctx.app_db, session.db, session.unit.tax_authority,
                            ctx.local_today(), ANNUAL, BY_EMPLOYEE)  # fmt: skip
        for round_ in range(ROUNDS):
            if round_:
                with session.db.write() as conn:  # emptied again, not timed
                    conn.exec_driver_sql("DELETE FROM wage_drafts")
            started = time.perf_counter()
            figures["added"] = drafts.add_many("paying").added
            figures["add"].append(time.perf_counter() - started)
        ids = [r["id"] for r in drafts.source().rows({}, [])]
        figures["rows"] = len(ids)
        service = WageDeclarations(session.api, session.db, session.unit.unit_id)
        waited[0] = 0.0
        started = time.perf_counter()
        answers = service.submit(drafts, ids)
        figures["submit"] = time.perf_counter() - started
        figures["server"] = waited[0]
        figures["client"] = figures["submit"] - waited[0]
        started = time.perf_counter()
        with httpx.Client(base_url=url + "/api/v1/admin", timeout=300) as admin:
            for answer in answers:
                admin.post(
                    f"units/{session.unit.unit_id}/wage-declarations/"
                    f"{answer['declaration_id']}/process",
                    json={},
                ).raise_for_status()
        figures["processing"] = time.perf_counter() - started
        started = time.perf_counter()
        feedback = service.fetch_feedback()
        figures["feedback"] = time.perf_counter() - started
        figures["succeeded"] = feedback.succeeded_rows
        figures["failed"] = feedback.failed_rows
        figures["rss"] = peak_rss_mb()
    finally:
        session.close()
        ctx.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], sys.argv[2], sys.argv[3])))
