"""A fresh 代收单位 for the issue-12 tests: residents with chosen items, 代收代报（自主）
requests, 缴费档次, 申报缴费状态 and 外部参保城乡居民 calls, as the client makes them."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from mock_backend.ids import make_id_number
from tests.backend.fee_unit import FeeUnit, make_fee_unit
from tests.support.backend import BackendServer

PENSION = "102100001"
ADULT, MINOR = "102110001", "102110002"
_SUBCATEGORY = {ADULT: "10211000101", MINOR: "10211000201"}
_ids = random.Random(uuid.uuid4().int)


def new_id_number(born: date | None = None) -> str:
    """A valid 居民身份证号码 nobody else in the tests has (born in 新疆 石河子, 659001)."""
    born = born or date.fromordinal(date(1960, 1, 1).toordinal() + _ids.randrange(16_000))
    return make_id_number("659001", born, _ids.randrange(1000))


def row(
    person: dict[str, Any], category: str = PENSION, grade: str = "05", year: int = 2026
) -> dict[str, Any]:
    """A 代收代报（自主） request row for a person (name, id_type, id_number)."""
    return {
        "name": person["name"], "id_type": person["id_type"], "id_number": person["id_number"],
        "levy_item": category[:5], "levy_category": category, "year": year, "grade": grade,
    }  # fmt: skip


@dataclass
class ResidentUnit(FeeUnit):
    region: str = "440300"

    # -- people -----------------------------------------------------------------------------
    def resident(
        self,
        name: str,
        categories: tuple[str, ...] = (PENSION, ADULT),
        tier: str = "03",
        start: str = "2020-01",
        end: str | None = None,
    ) -> dict[str, Any]:
        """A resident of the unit's feed insured in `categories` (养老 at 档次 `tier`)."""
        number = new_id_number()
        items = [
            {"person_number": "4401234567", "levy_item": category[:5], "levy_category": category,
             "levy_subcategory": _SUBCATEGORY.get(category, f"{PENSION}{tier}"),
             "start_month": start, "end_month": end}
            for category in categories
        ]  # fmt: skip
        record = {"name": name, "id_type": "01", "id_number": number, "status": "1",
                  "township": "福永街道", "village": "凤凰社区第1组", "items": items}  # fmt: skip
        record_id = self.backend.add_record(self.unit_id, "residents", record)
        return {"id": record_id, "name": name, "id_type": "01", "id_number": number}

    def registered(
        self, name: str, categories: tuple[str, ...] = (PENSION, ADULT)
    ) -> dict[str, Any]:
        """A person registered in the region's registry (in no agent's feed)."""
        person = {"name": name, "id_type": "01", "id_number": new_id_number(),
                  "levy_categories": list(categories), "township": "沙井街道",
                  "village": "新桥社区第2组"}  # fmt: skip
        (person_id,) = self.backend.add_external_registry(self.region, [person])
        return {"id": person_id, "name": name, "id_type": "01", "id_number": person["id_number"]}

    # -- calls -----------------------------------------------------------------------------
    def key_headers(self, key: str | None = None) -> dict[str, str]:
        return {**self.headers, "Idempotency-Key": key or str(uuid.uuid4())}

    def submit_rows(self, rows: Any, key: str | None = None) -> httpx.Response:
        return self.http.post(
            f"{self.path}/resident-declarations", json={"rows": rows},
            headers=self.key_headers(key), timeout=120,
        )  # fmt: skip

    def declare_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = self.submit_rows(rows)
        assert response.status_code == 202, response.text
        return list(response.json()["declarations"])

    def grades(self, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.path}/resident-grades", params=params, headers=self.headers)

    def grade_rows(self, person: dict[str, Any], year: int = 2026) -> list[dict[str, Any]]:
        response = self.grades(name=person["name"], id_type=person["id_type"],
                               id_number=person["id_number"], year=year)  # fmt: skip
        assert response.status_code == 200, response.text
        body = response.json()
        return [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]

    def statuses(self, year: Any = 2026, after_id: int = 0, limit: int = 5000) -> httpx.Response:
        return self.http.get(
            f"{self.path}/resident-statuses",
            params={"year": year, "after_id": after_id, "limit": limit},
            headers=self.headers,
        )

    def status_rows(self, year: int = 2026, limit: int = 5000) -> list[dict[str, Any]]:
        """Every row of the year's snapshot, page by page (checking the paging)."""
        rows: list[dict[str, Any]] = []
        after: int | None = 0
        total = None
        while after is not None:
            response = self.statuses(year, after, limit)
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["year"] == year
            assert total is None or page["total"] == total
            total = page["total"]
            assert len({r[0] for r in page["records"]}) <= limit
            rows += [dict(zip(page["fields"], r, strict=True)) for r in page["records"]]
            after = page["next_after_id"]
        assert len(rows) == total
        return rows

    def lookup(self, persons: Any) -> httpx.Response:
        return self.http.post(
            f"{self.path}/external-residents/lookup", json={"persons": persons},
            headers=self.headers,
        )  # fmt: skip

    def put_external(self, persons: Any, key: str | None = None) -> httpx.Response:
        return self.http.put(
            f"{self.path}/external-residents", json={"persons": persons},
            headers=self.key_headers(key),
        )  # fmt: skip


def make_resident_unit(
    backend: BackendServer, http: httpx.Client, region: str = "440300", now: str | None = None
) -> ResidentUnit:
    """A fresh 代收单位 without residents at the server time `now` (default 2026-12-20)."""
    unit = make_fee_unit(backend, http, region=region, kind="collector", residents=0,
                         **({"now": now} if now else {}))  # fmt: skip
    return ResidentUnit(**vars(unit), region=region)


def person(p: dict[str, Any]) -> dict[str, str]:
    """The three 人员三要素 of a person."""
    return {"name": p["name"], "id_type": p["id_type"], "id_number": p["id_number"]}
