"""征收子系统, 城乡居民个人缴费 of a 代收单位 (manual §3.21–§3.23): a resident's pending rows,
payment orders, 缴费记录查询, and the payment page the order's QR code opens on the payer's
phone (`/pay/{order_id}/{token}`, no login: the token — an HMAC of the order number under a
secret of this database — is what the QR code gives; order numbers alone are sequential)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from mock_backend import personal_payment_orders as orders
from mock_backend.clock import CST, format_datetime
from mock_backend.collect_due import make_arrears
from mock_backend.context import BackendContext, Session, get_ctx
from mock_backend.db import Database, driver, get_meta, set_meta
from mock_backend.errors import ApiError
from mock_backend.fee_money import text_of
from mock_backend.fee_schedule import ensure_generated
from mock_backend.ids import is_valid_id_number
from mock_backend.personal_payment import (
    MODES,
    RESIDENT_LEVIES,
    chosen_rows,
    filtered,
    pending_rows,
)
from mock_backend.personal_payment_tables import create_tables
from mock_backend.resident_directory import find_resident, identity
from mock_backend.routes._common import COLLECTOR, KEY_HEADER, UnitCall, require_key
from mock_backend.routes.collect import month_range
from mock_backend.routes.residents import PERSON_NOT_FOUND

router = APIRouter(prefix="/api/v1/collect/units/{unit_id}", tags=["征收子系统: 城乡居民个人缴费"])
pay_router = APIRouter(tags=["支付页面 (扫码)"])


def install(app: FastAPI, db: Database) -> None:
    """Create the tables (a database seeded before issue 13 lacks them) and the routes."""
    create_tables(db)
    _secret(db)  # made (or read) now, never inside a request's transaction
    app.include_router(router)
    app.include_router(pay_router)


# -- helpers ------------------------------------------------------------------------------
def _mode(value: str | None) -> str:
    if value not in MODES:
        raise ApiError(
            422, "VALIDATION_ERROR", "缴费模式应为self（自主）或verified（核定）。",
            {"field": "mode"},
        )  # fmt: skip
    return str(value)


def _person(
    call: UnitCall, name: str | None, id_type: str | None, id_number: str | None
) -> tuple[str, str, str]:
    """(姓名, 证件类型, 证件号码) of a resident of the agent: 证件类型 and 证件号码 required, the
    name (when given) must be the registered one."""
    id_type = (id_type or "").strip()
    number = (id_number or "").strip().upper()
    if not id_type:
        raise ApiError(422, "VALIDATION_ERROR", "请选择证件类型。", {"field": "id_type"})
    if not number:
        raise ApiError(422, "VALIDATION_ERROR", "请填写证件号码。", {"field": "id_number"})
    if id_type == "01" and not is_valid_id_number(number):
        raise ApiError(
            422, "VALIDATION_ERROR",
            f"证件号码“{id_number}”不是有效的居民身份证号码，请核对后重新填写。",
            {"field": "id_number"},
        )  # fmt: skip
    who = identity(id_type, number)
    session = call.session
    with call.reading() as raw:
        wanted = (name or "").strip() or _registered_name(raw, session, who)
        person = find_resident(raw, session.unit_id, session.region, who, wanted or "")
    if person is None:
        raise ApiError(404, "PERSON_NOT_FOUND", PERSON_NOT_FOUND)
    return person.name, who[0], who[1]


def _registered_name(raw: Any, session: Session, who: tuple[str, str]) -> str | None:
    row = (
        raw.execute(
            "SELECT name FROM residents WHERE unit_id = ? AND id_type = ? AND id_number = ?"
            " AND deleted = 0 ORDER BY id LIMIT 1",
            (session.unit_id, *who),
        ).fetchone()
        or raw.execute(
            "SELECT name FROM external_registry WHERE region = ? AND id_type = ? AND id_number = ?",
            (session.region, *who),
        ).fetchone()
    )
    return row[0] if row else None


def _up_to_date(ctx: BackendContext, unit_id: str) -> datetime:
    """Items made, declarations processed, arrears lines made, orders past their time closed."""
    ensure_generated(ctx.db, ctx.clock, unit_id)
    make_arrears(ctx.db, ctx.clock, unit_id)
    stamp = ctx.clock.timestamp()
    now = datetime.fromtimestamp(stamp, CST).replace(microsecond=0)
    with ctx.db.read() as conn:
        due = orders.expiring(driver(conn), unit_id, stamp)
    if due:  # a write only when some order's time ran out
        with ctx.db.write() as conn:
            orders.expire(driver(conn), unit_id, stamp, format_datetime(now))
    return now


_SECRET_KEY = "pay_url_secret"
_secrets: dict[str, bytes] = {}


def _secret(db: Database) -> bytes:
    """This database's secret for payment links (made once, kept in meta)."""
    key = str(db.path)
    if key not in _secrets:
        with db.write() as conn:
            value = get_meta(conn, _SECRET_KEY)
            if value is None:
                value = secrets.token_hex(32)
                set_meta(conn, _SECRET_KEY, value)
        _secrets[key] = bytes.fromhex(value)
    return _secrets[key]


