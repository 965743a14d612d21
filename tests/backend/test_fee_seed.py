"""The demo seed's fee history: 2026-09/10 declared through 电子税务局, 特殊缴费, project items."""

from __future__ import annotations

import httpx

from tests.backend.conftest import login
from tests.support.backend import BackendServer

SPECIALS = {"U000001": 2, "U000003": 1, "U000005": 2, "U000007": 1, "U000009": 2, "U000011": 1}


def test_demo_employers_have_fee_history(backend: BackendServer, http: httpx.Client) -> None:
    backend.set_clock("2026-11-20 10:00:00")
    units = [u for u in backend.admin_get("units", kind="employer") if u["unit_id"] <= "U000011"]
    assert len(units) == 11
    expired = failed = 0
    for unit in units:
        headers = login(http, unit["unit_id"], unit["initial_password"])
        path = f"/mgmt/units/{unit['unit_id']}"
        body = http.get(f"{path}/fee-declarations", params={"to": "2026-10-31"},
                        headers=headers).json()  # fmt: skip
        declarations = body["declarations"]
        assert {d["channel"] for d in declarations} == {"电子税务局"}
        assert {d["period_start"] for d in declarations} == {"2026-09", "2026-10"}
        state = body["item_fields"].index("state")
        for declaration in declarations:
            if declaration["status"] == "申报失败":
                failed += 1
                assert "参保状态为暂停" in declaration["reason"]
                assert {i[state] for i in declaration["items"]} == {"初始"}
                continue
            assert declaration["status"] == "申报成功"
            paid = "缴费成功" if declaration["period_start"] == "2026-09" else "未缴费"
            assert declaration["pay_status"] == paid
            assert {i[state] for i in declaration["items"]} == {"申报成功"}
        page = http.get(f"{path}/fee-items", params={"category": "special"}, headers=headers)
        items = [dict(zip(page.json()["fields"], r, strict=True)) for r in page.json()["records"]]
        assert len({i["collection_serial"] for i in items}) == SPECIALS.get(unit["unit_id"], 0)
        expired += sum(i["valid_until"] < "2026-11-20" for i in items)
        projects = http.get(f"{path}/projects", headers=headers).json()["records"]
        building = {p[0] for p in projects if p[9] == "在建"}
        page = http.get(f"{path}/fee-items", params={"category": "project"}, headers=headers)
        made = {r[page.json()["fields"].index("project_number")] for r in page.json()["records"]}
        assert made == building
    assert expired >= 3 and 0 < failed < 10
