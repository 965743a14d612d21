"""Refundable 税票 and 职工明细 rows less what applications hold, for both queries and checks."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from mock_backend.arrears import PAID, UNIT_PART, levy_names
from mock_backend.certificates import ensure_tickets, ticket_rows
from mock_backend.fee_money import text_of

# An application's statuses (refunds.advance moves it along them). One not 不予退费 holds its
# amounts; one not yet final also blocks its rows (and a T- row's P- rows, and the other way
# round) from a second application.
ACCEPTED = "已受理"
REVIEWING = "审核中"
APPROVED = "审核通过"
REFUNDED = "已退库"
REFUSED = "不予退费"
FINAL = (REFUNDED, REFUSED)
CONSISTENT = "一致"
CHANGED = "申报明细已变更"
PERSON_FIELDS = ["row_id", "name", "id_type", "id_number", "levy_item_name",
                 "levy_category_name", "period", "paid", "refundable"]  # fmt: skip
# A ticket row `T-{line_id}` is a whole 入库 line, a person row `P-{line_id}-{position}` one
# person line of the line's item (its 单位 or 个人 part).
_PERSON_ROW = re.compile(r"P-(QF\d{10})-([1-9]\d{0,8})")
_TICKET_ROW = re.compile(r"T-(QF\d{10})")


def parse_row_id(row_id: str) -> tuple[str, int | None] | None:
    """(line_id, person position or None for a T- row) of a row id; None if it is neither."""
    match = _TICKET_ROW.fullmatch(row_id) or _PERSON_ROW.fullmatch(row_id)
    if match is None:
        return None
    return match.group(1), int(match.group(2)) if row_id[0] == "P" else None


# -- what applications hold --------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoredLine:
    """An 入库 line: its amount, names and whether its declaration was voided since."""

    line_id: str
    levy_item_name: str
    levy_category_name: str
    period_start: str
    period_end: str
    amount: int
    voided: bool


@dataclass
class Holds:
    """Amounts held by applications not 不予退费, and the rows of those not yet final."""

    by_line: dict[str, int] = field(default_factory=dict)  # T- and P- rows of the line
    by_part: dict[tuple[str, int], int] = field(default_factory=dict)  # P- rows
    open_rows: list[tuple[str, str, str, int | None]] = field(default_factory=list)

    def hold(self, line_id: str, position: int | None, cents: int) -> None:
        self.by_line[line_id] = self.by_line.get(line_id, 0) + cents
        if position is not None:
            self.by_part[(line_id, position)] = self.by_part.get((line_id, position), 0) + cents

    def line_left(self, line_id: str, amount: int) -> int:
        return max(0, amount - self.by_line.get(line_id, 0))

    def part_left(self, line_id: str, line_amount: int, position: int, paid: int) -> int:
        part = paid - self.by_part.get((line_id, position), 0)
        return max(0, min(part, self.line_left(line_id, line_amount)))

    def open_holder(self, line_id: str, position: int | None) -> tuple[str, str] | None:
        """(refund_id, application_number) of the first open application blocking the row."""
        for refund_id, number, held_line, held_position in self.open_rows:
            if held_line == line_id and (
                position is None or held_position is None or held_position == position
            ):
                return refund_id, number
        return None


def load_holds(raw: sqlite3.Connection, unit_id: str) -> Holds:
    holds = Holds()
    for refund_id, number, status, line_id, position, cents in raw.execute(
        "SELECT a.refund_id, a.application_number, a.status, r.line_id, r.person_position,"
        " r.amount FROM refund_applications a JOIN refund_rows r ON r.refund_id = a.refund_id"
        " WHERE a.unit_id = ? AND a.status != ? ORDER BY a.submitted_at, a.refund_id, r.position",
        (unit_id, REFUSED),
    ):
        holds.hold(line_id, position, cents)
        if status not in FINAL:
            holds.open_rows.append((refund_id, number, line_id, position))
    return holds


def category_name(categories: Mapping[str, str], category: str | None, part: str) -> str:
    """品目名称 as on tickets: the 征收品目 name with its part."""
    return f"{categories.get(category or '', category or '')}({part})"


def unit_region(raw: sqlite3.Connection, unit_id: str) -> str:
    return str(raw.execute("SELECT region FROM units WHERE unit_id = ?", (unit_id,)).fetchone()[0])


def stored_lines(
    raw: sqlite3.Connection, unit_id: str, now: float, line_ids: Iterable[str]
) -> dict[str, StoredLine]:
    """The unit's 入库 lines among `line_ids`, by id."""
    items, categories = levy_names(raw, unit_region(raw, unit_id))
    ids = orjson.dumps(sorted(set(line_ids))).decode()
    return {
        row[0]: StoredLine(
            row[0],
            items.get(row[1], row[1]),
            category_name(categories, row[2], row[3]),
            row[4],
            row[5],
            row[6],
            row[7] == "已作废",
        )
        for row in raw.execute(
            "SELECT l.line_id, l.levy_item, l.levy_category, l.part, l.period_start,"
            " l.period_end, l.amount, d.status FROM collect_lines l"
            " JOIN fee_declarations d ON d.declaration_id = l.declaration_id"
            " WHERE l.unit_id = ? AND l.state = ? AND l.stored_due <= ?"
            " AND l.line_id IN (SELECT value FROM json_each(?))",
            (unit_id, PAID, now, ids),
        )
    }


