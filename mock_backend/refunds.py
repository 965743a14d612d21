"""退费 applications, their only writer: the contract's checks in order, creation, steps, reads."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson

from mock_backend.arrears import UNIT_PART
from mock_backend.bank import masked
from mock_backend.bank_codes import bank_codes
from mock_backend.clock import CST, format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter
from mock_backend.fee_money import cents_of, text_of
from mock_backend.refund_rows import (
    ACCEPTED,
    APPROVED,
    FINAL,
    REFUNDED,
    REFUSED,
    REVIEWING,
    Holds,
    StoredLine,
    load_holds,
    parse_row_id,
    stored_lines,
    ticket_numbers,
    unit_region,
)
from mock_backend.region_rules import stored_rule

TICKET_METHOD = "税票退费"
PERSON_METHOD = "职工明细退费"
# Each step of an application happens `refund_delay_seconds` after the previous one, on the
# next read (server clock).
SETTINGS_KEY = "refund_settings"
DEFAULT_DELAY = 60.0
_MONEY = re.compile(r"\d{1,13}(\.\d{1,2})?")
_ACCOUNT_NUMBER = re.compile(r"\d{8,32}")


# -- settings ----------------------------------------------------------------------------
def load_delay(raw: sqlite3.Connection) -> float:
    row = raw.execute("SELECT value FROM meta WHERE key = ?", (SETTINGS_KEY,)).fetchone()
    return DEFAULT_DELAY if row is None else float(orjson.loads(row[0])["refund_delay_seconds"])


def update_settings(raw: sqlite3.Connection, delay: float | None) -> dict[str, float]:
    """The settings after changing the delay (None keeps it)."""
    value = load_delay(raw) if delay is None else float(delay)
    settings = {"refund_delay_seconds": value}
    raw.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SETTINGS_KEY, orjson.dumps(settings).decode()),
    )
    return settings


# -- applications ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Chosen:
    """A row of a new application, found among the refundable rows."""

    row_id: str
    line: StoredLine
    position: int | None
    e_ticket_number: str | None
    name: str | None
    id_number: str | None
    period_start: str
    period_end: str
    paid: int
    amount: int = 0


def _invalid(message: str, field_name: str) -> ApiError:
    return ApiError(422, "VALIDATION_ERROR", message, {"field": field_name})


def _table(raw: sqlite3.Connection, region: str, code: str) -> dict[str, str]:
    entries = stored_rule(raw, region, code).get("entries", [])
    return {str(e["code"]): str(e["name"]) for e in entries}


def refund_kind_name(raw: sqlite3.Connection, region: str, value: Any) -> str | None:
    """The 退费税金类型 name of a name or code of the refund_kinds table (None if neither)."""
    kinds = _table(raw, region, "refund_kinds")
    if not isinstance(value, str):
        return None
    return kinds.get(value) or (value if value in kinds.values() else None)


def _method(
    raw: sqlite3.Connection, region: str, data: Mapping[str, Any]
) -> tuple[str, str | None]:
    """退费方式 and, for 职工明细退费, its 退费税金类型 name."""
    method = data.get("method")
    if method not in (TICKET_METHOD, PERSON_METHOD):
        raise _invalid("退费方式应为“税票退费”或“职工明细退费”。", "method")
    if method == TICKET_METHOD:
        return method, None
    kind = refund_kind_name(raw, region, data.get("refund_kind"))
    if kind is None:
        raise _invalid("职工明细退费请从退费税金类型代码表中选择退费税金类型。", "refund_kind")
    return method, kind


def _row_requests(data: Mapping[str, Any], method: str) -> list[tuple[str, Any]]:
    rows = data.get("rows")
    if rows is None:
        rows = []
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and isinstance(r.get("row_id"), str) for r in rows
    ):
        raise _invalid("退费明细格式不正确，请重新勾选后提交。", "rows")
    prefix = "T-" if method == TICKET_METHOD else "P-"
    for row in rows:
        if not row["row_id"].startswith(prefix):
            raise _invalid(f"{method}只能勾选{method[:-2]}明细，请重新勾选后提交。", "rows")
    return [(r["row_id"], r.get("amount")) for r in rows]


def _find_rows(
    raw: sqlite3.Connection,
    unit_id: str,
    row_ids: list[str],
    tickets: Mapping[str, str],
    now: float,
) -> dict[str, Chosen]:
    """The chosen rows that are refundable (`tickets`: e_ticket_number of each line on a
    ticket not 已作废); a T- row must be on such a ticket."""
    parsed = {row_id: ids for row_id in row_ids if (ids := parse_row_id(row_id)) is not None}
    lines = stored_lines(raw, unit_id, now, (line_id for line_id, _ in parsed.values()))
    found: dict[str, Chosen] = {}
    for row_id, (line_id, position) in parsed.items():
        line = lines.get(line_id)
        if line is None:
            continue
        if position is None:
            if line_id in tickets:
                found[row_id] = Chosen(row_id, line, None, tickets[line_id], None, None,
                                       line.period_start, line.period_end, line.amount)  # fmt: skip
            continue
        person = raw.execute(
            "SELECT p.name, p.id_number, p.period, CASE l.part WHEN ? THEN p.unit_amount"
            " ELSE p.personal_amount END FROM collect_lines l JOIN fee_item_lines p"
            " ON p.item_id = l.item_id AND p.position = ? WHERE l.line_id = ?",
            (UNIT_PART, position, line_id),
        ).fetchone()
        if person is not None and person[3] > 0:
            found[row_id] = Chosen(row_id, line, position, tickets.get(line_id), person[0],
                                   person[1], person[2], person[2], person[3])  # fmt: skip
    return found


def _amount(row_id: str, value: Any) -> int:
    cents = cents_of(value) if isinstance(value, str) and _MONEY.fullmatch(value) else 0
    if cents <= 0:
        raise ApiError(
            422,
            "BAD_AMOUNT",
            "退费金额应大于0且最多两位小数。",
            {"row_id": row_id, "amount": value},
        )
    return cents


def _check_open(chosen: list[Chosen], holds: Holds) -> None:
    holders = [(c.row_id, holds.open_holder(c.line.line_id, c.position)) for c in chosen]
    first = next((h for _, h in holders if h is not None), None)
    if first is not None:
        raise ApiError(
            409,
            "ROWS_IN_OPEN_APPLICATION",
            f"所选明细已在退费申请{first[1]}中办理，不能重复申请。",
            {"row_ids": [r for r, h in holders if h == first], "refund_id": first[0]},
        )


def _check_refundable(chosen: list[Chosen], holds: Holds) -> None:
    """Each amount within the row's refundable, the rows of one line taken in turn."""
    taken = Holds(dict(holds.by_line), dict(holds.by_part))
    for row in chosen:
        line = row.line
        if row.position is None:
            left = taken.line_left(line.line_id, line.amount)
        else:
            left = taken.part_left(line.line_id, line.amount, row.position, row.paid)
        if row.amount > left:
            raise ApiError(
                422,
                "AMOUNT_EXCEEDS_PAID",
                f"退费金额不能超过该明细已缴纳且未退的金额{text_of(left)}元。",
                {"row_id": row.row_id, "refundable": text_of(left)},
            )
        taken.hold(line.line_id, row.position, row.amount)


