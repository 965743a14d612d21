"""税收完税证明（非印刷） tickets (manual §2.14–§2.15): the 征收子系统 books 入库 lines as tickets,
one per payment event (a deduction, a paid bank-counter voucher, a 批量扣款) × 税务机关, in
chunks of at most 10 rows; a ticket is 未开具 until 开具, then 补开 counts its prints, and the
admin may void it (its lines then get a new ticket at the next read).

`ensure_tickets` and `ticket_rows` are also what 退费 builds on (税票退费 rows are ticket rows).
"""

from __future__ import annotations

import calendar
import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection

from mock_backend.amount_words import amount_in_words
from mock_backend.arrears import PAID, levy_names
from mock_backend.bank_vouchers import tax_authority_code
from mock_backend.clock import ServerClock
from mock_backend.db import driver
from mock_backend.fee_items import take_counter
from mock_backend.fee_money import text_of
from mock_backend.seed.geography import REGION_BY_CODE

NOT_ISSUED = "未开具"
ISSUED = "已开具"
VOIDED = "已作废"
TICKET_KIND = "税收完税证明（非印刷）"
TICKET_KIND_NAME = "税收完税证明"
ISSUER = "单位社保费管理客户端"
ROWS_PER_TICKET = 10
SELF_PAID = "个人缴费"  # lines a resident paid themself: on their 个人税收完税证明, not the agent's
PROVINCE_SHORT = {"44": "粤", "33": "浙", "51": "川"}
_CHECK_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, no 0/O or 1/I

TICKET_FIELDS = [
    "ticket_id", "e_ticket_number", "ticket_kind", "ticket_word", "ticket_number",
    "taxpayer_id", "taxpayer_name", "tax_authority_code", "tax_authority_name", "region_code",
    "treasury_name", "stored_on", "period_start", "period_end", "amount", "amount_in_words",
    "status", "issued_on", "issuer", "print_count", "check_code", "remark", "voided_by",
    "voided_on", "void_reason",
]  # fmt: skip
ROW_FIELDS = [
    "line_id", "original_voucher", "tax_kind", "item_name", "period_start", "period_end",
    "stored_on", "amount",
]  # fmt: skip
_HEAD_COLUMNS = [f for f in TICKET_FIELDS if f not in ("ticket_kind", "amount_in_words")]
_LOCAL_DATE = "date(l.stored_due, 'unixepoch', '+8 hours')"  # server local time is UTC+8

# The server clock of the running app, for callers that do not pass `now`.
_clock = ServerClock()


def use_clock(clock: ServerClock) -> None:
    """Make `clock` the time of `ensure_tickets` calls without `now` (the app's clock)."""
    global _clock
    _clock = clock


def _raw(conn: Connection | sqlite3.Connection) -> sqlite3.Connection:
    return conn if isinstance(conn, sqlite3.Connection) else driver(conn)


# -- making tickets ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Stored:
    line_id: str
    declaration_id: str
    voucher_number: str
    levy_item: str
    levy_category: str | None
    part: str
    period_start: str
    period_end: str
    pay_type: str
    amount: int
    tax_authority: str
    paid_at: str
    stored_on: str


def _unticketed(raw: sqlite3.Connection, unit_id: str, now: float) -> list[_Stored]:
    """The unit's 入库 lines that no live (not voided) ticket holds, in arrears order; lines a
    resident paid themself (城乡居民个人缴费) are on the resident's personal tickets instead."""
    return [
        _Stored(*row)
        for row in raw.execute(
            "SELECT l.line_id, l.declaration_id, l.voucher_number, l.levy_item, l.levy_category,"
            f" l.part, l.period_start, l.period_end, l.pay_type, l.amount, l.tax_authority,"
            f" l.paid_at, {_LOCAL_DATE} FROM collect_lines l"
            " WHERE l.unit_id = ? AND l.state = ? AND l.stored_due <= ?"
            " AND coalesce(l.paid_channel, '') != ?"
            " AND NOT EXISTS (SELECT 1 FROM tax_ticket_rows r JOIN tax_tickets t"
            " ON t.ticket_id = r.ticket_id WHERE r.line_id = l.line_id AND t.status != ?)"
            " ORDER BY l.period_start, l.unit_number, l.levy_item, l.levy_category, l.part,"
            " l.line_id",
            (unit_id, PAID, now, SELF_PAID, VOIDED),
        )
    ]


