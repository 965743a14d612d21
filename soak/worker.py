"""The client's work in a process of its own, so the suite can SIGKILL it at any moment.

`python -m soak.worker FOLDER URL UNIT_ID PASSWORD TASK [ARG]` opens the client data folder
the way the client does (AppContext, 安全认证) and runs one piece of work through the
client's own services, no Qt: `full` (全量更新 of the employees), `incremental` (增量更新),
`declare` (社保费申报 of every 初始 item, 立即提交), `pay` (三方协议缴费 of every normal
arrear) or `import` (缴费工资 外部文件导入 of the xlsx ARG into the working list).
It prints `READY` when the work starts and `DONE <json>` when it is finished; a refusal
prints `REFUSED <message>` and exits 3.
"""

from __future__ import annotations

import json
import sys
from typing import Any

EXIT_REFUSED = 3


def main(argv: list[str]) -> int:
    folder, url, unit_id, password, task, *rest = argv
    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.sync.errors import ApiError

    ctx = AppContext.open(folder, url)
    unit = next(u for u in ctx.app_db.units("employer") if u.unit_id == unit_id)
    print("READY", flush=True)
    try:
        session = LoginService(ctx).authenticate(unit, password)
        try:
            outcome = TASKS[task](ctx, session, password, *rest)
        finally:
            session.close()
    except ApiError as exc:
        print(f"REFUSED {exc.message}", flush=True)
        return EXIT_REFUSED
    except Exception as exc:  # a rule refusal of a service (FeeRuleError, PaymentRuleError…)
        message = getattr(exc, "message", None)
        if isinstance(message, str) and message:
            print(f"REFUSED {message}", flush=True)
            return EXIT_REFUSED
        raise
    finally:
        ctx.close()
    print("DONE " + json.dumps(outcome, ensure_ascii=False, default=str), flush=True)
    return 0


def sync(ctx: Any, session: Any, password: str, mode: str = "auto") -> dict[str, Any]:
    from client.jobs import JobContext
    from client.storage.feed_tables import EMPLOYEES
    from client.sync.engine import FeedSyncer

    result = FeedSyncer(session.api, session.db, session.unit.unit_id, EMPLOYEES).run(
        JobContext(), mode=mode
    )
    return {"mode": result.mode, "total": result.total, "changed": result.changed_records}


def full(ctx: Any, session: Any, password: str) -> dict[str, Any]:
    return sync(ctx, session, password, "full")


def incremental(ctx: Any, session: Any, password: str) -> dict[str, Any]:
    return sync(ctx, session, password, "auto")


def declare(ctx: Any, session: Any, password: str) -> dict[str, Any]:
    """刷新, then 立即提交 of every 初始 item of 日常申报 and 社保费申报（核定）."""
    from client.fees.declare import FeeDeclarations
    from client.fees.rules import INITIAL, declaration_page

    service = FeeDeclarations(session.api, session.db, session.unit.unit_id)
    service.resend_pending()  # what opening the page does: confirm an unknown outcome
    service.items.refresh(("daily", "special", "project"))
    declared: list[str] = []
    for key in ("daily", "verified"):
        page = declaration_page(key, session.region.collection_mode)
        with session.db.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.exec_driver_sql(
                "SELECT item_id, category, data_source FROM fee_items WHERE state = ?", (INITIAL,)
            )]  # fmt: skip
        ids = [r["item_id"] for r in rows
               if r["category"] in page.categories and r["data_source"] in page.sources]  # fmt: skip
        if not ids:
            continue
        result = service.submit(service.plan(page, ids))
        declared += [d["declaration_id"] for d in result.declarations]
    return {"declarations": declared}


def pay(ctx: Any, session: Any, password: str) -> dict[str, Any]:
    """三方协议缴费 of every normal arrear (what the page ticks, minus 特殊缴费)."""
    from client.payments.auth import authenticate
    from client.payments.pay import FeePayments

    unit_id = session.unit.unit_id
    payments = FeePayments(session.api, session.db, unit_id, ctx.paths.documents_dir)
    resent = []
    if payments.has_pending_payments():
        resent = payments.resend_pending_payments(authenticate(session.api, unit_id, password))
    payments.arrears.refresh()
    lines = [ln["line_id"] for ln in payments.arrears.lines()
             if ln["pay_type"] == "正常" and ln["state"] in ("未缴费", "扣费失败")]  # fmt: skip
    if not lines:
        return {"paid": [], "resent": [r.payment_id for r in resent]}
    plan = payments.plan(lines)
    agreement = payments.agreements_for_payment()[0]
    ticket = authenticate(session.api, unit_id, password)
    submitted = payments.pay_by_agreement(plan, agreement, ticket)
    return {"paid": [submitted.payment_id], "resent": [r.payment_id for r in resent]}


def import_wages(ctx: Any, session: Any, password: str, path: str) -> dict[str, Any]:
    """外部文件导入 of a filled 按职工 日常 template, then 确定 (the rows join the list)."""
    from client.domain.wages import BY_EMPLOYEE, DAILY
    from client.wages.drafts import WageDrafts
    from client.wages.imports import read_wage_import

    today = ctx.local_today()
    result = read_wage_import(path, DAILY, BY_EMPLOYEE, session.db, ctx.app_db, today)
    drafts = WageDrafts(ctx.app_db, session.db, session.unit.tax_authority, today, DAILY,
                        BY_EMPLOYEE)  # fmt: skip
    added = drafts.add_imported(result.draft_rows())
    return {"valid": result.valid_count, "errors": result.error_count, "added": added.added,
            "already": added.already_listed}  # fmt: skip


TASKS = {"full": full, "incremental": incremental, "declare": declare, "pay": pay,
         "import": import_wages}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
