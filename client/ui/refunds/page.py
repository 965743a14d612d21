"""单位退费申请管理 (manual §2.28): the unit's refund applications as kept locally (shown when
the page opens), 查询 by 申请日期, 状态 and 退费方式, 刷新 (the states from the 征收子系统, with
progress), 新增退费申请 (`RefundWizard`) and 查看 (the application, its rows and its progress)."""

from __future__ import annotations

from typing import Any, ClassVar

from client.jobs import Job, Progress
from client.refunds.applications import RefreshResult, RefundSubmitted
from client.refunds.rules import METHODS, MISSING_TABLES, STATUSES, RefundCodes
from client.ui.dialogs.detail import DetailDialog, DetailSection, DetailTable
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPageSpec,
    RowAction,
)
from client.ui.listpage.spec import format_amount
from client.ui.page_helpers import KeyedListPage
from client.ui.pages import PageContext
from client.ui.refunds.common import RefundScope, error_text
from client.ui.refunds.wizard import RefundWizard

RESULT_TITLE = "退费申请保存结果"


class RefundApplicationsPage(KeyedListPage):
    KEY: ClassVar[str] = "unit_refunds"
    TITLE: ClassVar[str] = "单位退费申请管理"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = RefundScope(ctx, self)
        self.service = self.scope.refunds
        self.wizard: RefundWizard | None = None
        self.dialog: DetailDialog | None = None
        self.last_refresh: RefreshResult | None = None
        self.show_list(self.service.source(), self.scope.services)

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=[
                Column("application_number", "申请编号", 190),
                Column("method", "退费方式", 100, align="center"),
                Column("refund_kind", "退费税金类型", 100, align="center"),
                Column("submitted_at", "申请日期", 150, kind="datetime"),
                Column("amount", "退费金额合计（元）", 130, kind="amount"),
                Column("row_count", "明细条数", 70, kind="number"),
                Column("period_start", "所属期起", 80, kind="month"),
                Column("period_end", "所属期止", 80, kind="month"),
                Column("reason_name", "退费原因", 100, align="center"),
                Column("status", "状态", 80, align="center"),
                Column("decision_reason", "不予退费原因", 200, sortable=False),
                Column("refunded_on", "退库日期", 95, kind="date"),
                Column("account_name", "退费银行账户名称", 180),
                Column("bank_name", "退费银行", 120),
                Column("account_masked", "退费银行账户", 130),
            ],  # fmt: skip
            conditions=[
                DateRangeCondition("submitted", "申请日期"),
                ComboCondition("status", "状态", list(STATUSES)),
                ComboCondition("method", "退费方式", list(METHODS)),
            ],
            actions=[
                Action("new", "新增退费申请", lambda _p: self.new(), object_name="btn_new_refund"),
                Action(
                    "refresh", "刷新", lambda _p: self.fetch(), object_name="btn_refresh_refunds"
                ),  # fmt: skip
            ],
            row_actions=[RowAction("view", "查看", lambda _p, row: self.view(row))],
            checkable=False,
            default_sort=[("submitted_at", False)],
            empty_text="本地还没有退费申请记录。可点击【新增退费申请】申请退费，或点击【刷新】"
            "从征收子系统获取本单位的退费申请。",
        )

    # -- 刷新 ---------------------------------------------------------------------------------
    def fetch(self) -> JobHandle[RefreshResult]:
        """刷新: the applications' states from the 征收子系统 (progress; 取消 keeps the list)."""
        service = self.service

        def done(result: RefreshResult) -> None:
            self.last_refresh = result
            self.list.query()
            self.prompts.info(self, refresh_text(result), title="刷新")

        self.handle = self.runner.run(
            Job("退费申请记录更新中", service.refresh),
            done,
            self.failure("刷新", error_text),
            label=_refresh_label,
        )
        return self.handle

    # -- 新增退费申请 ----------------------------------------------------------------------------
    def new(self) -> RefundWizard | None:
        codes = RefundCodes.load(self.ctx.ui.app.app_db)
        if not codes.complete:
            self.prompts.warning(self, MISSING_TABLES, self.TITLE)
            return None
        self.wizard = RefundWizard(self, codes)
        self.wizard.open()
        return self.wizard

    def submitted(self, wizard: RefundWizard, result: RefundSubmitted) -> None:
        """The wizard's application was made: the result, then the list with it."""
        application = result.application
        again = "（上次连接中断的提交已确认受理，未重复申请）" if result.resent else ""
        wizard.accept()
        self.list.query()
        self.prompts.info(
            self,
            f"退费申请提交成功{again}。申请编号：{application['application_number']}，"
            f"退费金额合计：{format_amount(application['amount'])}元，"
            f"申请状态：{application['status']}。可点击【刷新】查看办理进度。",
            title=RESULT_TITLE,
        )

    # -- 查看 ---------------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> DetailDialog | None:
        found = self.service.get(row["refund_id"])
        if found is None:
            self.prompts.warning(self, "该退费申请已不在本地记录中，请点击【刷新】。", self.TITLE)
            return None
        self.dialog = DetailDialog("查看退费申请", detail_sections(found), self,
                                   "dialog_refund_detail")  # fmt: skip
        self.dialog.open()
        return self.dialog


