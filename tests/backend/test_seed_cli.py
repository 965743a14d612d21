"""The command line, seed profiles, determinism of the generator and consistency of demo data."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_backend.demo_doc import render
from mock_backend.ids import birth_date_of_id_number, gender_of_id_number, is_valid_id_number
from mock_backend.names import HETERONYM_SURNAMES
from tests.backend.conftest import login
from tests.support.backend import ROOT, BackendServer, start_backend

SMALL = {"employees_per_unit": 12, "residents_per_unit": 9}


def test_help_lists_every_option() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mock_backend", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for option in (
        "--host", "--port", "--data-dir", "--seed", "--employees-per-unit", "--residents-per-unit",
        "--random-seed", "--processing-delay", "--admin", "--reset", "--access-log",
    ):  # fmt: skip
        assert option in out


def test_demo_data_doc_is_current() -> None:
    assert (ROOT / "docs" / "demo-data.md").read_text(encoding="utf-8") == render(20261123)


def _snapshot_of(server: BackendServer) -> dict[str, Any]:
    units = server.admin_get("units")
    return {
        "units": units,
        "records": {u["unit_id"]: server.dump(u["unit_id"], u["feed"])["records"] for u in units},
    }


def test_same_random_seed_same_data_and_reuse(tmp_path: Path) -> None:
    a = start_backend(tmp_path / "a", random_seed=7, **SMALL)
    b = start_backend(tmp_path / "b", random_seed=7, **SMALL)
    c = start_backend(tmp_path / "c", random_seed=8, **SMALL)
    try:
        first, second, third = _snapshot_of(a), _snapshot_of(b), _snapshot_of(c)
        assert first == second
        assert len(first["units"]) == 16
        assert {u["records"] for u in first["units"] if u["kind"] == "collector"} == {9}
        assert first["units"] != third["units"]
        assert first["records"]["U000005"] != third["records"]["U000005"]
        created = a.create_taxpayer(employees_per_unit=3)
    finally:
        for server in (a, b, c):
            server.stop()
    # Restarting on the same folder reuses the database instead of seeding again.
    again = start_backend(tmp_path / "a", random_seed=99, **SMALL)
    try:
        units = {u["unit_id"]: u for u in again.admin_get("units")}
        assert created["units"][0]["unit_id"] in units
        assert again.dump("U000005", "employees")["records"] == first["records"]["U000005"]
    finally:
        again.stop()
    fresh = start_backend(tmp_path / "a", random_seed=7, extra_args=["--reset"], **SMALL)
    try:
        assert created["units"][0]["unit_id"] not in {
            u["unit_id"] for u in fresh.admin_get("units")
        }
    finally:
        fresh.stop()


def test_bench_profile(tmp_path: Path) -> None:
    server = start_backend(tmp_path, seed="bench", employees_per_unit=300, residents_per_unit=40)
    try:
        units = server.admin_get("units")
        assert len(units) == 18
        bench_employer, bench_collector = units[-2], units[-1]
        assert (bench_employer["kind"], bench_employer["records"]) == ("employer", 300)
        assert (bench_collector["kind"], bench_collector["records"]) == ("collector", 40)
        assert units[4]["records"] == 200  # demo units keep the demo size
    finally:
        server.stop()


def test_seed_none_without_admin_and_ctrl_c(tmp_path: Path) -> None:
    server = start_backend(tmp_path, seed="none", admin=False)
    with httpx.Client(base_url=f"{server.url}/api/v1", trust_env=False) as http:
        assert len(http.get("/regions").json()["regions"]) == 4
        assert http.get("/admin/units").status_code == 404
        lookup = http.get(
            "/mgmt/taxpayers/91350100M000100Y43/units",
            params={"region": "440300", "kind": "employer"},
        )
        assert lookup.status_code == 404
    if sys.platform == "win32":
        server.stop()
        return
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0


def _code_sets(http: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    files = {f["code"] for f in http.get("/mgmt/rules", headers=headers).json()["files"]}
    assert files == {
        "id_types", "insured_status", "levy_items", "levy_categories", "levy_subcategories",
        "special_categories", "agencies", "base_limits", "levy_modes", "wage_rules", "fee_rates",
        "admin_divisions", "banks", "bank_branches", "refund_reasons", "refund_kinds",
        "resident_grades",
    }  # fmt: skip
    tables: dict[str, Any] = {}
    for code in files:
        content = http.get(f"/mgmt/rules/{code}", headers=headers).json()["content"]
        if code in ("wage_rules", "fee_rates", "resident_grades"):
            tables[code] = content
        elif code == "base_limits":
            tables[code] = {
                y["year"]: (float(y["lower"]), float(y["upper"])) for y in content["years"]
            }
        else:
            tables[code] = {e["code"]: e for e in content["entries"]}
    return tables


def test_demo_data_is_consistent(backend: BackendServer, http: httpx.Client) -> None:
    units = [u for u in backend.admin_get("units") if u["unit_id"] <= "U000016"]
    assert len(units) == 16
    surnames: Counter[str] = Counter()
    stopped = 0
    for unit in units:
        headers = login(http, unit["unit_id"], unit["initial_password"])
        tables = _code_sets(http, headers)
        registrations = http.get(
            f"/mgmt/units/{unit['unit_id']}/registration", headers=headers
        ).json()
        numbers = {r["unit_number"] for r in registrations["registrations"]}
        records = backend.dump(unit["unit_id"], unit["feed"])["records"]
        assert len(records) == unit["records"]
        for record in records:
            name, gender, id_type, id_number, birth = record[2:7]
            surnames[name[0]] += 1
            assert id_type in tables["id_types"]
            assert gender in ("男", "女")
            if id_type == "01":
                assert is_valid_id_number(id_number), id_number
                assert gender_of_id_number(id_number) == gender
                assert birth_date_of_id_number(id_number) == birth
            items = record[-1]
            if unit["kind"] == "employer":
                assert record[7] in tables["insured_status"]
                assert 2 <= len(items) <= 5
                stopped += record[7] != "1"
                for item in items:
                    unit_number, _person, levy, category, sub, special, base, start, end = item
                    assert unit_number in numbers
                    assert tables["levy_categories"][category]["parent"] == levy
                    assert tables["levy_subcategories"][sub]["parent"] == category
                    assert levy in tables["levy_items"] and special in tables["special_categories"]
                    year = int((end or "2026")[:4])
                    lower, upper = tables["base_limits"][min(max(year, 2019), 2026)]
                    assert (
                        lower <= float(base) <= upper
                        and base.count(".") == 1
                        and len(base.split(".")[1]) == 2
                    )
                    assert end is None or end >= start
            else:
                phone, township, village, status = record[7:11]
                assert phone is None or (len(phone) == 11 and phone.isdigit())
                assert township and village and status in tables["insured_status"]
                assert 1 <= len(items) <= 2
                for _person, levy, category, sub, start, end in items:
                    assert levy in ("10210", "10211")
                    assert tables["levy_subcategories"][sub]["parent"] == category
                    assert end is None or end >= start
    assert stopped > 100  # 停止缴费 statistics are not trivial
    assert len(set(HETERONYM_SURNAMES) & set(surnames)) >= 4


@pytest.mark.parametrize("kind", ["employer", "collector"])
def test_admin_units_listing_filters(backend: BackendServer, kind: str) -> None:
    units = backend.admin_get("units", kind=kind, region="440300")
    assert units and all(u["kind"] == kind and u["region"] == "440300" for u in units)
    for unit in units:
        if kind == "collector":
            assert unit["initial_password"] == unit["taxpayer_id"][-6:]
        else:
            assert unit["initial_password"] == unit["unit_numbers"][0][-6:].ljust(6, "0")
