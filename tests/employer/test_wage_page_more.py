"""More of the 缴费工资申报 pages as a clerk uses them (pytest-qt, real backend): 单个录入's
name search by fuzzy text and 拼音首字母, the 缴费基数 column clamped by the region's base
limits, 按单位编号添加 and 按分组添加 setting 生效年月 with the 补缴 confirmation, and the
补缴 question of 外部文件导入 (答否 adds nothing and says so)."""

from __future__ import annotations

from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypinyin import Style, lazy_pinyin, pinyin
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from client.domain.wages import ANNUAL, BY_EMPLOYEE, BY_ITEM, DAILY
from client.employer.wage_import_flow import IMPORT_CANCELLED
from client.employer.wages_page import WageDeclarationPage
from client.groups.service import GroupService
from client.wages.drafts import EmployeeWageInfo
from client.wages.imports import SHEET_TITLE
from tests.employer.conftest import EmployerEnv
from tests.employer.test_wage_import_corpus import import_through_the_menu
from tests.employer.test_wage_pages import Pages, rows


@pytest.fixture
def pages(qtbot: Any, employer_env: EmployerEnv) -> Pages:
    return Pages(qtbot, employer_env)


def paying(page: WageDeclarationPage) -> list[EmployeeWageInfo]:
    """The unit's employees who still pay a 税务自主 item, as the backend seeded them."""
    drafts = page.drafts
    infos = [drafts.employee(c[0]) for c in drafts.candidates("", 500)]
    return [i for i in infos if i is not None and i.items and i.stop_month is None]


def add_months(month: str, count: int) -> str:
    """ "2026-11" + 2 → "2027-01"."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def this_and_last_month(page: WageDeclarationPage) -> tuple[str, str]:
    current = f"{page.drafts.today:%Y-%m}"
    return current, add_months(current, -1)


def back_pay_question(month: str, current: str) -> str:
    return f"生效年月{month}早于当前年月{current}，将产生{month}至{current}的补缴信息，是否确定？"


def shown(page: WageDeclarationPage, row: int, key: str) -> str:
    """A cell's text as the table shows it."""
    model = page.list.model
    return str(model.index(row, model.column_index(key)).data())


def row_of(page: WageDeclarationPage, draft_id: int) -> int:
    return next(i for i, r in enumerate(page.list.rows) if r["id"] == draft_id)


def wait_loaded(pages: Pages, page: WageDeclarationPage) -> None:
    pages.qtbot.waitUntil(lambda: not page.list.loading, timeout=10_000)


# -- 单个录入: the name box --------------------------------------------------------------------
def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Type as a clerk does: Latin letters as key presses, Chinese through the input method."""
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def initials_variants(name: str) -> set[str]:
    """Every 拼音首字母 spelling of a name, by pypinyin's per-character readings."""
    letters = [pinyin(ch, style=Style.FIRST_LETTER, heteronym=True)[0] for ch in name]
    return {"".join(combo).lower() for combo in product(*letters)}


def listed(dialog: Any) -> list[int]:
    return [int(dialog.name.itemData(i)) for i in range(dialog.name.count())]


def listed_names(dialog: Any) -> list[str]:
    """The names in the drop-down ("刘霞婷（440303…4585）" → "刘霞婷")."""
    return [dialog.name.itemText(i).split("（")[0] for i in range(dialog.name.count())]


NOBODY = "查无此人"


def search(pages: Pages, dialog: Any, text: str) -> list[int]:
    """Type `text` into the name box and wait for the drop-down to follow it (first a name
    nobody has, so that the wait sees the list change)."""
    type_into(pages.qtbot, dialog.name.lineEdit(), NOBODY)
    pages.qtbot.waitUntil(lambda: listed(dialog) == [], timeout=5_000)
    type_into(pages.qtbot, dialog.name.lineEdit(), text)
    pages.qtbot.waitUntil(lambda: listed(dialog) != [], timeout=5_000)
    assert dialog.name.currentText() == text  # the clerk's text stays as typed
    return listed(dialog)