def _account(raw: sqlite3.Connection, region: str, value: Any) -> tuple[str, str, str, str]:
    """(account_name, bank_code, bank_name, account_number) of the refund account."""
    account = value if isinstance(value, dict) else {}
    name, code, number = (account.get(k) for k in ("account_name", "bank_code", "account_number"))
    if not isinstance(name, str) or not name.strip():
        raise ApiError(422, "BAD_ACCOUNT", "请填写退费银行账户名称。", {"field": "account_name"})
    bank = bank_codes(raw, region).banks.get(code) if isinstance(code, str) else None
    if bank is None:
        raise ApiError(
            422, "BAD_ACCOUNT", "请从银行行别代码表中选择退费银行。", {"field": "bank_code"}
        )
    if not isinstance(number, str) or not _ACCOUNT_NUMBER.fullmatch(number):
        raise ApiError(
            422, "BAD_ACCOUNT", "退费银行账户应为8至32位数字。", {"field": "account_number"}
        )
    return name.strip(), bank.code, bank.name, number


def submit(
    raw: sqlite3.Connection,
    unit_id: str,
    data: Mapping[str, Any],
    stamp: float,
) -> dict[str, Any]:
    """A new application after the contract's checks in order, submitted at the server-clock
    timestamp `stamp`; the application."""
    region = unit_region(raw, unit_id)
    method, kind = _method(raw, region, data)
    requests = _row_requests(data, method)
    if not requests:
        raise ApiError(422, "NOTHING_SELECTED", "请先勾选需要退费的明细。")
    row_ids = [row_id for row_id, _ in requests]
    twice = next((r for i, r in enumerate(row_ids) if r in row_ids[:i]), None)
    if twice is not None:
        raise _invalid(f"明细{twice}被重复勾选，请重新勾选后提交。", "rows")
    tickets = ticket_numbers(raw, unit_id, stamp)
    found = _find_rows(raw, unit_id, row_ids, tickets, stamp)
    missing = next((r for r in row_ids if r not in found), None)
    if missing is not None:
        raise ApiError(
            404,
            "ROW_NOT_FOUND",
            f"没有找到可退费的明细{missing}，请重新查询后勾选。",
            {"row_id": missing},
        )
    chosen = [replace(found[r], amount=_amount(r, a)) for r, a in requests]
    holds = load_holds(raw, unit_id)
    _check_open(chosen, holds)
    _check_refundable(chosen, holds)
    account_name, bank_code, bank_name, account_number = _account(raw, region, data.get("account"))
    reasons = _table(raw, region, "refund_reasons")
    reason_code = data.get("reason_code")
    if reason_code not in reasons:
        raise _invalid("请从退费原因代码表中选择退费原因。", "reason_code")
    statement = data.get("statement")
    statement = statement.strip() if isinstance(statement, str) else ""
    if not 1 <= len(statement) <= 200:
        raise _invalid("退费申请理由应为1至200个字。", "statement")
    now = datetime.fromtimestamp(stamp, CST).replace(microsecond=0)
    refund_id = f"TF{take_counter(raw, 'refund_serial', 1):010d}"
    day = f"{now:%Y%m%d}"
    number = f"TF{region}{day}{take_counter(raw, f'refund_application:{region}:{day}', 1):04d}"
    at = format_datetime(now)
    raw.execute(
        "INSERT INTO refund_applications (refund_id, unit_id, application_number, method,"
        " refund_kind, submitted_at, status, amount, reason_code, reason_name, statement,"
        " account_name, bank_code, bank_name, account_number, history, due_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (refund_id, unit_id, number, method, kind, at, ACCEPTED, sum(c.amount for c in chosen),
         reason_code, reasons[reason_code], statement, account_name, bank_code, bank_name,
         account_number, orjson.dumps([{"status": ACCEPTED, "at": at}]).decode(),
         now.timestamp() + load_delay(raw)),
    )  # fmt: skip
    raw.executemany(
        "INSERT INTO refund_rows (refund_id, position, row_id, line_id, person_position,"
        " e_ticket_number, name, id_number, levy_item_name, levy_category_name, period_start,"
        " period_end, paid, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(refund_id, n, c.row_id, c.line.line_id, c.position, c.e_ticket_number, c.name,
          c.id_number, c.line.levy_item_name, c.line.levy_category_name, c.period_start,
          c.period_end, c.paid, c.amount) for n, c in enumerate(chosen, 1)],
    )  # fmt: skip
    return one_application(raw, unit_id, refund_id)


