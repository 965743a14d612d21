"""缴费授权-居民银行账户管理 (manual §3.18): 查询 asks the 征收子系统 for the agent's residents'
bank accounts by 姓名, 证件号码 and 银行行别 (nothing is kept locally); 新增 in two steps
(`AccountDialog`: the three facts, then the account with 银行行别 → 行政区划 → 开户网点);
查看 shows one account."""

from __future__ import annotations

from typing import Any

from client.authorisation.accounts import AccountRuleError, ResidentAccounts, yes_no
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.payments.bank_codes import MISSING_TABLES, BankCodes
from client.storage.listing import RowsSource
from client.ui.authorisation.accounts_bank_picker import load_codes
from client.ui.authorisation.accounts_dialog import AccountDialog
from client.ui.dialogs.detail import DetailDialog, DetailSection
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    RowAction,
    TextCondition,
)
from client.ui.pages import BasePage, PageContext

TITLE = "居民银行账户管理"
EMPTY = (
    "请输入查询条件，点击【查询】从征收子系统查询居民银行账户信息；点击【新增】采集居民银行账户。"
)
NONE_FOUND = "没有符合查询条件的居民银行账户。"
SAVED = "居民银行账户信息已保存到征收子系统。"


class AccountsPage(BasePage):
    KEY = "auth_accounts"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_auth_accounts")
        app = ctx.ui.app
        self.unit_id = ctx.session.unit.unit_id
        self.id_types: dict[str, str] = app.app_db.code_table("id_types") or {"01": "居民身份证"}
        self.service = ResidentAccounts(ctx.session.api, self.unit_id)
        self.codes: BankCodes | None = None
        self.handle: JobHandle[Any] | None = None
        self.dialog: AccountDialog | None = None
        self.detail: DetailDialog | None = None
        self.source = RowsSource("account_id")
        services = PageServices(app.settings, ctx.ui.prompts, self.runner)
        self.list = ListPage(self._spec(), self.source, services, self)
        self.list.table.verticalHeader().hide()
        self.content.addWidget(self.list)

    def _banks(self) -> list[tuple[str, str]]:
        entries = (self.ctx.ui.app.app_db.rule_file("banks") or {}).get("entries") or []
        return [(str(e["name"]), str(e["code"])) for e in entries if e.get("code")]

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=TITLE,
            columns=[
                Column("name", "姓名", 80),
                Column("id_type", "证件类型", 90, formatter=lambda v: self.id_types.get(v, v)),
                Column("id_number", "证件号码", 160),
                Column("bank_name", "银行行别", 120),
                Column("region_name", "行政区划", 100),
                Column("branch_name", "开户网点", 190),
                Column("account_number", "银行账号", 170),
                Column("account_nature", "账户性质", 120),
                Column("refund_flag", "退费账户标志", 95, align="center", formatter=yes_no),
                Column("preferred_flag", "首选缴费账户标志", 120, align="center", formatter=yes_no),
                Column("social_flag", "社保费账户标志", 105, align="center", formatter=yes_no),
                Column("created_at", "采集时间", 140, kind="datetime"),
            ],  # fmt: skip
            conditions=[
                TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                TextCondition("id_number", "证件号码"),
                ComboCondition("bank_code", "银行行别", self._banks),
            ],
            actions=[Action("new", "新增", lambda _p: self.new(), object_name="btn_new_account")],
            row_actions=[RowAction("view", "查看", lambda _p, row: self.view(row))],
            row_actions_width=70,
            checkable=False,
            empty_text=EMPTY,
            on_query=lambda _p: self.fetch(),
        )

    # -- 查询 -----------------------------------------------------------------------------
    def fetch(self) -> JobHandle[list[dict[str, Any]]]:
        values = {k: self.list.condition_value(k) for k in ("name", "id_number", "bank_code")}
        service = self.service

        def run(_ctx: JobContext) -> list[dict[str, Any]]:
            return service.query(values["name"], values["id_number"], values["bank_code"])

        def failed(error: BaseException) -> None:
            if not isinstance(error, JobCancelled):
                self.prompts.error(self, user_message(error), title=TITLE)

        self.handle = self.runner.run(Job("正在查询居民银行账户", run), self._show, failed)
        return self.handle

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.source.set_rows(rows)
        self.list.set_empty_text(NONE_FOUND)
        self.list.query()

    # -- 新增 -----------------------------------------------------------------------------
    def new(self) -> JobHandle[BankCodes] | None:
        if self.codes is not None:
            self._open_dialog()
            return None

        def loaded(codes: BankCodes) -> None:
            self.codes = codes
            self._open_dialog()

        self.handle = load_codes(self.runner, self.ctx.ui.app.app_db, loaded)
        return self.handle

    def _open_dialog(self) -> None:
        assert self.codes is not None
        if not self.codes.complete:
            self.prompts.warning(
                self, MISSING_TABLES.replace("签订三方协议", "采集银行账户"), TITLE
            )
            return
        self.dialog = AccountDialog(self, self.codes)
        self.dialog.open()

    def save_account(self, dialog: AccountDialog) -> JobHandle[dict[str, Any]] | None:
        """保存: checked first (nothing sent when wrong), then saved; the list shows it."""
        resident, form, codes = dialog.resident, dialog.form(), dialog.codes
        if resident is None:
            return None
        try:
            form.checked(codes)
        except AccountRuleError as error:
            dialog.show_error(error)
            return None
        service = self.service

        def done(row: dict[str, Any]) -> None:
            dialog.saved = row
            dialog.accept()
            self.prompts.info(self, SAVED, title=TITLE)
            self.list.set_condition("id_number", row["id_number"])
            self.fetch()

        def failed(error: BaseException) -> None:
            dialog.show_error(user_message(error))

        self.handle = dialog.runner.run(
            Job("正在保存居民银行账户", lambda _c: service.create(resident, form, codes)),
            done,
            failed,
            cancellable=False,
        )
        return self.handle

    # -- 查看 -----------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> DetailDialog:
        sections = [
            DetailSection(
                "人员信息",
                [("姓名", row["name"]), ("证件类型", self.id_types.get(row["id_type"], "")),
                 ("证件号码", row["id_number"])],
            ),
            DetailSection(
                "银行账户信息",
                [("银行行别", row["bank_name"]), ("行政区划", row["region_name"]),
                 ("开户网点", row["branch_name"]), ("银行账号", row["account_number"]),
                 ("账户性质", row["account_nature"]),
                 ("退费账户标志", yes_no(row["refund_flag"])),
                 ("首选缴费账户标志", yes_no(row["preferred_flag"])),
                 ("社保费账户标志", yes_no(row["social_flag"])),
                 ("采集时间", row["created_at"])],
                per_row=2,
            ),
        ]  # fmt: skip
        self.detail = DetailDialog("查看居民银行账户", sections, self, "dialog_account_detail")
        self.detail.open()
        return self.detail
