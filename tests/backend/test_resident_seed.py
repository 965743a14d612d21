"""The demo seed of issue 12: every demo 代收单位 has a third of its residents declared for 2026
through 电子税务局 自主申报 (half of them paid, with arrears and 到账 to match), and every
region has 2,000 registered residents in no agent's feed."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.backend.conftest import login
from tests.support.backend import ROOT, BackendServer


def _rows(page: dict) -> list[dict]:
    return [dict(zip(page["fields"], r, strict=True)) for r in page["records"]]


def test_demo_collectors_have_self_declarations(backend: BackendServer, http: httpx.Client) -> None:
    backend.set_clock("2026-11-20 10:00:00")
    collectors = [u for u in backend.admin_get("units", kind="collector")
                  if u["unit_id"] <= "U000016"]  # fmt: skip
    assert len(collectors) == 5
    for unit in collectors:
        headers = login(http, unit["unit_id"], unit["initial_password"])
        path = f"/mgmt/units/{unit['unit_id']}"
        page = http.get(f"{path}/resident-statuses", params={"year": 2026, "limit": 20000},
                        headers=headers).json()  # fmt: skip
        rows = _rows(page)
        assert page["next_after_id"] is None and len(rows) == page["total"]
        residents = {r["resident_id"] for r in rows}
        declared = {r["resident_id"] for r in rows if r["declare_status"] == "已申报"}
        paid = {r["resident_id"] for r in rows if r["pay_status"] == "已缴费"}
        assert 0.3 <= len(declared) / len(residents) <= 0.37, unit["unit_id"]
        assert 0.45 <= len(paid) / len(declared) <= 0.55, unit["unit_id"]
        # a declared resident is declared for every 征收品目 insured, at the registered 档次
        assert {r["declare_status"] for r in rows if r["resident_id"] in declared} == {"已申报"}

        body = http.get(f"{path}/fee-declarations", params={"category": "self"},
                        headers=headers).json()  # fmt: skip
        declarations = body["declarations"]
        assert {(d["channel"], d["status"], d["data_source"]) for d in declarations} == {
            ("电子税务局", "申报成功", "04")
        }
        ids = {r["declaration_id"] for r in rows if r["declaration_id"]}
        assert ids == {d["declaration_id"] for d in declarations}
        for declaration in declarations:
            mine = [r for r in rows if r["declaration_id"] == declaration["declaration_id"]]
            assert declaration["headcount"] == len(mine)
            assert Decimal(declaration["amount"]) == sum(Decimal(r["amount"]) for r in mine)
            assert {r["pay_status"] for r in mine} == {
                "已缴费" if declaration["pay_status"] == "缴费成功" else "未缴费"
            }

        unpaid = {d["declaration_id"] for d in declarations if d["pay_status"] == "未缴费"}
        arrears = _rows(http.get(f"/collect/units/{unit['unit_id']}/arrears",
                                 headers=headers).json())  # fmt: skip
        assert {line["declaration_id"] for line in arrears} == unpaid
        arrived = _rows(http.get(f"{path}/arrivals", headers=headers).json())
        paid_amount = sum(Decimal(d["amount"]) for d in declarations if d["declaration_id"]
                          not in unpaid)  # fmt: skip
        assert {(a["channel"], a["state"]) for a in arrived} == {("批量扣款", "已到账")}
        assert sum(Decimal(a["amount"]) for a in arrived) == paid_amount


def test_registry_is_seeded_outside_every_feed(backend: BackendServer) -> None:
    for region in ("440300", "510100", "440100", "330100"):
        # the seeded ones come first, with consecutive ids (tests may register more after them)
        persons = backend.external_registry(region, limit=2000)
        ids = [p["id"] for p in persons]
        assert len(ids) == 2000 and ids == list(range(ids[0], ids[0] + 2000))
        assert ids[0] > 900_000_000 and all(p["items"] for p in persons)
        assert len({(p["id_type"], p["id_number"]) for p in persons}) == 2000
        feeds = {
            (r[4], r[5])
            for u in backend.admin_get("units", kind="collector", region=region)
            for r in backend.dump(u["unit_id"], "residents")["records"]
        }
        assert not feeds & {(p["id_type"], p["id_number"]) for p in persons}


def test_documented_registered_persons_are_registered(
    backend: BackendServer, http: httpx.Client
) -> None:
    """docs/demo-data.md names a few registered persons per region: the lookup finds them."""
    text = (ROOT / "docs" / "demo-data.md").read_text(encoding="utf-8")
    section = text[text.index("## 代收单位: 缴费档次") :]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| 4")
            or line.startswith("| 5")]  # fmt: skip
    assert len(rows) == 9
    for region in {r[0][2:] for r in rows}:
        unit = backend.admin_get("units", kind="collector", region=region)[0]
        headers = login(http, unit["unit_id"], unit["initial_password"])
        sent = [{"name": r[1], "id_type": "01", "id_number": r[2]} for r in rows
                if r[0][2:] == region]  # fmt: skip
        answer = http.post(f"/mgmt/units/{unit['unit_id']}/external-residents/lookup",
                           json={"persons": sent}, headers=headers).json()  # fmt: skip
        assert [r["status"] for r in answer["results"]] == ["正常参保"] * 3