def test_single_entry_finds_names_by_fuzzy_text_and_pinyin_initials(pages: Pages) -> None:
    page = pages.page(DAILY, BY_EMPLOYEE)
    target = next(p for p in paying(page) if len(p.name) >= 2 and not p.name.isascii())
    page.list.action_widgets["add_single"].trigger()
    dialog = page.dialog
    assert dialog.objectName() == "dialog_wage_single"

    # Fuzzy: part of the name, not its start.
    part = target.name[1:]
    found = search(pages, dialog, part)
    assert target.employee_id in found
    assert all(part in name for name in listed_names(dialog))

    # 拼音首字母, in either case ("lxt" / "LXT" finds 刘霞婷); nothing else is listed.
    initials = "".join(lazy_pinyin(target.name, style=Style.FIRST_LETTER)).lower()
    for typed in (initials, initials.upper()):
        found = search(pages, dialog, typed)
        assert target.employee_id in found and len(found) < len(paying(page))
        for name in listed_names(dialog):
            assert any(initials in v for v in initials_variants(name)), name

    # Choosing from the drop-down fills in 证件号码 and 原缴费工资.
    index = listed(dialog).index(target.employee_id)
    dialog.name.setCurrentIndex(index)
    dialog.name.activated.emit(index)
    assert dialog.name.currentText() == target.name
    assert dialog.id_number.text() == target.id_number
    assert dialog.old_wage.text() == target.old_wage
    dialog.new_wage.setText("6,600")
    dialog.btn_ok.click()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.status.text()
    added = rows(page)
    assert [(r["employee_id"], r["new_wage"]) for r in added] == [(target.employee_id, "6600.00")]


# -- 缴费基数 ------------------------------------------------------------------------------------
def test_base_column_shows_the_pay_clamped_by_the_base_limits(pages: Pages) -> None:
    page = pages.page(DAILY, BY_EMPLOYEE)
    limits = {
        y["year"]: (Decimal(y["lower"]), Decimal(y["upper"]))
        for y in pages.env.app.app_db.rule_file("base_limits")["years"]
    }
    current, _ = this_and_last_month(page)
    year = int(current[:4])
    lower, upper = limits[year]
    staff = paying(page)

    # 单个录入 of a tiny pay: the 缴费基数 is the region's lower limit.
    page.list.action_widgets["add_single"].trigger()
    dialog = page.dialog
    dialog.choose(staff[0].employee_id)
    dialog.new_wage.setText("0.01")
    dialog.btn_ok.click()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.status.text()
    wait_loaded(pages, page)
    tiny = page.list.rows[0]
    assert shown(page, 0, "new_wage") == "0.01"
    assert shown(page, 0, "base") == f"{lower:,.2f}"

    # A pay above the upper limit, and one in between, edited in the table.
    page.add_all_paying()
    pages.wait(page)
    wait_loaded(pages, page)
    high, middle = (r["id"] for r in page.list.rows[1:3])
    assert page.list.edit_cell(row_of(page, high), "new_wage", "999,999")
    wait_loaded(pages, page)
    assert page.list.edit_cell(row_of(page, middle), "new_wage", str(lower + 1000))
    wait_loaded(pages, page)
    assert shown(page, row_of(page, high), "base") == f"{upper:,.2f}"
    assert shown(page, row_of(page, middle), "base") == f"{lower + 1000:,.2f}"
    assert shown(page, row_of(page, tiny["id"]), "base") == f"{lower:,.2f}"

    # 生效年月 in another year: that year's limits apply.
    last_year = f"{year - 1}-12"
    assert page.list.edit_cell(row_of(page, high), "effective_month", last_year)
    wait_loaded(pages, page)
    assert pages.prompts.last.kind == "confirm" and "补缴" in pages.prompts.last.text
    assert shown(page, row_of(page, high), "base") == f"{limits[year - 1][1]:,.2f}"


# -- 按单位编号添加 / 按分组添加 with 生效年月 -----------------------------------------------------
def open_adjust(page: WageDeclarationPage, action: str) -> Any:
    page.list.action_widgets[action].trigger()
    dialog = page.dialog
    assert dialog.isVisible()
    return dialog


def confirms(pages: Pages, since: int) -> list[str]:
    return [p.text for p in pages.prompts.history[since:] if p.kind == "confirm"]


