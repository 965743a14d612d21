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
from client.jobs import Job, JobContext
from client.storage.listing import RowsSource
from client.ui.certificates.common import CertificateListPage
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    ListPageSpec,
    MonthRangeCondition,
    export_action,
    format_amount,
)
from client.ui.page_helpers import open_preview
from client.ui.pages import PageContext
from client.ui.print_preview import PrintPreviewDialog

YEARS_BACK = 10  # 缴费年度 offered: next year, this year and the nine before it


class _ProofPage(CertificateListPage):
    KIND: ClassVar[ProofKind] = UNIT

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.service = self.scope.proofs
        self.found: ProofQuery | None = None
        self.preview: PrintPreviewDialog | None = None
        self.source = RowsSource("row_key")
        self.show_list(self.source, self.scope.services)

    @property
    def title(self) -> str:
        return f"{self.KIND.title}打印"

    def _period_conditions(self) -> list[Any]:
        if not self.KIND.by_year:
            return [MonthRangeCondition("period", self.KIND.period_label, self.scope.year_to_date)]
        this_year = self.scope.today().year  # 缴费年度 起止 of 城乡居民 (§3.12)
        years = [str(y) for y in range(this_year + 1, this_year - YEARS_BACK, -1)]
        return [
            ComboCondition(key, title, years, default=str(this_year), include_all=False)
            for key, title in (("year_from", "缴费年度起"), ("year_to", "缴费年度止"))
        ]

    def _period_value(self) -> tuple[Any, Any]:
        if self.KIND.by_year:
            return self.list.condition_value("year_from"), self.list.condition_value("year_to")
        start, end = self.list.condition_value("period")
        return start, end

    def _conditions(self) -> list[Any]:
        period, *more = self._period_conditions()
        if not self.KIND.person:
            return [period]
        return self.scope.person_conditions(period, *more)

    def _columns(self) -> list[Column]:
        items = [Column("levy_item_name", "征收项目", 170),
                 Column("levy_category_name", "征收品目", 230)]  # fmt: skip
        amount = Column("amount", "实缴金额（元）", 110 if self.KIND.person else 120, kind="amount")
        stored = Column("stored_on", "入库日期", 100, kind="date")
        tax_authority = Column("tax_authority", "征收经办机构", 220)
        agency = Column("agency", "社保经办机构", 200)
        unit_number = Column("unit_number", "单位编号", 100)
        if self.KIND.by_year:
            return [*self.scope.person_columns(),
                    Column("period", "缴费年度", 70, align="center"), *items, amount, stored,
                    Column("channel", "缴费方式", 100), agency, tax_authority]  # fmt: skip
        if self.KIND.person:
            return [*self.scope.person_columns(), unit_number, *items,
                    Column("period", "费款所属期", 90, kind="month"),
                    Column("base", "缴费基数（元）", 110, kind="amount"),
                    amount, stored, tax_authority, agency]  # fmt: skip
        # 单位 as §2.17 图 打印页面: 费款征收机关 first, 费款所属期起止 in one column
        return [Column("tax_authority", "费款征收机关", 220), agency, unit_number, *items,
                Column("sub_item", "征收子目", 80), Column("period", "费款所属期起止", 190),
                stored, amount]  # fmt: skip

    def _spec(self) -> ListPageSpec:
        return self._list_spec(
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
        values = self.person_values() if self.KIND.person else {}
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
            self.preview = open_preview(self, written, self.title, self.prompts)

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