# -- reading -----------------------------------------------------------------------------
_APPLICATION_FIELDS = (
    "refund_id", "application_number", "method", "refund_kind", "submitted_at", "status",
    "amount", "reason_code", "reason_name", "statement", "account_name", "bank_code",
    "bank_name", "account_number", "decision_reason", "refunded_on", "history",
)  # fmt: skip
_ROW_FIELDS = ("row_id", "e_ticket_number", "name", "id_number", "levy_item_name",
               "levy_category_name", "period_start", "period_end", "paid", "amount")  # fmt: skip


def _applications(raw: sqlite3.Connection, unit_id: str, where: str, params: tuple[Any, ...]
                  ) -> list[dict[str, Any]]:  # fmt: skip
    found = []
    for row in raw.execute(
        f"SELECT {', '.join(_APPLICATION_FIELDS)} FROM refund_applications"
        f" WHERE unit_id = ? AND {where} ORDER BY submitted_at DESC, refund_id DESC",
        (unit_id, *params),
    ):
        answer = dict(zip(_APPLICATION_FIELDS, row, strict=True))
        answer["amount"] = text_of(answer["amount"])
        answer["account_masked"] = masked(answer.pop("account_number"))
        answer["history"] = orjson.loads(answer["history"])
        found.append(answer)
    ids = orjson.dumps([a["refund_id"] for a in found]).decode()
    rows: dict[str, list[dict[str, Any]]] = {}
    for refund_id, *values in raw.execute(
        f"SELECT refund_id, {', '.join(_ROW_FIELDS)} FROM refund_rows"
        " WHERE refund_id IN (SELECT value FROM json_each(?)) ORDER BY refund_id, position",
        (ids,),
    ):
        row = dict(zip(_ROW_FIELDS, values, strict=True))
        row["paid"], row["amount"] = text_of(row["paid"]), text_of(row["amount"])
        rows.setdefault(refund_id, []).append(row)
    return [{**a, "rows": rows.get(a["refund_id"], [])} for a in found]