def pay_token(db: Database, order_id: str) -> str:
    digest = hmac.new(_secret(db), order_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def _check_token(ctx: BackendContext, order_id: str, token: str) -> None:
    """A link not made by this server names no order (the same answer as a wrong number)."""
    if not hmac.compare_digest(token, pay_token(ctx.db, order_id)):
        raise orders.order_not_found(order_id)


def _pay_url(request: Request, ctx: BackendContext, order_id: str) -> str:
    token = pay_token(ctx.db, order_id)
    return f"{str(request.base_url).rstrip('/')}/pay/{order_id}/{token}"


def _with_url(request: Request, ctx: BackendContext, order: dict[str, Any]) -> dict[str, Any]:
    waiting = order["state"] == orders.WAITING
    return {**order, "pay_url": _pay_url(request, ctx, order["order_id"]) if waiting else None}


# -- the clerk's side --------------------------------------------------------------------
@router.get("/personal-payments/pending")
def pending(
    mode: str | None = Query(None, description="self (自主) | verified (核定)"),
    name: str | None = Query(None, description="姓名 (optional; must match when given)"),
    id_type: str | None = Query(None, description="证件类型 code"),
    id_number: str | None = Query(None, description="证件号码"),
    levy_item: str | None = Query(None, description="参保险种: 10210 | 10211"),
    year: int | None = Query(None, description="缴费年度"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """待缴费信息: the resident's pending rows (a 征集通知流水号's rows all shown together)."""
    chosen_mode = _mode(mode)
    if levy_item and levy_item not in RESIDENT_LEVIES:
        raise ApiError(422, "VALIDATION_ERROR", "参保险种应为城乡居民养老保险或城乡居民医疗保险。",
                       {"field": "levy_item"})  # fmt: skip
    person = _person(call, name, id_type, id_number)
    now = _up_to_date(call.ctx, call.unit_id)
    rows = call.read(pending_rows, chosen_mode, person[1], person[2], now.date().isoformat())
    shown = filtered(rows, levy_item, year)
    return {
        "person": dict(zip(("name", "id_type", "id_number"), person, strict=True)),
        "rows": [r.wire() for r in shown],
        "total": text_of(sum(r.amount for r in shown)),
    }


class OrderIn(BaseModel):
    mode: str | None = Field(None, description="self | verified")
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    method: str | None = Field(None, description="微信 | 支付宝 | 政融支付")
    row_ids: list[str] = Field(default_factory=list, description="rows as listed by pending")


@router.post("/personal-orders", status_code=201)
def create_order(
    body: OrderIn,
    request: Request,
    idempotency_key: str | None = KEY_HEADER,
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """立即缴费: a 待支付 order for the ticked rows (older 待支付 orders of them are closed)."""
    require_key(idempotency_key)  # here, not COLLECTOR_KEYED: the body's 422 comes first
    mode = _mode(body.mode)
    method = orders.check_method(body.method)
    person = _person(call, body.name, body.id_type, body.id_number)
    unit_id = call.unit_id
    now = _up_to_date(call.ctx, unit_id)
    with call.writing() as raw:
        rows = chosen_rows(
            pending_rows(raw, unit_id, mode, person[1], person[2], now.date().isoformat()),
            body.row_ids,
        )
        order_id = orders.create_order(raw, unit_id, mode, person, rows, method, now)
        order = orders.order_head(raw, unit_id, order_id)
        detail = orders.order_rows(raw, order_id)
    return {**_with_url(request, call.ctx, order), "rows": detail}


@router.get("/personal-orders")
def list_orders(
    name: str | None = Query(None),
    id_type: str | None = Query(None),
    id_number: str | None = Query(None),
    start: str | None = Query(None, description="订单生成日期 from, YYYY-MM-DD"),
    end: str | None = Query(None, description="订单生成日期 to, YYYY-MM-DD"),
    period_from: str | None = Query(None, description="费款所属期起, YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止, YYYY-MM"),
    state: str | None = Query(None, description="待支付 | 支付成功 | 支付失败 | 已关闭"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """缴费记录查询: the unit's orders, newest first."""
    if state and state not in orders.STATES:
        raise ApiError(422, "VALIDATION_ERROR", f"缴费状态“{state}”不存在。", {"field": "state"})
    first, last = month_range(period_from, period_to)
    _up_to_date(call.ctx, call.unit_id)
    found = call.read(
        orders.list_orders, id_type, (id_number or "").strip().upper() or None,
        (name or "").strip() or None, start, end, state, first, last,
    )  # fmt: skip
    return {"orders": found}


@router.get("/personal-orders/{order_id}")
def order_detail(order_id: str, request: Request, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """查看: the order and its rows (its state as of now; the client polls this)."""
    _up_to_date(call.ctx, call.unit_id)
    with call.reading() as raw:
        order = orders.order_head(raw, call.unit_id, order_id)
        return {**_with_url(request, call.ctx, order), "rows": orders.order_rows(raw, order_id)}


@router.get("/personal-orders/{order_id}/payment")
def continue_payment(order_id: str, request: Request, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """缴费 (继续缴费): the payment page of a 待支付 order; 409 ORDER_STATE_CHANGED otherwise."""
    _up_to_date(call.ctx, call.unit_id)
    order = call.read(orders.order_head, order_id)
    if order["state"] != orders.WAITING:
        raise ApiError(409, "ORDER_STATE_CHANGED", orders.STATE_CHANGED,
                       {"order_id": order_id, "state": order["state"]})  # fmt: skip
    return _with_url(request, call.ctx, order)


# -- the payer's phone -------------------------------------------------------------------
_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body><h1>{title}</h1><p>订单号：{order_id}</p><p>缴费人：{name}</p>
<p>缴费金额：{amount} 元</p><p>支付方式：{method}</p><p>订单状态：<b id="state">{state}</b></p>
{body}</body></html>"""
_FORM = """<form method="post" action="/pay/{order_id}/{token}/confirm">
<button name="result" value="success" id="confirm">确认支付</button>
<button name="result" value="fail" id="cancel">取消支付</button></form>"""


def _page(order: dict[str, Any], body: str, status: int = 200) -> HTMLResponse:
    text = _PAGE.format(
        title="城乡居民社保费缴费", order_id=html.escape(order["order_id"]),
        name=html.escape(order["name"]), amount=order["amount"],
        method=html.escape(order["method"]), state=html.escape(order["state"]), body=body,
    )  # fmt: skip
    return HTMLResponse(text, status_code=status)


def _open_order(ctx: BackendContext, order_id: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        row = (
            driver(conn)
            .execute("SELECT unit_id FROM personal_orders WHERE order_id = ?", (order_id,))
            .fetchone()
        )
    if row is None:
        raise orders.order_not_found(order_id)
    _up_to_date(ctx, row[0])
    with ctx.db.read() as conn:
        return {**orders.order_head(driver(conn), None, order_id), "unit_id": row[0]}


@pay_router.get("/pay/{order_id}/{token}", response_class=HTMLResponse)
def pay_page(order_id: str, token: str, ctx: BackendContext = Depends(get_ctx)) -> HTMLResponse:
    """What the QR code opens: the order with 确认支付 / 取消支付 while it is 待支付."""
    _check_token(ctx, order_id, token)
    order = _open_order(ctx, order_id)
    if order["state"] != orders.WAITING:
        return _page(order, f"<p>{html.escape(orders.STATE_CHANGED)}</p>")
    return _page(order, _FORM.format(order_id=html.escape(order_id), token=html.escape(token)))


async def _form(request: Request) -> dict[str, str]:
    """The posted form (application/x-www-form-urlencoded), first value of each field."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


@pay_router.post("/pay/{order_id}/{token}/confirm", response_class=HTMLResponse)
def pay_confirm(
    order_id: str,
    token: str,
    form: dict[str, str] = Depends(_form),
    ctx: BackendContext = Depends(get_ctx),
) -> HTMLResponse:
    """确认支付 (result=success) or 取消支付 (result=fail); 409 when the order moved on."""
    _check_token(ctx, order_id, token)
    result = form.get("result", "success")
    order = _open_order(ctx, order_id)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        raw = driver(conn)
        (state,) = raw.execute(
            "SELECT state FROM personal_orders WHERE order_id = ?", (order_id,)
        ).fetchone()
        if state != orders.WAITING:
            changed = orders.order_head(raw, None, order_id)
            return _page(changed, f"<p>{html.escape(orders.STATE_CHANGED)}</p>", 409)
        if result == "success":
            region = raw.execute(
                "SELECT region FROM units WHERE unit_id = ?", (order["unit_id"],)
            ).fetchone()[0]
            orders.pay(raw, order_id, region, now)
        else:
            orders.give_up(raw, order_id, now)
        done = orders.order_head(raw, None, order_id)
    note = "支付成功，感谢您的缴费。" if done["state"] == orders.PAID else done["reason"] or ""
    return _page(done, f'<p id="result">{html.escape(note)}</p>')
