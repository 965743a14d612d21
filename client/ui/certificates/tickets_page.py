"""税收完税证明（非印刷）开具 / 补开 (manual §2.14, §2.15; 代收单位 §3.13, §3.14) and the 代收单位's
个人税收完税证明（非印刷）开具 / 补开 (§3.25, §3.26): an empty list on open, 查询 by 费款所属期起止
(and for a resident 姓名, 证件类型, 证件号码) from the 征收子系统 with progress, and per row 开具 or
补开, which asks where to save (file name suggested) and writes the ticket's PDF. 补开 names the
voided tickets that cannot be reissued. The unit's 开具 also offers a whole year in one click
(beyond the manual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from client.certificates.rules import ISSUE, REISSUE, VOIDED_NOTICE
from client.certificates.year import YearResult, print_year
from client.jobs import Job, JobContext
from client.storage.listing import RowsSource
from client.ui.certificates.common import CertificateListPage, ask_save_path
from client.ui.fees.dialogs import dialog_buttons
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ListPageSpec,
    MonthRangeCondition,
    RowAction,
)
from client.ui.pages import PageContext
from client.ui.widgets.common import label


def _overlaps(row: dict[str, Any], value: Any) -> bool:
    start, end = value
    return (not start or row["period_end"] >= start) and (not end or row["period_start"] <= end)


class _TicketPage(CertificateListPage):
    MODE: ClassVar[str] = ISSUE
    ACTION: ClassVar[str] = "开具"
    PERSONAL: ClassVar[bool] = False  # a resident's 个人税收完税证明 (代收单位)

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.service = self.scope.personal_tickets if self.PERSONAL else self.scope.tickets
        self.save_path_provider = lambda name: ask_save_path(
            self, self.TITLE, self.scope.documents_dir, name
        )
        self.source = RowsSource(
            "ticket_id",
            filters={"period": _overlaps},
            default_sort=[("stored_on", True), ("e_ticket_number", True)],
        )
        self.show_list(self.source, self.scope.services)
        self.last_saved: Path | None = None
        self.last_voided: list[dict[str, Any]] = []

    def _conditions(self) -> list[Any]:
        period = MonthRangeCondition("period", "费款所属期", self.scope.year_to_date)
        if not self.PERSONAL:
            return [period]
        return self.scope.person_conditions(period)

    def _columns(self) -> list[Column]:
        person = self.scope.person_columns("taxpayer_name", "taxpayer_id")
        return [
            *(person if self.PERSONAL else []),
            Column("e_ticket_number", "电子税票号码", 170),
            Column("ticket_word", "票证字轨", 110),
            Column("ticket_number", "票证号码", 100),
            Column("tax_authority_name", "税务机关", 230),
            Column("period_start", "费款所属期起", 95, kind="month"),
            Column("period_end", "费款所属期止", 95, kind="month"),
            Column("stored_on", "入库日期", 100, kind="date"),
            Column("amount", "金额合计（元）", 120, kind="amount"),
            Column("row_count", "明细条数", 70, kind="number"),
            Column("status", "票证状态", 80, align="center"),
        ]

    def _spec(self) -> ListPageSpec:
        return self._list_spec(
            actions=self._actions(),
            row_actions=[
                RowAction(
                    self.MODE,
                    self.ACTION,
                    lambda _p, row: self.print_row(row),
                    visible=lambda row: row.get("status") != "已作废",
                ),
            ],  # fmt: skip
            row_actions_width=70,
            checkable=False,
            on_query=lambda _p: self.fetch(),
            summary=None,
            empty_text=(
                f"请输入{'姓名或证件号码及' if self.PERSONAL else ''}费款所属期起止，"
                f"点击【查询】查询需要{self.ACTION}的完税证明。"
            ),
            export_name=self.TITLE,
        )

    def _actions(self) -> list[Action]:
        return []

    # -- 查询 ------------------------------------------------------------------------------
    def fetch(self) -> JobHandle[list[dict[str, Any]]]:
        start, end = self.list.condition_value("period")
        person = self.person_values() if self.PERSONAL else None

        def run(ctx: JobContext) -> list[dict[str, Any]]:
            return self.service.query(self.MODE, start, end, ctx, person=person)

        def done(found: list[dict[str, Any]]) -> None:
            self.source.set_rows([t | {"row_count": len(t["rows"])} for t in found])
            self.list.query()
            self.last_voided = [t for t in found if t["status"] == "已作废"]
            if self.last_voided:
                self.prompts.warning(self, self._voided_text(), title=self.TITLE)
            elif not found:
                self.prompts.info(self, self._nothing_text(), title=self.TITLE)

        self.handle = self.runner.run(Job("查询完税证明", run), done, self._failed)
        return self.handle

    def _voided_text(self) -> str:
        lines = [VOIDED_NOTICE]
        for t in self.last_voided:
            lines.append(
                f"电子税票号码{t['e_ticket_number']}：作废人{t.get('voided_by') or '—'}，"
                f"作废日期{t.get('voided_on') or '—'}，作废原因{t.get('void_reason') or '—'}"
            )
        return "\n".join(lines)

    def _nothing_text(self) -> str:
        if self.PERSONAL:
            return (
                "该城乡居民在所选费款所属期内没有需要开具的个人完税证明。个人完税证明只开具居民自己缴纳"
                "并已入库的社保费，由代收单位缴纳的请在【税收完税证明（非印刷）开具】中打印；"
                "已开具过的请到【个人税收完税证明（非印刷）补开】中打印。"
            )
        return "所选费款所属期内没有需要开具的完税证明。税款入库后才能开具；已开具过的请到【补开】中打印。"

    # -- 开具 / 补开 ----------------------------------------------------------------------
    def print_row(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]] | None:
        ticket = {k: v for k, v in row.items() if k not in ("_key", "row_count")}
        chosen = self.save_path_provider(self.service.suggested_name(ticket, self.MODE))
        if not chosen:
            return None
        path = Path(chosen)
        call = self.service.issue if self.MODE == ISSUE else self.service.reissue

        def run(_ctx: JobContext) -> dict[str, Any]:
            return call(ticket, path)

        def done(fresh: dict[str, Any]) -> None:
            self.last_saved = path
            self._printed(fresh)
            self.prompts.info(
                self,
                f"完税证明（电子税票号码{fresh['e_ticket_number']}，第{fresh['print_count']}次打印）"
                f"已保存到：{path}",
                title=self.TITLE,
            )

        self.handle = self.runner.run(Job(f"{self.ACTION}完税证明", run), done, self._failed,
                                      progress=False)  # fmt: skip
        return self.handle

    def _printed(self, fresh: dict[str, Any]) -> None:
        raise NotImplementedError


class IssueCertificatePage(_TicketPage):
    KEY: ClassVar[str] = "cert_issue"
    TITLE: ClassVar[str] = "税收完税证明（非印刷）开具"
    MODE: ClassVar[str] = ISSUE
    ACTION: ClassVar[str] = "开具"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.year_dialog: YearDialog | None = None
        self.year_result: YearResult | None = None

    def _actions(self) -> list[Action]:
        return [Action("year", "按年度开具", lambda _p: self.open_year(),
                       object_name="btn_year_certificates")]  # fmt: skip

    def _printed(self, fresh: dict[str, Any]) -> None:
        # An issued ticket is offered under 补开 from now on.
        self.source.set_rows(
            [r for r in self.source.all_rows if r["ticket_id"] != fresh["ticket_id"]]
        )
        self.list.refresh()

    def open_year(self) -> YearDialog:
        self.year_dialog = YearDialog(self, self.scope.today().year, self.scope.documents_dir)
        self.year_dialog.accepted.connect(lambda: self.print_year(*self.year_dialog.choice()))
        self.year_dialog.open()
        return self.year_dialog

    def print_year(
        self, year: int, target: Path, combined: bool, include_issued: bool
    ) -> JobHandle[YearResult]:
        def run(ctx: JobContext) -> YearResult:
            return print_year(self.service, year, target, combined=combined,
                              include_issued=include_issued, ctx=ctx)  # fmt: skip

        def done(result: YearResult) -> None:
            self.year_result = result
            if self.list.total:
                self.fetch()
            self.prompts.info(self, f"{result.summary()}\n保存位置：{target}", title="按年度开具")

        self.handle = self.runner.run(Job("按年度开具完税证明", run), done, self._failed)
        return self.handle


class ReissueCertificatePage(_TicketPage):
    KEY: ClassVar[str] = "cert_reissue"
    TITLE: ClassVar[str] = "税收完税证明（非印刷）补开"
    MODE: ClassVar[str] = REISSUE
    ACTION: ClassVar[str] = "补开"

    def _columns(self) -> list[Column]:
        return [
            *super()._columns(),
            Column("print_count", "已打印次数", 80, kind="number"),
            Column("issued_on", "开具日期", 100, kind="date"),
            Column("voided_by", "作废人", 80),
            Column("voided_on", "作废日期", 100, kind="date"),
            Column("void_reason", "作废原因", 200),
        ]

    def _nothing_text(self) -> str:
        if self.PERSONAL:
            return (
                "该城乡居民在所选费款所属期内没有开具过的个人完税证明。尚未开具的请到"
                "【个人税收完税证明（非印刷）开具】中打印。"
            )
        return "所选费款所属期内没有开具过的完税证明。尚未开具的请到【开具】中打印。"

    def _printed(self, fresh: dict[str, Any]) -> None:
        rows = [fresh | {"row_count": len(fresh["rows"])} if r["ticket_id"] == fresh["ticket_id"]
                else r for r in self.source.all_rows]  # fmt: skip
        self.source.set_rows(rows)
        self.list.refresh()


class PersonalIssueCertificatePage(IssueCertificatePage):
    """个人税收完税证明（非印刷）开具 (§3.25): the first print of a resident's ticket."""

    KEY: ClassVar[str] = "cert_person_issue"
    TITLE: ClassVar[str] = "个人税收完税证明（非印刷）开具"
    PERSONAL: ClassVar[bool] = True

    def _actions(self) -> list[Action]:
        return []


