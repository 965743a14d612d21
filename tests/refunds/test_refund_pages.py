"""单位退费申请管理 page and its wizard (pytest-qt) against the real backend: the local list on
opening, 新增退费申请 → 退费方式 → 查询 the 税票 rows → tick and edit 退费金额 → 退费账户 (checked
before sending) → 提交申请 → confirmation → result → the list shows it; a refusal of the
征收子系统 shown in its sentence on the rows step with everything typed kept; 刷新 with its
states to 已退库; 查看; 查询 by 状态; 职工明细退费 with its conditions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from client.refunds.rules import ACCEPTED as RECEIVED
from client.refunds.rules import BY_PERSON, BY_TICKET, NO_REFUNDABLE, REFUNDED, TIP
from client.ui.listpage.spec import format_amount
from client.ui.refunds.page import RESULT_TITLE, RefundApplicationsPage
from client.ui.refunds.wizard import ACCOUNT_STEP, METHOD_STEP, ROWS_STEP, RefundWizard
from tests.fees.test_fee_pages import Pages
from tests.refunds.conftest import ACCOUNT_NUMBER, PERIOD, RefundUnit

pytestmark = pytest.mark.ui


def click(p: Pages, widget: Any) -> None:
    p.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_page(p: Pages) -> RefundApplicationsPage:
    """单位退费申请管理 from the 用人单位 menu."""
    page = p.open_page("unit_refunds")
    assert isinstance(page, RefundApplicationsPage)
    return page


def open_wizard(p: Pages, page: RefundApplicationsPage) -> RefundWizard:
    click(p, page.list.action_widgets["new"])
    wizard = page.wizard
    assert wizard is not None and wizard.isVisible() and wizard.step == METHOD_STEP
    return wizard


def query_rows(p: Pages, wizard: RefundWizard) -> list[dict[str, Any]]:
    rows = wizard.rows
    click(p, rows.list.btn_query)
    p.qtbot.waitUntil(lambda: rows.handle is not None and rows.handle.done, timeout=30_000)
    assert rows.handle is not None and rows.handle.error is None, rows.handle.error
    return rows.list.rows


def fill_account(wizard: RefundWizard) -> None:
    wizard.choose(wizard.combo_bank, "102")
    wizard.edit_account_number.setText(ACCOUNT_NUMBER)
    wizard.choose(wizard.combo_reason, "02")
    wizard.edit_statement.setPlainText("2026年重复缴纳，申请退还多缴部分。")


def submit(p: Pages, wizard: RefundWizard) -> None:
    click(p, wizard.btn_submit)
    p.qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done, timeout=30_000)


def to_account_step(p: Pages, page: RefundApplicationsPage) -> tuple[RefundWizard, list[Any]]:
    wizard = open_wizard(p, page)
    wizard.choose_method(BY_TICKET)
    click(p, wizard.btn_next)
    wizard.rows.list.set_condition("period", PERIOD)
    rows = query_rows(p, wizard)
    wizard.rows.list.set_checked(0)
    click(p, wizard.btn_next)
    assert wizard.step == ACCOUNT_STEP, wizard.label_error.text()
    return wizard, rows


@pytest.fixture
def pages(qtbot: Any, refund_unit: Any) -> Pages:
    ru: RefundUnit = refund_unit()
    p = Pages(qtbot, ru.unit)
    p.ru = ru  # type: ignore[attr-defined]
    return p


def test_new_application_through_the_wizard_then_refresh_to_refunded(pages: Pages) -> None:
    p = pages
    ru: RefundUnit = p.ru  # type: ignore[attr-defined]
    page = open_page(p)
    assert page.objectName() == "page_unit_refunds" and page.list.total == 0
    assert page.list.placeholder_visible

    # step 1: 退费方式 with its 温馨提示; 下一步 needs a choice
    wizard = open_wizard(p, page)
    assert wizard.findChild(type(wizard.label_error), "label_method_tip").text() == TIP
    click(p, wizard.btn_next)
    assert wizard.step == METHOD_STEP and wizard.label_error.text() == "请选择退费方式。"
    wizard.choose_method(BY_TICKET)
    click(p, wizard.btn_next)
    assert wizard.step == ROWS_STEP and wizard.rows.objectName() == "step_rows_ticket"

    # step 2: 查询 the ticket rows of a 费款所属期 (the server answers the same rows)
    wizard.rows.list.set_condition("period", PERIOD)
    rows = query_rows(p, wizard)
    server = ru.service().ticket_rows(*PERIOD)
    assert [r["row_id"] for r in rows] == [r["row_id"] for r in server]
    assert all(r["check"] == "一致" and r["amount"] == r["refundable"] for r in rows)
    click(p, wizard.btn_next)  # nothing ticked
    assert wizard.step == ROWS_STEP and wizard.label_error.text() == "请先勾选需要退费的明细。"

    steps = wizard.rows
    steps.list.set_checked(0)
    assert steps.set_amount(rows[1]["row_id"], "abc")  # typed, kept, ticks the row
    assert wizard.label_error.text() == "退费金额应大于0且最多两位小数。"
    assert len(steps.list.checked_keys()) == 2
    click(p, wizard.btn_next)
    assert (
        wizard.step == ROWS_STEP and wizard.label_error.text() == "退费金额应大于0且最多两位小数。"
    )
    steps.set_amount(rows[1]["row_id"], "0.5")
    expected = Decimal(rows[0]["refundable"]) + Decimal("0.50")
    assert (
        steps.label_selected.text() == f"已勾选2条明细，退费金额合计：{format_amount(expected)}元"
    )

    # step 3: 退费账户, 合计 the exact sum, the name defaults to the 纳税人名称
    click(p, wizard.btn_next)
    assert wizard.step == ACCOUNT_STEP
    assert wizard.label_total.text() == f"退费金额合计：{format_amount(expected)} 元（共2条明细）"
    assert wizard.edit_account_name.text() == ru.unit.session.unit.taxpayer_name
    asked = len(p.prompts.history)
    click(p, wizard.btn_submit)  # no bank chosen: refused here, nothing sent or asked
    assert wizard.label_error.text() == "请从银行行别代码表中选择退费银行。"
    assert len(p.prompts.history) == asked and ru.server_refunds() == []
    fill_account(wizard)
    wizard.edit_account_number.setText("12345")
    click(p, wizard.btn_submit)
    assert wizard.label_error.text() == "退费银行账户应为8至32位数字。"
    wizard.edit_account_number.setText(ACCOUNT_NUMBER)

    # 上一步 and back keep everything
    click(p, wizard.btn_back)
    assert wizard.step == ROWS_STEP and len(steps.list.checked_keys()) == 2
    click(p, wizard.btn_next)
    assert wizard.edit_account_number.text() == ACCOUNT_NUMBER

    submit(p, wizard)
    confirm = next(x for x in p.prompts.history if x.kind == "confirm")
    assert f"退费金额合计{format_amount(expected)}元" in confirm.text
    assert not wizard.isVisible()
    (made,) = ru.server_refunds()
    result = p.prompts.last
    assert result is not None and result.title == RESULT_TITLE
    assert made["application_number"] in result.text and RECEIVED in result.text
    assert Decimal(made["amount"]) == expected
    assert page.list.total == 1
    assert page.list.rows[0]["application_number"] == made["application_number"]
    assert page.list.rows[0]["status"] == RECEIVED

    # 刷新 after the 征收子系统 handled it: 已退库
    ru.backend.process_refunds(ru.unit_id)
    click(p, page.list.action_widgets["refresh"])
    p.wait(page)
    assert page.list.rows[0]["status"] == REFUNDED and page.list.rows[0]["refunded_on"]
    assert f"{made['application_number']}：{RECEIVED} → {REFUNDED}" in p.prompts.last.text

    # 查看: the application, its rows and its progress
    page.list.trigger_row_action(0, "view")
    dialog = page.dialog
    assert dialog is not None and dialog.field_text("状态") == REFUNDED
    assert dialog.field_text("退费银行账户").endswith(ACCOUNT_NUMBER[-4:])
    rows_table, history = dialog.visible_tables()
    assert len(dialog.table_texts(rows_table)) == 2
    assert [r[0] for r in dialog.table_texts(history)] == ["已受理", "审核中", "审核通过", "已退库"]

    # 查询 by 状态
    page.list.set_condition("status", RECEIVED)
    click(p, page.list.btn_query)
    assert page.list.total == 0
    page.list.set_condition("status", REFUNDED)
    click(p, page.list.btn_query)
    assert page.list.total == 1


def test_a_refusal_of_the_server_keeps_what_was_typed(pages: Pages) -> None:
    p = pages
    ru: RefundUnit = p.ru  # type: ignore[attr-defined]
    page = open_page(p)
    first, rows = to_account_step(p, page)
    fill_account(first)
    submit(p, first)
    (made,) = ru.server_refunds()

    # the same row again, while the first application is open
    wizard = open_wizard(p, page)
    wizard.choose_method(BY_TICKET)
    click(p, wizard.btn_next)
    wizard.rows.list.set_condition("period", PERIOD)
    again = query_rows(p, wizard)
    row = next(i for i, r in enumerate(again) if r["row_id"] == rows[0]["row_id"])
    assert Decimal(again[row]["refundable"]) == 0  # all of it is held
    model = wizard.rows.list.model
    # a hand tick on a row with nothing refundable: not ticked, and said why
    assert not model.setData(model.index(row, 0), Qt.CheckState.Checked,
                             Qt.ItemDataRole.CheckStateRole)  # fmt: skip
    assert wizard.rows.list.checked_keys() == [] and p.prompts.last.text == NO_REFUNDABLE
    wizard.rows.list.set_page_checked()  # 全选本页 leaves it out too
    assert rows[0]["row_id"] not in wizard.rows.list.checked_keys()
    assert len(wizard.rows.list.checked_keys()) == len(again) - 1
    wizard.rows.list.set_page_checked(False)

    # a row already in the open application, ticked before it was made elsewhere
    ru2_rows = wizard.rows.list.rows
    other = next(i for i, r in enumerate(ru2_rows) if Decimal(r["refundable"]) > 0)
    wizard.rows.list.set_checked(other)
    click(p, wizard.btn_next)
    fill_account(wizard)
    wizard.edit_statement.setPlainText("另一笔申请的理由。")
    ru.service().submit(  # meanwhile, the same row is applied for from elsewhere
        ru.ticket_draft([ru2_rows[other]], ["0.01"]), ru.codes()
    )
    submit(p, wizard)
    assert wizard.isVisible() and wizard.step == ROWS_STEP  # where it is corrected
    assert wizard.label_error.text().startswith("所选明细已在退费申请")
    assert p.prompts.last.kind == "error" and "不能重复申请" in p.prompts.last.text
    assert wizard.edit_statement.toPlainText() == "另一笔申请的理由。"  # nothing lost
    assert wizard.edit_account_number.text() == ACCOUNT_NUMBER
    assert len(ru.server_refunds()) == 2 and made  # no third one


def test_person_rows_are_queried_with_their_conditions(pages: Pages) -> None:
    p = pages
    ru: RefundUnit = p.ru  # type: ignore[attr-defined]
    page = open_page(p)
    wizard = open_wizard(p, page)
    wizard.choose_method(BY_PERSON)
    click(p, wizard.btn_next)
    steps = wizard.rows
    assert steps.objectName() == "step_rows_person"
    kinds = ru.codes().kind_names()
    assert steps.list.condition_value("refund_kind") == kinds[0]
    steps.list.set_condition("period", PERIOD)
    rows = query_rows(p, wizard)
    assert rows and all(r["row_id"].startswith("P-") for r in rows)
    name = rows[0]["name"]
    steps.list.set_condition("name", name)
    rows = query_rows(p, wizard)
    assert {r["name"] for r in rows} == {name}
    steps.list.set_checked(0)
    click(p, wizard.btn_next)
    fill_account(wizard)
    submit(p, wizard)
    (made,) = ru.server_refunds()
    assert (made["method"], made["refund_kind"]) == (BY_PERSON, kinds[0])
    assert made["rows"][0]["name"] == name and page.list.total == 1
