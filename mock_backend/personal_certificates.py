"""个人税收完税证明（非印刷） (manual §3.25, §3.26): what a 代收单位's resident paid themself
(城乡居民个人缴费, §3.21–§3.23), once 入库, on tickets with the resident as 纳税人 (证件号码 as
纳税人识别号). "该功能仅支持城乡居民自主缴纳社保费完成后，开具个人税收完税证明": what the agent paid is on
the agent's own tickets, what the resident paid only on theirs.

A resident's tickets are made when they are asked for (the query names the person), one per
resident × payment order × 税务机关, at most 10 rows, numbered like unit tickets. A paid order
row is on at most one live ticket; a voided ticket's rows get a new ticket at the next read, as
for unit tickets.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from mock_backend.arrears import PAID, levy_names
from mock_backend.bank_vouchers import tax_authority_code
from mock_backend.certificates import (
    NOT_ISSUED,
    PERSONAL_TABLES,
    PROVINCE_SHORT,
    ROWS_PER_TICKET,
    VOIDED,
    check_code,
    district,
    month_days,
    read_tickets,
    ticket_number,
)
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter

NOT_COLLECTOR = "个人税收完税证明（非印刷）仅代收单位可以开具，请在代收单位模块中办理。"
NAME_OR_NUMBER = "请输入姓名或证件号码。"
NOT_RESIDENT = "未查询到本代收单位的该城乡居民，请核对姓名、证件类型和证件号码。"
_LOCAL_DATE = "date(l.stored_due, 'unixepoch', '+8 hours')"  # server local time is UTC+8


@dataclass
class Resident:
    """One person of the agent (feed or listed 外部参保城乡居民), with every record id their fee
    lines may carry."""

    name: str
    id_type: str
    id_number: str
    person_ids: list[int] = field(default_factory=list)


def collector_region(raw: sqlite3.Connection, unit_id: str) -> tuple[str, str, str]:
    """(region, 区 code, unit name) of a 代收单位; 409 NOT_COLLECTOR for an employer."""
    kind, region, district_code, name = raw.execute(
        "SELECT kind, region, district, taxpayer_name FROM units WHERE unit_id = ?", (unit_id,)
    ).fetchone()
    if kind != "collector":
        raise ApiError(409, "NOT_COLLECTOR", NOT_COLLECTOR, {})
    return region, district_code, name


def find_residents(
    raw: sqlite3.Connection,
    unit_id: str,
    region: str,
    name: str | None,
    id_type: str | None,
    id_number: str | None,
) -> list[Resident]:
    """The agent's residents (removed ones too: their history counts) with the given 姓名,
    证件类型 and 证件号码 (each optional, 姓名 or 证件号码 required), ordered by 证件号码."""
    if not name and not id_number:
        raise ApiError(422, "VALIDATION_ERROR", NAME_OR_NUMBER, {"field": "id_number"})
    number = id_number.strip().upper() if id_number else None
    params = (name, name, id_type, id_type, number, number)
    filters = "(? IS NULL OR {p}name = ?) AND (? IS NULL OR {p}id_type = ?)" \
        " AND (? IS NULL OR upper({p}id_number) = ?)"  # fmt: skip
    found: dict[tuple[str, str, str], Resident] = {}
    for person_id, who, kind, numbered in raw.execute(
        "SELECT id, name, id_type, id_number FROM residents WHERE unit_id = ?"
        f" AND {filters.format(p='')} ORDER BY deleted, id",
        (unit_id, *params),
    ):
        key = (kind, numbered.upper(), who)
        found.setdefault(key, Resident(who, kind, numbered.upper())).person_ids.append(person_id)
    for person_id, who, kind, numbered in raw.execute(
        "SELECT g.id, g.name, g.id_type, g.id_number FROM unit_external_residents u"
        " JOIN external_registry g ON g.region = ? AND g.id_type = u.id_type"
        " AND g.id_number = u.id_number AND g.name = u.name"
        f" WHERE u.unit_id = ? AND {filters.format(p='g.')} ORDER BY g.id",
        (region, unit_id, *params),
    ):
        key = (kind, numbered.upper(), who)
        found.setdefault(key, Resident(who, kind, numbered.upper())).person_ids.append(person_id)
    return sorted(found.values(), key=lambda r: (r.id_number, r.id_type, r.name))


# -- making tickets ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Part:
    source: str  # "<order id>:<order row position>"
    line_id: str
    order_id: str  # the payment event
    voucher_number: str
    levy_item: str
    levy_category: str | None
    part: str
    pay_type: str
    tax_authority: str
    paid_at: str
    stored_on: str
    period_start: str
    period_end: str
    amount: int


# One person's self-paid parts (城乡居民个人缴费, §3.21–§3.23) that are 入库 and on no live
# personal ticket: the rows of their 支付成功 orders with the arrears line each payment settled.
_PARTS = (
    "SELECT r.order_id || ':' || r.position, l.line_id, r.order_id, l.voucher_number,"
    " l.levy_item, l.levy_category, l.part, l.pay_type, l.tax_authority, l.paid_at,"
    f" {_LOCAL_DATE}, printf('%04d-01', r.year), l.period_start, l.period_end, r.amount"
    " FROM personal_orders o JOIN personal_order_rows r ON r.order_id = o.order_id"
    " JOIN collect_lines l ON l.line_id = r.paid_line_id"
    " WHERE o.unit_id = ? AND o.id_type = ? AND upper(o.id_number) = ? AND o.state = ?"
    " AND l.unit_id = o.unit_id AND l.state = ? AND l.stored_due <= ?"
    " AND NOT EXISTS (SELECT 1 FROM personal_tax_ticket_rows t JOIN personal_tax_tickets h"
    " ON h.ticket_id = t.ticket_id WHERE t.source = r.order_id || ':' || r.position"
    " AND h.status != ?)"
)
ORDER_PAID = "支付成功"  # personal_payment_orders.PAID


def _row_period(year_month: str, line_start: str, line_end: str) -> tuple[str, str]:
    """A 城乡居民 row is a year on a line spanning the year; a monthly line is its month."""
    if line_start == line_end:
        return line_start, line_end
    return year_month, max(year_month, min(line_end, f"{year_month[:4]}-12"))


def _has_orders(raw: sqlite3.Connection) -> bool:
    return (
        raw.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'personal_order_rows'"
        ).fetchone()
        is not None
    )


def _unticketed(raw: sqlite3.Connection, unit_id: str, person: Resident, now: float) -> list[_Part]:
    if not _has_orders(raw):
        return []
    parts = []
    for row in raw.execute(
        _PARTS,
        (unit_id, person.id_type, person.id_number, ORDER_PAID, PAID, now, VOIDED),
    ):
        (source, line_id, order_id, voucher, levy, category, part, pay_type, authority,
         paid_at, stored_on, year_month, line_start, line_end, cents) = row  # fmt: skip
        if not cents:
            continue
        start, end = _row_period(year_month, line_start, line_end)
        parts.append(_Part(source, line_id, order_id, voucher, levy, category, part, pay_type,
                           authority, paid_at or "", stored_on, start, end, cents))  # fmt: skip
    return sorted(
        parts,
        key=lambda p: (p.period_start, p.levy_item, p.levy_category or "", p.part, p.source),
    )


def ensure_personal_tickets(
    raw: sqlite3.Connection, unit_id: str, person: Resident, now: float
) -> int:
    """Make the person's missing tickets (idempotent; call in a write transaction); how many."""
    parts = _unticketed(raw, unit_id, person, now)
    if not parts:
        return 0
    region, district_code, agent = collector_region(raw, unit_id)
    item_names, category_names = levy_names(raw, region)
    grouped: dict[tuple[str, str], list[_Part]] = {}
    for part in parts:
        grouped.setdefault((part.order_id, part.tax_authority), []).append(part)
    ordered = sorted(grouped.items(), key=lambda kv: (kv[1][0].paid_at, kv[0][0]))
    made = 0
    for (event, authority), group in ordered:
        for i in range(0, len(group), ROWS_PER_TICKET):
            chunk = group[i : i + ROWS_PER_TICKET]
            _make(raw, unit_id, event, authority, chunk, person,
                  (region, district_code, agent), (item_names, category_names), now)  # fmt: skip
            made += 1
    return made


