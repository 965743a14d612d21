"""职工缴费证明打印 / 单位缴费证明打印 (manual §2.16, §2.17) and the 代收单位's 社保费缴费证明打印
(§3.12): nothing on open; 查询 asks the 管理子系统 for the 缴费清单; tick rows, 打印 (print
preview of the 证明) or 导出 (xlsx of the ticked rows). When nothing is found the page says
why, with the server's reason where it could tell and the manual's list of possible ones."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from client.certificates.proofs import EMPLOYEE, RESIDENT, UNIT, ProofKind, ProofQuery
from client.certificates.rules import NOTHING_TICKED
from client.jobs import Job, JobCancelled, JobContext
from client.storage.listing import RowsSource
from client.ui.certificates.common import CertificateScope, failure_text
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    MonthRangeCondition,
    TextCondition,
    export_action,
    format_amount,
)
from client.ui.pages import BasePage, PageContext
from client.ui.print_preview import PrintPreviewDialog

YEARS_BACK = 10  # 缴费年度 offered: next year, this year and the nine before it


class _ProofPage(BasePage):
    KEY: ClassVar[str] = ""
    KIND: ClassVar[ProofKind] = UNIT

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName(f"page_{self.KEY}")
        self.scope = CertificateScope(ctx, self)
        self.service = self.scope.proofs
        self.found: ProofQuery | None = None
        self.handle: JobHandle[Any] | None = None
        self.preview: PrintPreviewDialog | None = None
        self.source = RowsSource("row_key")
        self.list = ListPage(self._spec(), self.source, self.scope.services, self)
        self.content.addWidget(self.list)

    @property
    def title(self) -> str:
        return f"{self.KIND.title}打印"

    def _default_period(self) -> tuple[str, str]:
        today = self.scope.today()
        return f"{today.year:04d}-01", f"{today.year:04d}-{today.month:02d}"

    def _period_conditions(self) -> list[Any]:
        if not self.KIND.by_year:
            return [MonthRangeCondition("period", self.KIND.period_label, self._default_period)]
        this_year = self.scope.today().year  # 缴费年度 起止 of 城乡居民 (§3.12)
        years = [str(y) for y in range(this_year + 1, this_year - YEARS_BACK, -1)]
        return [
            ComboCondition("year_from", "缴费年度起", years, default=str(this_year), include_all=False),
            ComboCondition("year_to", "缴费年度止", years, default=str(this_year), include_all=False),
        ]  # fmt: skip

    def _period_value(self) -> tuple[Any, Any]:
        if self.KIND.by_year:
            return self.list.condition_value("year_from"), self.list.condition_value("year_to")
        start, end = self.list.condition_value("period")
        return start, end

    def _conditions(self) -> list[Any]:
        period, *more = self._period_conditions()
        if not self.KIND.person:
            return [period]
        id_types = list(self.scope.id_types.items()) or [("01", "居民身份证")]
        return [
            TextCondition("name", "姓名"),
            ComboCondition("id_type", "证件类型", [(name, code) for code, name in id_types],
                           default="01", include_all=False),
            TextCondition("id_number", "证件号码"),
            period,
            *more,
        ]  # fmt: skip

    def _columns(self) -> list[Column]:
        if self.KIND.by_year:
            return [
                Column("name", "姓名", 80),
                Column("id_type", "证件类型", 100, formatter=self.scope.id_type),
                Column("id_number", "证件号码", 170),
                Column("period", "缴费年度", 70, align="center"),
                Column("levy_item_name", "征收项目", 170),
                Column("levy_category_name", "征收品目", 230),
                Column("amount", "实缴金额（元）", 110, kind="amount"),
                Column("stored_on", "入库日期", 100, kind="date"),
                Column("channel", "缴费方式", 100),
                Column("agency", "社保经办机构", 200),
                Column("tax_authority", "征收经办机构", 220),
            ]
        if self.KIND.person:
            return [
                Column("name", "姓名", 80),
                Column("id_type", "证件类型", 100, formatter=self.scope.id_type),
                Column("id_number", "证件号码", 170),
                Column("unit_number", "单位编号", 100),
                Column("levy_item_name", "征收项目", 170),
                Column("levy_category_name", "征收品目", 230),
                Column("period", "费款所属期", 90, kind="month"),
                Column("base", "缴费基数（元）", 110, kind="amount"),
                Column("amount", "实缴金额（元）", 110, kind="amount"),
                Column("stored_on", "入库日期", 100, kind="date"),
                Column("tax_authority", "征收经办机构", 220),
                Column("agency", "社保经办机构", 200),
            ]
        return [
            Column("tax_authority", "征收经办机构", 220),
            Column("agency", "社保经办机构", 200),
            Column("unit_number", "单位编号", 100),
            Column("levy_item_name", "征收项目", 170),
            Column("levy_category_name", "征收品目", 230),
            Column("sub_item", "征收子目", 80),
            Column("period_start", "费款所属期起", 100, kind="date"),
            Column("period_end", "费款所属期止", 100, kind="date"),
            Column("stored_on", "入库日期", 100, kind="date"),
            Column("amount", "实缴金额（元）", 120, kind="amount"),
        ]

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=self.title,
            columns=self._columns(),
            conditions=self._conditions(),
            actions=[
                Action(
                    "print",
                    "打印",
                    lambda _p: self.print_checked(),
                    needs_selection=self.KIND.person,
                    selection_message=NOTHING_TICKED,
                    object_name="btn_print_proof",
                ),
                export_action("勾选的缴费清单", "全部缴费清单"),
            ],  # fmt: skip
            on_query=lambda _p: self.fetch(),
            summary=self._summary,
            empty_text=f"请输入查询条件，点击【查询】从管理子系统查询{self.KIND.title}的缴费清单。",
            export_name=self.KIND.title,
            condition_columns=(5 if self.KIND.by_year else 4) if self.KIND.person else 3,
        )

    def _summary(self, _filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        if self.found is None:
            return []
        return [("条数", f"{len(self.found.rows)}条"),
                ("实缴金额合计", f"{format_amount(self.found.total)}元")]  # fmt: skip

    # -- 查询 ------------------------------------------------------------------------------
    def fetch(self) -> JobHandle[ProofQuery]:
        values = {key: self.list.condition_value(key) for key in ("name", "id_type", "id_number")
                  if self.KIND.person}  # fmt: skip
        start, end = self._period_value()

        def run(_ctx: JobContext) -> ProofQuery:
            return self.service.query(self.KIND, start, end, **values)

        def done(found: ProofQuery) -> None:
            self.found = found
            self.source.set_rows(found.rows)
            self.list.query()
            if not found.rows:
                self.prompts.info(self, found.explanation(), title=self.title)

        self.handle = self.runner.run(Job("查询缴费清单", run), done, self._failed)
        return self.handle

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, JobCancelled):
            self.prompts.error(self, failure_text(error), title=self.title)

    # -- 打印 ------------------------------------------------------------------------------
    def print_checked(self) -> JobHandle[Path] | None:
        if self.found is None:
            return None
        found = self.found
        keys = set(self.list.checked_keys())
        if not keys and self.KIND.person:
            self.prompts.warning(self, NOTHING_TICKED, title=self.title)
            return None
        # 职工: the ticked rows (manual §2.16); 单位: the ticked ones, or all when none is.
        rows = [r for r in found.rows if r["row_key"] in keys or not keys]
        folder = Path(tempfile.mkdtemp(prefix="shebaofei-proof-"))
        who = found.person.get("name") or self.scope.taxpayer[1]
        path = folder / f"{self.KIND.title}_{who}_{found.period[0]}至{found.period[1]}.pdf"
        today = self.scope.today()

        def run(_ctx: JobContext) -> Path:
            return self.service.write_pdf(found, rows, path, today)

        def show(written: Path) -> None:
            self.preview = PrintPreviewDialog(written, self.title, written.name, self.prompts,
                                              parent=self)  # fmt: skip
            self.preview.open()

        self.handle = self.runner.run(Job(f"生成{self.KIND.title}", run), show, self._failed)
        return self.handle


class ResidentProofPage(_ProofPage):
    """社保费缴费证明打印 of the 代收单位 (§3.12): one resident's 缴费清单 by 缴费年度."""

    KEY: ClassVar[str] = "proof_resident"
    KIND: ClassVar[ProofKind] = RESIDENT


class EmployeeProofPage(_ProofPage):
    KEY: ClassVar[str] = "proof_employee"
    KIND: ClassVar[ProofKind] = EMPLOYEE


class UnitProofPage(_ProofPage):
    KEY: ClassVar[str] = "proof_unit"
    KIND: ClassVar[ProofKind] = UNIT
