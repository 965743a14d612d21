"""A fresh unit with successful 社保费 declarations for 费款缴纳 tests: its arrears as dicts,
安全认证, payments, vouchers, agreements and 到账 through the client endpoints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from tests.backend.fee_unit import MEDICAL_LEVIES, SOCIAL_LEVIES, FeeUnit, make_fee_unit
from tests.support.backend import BackendServer

NOW = "2026-12-20 10:00:00"
MONTHS = ("2026-10", "2026-11", "2026-12")


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


@dataclass
class CollectUnit:
    fee: FeeUnit
    ticket: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def unit_id(self) -> str:
        return self.fee.unit_id

    @property
    def http(self) -> httpx.Client:
        return self.fee.http

    @property
    def headers(self) -> dict[str, str]:
        return self.fee.headers

    @property
    def path(self) -> str:
        return f"/collect/units/{self.unit_id}"

    def paying(self, idempotency_key: str | None = None) -> dict[str, str]:
        """Headers of a payment call: token, a fresh (or given) key and the ticket."""
        headers = {**self.headers, "Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        if self.ticket:
            headers["X-Payment-Ticket"] = self.ticket
        return headers

    # -- arrears and 安全认证 ------------------------------------------------------------
    def arrears(self) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.path}/arrears", headers=self.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        return [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]

    def lines(self, **match: Any) -> list[dict[str, Any]]:
        return [a for a in self.arrears() if all(a[k] == v for k, v in match.items())]

    def ids(self, **match: Any) -> list[str]:
        return [a["line_id"] for a in self.lines(**match)]

    def authenticate(self, password: str | None = None) -> httpx.Response:
        return self.http.post(
            f"{self.path}/payment-auth",
            json={"password": password or self.fee.password},
            headers=self.headers,
        )

    def login_payment(self) -> str:
        response = self.authenticate()
        assert response.status_code == 200, response.text
        self.ticket = str(response.json()["ticket"])
        return self.ticket

    # -- payments ---------------------------------------------------------------------
    def pay(self, line_ids: list[str], agreement_id: str, key: str | None = None) -> httpx.Response:
        return self.http.post(
            f"{self.path}/payments",
            json={"line_ids": line_ids, "agreement_id": agreement_id},
            headers=self.paying(key),
        )

    def deductions(self, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.path}/deductions", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["deductions"])

    def deduction(self, deduction_id: str) -> dict[str, Any]:
        response = self.http.get(f"{self.path}/deductions/{deduction_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def unlock(self, deduction_id: str) -> httpx.Response:
        return self.http.post(
            f"{self.path}/deductions/{deduction_id}/unlock", json={}, headers=self.paying()
        )

    # -- vouchers ---------------------------------------------------------------------
    def issue(self, line_ids: list[str], payer: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(
            f"{self.path}/bank-vouchers",
            json={"line_ids": line_ids, "payer": payer},
            headers=self.paying(),
        )

    def vouchers(self, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.path}/bank-vouchers", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["vouchers"])

    def voucher(self, voucher_id: str) -> httpx.Response:
        return self.http.get(f"{self.path}/bank-vouchers/{voucher_id}", headers=self.headers)

    def void_voucher(self, voucher_id: str) -> httpx.Response:
        return self.http.post(
            f"{self.path}/bank-vouchers/{voucher_id}/void", json={}, headers={**self.headers,
                                                                             **key()}
        )  # fmt: skip

    # -- agreements -------------------------------------------------------------------
    def agreements(self) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.path}/agreements", headers=self.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["agreements"])

    def create_agreement(self, **form: Any) -> httpx.Response:
        return self.http.post(
            f"{self.path}/agreements", json=form, headers={**self.headers, **key()}
        )

    def modify_agreement(self, agreement_id: str, **form: Any) -> httpx.Response:
        return self.http.put(
            f"{self.path}/agreements/{agreement_id}", json=form, headers={**self.headers, **key()}
        )

    def agreement_action(self, agreement_id: str, action: str) -> httpx.Response:
        return self.http.post(
            f"{self.path}/agreements/{agreement_id}/{action}",
            json={},
            headers={**self.headers, **key()},
        )

    # -- 到账 -------------------------------------------------------------------------
    def arrivals(self, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(
            f"/mgmt/units/{self.unit_id}/arrivals", params=params, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        return [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]


def total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))


def declared_unit(
    backend: BackendServer,
    http: httpx.Client,
    months: tuple[str, ...] = MONTHS,
    kind: str = "employer",
) -> CollectUnit:
    """A fresh employer (two employees on every 职工 levy) whose items of `months` are all
    declared with success (the server clock at NOW, processing delay 0)."""
    backend.set_processing_delay(0)
    unit = make_fee_unit(backend, http, now=NOW, kind=kind)
    unit.employee("王桂淑", SOCIAL_LEVIES + MEDICAL_LEVIES, base="6000.00")
    unit.employee("李强", SOCIAL_LEVIES + MEDICAL_LEVIES, base="8000.00")
    for month in months:
        if month != NOW[:7]:
            backend.generate_fee_items(unit.unit_id, month)
    for month in months:
        ids = [i["item_id"] for i in unit.items(state="初始") if i["period_start"] == month]
        assert ids, month
        for declaration in unit.declare(ids):
            assert unit.declaration(declaration["declaration_id"])["status"] == "申报成功"
    return CollectUnit(unit)


def unit_agreement(
    backend: BackendServer, unit: CollectUnit, balance: str = "1000000.00", **form: Any
) -> dict[str, Any]:
    """A 验证通过 agreement of the unit on a funded account named like the unit."""
    fields = agreement_form(unit, **form)
    created = unit.create_agreement(**fields)
    assert created.status_code == 201, created.text
    agreement = created.json()
    backend.bank_account(fields["account_number"], fields["account_name"], balance)
    assert unit.agreement_action(agreement["agreement_id"], "verify").status_code == 202
    backend.process_collect(unit.unit_id)
    (verified,) = [a for a in unit.agreements() if a["agreement_id"] == agreement["agreement_id"]]
    assert verified["status"] == "验证通过", verified
    return verified


def agreement_form(unit: CollectUnit, **form: Any) -> dict[str, Any]:
    """A complete 新增 form: the unit's tax authority, a real branch of 宝安区, its own name."""
    info = unit.http.get(f"/mgmt/units/{unit.unit_id}/info", headers=unit.headers).json()
    branches = unit.fee.rule("bank_branches")["entries"]
    bank = form.get("bank_code", "102")
    region = form.get("region_code", "440306")
    branch = next(b for b in branches if b["bank_code"] == bank and b["region_code"] == region)
    fields = {
        "allow_deduction": True,
        "tax_authority": info["tax_authority"],
        "region_code": region,
        "bank_code": bank,
        "branch_code": branch["code"],
        "account_name": info["unit_name"],
        "account_number": f"62{uuid.uuid4().int % 10**17:017d}",
    }
    return {**fields, **form}
