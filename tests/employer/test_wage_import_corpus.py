"""外部文件导入 of bad files through the 日常缴费工资申报 page (pytest-qt, real backend): each
file, chosen through the page's 添加 → 外部文件导入 menu item, gets its own Chinese message —
a file refused whole gets the refusal, a file with bad rows gets a preview that lists each
row's reason — and the working list stays empty, also after the clerk cancels the preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from client.documents.imports import DUPLICATE, FORMULA, MERGED, NO_DATA, TOO_MANY_ROWS
from client.documents.template_checks import (
    EMPTY_SHEET,
    EXTRA_COLUMNS,
    MISSING_COLUMNS,
    RENAMED_COLUMN,
    WRONG_KIND,
)
from client.documents.workbook_checks import OLD_XLS, OLE_MAGIC, RENAMED
from client.domain.ids import identity_check_digit
from client.domain.wages import ANNUAL, BY_EMPLOYEE, BY_ITEM, DAILY
from client.employer import wage_import_flow
from client.employer.wages_page import WageDeclarationPage
from client.wages.drafts import EmployeeWageInfo
from client.wages.imports import MAX_ROWS, SHEET_TITLE, UNKNOWN_PERSON, wage_template_spec
from tests.employer.conftest import EmployerEnv
from tests.employer.test_wage_pages import Pages, rows
from tests.wages.test_wage_imports import big_file

FIRST = wage_template_spec(DAILY, BY_EMPLOYEE).first_data_row  # row 3: below the header
THIS_TITLE = "日常缴费工资申报-按职工申报"
WAGE = "新缴费工资(元)"


@pytest.fixture
def pages(qtbot: Any, employer_env: EmployerEnv) -> Pages:
    return Pages(qtbot, employer_env)


@dataclass(frozen=True)
class Refused:
    """The whole file is refused with this message; no preview."""

    message: str


@dataclass(frozen=True)
class BadRows:
    """A preview listing (Excel row, column) → reason; the good row 3 stays valid."""

    errors: dict[tuple[int, str], str]
    total: int


Expected = Refused | BadRows


class Files:
    """Writes bad files for the page's variant from real employees of the seeded unit."""

    def __init__(self, pages: Pages, page: WageDeclarationPage, tmp_path: Path) -> None:
        self.pages = pages
        self.page = page
        self.tmp = tmp_path
        drafts = page.drafts
        infos = [drafts.employee(c[0]) for c in drafts.candidates("", 500)]
        self.paying = [i for i in infos if i is not None and i.items and i.stop_month is None]
        self.month = drafts.default_month()

    def person(self, n: int, id_card: bool = False) -> EmployeeWageInfo:
        people = [p for p in self.paying if not id_card or len(p.id_number) == 18]
        return people[n]

    def row(self, person: EmployeeWageInfo, wage: Any = 6000, month: Any = None) -> list[Any]:
        return [person.name, None, person.id_number, wage, month or self.month]

    def template(self, name: str, variant: tuple[str, str] | None = None) -> Path:
        """导入模板下载 of `variant` (this page's by default) through its page."""
        page = self.page
        if variant is not None:
            page = self.pages.page(*variant)
        path = page.download_template(str(self.tmp / f"{name}.xlsx"))
        assert path is not None
        return Path(path)

    def filled(self, name: str, rows: list[list[Any]], change: Callable[[Any], None] | None = None,
               variant: tuple[str, str] | None = None) -> Path:  # fmt: skip
        """The template with `rows` typed below the header, then `change` made to its sheet."""
        path = self.template(name, variant)
        book = load_workbook(path)
        sheet = book[SHEET_TITLE]
        for cells in rows:
            sheet.append(cells)
        if change is not None:
            change(sheet)
        book.save(path)
        return path


# -- the corpus: each case writes one file and says what the clerk must be told ------------
def wrong_variant(f: Files) -> tuple[Path, Expected]:
    p = f.person(0)
    path = f.filled("年度按险种", [[p.name, None, p.id_number, 6000]], variant=(ANNUAL, BY_ITEM))
    return path, Refused(WRONG_KIND.format(other="年度缴费工资申报-按险种申报", title=THIS_TITLE))


