"""年度缴费工资申报 of a whole unit (100,000 employees, service level, no Qt):
添加全部正常缴费职工, 提交申报 of every row, the backend's processing (set-up, not the
client) and 获取反馈 settling the working list. Printed without targets: the issues set
none, and the figures show that a whole-unit declaration stays in seconds."""

from __future__ import annotations

import time

from benchmarks.common import BenchEnv, Report, peak_rss_mb

NAME = "wage_declare"


def run(report: Report, env: BenchEnv) -> None:
    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.domain.wages import ANNUAL, BY_EMPLOYEE
    from client.wages.declare import WageDeclarations
    from client.wages.drafts import WageDrafts

    backend = env.backend(report)
    data_dir = env.synced_client(report)
    ctx = AppContext.open(str(data_dir), backend.url)
    unit = ctx.app_db.units("employer")[0]
    session = LoginService(ctx).authenticate(unit, env.client_password)
    try:
        drafts = WageDrafts(ctx.app_db, session.db, session.unit.tax_authority,
                            ctx.local_today(), ANNUAL, BY_EMPLOYEE)  # fmt: skip
        started = time.perf_counter()
        added = drafts.add_many("paying").added
        report.add(f"添加全部正常缴费职工 ({added:,} rows)", time.perf_counter() - started, "s")
        ids = [r["id"] for r in drafts.source().rows({}, [])]
        service = WageDeclarations(session.api, session.db, session.unit.unit_id)
        started = time.perf_counter()
        answers = service.submit(drafts, ids)
        report.add(f"提交申报 of {len(ids):,} rows (one request)", time.perf_counter() - started,
                   "s")  # fmt: skip
        started = time.perf_counter()
        for answer in answers:
            backend.admin_post(
                f"units/{session.unit.unit_id}/wage-declarations/{answer['declaration_id']}/process"
            )
        report.add("backend processing (setup, not the client)", time.perf_counter() - started,
                   "s")  # fmt: skip
        started = time.perf_counter()
        feedback = service.fetch_feedback()
        report.add(
            f"获取反馈 ({feedback.succeeded_rows:,} succeeded, {feedback.failed_rows:,} failed)",
            time.perf_counter() - started,
            "s",
        )
        report.add("peak RSS (benchmark process so far)", peak_rss_mb(), "MB")
    finally:
        session.close()
        ctx.close()