def payment_events(
    raw: sqlite3.Connection, unit_id: str, lines: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """The payment event of each (line_id, declaration_id): the successful deduction holding
    it, else the paid voucher holding it, else its declaration (lines paid before deductions
    were recorded). Personal tickets group a resident's lines by the same events."""
    wanted = orjson.dumps([line_id for line_id, _ in lines]).decode()
    event: dict[str, str] = {}
    for event_id, line_id in raw.execute(
        "SELECT v.voucher_id, vl.line_id FROM bank_vouchers v JOIN bank_voucher_lines vl"
        " ON vl.voucher_id = v.voucher_id WHERE v.unit_id = ? AND v.status = '已缴款'"
        " AND vl.line_id IN (SELECT value FROM json_each(?))",
        (unit_id, wanted),
    ):
        event[line_id] = event_id
    for event_id, line_id in raw.execute(
        "SELECT d.deduction_id, j.value FROM collect_deductions d, json_each(d.line_ids) j"
        " WHERE d.unit_id = ? AND d.status = '缴费成功'"
        " AND j.value IN (SELECT value FROM json_each(?))",
        (unit_id, wanted),
    ):
        event[line_id] = event_id
    return {line_id: event.get(line_id, declaration) for line_id, declaration in lines}


def _groups(lines: Sequence[_Stored], events: dict[str, str]) -> list[list[_Stored]]:
    """Lines per payment event × 税务机关 (events by payment time, then id; groups in line
    order), cut into chunks of at most ROWS_PER_TICKET."""
    by_key: dict[tuple[str, str], list[_Stored]] = {}
    for line in lines:
        by_key.setdefault((events[line.line_id], line.tax_authority), []).append(line)
    ordered = sorted(by_key.items(), key=lambda kv: (kv[1][0].paid_at, kv[0][0]))
    return [
        group[i : i + ROWS_PER_TICKET]
        for _, group in ordered
        for i in range(0, len(group), ROWS_PER_TICKET)
    ]


def ticket_number(raw: sqlite3.Connection, region_code: str, stored_on: str) -> str:
    """电子税票号码: 3 + 区 code + yymm of 入库 + a counter of that district and month (shared
    by unit and personal tickets, so a number names one ticket)."""
    yymm = stored_on[2:4] + stored_on[5:7]
    return f"3{region_code}{yymm}{take_counter(raw, f'e_ticket:{region_code}{yymm}', 1):07d}"


def check_code(e_ticket_number: str, taxpayer_id: str, cents: int) -> str:
    """校验码: 16 symbols in groups of 4, a digest of the ticket's number, taxpayer and amount."""
    digest = hashlib.sha256(f"{e_ticket_number}|{taxpayer_id}|{cents}".encode()).digest()
    symbols = "".join(_CHECK_ALPHABET[b % 32] for b in digest[:16])
    return "-".join(symbols[i : i + 4] for i in range(0, 16, 4))


def district(region: str, fallback: str, authority: str) -> tuple[str, str]:
    """(区 code, 收款国库) of the tax authority's district."""
    place = REGION_BY_CODE.get(region)
    if place is None:
        return fallback, "国家金库"
    district = next(
        (d for d in place.districts if place.tax_authority(d) == authority),
        next((d for d in place.districts if d.code == fallback), place.districts[0]),
    )
    return district.code, f"国家金库{place.name}{district.name}支库"


def month_days(start: str, end: str) -> tuple[str, str]:
    """税款所属时期 in whole days: the first day of `start`'s month to the last of `end`'s."""
    year, month = int(end[:4]), int(end[5:7])
    return f"{start}-01", f"{end}-{calendar.monthrange(year, month)[1]:02d}"


def _make(
    raw: sqlite3.Connection,
    unit_id: str,
    event: str,
    lines: list[_Stored],
    names: tuple[dict[str, str], dict[str, str]],
    unit: tuple[str, str, str, str],
    now: float,
) -> None:
    taxpayer_id, taxpayer_name, region, district_code = unit
    item_names, category_names = names
    authority = lines[0].tax_authority
    stored_on = max(line.stored_on for line in lines)
    region_code, treasury = district(region, district_code, authority)
    serial = take_counter(raw, "tax_ticket_serial", 1)
    number = ticket_number(raw, region_code, stored_on)
    cents = sum(line.amount for line in lines)
    kind = "正常申报" if all(line.pay_type == "正常" for line in lines) else "特殊缴费"
    ticket_id = f"WS{serial:010d}"
    raw.execute(
        "INSERT INTO tax_tickets (ticket_id, unit_id, event, e_ticket_number, ticket_word,"
        " ticket_number, taxpayer_id, taxpayer_name, tax_authority_code, tax_authority_name,"
        " region_code, treasury_name, stored_on, period_start, period_end, amount, check_code,"
        " remark, status, print_count, made_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (ticket_id, unit_id, event, number,
         f"({stored_on[:4]}){PROVINCE_SHORT.get(region[:2], '')}税证", f"{serial:010d}",
         taxpayer_id, taxpayer_name, tax_authority_code(authority, region), authority,
         region_code, treasury, stored_on, min(line.period_start for line in lines),
         max(line.period_end for line in lines), cents,
         check_code(number, taxpayer_id, cents), f"{kind} 主管税务所(科、分局): {authority}",
         NOT_ISSUED, now),
    )  # fmt: skip
    raw.executemany(
        "INSERT INTO tax_ticket_rows (ticket_id, position, line_id, original_voucher, tax_kind,"
        " item_name, period_start, period_end, stored_on, amount)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (ticket_id, position, line.line_id, line.voucher_number,
             item_names.get(line.levy_item, line.levy_item),
             f"{category_names.get(line.levy_category or '', line.levy_category or '')}"
             f"({line.part})",
             *month_days(line.period_start, line.period_end), line.stored_on, line.amount)
            for position, line in enumerate(lines, 1)
        ],
    )  # fmt: skip


