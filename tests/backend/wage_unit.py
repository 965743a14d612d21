"""A fresh employer unit for 缴费工资申报 tests: employees made through the admin API,
declaration rows for them, submit/list/detail calls, and the rules of its region."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from tests.backend.conftest import login
from tests.support.backend import BackendServer

SELF = [("10201", "102010001", "10201000101"), ("10202", "102020001", "10202000101"),
        ("10204", "102040001", "10204000101")]  # fmt: skip
MEDICAL = [("10203", "102030001", "10203000101"), ("10205", "102050001", "10205000101")]
DETAIL_FIELDS = ["employee_id", "name", "id_type", "id_number", "old_wage", "new_wage",
                 "effective_month", "status", "reason"]  # fmt: skip


@dataclass
class Unit:
    unit_id: str
    headers: dict[str, str]
    number: str
    http: httpx.Client
    backend: BackendServer

    @property
    def path(self) -> str:
        return f"/mgmt/units/{self.unit_id}/wage-declarations"

    def employee(self, name: str, levies: list[tuple[str, str, str]] = SELF, **kw: Any) -> int:
        """An employee with the given items (base 5000.00), made through the admin API."""
        end = kw.get("end_month")
        items = [
            {"unit_number": self.number, "person_number": "44001", "levy_item": levy,
             "levy_category": cat, "levy_subcategory": sub, "base": "5000.00",
             "start_month": "2020-01", "end_month": end}
            for levy, cat, sub in levies
        ]  # fmt: skip
        record = {"name": name, "id_number": f"E{uuid.uuid4().hex[:12].upper()}", "id_type": "08",
                  "gender": "女", "birth_date": "1990-05-01", "status": "3" if end else "1",
                  "items": items}  # fmt: skip
        return self.backend.add_record(self.unit_id, "employees", record)

    def record(self, employee_id: int) -> dict[str, Any]:
        dump = self.backend.dump(self.unit_id, "employees")
        row = next(r for r in dump["records"] if r[0] == employee_id)
        return dict(zip(dump["fields"], row, strict=True))

    def row(self, employee_id: int, month: str | None, wage: str = "6000.00", **kw: Any) -> Any:
        """A declaration row for the employee's items (or `levies`), all with `wage`."""
        record = self.record(employee_id)
        levies = {levy for levy, _, _ in kw.get("levies", SELF)}
        items = [
            {"unit_number": it[0], "levy_item": it[2], "levy_category": it[3],
             "old_wage": it[6], "new_wage": wage}
            for it in record["items"] if it[2] in levies
        ] or [{"unit_number": self.number, "levy_item": levy, "levy_category": cat,
               "old_wage": None, "new_wage": wage} for levy, cat, _ in kw.get("levies", SELF)]  # fmt: skip
        id_number = kw.get("id_number", record["id_number"])
        return {"employee_id": employee_id, "id_number": id_number, "effective_month": month,
                "items": items}  # fmt: skip

    def submit(
        self, rows: list[Any], kind: str = "daily", mode: str = "by_employee", key: str = ""
    ) -> httpx.Response:
        body = {"declaration_type": kind, "mode": mode, "tax_authority": "国家税务总局深圳市南山区税务局",
                "rows": rows}  # fmt: skip
        headers = {**self.headers, "Idempotency-Key": key or str(uuid.uuid4())}
        return self.http.post(self.path, json=body, headers=headers)

    def declare(self, rows: list[Any], **kw: Any) -> str:
        response = self.submit(rows, **kw)
        assert response.status_code == 202, response.text
        return str(response.json()["declaration_id"])

    def listing(self, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(self.path, params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["declarations"])

    def detail(self, declaration_id: str) -> dict[str, Any]:
        response = self.http.get(f"{self.path}/{declaration_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["fields"] == DETAIL_FIELDS
        body["rows"] = [dict(zip(DETAIL_FIELDS, r, strict=True)) for r in body.pop("records")]
        return body


def make_unit(backend: BackendServer, http: httpx.Client, region: str = "440300") -> Unit:
    created = backend.create_taxpayer(region=region, employees_per_unit=0)["units"][0]
    headers = login(http, created["unit_id"], created["initial_password"])
    return Unit(created["unit_id"], headers, created["unit_numbers"][0], http, backend)


def server_today(http: httpx.Client) -> date:
    return date.fromisoformat(http.get("/time").json()["today"])


def month_of(day: date, shift: int = 0) -> str:
    index = day.year * 12 + day.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def rule_content(unit: Unit, code: str) -> Any:
    return unit.http.get(f"/mgmt/rules/{code}", headers=unit.headers).json()["content"]


def base_limits(unit: Unit, year: int) -> tuple[str, str]:
    years = {y["year"]: y for y in rule_content(unit, "base_limits")["years"]}
    known = years[min(max(year, min(years)), max(years))]
    return known["lower"], known["upper"]
