"""城乡居民个人缴费 pages (pytest-qt) against the real backend: a resident pays by scanning the QR
code (decoded from the dialog's image with zbarimg, its URL followed), the dialog's polling
shows 支付成功, the row is no longer pending and the order is listed in 缴费记录查询; rows of one
征集通知流水号 are one tick box and a split is refused; an order that moved on cannot be paid
again; a connection dropped while the order is made leaves one order."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from client.collector.module import DESCRIPTOR
from client.personal_payment import rules
from client.personal_payment.service import PersonalPayments
from client.sync.submissions import SubmissionUncertainError
from client.ui.personal_payment.pay_page import EMPTY, PersonalPayPage, VerifiedPayPage
from client.ui.personal_payment.records_page import PersonalPaymentsPage
from tests.collector.collector_pages import open_page, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents
from tests.personal_payment.walk import ask, read_qr, scan_and_pay

PENSION = "102100001"
PENDING_TITLES = [
    "社保经办机构",
    "人员编号",
    "征收项目",
    "征收品目",
    "征收子目",
    "缴费类型",
    "缴费金额",
]
RECORD_TITLES = ["订单生成日期", "姓名", "证件类型", "证件号码", "参保险种", "缴费年度",
                 "缴费金额(元)", "缴费状态"]  # fmt: skip
DETAIL_TITLES = ["主管税务机关", "社保经办机构", "人员编号", "征收项目", "征收金额", "征收日期"]


def grade_amount(cu: CollectorUnit, grade: str) -> Decimal:
    entries = cu.app.app_db.rule_file("resident_grades")["entries"]
    return next(
        Decimal(e["amount"])
        for e in entries
        if e["year"] == YEAR and e["levy_category"] == PENSION and e["grade"] == grade
    )


def choose_and_confirm(qtbot: Any, page: Any, method: str) -> Any:
    page.list.trigger_action("pay")
    dialog = page.method_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.btn_confirm.click()  # nothing chosen yet
    assert dialog.error.text() == "请选择支付方式。" and dialog.isVisible()
    dialog.choose(method)
    dialog.btn_confirm.click()
    return page.handle


def titles(page: Any) -> list[str]:
    return [column.title for column in page.list.spec.columns]


def test_columns_in_the_manuals_order(qtbot: Any, collector_unit: CollectorUnit) -> None:
    """§3.21/§3.22: 待缴费信息's columns as the figure shows them, then 缴费年度 and
    征集通知流水号; §3.23: 缴费记录查询's as the figure shows them, then 订单号 and 支付方式."""
    pay = open_page(qtbot, collector_unit, PersonalPayPage)
    assert titles(pay)[:7] == PENDING_TITLES
    records = open_page(qtbot, collector_unit, PersonalPaymentsPage)
    assert titles(records)[:8] == RECORD_TITLES


def test_self_payment_by_qr_code(qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path) -> None:
    cu = collector_unit
    a, b = insured_residents(cu, PENSION)[:2]
    declare(cu, [{**a, "levy_category": PENSION, "grade": "05"},
                 {**b, "levy_category": PENSION, "grade": "03"}])  # fmt: skip
    page = open_page(qtbot, cu, PersonalPayPage)
    assert page.list.total == 0 and page.list.empty_text == EMPTY

    ask(page, {**a, "name": ""})
    wait(qtbot, page.handle)
    assert page.prompts.last.text == "请填写姓名。"

    ask(page, a)
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 1)
    amount = grade_amount(cu, "05")
    assert shown(page, 0, "amount") == f"{amount:,.2f}"
    assert shown(page, 0, "year") == str(YEAR)
    assert dict(page.list.summary_items)["姓名"] == a["name"]

    page.list.trigger_action("pay")  # nothing ticked
    assert page.prompts.last.text == rules.NOTHING_TICKED
    page.list.set_checked(0)
    wait_ok(qtbot, choose_and_confirm(qtbot, page, "支付宝"))
    qtbot.waitUntil(lambda: page.payment_dialog is not None)
    dialog = page.payment_dialog
    assert dialog.order["state"] == "待支付" and dialog.order["method"] == "支付宝"
    assert dialog.amount.text() == f"缴费金额: {amount:,.2f} 元"
    qtbot.waitUntil(lambda: dialog.polls >= 1)  # asked, still 待支付
    assert dialog.state.text() == "订单状态: 待支付" and dialog.timer.isActive()

    url = read_qr(dialog, tmp_path)
    assert url == dialog.order_url and f"/pay/{dialog.order['order_id']}/" in url
    assert scan_and_pay(url).status_code == 200
    qtbot.waitUntil(lambda: dialog.settled, timeout=20_000)
    assert dialog.state.text() == "订单状态: 支付成功"
    assert dialog.result.text() == "缴费成功，款项已支付。" and not dialog.timer.isActive()
    qtbot.waitUntil(lambda: page.handle.done and page.list.total == 0)  # asked again
    dialog.btn_close.click()

    ask(page, b)  # the other resident of the same declaration still owes
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 1)

    records = open_page(qtbot, cu, PersonalPaymentsPage)
    records.list.query_clicked()
    wait_ok(qtbot, records.handle)
    qtbot.waitUntil(lambda: records.list.total == 1)
    assert shown(records, 0, "name") == a["name"]
    assert shown(records, 0, "state") == "支付成功"
    assert shown(records, 0, "amount") == f"{amount:,.2f}"
    pension_name = cu.app.app_db.code_table("levy_items")["10210"]
    assert shown(records, 0, "levy_items") == pension_name
    assert [x.key for x in records.list.model.visible_actions(0)] == ["view"]  # no 缴费
    records.list.trigger_row_action(0, "view")
    wait_ok(qtbot, records.handle)
    detail = records.detail_dialog
    assert detail is not None and detail.field_text("缴费状态") == "支付成功"
    (table,) = detail.visible_tables()
    (line,) = detail.table_texts(table)
    assert f"{amount:,.2f}" in line and pension_name in line
    model = table.model()
    titles = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())]
    assert titles[:6] == DETAIL_TITLES  # the manual's 缴费记录明细 columns, in its order
    detail.reject()


