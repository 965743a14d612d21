"""社保费到账信息查询 against the real backend: a declaration paid (admin), its lines 入库 after
the server clock moves on and 到账 once processed; the service keeps them (a malformed answer
changes nothing) and the page lists them with their states, conditions, the exact total and
the export."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from client.fees.declare import FeeDeclarations
from client.fees.rules import DAILY, INITIAL, PROJECT, SPECIAL, declaration_page
from client.payments.arrivals import ARRIVED, STORED, Arrivals
from client.sync.errors import MalformedResponseError
from client.ui.payments.arrivals_page import ArrivalsPage
from tests.fees.conftest import FeeUnit, insured_normally, open_unit
from tests.fees.test_fee_pages import Pages

STORE_DELAY, ARRIVE_DELAY = 60, 120  # the contract's defaults, set here for the test


@pytest.fixture
def unit(backend: Any, tmp_path: Path) -> Iterator[FeeUnit]:
    opened = open_unit(backend, tmp_path / "client", employees=3)
    backend.admin_post(
        "bank", {"store_delay_seconds": STORE_DELAY, "arrive_delay_seconds": ARRIVE_DELAY}
    )
    yield opened
    opened.app.close()


def paid_declaration(unit: FeeUnit, levy_item: str) -> dict[str, Any]:
    """One 日常申报 of the unit's first 预处理信息 box of `levy_item`, processed and paid."""
    service = FeeDeclarations(unit.session.api, unit.session.db, unit.unit_id)
    service.items.refresh((DAILY, SPECIAL, PROJECT))
    with unit.session.db.engine.connect() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.exec_driver_sql(
                "SELECT * FROM fee_items WHERE category = ? AND data_source = '01' AND state = ?"
                " AND levy_item = ? ORDER BY period_start, merge_key",
                (DAILY, INITIAL, levy_item),
            )
        ]
    box = [r for r in rows if r["merge_key"] == rows[0]["merge_key"]]
    insured_normally(unit, box)
    plan = service.plan(declaration_page("daily", "税务自主"), [r["item_id"] for r in box])
    (made,) = service.submit(plan).declarations
    unit.backend.process_fee_declaration(unit.unit_id, made["declaration_id"])
    return dict(unit.backend.pay_fee_declaration(unit.unit_id, made["declaration_id"]))


def local_arrivals(unit: FeeUnit) -> list[dict[str, Any]]:
    service = Arrivals(unit.session.api, unit.session.db, unit.unit_id)
    return list(service.source().rows({}, []))


def test_paid_lines_are_stored_then_arrive(unit: FeeUnit) -> None:
    service = Arrivals(unit.session.api, unit.session.db, unit.unit_id)
    assert service.refresh() == 0  # paid just now: not 入库 yet
    pension = paid_declaration(unit, "10201")
    assert service.refresh() == 0
    unit.backend.set_clock(offset_seconds=STORE_DELAY + 5)
    count = service.refresh()
    rows = local_arrivals(unit)
    assert count == len(rows) > 0
    assert {r["state"] for r in rows} == {STORED} and all(r["arrived_on"] is None for r in rows)
    assert {r["part"] for r in rows} <= {"单位缴纳", "个人缴纳"}
    assert service.total({}) == Decimal(pension["amount"])  # the lines add up to the declaration
    assert all(r["stored_on"] and r["paid_at"] for r in rows)

    unit.backend.admin_post(f"units/{unit.unit_id}/arrivals/process")
    service.refresh()
    rows = local_arrivals(unit)
    assert {r["state"] for r in rows} == {ARRIVED} and all(r["arrived_on"] for r in rows)

    # a malformed answer keeps what was fetched
    unit.backend.add_fault(
        "malformed", path_prefix=f"/api/v1/mgmt/units/{unit.unit_id}/arrivals", count=1
    )
    with pytest.raises(MalformedResponseError):
        service.refresh()
    assert local_arrivals(unit) == rows
    real_get = unit.session.api.get_json
    answer = real_get(service.path)
    bad = [
        {**answer, "fields": answer["fields"][:-1]},
        {**answer, "records": [[*answer["records"][0][:-1], "已退库"]]},
        {**answer, "records": [[*answer["records"][0][:8], "12.5", *answer["records"][0][9:]]]},
    ]
    for payload in bad:
        unit.session.api.get_json = lambda *_a, _p=payload, **_k: _p  # type: ignore[method-assign]
        with pytest.raises(MalformedResponseError):
            service.refresh()
    unit.session.api.get_json = real_get  # type: ignore[method-assign]
    assert local_arrivals(unit) == rows


