"""居民银行账户管理 page (pytest-qt) against the real backend: 新增 in two steps (the three facts,
then 银行行别 → 行政区划 → 开户网点 with the rest), a form refused on the spot with its
sentence, 保存 to the 征收子系统, 查询 by 姓名/证件号码/银行行别, 查看, and a second account taking
the 首选缴费账户 flag."""

from __future__ import annotations

import uuid
from typing import Any

from client.collector.module import DESCRIPTOR
from client.ui.authorisation.accounts_dialog import AccountDialog
from client.ui.authorisation.accounts_page import SAVED, AccountsPage
from tests.authorisation.people import pension_residents
from tests.collector.collector_pages import open_page, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit


def new_account() -> str:
    return f"62{uuid.uuid4().int % 10**17:017d}"


def open_dialog(qtbot: Any, page: AccountsPage) -> AccountDialog:
    handle = page.new()
    if handle is not None:
        wait_ok(qtbot, handle)
    assert page.dialog is not None
    return page.dialog


def to_second_step(qtbot: Any, dialog: AccountDialog, person: dict[str, Any]) -> None:
    dialog.three_facts.fill(person["name"], "01", person["id_number"])
    dialog.btn_next.click()
    wait(qtbot, dialog.three_facts.handle)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)


def pick_branch(dialog: AccountDialog) -> dict[str, str]:
    """The first bank that has a 网点, one of its 行政区划 and a 网点 there, picked in order."""
    picker = dialog.picker
    assert not picker.combo_region.isEnabled()  # 银行行别 first
    assert not picker.combo_branch.isEnabled()
    codes = dialog.codes
    bank = codes.banks[0]["code"]
    picker.choose(bank=bank)
    regions = picker.regions_of_bank()
    assert regions and picker.combo_region.count() == len(regions)
    assert not picker.combo_branch.isEnabled()  # 开户网点 only after both
    region = regions[0]["code"]
    picker.choose(region=region)
    assert picker.combo_branch.isEnabled()
    branch = codes.search_branches("", region_code=region, bank_code=bank)[0]
    assert branch["name"] in picker.branch_names
    # keyword search keeps to the bank and 行政区划
    picker.set_branch_query(branch["name"][-4:])
    assert branch["name"] in picker.branch_names
    picker.choose(branch=branch["code"])
    return {"bank_code": bank, "region_code": region, "branch_code": branch["code"]}


def test_menu_lists_the_two_pages() -> None:
    entries = {entry.key: entry for entry, _path in DESCRIPTOR.entries()}
    assert entries["auth_accounts"].title == "居民银行账户管理"
    assert entries["auth_agreements"].title == "居民两两协议签订"
    assert entries["auth_accounts"].page.endswith("accounts_page:AccountsPage")
    assert entries["auth_agreements"].page.endswith("agreements_page:AgreementsPage")


def test_add_query_and_view_accounts(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, AccountsPage)
    prompts = page.prompts
    assert page.list.total == 0 and page.handle is None  # nothing asked on open
    person = pension_residents(cu)[0]

    dialog = open_dialog(qtbot, page)
    dialog.three_facts.fill(person["name"] + "某", "01", person["id_number"])
    dialog.btn_next.click()
    wait(qtbot, dialog.three_facts.handle)
    assert dialog.pages.currentIndex() == 0
    assert dialog.three_facts.message.startswith("未查询到城乡居民参保信息")

    to_second_step(qtbot, dialog, person)
    assert person["name"] in dialog.label_resident.text()
    chosen = pick_branch(dialog)
    number = new_account()
    dialog.edit_account_number.setText("6222 0000 1111")
    dialog.combo_nature.setCurrentIndex(1)
    dialog.set_flags(True, True, False)
    dialog.btn_save.click()
    assert dialog.label_error.text() == "银行账号应为8至32位数字，请核对银行卡号。"
    assert page.handle is None or page.handle.done  # nothing sent
    dialog.edit_account_number.setText(number)
    dialog.flag_combos["social_flag"].setCurrentIndex(0)
    dialog.btn_save.click()
    assert dialog.label_error.text() == "请选择社保费账户标志（是或否）。"
    dialog.set_flags(True, True, False)
    dialog.btn_save.click()
    wait_ok(qtbot, page.handle)
    assert SAVED in prompts.texts()
    assert dialog.saved is not None and dialog.saved["branch_code"] == chosen["branch_code"]
    wait_ok(qtbot, page.handle)  # the 查询 after saving
    qtbot.waitUntil(lambda: page.list.total == 1)
    assert shown(page, 0, "account_number") == number
    assert shown(page, 0, "preferred_flag") == "是" and shown(page, 0, "social_flag") == "否"
    assert shown(page, 0, "name") == person["name"]

    # a second account of the same resident takes the 首选缴费账户 flag
    dialog = open_dialog(qtbot, page)
    to_second_step(qtbot, dialog, person)
    pick_branch(dialog)
    second = new_account()
    dialog.edit_account_number.setText(second)
    dialog.combo_nature.setCurrentIndex(2)
    dialog.set_flags(False, True, True)
    dialog.btn_save.click()
    wait_ok(qtbot, page.handle)
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 2)
    preferred = {shown(page, i, "account_number"): shown(page, i, "preferred_flag")
                 for i in range(2)}  # fmt: skip
    assert preferred == {number: "否", second: "是"}

    # 查询 by 姓名 and by 银行行别
    page.list.set_condition("id_number", "")
    page.list.set_condition("name", person["name"])
    page.list.query_clicked()
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 2)
    banks = dialog.codes.banks
    page.list.set_condition("bank_code", banks[0]["code"])
    page.list.query_clicked()
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 2)
    page.list.set_condition("bank_code", banks[1]["code"])
    page.list.query_clicked()
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 0)
    page.list.set_condition("bank_code", None)
    page.list.query_clicked()
    wait_ok(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total == 2)

    # 查看
    detail = page.view(page.source.all_rows[0])
    assert detail.field_text("银行账号") in (number, second)
    assert detail.field_text("姓名") == person["name"]
    detail.close()


def test_a_failed_save_keeps_the_form(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, AccountsPage)
    person = pension_residents(cu)[1]
    dialog = open_dialog(qtbot, page)
    to_second_step(qtbot, dialog, person)
    chosen = pick_branch(dialog)
    number = new_account()
    dialog.edit_account_number.setText(number)
    dialog.combo_nature.setCurrentIndex(1)
    dialog.set_flags(False, False, True)
    path = f"/api/v1/mgmt/units/{cu.unit_id}/authorisation/accounts"
    cu.backend.add_fault("error", path_prefix=path, method="POST", status=500, count=1)
    dialog.btn_save.click()
    wait(qtbot, page.handle)
    assert page.handle.error is not None and dialog.isVisible()
    assert dialog.label_error.text()  # the sentence, in the dialog
    assert dialog.edit_account_number.text() == number  # nothing typed is lost
    assert dialog.picker.branch_code == chosen["branch_code"]
    dialog.btn_save.click()  # the fault is used up: saved now
    wait_ok(qtbot, page.handle)
    assert dialog.saved is not None and dialog.saved["account_number"] == number
