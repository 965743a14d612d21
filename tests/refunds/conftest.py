"""A logged-in unit on the real backend whose fees are paid and 入库 (so it has tickets to refund
from and person rows), with the refund services and a filled-in account."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from client.fees.declare import FeeDeclarations
from client.fees.rules import DAILY, INITIAL
from client.refunds.applications import RefundApplications
from client.refunds.rules import BY_TICKET, RefundAccount, RefundCodes, RefundDraft, RefundLine
from tests.fees.conftest import FeeUnit, open_unit
from tests.payments.test_arrivals import paid_declaration

PERIOD = ("2020-01", "2030-12")  # every 入库 line of a new unit
ACCOUNT_NUMBER = "6222021234567890123"


@dataclass
class RefundUnit:
    unit: FeeUnit
    declarations: list[dict[str, Any]]  # paid and 入库

    @property
    def unit_id(self) -> str:
        return self.unit.unit_id

    @property
    def backend(self) -> Any:
        return self.unit.backend

    def service(self) -> RefundApplications:
        s = self.unit.session
        return RefundApplications(s.api, s.db, self.unit_id)

    def codes(self) -> RefundCodes:
        return RefundCodes.load(self.unit.app.app_db)

    def account(self, **changes: str) -> RefundAccount:
        values = {
            "account_name": self.unit.session.unit.taxpayer_name,
            "bank_code": "102",
            "account_number": ACCOUNT_NUMBER,
            "reason_code": "02",
            "statement": "2026年重复缴纳社保费，申请退还多缴部分。",
        }
        return RefundAccount(**{**values, **changes})

    def ticket_draft(self, rows: list[dict[str, Any]], amounts: list[str] | None = None,
                     **kw: Any) -> RefundDraft:  # fmt: skip
        amounts = amounts or [str(r["refundable"]) for r in rows]
        lines = [RefundLine(r["row_id"], a, str(r["refundable"])) for r, a in zip(rows, amounts,
                                                                                   strict=True)]  # fmt: skip
        return RefundDraft(kw.pop("method", BY_TICKET), kw.pop("refund_kind", None), lines,
                           kw.pop("account", self.account()))  # fmt: skip

    def server_refunds(self) -> list[dict[str, Any]]:
        return list(
            self.unit.session.api.get_json(f"/collect/units/{self.unit_id}/refunds")["refunds"]
        )


def levy_items(unit: FeeUnit) -> list[str]:
    """征收项目 the unit has 预处理信息 to declare of (养老 first when it has one)."""
    FeeDeclarations(unit.session.api, unit.session.db, unit.unit_id).items.refresh((DAILY,))
    with unit.session.db.engine.connect() as conn:
        found = [r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT levy_item FROM fee_items WHERE category = ? AND data_source = '01'"
            " AND state = ? ORDER BY levy_item", (DAILY, INITIAL))]  # fmt: skip
    assert found, "the unit has nothing to declare"
    return sorted(found, key=lambda item: item != "10201")


def make_refund_unit(backend: Any, data_dir: Path, employees: int = 3) -> RefundUnit:
    """Declarations paid and 入库 until the unit has at least three lines to refund from (a
    generated unit insured for one item only is put aside for another)."""
    for attempt in range(4):
        unit = open_unit(backend, data_dir / str(attempt), employees=employees)
        paid: list[dict[str, Any]] = []
        stored = 0
        for levy_item in levy_items(unit):
            paid.append(paid_declaration(unit, levy_item))
            stored += backend.process_arrivals(unit.unit_id)  # 入库 now: it has tickets
            if stored >= 3:
                backend.refund_settings(refund_delay_seconds=3600)  # moves only when told to
                return RefundUnit(unit, paid)
        unit.app.close()
    raise AssertionError("no generated unit had three lines to refund from")


@pytest.fixture
def refund_unit(backend: Any, tmp_path: Path) -> Iterator[Callable[..., RefundUnit]]:
    opened: list[RefundUnit] = []

    def make(**kw: Any) -> RefundUnit:
        made = make_refund_unit(backend, tmp_path / f"client{len(opened)}", **kw)
        opened.append(made)
        return made

    yield make
    for made in opened:
        made.unit.app.close()
    backend.refund_settings(refund_delay_seconds=60)
