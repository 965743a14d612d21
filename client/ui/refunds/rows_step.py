"""填写退费申请, step 2 (退费信息): the refundable rows of one 退费方式 queried from the 征收子系统
and shown on the shared list page — conditions, 查询, tick boxes, paging — with the 退费金额
editable in place (it starts as the row's 可退金额). A row with nothing refundable cannot be
ticked. The ticked rows and their amounts become the application's lines; the rules check
them (`client.refunds.rules.checked_lines`), not this widget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from client.jobs import Job, JobContext
from client.refunds.applications import RefundApplications
from client.refunds.rules import (
    BY_PERSON,
    BY_TICKET,
    NO_REFUNDABLE,
    RefundCodes,
    RefundLine,
    can_refund,
    parse_amount,
)
from client.storage.listing import ROW_KEY, MappedSource, RowsSource
from client.ui.jobs import JobHandle, JobRunner
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    MonthRangeCondition,
    PageServices,
    TextCondition,
)
from client.ui.listpage.spec import format_amount
from client.ui.prompts import PromptService
from client.ui.refunds.common import error_text
from client.ui.widgets.common import label

AMOUNT = "amount"  # the editable 退费金额


def _amount_cell(value: Any) -> str:
    """A valid amount with two decimals and separators; a wrong one exactly as typed."""
    return format_amount(value) if parse_amount(str(value or "")) is not None else str(value or "")


class RefundRowsStep(QWidget):
    """The rows of one 退费方式; `lines()` are the ticked ones with their 退费金额."""

    def __init__(
        self,
        method: str,
        service: RefundApplications,
        codes: RefundCodes,
        id_types: dict[str, str],
        today: date,
        services: PageServices,
        runner: JobRunner,
        on_error: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.method = method
        self.service = service
        self.codes = codes
        self.id_types = id_types
        self.today = today
        self.runner = runner
        self.prompts: PromptService = services.prompts
        self.on_error = on_error
        self.handle: JobHandle[Any] | None = None
        self.amounts: dict[str, str] = {}  # row id → 退费金额 as typed
        self.refund_kind: str | None = None  # 退费税金类型 of the last 查询
        self.setObjectName(f"step_rows_{'ticket' if method == BY_TICKET else 'person'}")
        self.source = RowsSource("row_id")
        self.list = ListPage(
            self._spec(),
            MappedSource(self.source, self._with_amount),
            services,
            self,
            auto_query=False,
        )
        self.list.model.checks_changed.connect(self._checks_changed)
        self.label_selected = label("", "label_selected_rows", "section")
        hint = label(
            "双击【退费金额】可修改本次申请退费的金额（默认为可退金额）。", "label_amount_hint"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        below = QHBoxLayout()
        below.addWidget(self.label_selected)
        below.addStretch(1)
        below.addWidget(hint)
        layout.addLayout(below)
        self._show_selected()

    # -- the page's description ------------------------------------------------------------------
    def _spec(self) -> ListPageSpec:
        start = f"{self.today.year:04d}-01"
        end = f"{self.today.year:04d}-{self.today.month:02d}"
        amount = Column(AMOUNT, "退费金额（元）", 110, kind="amount", sortable=False,
                        formatter=_amount_cell, editable=can_refund)  # fmt: skip
        if self.method == BY_TICKET:
            key, title = "refund_ticket_rows", "税票退费"
            conditions: list[Any] = [
                MonthRangeCondition("period", "费款所属期", (start, end)),
                TextCondition("e_ticket_number", "电子税票号码"),
            ]
            columns = [  # what decides a refund first, within the dialog's width
                Column("e_ticket_number", "电子税票号码", 165),
                Column("tax_kind", "税种", 130),
                Column("item_name", "品目名称", 180),
                Column("period_start", "税款所属期起", 95, kind="date"),
                Column("period_end", "税款所属期止", 95, kind="date"),
                Column("amount_paid", "实缴(退)金额（元）", 130, kind="amount"),
                Column("check", "申报明细核对", 100, align="center"),
                Column("refundable", "可退金额（元）", 110, kind="amount"),
                amount,
                Column("declared", "申报金额（元）", 105, kind="amount"),
                Column("stored_on", "入(退)库日期", 95, kind="date"),
                Column("original_voucher", "原凭证号", 165),
            ]
            empty = "请输入费款所属期起止（可输入电子税票号码），点击【查询】查询已入库的税票信息。"
        else:
            key, title = "refund_person_rows", "职工明细退费"
            kinds = self.codes.kind_names()
            id_types = [(name, code) for code, name in self.id_types.items()]
            conditions = [
                MonthRangeCondition("period", "退费所属期", (start, end)),
                ComboCondition(
                    "refund_kind",
                    "退费税金类型",
                    kinds,
                    default=kinds[0] if kinds else None,
                    include_all=False,
                ),  # fmt: skip
                TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition("id_type", "证件类型", id_types, all_label="请选择"),
                TextCondition("id_number", "证件号码"),
            ]
            columns = [
                Column("name", "姓名", 90),
                Column("id_type", "证件类型", 110, formatter=self._id_type),
                Column("id_number", "证件号码", 170),
                Column("levy_item_name", "征收项目", 170),
                Column("levy_category_name", "征收品目", 230),
                Column("period", "缴费所属期", 90, kind="month"),
                Column("paid", "已缴金额（元）", 110, kind="amount"),
                Column("refundable", "可退金额（元）", 110, kind="amount"),
                amount,
            ]
            empty = "请输入退费所属期起止并选择退费税金类型，点击【查询】查询职工明细。"
        return ListPageSpec(
            page_key=key,
            object_name=f"list_{key}",
            title=title,
            columns=columns,
            conditions=conditions,
            on_query=lambda _p: self.fetch(),
            on_edit=self._edited,
            confirm_tick=self._may_tick,
            empty_text=empty,
            condition_columns=3,
        )

    def _id_type(self, code: Any) -> str:
        return self.id_types.get(code, code or "") if code else ""

    def _with_amount(self, row: dict[str, Any]) -> dict[str, Any]:
        row[AMOUNT] = self.amounts.get(row["row_id"], row["refundable"])
        return row

    # -- 查询 ---------------------------------------------------------------------------------
    def fetch(self) -> JobHandle[list[dict[str, Any]]] | None:
        """查询 the refundable rows of the conditions from the 征收子系统."""
        values = self.list.panel.values()
        start, end = values["period"]
        service = self.service
        if self.method == BY_TICKET:
            number = str(values.get("e_ticket_number") or "")

            def run(_ctx: JobContext) -> list[dict[str, Any]]:
                return service.ticket_rows(start, end, number)
        else:
            kind = values.get("refund_kind")
            person = {k: str(values.get(k) or "") for k in ("name", "id_type", "id_number")}

            def run(_ctx: JobContext) -> list[dict[str, Any]]:
                return service.person_rows(start, end, kind, **person)

        def done(rows: list[dict[str, Any]]) -> None:
            self.refund_kind = values.get("refund_kind") if self.method == BY_PERSON else None
            # a ticket row's own 实缴金额 is shown apart from the editable 退费金额
            self.source.set_rows(
                [{**r, "amount_paid": r.get("amount")} if self.method == BY_TICKET else r
                 for r in rows]
            )  # fmt: skip
            self.list.query()
            if not rows:
                self.on_error("没有查询到符合条件的可退费明细，请调整查询条件后重新查询。")
            else:
                self.on_error("")

        def failed(error: BaseException) -> None:
            self.on_error(error_text(error))

        self.handle = self.runner.run(Job("查询可退费明细", run), done, failed, cancellable=False)
        return self.handle

    # -- ticks and amounts ----------------------------------------------------------------------
    def _may_tick(self, row: dict[str, Any]) -> bool:
        if can_refund(row):
            return True
        self.prompts.warning(self, NO_REFUNDABLE, title="勾选退费明细")
        return False

    def _checks_changed(self) -> None:
        """全选本页 ticks every row: the ones with nothing refundable are left unticked."""
        rows = {r[ROW_KEY]: r for r in self.list.rows}
        empty = [k for k in self.list.checked_keys() if k in rows and not can_refund(rows[k])]
        if empty:
            self.list.model.set_keys_checked(empty, False)
            return
        self._show_selected()

    def _edited(self, _page: ListPage, row: dict[str, Any], key: str, text: str) -> bool:
        """A typed 退费金额 is kept as typed (checked at 下一步) and ticks its row."""
        if key != AMOUNT:
            return False
        self.amounts[row["row_id"]] = text
        amount = parse_amount(text)
        if amount is None:
            self.on_error("退费金额应大于0且最多两位小数。")
        elif amount > Decimal(str(row["refundable"])):
            self.on_error(f"退费金额不能超过该明细已缴纳且未退的金额{row['refundable']}元。")
        else:
            self.on_error("")
        self.list.model.set_keys_checked([row["row_id"]], True)
        return True

    def set_amount(self, row_id: str, text: str) -> bool:
        """Type a 退费金额 into a row of the current page (what a double-click and typing does)."""
        index = next(i for i, r in enumerate(self.list.rows) if r["row_id"] == row_id)
        return self.list.edit_cell(index, AMOUNT, text)

    def lines(self) -> list[RefundLine]:
        """The ticked rows (on any page) with their 退费金额, in the list's order."""
        return [
            RefundLine(r["row_id"], str(r[AMOUNT]), str(r["refundable"]))
            for r in self.list.checked_rows()
        ]

    def ticked_total(self) -> Decimal:
        """The exact sum of the ticked rows' valid amounts (a wrong one counts nothing)."""
        amounts = (parse_amount(line.amount) for line in self.lines())
        return sum((a for a in amounts if a is not None), Decimal("0.00"))

    def _show_selected(self) -> None:
        count = len(self.list.checked_keys())
        self.label_selected.setText(
            f"已勾选{count}条明细，退费金额合计：{format_amount(self.ticked_total())}元"
        )

    def show_row(self, row_id: str) -> None:
        """Bring a row into view and select it (the row a refusal is about)."""
        for index, row in enumerate(self.list.rows):
            if row["row_id"] == row_id:
                self.list.table.selectionModel().select(
                    self.list.model.index(index, 1),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.list.table.scrollTo(self.list.model.index(index, 1))
                return

    def update_refundable(self, row_id: str, refundable: str) -> None:
        """The server said how much of a row is refundable now: show it."""
        rows = self.source.all_rows
        for row in rows:
            if row["row_id"] == row_id:
                row["refundable"] = refundable
        self.source.set_rows(rows)
        self.list.refresh()
