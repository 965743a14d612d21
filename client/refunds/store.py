"""Keeping what the 征收子系统 answered about refund applications: an application and its rows
replace their earlier version in one statement group (inside the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete

from client.storage.refund_models import RefundApplication, RefundApplicationRow

APPLICATIONS = RefundApplication.__table__
ROWS = RefundApplicationRow.__table__

_KEPT = (
    "refund_id", "application_number", "method", "refund_kind", "submitted_at", "status",
    "amount", "reason_code", "reason_name", "statement", "account_name", "bank_code",
    "bank_name", "account_masked", "decision_reason", "refunded_on",
)  # fmt: skip
_ROW_KEPT = (
    "row_id", "e_ticket_number", "name", "id_number", "levy_item_name", "levy_category_name",
    "period_start", "period_end", "paid", "amount",
)  # fmt: skip


def upsert_application(conn: Connection, app: Mapping[str, Any]) -> None:
    """Keep a checked application (`client.refunds.wire.application`) and its rows."""
    rows = app["rows"]
    record = {
        **{k: app[k] for k in _KEPT},
        "history": json.dumps(app["history"], ensure_ascii=False),
        "row_count": len(rows),
        "period_start": min(str(r["period_start"])[:7] for r in rows),
        "period_end": max(str(r["period_end"])[:7] for r in rows),
        "fetched_at": datetime.now(),
    }
    refund_id = app["refund_id"]
    conn.execute(delete(APPLICATIONS).where(APPLICATIONS.c.refund_id == refund_id))
    conn.execute(APPLICATIONS.insert().values(**record))
    conn.execute(delete(ROWS).where(ROWS.c.refund_id == refund_id))
    conn.execute(
        ROWS.insert(),
        [
            {"refund_id": refund_id, "position": n, **{k: r[k] for k in _ROW_KEPT}}
            for n, r in enumerate(rows, 1)
        ],
    )
