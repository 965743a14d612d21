"""Keeping what the 征收子系统 answered: the arrears (replaced whole on every fetch),
deductions and vouchers (upserted; a voucher printed here keeps its PDF path)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from client.storage.payment_models import ArrearsLine, BankVoucher, BankVoucherRow, Deduction

ARREARS = ArrearsLine.__table__
DEDUCTIONS = Deduction.__table__
VOUCHERS = BankVoucher.__table__
VOUCHER_ROWS = BankVoucherRow.__table__


def replace_arrears(conn: Connection, lines: Iterable[Mapping[str, Any]]) -> int:
    now = datetime.now()
    rows = [{**line, "fetched_at": now} for line in lines]
    conn.execute(delete(ARREARS))
    if rows:
        conn.execute(ARREARS.insert(), rows)
    return len(rows)


def mark_lines(conn: Connection, line_ids: Iterable[str], state: str) -> None:
    ids = list(line_ids)
    if ids:
        conn.execute(update(ARREARS).where(ARREARS.c.line_id.in_(ids)).values(state=state))


def drop_lines(conn: Connection, line_ids: Iterable[str]) -> None:
    ids = list(line_ids)
    if ids:
        conn.execute(delete(ARREARS).where(ARREARS.c.line_id.in_(ids)))


def upsert_deduction(conn: Connection, d: Mapping[str, Any]) -> None:
    row = {**d, "line_ids": json.dumps(list(d["line_ids"])), "fetched_at": datetime.now()}
    conn.execute(delete(DEDUCTIONS).where(DEDUCTIONS.c.deduction_id == d["deduction_id"]))
    conn.execute(DEDUCTIONS.insert().values(**row))


def upsert_voucher(conn: Connection, v: Mapping[str, Any], pdf_path: str | None = None) -> None:
    """Keep a voucher and its rows; the PDF path of an earlier save survives an update."""
    old = conn.execute(
        select(VOUCHERS.c.pdf_path).where(VOUCHERS.c.voucher_id == v["voucher_id"])
    ).scalar()
    payer = v.get("payer") or {}
    rows = v["rows"]
    record = {
        **{
            k: v[k]
            for k in (
                "voucher_id",
                "serial",
                "channel",
                "issued_at",
                "deadline",
                "taxpayer_id",
                "taxpayer_name",
                "tax_authority_code",
                "tax_authority_name",
                "summary",
                "amount",
                "status",
                "void_reason",
                "paid_at",
                "expired",
            )
        },  # fmt: skip
        "payer_name": payer.get("name") or None,
        "payer_account": payer.get("account") or None,
        "payer_bank": payer.get("bank_name") or None,
        "period_start": min(r["period_start"] for r in rows),
        "period_end": max(r["period_end"] for r in rows),
        "row_count": len(rows),
        "pdf_path": pdf_path or old,
        "fetched_at": datetime.now(),
    }
    conn.execute(delete(VOUCHERS).where(VOUCHERS.c.voucher_id == v["voucher_id"]))
    conn.execute(VOUCHERS.insert().values(**record))
    conn.execute(delete(VOUCHER_ROWS).where(VOUCHER_ROWS.c.voucher_id == v["voucher_id"]))
    conn.execute(
        VOUCHER_ROWS.insert(),
        [
            {
                "voucher_id": v["voucher_id"],
                "position": n,
                **{
                    k: r[k]
                    for k in (
                        "line_id",
                        "voucher_number",
                        "unit_number",
                        "levy_item",
                        "levy_item_name",
                        "levy_category_name",
                        "period_start",
                        "period_end",
                        "amount",
                    )
                },
            }  # fmt: skip
            for n, r in enumerate(rows, 1)
        ],
    )