@pytest.mark.ui
def test_the_page_lists_states_conditions_total_and_export(
    qtbot: Any, unit: FeeUnit, tmp_path: Path
) -> None:
    pension = paid_declaration(unit, "10201")
    unit.backend.set_clock(offset_seconds=STORE_DELAY + 5)
    unit.backend.admin_post(f"units/{unit.unit_id}/arrivals/process")  # 养老: 到账
    injury = paid_declaration(unit, "10204")  # 工伤: paid later, only 入库
    unit.backend.set_clock(offset_seconds=2 * STORE_DELAY + 10)

    p = Pages(qtbot, unit)
    page: ArrivalsPage = p.open_page("fee_arrivals")
    p.wait(page)
    qtbot.waitUntil(lambda: page.list.total > 0)
    assert page.objectName() == "page_fee_arrivals"
    rows = page.list.rows
    states = {r["levy_item"]: r["state"] for r in rows}
    assert states == {"10201": ARRIVED, "10204": STORED}
    whole = Decimal(pension["amount"]) + Decimal(injury["amount"])
    assert page.list.summary_items == [("缴费金额合计", f"{whole:,.2f}元")]
    assert page.list.summary_label.text() == f"缴费金额合计：{whole:,.2f}元"
    model = page.list.model
    first = next(i for i, r in enumerate(rows) if r["levy_item"] == "10201")
    assert model.index(first, model.column_index("state")).data() == ARRIVED
    assert model.index(first, model.column_index("levy_item")).data() == "企业职工基本养老保险费"
    assert model.index(first, model.column_index("channel")).data() == "批量扣款"

    # conditions: 到账状态, 征收项目, 费款所属期 (the total follows them)
    page.list.set_condition("state", STORED)
    page.list.query()
    assert {r["levy_item"] for r in page.list.rows} == {"10204"}
    assert page.list.summary_items == [("缴费金额合计", f"{Decimal(injury['amount']):,.2f}元")]
    page.list.reset()
    page.list.set_condition("levy_item", "10201")
    page.list.query()
    assert {r["state"] for r in page.list.rows} == {ARRIVED}
    period = page.list.rows[0]["period_start"]
    page.list.reset()
    page.list.set_condition("period", ("2000-01", "2000-12"))
    page.list.query()
    assert page.list.total == 0
    assert page.list.summary_items == [("缴费金额合计", "0.00元")]
    page.list.set_condition("period", (period, period))
    page.list.query()
    assert page.list.total > 0 and all(
        r["period_start"] <= period <= r["period_end"] for r in page.list.rows
    )

    # 导出: every row of the query, amounts as numbers
    page.list.reset()
    target = tmp_path / "到账.xlsx"
    page.list.save_path_provider = lambda _name: str(target)
    page.list.trigger_action("export")
    handle = page.list.last_export
    qtbot.waitUntil(lambda: handle is not None and handle.done, timeout=30_000)
    sheet = openpyxl.load_workbook(target, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    header = next(i for i, v in enumerate(values) if v and "缴费金额（元）" in v)
    column = values[header].index("缴费金额（元）")
    exported = [v for v in values[header + 1 :] if v and v[0]]
    assert len(exported) == page.list.total
    assert sum(Decimal(str(v[column])) for v in exported) == whole