def missing_column(f: Files) -> tuple[Path, Expected]:
    path = f.filled("缺列", [f.row(f.person(0))], lambda ws: ws.delete_cols(2))
    return path, Refused(MISSING_COLUMNS.format(names="证件类型"))


def extra_column(f: Files) -> tuple[Path, Expected]:
    def add(ws: Any) -> None:
        ws["F2"] = "备注"

    return f.filled("多列", [f.row(f.person(0))], add), Refused(EXTRA_COLUMNS.format(names="备注"))


def renamed_column(f: Files) -> tuple[Path, Expected]:
    def rename(ws: Any) -> None:
        ws["D2"] = "缴费工资"

    path = f.filled("改表头", [f.row(f.person(0))], rename)
    return path, Refused(RENAMED_COLUMN.format(n=4, expected=WAGE, actual="缴费工资"))


def empty_sheet(f: Files) -> tuple[Path, Expected]:
    path = f.filled("空表", [], lambda ws: ws.delete_rows(1, 10))
    return path, Refused(EMPTY_SHEET.format(sheet=SHEET_TITLE, title=THIS_TITLE))


def no_rows(f: Files) -> tuple[Path, Expected]:
    return f.template("未填写"), Refused(NO_DATA.format(row=FIRST))


def too_many_rows(f: Files) -> tuple[Path, Expected]:
    # The rows go straight into the sheet's XML: openpyxl would take a minute.
    path = big_file(f.template("模板"), f.tmp / "超过行数.xlsx", MAX_ROWS + 1)
    return path, Refused(TOO_MANY_ROWS.format(count=MAX_ROWS + 1, limit=MAX_ROWS))


def text_renamed_xlsx(f: Files) -> tuple[Path, Expected]:
    path = f.tmp / "文本改名.xlsx"
    path.write_text("姓名,证件号码,新缴费工资\n张三,110105199001010011,6000\n", encoding="utf-8")
    return path, Refused(RENAMED)


def xls_renamed_xlsx(f: Files) -> tuple[Path, Expected]:
    path = f.tmp / "旧版改名.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(4096))
    return path, Refused(OLD_XLS)


def text_in_number_cell(f: Files) -> tuple[Path, Expected]:
    path = f.filled("文字金额", [f.row(f.person(0)), f.row(f.person(1), "六千")])
    reason = "“六千”不是有效的金额，请填写数字，例如 6000.00。"
    return path, BadRows({(FIRST + 1, WAGE): reason}, 2)


def negative_pay(f: Files) -> tuple[Path, Expected]:
    path = f.filled("负数", [f.row(f.person(0)), f.row(f.person(1), -100)])
    return path, BadRows({(FIRST + 1, WAGE): "缴费工资必须大于0。"}, 2)


def bad_check_digit(f: Files) -> tuple[Path, Expected]:
    p = f.person(1, id_card=True)
    right = identity_check_digit(p.id_number[:17])
    wrong = p.id_number[:17] + ("0" if right != "0" else "1")
    path = f.filled("校验位", [f.row(f.person(0)), [p.name, None, wrong, 6000, f.month]])
    reason = "居民身份证号码校验位不正确，请核对后重新输入。"
    return path, BadRows({(FIRST + 1, "证件号码"): reason}, 2)


def unknown_person(f: Files) -> tuple[Path, Expected]:
    first17 = "11010519900101999"  # a well-formed 居民身份证号码 of nobody in the unit
    number = first17 + identity_check_digit(first17)
    assert all(p.id_number != number for p in f.paying)
    path = f.filled("查无此人", [f.row(f.person(0)), ["查无此人", None, number, 6000, f.month]])
    return path, BadRows({(FIRST + 1, "证件号码"): UNKNOWN_PERSON}, 2)


def duplicate_rows(f: Files) -> tuple[Path, Expected]:
    twice = f.person(1)
    path = f.filled("重复", [f.row(f.person(0)), f.row(twice), f.row(twice, 6100)])
    return path, BadRows(
        {
            (FIRST + 1, "证件号码"): DUPLICATE.format(rows=FIRST + 2, columns="证件号码"),
            (FIRST + 2, "证件号码"): DUPLICATE.format(rows=FIRST + 1, columns="证件号码"),
        },
        3,
    )


