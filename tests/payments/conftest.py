"""A logged-in unit on the real backend with successful, unpaid declarations (so it has
arrears), a verified 三方协议 on a funded account, and the payment services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from client.fees.declare import FeeDeclarations
from client.fees.rules import INITIAL, SUCCEEDED, declaration_page
from client.payments.auth import PaymentTicket, authenticate
from client.payments.pay import FeePayments
from tests.employer.conftest import PASSWORD
from tests.fees.conftest import FeeUnit, fee_unit, insured_normally  # noqa: F401

BALANCE = "10000000.00"


@dataclass
class PayUnit:
    unit: FeeUnit
    declarations: list[str]

    @property
    def unit_id(self) -> str:
        return self.unit.unit_id

    @property
    def backend(self) -> Any:
        return self.unit.backend

    @property
    def api(self) -> Any:
        return self.unit.session.api

    def payments(self) -> FeePayments:
        s = self.unit.session
        return FeePayments(s.api, s.db, self.unit_id, self.unit.app.paths.documents_dir)

    def ticket(self) -> PaymentTicket:
        return authenticate(self.api, self.unit_id, PASSWORD)

    def agreements(self) -> list[dict[str, Any]]:
        return self.api.get_json(f"/collect/units/{self.unit_id}/agreements")["agreements"]

    def new_agreement(self, account: str, *, name: str | None = None,
                      allow_deduction: bool = False) -> dict[str, Any]:  # fmt: skip
        """A 三方协议 on `account` through the contract (not through the page under test)."""
        app_db = self.unit.app.app_db
        branch = app_db.rule_file("bank_branches")["entries"][0]
        taxpayer = self.unit.session.unit.taxpayer_name
        authority = self.unit.session.unit.tax_authority or "国家税务总局深圳市税务局"
        body = {
            "allow_deduction": allow_deduction, "tax_authority": authority,
            "region_code": branch["region_code"], "bank_code": branch["bank_code"],
            "branch_code": branch["code"], "account_name": name or taxpayer,
            "account_number": account,
        }  # fmt: skip
        return self.api.post_json(f"/collect/units/{self.unit_id}/agreements", body)

    def verified_agreement(self, account: str, balance: str = BALANCE) -> dict[str, Any]:
        taxpayer = self.unit.session.unit.taxpayer_name
        self.backend.bank_account(account, taxpayer, balance, "正常")
        made = self.new_agreement(account)
        path = f"/collect/units/{self.unit_id}/agreements/{made['agreement_id']}/verify"
        self.api.post_json(path, {})
        self.backend.process_collect(self.unit_id)
        found = next(a for a in self.agreements() if a["agreement_id"] == made["agreement_id"])
        assert found["status"] == "验证通过", found
        return found


def declare_everything(unit: FeeUnit, special: bool = True) -> list[str]:
    """Declare every 初始 item of 日常申报 and 社保费申报（核定） (预处理信息, 征集信息 and, with
    `special`, one 特殊缴费 补缴) and let the backend process them."""
    if special:
        unit.backend.add_special_fee(unit.unit_id, period_start="2025-01", period_end="2025-02",
                                     persons=2)  # fmt: skip
    service = FeeDeclarations(unit.session.api, unit.session.db, unit.unit_id)
    service.items.refresh(("daily", "special", "project"))
    mode = unit.session.region.collection_mode
    ids: list[str] = []
    for key in ("daily", "verified"):
        page = declaration_page(key, mode)
        with unit.session.db.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.exec_driver_sql(
                "SELECT * FROM fee_items WHERE state = ?", (INITIAL,)
            )]  # fmt: skip
        rows = [r for r in rows if r["category"] in page.categories
                and r["data_source"] in page.sources]  # fmt: skip
        if not rows:
            continue
        insured_normally(unit, rows)
        result = service.submit(service.plan(page, [r["item_id"] for r in rows]))
        ids += [d["declaration_id"] for d in result.declarations]
    for declaration_id in ids:
        done = unit.backend.process_fee_declaration(unit.unit_id, declaration_id)
        assert done["status"] == SUCCEEDED, done
    return ids


@pytest.fixture
def pay_unit(fee_unit: Callable[..., FeeUnit]) -> Callable[..., PayUnit]:  # noqa: F811
    def make(employees: int = 6, **kw: Any) -> PayUnit:
        unit = fee_unit(employees=employees, **kw)
        unit.backend.bank_settings(deduct_delay_seconds=0, verify_delay_seconds=0)
        return PayUnit(unit, declare_everything(unit))

    return make