@pytest.mark.parametrize("mode", [BY_EMPLOYEE, BY_ITEM])
def test_add_by_unit_number_sets_effective_month_after_back_pay_confirmation(
    pages: Pages, mode: str
) -> None:
    page = pages.page(DAILY, mode)
    current, earlier = this_and_last_month(page)
    number = paying(page)[0].items[0].unit_number

    dialog = open_adjust(page, "add_unit_number")
    assert dialog.form.labelForField(dialog.month).text() == "生效年月："
    assert dialog.month.text() == current  # 日常: this month unless changed
    dialog.set_values(number, "ratio", "120", month=earlier)
    since = len(pages.prompts.history)
    pages.prompts.answer(False)  # 补缴? 否
    dialog.btn_ok.click()
    assert confirms(pages, since) == [back_pay_question(earlier, current)]
    assert pages.prompts.last.title == "生效年月提示"
    assert page.handle is None and rows(page) == []  # nothing added

    dialog = open_adjust(page, "add_unit_number")
    dialog.set_values(number, "ratio", "120", month=earlier)
    pages.prompts.answer(True)  # 补缴? 是
    dialog.btn_ok.click()
    pages.wait(page)
    added = rows(page)
    assert added and {r["effective_month"] for r in added} == {earlier}
    for r in added:
        assert Decimal(r["new_wage"]) == (Decimal(r["old_wage"]) * Decimal("1.2")).quantize(
            Decimal("0.01")
        )
    assert "已添加" in pages.prompts.last.text


def test_add_by_group_sets_effective_month_after_back_pay_confirmation(pages: Pages) -> None:
    page = pages.page(DAILY, BY_EMPLOYEE)
    current, earlier = this_and_last_month(page)
    members = paying(page)[:2]
    groups = GroupService(pages.env.session.db)
    group = groups.create("补缴组")
    groups.assign([m.employee_id for m in members], group.id)

    dialog = open_adjust(page, "add_group")
    assert dialog.month.text() == current
    dialog.set_values(group.id, "fixed", "7000", month=earlier)
    since = len(pages.prompts.history)
    pages.prompts.answer(False)
    dialog.btn_ok.click()
    assert confirms(pages, since) == [back_pay_question(earlier, current)]
    assert page.handle is None and rows(page) == []

    dialog = open_adjust(page, "add_group")
    dialog.set_values(group.id, "fixed", "7000", month=earlier)
    pages.prompts.answer(True)
    dialog.btn_ok.click()
    pages.wait(page)
    added = rows(page)
    assert sorted((r["employee_id"], r["new_wage"], r["effective_month"]) for r in added) == sorted(
        (m.employee_id, "7000.00", earlier) for m in members
    )

    # A later month creates no 补缴: no question.
    page.drafts.delete([r["id"] for r in added])
    later = add_months(current, 1)
    dialog = open_adjust(page, "add_group")
    dialog.set_values(group.id, "fixed", "7100", month=later)
    since = len(pages.prompts.history)
    dialog.btn_ok.click()
    pages.wait(page)
    assert confirms(pages, since) == []
    assert {r["effective_month"] for r in rows(page)} == {later}


def test_annual_group_add_has_no_effective_month(pages: Pages) -> None:
    page = pages.page(ANNUAL, BY_EMPLOYEE)
    member = paying(page)[0]
    groups = GroupService(pages.env.session.db)
    group = groups.create("年度组")
    groups.assign([member.employee_id], group.id)
    dialog = open_adjust(page, "add_group")
    assert dialog.form.labelForField(dialog.month) is None  # 年度: the backend sets it
    dialog.set_values(group.id, "ratio", "110")
    since = len(pages.prompts.history)
    dialog.btn_ok.click()
    pages.wait(page)
    assert confirms(pages, since) == []
    assert [(r["employee_id"], r["effective_month"]) for r in rows(page)] == [
        (member.employee_id, None)
    ]


# -- 外部文件导入: the 补缴 question ---------------------------------------------------------------
def filled_template(page: WageDeclarationPage, path: Path, lines: list[list[Any]]) -> Path:
    template = page.download_template(str(path))
    assert template is not None
    book = load_workbook(template)
    for cells in lines:
        book[SHEET_TITLE].append(cells)
    book.save(template)
    return Path(template)