def list_applications(raw: sqlite3.Connection, unit_id: str) -> list[dict[str, Any]]:
    """The unit's applications, newest first."""
    return _applications(raw, unit_id, "1", ())


def one_application(raw: sqlite3.Connection, unit_id: str, refund_id: str) -> dict[str, Any]:
    found = _applications(raw, unit_id, "refund_id = ?", (refund_id,))
    if not found:
        raise ApiError(
            404,
            "REFUND_NOT_FOUND",
            f"没有找到本单位的退费申请{refund_id}，请刷新退费申请记录后重试。",
            {"refund_id": refund_id},
        )
    return found[0]


# -- the 征收子系统's handling -------------------------------------------------------------
def _next(status: str, approve: bool | None) -> str:
    if status == ACCEPTED:
        return REVIEWING
    if status == REVIEWING:
        return REFUSED if approve is False else APPROVED
    return REFUNDED


def advance(raw: sqlite3.Connection, unit_id: str, now: float, force: bool = False) -> int:
    """Every step of the unit's applications due by `now` happens (at its due moment); with
    `force` the remaining ones too (at `now`). Returns how many applications moved."""
    delay = load_delay(raw)
    pending = raw.execute(
        "SELECT refund_id, status, due_at, approve, pending_reason, history"
        " FROM refund_applications WHERE unit_id = ? AND due_at IS NOT NULL"
        " AND (? OR due_at <= ?) ORDER BY due_at, refund_id",
        (unit_id, force, now),
    ).fetchall()
    for refund_id, status, due_at, approve, pending_reason, history_text in pending:
        history = orjson.loads(history_text)
        decision_reason = refunded_on = None
        while status not in FINAL and (force or due_at <= now):
            at = datetime.fromtimestamp(min(due_at, now), CST)
            status = _next(status, None if approve is None else bool(approve))
            history.append({"status": status, "at": format_datetime(at)})
            if status == REFUSED:
                decision_reason = pending_reason
            if status == REFUNDED:
                refunded_on = f"{at:%Y-%m-%d}"
            due_at += delay
        raw.execute(
            "UPDATE refund_applications SET status = ?, history = ?, due_at = ?,"
            " decision_reason = COALESCE(?, decision_reason),"
            " refunded_on = COALESCE(?, refunded_on) WHERE refund_id = ?",
            (status, orjson.dumps(history).decode(), None if status in FINAL else due_at,
             decision_reason, refunded_on, refund_id),
        )  # fmt: skip
    return len(pending)


def decide(
    raw: sqlite3.Connection, unit_id: str, refund_id: str, approve: bool, reason: str | None
) -> dict[str, Any]:
    """Admin: the outcome of 审核 (applied when 审核中 ends); the application."""
    current = one_application(raw, unit_id, refund_id)
    if current["status"] not in (ACCEPTED, REVIEWING):
        raise ApiError(
            409,
            "REFUND_DECIDED",
            f"该退费申请已{current['status']}，不能再作审核决定。",
            {"status": current["status"]},
        )
    reason = reason.strip() if reason else None
    if not approve and not reason:
        raise ApiError(422, "VALIDATION_ERROR", "不予退费时请填写原因。", {"field": "reason"})
    raw.execute(
        "UPDATE refund_applications SET approve = ?, pending_reason = ? WHERE refund_id = ?",
        (approve, None if approve else reason, refund_id),
    )
    return current