def missing_tickets(
    conn: Connection | sqlite3.Connection, unit_id: str, now: float | None = None
) -> bool:
    """Whether some 入库 line of the unit has no live ticket yet (a read, to skip the write)."""
    raw = _raw(conn)
    stamp = _clock.timestamp() if now is None else now
    return bool(_unticketed(raw, unit_id, stamp))


def ensure_tickets(
    conn: Connection | sqlite3.Connection, unit_id: str, now: float | None = None
) -> None:
    """Make every missing ticket of the unit's 入库 lines (idempotent; writes, so call it in a
    write transaction). `now` is the server-clock timestamp deciding 入库 (default: the app's
    clock, see `use_clock`)."""
    raw = _raw(conn)
    stamp = _clock.timestamp() if now is None else now
    lines = _unticketed(raw, unit_id, stamp)
    if not lines:
        return
    unit = raw.execute(
        "SELECT taxpayer_id, taxpayer_name, region, district FROM units WHERE unit_id = ?",
        (unit_id,),
    ).fetchone()
    names = levy_names(raw, unit[2])
    events = payment_events(raw, unit_id, [(line.line_id, line.declaration_id) for line in lines])
    for group in _groups(lines, events):
        _make(raw, unit_id, events[group[0].line_id], group, names, tuple(unit), stamp)


# -- reading -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketTables:
    """Where tickets of one kind are kept: unit tickets, or personal ones (which add the
    person's 证件类型 to the head)."""

    heads: str
    rows: str
    extra: tuple[str, ...] = ()
    issue_page: str = "税收完税证明（非印刷）开具"
    reissue_page: str = "税收完税证明（非印刷）补开"


UNIT_TABLES = TicketTables("tax_tickets", "tax_ticket_rows")
PERSONAL_TABLES = TicketTables(
    "personal_tax_tickets",
    "personal_tax_ticket_rows",
    ("id_type",),
    "个人税收完税证明（非印刷）开具",
    "个人税收完税证明（非印刷）补开",
)


