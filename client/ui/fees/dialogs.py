"""Dialogs of 社保费申报: the 申报日期 range of 同步, the 提交申报确认页面 (with what changed
since the last declared period), the countdown after 提交申报 (`open_submitted`), the person
lines of items (预处理明细 / 申报明细); `dialog_buttons`, the 确定/取消 row other dialogs use
too."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.fees.declare import SubmissionPlan, SubmitResult
from client.fees.rules import format_amount, total
from client.ui.dialogs.countdown import CountdownDialog
from client.ui.fees.common import FeeScope
from client.ui.listpage import Column, ListPage, ListPageSpec, TextCondition, export_action
from client.ui.pages import BasePage
from client.ui.widgets.common import button, label

RESENT = "上次因网络中断未确认的提交已被税务系统受理，未重复申报。"


def dialog_buttons(layout: QVBoxLayout, ok: tuple[str, str], cancel: tuple[str, str]) -> tuple:
    """A dialog's accept (primary) and reject buttons, each (text, object name), at the right
    of a row added to `layout`; returns the two."""
    row = QHBoxLayout()
    row.addStretch(1)
    accept = button(ok[0], ok[1], primary=True)
    reject = button(cancel[0], cancel[1])
    row.addWidget(accept)
    row.addWidget(reject)
    layout.addLayout(row)
    return accept, reject


class DateRangeDialog(QDialog):
    """请选择申报开始结束日期 (同步): two dates, the end not before the start."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_sync_range")
        self.setWindowTitle("请选择申报开始结束日期")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month's 1st
        self.date_start = self._edit("date_start", first)
        self.date_end = self._edit("date_end", today)
        form.addRow("申报开始日期", self.date_start)
        form.addRow("申报结束日期", self.date_end)
        layout.addLayout(form)
        self.error = label("", "label_sync_range_error", "error")
        layout.addWidget(self.error)
        self.btn_ok, self.btn_cancel = dialog_buttons(
            layout, ("确定", "btn_ok"), ("取消", "btn_cancel")
        )
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)

    @staticmethod
    def _edit(name: str, value: date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def set_range(self, start: date, end: date) -> None:
        self.date_start.setDate(QDate(start.year, start.month, start.day))
        self.date_end.setDate(QDate(end.year, end.month, end.day))

    @property
    def start(self) -> date:
        return self.date_start.date().toPython()  # type: ignore[no-any-return]

    @property
    def end(self) -> date:
        return self.date_end.date().toPython()  # type: ignore[no-any-return]

    def submit(self) -> None:
        if self.end < self.start:
            self.error.setText("申报结束日期不能早于开始日期，请重新选择。")
            return
        self.accept()


class SubmitConfirmDialog(QDialog):
    """提交申报确认页面: how much is declared, what changed since the last declared period,
    then 立即提交 or 取消."""

    def __init__(self, plan: SubmissionPlan, scope: FeeScope, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dialog_fee_submit")
        self.setWindowTitle("提交申报确认")
        self.resize(980, 460)
        self.plan = plan
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                f"本次提交申报{plan.boxes}项（共{plan.items}条信息），"
                f"缴费人数合计{plan.headcount:,}人次，应缴费额合计{format_amount(plan.amount)}元。",
                "label_fee_submit_summary",
                "section",
            )
        )
        self.changes = QTableWidget(0, 8, self)
        self.changes.setObjectName("table_fee_changes")
        self.changes.setHorizontalHeaderLabels(
            ["单位编号", "征收项目", "费款所属期", "上期所属期", "缴费人数（上期→本期）",
             "缴费基数合计（上期→本期）", "应缴金额（上期→本期）", f"基数变动超30%的{scope.person}"]
        )  # fmt: skip
        self.moved = QTableWidget(0, 5, self)
        self.moved.setObjectName("table_fee_moved")
        self.moved.setHorizontalHeaderLabels(
            ["姓名", "证件号码", "上期缴费基数", "本期缴费基数", "变动"]
        )
        for table in (self.changes, self.moved):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.verticalHeader().setVisible(False)
        self._fill(plan, scope)
        self.changes_title = label("与上一申报所属期相比：", role="section")
        self.moved_title = label(
            f"缴费基数变动超过30%的{scope.person}（请核对缴费工资是否有误）：",
            "label_fee_moved",
            "hint",
        )
        for widget in (self.changes_title, self.changes, self.moved_title, self.moved):
            layout.addWidget(widget)
        _fit_rows(self.changes)
        self.changes_title.setVisible(bool(plan.changes))
        self.changes.setVisible(bool(plan.changes))
        self.moved_title.setVisible(self.moved.rowCount() > 0)
        self.moved.setVisible(self.moved.rowCount() > 0)
        layout.addStretch(1)
        layout.addWidget(
            label(
                "请核对数据无误后点击【立即提交】；提交后将在20秒后自动获取申报结果。", role="hint"
            )
        )
        self.btn_submit, self.btn_cancel = dialog_buttons(
            layout, ("立即提交", "btn_submit_now"), ("取消", "btn_cancel")
        )
        self.btn_submit.clicked.connect(self.accept)
        self.btn_cancel.clicked.connect(self.reject)

    def _fill(self, plan: SubmissionPlan, scope: FeeScope) -> None:
        moved = []
        for change in plan.changes:
            row = self.changes.rowCount()
            self.changes.insertRow(row)
            prev = change.previous_period
            cells = [
                change.unit_number,
                scope.names.levy_item(change.levy_item),
                change.period,
                prev or "无（首次申报）",
                f"{change.headcount[0]:,} → {change.headcount[1]:,}" if prev else
                f"{change.headcount[1]:,}",
                f"{format_amount(change.base_total[0])} → {format_amount(change.base_total[1])}"
                if prev else format_amount(change.base_total[1]),
                f"{format_amount(change.amount[0])} → {format_amount(change.amount[1])}"
                if prev else format_amount(change.amount[1]),
                f"{change.moved_count}人" if prev else "",
            ]  # fmt: skip
            for column, text in enumerate(cells):
                self.changes.setItem(row, column, QTableWidgetItem(text))
            moved.extend(change.moved)
        for m in moved:
            row = self.moved.rowCount()
            self.moved.insertRow(row)
            cells = [m.name, m.id_number, format_amount(m.previous), format_amount(m.current),
                     f"{m.change * 100:+.1f}%"]  # fmt: skip
            for column, text in enumerate(cells):
                self.moved.setItem(row, column, QTableWidgetItem(text))

    def cell(self, table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return "" if item is None else item.text()


def _fit_rows(table: QTableWidget, most: int = 8) -> None:
    """As tall as its rows (up to `most`), so a one-row comparison is not a big empty box."""
    header = table.horizontalHeader().sizeHint().height() or 28
    rows = sum(table.rowHeight(r) for r in range(min(table.rowCount(), most)))
    table.setMaximumHeight(header + rows + 2 * table.frameWidth() + 18)


class LinesDialog(QDialog):
    """查看预处理明细 / 申报明细: the person lines of some items, offline once downloaded."""

    def __init__(
        self,
        scope: FeeScope,
        item_ids: Collection[str],
        title: str,
        head: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_fee_lines")
        self.setWindowTitle(title)
        self.resize(1100, 600)
        layout = QVBoxLayout(self)
        persons, amount = scope.items.lines_total(item_ids)
        layout.addWidget(
            label(
                f"{head}{scope.person}人数：{persons:,}　应缴金额合计：{format_amount(amount)}元",
                "label_fee_lines_head",
            )
        )
        self.list = ListPage(
            ListPageSpec(
                page_key="fee_lines",
                title=title,
                columns=lines_columns(scope),
                conditions=[
                    TextCondition("name", "姓名"),
                    TextCondition("id_number", "证件号码"),
                ],
                actions=[export_action(f"选中{scope.person}", f"所有{scope.person}")],
                export_name=title,
            ),
            scope.items.lines_source(item_ids),
            scope.services,
            self,
        )
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = button("关闭", "btn_fee_lines_close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)


def lines_columns(scope: FeeScope) -> list[Column]:
    names = scope.names
    return [
        Column("unit_number", "单位编号", 100),
        Column("person_number", "人员编号", 110),
        Column("name", "姓名", 90),
        Column("id_type", "证件类型", 110, formatter=scope.id_type),
        Column("id_number", "证件号码", 170),
        Column("levy_category", "征收品目", 200, formatter=names.levy_category),
        Column("period", "费款所属期", 90, kind="month"),
        Column("base", "缴费基数（元）", 110, kind="amount"),
        Column("unit_amount", "单位应缴（元）", 110, kind="amount"),
        Column("personal_amount", "个人应缴（元）", 110, kind="amount"),
        Column("amount", "应缴金额（元）", 110, kind="amount"),
    ]


def open_submitted(
    page: BasePage, result: SubmitResult, message: str, records: str
) -> CountdownDialog:
    """提交申报's answer: `message` (its {count} declarations and {amount} yuan filled in,
    after a sentence when a dropped connection had left the submission unknown) over the
    countdown, whose end or 立即获取 opens the `records` page to fetch the feedback."""
    amount = format_amount(total(d.get("amount") for d in result.declarations))
    text = message.format(count=len(result.declarations), amount=amount)
    countdown = CountdownDialog(page, message=RESENT + text if result.resent else text,
                                title="提交申报")  # fmt: skip
    countdown.accepted.connect(lambda: _fetch_feedback(page, records))
    countdown.open()
    return countdown


def _fetch_feedback(page: BasePage, records: str) -> None:
    shown = page.ctx.open_page(records)
    if shown is not None and hasattr(shown, "fetch_feedback"):
        shown.fetch_feedback()