def test_import_asks_about_back_pay_and_says_when_nothing_is_added(
    pages: Pages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = pages.page(DAILY, BY_EMPLOYEE)
    current, earlier = this_and_last_month(page)
    back, now = paying(page)[:2]
    path = filled_template(page, tmp_path / "补缴.xlsx", [
        [back.name, None, back.id_number, 6000, earlier],
        [now.name, None, now.id_number, 6100, current],
    ])  # fmt: skip
    question = f"1行生效年月早于当前年月{current}，将产生补缴信息。是否继续导入？"

    # 否: the clerk is told that nothing was added.
    flow = import_through_the_menu(pages, page, path, monkeypatch)
    assert flow.preview.import_result.valid_count == 2
    since = len(pages.prompts.history)
    pages.prompts.answer(False)
    flow.preview.btn_confirm.click()
    told = [(p.kind, p.title, p.text) for p in pages.prompts.history[since:]]
    assert told == [
        ("confirm", "生效年月提示", question),
        ("info", "日常缴费工资申报-按职工申报缴费工资外部文件导入", IMPORT_CANCELLED),
    ]
    pages.qtbot.wait(50)
    assert flow.apply_handle is None and rows(page) == []

    # 是: both rows are added, each with its own 生效年月.
    flow = import_through_the_menu(pages, page, path, monkeypatch)
    pages.prompts.answer(True)
    flow.preview.btn_confirm.click()
    pages.qtbot.waitUntil(lambda: flow.applied is not None, timeout=30_000)
    assert pages.prompts.last.text == "导入完成：已添加2条。"
    assert sorted((r["employee_id"], r["new_wage"], r["effective_month"]) for r in rows(page)) == (
        sorted([(back.employee_id, "6000.00", earlier), (now.employee_id, "6100.00", current)])
    )


def test_import_of_this_month_asks_nothing(
    pages: Pages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = pages.page(DAILY, BY_EMPLOYEE)
    current, _ = this_and_last_month(page)
    person = paying(page)[0]
    path = filled_template(page, tmp_path / "本月.xlsx",
                           [[person.name, None, person.id_number, 6000, current]])  # fmt: skip
    flow = import_through_the_menu(pages, page, path, monkeypatch)
    since = len(pages.prompts.history)
    flow.preview.btn_confirm.click()
    pages.qtbot.waitUntil(lambda: flow.applied is not None, timeout=30_000)
    assert confirms(pages, since) == []
    assert [(r["employee_id"], r["effective_month"]) for r in rows(page)] == [
        (person.employee_id, current)
    ]


def test_single_entry_forgets_the_choice_when_another_name_is_typed(pages: Pages) -> None:
    """Typing after a name was picked means another person: 确定 must not add the first."""
    page = pages.page(DAILY, BY_EMPLOYEE)
    first, second = paying(page)[:2]
    page.list.action_widgets["add_single"].trigger()
    dialog = page.dialog
    dialog.choose(first.employee_id)
    assert dialog.id_number.text() == first.id_number
    type_into(pages.qtbot, dialog.name.lineEdit(), second.name[:1])
    assert dialog.info is None and dialog.id_number.text() == "" and dialog.old_wage.text() == ""
    dialog.new_wage.setText("6000")
    dialog.btn_ok.click()
    assert dialog.isVisible() and dialog.status.text() == "请从下拉列表中选择职工。"
    assert rows(page) == []


def test_adjust_dialog_keeps_the_entries_when_the_month_is_wrong(pages: Pages) -> None:
    """A bad 生效年月, or 否 to the 补缴 question, leaves the dialog open with what the
    clerk entered; nothing is added until the month is right."""
    page = pages.page(DAILY, BY_EMPLOYEE)
    current, earlier = this_and_last_month(page)
    number = paying(page)[0].items[0].unit_number
    dialog = open_adjust(page, "add_unit_number")
    dialog.set_values(number, "fixed", "7300", month="2026-13")
    dialog.btn_ok.click()
    assert dialog.isVisible() and "不是有效的年月" in dialog.status.text()
    assert dialog.chosen == number and dialog.value.text() == "7300"
    dialog.month.setText(add_months(current, 13))
    dialog.btn_ok.click()
    assert dialog.isVisible() and "超过12个月" in dialog.status.text()
    dialog.month.setText(earlier)
    pages.prompts.answer(False)  # 补缴? 否
    dialog.btn_ok.click()
    assert dialog.isVisible() and dialog.value.text() == "7300" and rows(page) == []
    dialog.month.setText(current)
    dialog.btn_ok.click()
    pages.wait(page)
    added = rows(page)
    assert added and {(r["new_wage"], r["effective_month"]) for r in added} == {
        ("7300.00", current)
    }
