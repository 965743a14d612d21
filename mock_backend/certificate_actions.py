"""What happens to a 税收完税证明 ticket: 开具 (the first print), 补开 (every later one), 查验 of
a ticket's face against the 征收子系统, and the admin's 作废; plus bringing a unit's tickets up
to date before a read."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from typing import Any

from mock_backend.certificates import (
    ISSUED,
    ISSUER,
    NOT_ISSUED,
    TICKET_KIND_NAME,
    UNIT_TABLES,
    VOIDED,
    TicketTables,
    ensure_tickets,
    find_ticket,
    missing_tickets,
    ticket_by_number,
)
from mock_backend.clock import ServerClock
from mock_backend.collect_due import bring_up_to_date
from mock_backend.db import Database
from mock_backend.errors import ApiError
from mock_backend.fee_money import cents_of

MONEY = re.compile(r"\d{1,13}(\.\d{1,2})?")
NO_MATCH = "未查询到与录入信息一致的税收票证，请核对票面信息后重试。"
# 查验 fields: (field, label) — the first six required, in the form's order.
REQUIRED = (
    ("taxpayer_id", "纳税人识别号"),
    ("taxpayer_name", "纳税人名称"),
    ("ticket_kind", "税收票证种类"),
    ("e_ticket_number", "电子税票号码"),
    ("region_code", "行政区划"),
    ("amount", "金额合计"),
)
OPTIONAL = (
    ("tax_authority_name", "税务机关"),
    ("ticket_word", "票证字轨"),
    ("ticket_number", "票证号码"),
    ("check_code", "校验码"),
)


def refresh(db: Database, clock: ServerClock, unit_id: str) -> None:
    """The unit's 费款缴纳 brought up to date, then a ticket made for every new 入库 line."""
    bring_up_to_date(db, clock, unit_id)
    now = clock.timestamp()
    with db.read() as conn:
        missing = missing_tickets(conn, unit_id, now)
    if missing:
        with db.write() as conn:
            ensure_tickets(conn, unit_id, now)


def public(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket as the contract shows it (without the internal `amount_fen`)."""
    answer = {k: v for k, v in ticket.items() if k not in ("amount_fen", "rows")}
    answer["rows"] = [
        {k: v for k, v in row.items() if k != "amount_fen"} for row in ticket.get("rows", [])
    ]
    return answer


def _ticket(
    raw: sqlite3.Connection, unit_id: str, ticket_id: str, tables: TicketTables = UNIT_TABLES
) -> dict[str, Any]:
    ticket = find_ticket(raw, unit_id, ticket_id, tables)
    if ticket is None:
        raise ApiError(
            404,
            "CERTIFICATE_NOT_FOUND",
            f"没有找到本单位的税收票证{ticket_id}，请重新查询后再办理。",
            {"ticket_id": ticket_id},
        )
    if ticket["status"] == VOIDED:
        raise ApiError(
            409,
            "CERTIFICATE_VOIDED",
            "该税收票证已作废，无法开具或补开，如有疑问请向主管税务机关核实。",
            {k: ticket[k] for k in ("voided_by", "voided_on", "void_reason")},
        )
    return ticket


def issue(
    raw: sqlite3.Connection,
    unit_id: str,
    ticket_id: str,
    today: date,
    tables: TicketTables = UNIT_TABLES,
) -> dict[str, Any]:
    """开具: the first print of a 未开具 ticket (unit or personal, by `tables`)."""
    ticket = _ticket(raw, unit_id, ticket_id, tables)
    if ticket["status"] != NOT_ISSUED:
        raise ApiError(
            409,
            "ALREADY_ISSUED",
            f"该完税证明已开具，如需再次打印请使用【{tables.reissue_page}】。",
            {"status": ticket["status"], "issued_on": ticket["issued_on"]},
        )
    raw.execute(
        f"UPDATE {tables.heads} SET status = ?, issued_on = ?, issuer = ?, print_count = 1"
        " WHERE ticket_id = ?",
        (ISSUED, today.isoformat(), ISSUER, ticket_id),
    )
    return _ticket(raw, unit_id, ticket_id, tables)


def reissue(
    raw: sqlite3.Connection, unit_id: str, ticket_id: str, tables: TicketTables = UNIT_TABLES
) -> dict[str, Any]:
    """补开: another print of an 已开具 ticket."""
    ticket = _ticket(raw, unit_id, ticket_id, tables)
    if ticket["status"] != ISSUED:
        raise ApiError(
            409,
            "NOT_ISSUED",
            f"该完税证明尚未开具，请先在【{tables.issue_page}】中开具。",
            {"status": ticket["status"]},
        )
    raw.execute(
        f"UPDATE {tables.heads} SET print_count = print_count + 1 WHERE ticket_id = ?",
        (ticket_id,),
    )
    return _ticket(raw, unit_id, ticket_id, tables)


def void(
    raw: sqlite3.Connection,
    unit_id: str,
    ticket_id: str,
    voided_by: str,
    reason: str,
    today: date,
    tables: TicketTables = UNIT_TABLES,
) -> dict[str, Any]:
    """Admin 作废 (the tax office's act): the ticket is 已作废; its lines get a new ticket at the
    next read."""
    _ticket(raw, unit_id, ticket_id, tables)
    raw.execute(
        f"UPDATE {tables.heads} SET status = ?, voided_by = ?, voided_on = ?, void_reason = ?"
        " WHERE ticket_id = ?",
        (VOIDED, voided_by, today.isoformat(), reason, ticket_id),
    )
    ticket = find_ticket(raw, unit_id, ticket_id, tables)
    assert ticket is not None
    return ticket


# -- 查验 ---------------------------------------------------------------------------------
def _text(data: dict[str, Any], field: str, label: str) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "VALIDATION_ERROR", f"{label}应为文字，请核对。", {"field": field})
    return value.strip() or None


def parse_verify(data: dict[str, Any]) -> dict[str, str]:
    """The 查验 form: required fields present, the amount a money string; given optional ones."""
    form: dict[str, str] = {}
    for field, label in REQUIRED:
        value = _text(data, field, label)
        if value is None:
            raise ApiError(422, "VALIDATION_ERROR", f"请填写{label}。", {"field": field})
        form[field] = value
    if not MONEY.fullmatch(form["amount"]):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "金额合计应为金额（最多两位小数），请核对票面金额。",
            {"field": "amount"},
        )
    for field, label in OPTIONAL:
        value = _text(data, field, label)
        if value is not None:
            form[field] = value
    return form


def verify(raw: sqlite3.Connection, form: dict[str, str]) -> dict[str, Any]:
    """The ticket whose face equals every given field, or no match."""
    for ticket in ticket_by_number(raw, form["e_ticket_number"]):
        if all(_same(field, wanted, ticket) for field, wanted in form.items()):
            result = public(ticket)
            result.update(ticket_kind_name=TICKET_KIND_NAME, ticket_word_name=ticket["ticket_word"])
            return {"match": True, "result": result}
    return {"match": False, "message": NO_MATCH}


def _same(field: str, wanted: str, ticket: dict[str, Any]) -> bool:
    if field == "amount":
        return cents_of(wanted) == ticket["amount_fen"]
    if field == "check_code":  # printed in groups; the letters may be typed in lower case
        return wanted.replace(" ", "").upper() == str(ticket[field]).upper()
    return wanted == str(ticket[field]).strip()