def _make(
    raw: sqlite3.Connection,
    unit_id: str,
    event: str,
    authority: str,
    parts: list[_Part],
    person: Resident,
    agent: tuple[str, str, str],
    names: tuple[dict[str, str], dict[str, str]],
    now: float,
) -> None:
    region, district_code, agent_name = agent
    item_names, category_names = names
    stored_on = max(p.stored_on for p in parts)
    region_code, treasury = district(region, district_code, authority)
    serial = take_counter(raw, "personal_tax_ticket_serial", 1)
    number = ticket_number(raw, region_code, stored_on)
    cents = sum(p.amount for p in parts)
    kind = "正常申报" if all(p.pay_type == "正常" for p in parts) else "特殊缴费"
    ticket_id = f"GR{serial:010d}"
    raw.execute(
        "INSERT INTO personal_tax_tickets (ticket_id, unit_id, event, e_ticket_number,"
        " ticket_word, ticket_number, id_type, taxpayer_id, taxpayer_name, tax_authority_code,"
        " tax_authority_name, region_code, treasury_name, stored_on, period_start, period_end,"
        " amount, check_code, remark, status, print_count, made_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (ticket_id, unit_id, event, number,
         f"({stored_on[:4]}){PROVINCE_SHORT.get(region[:2], '')}税证", f"8{serial:09d}",
         person.id_type, person.id_number, person.name, tax_authority_code(authority, region),
         authority, region_code, treasury, stored_on, min(p.period_start for p in parts),
         max(p.period_end for p in parts), cents, check_code(number, person.id_number, cents),
         f"城乡居民{kind} 代收单位：{agent_name} 主管税务所(科、分局): {authority}",
         NOT_ISSUED, now),
    )  # fmt: skip
    raw.executemany(
        "INSERT INTO personal_tax_ticket_rows (ticket_id, position, source, line_id,"
        " original_voucher, tax_kind, item_name, period_start, period_end, stored_on, amount)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (ticket_id, position, p.source, p.line_id, p.voucher_number,
             item_names.get(p.levy_item, p.levy_item),
             f"{category_names.get(p.levy_category or '', p.levy_category or '')}({p.part})",
             *month_days(p.period_start, p.period_end), p.stored_on, p.amount)
            for position, p in enumerate(parts, 1)
        ],
    )  # fmt: skip


# -- reading -----------------------------------------------------------------------------
def missing(raw: sqlite3.Connection, unit_id: str, persons: list[Resident], now: float) -> bool:
    return any(_unticketed(raw, unit_id, person, now) for person in persons)


def person_tickets(
    raw: sqlite3.Connection,
    unit_id: str,
    persons: list[Resident],
    statuses: tuple[str, ...],
    period_from: str,
    period_to: str,
) -> list[dict[str, Any]]:
    """The persons' tickets in `statuses` whose 费款所属期 overlaps the range, person by person
    (in `persons` order), each by 入库日期 and 电子税票号码."""
    found: list[dict[str, Any]] = []
    marks = ", ".join("?" for _ in statuses)
    for person in persons:
        found += read_tickets(
            raw,
            f"unit_id = ? AND id_type = ? AND taxpayer_id = ? AND taxpayer_name = ?"
            f" AND status IN ({marks}) AND period_end >= ? AND period_start <= ?",
            [unit_id, person.id_type, person.id_number, person.name, *statuses, period_from,
             period_to],
            PERSONAL_TABLES,
        )  # fmt: skip
    return found
