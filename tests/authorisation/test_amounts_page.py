"""社保费批扣费额设置 page (pytest-qt) against the real backend: 新增 in two steps for a
found resident (保存 and 保存并继续), three facts that do not match answered with the
sentence on the first step, a bad check digit refused before any request, an amount not
among the year's 档次 refused on the second step, a second 有效 setting refused with the
server's sentence, 作废 after the manual's question; and the shared ThreeFactsForm."""

from __future__ import annotations

from typing import Any

from client.authorisation.people import AreaResident, find_resident
from client.collector.module import DESCRIPTOR
from client.ui.authorisation.amounts_dialog import CONFIRM_NEEDED, AddAmountDialog
from client.ui.authorisation.amounts_page import AmountSettingsPage
from client.ui.authorisation.three_facts import ThreeFactsForm
from tests.authorisation.people import YEAR, pension_residents, wrong_check_digit
from tests.collector.collector_pages import open_page, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit

NOT_FOUND = "未查询到城乡居民参保信息，请核对姓名、证件类型和证件号码。"  # §3.17, §3.18


def first_step(
    qtbot: Any, dialog: AddAmountDialog, person: dict[str, Any], insurance: str = "10210"
) -> Any:
    dialog.facts.fill(person["name"], "01", person["id_number"])
    dialog.combo_insurance.setCurrentIndex(dialog.combo_insurance.findData(insurance))
    handle = dialog.next_step()
    if handle is not None:
        wait(qtbot, handle)
    return handle


def test_menu_lists_the_two_pages() -> None:
    keys = {entry.key: entry.title for entry, _path in DESCRIPTOR.entries()}
    assert keys["auth_amounts"] == "社保费批扣费额设置"
    assert keys["auth_rolls"] == "社保费批扣清册查询"


def test_add_void_and_refusals(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, AmountSettingsPage)
    prompts = page.prompts
    qtbot.waitUntil(lambda: not page.list.loading)
    assert page.list.total == 0
    a, b = pension_residents(cu)[:2]

    # 第一步: facts that do not match → the sentence, still on the first step
    dialog = page.add()
    first_step(qtbot, dialog, {**a, "name": a["name"] + "某"})
    assert dialog.stack.currentIndex() == 0
    assert dialog.facts.message == NOT_FOUND
    # a wrong check digit: refused on the spot, no job started
    dialog.facts.handle = None
    assert first_step(qtbot, dialog, {**a, "id_number": wrong_check_digit(a["id_number"])}) is None
    assert dialog.facts.handle is None
    assert dialog.facts.message == "居民身份证号码校验位不正确，请核对后重新输入。"

    # found → 第二步 with the resident as insured and the year's 档次
    first_step(qtbot, dialog, a)
    assert dialog.stack.currentIndex() == 1
    assert dialog.shown["name"].text() == a["name"]
    assert dialog.combo_year.currentData() == YEAR
    options = [dialog.combo_amount.itemText(i) for i in range(dialog.combo_amount.count())]
    assert options[:3] == ["200.00", "300.00", "400.00"]
    dialog.choose(YEAR, "250")
    assert dialog.save(keep_going=True) is None
    assert dialog.label_error.text().startswith(
        "缴费金额250.00元不是2026年度城乡居民基本养老保险的缴费档次"
    )
    dialog.choose(YEAR, "500", confirm=False)
    assert dialog.save(keep_going=True) is None and dialog.label_error.text() == CONFIRM_NEEDED
    dialog.choose(YEAR, "500")
    wait_ok(qtbot, dialog.save(keep_going=True))
    # 保存并继续: back to the first step, facts cleared, the list shows the setting
    assert dialog.stack.currentIndex() == 0 and dialog.facts.edit_name.text() == ""
    assert "保存成功" in dialog.facts.message
    qtbot.waitUntil(lambda: page.list.total == 1)

    # the same resident again: the server refuses a second 有效 setting
    first_step(qtbot, dialog, a)
    assert "2026" in dialog.label_valid.text()
    dialog.choose(YEAR, "600")
    wait(qtbot, dialog.save(keep_going=False))
    assert dialog.label_error.text() == (
        "该居民2026年度城乡居民基本养老保险已有有效的批扣费额，请先作废原设置后再新增。"
    )
    assert dialog.isVisible()
    # 上一步 keeps the facts; another resident, 保存 closes with a message
    dialog.back()
    assert dialog.facts.edit_id_number.text() == a["id_number"]
    first_step(qtbot, dialog, b)
    dialog.choose(YEAR - 1, "300")
    wait_ok(qtbot, dialog.save(keep_going=False))
    assert not dialog.isVisible()
    assert (
        prompts.last.text
        == f"保存成功：{b['name']}{YEAR - 1}年度城乡居民基本养老保险批扣缴费金额300.00元。"
    )
    qtbot.waitUntil(lambda: page.list.total == 2 and not page.list.loading)

    # 查询 by 证件号码 and 生效年度
    page.list.set_condition("id_number", a["id_number"])
    page.list.query_clicked()
    qtbot.waitUntil(lambda: page.list.total == 1 and not page.list.loading)
    assert shown(page, 0, "name") == a["name"]
    assert shown(page, 0, "amount") == "500.00"
    assert shown(page, 0, "state") == "有效"
    assert shown(page, 0, "insurance_name") == "城乡居民基本养老保险"

    # 作废: 取消 keeps it; 确定 voids, then no 作废 link for it
    prompts.answer(False)
    assert page.list.model.visible_actions(0)[0].key == "void"
    page.list.trigger_row_action(0, "void")
    assert page.handle is None
    assert prompts.last.text == "是否确定作废此险种批扣费额信息? 作废后该险种将无法参与社保费批扣。"
    page.list.trigger_row_action(0, "void")
    wait_ok(qtbot, page.handle)
    assert "不再参与社保费批扣" in prompts.last.text
    qtbot.waitUntil(lambda: not page.list.loading and shown(page, 0, "state") == "已作废")
    assert page.list.model.visible_actions(0) == []


def test_three_facts_form_alone(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, AmountSettingsPage)
    person = pension_residents(cu)[0]
    found: list[Any] = []
    form = ThreeFactsForm(
        page.runner, lambda n, t, i: find_resident(cu.session.api, cu.unit_id, n, t, i)
    )
    qtbot.addWidget(form)
    form.found.connect(found.append)
    assert form.combo_id_type.currentData() == "01"
    form.fill(person["name"], "01", person["id_number"])
    wait_ok(qtbot, form.submit())
    assert isinstance(form.result, AreaResident) and found == [form.result]
    assert form.message.startswith(f"已找到：{person['name']}")
    form.edit_name.setText("")
    assert form.result is None and form.submit() is None
    assert form.message == "请填写姓名。"
    form.fill("查无此人", "01", person["id_number"])
    wait(qtbot, form.submit())
    assert form.message == NOT_FOUND and len(found) == 1