@pytest.mark.collector(region="440100")
def test_verified_serial_paid_together_and_changed_orders(
    qtbot: Any, collector_unit: CollectorUnit
) -> None:
    cu = collector_unit
    assert cu.session.region.collection_mode == "税务代征"
    menu = [e.key for e, _ in DESCRIPTOR.entries("税务代征")]
    assert "personal_pay_verified" in menu and "personal_pay_self" not in menu
    assert "personal_pay_self" in [e.key for e, _ in DESCRIPTOR.entries("税务自主")]
    two = [p for p in insured_residents(cu, PENSION)
           if len(insured_residents_of(cu, p)) == 2]  # fmt: skip
    person = two[0]
    page = open_page(qtbot, cu, VerifiedPayPage)
    ask(page, person)
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 2)
    serials = {r["collection_serial"] for r in page.list.rows}
    assert len(serials) == 1 and None not in serials  # one 征集通知流水号: one tick box
    assert page.list.model.has_tick_box(0) and not page.list.model.has_tick_box(1)
    page.list.set_condition("levy_item", "10211")  # 医疗 only: its group is shown whole
    page.list.query_clicked()
    wait_ok(qtbot, page.handle)
    assert {r["levy_item"] for r in page.list.rows} == {"10210", "10211"}
    page.list.set_checked(0)
    assert len(page.list.checked_keys()) == 2  # ticked together

    found = page.found
    split = PersonalPayments(cu.session.api, cu.session.db, cu.unit_id)
    with pytest.raises(rules.PaymentRuleError) as refused:
        split.create_order(found, found.rows[:1], "微信")
    (serial,) = serials
    assert refused.value.message == rules.serial_split(serial)

    wait_ok(qtbot, choose_and_confirm(qtbot, page, "微信"))
    qtbot.waitUntil(lambda: page.payment_dialog is not None)
    first = page.payment_dialog.order
    total = sum(Decimal(r["amount"]) for r in found.rows)
    assert Decimal(first["amount"]) == total
    page.payment_dialog.btn_close.click()  # the clerk closes it; the order stays 待支付

    # paying again with 政融支付 makes a new order and closes the first
    page.list.set_checked(0)
    wait_ok(qtbot, choose_and_confirm(qtbot, page, "政融支付"))
    qtbot.waitUntil(
        lambda: page.payment_dialog.order["order_id"] != first["order_id"]  # a new dialog
    )
    second = page.payment_dialog.order
    assert second["order_id"] != first["order_id"]

    records = open_page(qtbot, cu, PersonalPaymentsPage)
    records.list.set_condition("id_number", person["id_number"])
    records.list.query_clicked()
    wait_ok(qtbot, records.handle)
    qtbot.waitUntil(lambda: records.list.total == 2)
    states = {r["order_id"]: r["state"] for r in records.list.rows}
    assert states == {first["order_id"]: "已关闭", second["order_id"]: "待支付"}
    records.list.set_condition("state", "已关闭")
    records.list.query_clicked()
    wait_ok(qtbot, records.handle)
    qtbot.waitUntil(lambda: [r["order_id"] for r in records.list.rows] == [first["order_id"]])
    records.list.set_condition("state", None)
    records.list.set_condition("period", (f"{YEAR + 1}-01", f"{YEAR + 1}-12"))
    records.list.query_clicked()  # 费款所属期起止 after the year paid: none of them
    wait_ok(qtbot, records.handle)
    qtbot.waitUntil(lambda: records.handle.done and records.list.total == 0)
    records.list.set_condition("period", (f"{YEAR}-06", f"{YEAR}-06"))
    records.list.query_clicked()
    wait_ok(qtbot, records.handle)
    qtbot.waitUntil(lambda: records.list.total == 2)
    stale = next(i for i, r in enumerate(records.list.rows) if r["order_id"] == second["order_id"])
    # the payer pays the second order on the phone while the list still says 待支付
    assert scan_and_pay(page.payment_dialog.order_url).status_code == 200
    qtbot.waitUntil(lambda: page.payment_dialog.settled, timeout=20_000)
    records.list.trigger_row_action(stale, "pay")
    wait(qtbot, records.handle)
    assert records.prompts.last.text == "订单状态已变更，不能继续支付。"
    assert records.prompts.last.title == "温馨提示"
    qtbot.waitUntil(lambda: {r["state"] for r in records.list.rows} == {"已关闭", "支付成功"})

    ask(page, person)
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.handle.done and page.list.total == 0)


