"""Unit reference data: 单位信息, 单位参保信息, 工程项目 (shape, auth, seed, admin changes)."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

import httpx
import pytest

from mock_backend.config import (
    DEFAULT_EMPLOYEES_PER_UNIT,
    DEFAULT_RANDOM_SEED,
    DEFAULT_RESIDENTS_PER_UNIT,
)
from mock_backend.seed.demo import demo_specs
from mock_backend.seed.reference import UnitReference, generate_reference
from tests.backend.conftest import error_of, login
from tests.support.backend import BackendError, BackendServer

INFO_FIELDS = [
    "taxpayer_id", "unit_name", "tax_authority", "finance_officer", "legal_representative",
    "industry", "enterprise_type", "address", "postal_code", "phone", "email", "listed",
]  # fmt: skip
NULLABLE_INFO = INFO_FIELDS[3:-1]
INSURANCE_FIELDS = [
    "unit_number", "agency", "levy_item", "levy_category", "levy_subcategory", "start_date",
    "end_date", "status", "unit_rate", "personal_rate", "tax_authority",
]  # fmt: skip
PROJECT_FIELDS = [
    "project_number", "project_name", "project_address", "contract_amount", "start_date",
    "end_date", "unit_number", "agency", "levy_item", "status", "registered_on",
]  # fmt: skip
ENDPOINTS = ("info", "insurance", "projects")
AMOUNT = re.compile(r"^\d+\.\d{2}$")
RATE = re.compile(r"^0\.\d{4}$")


@cache
def _expected() -> tuple[dict[str, str], dict[str, UnitReference]]:
    """Tax authorities and reference data the shared demo server was seeded with."""
    specs = demo_specs(DEFAULT_RANDOM_SEED, DEFAULT_EMPLOYEES_PER_UNIT, DEFAULT_RESIDENTS_PER_UNIT)
    return {s.unit_id: s.tax_authority for s in specs}, generate_reference(specs)


def _units(backend: BackendServer) -> dict[str, dict[str, Any]]:
    return {u["unit_id"]: u for u in backend.admin_get("units")}


def _fetch(http: httpx.Client, unit_id: str, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    result = {}
    for name in ENDPOINTS:
        response = http.get(f"/mgmt/units/{unit_id}/{name}", headers=headers)
        assert response.status_code == 200, response.text
        result[name] = response.json()
    return result


def _login_unit(backend: BackendServer, http: httpx.Client, unit_id: str) -> dict[str, str]:
    return login(http, unit_id, _units(backend)[unit_id]["initial_password"])


def _is_date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(date.fromisoformat(value))


def _rule_entries(http: httpx.Client, headers: dict[str, str], code: str) -> dict[str, Any]:
    content = http.get(f"/mgmt/rules/{code}", headers=headers).json()["content"]
    return {e["code"]: e for e in content["entries"]}


def test_demo_reference_data_is_the_seed_generators(
    backend: BackendServer, http: httpx.Client
) -> None:
    units = _units(backend)
    authorities, expected = _expected()
    for unit_id, ref in expected.items():
        unit = units[unit_id]
        got = _fetch(http, unit_id, login(http, unit_id, unit["initial_password"]))
        assert list(got["info"]) == INFO_FIELDS
        assert got["info"] == {
            "taxpayer_id": unit["taxpayer_id"],
            "unit_name": unit["taxpayer_name"],
            "tax_authority": authorities[unit_id],
            **ref.info,
        }
        assert got["insurance"] == {
            "fields": INSURANCE_FIELDS,
            "records": [list(r) for r in ref.insurance],
        }
        assert got["projects"] == {
            "fields": PROJECT_FIELDS,
            "records": sorted(list(r) for r in ref.projects),
        }
    # The generator is deterministic and depends on the random seed.
    specs = demo_specs(DEFAULT_RANDOM_SEED, 1, 1)
    assert generate_reference(specs) == expected
    other = generate_reference(demo_specs(DEFAULT_RANDOM_SEED + 1, 1, 1))
    assert [r.info for r in other.values()] != [r.info for r in expected.values()]


def test_unit_info_of_an_employer(backend: BackendServer, http: httpx.Client) -> None:
    headers = _login_unit(backend, http, "U000001")
    info = http.get("/mgmt/units/U000001/info", headers=headers).json()
    registration = http.get("/mgmt/units/U000001/registration", headers=headers).json()["unit"]
    assert info["taxpayer_id"] == registration["taxpayer_id"]
    assert info["unit_name"] == registration["taxpayer_name"]
    assert (
        info["tax_authority"] == registration["tax_authority"] == "国家税务总局深圳市南山区税务局"
    )
    assert info["industry"] == "卫生" and info["enterprise_type"] == "有限责任公司"
    assert info["address"].startswith("深圳市南山区")
    assert re.fullmatch(r"518\d{3}", info["postal_code"])
    assert re.fullmatch(r"0755-\d{8}|1\d{10}", info["phone"])
    assert info["listed"] is False
    for name in ("finance_officer", "legal_representative"):
        assert 2 <= len(info[name]) <= 4 and not info[name].isascii()
    # Units of one taxpayer share the legal representative.
    other = http.get("/mgmt/units/U000002/info", headers=_login_unit(backend, http, "U000002"))
    assert other.json()["legal_representative"] == info["legal_representative"]


def test_collector_has_info_resident_insurance_and_no_projects(
    backend: BackendServer, http: httpx.Client
) -> None:
    got = _fetch(http, "U000012", _login_unit(backend, http, "U000012"))
    info = got["info"]
    assert info["enterprise_type"] == "基层群众性自治组织"
    assert info["industry"] == "基层群众自治组织及其他组织"
    assert info["email"] is None  # nullable fields really come as null
    assert info["address"].startswith("深圳市宝安区福永街道凤凰社区")
    rows = [dict(zip(INSURANCE_FIELDS, r, strict=True)) for r in got["insurance"]["records"]]
    # §3.16: 城乡居民养老 on the 社保 number, the three 城乡居民医保 品目 on the 医保 number
    assert sorted(r["levy_category"] for r in rows) == [
        "102100001", "102110001", "102110002", "102110003",
    ]  # fmt: skip
    assert {r["status"] for r in rows} == {"正常"}
    assert all(r["unit_rate"] is None and r["personal_rate"] is None for r in rows)
    assert got["projects"] == {"fields": PROJECT_FIELDS, "records": []}


def test_insurance_covers_the_employees_items(backend: BackendServer, http: httpx.Client) -> None:
    headers = _login_unit(backend, http, "U000002")
    records = http.get("/mgmt/units/U000002/insurance", headers=headers).json()["records"]
    rows = [dict(zip(INSURANCE_FIELDS, r, strict=True)) for r in records]
    registrations = http.get("/mgmt/units/U000002/registration", headers=headers).json()
    agencies = {
        (r["unit_number"], r["agency_type"]): r["agency"] for r in registrations["registrations"]
    }
    categories = _rule_entries(http, headers, "levy_categories")
    subcategories = _rule_entries(http, headers, "levy_subcategories")
    keys = {(r["unit_number"], r["levy_category"]) for r in rows}
    assert len(keys) == len(rows)  # one row per 单位编号 × 征收品目
    assert {n for n, _ in keys} == {n for n, _ in agencies}
    for row in rows:
        assert categories[row["levy_category"]]["parent"] == row["levy_item"]
        assert subcategories[row["levy_subcategory"]]["parent"] == row["levy_category"]
        agency_type = "医保" if row["levy_item"] in ("10203", "10205") else "社保"
        assert row["agency"] == agencies[(row["unit_number"], agency_type)]
        assert row["status"] in ("正常", "暂停", "注销")
        assert _is_date(row["start_date"]) and row["start_date"].endswith("-01")
        assert (row["end_date"] is None) == (row["status"] == "正常")
        assert RATE.match(row["unit_rate"])
        if row["levy_item"] in ("10204", "10205"):
            assert row["personal_rate"] is None
        else:
            assert RATE.match(row["personal_rate"])
        assert row["tax_authority"] == registrations["unit"]["tax_authority"]
    by_category = {r["levy_category"]: r for r in rows}
    assert (by_category["102010001"]["unit_rate"], by_category["102010001"]["personal_rate"]) == (
        "0.1600",
        "0.0800",
    )
    employees = backend.dump("U000002", "employees")
    item_fields = employees["item_fields"]
    for record in employees["records"]:
        for item in record[-1]:
            values = dict(zip(item_fields, item, strict=True))
            assert (values["unit_number"], values["levy_category"]) in keys


def test_unit_with_projects_and_unit_without(backend: BackendServer, http: httpx.Client) -> None:
    headers = _login_unit(backend, http, "U000005")
    body = http.get("/mgmt/units/U000005/projects", headers=headers).json()
    assert body["fields"] == PROJECT_FIELDS
    assert 1 <= len(body["records"]) <= 6
    registrations = http.get("/mgmt/units/U000005/registration", headers=headers).json()
    social = {
        r["unit_number"]: r["agency"]
        for r in registrations["registrations"]
        if r["agency_type"] == "社保"
    }
    numbers = [r[0] for r in body["records"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for record in body["records"]:
        project = dict(zip(PROJECT_FIELDS, record, strict=True))
        assert re.fullmatch(r"GC4403\d{2}20\d{2}\d{6}", project["project_number"])
        assert project["project_name"].endswith("工程")
        assert project["project_address"].startswith("深圳市")
        assert AMOUNT.match(project["contract_amount"])
        assert _is_date(project["start_date"]) and _is_date(project["end_date"])
        assert _is_date(project["registered_on"])
        assert project["registered_on"] <= project["start_date"] < project["end_date"]
        assert project["registered_on"][:4] == project["project_number"][8:12]
        assert project["agency"] == social[project["unit_number"]]
        assert project["levy_item"] == "10204"
        assert project["status"] in ("在建", "停工", "竣工")
    without = http.get(
        "/mgmt/units/U000001/projects", headers=_login_unit(backend, http, "U000001")
    )
    assert without.json() == {"fields": PROJECT_FIELDS, "records": []}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_reference_endpoints_need_the_units_token(
    backend: BackendServer, http: httpx.Client, name: str
) -> None:
    missing = http.get(f"/mgmt/units/U000005/{name}")
    assert missing.status_code == 401 and error_of(missing)["code"] == "TOKEN_INVALID"
    bogus = http.get(f"/mgmt/units/U000005/{name}", headers={"Authorization": "Bearer nope"})
    assert bogus.status_code == 401
    other = http.get(f"/mgmt/units/U000005/{name}", headers=_login_unit(backend, http, "U000006"))
    assert other.status_code == 403 and error_of(other)["code"] == "FORBIDDEN"


def _fresh_unit(
    backend: BackendServer, http: httpx.Client, **kw: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    created = backend.create_taxpayer(employees_per_unit=0, **kw)
    unit = created["units"][0]
    return unit, login(http, unit["unit_id"], unit["initial_password"])


def test_admin_info_changes_show_on_the_next_get(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit, headers = _fresh_unit(backend, http)
    path = f"/mgmt/units/{unit['unit_id']}/info"
    before = http.get(path, headers=headers).json()
    changed = backend.set_unit_info(
        unit["unit_id"],
        unit_name="深圳市改名科技有限公司",
        listed=True,
        **dict.fromkeys(NULLABLE_INFO),
    )
    after = http.get(path, headers=headers).json()
    assert after == changed
    assert after["unit_name"] == "深圳市改名科技有限公司" and after["listed"] is True
    assert after["taxpayer_id"] == before["taxpayer_id"]
    assert all(after[name] is None for name in NULLABLE_INFO)
    backend.set_unit_info(unit["unit_id"], email="caiwu@example.cn")
    assert http.get(path, headers=headers).json()["email"] == "caiwu@example.cn"
    with pytest.raises(BackendError, match="422"):
        backend.set_unit_info(unit["unit_id"], unit_name=None)
    with pytest.raises(BackendError, match="UNIT_NOT_FOUND"):
        backend.set_unit_info("U999999", email=None)


def test_admin_insurance_changes_show_on_the_next_get(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit, headers = _fresh_unit(backend, http, unit_numbers=[["1357", "2468"]])
    path = f"/mgmt/units/{unit['unit_id']}/insurance"
    seeded = http.get(path, headers=headers).json()["records"]
    assert {r[0] for r in seeded} == {"1357", "2468"}
    # Same 单位编号 and 征收品目: the row is replaced in place.
    count = backend.add_insurance(
        unit["unit_id"], unit_number="1357", levy_item="10202", levy_category="102020001",
        status="注销", end_date="2026-10-31",
    )  # fmt: skip
    assert count == len(seeded)
    rows = http.get(path, headers=headers).json()["records"]
    row = next(r for r in rows if r[0] == "1357" and r[3] == "102020001")
    assert row[5:8] == [None, "2026-10-31", "注销"]
    assert row[1] == next(r[1] for r in seeded if r[0] == "1357" and r[3] == "102020001")
    assert row[8:10] == ["0.0070", "0.0030"]  # rates default from the region
    backend.clear_insurance(unit["unit_id"])
    assert http.get(path, headers=headers).json() == {"fields": INSURANCE_FIELDS, "records": []}
    count = backend.add_insurance(
        unit["unit_id"], unit_number="2468", levy_item="10203", levy_category="102030001",
        start_date="2020-01-01", personal_rate=None, tax_authority=None,
    )  # fmt: skip
    assert count == 1
    (row,) = http.get(path, headers=headers).json()["records"]
    registration = http.get(f"/mgmt/units/{unit['unit_id']}/registration", headers=headers)
    medical = {r["unit_number"]: r["agency"] for r in registration.json()["registrations"]}
    assert row[:2] == ["2468", medical["2468"]] and "医疗保障局" in row[1]
    assert row[7:] == ["正常", "0.0500", None, None]


def test_admin_projects_changes_show_on_the_next_get(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit, headers = _fresh_unit(backend, http, projects_per_unit=0)
    path = f"/mgmt/units/{unit['unit_id']}/projects"
    assert http.get(path, headers=headers).json() == {"fields": PROJECT_FIELDS, "records": []}
    number = backend.add_project(
        unit["unit_id"], "科苑大厦主体工程", contract_amount="12500000.00",
        start_date="2025-03-01", end_date="2026-12-31", registered_on="2025-02-20",
    )  # fmt: skip
    assert re.fullmatch(r"GC4403\d{2}2025\d{6}", number)
    bare = backend.add_project(
        unit["unit_id"], "临时工程", project_number="GCTEST0001", unit_number=None,
        agency=None, levy_item=None, registered_on=None, status="停工",
    )  # fmt: skip
    records = http.get(path, headers=headers).json()["records"]
    projects = {r[0]: dict(zip(PROJECT_FIELDS, r, strict=True)) for r in records}
    assert set(projects) == {number, bare}
    first = projects[number]
    assert first["unit_number"] == unit["unit_numbers"][0] and first["levy_item"] == "10204"
    assert first["agency"] and first["status"] == "在建"
    assert first["contract_amount"] == "12500000.00"
    assert all(projects[bare][name] is None for name in PROJECT_FIELDS if name not in (
        "project_number", "project_name", "status"
    ))  # fmt: skip
    with pytest.raises(BackendError, match="PROJECT_EXISTS"):
        backend.add_project(unit["unit_id"], "重复", project_number=bare)
    backend.remove_project(unit["unit_id"], number)
    assert [r[0] for r in http.get(path, headers=headers).json()["records"]] == [bare]
    with pytest.raises(BackendError, match="PROJECT_NOT_FOUND"):
        backend.remove_project(unit["unit_id"], number)


def test_create_taxpayer_with_projects_per_unit(backend: BackendServer, http: httpx.Client) -> None:
    created = backend.create_taxpayer(employees_per_unit=0, units=2, projects_per_unit=4)
    seen: set[str] = set()
    for unit in created["units"]:
        headers = login(http, unit["unit_id"], unit["initial_password"])
        records = http.get(f"/mgmt/units/{unit['unit_id']}/projects", headers=headers).json()
        numbers = [r[0] for r in records["records"]]
        assert len(numbers) == 4 and sorted(numbers) == sorted(unit["projects"])
        assert not seen & set(numbers)
        seen.update(numbers)