# -- refundable rows ---------------------------------------------------------------------
def ticket_refund_rows(
    raw: sqlite3.Connection, unit_id: str, tickets: list[dict[str, Any]], now: float
) -> list[dict[str, Any]]:
    """The tickets (from certificates.ticket_rows) with each row's refund columns."""
    lines = stored_lines(raw, unit_id, now, (r["line_id"] for t in tickets for r in t["rows"]))
    holds = load_holds(raw, unit_id)
    answer = []
    for ticket in tickets:
        rows = []
        for row in ticket["rows"]:
            shown = {k: v for k, v in row.items() if k != "amount_fen"}
            line = lines.get(row["line_id"])
            amount = row["amount_fen"] if line is None else line.amount
            voided = line is not None and line.voided
            rows.append(
                {**shown, "row_id": f"T-{row['line_id']}",
                 "refundable": text_of(holds.line_left(row["line_id"], amount)),
                 "declared": text_of(0 if voided else amount),
                 "check": CHANGED if voided else CONSISTENT}
            )  # fmt: skip
        shown_ticket = {k: v for k, v in ticket.items() if k != "amount_fen"}
        answer.append({**shown_ticket, "rows": rows})
    return answer


def refundable_tickets(
    raw: sqlite3.Connection,
    unit_id: str,
    period_from: str,
    period_to: str,
    e_ticket_number: str | None,
    now: float,
) -> list[dict[str, Any]]:
    """税票退费: the tickets not 已作废 overlapping the range, their rows with refund columns
    (tickets of lines 入库 since are made first, so call it in a write transaction)."""
    ensure_tickets(raw, unit_id, now)
    tickets = ticket_rows(raw, unit_id, period_from, period_to, e_ticket_number or None)
    return ticket_refund_rows(raw, unit_id, tickets, now)


def ticket_numbers(raw: sqlite3.Connection, unit_id: str, now: float) -> dict[str, str]:
    """The 电子税票号码 of every line on a ticket not 已作废 (made first if missing)."""
    ensure_tickets(raw, unit_id, now)
    return {
        row["line_id"]: ticket["e_ticket_number"]
        for ticket in ticket_rows(raw, unit_id, None, None)
        for row in ticket["rows"]
    }


@dataclass(frozen=True, slots=True)
class PersonFilter:
    period_from: str
    period_to: str
    name: str | None = None  # part of the name
    id_type: str | None = None  # 证件类型 code, as in the feeds
    id_number: str | None = None


def person_rows(
    raw: sqlite3.Connection, unit_id: str, wanted: PersonFilter, now: float
) -> list[list[Any]]:
    """职工明细退费: one row per person × month × 入库 part, by month, line and position."""
    items, categories = levy_names(raw, unit_region(raw, unit_id))
    holds = load_holds(raw, unit_id)
    name, id_type, id_number = (v or None for v in (wanted.name, wanted.id_type, wanted.id_number))
    rows = raw.execute(
        "SELECT l.line_id, p.position, p.name, p.id_type, p.id_number, l.levy_item,"
        " l.levy_category, l.part, p.period, l.amount,"
        " CASE l.part WHEN ? THEN p.unit_amount ELSE p.personal_amount END AS paid"
        " FROM collect_lines l JOIN fee_item_lines p ON p.item_id = l.item_id"
        " WHERE l.unit_id = ? AND l.state = ? AND l.stored_due <= ?"
        " AND p.period BETWEEN ? AND ? AND paid > 0 AND (? IS NULL OR instr(p.name, ?) > 0)"
        " AND (? IS NULL OR p.id_type = ?) AND (? IS NULL OR p.id_number = ?)"
        " ORDER BY p.period, l.unit_number, l.levy_item, l.levy_category, l.part, p.position",
        (UNIT_PART, unit_id, PAID, now, wanted.period_from, wanted.period_to, name, name,
         id_type, id_type, id_number, id_number),
    )  # fmt: skip
    return [
        [f"P-{line_id}-{position}", person, type_code, number, items.get(levy, levy),
         category_name(categories, category, part), period, text_of(paid),
         text_of(holds.part_left(line_id, amount, position, paid))]
        for line_id, position, person, type_code, number, levy, category, part, period, amount,
        paid in rows
    ]  # fmt: skip
