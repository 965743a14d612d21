"""缴费授权-居民银行账户管理 (manual §3.18): 查询 asks the 征收子系统 for the agent's residents'
bank accounts by 姓名, 证件号码 and 银行行别 (nothing is kept locally); 新增 in two steps
(`AccountDialog`: the three facts, then the account with 银行行别 → 行政区划 → 开户网点);
查看 shows one account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from client.authorisation.accounts import ResidentAccounts, yes_no
from client.authorisation.people import AreaResident
from client.payments.bank_codes import MISSING_TABLES
from client.ui.authorisation.accounts_dialog import AccountDialog
from client.ui.authorisation.page_base import ResidentFormsPage
from client.ui.dialogs.detail import DetailDialog, DetailSection
from client.ui.listpage import (
    Column,
    ComboCondition,
    RowAction,
)

SAVED = "居民银行账户信息已保存到征收子系统。"


class AccountsPage(ResidentFormsPage):
    KEY = "auth_accounts"
    TITLE = "居民银行账户管理"
    SERVICE = ResidentAccounts
    ROW_KEY = "account_id"
    EMPTY = "请输入查询条件，点击【查询】从征收子系统查询居民银行账户信息；点击【新增】采集居民银行账户。"
    NONE_FOUND = "没有符合查询条件的居民银行账户。"
    QUERY_JOB = "正在查询居民银行账户"
    NEW_BUTTON = "btn_new_account"
    ROW_ACTIONS_WIDTH = 70
    DIALOG = AccountDialog
    MISSING_TABLES = MISSING_TABLES.replace("签订三方协议", "采集银行账户")
    SAVE_JOB = "正在保存居民银行账户"
    SAVED = SAVED

    def _banks(self) -> list[tuple[str, str]]:
        entries = (self.ctx.ui.app.app_db.rule_file("banks") or {}).get("entries") or []
        return [(str(e["name"]), str(e["code"])) for e in entries if e.get("code")]

    def _columns(self) -> list[Column]:
        return [
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
        ]  # fmt: skip

    def _filter(self) -> ComboCondition:
        return ComboCondition("bank_code", "银行行别", self._banks)

    def _row_actions(self) -> list[RowAction]:
        return [RowAction("view", "查看", lambda _p, row: self.view(row))]

    # -- 保存 -----------------------------------------------------------------------------
    def _checked(
        self, dialog: AccountDialog, resident: AreaResident
    ) -> Callable[[], dict[str, Any]]:
        form, codes, service = dialog.form(), dialog.codes, self.service
        form.checked(codes)
        return lambda: service.create(resident, form, codes)

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
        return self._open_detail("查看居民银行账户", sections, "dialog_account_detail")
