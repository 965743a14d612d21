"""缴费期限 (`pay_deadline`) of the arrears on the client: read from the wire (an older server
without it gives None; a malformed date is a malformed answer), kept locally, named by 首页
异常提醒 (三) (manual §2.1.3) once an unpaid line is past it, and shown on the 缴费 page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from client.payments import wire
from client.payments.reasons import PAYMENT_PAGE
from client.payments.reminders import payment_alerts
from client.payments.store import replace_arrears
from client.storage.unit_db import UnitDatabase
from client.sync.errors import MalformedResponseError

RECORD = [
    "QF0000000001", "10014403000123456789", "SB202612040001", "FI0000000123", "29747206",
    "10201", "102010001", "单位缴纳", "2026-10", "2026-10", "正常", True, False, "192000.00",
    "未缴费", None, None, "2026-11-04 10:01:00", "国家税务总局深圳市宝安区税务局", "2026-11-30",
]  # fmt: skip
OVERDUE = "已超出缴费期限"


def payload(record: list[Any], fields: list[str] = wire.ARREARS_FIELDS) -> dict[str, Any]:
    return {"fields": fields, "records": [record], "fetched_at": "2026-12-04 10:05:00"}


def test_wire_reads_the_pay_deadline() -> None:
    (line,) = wire.arrears(payload(RECORD))
    assert line["pay_deadline"] == "2026-11-30"


def test_an_older_server_without_it_gives_none() -> None:
    (line,) = wire.arrears(payload(RECORD[:-1], wire.ARREARS_FIELDS[:-1]))
    assert line["pay_deadline"] is None and line["line_id"] == "QF0000000001"


@pytest.mark.parametrize("bad", ["2026-11-31", "2026/11/30", "20261130", "2026-11", 20261130, ""])
def test_a_malformed_deadline_is_a_malformed_answer(bad: Any) -> None:
    with pytest.raises(MalformedResponseError):
        wire.arrears(payload([*RECORD[:-1], bad]))


def test_a_short_record_is_malformed() -> None:
    with pytest.raises(MalformedResponseError):
        wire.arrears(payload(RECORD[:-1]))


@pytest.fixture
def session(tmp_path: Path) -> Iterator[SimpleNamespace]:
    db = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield SimpleNamespace(db=db, kind="employer")
    db.close()


def keep(session: SimpleNamespace, *lines: tuple[str, str, str | None]) -> None:
    """Arrears (line_id, state, pay_deadline) kept as a fetch keeps them."""
    (base,) = wire.arrears(payload(RECORD))
    with session.db.write() as conn:
        replace_arrears(
            conn,
            [{**base, "line_id": i, "state": s, "pay_deadline": d} for i, s, d in lines],
        )


def overdue(session: SimpleNamespace, today: date) -> list[Any]:
    return [r for r in payment_alerts(session, today=today) if OVERDUE in r.text]


def test_unpaid_lines_past_their_deadline_are_an_alert(session: SimpleNamespace) -> None:
    keep(
        session,
        ("QF1", "未缴费", "2026-11-30"),
        ("QF2", "扣费失败", "2026-10-31"),
        ("QF3", "扣费中", "2026-10-31"),  # with the bank
        ("QF4", "未缴费", "2026-12-31"),  # not yet due
        ("QF5", "未缴费", None),  # an older server's line
    )
    (alert,) = overdue(session, date(2026, 12, 1))
    assert (
        alert.text
        == "存在2条已超出缴费期限的欠费信息（最早的缴费期限为2026-10-31），需要及时缴费。"
    )
    assert alert.entry_key == PAYMENT_PAGE
    assert overdue(session, date(2026, 10, 31)) == []  # the deadline day itself is in time
    with session.db.engine.connect() as conn:
        kept = dict(conn.exec_driver_sql("SELECT line_id, pay_deadline FROM pay_arrears").all())
    assert kept["QF1"] == "2026-11-30" and kept["QF5"] is None


def test_paid_or_not_yet_due_lines_are_no_alert(session: SimpleNamespace) -> None:
    keep(session, ("QF1", "扣费中", "2026-10-31"), ("QF2", "未缴费", "2026-12-31"))
    assert overdue(session, date(2026, 12, 1)) == []
    keep(session)  # paid lines leave the arrears
    assert overdue(session, date(2027, 6, 1)) == []


def test_collector_alert_opens_its_payment_page(session: SimpleNamespace) -> None:
    session.kind = "collector"
    keep(session, ("QF1", "未缴费", "2026-11-30"))
    (alert,) = overdue(session, date(2026, 12, 1))
    assert alert.entry_key == PAYMENT_PAGE


def test_the_payment_page_shows_the_deadline_after_the_period_end() -> None:
    from client.ui.payments.common import arrears_columns

    names = SimpleNamespace(levy_item=str, levy_category=str)
    columns = arrears_columns(SimpleNamespace(names=names))  # type: ignore[arg-type]
    keys = [c.key for c in columns]
    column = columns[keys.index("pay_deadline")]
    assert keys.index("pay_deadline") == keys.index("period_end") + 1
    assert (column.title, column.kind) == ("缴费期限", "date")
