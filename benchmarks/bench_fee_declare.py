"""社保费申报 of the 100,000-employee unit (service level, no Qt): the 预处理明细 of one item
covering every employee against the full roster sync (rows per second and the ratio),
提交申报 of all the unit's items end to end on the client side (刷新, 核对/统计, 立即提交,
获取反馈), and the 社会保险费申报表 PDF of the 100,000-line declaration."""

from __future__ import annotations

import time

from benchmarks.common import BenchEnv, Report, peak_rss_mb

NAME = "fee_declare"


def run(report: Report, env: BenchEnv) -> None:
    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.fees.declare import FeeDeclarations
    from client.fees.form import declaration_form
    from client.fees.rules import INITIAL, declaration_page
    from client.jobs import JobContext
    from client.storage.feed_tables import EMPLOYEES
    from client.storage.unit_db import UnitDatabase
    from client.sync.engine import FeedSyncer
    from client.unit_reference.service import LevyNames

    backend = env.backend(report)
    data_dir = env.synced_client(report)
    ctx = AppContext.open(str(data_dir), backend.url)
    unit = ctx.app_db.units("employer")[0]
    session = LoginService(ctx).authenticate(unit, env.client_password)
    service = FeeDeclarations(session.api, session.db, session.unit.unit_id)
    try:
        # the roster's rate: a full sync of the same unit into a fresh database
        folder = env.root / "fee-roster"
        folder.mkdir(exist_ok=True)
        roster_db = UnitDatabase(folder / "unit.sqlite3", folder / "backups")
        started = time.perf_counter()
        full = FeedSyncer(session.api, roster_db, unit.unit_id, EMPLOYEES).run(JobContext())
        roster_s = time.perf_counter() - started
        roster_db.close()
        roster_rate = full.total / roster_s
        report.add(f"full roster sync ({full.total:,} employees)", roster_s, "s")
        report.add("  roster rows per second", roster_rate, "rows/s")

        started = time.perf_counter()
        waiting = service.items.refresh(("daily", "special", "project"))
        report.add(f"刷新 the unit's items ({waiting} to declare)", time.perf_counter() - started,
                   "s")  # fmt: skip
        page = declaration_page("daily", session.region.collection_mode)
        with session.db.engine.connect() as conn:
            biggest = conn.exec_driver_sql(
                "SELECT item_id, headcount FROM fee_items WHERE state = ? AND data_source = '01'"
                " ORDER BY headcount DESC LIMIT 1",
                (INITIAL,),
            ).first()
        assert biggest is not None, "the bench unit has no 预处理信息"
        item_id, headcount = biggest
        started = time.perf_counter()
        lines = service.items.download_lines([item_id])
        details_s = time.perf_counter() - started
        details_rate = lines / details_s
        report.add(f"预处理明细 download of one item ({lines:,} employees)", details_s, "s")
        report.add("  明细 rows per second", details_rate, "rows/s")
        report.add("  seconds per row, 明细 / roster sync", roster_rate / details_rate, "x",
                   "≤ 1.0")  # fmt: skip

        boxes = service.items.boxes(page)
        ticked = list(boxes.box_of)
        started = time.perf_counter()
        plan = service.plan(page, ticked)
        plan_s = time.perf_counter() - started
        started = time.perf_counter()
        result = service.submit(plan)
        submit_s = time.perf_counter() - started
        for d in result.declarations:  # the backend's processing: set-up, not the client
            backend.admin_post(
                f"units/{unit.unit_id}/fee-declarations/{d['declaration_id']}/process"
            )
        started = time.perf_counter()
        feedback = service.fetch_feedback()
        feedback_s = time.perf_counter() - started
        report.add(f"提交申报: 核对/统计 {plan.items} items ({plan.headcount:,} 人次)", plan_s, "s")
        report.add(f"提交申报: 立即提交 ({len(result.declarations)} declarations)", submit_s, "s")
        report.add(
            f"提交申报: 获取反馈 ({feedback.succeeded} 申报成功, {feedback.failed} 申报失败)",
            feedback_s,
            "s",
        )
        report.add("提交申报 end to end, client side", plan_s + submit_s + feedback_s, "s")

        declaration_id = next(
            d["declaration_id"] for d in result.declarations if item_id in d["item_ids"]
        )
        form_items = service.records.item_ids(declaration_id)
        service.items.download_lines(form_items)  # the form's lines, before the clock starts
        with session.db.engine.connect() as conn:
            form_lines = int(
                conn.exec_driver_sql(
                    "SELECT COUNT(*) FROM fee_item_lines WHERE item_id IN"
                    " (SELECT item_id FROM fee_declaration_items WHERE declaration_id = ?)",
                    (declaration_id,),
                ).scalar()
            )
        started = time.perf_counter()
        path = declaration_form(
            service, declaration_id, (unit.taxpayer_id, unit.taxpayer_name),
            LevyNames(ctx.app_db), ctx.app_db.code_table("id_types"),
            env.root / "fee-forms", JobContext(),
        )  # fmt: skip
        report.add(
            f"申报表 PDF of the declaration ({form_lines:,} lines, "
            f"{path.stat().st_size / 1e6:.1f} MB)",
            time.perf_counter() - started,
            "s",
        )
        report.add("peak RSS (benchmark process so far)", peak_rss_mb(), "MB")
    finally:
        session.close()
        ctx.close()