def detail_sections(a: dict[str, Any]) -> list[DetailSection]:
    person = any(r.get("name") for r in a["rows"])
    first = (
        [Column("name", "姓名", 70), Column("id_number", "证件号码", 150)]
        if person
        else [Column("e_ticket_number", "电子税票号码", 160)]
    )
    rows = DetailTable(
        [*first,
         Column("levy_item_name", "征收项目", 130),
         Column("levy_category_name", "征收品目", 150),
         Column("period_start", "所属期起", 70, kind="month"),
         Column("period_end", "所属期止", 70, kind="month"),
         Column("paid", "已缴金额（元）", 100, kind="amount"),
         Column("amount", "退费金额（元）", 100, kind="amount")],
        a["rows"],
    )  # fmt: skip
    history = DetailTable(
        [Column("status", "状态", 100, align="center"),
         Column("at", "时间", 160, kind="datetime")],
        a["history"],
    )  # fmt: skip
    return [
        DetailSection(
            "申请信息",
            [
                ("申请编号", a["application_number"]),
                ("退费方式", a["method"]),
                ("退费税金类型", a.get("refund_kind") or ""),
                ("申请日期", a["submitted_at"]),
                ("状态", a["status"]),
                ("退费金额合计", f"{format_amount(a['amount'])}元"),
                ("退费原因", a["reason_name"]),
                ("不予退费原因", a.get("decision_reason") or ""),
                ("退库日期", a.get("refunded_on") or ""),
                ("退费申请理由", a["statement"]),
            ],
        ),  # fmt: skip
        DetailSection(
            "退费账户",
            [
                ("退费银行账户名称", a["account_name"]),
                ("退费银行", a["bank_name"]),
                ("退费银行账户", a["account_masked"]),
            ],
        ),  # fmt: skip
        DetailSection("退费明细", tables=[rows]),
        DetailSection("办理进度", tables=[history]),
    ]


def refresh_text(result: RefreshResult) -> str:
    parts = [f"刷新完成，本单位共有{result.count}笔退费申请"]
    resent = [c for c in result.confirmed if c.application is not None]
    if resent:
        parts.append(f"上次连接中断的{len(resent)}笔申请已确认受理（未重复申请）")
    if result.changes:
        changed = "；".join(
            f"{c.application_number}：{c.before} → {c.after}"
            + (f"（{c.decision_reason}）" if c.decision_reason else "")
            for c in result.changes
        )
        parts.append(f"{len(result.changes)}笔状态有变化：{changed}")
    else:
        parts.append("状态均无变化")
    return "，".join(parts) + "。"


def _refresh_label(progress: Progress) -> str:
    return {
        "confirm": "正在确认上次未完成的提交…",
        "fetch": "正在从征收子系统获取退费申请…",
        "save": "正在保存退费申请记录…",
    }.get(progress.phase, "退费申请记录更新中…")
