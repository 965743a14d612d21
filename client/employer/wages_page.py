"""日常/年度缴费工资申报 (manual §2.3–§2.6): the working list on the shared list-page shape,
in 按职工 or 按险种 mode. The switch button names the *other* mode (§2.4.3 三)."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtWidgets import QHBoxLayout

from client.domain.wages import (
    ANNUAL,
    BY_EMPLOYEE,
    BY_ITEM,
    DAILY,
    DECLARATION_TITLES,
    MODE_TITLES,
    WageRuleError,
)
from client.employer.roster import RosterService
from client.employer.wage_dialogs import AdjustDialog, SingleEntryDialog, confirm_month
from client.employer.wage_import_flow import download_wage_template, start_wage_import
from client.errors import user_message
from client.groups.service import GroupService
from client.jobs import Job, JobContext
from client.storage.listing import MappedSource
from client.storage.settings import AppSettings
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    TextCondition,
    export_action,
)
from client.ui.pages import BasePage, PageContext
from client.ui.widgets.common import button, label
from client.wages.declare import WageDeclarations
from client.wages.drafts import EDITABLE_STATES, FAILED, NOT_DECLARED, SUBMITTED, WageDrafts

STATES = (NOT_DECLARED, SUBMITTED, FAILED)


class WageDeclarationPage(BasePage):
    declaration_type: ClassVar[str] = DAILY

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        title = DECLARATION_TITLES[self.declaration_type]
        self.setObjectName(f"page_wages_{self.declaration_type}")
        self.mode = BY_EMPLOYEE
        self.dialog: Any = None
        self.handle: Any = None
        head = QHBoxLayout()
        self.title = label("", "label_wage_mode", role="section")
        head.addWidget(self.title)
        head.addStretch(1)
        self.btn_switch = button("", "btn_switch_mode")
        self.btn_switch.clicked.connect(self.switch_mode)
        head.addWidget(self.btn_switch)
        self.content.addLayout(head)
        self.page_title = title
        self.list: ListPage | None = None
        self._build()

    # -- mode ------------------------------------------------------------------------------
    @property
    def other_mode(self) -> str:
        return BY_ITEM if self.mode == BY_EMPLOYEE else BY_EMPLOYEE

    def switch_mode(self) -> None:
        """【按险种申报缴费工资】/【按职工申报缴费工资】: the button names where it goes."""
        self.mode = self.other_mode
        self._build()

    def _build(self) -> None:
        app = self.ctx.ui.app
        self.drafts = WageDrafts(
            app.app_db,
            self.ctx.session.db,
            self.ctx.session.unit.tax_authority,
            app.local_today(),
            self.declaration_type,
            self.mode,
        )
        self.declarations = WageDeclarations(
            self.ctx.session.api, self.ctx.session.db, self.ctx.session.unit.unit_id
        )
        if self.list is not None:
            old = self.list
            self.content.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self.title.setText(f"{self.page_title}-{MODE_TITLES[self.mode]}")
        self.btn_switch.setText(MODE_TITLES[self.other_mode])
        source = MappedSource(self.drafts.source(), self._with_base)
        self.list = ListPage(
            self._spec(),
            source,
            PageServices(AppSettings(app.app_db), self.prompts, self.runner),
        )
        self.content.addWidget(self.list, 1)

    def _with_base(self, row: dict[str, Any]) -> dict[str, Any]:
        row["base"] = self.drafts.base_for(row["new_wage"], row["effective_month"])
        return row

    # -- the page as the manual describes it -----------------------------------------------
    def _spec(self) -> ListPageSpec:
        names = self.ctx.ui.app.app_db.code_table("levy_items")
        id_types = self.ctx.ui.app.app_db.code_table("id_types")
        editable = self._row_editable
        columns = [
            Column("name", "姓名", 100),
            Column("id_type", "证件类型", 110, formatter=lambda c: id_types.get(c, c or "")),
            Column("id_number", "证件号码", 170),
        ]
        if self.mode == BY_ITEM:
            columns += [
                Column("unit_number", "单位编号", 100),
                Column("levy_item", "征收项目", 160, formatter=lambda c: names.get(c, c or "")),
            ]
        columns += [
            Column("tax_authority", "主管税务机关", 200),
            Column("old_wage", "原缴费工资(元)", 110, kind="amount"),
            Column("new_wage", "新缴费工资(元)", 110, kind="amount", editable=editable),
            Column("base", "缴费基数(元)", 100, kind="amount", sortable=False),
        ]
        if self.declaration_type == DAILY:
            columns.append(Column("effective_month", "生效年月", 90, kind="month",
                                  editable=editable))  # fmt: skip
        columns += [
            Column("state", "状态", 80, align="center"),
            Column("failure_reason", "失败原因", 220, sortable=False),
        ]
        conditions: list[Any] = [
            TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
            TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
            ComboCondition("state", "状态", list(STATES)),
        ]
        if self.mode == BY_ITEM:
            conditions.append(
                ComboCondition("levy_item", "征收项目", [(n, c) for c, n in names.items()])
            )
        adds = [
            Action("add_single", "单个录入", lambda _p: self.add_single()),
            Action("add_import", "外部文件导入", lambda _p: self.import_file()),
            Action("add_template", "导入模板下载", lambda _p: self.download_template()),
            Action("add_paying", "添加全部正常缴费职工", lambda _p: self.add_all_paying()),
            Action(
                "add_unit_number", "按单位编号添加缴费职工", lambda _p: self.add_by_unit_number()
            ),  # fmt: skip
            Action("add_group", "按分组添加缴费职工", lambda _p: self.add_by_group()),
        ]
        return ListPageSpec(
            page_key=f"wages_{self.declaration_type}_{self.mode}",
            title=f"{self.page_title}-{MODE_TITLES[self.mode]}",
            columns=columns,
            conditions=conditions,
            actions=[
                Action("add", "添加", children=tuple(adds)),
                Action(
                    "batch_modify", "批量修改", lambda p: self.batch_modify(), needs_selection=True
                ),  # fmt: skip
                Action("delete", "删除", lambda p: self.delete(), needs_selection=True),
                export_action("选中职工", "所有职工"),
                Action(
                    "submit",
                    "提交申报",
                    lambda p: self.submit(),
                    needs_selection=True,
                    selection_message="请先勾选需要提交申报的数据",
                ),  # fmt: skip
            ],
            on_edit=self._edit,
            export_name=f"{self.page_title}_{MODE_TITLES[self.mode]}",
            empty_text="列表中还没有职工，请点击【添加】选择添加方式。",
        )

    @staticmethod
    def _row_editable(row: dict[str, Any]) -> bool:
        return row.get("state") in EDITABLE_STATES

    # -- 修改缴费工资 (in the table) ---------------------------------------------------------
    def _edit(self, _page: ListPage, row: dict[str, Any], key: str, text: str) -> bool:
        try:
            if key == "new_wage":
                self.drafts.set_new_wage(row["id"], text)
                return True
            if not confirm_month(self.prompts, self, self.drafts.month_check(row["id"], text)):
                return False
            self.drafts.set_effective_month(row["id"], text)
            return True
        except WageRuleError as exc:
            self.prompts.error(self, exc.message, title="修改缴费工资")
            return False

    # -- 添加 ------------------------------------------------------------------------------------
    def add_single(self) -> SingleEntryDialog:
        self.dialog = SingleEntryDialog(self.drafts, self.prompts, self)
        self.dialog.accepted.connect(lambda: self._added(self.dialog.result_message))
        self.dialog.open()
        return self.dialog

    def _added(self, message: str) -> None:
        assert self.list is not None
        self.list.query()
        self.prompts.info(self, message)

    def _run_add(self, title: str, work: Any) -> None:
        def run(_ctx: JobContext) -> str:
            return work().message()

        self.handle = self.runner.run(Job(title, run), self._added)

    def add_all_paying(self) -> None:
        self._run_add("添加全部正常缴费职工", lambda: self.drafts.add_many("paying"))

    def _adjust_dialog(
        self, title: str, name: str, choice_label: str, choices: Any
    ) -> AdjustDialog:
        month = None if self.declaration_type == ANNUAL else self.drafts.default_month()
        self.dialog = AdjustDialog(title, name, choice_label, choices, month, self)
        if month is not None:
            self.dialog.month_rule = lambda text: self.drafts.check_month(text, None)
            self.dialog.prompts = self.prompts
        return self.dialog

    def add_by_unit_number(self) -> AdjustDialog:
        numbers = RosterService(
            self.ctx.ui.app.app_db, self.ctx.session.db, self.drafts.today
        ).unit_number_options()
        dialog = self._adjust_dialog("按单位编号添加缴费职工", "dialog_wage_by_unit_number",
                                     "单位编号", [(n, n) for n in numbers])  # fmt: skip
        dialog.accepted.connect(
            lambda: self._add_adjusted("按单位编号添加", "unit_number", dialog, dialog.chosen)
        )
        dialog.open()
        return dialog

    def add_by_group(self) -> AdjustDialog:
        groups = GroupService(self.ctx.session.db)
        dialog = self._adjust_dialog("按分组添加缴费职工", "dialog_wage_by_group", "分组",
                                     [(g.path, g.id) for g in groups.flat()])  # fmt: skip

        def chosen() -> None:
            ids = groups.descendant_ids(int(dialog.chosen))
            self._add_adjusted("按分组添加", "group", dialog, None, ids)

        dialog.accepted.connect(chosen)
        dialog.open()
        return dialog

    def _add_adjusted(
        self, title: str, which: str, dialog: AdjustDialog, value: Any, group_ids: Any = ()
    ) -> None:
        month = dialog.checked_month if self.declaration_type == DAILY else None  # judged there
        self._run_add(
            title,
            lambda: self.drafts.add_many(which, value, dialog.adjustment, month, group_ids),
        )

    # -- 外部文件导入 ------------------------------------------------------------------------
    def download_template(self, path: str | None = None) -> str | None:
        return download_wage_template(self, path)

    def import_file(self, path: str | None = None) -> Any:
        self.import_flow = start_wage_import(self, path)
        return self.import_flow

    # -- 批量修改 / 删除 ---------------------------------------------------------------------
    def checked_ids(self) -> list[int]:
        assert self.list is not None
        return [int(k) for k in self.list.checked_keys()]

    def batch_modify(self) -> AdjustDialog:
        self.dialog = AdjustDialog("批量修改", "dialog_wage_batch_modify", parent=self)

        def apply() -> None:
            try:
                count = self.drafts.batch_modify(self.checked_ids(), self.dialog.adjustment)
            except WageRuleError as exc:
                self.prompts.error(self, exc.message, title="批量修改")
                return
            assert self.list is not None
            self.list.refresh()
            self.prompts.info(self, f"已修改{count}条数据的新缴费工资。")

        self.dialog.accepted.connect(apply)
        self.dialog.open()
        return self.dialog

    def delete(self) -> None:
        ids = self.checked_ids()
        if not self.prompts.confirm(self, f"确定删除勾选的{len(ids)}条数据吗？", title="删除"):
            return
        deleted, refused = self.drafts.delete(ids)
        assert self.list is not None
        self.list.query()
        message = f"已删除{deleted}条数据。"
        if refused:
            message += f"其中{refused}条已提交申报、正在等待反馈，不能删除。"
        self.prompts.info(self, message)

    # -- 提交申报 ---------------------------------------------------------------------------
    def submit(self) -> None:
        ids = self.checked_ids()

        def run(_ctx: JobContext) -> list[dict[str, Any]]:
            return self.declarations.submit(self.drafts, ids)

        def done(answers: list[dict[str, Any]]) -> None:
            assert self.list is not None
            self.list.query()
            records = self.ctx.open_page("wage_records")
            if records is not None and hasattr(records, "await_feedback"):
                records.await_feedback(answers)

        def failed(error: BaseException) -> None:
            assert self.list is not None
            self.list.query()
            self.prompts.error(self, user_message(error), title="提交申报")

        self.handle = self.runner.run(Job("提交申报", run), done, failed)


class DailyWagePage(WageDeclarationPage):
    declaration_type = DAILY


class AnnualWagePage(WageDeclarationPage):
    declaration_type = ANNUAL
