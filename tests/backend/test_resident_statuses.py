"""城乡居民申报缴费状态: the snapshot pages every resident × 征收品目 insured that year (feed
first, then 正常参保 external residents), with the declaration covering them (自主 or 核定)
and its payment."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.resident_unit import (
    ADULT,
    MINOR,
    PENSION,
    ResidentUnit,
    make_resident_unit,
    person,
    row,
)
from tests.support.backend import BackendServer


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def test_statuses_follow_declarations_and_payment(
    backend: BackendServer, unit: ResidentUnit
) -> None:
    a = unit.resident("王芳", (PENSION, ADULT))
    b = unit.resident("李明", (ADULT,))
    c = unit.resident("赵强", (PENSION,), end="2025-06")  # stopped before the year
    d = unit.resident("孙丽", (MINOR,))
    outsider = unit.registered("钱多", (PENSION,))
    assert unit.put_external([person(outsider)]).json() == {"count": 1, "registered": 1}

    rows = unit.status_rows(limit=2)
    assert [(r["resident_id"], r["levy_category"]) for r in rows] == [
        (a["id"], PENSION), (a["id"], ADULT), (b["id"], ADULT), (d["id"], MINOR),
        (outsider["id"], PENSION),
    ]  # fmt: skip
    assert outsider["id"] >= 900_000_000 and c["id"] not in {r["resident_id"] for r in rows}
    assert {(r["declare_status"], r["pay_status"], r["declaration_id"]) for r in rows} == {
        ("未申报", None, None)
    }
    assert rows[0] | {"resident_id": 0} == {
        "resident_id": 0, "name": "王芳", "id_type": "01", "id_number": a["id_number"],
        "township": "福永街道", "village": "凤凰社区第1组", "levy_item": "10210",
        "levy_category": PENSION, "declare_status": "未申报", "pay_status": None, "grade": None,
        "amount": None, "declaration_id": None, "declared_at": None, "paid_at": None,
    }  # fmt: skip

    (pension,) = unit.declare_rows([row(a, PENSION, "08"), row(outsider, PENSION, "02")])
    (medical,) = unit.declare_rows([row(b, ADULT, "01")])
    backend.pay_fee_declaration(unit.unit_id, pension["declaration_id"])
    amounts = {(e["levy_category"], e["grade"]): Decimal(e["amount"])
               for e in unit.rule("resident_grades")["entries"] if e["year"] == 2026}  # fmt: skip
    declared = unit.declaration(pension["declaration_id"])
    assert declared["pay_status"] == "缴费成功"
    by_key = {(r["resident_id"], r["levy_category"]): r for r in unit.status_rows(limit=3)}
    for who, grade in ((a, "08"), (outsider, "02")):
        got = by_key[(who["id"], PENSION)]
        assert (got["declare_status"], got["pay_status"], got["grade"]) == (
            "已申报",
            "已缴费",
            grade,
        )
        assert Decimal(got["amount"]) == amounts[(PENSION, grade)]
        assert (got["declaration_id"], got["declared_at"]) == (
            pension["declaration_id"], declared["submitted_at"]
        )  # fmt: skip
        assert got["paid_at"] is not None and got["paid_at"] >= got["declared_at"]
    got = by_key[(b["id"], ADULT)]
    assert (got["declare_status"], got["pay_status"], got["grade"], got["paid_at"]) == (
        "已申报", "未缴费", "01", None
    )  # fmt: skip
    assert got["declaration_id"] == medical["declaration_id"]
    assert by_key[(a["id"], ADULT)]["declare_status"] == "未申报"
    assert by_key[(d["id"], MINOR)]["declare_status"] == "未申报"
    # another year has its own snapshot: nothing declared for 2025
    assert {r["declare_status"] for r in unit.status_rows(2025)} == {"未申报"}


def test_a_core_declaration_counts_too(backend: BackendServer, unit: ResidentUnit) -> None:
    """核定 (03) items declared by item id mark their residents 已申报 at their 档次."""
    a = unit.resident("王芳", (PENSION, ADULT), tier="04")
    items = [i for i in unit.items() if i["data_source"] == "03"]
    assert {i["levy_category"] for i in items} == {PENSION, ADULT}
    unit.declare([i["item_id"] for i in items])
    rows = {r["levy_category"]: r for r in unit.status_rows()}
    assert (rows[PENSION]["declare_status"], rows[PENSION]["grade"]) == ("已申报", "04")
    assert (rows[ADULT]["declare_status"], rows[ADULT]["grade"]) == ("已申报", "01")
    # and a 自主 request for the same year then finds them declared
    (again,) = unit.declare_rows([row(a, PENSION, "06")])
    assert unit.declaration(again["declaration_id"])["failed_rows"] == [
        {"index": 0, "id_number": a["id_number"], "reason": "该年度已申报"}
    ]


def test_paging_and_refusals(unit: ResidentUnit) -> None:
    people = [unit.resident(f"居民{n}", (PENSION, ADULT) if n % 2 else (ADULT,)) for n in range(7)]
    whole = unit.status_rows(limit=20_000)
    assert len(whole) == 10
    for limit in (1, 3, 4):
        assert unit.status_rows(limit=limit) == whole
    first = unit.statuses(limit=3).json()
    assert (first["total"], first["next_after_id"]) == (10, people[2]["id"])
    assert len({r[0] for r in first["records"]}) == 3
    last = unit.statuses(after_id=people[-1]["id"]).json()
    assert (last["records"], last["next_after_id"], last["total"]) == ([], None, 10)

    for params, field in (({"year": ""}, "year"), ({"year": "26"}, "year")):
        response = unit.http.get(f"{unit.path}/resident-statuses", params=params,
                                 headers=unit.headers)  # fmt: skip
        assert response.status_code == 422 and error_of(response)["details"]["field"] == field
    missing = unit.http.get(f"{unit.path}/resident-statuses", headers=unit.headers)
    assert error_of(missing)["message"] == "请填写缴费年度。"
    too_many = unit.statuses(limit=20_001)
    assert too_many.status_code == 422