def formula(f: Files) -> tuple[Path, Expected]:
    path = f.filled("公式", [f.row(f.person(0)), f.row(f.person(1), "=5000+1000")])
    return path, BadRows({(FIRST + 1, WAGE): FORMULA}, 2)


def merged_cells(f: Files) -> tuple[Path, Expected]:
    ref = f"A{FIRST + 1}:A{FIRST + 2}"
    people = [f.row(f.person(n)) for n in range(3)]
    path = f.filled("合并单元格", people, lambda ws: ws.merge_cells(ref))
    reason = MERGED.format(ref=ref)
    return path, BadRows({(FIRST + 1, "姓名"): reason, (FIRST + 2, "姓名"): reason}, 3)


CORPUS: list[Callable[[Files], tuple[Path, Expected]]] = [
    wrong_variant, missing_column, extra_column, renamed_column, empty_sheet, no_rows,
    too_many_rows, text_renamed_xlsx, xls_renamed_xlsx, text_in_number_cell, negative_pay,
    bad_check_digit, unknown_person, duplicate_rows, formula, merged_cells,
]  # fmt: skip


def import_through_the_menu(
    pages: Pages, page: WageDeclarationPage, path: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """添加 → 外部文件导入, the file dialog answering `path`; waits for the check."""
    asked: list[str] = []

    def chosen(_parent: Any, title: str) -> str:
        asked.append(title)
        return str(path)

    monkeypatch.setattr(wage_import_flow, "ask_open_path", chosen)
    page.list.action_widgets["add_import"].trigger()
    assert asked == ["日常缴费工资申报-按职工申报缴费工资外部文件导入"]
    flow = page.import_flow
    pages.qtbot.waitUntil(lambda: flow.read_handle.done, timeout=60_000)
    return flow


def preview_errors(flow: Any) -> dict[tuple[int, str], str]:
    """The preview's error table as the clerk reads it: 行号, 列, 错误原因."""
    model = flow.preview.table.model()
    shown = {}
    for r in range(model.rowCount()):
        row, column, reason = (
            model.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in range(3)
        )
        shown[(int(row.removeprefix("第").removesuffix("行")), column)] = reason
    return shown


def nothing_added(pages: Pages, page: WageDeclarationPage) -> None:
    page.list.query()
    pages.qtbot.waitUntil(lambda: not page.list.loading, timeout=10_000)
    assert page.list.total == 0 and rows(page) == []
    assert pages.env.session.db.count("wage_drafts") == 0  # no variant's list either


@pytest.mark.parametrize("bad_file", CORPUS, ids=lambda case: case.__name__)
def test_bad_file_through_the_page(
    pages: Pages,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bad_file: Callable[[Files], tuple[Path, Expected]],
) -> None:
    page = pages.page(DAILY, BY_EMPLOYEE)
    path, expected = bad_file(Files(pages, page, tmp_path))
    shown_before = len(pages.prompts.history)
    flow = import_through_the_menu(pages, page, path, monkeypatch)

    if isinstance(expected, Refused):
        assert flow.preview is None
        told = pages.prompts.history[shown_before:]
        assert [(p.kind, p.text) for p in told] == [("error", expected.message)]
        nothing_added(pages, page)
        return

    assert flow.read_handle.error is None, flow.read_handle.error
    preview = flow.preview
    assert preview is not None and preview.table.isVisibleTo(preview)
    assert preview_errors(flow) == expected.errors
    bad = len({row for row, _ in expected.errors})
    assert preview.summary.text().startswith(
        f"共{expected.total}行，有效{expected.total - bad}行，错误{bad}行。可以只导入有效数据"
    )
    assert preview.btn_confirm.isEnabled()  # the good row could be imported …
    nothing_added(pages, page)  # … but nothing is until the clerk confirms
    preview.btn_cancel.click()  # 取消
    pages.qtbot.wait(50)
    assert preview.result() == preview.DialogCode.Rejected
    assert flow.apply_handle is None and flow.applied is None
    nothing_added(pages, page)
