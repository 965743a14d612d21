"""银行行别 → 行政区划 → 开户网点 as §3.18 and §3.19 lay them out: 行政区划 lists only the places
where the chosen bank has a 网点 (and can be searched by keyword), and 开户网点 can be chosen
only after both, from that bank's 网点 in that 行政区划, narrowed by a keyword search. Each
change resets what follows it. The code tables and their search are `BankCodes`'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QStringListModel, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.authorisation.accounts import BankFields
from client.jobs import Job, JobContext
from client.payments.bank_codes import SEARCH_LIMIT, BankCodes
from client.storage.app_db import AppDatabase
from client.ui.jobs import JobHandle, JobRunner
from client.ui.widgets.bank_fields import (
    PICK,
    chosen_code,
    offered_names,
    pick_by_name,
    show_branches,
)
from client.ui.widgets.common import label

SEARCH_DELAY_MS = 250
FIELD_WIDTH = 300
NO_BANK = "请先选择银行行别"
NO_BRANCH_YET = "请先选择银行行别和行政区划"


def load_codes(runner: JobRunner, app_db: AppDatabase, done: Any) -> JobHandle[BankCodes]:
    """The code tables (thousands of 网点) read and indexed off the UI thread."""

    def load(_ctx: JobContext) -> BankCodes:
        codes = BankCodes.load(app_db)
        if codes.complete:
            _ = codes.branch_index
        return codes

    return runner.run(Job("读取银行网点", load), done, cancellable=False)


def show_step(pages: QStackedWidget, index: int) -> None:
    """Show one step of a dialog, the dialog sized to that step (not to the largest)."""
    for i in range(pages.count()):
        policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
        pages.widget(i).setSizePolicy(policy, policy)
    pages.setCurrentIndex(index)
    pages.updateGeometry()
    window = pages.window()
    if window.layout() is not None:
        window.layout().activate()
    window.adjustSize()
    # QStackedWidget's size hint keeps the tallest page's height: fit the step's own.
    window.resize(window.width(), max(window.minimumSizeHint().height(), window.minimumHeight()))


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setMinimumWidth(FIELD_WIDTH)
    combo.setMaxVisibleItems(15)
    return combo


class BankPicker:
    """The three rows, added to a form; `fields(number)` reads them with the account number."""

    def __init__(self, codes: BankCodes, parent: QWidget) -> None:
        self.codes = codes
        self.combo_bank = _combo("combo_bank")
        self.combo_bank.addItem(PICK, None)
        for entry in codes.banks:
            self.combo_bank.addItem(entry["name"], entry["code"])
        self.combo_bank.currentIndexChanged.connect(self._bank_changed)

        self.combo_region = _combo("combo_region")
        self.combo_region.setEditable(True)
        self.combo_region.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo_region.lineEdit().setPlaceholderText("请选择，或输入名称关键字模糊搜索")
        self.region_matches = QStringListModel(parent)
        self.region_completer = QCompleter(self.region_matches, parent)
        self.region_completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.combo_region.setCompleter(self.region_completer)
        self.combo_region.lineEdit().textEdited.connect(self.search_regions)
        self.region_completer.activated[str].connect(self.pick_region_name)
        self.combo_region.currentIndexChanged.connect(lambda _i: self._reset_branches())

        self.edit_branch_search = QLineEdit()
        self.edit_branch_search.setObjectName("edit_branch_search")
        self.edit_branch_search.setPlaceholderText("输入网点名称关键字模糊搜索，如“营业部”")
        self.edit_branch_search.setClearButtonEnabled(True)
        self.combo_branch = _combo("combo_branch")
        self.label_branch_hint = label("", "label_branch_hint", "hint")
        self.branch_box = QWidget(parent)
        box = QVBoxLayout(self.branch_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        for widget in (self.edit_branch_search, self.combo_branch, self.label_branch_hint):
            box.addWidget(widget)
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_branch_search)
        self.edit_branch_search.textEdited.connect(lambda _t: self._timer.start())
        self.edit_branch_search.returnPressed.connect(self.run_branch_search)
        self._fill_regions()

    def add_rows(self, form: QFormLayout, star: Any) -> None:
        form.addRow(star("银行行别"), self.combo_bank)
        form.addRow(star("行政区划"), self.combo_region)
        form.addRow(star("开户网点"), self.branch_box)

    # -- the cascade ------------------------------------------------------------------------
    @property
    def bank_code(self) -> str:
        return str(self.combo_bank.currentData() or "")

    @property
    def region_code(self) -> str:
        """The chosen 行政区划; none while the typed text is not one of them."""
        return chosen_code(self.combo_region)

    @property
    def branch_code(self) -> str:
        return str(self.combo_branch.currentData() or "")

    def regions_of_bank(self) -> list[Mapping[str, Any]]:
        bank = self.bank_code
        if not bank:
            return []
        index = self.codes.branch_index
        return [r for r in self.codes.regions if bank in index.banks_in(r["code"])]

    def _bank_changed(self, _index: int) -> None:
        self._fill_regions()

    def _fill_regions(self) -> None:
        regions = self.regions_of_bank()
        self.combo_region.blockSignals(True)
        self.combo_region.clear()
        for entry in regions:
            self.combo_region.addItem(entry["name"], entry["code"])
        self.combo_region.setCurrentIndex(-1)
        self.combo_region.blockSignals(False)
        self.combo_region.setEnabled(bool(regions))
        self.combo_region.lineEdit().setPlaceholderText(
            "请选择，或输入名称关键字模糊搜索" if regions else NO_BANK
        )
        self.region_matches.setStringList([e["name"] for e in regions])
        self._reset_branches()

    def search_regions(self, text: str) -> list[str]:
        """行政区划 of the bank matching what is typed, offered in the completer's list."""
        own = {e["code"] for e in self.regions_of_bank()}
        found = [e["name"] for e in self.codes.search_regions(text) if e["code"] in own]
        self.region_matches.setStringList(found)
        if not text.strip() and self.combo_region.currentIndex() >= 0:
            self.combo_region.setCurrentIndex(-1)
        if text.strip() and self.combo_region.isVisible():
            self.region_completer.complete()
        return found

    def pick_region_name(self, name: str) -> None:
        pick_by_name(self.combo_region, name)

    def _reset_branches(self) -> None:
        self.edit_branch_search.clear()
        ready = bool(self.bank_code and self.region_code)
        self.edit_branch_search.setEnabled(ready)
        self.combo_branch.setEnabled(ready)
        self.run_branch_search()

    def set_branch_query(self, text: str) -> None:
        self.edit_branch_search.setText(text)
        self.run_branch_search()

    def run_branch_search(self) -> None:
        """The bank's 网点 in the 行政区划 whose names match the keyword (all when empty)."""
        self._timer.stop()
        bank, region = self.bank_code, self.region_code
        query = self.edit_branch_search.text().strip()
        found = (
            self.codes.search_branches(
                query, region_code=region, bank_code=bank, limit=SEARCH_LIMIT + 1
            )
            if bank and region
            else []
        )
        waiting = None if bank and region else NO_BRANCH_YET
        show_branches(self.combo_branch, self.label_branch_hint, found, query, waiting)

    @property
    def branch_names(self) -> list[str]:
        return offered_names(self.combo_branch)

    def choose(self, bank: str = "", region: str = "", branch: str = "") -> None:
        """Pick by code in the form's order (what a clerk does)."""
        if bank:
            self.combo_bank.setCurrentIndex(self.combo_bank.findData(bank))
        if region:
            self.combo_region.setCurrentIndex(self.combo_region.findData(region))
        if branch:
            self.combo_branch.setCurrentIndex(self.combo_branch.findData(branch))

    def fields(self, account_number: str) -> BankFields:
        return BankFields(self.bank_code, self.region_code, self.branch_code, account_number)

    def widget_of(self, field: str) -> QWidget | None:
        return {
            "bank_code": self.combo_bank,
            "region_code": self.combo_region,
            "branch_code": self.edit_branch_search,
        }.get(field)
