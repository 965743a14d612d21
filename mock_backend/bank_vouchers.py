"""银行端查询缴税凭证 (manual §2.11–§2.12): a voucher the payer takes to a bank counter, payable
until its 税款缴款日期; printing another for the same arrears voids the earlier one (FAQ Q28)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import orjson

from mock_backend import arrears
from mock_backend.arrears import VOUCHER_CHANNEL, Line, levy_names, mark_paid, void_covering
from mock_backend.bank import load_settings
from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter
from mock_backend.fee_money import text_of
from mock_backend.fee_store import money
from mock_backend.seed.geography import REGION_BY_CODE

UNPAID = "未缴款"
PAID = "已缴款"
VOIDED = "已作废"
CLIENT = "客户端"
REISSUED = "重新开具凭证，原凭证已作废"
BY_PAYER = "缴费人作废"
PAYMENT_DAYS = 7
PAYER_ACCOUNT = re.compile(r"\d{8,32}")

_FIELDS = [
    "voucher_id", "serial", "channel", "issued_at", "deadline", "taxpayer_id", "taxpayer_name",
    "tax_authority_code", "tax_authority_name", "payer", "summary", "amount", "status",
    "void_reason", "paid_at", "voided_serials",
]  # fmt: skip
_SELECT = ", ".join(money(f) if f == "amount" else f for f in _FIELDS)


def parse_payer(value: Any) -> dict[str, str] | None:
    """付款人 of the voucher: null (left empty, FAQ Q25) or all three fields."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str) for k in ("name", "account", "bank_name")
    ):
        raise ApiError(
            422,
            "BAD_PAYER",
            "付款人信息应包括付款人名称、付款人账号和开户银行名称，请补充完整。",
            {"field": "payer"},
        )
    payer = {k: str(value[k]).strip() for k in ("name", "account", "bank_name")}
    if not payer["name"] or not payer["bank_name"]:
        field = "name" if not payer["name"] else "bank_name"
        raise ApiError(
            422,
            "BAD_PAYER",
            "付款人名称和开户银行名称不能为空，请补充完整。",
            {"field": f"payer.{field}"},
        )
    if not PAYER_ACCOUNT.fullmatch(payer["account"]):
        raise ApiError(
            422, "BAD_PAYER", "付款人账号应为8至32位数字，请核对。", {"field": "payer.account"}
        )
    return payer


def tax_authority_code(name: str, region: str) -> str:
    """税务机关代码: 1, the district code of the 区 tax bureau and 0000 (11 digits)."""
    place = REGION_BY_CODE.get(region)
    for district in place.districts if place else ():
        if place is not None and place.tax_authority(district) == name:
            return f"1{district.code}0000"
    return f"1{region}0000"


def issue(
    raw: sqlite3.Connection,
    unit_id: str,
    lines: list[Line],
    payer: dict[str, str] | None,
    now: datetime,
    channel: str = CLIENT,
) -> str:
    """A 未缴款 voucher for the (checked) lines; earlier vouchers sharing a line are voided."""
    taxpayer_id, taxpayer_name, region = raw.execute(
        "SELECT taxpayer_id, taxpayer_name, region FROM units WHERE unit_id = ?", (unit_id,)
    ).fetchone()
    ids = [line.line_id for line in lines]
    voided = void_covering(raw, ids, REISSUED)
    authority = raw.execute(
        "SELECT tax_authority FROM collect_lines WHERE line_id = ?", (ids[0],)
    ).fetchone()[0]
    voucher_id = f"PZ{take_counter(raw, 'collect_voucher_serial', 1):010d}"
    serial = f"4{now:%Y%m%d}{take_counter(raw, 'collect_voucher_print_serial', 1):010d}"
    raw.execute(
        "INSERT INTO bank_vouchers (voucher_id, unit_id, serial, channel, issued_at, deadline,"
        " taxpayer_id, taxpayer_name, tax_authority_code, tax_authority_name, payer, summary,"
        " amount, period_start, period_end, status, voided_serials)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (voucher_id, unit_id, serial, channel, format_datetime(now),
         (now.date() + timedelta(days=PAYMENT_DAYS)).isoformat(), taxpayer_id, taxpayer_name,
         tax_authority_code(authority, region), authority,
         None if payer is None else orjson.dumps(payer).decode(),
         any(line.sequential for line in lines), sum(line.amount for line in lines),
         min(line.period_start for line in lines), max(line.period_end for line in lines),
         UNPAID, orjson.dumps(voided).decode()),
    )  # fmt: skip
    raw.executemany(
        "INSERT INTO bank_voucher_lines (voucher_id, position, line_id) VALUES (?, ?, ?)",
        [(voucher_id, n, line_id) for n, line_id in enumerate(ids, 1)],
    )
    raw.executemany(
        "UPDATE collect_lines SET bank_voucher_id = ?, state = ?, reason = NULL WHERE line_id = ?",
        [(voucher_id, arrears.UNPAID, line_id) for line_id in ids],
    )
    return voucher_id