def insured_residents_of(cu: CollectorUnit, person: dict[str, Any]) -> list[str]:
    """The 城乡居民 征收品目 the person is insured in this year."""
    with cu.session.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT levy_category FROM resident_items WHERE resident_id = ?"
            " AND start_month <= ? AND (end_month IS NULL OR end_month >= ?)",
            (person["id"], f"{YEAR}-12", f"{YEAR}-01"),
        ).all()
    return [r[0] for r in rows]


def test_a_dropped_connection_makes_one_order(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    (a,) = insured_residents(cu, PENSION)[:1]
    declare(cu, [{**a, "levy_category": PENSION, "grade": "02"}])
    page = open_page(qtbot, cu, PersonalPayPage)
    ask(page, a)
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 1)
    page.service.api.retries = 0  # no silent retry: the outcome must stay unknown
    path = f"/api/v1/collect/units/{cu.unit_id}/personal-orders"
    cu.backend.add_fault("drop", path_prefix=path, method="POST", count=1, after_bytes=0)
    try:
        page.list.set_checked(0)
        wait(qtbot, choose_and_confirm(qtbot, page, "微信"))
    finally:
        cu.backend.clear_faults()
    assert isinstance(page.handle.error, SubmissionUncertainError)
    assert page.payment_dialog is None
    assert page.service.submitter.pending("personal_order")  # kept for the next click

    page.list.set_checked(0)
    wait_ok(qtbot, choose_and_confirm(qtbot, page, "微信"))
    qtbot.waitUntil(lambda: page.payment_dialog is not None)
    made = page.payment_dialog.order
    assert page.service.submitter.pending("personal_order") == []
    orders = page.service.orders(id_type="01", id_number=a["id_number"])
    assert [o["order_id"] for o in orders] == [made["order_id"]]  # one order
    assert orders[0]["state"] == "待支付"
    page.payment_dialog.btn_close.click()  # closed before the payer scanned

    records = open_page(qtbot, cu, PersonalPaymentsPage)  # 缴费 from 缴费记录查询
    records.list.query_clicked()
    wait_ok(qtbot, records.handle)
    qtbot.waitUntil(lambda: records.list.total == 1)
    assert [x.key for x in records.list.model.visible_actions(0)] == ["view", "pay"]
    records.list.trigger_row_action(0, "pay")
    wait_ok(qtbot, records.handle)
    dialog = records.payment_dialog
    assert dialog is not None and dialog.order["order_id"] == made["order_id"]
    assert read_qr(dialog, tmp_path) == page.payment_dialog.order_url  # the same order
    assert scan_and_pay(dialog.order_url, "fail").status_code == 200  # the payer gives up
    qtbot.waitUntil(lambda: dialog.settled, timeout=20_000)
    assert dialog.state.text() == "订单状态: 支付失败"
    assert dialog.result.text() == "支付失败：交易失败，缴费人取消了支付，未扣款。"
    qtbot.waitUntil(lambda: [r["state"] for r in records.list.rows] == ["支付失败"])
    assert [x.key for x in records.list.model.visible_actions(0)] == ["view"]
    dialog.btn_close.click()
    ask(page, a)  # nothing was paid: still pending
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.handle.done and page.list.total == 1)