class PersonalReissueCertificatePage(ReissueCertificatePage):
    """个人税收完税证明（非印刷）补开 (§3.26): another print; voided tickets are named, not printed."""

    KEY: ClassVar[str] = "cert_person_reissue"
    TITLE: ClassVar[str] = "个人税收完税证明（非印刷）补开"
    PERSONAL: ClassVar[bool] = True


class YearDialog(QDialog):
    """按年度开具: the year, one file per ticket (a folder) or one combined PDF, and whether the
    issued ones are 补开'd too."""

    def __init__(self, page: IssueCertificatePage, year: int, folder: Path) -> None:
        super().__init__(page)
        self.setObjectName("dlg_year_certificates")
        self.setWindowTitle("按年度开具完税证明")
        self.folder = folder
        layout = QVBoxLayout(self)
        layout.addWidget(label(
            "一次开具所选年度全部已入库的完税证明。开具过程中可以取消，已开具的证明会保存。",
            "label_year_hint", "hint"))  # fmt: skip
        form = QFormLayout()
        self.spin_year = QSpinBox(self)
        self.spin_year.setObjectName("spin_year")
        self.spin_year.setRange(2000, max(year, 2000))
        self.spin_year.setValue(year)
        form.addRow("年度：", self.spin_year)
        self.radio_separate = QRadioButton("每张证明一个文件（保存到文件夹）", self)
        self.radio_separate.setObjectName("radio_separate")
        self.radio_combined = QRadioButton("合并为一个PDF文件", self)
        self.radio_combined.setObjectName("radio_combined")
        self.radio_separate.setChecked(True)
        form.addRow("保存方式：", self.radio_separate)
        form.addRow("", self.radio_combined)
        self.check_issued = QCheckBox("包括已开具的（补开，打印次数加1）", self)
        self.check_issued.setObjectName("check_include_issued")
        form.addRow("", self.check_issued)
        layout.addLayout(form)
        ok, cancel = dialog_buttons(layout, ("确定", "btn_ok"), ("取消", "btn_cancel"))
        ok.clicked.connect(self._confirm)
        cancel.clicked.connect(self.reject)
        self.target: Path | None = None
        # Tests replace this (combined?, suggested) -> chosen path or None.
        self.path_provider = self._ask_path

    def _ask_path(self, combined: bool, suggested: str) -> str | None:
        if combined:
            return ask_save_path(self, "保存合并的完税证明", self.folder, suggested)
        return (
            QFileDialog.getExistingDirectory(self, "选择保存完税证明的文件夹", str(self.folder))
            or None
        )

    def _confirm(self) -> None:
        combined = self.radio_combined.isChecked()
        chosen = self.path_provider(combined, f"税收完税证明_{self.spin_year.value()}年.pdf")
        if chosen:
            self.target = Path(chosen)
            self.accept()

    def choice(self) -> tuple[int, Path, bool, bool]:
        assert self.target is not None
        return (self.spin_year.value(), self.target, self.radio_combined.isChecked(),
                self.check_issued.isChecked())  # fmt: skip