# -- reading -----------------------------------------------------------------------------
def _rows(raw: sqlite3.Connection, region: str, voucher_ids: Sequence[str]) -> dict[str, list[Any]]:
    item_names, category_names = levy_names(raw, region)
    rows: dict[str, list[Any]] = {}
    for (
        voucher_id,
        line_id,
        number,
        unit_number,
        levy,
        category,
        part,
        start,
        end,
        cents,
    ) in raw.execute(
        "SELECT vl.voucher_id, l.line_id, l.voucher_number, l.unit_number, l.levy_item,"
        " l.levy_category, l.part, l.period_start, l.period_end, l.amount"
        " FROM bank_voucher_lines vl JOIN collect_lines l ON l.line_id = vl.line_id"
        " WHERE vl.voucher_id IN (SELECT value FROM json_each(?))"
        " ORDER BY vl.voucher_id, vl.position",
        (orjson.dumps(list(voucher_ids)).decode(),),
    ):
        rows.setdefault(voucher_id, []).append(
            {"line_id": line_id, "voucher_number": number, "unit_number": unit_number,
             "levy_item": levy, "levy_item_name": item_names.get(levy, levy),
             "levy_category_name": f"{category_names.get(category or '', category or '')}({part})",
             "period_start": start, "period_end": end, "amount": text_of(cents)}
        )  # fmt: skip
    return rows


def _vouchers(
    raw: sqlite3.Connection, unit_id: str, where: str, params: Sequence[Any], today: date
) -> list[dict[str, Any]]:
    heads = raw.execute(
        f"SELECT {_SELECT} FROM bank_vouchers WHERE unit_id = ? AND {where}"
        " ORDER BY issued_at DESC, voucher_id DESC",
        (unit_id, *params),
    ).fetchall()
    if not heads:
        return []
    region = raw.execute("SELECT region FROM units WHERE unit_id = ?", (unit_id,)).fetchone()[0]
    rows = _rows(raw, region, [h[0] for h in heads])
    answers = []
    for head in heads:
        voucher = dict(zip(_FIELDS, head, strict=True))
        voucher["payer"] = None if voucher["payer"] is None else orjson.loads(voucher["payer"])
        voucher["summary"] = bool(voucher["summary"])
        voucher["voided_serials"] = orjson.loads(voucher["voided_serials"])
        voucher["expired"] = voucher["status"] == UNPAID and today.isoformat() > voucher["deadline"]
        voucher["rows"] = rows.get(voucher["voucher_id"], [])
        answers.append(voucher)
    return answers


def list_vouchers(
    raw: sqlite3.Connection,
    unit_id: str,
    period_from: str | None,
    period_to: str | None,
    today: date,
) -> list[dict[str, Any]]:
    """Vouchers of every channel whose 费款所属期 overlaps the range, newest first."""
    where = "(? IS NULL OR period_end >= ?) AND (? IS NULL OR period_start <= ?)"
    return _vouchers(raw, unit_id, where, (period_from, period_from, period_to, period_to), today)


def one_voucher(
    raw: sqlite3.Connection, unit_id: str, voucher_id: str, today: date
) -> dict[str, Any]:
    found = _vouchers(raw, unit_id, "voucher_id = ?", (voucher_id,), today)
    if not found:
        raise ApiError(
            404,
            "VOUCHER_NOT_FOUND",
            f"没有找到本单位的缴费凭证{voucher_id}，请同步缴费凭证打印记录后重试。",
            {"voucher_id": voucher_id},
        )
    return found[0]


# -- 作废 and paying at the counter ------------------------------------------------------
def _refuse_done(voucher: dict[str, Any]) -> None:
    if voucher["status"] == PAID:
        raise ApiError(409, "VOUCHER_PAID", "该凭证已缴款，不能作废。", {"status": PAID})
    if voucher["status"] == VOIDED:
        raise ApiError(409, "VOUCHER_VOIDED", "该凭证已作废。", {"status": VOIDED})


def void(raw: sqlite3.Connection, unit_id: str, voucher_id: str, today: date) -> dict[str, Any]:
    """缴费人作废 of an unpaid voucher: its lines are payable again without it."""
    _refuse_done(one_voucher(raw, unit_id, voucher_id, today))
    raw.execute(
        "UPDATE bank_vouchers SET status = ?, void_reason = ? WHERE voucher_id = ?",
        (VOIDED, BY_PAYER, voucher_id),
    )
    raw.execute(
        "UPDATE collect_lines SET bank_voucher_id = NULL WHERE bank_voucher_id = ?", (voucher_id,)
    )
    return one_voucher(raw, unit_id, voucher_id, today)


def pay_at_counter(
    raw: sqlite3.Connection, unit_id: str, voucher_id: str, now: datetime
) -> dict[str, Any]:
    """Admin: the voucher paid at a bank counter (its lines paid, 银行端凭证缴费)."""
    voucher = one_voucher(raw, unit_id, voucher_id, now.date())
    if voucher["status"] == PAID:
        raise ApiError(409, "VOUCHER_PAID", "该凭证已缴款，请勿重复缴款。", {"status": PAID})
    _refuse_done(voucher)
    if voucher["expired"]:
        raise ApiError(
            409,
            "VOUCHER_EXPIRED",
            "凭证已过税款缴款日期，请重新打印后缴款。",
            {"deadline": voucher["deadline"]},
        )
    raw.execute(
        "UPDATE bank_vouchers SET status = ?, paid_at = ? WHERE voucher_id = ?",
        (PAID, format_datetime(now), voucher_id),
    )
    settings = load_settings(raw)
    mark_paid(raw, [row["line_id"] for row in voucher["rows"]], now, VOUCHER_CHANNEL,
              (settings.store_delay_seconds, settings.arrive_delay_seconds))  # fmt: skip
    return one_voucher(raw, unit_id, voucher_id, now.date())