def read_tickets(
    raw: sqlite3.Connection, where: str, params: Sequence[Any], tables: TicketTables = UNIT_TABLES
) -> list[dict[str, Any]]:
    """Tickets of `tables` matching `where`, each with its rows; amounts as strings plus
    `amount_fen` (int)."""
    columns = [*_HEAD_COLUMNS, *tables.extra]
    heads = raw.execute(
        f"SELECT {', '.join(columns)} FROM {tables.heads} WHERE {where}"
        " ORDER BY stored_on, e_ticket_number",
        tuple(params),
    ).fetchall()
    if not heads:
        return []
    ids = orjson.dumps([head[0] for head in heads]).decode()
    rows: dict[str, list[dict[str, Any]]] = {}
    for ticket_id, *values in raw.execute(
        f"SELECT ticket_id, {', '.join(ROW_FIELDS)} FROM {tables.rows}"
        " WHERE ticket_id IN (SELECT value FROM json_each(?)) ORDER BY ticket_id, position",
        (ids,),
    ):
        row = dict(zip(ROW_FIELDS, values, strict=True))
        row["amount_fen"] = row["amount"]
        row["amount"] = text_of(row["amount"])
        rows.setdefault(ticket_id, []).append(row)
    tickets = []
    for head in heads:
        ticket: dict[str, Any] = dict(zip(columns, head, strict=True))
        cents = ticket["amount"]
        ticket.update(
            ticket_kind=TICKET_KIND, amount=text_of(cents), amount_in_words=amount_in_words(cents)
        )
        ticket = {field: ticket[field] for field in (*TICKET_FIELDS, *tables.extra)}
        ticket["amount_fen"] = cents
        ticket["rows"] = rows.get(ticket["ticket_id"], [])
        tickets.append(ticket)
    return tickets


def _period_where(period_from: str | None, period_to: str | None) -> tuple[str, list[Any]]:
    return (
        "(? IS NULL OR period_end >= ?) AND (? IS NULL OR period_start <= ?)",
        [period_from, period_from, period_to, period_to],
    )


def ticket_rows(
    conn: Connection | sqlite3.Connection,
    unit_id: str,
    period_from: str | None,
    period_to: str | None,
    e_ticket_number: str | None = None,
) -> list[dict[str, Any]]:
    """The unit's tickets that are not 已作废 whose 费款所属期 overlaps the range (and with that
    电子税票号码, if given), each with its rows; amounts as strings plus `amount_fen` (int)."""
    where, params = _period_where(period_from, period_to)
    return read_tickets(
        _raw(conn),
        f"unit_id = ? AND status != ? AND {where} AND (? IS NULL OR e_ticket_number = ?)",
        [unit_id, VOIDED, *params, e_ticket_number, e_ticket_number],
    )


def list_tickets(
    conn: Connection | sqlite3.Connection,
    unit_id: str,
    statuses: Iterable[str],
    period_from: str,
    period_to: str,
) -> list[dict[str, Any]]:
    """The unit's tickets in `statuses` whose 费款所属期 overlaps the range."""
    where, params = _period_where(period_from, period_to)
    wanted = orjson.dumps(list(statuses)).decode()
    return read_tickets(
        _raw(conn),
        f"unit_id = ? AND status IN (SELECT value FROM json_each(?)) AND {where}",
        [unit_id, wanted, *params],
    )


def find_ticket(
    conn: Connection | sqlite3.Connection,
    unit_id: str,
    ticket_id: str,
    tables: TicketTables = UNIT_TABLES,
) -> dict[str, Any] | None:
    found = read_tickets(_raw(conn), "unit_id = ? AND ticket_id = ?", [unit_id, ticket_id], tables)
    return found[0] if found else None


def ticket_by_number(
    conn: Connection | sqlite3.Connection, e_ticket_number: str
) -> list[dict[str, Any]]:
    """Tickets of any unit or resident with this 电子税票号码 (one, unless the number is
    unknown): unit tickets first, then personal ones."""
    raw = _raw(conn)
    return [
        *read_tickets(raw, "e_ticket_number = ?", [e_ticket_number]),
        *read_tickets(raw, "e_ticket_number = ?", [e_ticket_number], PERSONAL_TABLES),
    ]
