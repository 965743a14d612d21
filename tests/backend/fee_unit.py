"""A fresh unit for 社保费申报 tests: its fee items and lines as dicts, declarations, 作废, and
the expected amounts recomputed with Decimal from the unit's records and rule files."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from tests.backend.conftest import login
from tests.support.backend import BackendServer

CENT = Decimal("0.01")
PENSION = ("10201", "102010001", "10201000101")
PENSION_MIGRANT = ("10201", "102010002", "10201000201")
UNEMPLOYMENT = ("10202", "102020001", "10202000101")
MEDICAL = ("10203", "102030001", "10203000101")
INJURY = ("10204", "102040001", "10204000102")
MATERNITY = ("10205", "102050001", "10205000101")
SOCIAL_LEVIES = (PENSION, UNEMPLOYMENT, INJURY)
MEDICAL_LEVIES = (MEDICAL, MATERNITY)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def month_add(month: str, shift: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass
class FeeUnit:
    unit_id: str
    headers: dict[str, str]
    numbers: list[str]  # as created: the 社保 number first, then the 医保 number
    kind: str
    password: str
    http: httpx.Client
    backend: BackendServer

    def relogin(self) -> None:
        """Log in again (after the server clock moved past the token's lifetime)."""
        self.headers = login(self.http, self.unit_id, self.password)

    @property
    def path(self) -> str:
        return f"/mgmt/units/{self.unit_id}"

    @property
    def social(self) -> str:
        return self.numbers[0]

    @property
    def medical(self) -> str:
        return self.numbers[-1]

    # -- people ---------------------------------------------------------------------------
    def employee(
        self,
        name: str,
        levies: tuple[tuple[str, str, str], ...] = SOCIAL_LEVIES + MEDICAL_LEVIES,
        base: str = "5000.00",
        start: str = "2020-01",
        end: str | None = None,
    ) -> int:
        """An employee with the given items (社保 levies on the 社保 number, 医保 on the 医保)."""
        items = [
            {"unit_number": self.medical if levy in ("10203", "10205") else self.social,
             "person_number": "44001", "levy_item": levy, "levy_category": category,
             "levy_subcategory": sub, "base": base, "start_month": start, "end_month": end}
            for levy, category, sub in levies
        ]  # fmt: skip
        record = {"name": name, "id_number": f"E{uuid.uuid4().hex[:12].upper()}", "id_type": "08",
                  "gender": "女", "birth_date": "1990-05-01", "status": "3" if end else "1",
                  "items": items}  # fmt: skip
        return self.backend.add_record(self.unit_id, "employees", record)

    def records(self) -> list[dict[str, Any]]:
        feed = "employees" if self.kind == "employer" else "residents"
        dump = self.backend.dump(self.unit_id, feed)
        records = [dict(zip(dump["fields"], r, strict=True)) for r in dump["records"]]
        for record in records:
            record["items"] = [dict(zip(dump["item_fields"], i, strict=True))
                               for i in record["items"]]  # fmt: skip
        return records

    def rule(self, code: str) -> Any:
        response = self.http.get(f"/mgmt/rules/{code}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["content"]

    # -- items ----------------------------------------------------------------------------
    def fetch_items(self, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.path}/fee-items", params=params, headers=self.headers)

    def items(self, **params: Any) -> list[dict[str, Any]]:
        response = self.fetch_items(**params)
        assert response.status_code == 200, response.text
        body = response.json()
        return [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]

    def item(self, item_id: str) -> dict[str, Any]:
        return next(i for i in self.items() if i["item_id"] == item_id)

    def details(self, item_id: str, after: int = 0, limit: int = 5000) -> httpx.Response:
        return self.http.get(
            f"{self.path}/fee-items/{item_id}/details",
            params={"after": after, "limit": limit},
            headers=self.headers,
        )

    def lines(self, item_id: str, limit: int = 5000) -> list[dict[str, Any]]:
        """Every line of an item, read page by page."""
        lines: list[dict[str, Any]] = []
        after: int | None = 0
        while after is not None:
            response = self.details(item_id, after, limit)
            assert response.status_code == 200, response.text
            page = response.json()
            lines += [dict(zip(page["fields"], r, strict=True)) for r in page["records"]]
            after = page["next_after"]
        return lines

    # -- declarations ---------------------------------------------------------------------
    def submit(self, item_ids: list[str], key: str | None = None) -> httpx.Response:
        headers = {**self.headers, "Idempotency-Key": key or str(uuid.uuid4())}
        return self.http.post(
            f"{self.path}/fee-declarations", json={"item_ids": item_ids}, headers=headers
        )

    def declare(self, item_ids: list[str]) -> list[dict[str, Any]]:
        response = self.submit(item_ids)
        assert response.status_code == 202, response.text
        return list(response.json()["declarations"])

    def declarations(self, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(
            f"{self.path}/fee-declarations", params=params, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        for declaration in body["declarations"]:
            declaration["items"] = [dict(zip(body["item_fields"], i, strict=True))
                                    for i in declaration["items"]]  # fmt: skip
        return list(body["declarations"])

    def declaration(self, declaration_id: str) -> dict[str, Any]:
        response = self.http.get(
            f"{self.path}/fee-declarations/{declaration_id}", headers=self.headers
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def void(self, declaration_id: str, key: str | None = None) -> httpx.Response:
        headers = {**self.headers, "Idempotency-Key": key or str(uuid.uuid4())}
        return self.http.post(
            f"{self.path}/fee-declarations/{declaration_id}/void", json={}, headers=headers
        )


def make_fee_unit(
    backend: BackendServer,
    http: httpx.Client,
    *,
    region: str = "440300",
    kind: str = "employer",
    employees: int = 0,
    residents: int = 0,
    now: str | None = "2026-12-20 10:00:00",
) -> FeeUnit:
    """A fresh unit (no projects, no 单位参保信息) logged in at the server time `now` (None:
    leave the clock alone)."""
    if now is not None:
        backend.set_clock(now)
    created = backend.create_taxpayer(
        kind=kind, region=region, employees_per_unit=employees, residents_per_unit=residents,
        projects_per_unit=0,
    )["units"][0]  # fmt: skip
    # The generated 单位参保信息 may suspend a 征收品目 at random; tests set the rows they need.
    backend.clear_insurance(created["unit_id"])
    headers = login(http, created["unit_id"], created["initial_password"])
    return FeeUnit(
        created["unit_id"], headers, created["unit_numbers"], kind, created["initial_password"],
        http, backend,
    )  # fmt: skip


# -- expected amounts, recomputed independently with Decimal -----------------------------
class Expected:
    """The fee rules of a unit's region, from the rule files as the client downloads them."""

    def __init__(self, unit: FeeUnit) -> None:
        rates = unit.rule("fee_rates")
        self.rates = {(e["levy_category"], e["levy_subcategory"]): e for e in rates["entries"]}
        self.project_rate = Decimal(rates["project_rate"])
        self.resident_amounts = {
            e["levy_category"]: Decimal(e["amount"]) for e in rates["resident_amounts"]
        }
        self.limits = {y["year"]: y for y in unit.rule("base_limits")["years"]}
        self.modes = {e["code"]: e["name"] for e in unit.rule("levy_modes")["entries"]}
        self.tiers = {
            e["code"]: Decimal(re.search(r"（(\d+)元）", e["name"]).group(1))  # type: ignore[union-attr]
            for e in unit.rule("levy_subcategories")["entries"]
            if e["parent"] == "102100001"
        }

    def base(self, base: str, month: str) -> Decimal:
        years = self.limits
        year = min(max(int(month[:4]), min(years)), max(years))
        return min(max(Decimal(base), Decimal(years[year]["lower"])), Decimal(years[year]["upper"]))

    def rate(self, category: str, sub: str) -> tuple[Decimal, Decimal]:
        entry = self.rates.get((category, sub)) or self.rates[(category, None)]
        return Decimal(entry["unit_rate"]), Decimal(entry["personal_rate"])

    def employee_lines(
        self, records: list[dict[str, Any]], month: str, mode: str
    ) -> dict[tuple[str, str, str], list[tuple[int, Decimal, Decimal, Decimal]]]:
        """(单位编号, 征收项目, 征收品目) → [(person, base, unit amount, personal amount)] of the
        items in force in `month` whose 征缴模式 is `mode`."""
        groups: dict[tuple[str, str, str], list[tuple[int, Decimal, Decimal, Decimal]]] = {}
        for record in records:
            for it in record["items"]:
                in_force = it["start_month"] <= month and (
                    it["end_month"] is None or it["end_month"] >= month
                )
                if not in_force or self.modes[it["levy_item"]] != mode:
                    continue
                base = self.base(it["base"], month)
                unit_rate, personal_rate = self.rate(it["levy_category"], it["levy_subcategory"])
                key = (it["unit_number"], it["levy_item"], it["levy_category"])
                groups.setdefault(key, []).append(
                    (record["id"], base, half_up(base * unit_rate), half_up(base * personal_rate))
                )
        return groups
