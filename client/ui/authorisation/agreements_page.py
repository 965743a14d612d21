"""缴费授权-居民两两协议签订 (manual §3.19): 查询 asks the 管理子系统 for the agent's residents'
agreements by 姓名, 证件号码 and 协议状态; 新增 in two steps (`AgreementDialog`); 查看 the
details as the manual's 查看居民两两协议; 撤销 after a confirmation; 打印 the 委托扣款协议书 in
the print preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client.authorisation.agreements import (
    REVOKE_QUESTION,
    SAVED,
    STATES,
    AgreementRuleError,
    ResidentAgreements,
    can_revoke,
    check_phone,
    print_agreement,
    terms_pdf,
)
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.payments.agreements import tax_authorities
from client.payments.bank_codes import MISSING_TABLES, BankCodes
from client.storage.listing import RowsSource
from client.ui.authorisation.accounts_bank_picker import load_codes
from client.ui.authorisation.agreements_dialog import AgreementDialog
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
from client.ui.print_preview import PrintPreviewDialog

TITLE = "居民两两协议签订"
EMPTY = "请输入查询条件，点击【查询】查询居民两两协议；点击【新增】签订居民两两协议。"
NONE_FOUND = "没有符合查询条件的居民两两协议。"
REVOKED = "撤销成功，该协议不再参与社保费批扣。"


def _deduction(value: Any) -> str:
    return "允许代扣" if value else "不允许代扣"


class AgreementsPage(BasePage):
    KEY = "auth_agreements"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_auth_agreements")
        app = ctx.ui.app
        unit = ctx.session.unit
        self.unit_id = unit.unit_id
        self.id_types: dict[str, str] = app.app_db.code_table("id_types") or {"01": "居民身份证"}
        self.authorities = tax_authorities(ctx.session.db, unit.tax_authority)
        self.service = ResidentAgreements(ctx.session.api, self.unit_id)
        self.codes: BankCodes | None = None
        self.handle: JobHandle[Any] | None = None
        self.dialog: AgreementDialog | None = None
        self.detail: DetailDialog | None = None
        self.preview: PrintPreviewDialog | None = None
        self.source = RowsSource("agreement_id")
        services = PageServices(app.settings, ctx.ui.prompts, self.runner)
        self.list = ListPage(self._spec(), self.source, services, self)
        self.list.table.verticalHeader().hide()
        self.content.addWidget(self.list)

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=TITLE,
            columns=[
                Column("agreement_id", "协议号", 170),
                Column("name", "姓名", 80),
                Column("id_type", "证件类型", 90, formatter=lambda v: self.id_types.get(v, v)),
                Column("id_number", "证件号码", 160),
                Column("account_type", "协议人银行账户", 100, align="center"),
                Column("bank_name", "银行行别", 120),
                Column("branch_name", "开户网点", 180),
                Column("account_masked", "缴费账号", 100),
                Column("holder_name", "持卡人姓名", 90),
                Column("state", "协议状态", 75, align="center"),
                Column(
                    "allow_deduction", "是否允许银行代扣", 115, align="center", formatter=_deduction
                ),
                Column("verified_on", "验证通过日期", 100, kind="date"),
                Column("revoked_at", "撤销时间", 140, kind="datetime"),
            ],  # fmt: skip
            conditions=[
                TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                TextCondition("id_number", "证件号码"),
                ComboCondition("state", "协议状态", list(STATES)),
            ],
            actions=[Action("new", "新增", lambda _p: self.new(), object_name="btn_new_agreement")],
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row)),
                RowAction("revoke", "撤销", lambda _p, row: self.revoke(row), visible=can_revoke),
                RowAction("print", "打印", lambda _p, row: self.print_row(row)),
            ],
            row_actions_width=130,
            checkable=False,
            empty_text=EMPTY,
            on_query=lambda _p: self.fetch(),
        )

    # -- 查询 -----------------------------------------------------------------------------
    def fetch(self) -> JobHandle[list[dict[str, Any]]]:
        values = {k: self.list.condition_value(k) for k in ("name", "id_number", "state")}
        service = self.service

        def run(_ctx: JobContext) -> list[dict[str, Any]]:
            return service.query(values["name"], values["id_number"], values["state"])

        self.handle = self.runner.run(Job("正在查询居民两两协议", run), self._show, self._failed)
        return self.handle

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.source.set_rows(rows)
        self.list.set_empty_text(NONE_FOUND)
        self.list.query()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, JobCancelled):
            self.prompts.error(self, user_message(error), title=TITLE)

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
            self.prompts.warning(self, MISSING_TABLES.replace("三方协议", "两两协议"), TITLE)
            return
        self.dialog = AgreementDialog(self, self.codes)
        self.dialog.open()

    def send_code(self, dialog: AgreementDialog) -> JobHandle[dict[str, Any]] | None:
        """获取验证码 for the phone typed (checked here first)."""
        phone, service = dialog.edit_phone.text(), self.service
        try:
            check_phone(phone)
        except AgreementRuleError as error:
            dialog.show_error(error)
            return None
        dialog.btn_send_code.setEnabled(False)

        def failed(error: BaseException) -> None:
            dialog.btn_send_code.setEnabled(True)
            dialog.show_error(user_message(error))

        self.handle = dialog.runner.run(
            Job("正在发送短信验证码", lambda _c: service.send_code(phone)),
            lambda sent: dialog.code_sent(sent["phone"]),
            failed,
            cancellable=False,
        )
        return self.handle

    def sign(self, dialog: AgreementDialog) -> JobHandle[dict[str, Any]] | None:
        """保存: checked first (nothing sent when wrong); 协议保存成功 or the server's sentence
        (协议签订失败：…, a wrong or expired 短信验证码, a second 有效 agreement)."""
        resident, form, codes = dialog.resident, dialog.form(), dialog.codes
        if resident is None:
            return None
        try:
            form.wire(resident, codes, self.id_types)
        except AgreementRuleError as error:
            dialog.show_error(error)
            return None
        service, id_types = self.service, self.id_types

        def done(row: dict[str, Any]) -> None:
            dialog.saved = row
            dialog.accept()
            self.prompts.info(self, SAVED, title=TITLE)
            self.list.set_condition("id_number", row["id_number"])
            self.list.set_condition("state", None)
            self.fetch()

        def failed(error: BaseException) -> None:
            dialog.show_error(user_message(error))

        self.handle = dialog.runner.run(
            Job("正在签订居民两两协议", lambda _c: service.sign(resident, form, codes, id_types)),
            done,
            failed,
            cancellable=False,
        )
        return self.handle

    def show_terms(self, dialog: AgreementDialog) -> JobHandle[Path]:
        """The 《社保费扣费协议书》 link: the terms in the print preview (打印, 另存为)."""
        unit = self.ctx.session.unit
        folder = Path(self.ctx.ui.app.paths.documents_dir) / unit.unit_id

        def show(path: Path) -> None:
            self.preview = PrintPreviewDialog(
                path, "社保费扣费协议书", path.name, self.prompts, dialog
            )
            self.preview.open()

        self.handle = dialog.runner.run(
            Job("正在生成社保费扣费协议书",
                lambda _c: terms_pdf(folder, unit.taxpayer_name, unit.taxpayer_id)),
            show,
            self._failed,
            cancellable=False,
        )  # fmt: skip
        return self.handle

    # -- 查看 -----------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> DetailDialog:
        kind = self.id_types.get
        fields = [
            ("姓名", row["name"]), ("证件类型", kind(row["id_type"], row["id_type"])),
            ("证件号码", row["id_number"]), ("所属税务机关", row["tax_authority"]),
            ("银行行别", row["bank_name"]), ("行政区划", row["region_name"]),
            ("开户行行号", row["branch_code"]), ("清算行行号", row["clearing_code"]),
            ("缴费账号", row["account_number"]), ("协议状态", row["state"]),
            ("验证通过日期", row["verified_on"]),
            ("是否允许银行代扣", _deduction(row["allow_deduction"])),
            ("协议号", row["agreement_id"]), ("持卡人姓名", row["holder_name"]),
            ("持卡人证件类型", kind(row["holder_id_type"], row["holder_id_type"])),
            ("持卡人证件号码", row["holder_id_number"]), ("开户网点", row["branch_name"]),
        ]  # fmt: skip
        if row.get("phone"):
            fields.append(("手机号码", row["phone"]))
        self.detail = DetailDialog(
            "查看居民两两协议",
            [DetailSection("协议信息", fields, per_row=2)],
            self,
            "dialog_agreement_detail",
        )
        self.detail.open()
        return self.detail

    # -- 撤销 -----------------------------------------------------------------------------
    def revoke(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]] | None:
        if not self.prompts.confirm(self, REVOKE_QUESTION, title="确认信息", yes="确定", no="取消"):
            return None
        service = self.service

        def done(_row: dict[str, Any]) -> None:
            self.prompts.info(self, REVOKED, title="撤销")
            self.fetch()

        self.handle = self.runner.run(
            Job("正在撤销居民两两协议", lambda _c: service.revoke(row)),
            done,
            self._failed,
            cancellable=False,
        )
        return self.handle

    # -- 打印 -----------------------------------------------------------------------------
    def print_row(self, row: dict[str, Any]) -> JobHandle[Path]:
        unit = self.ctx.session.unit
        folder = Path(self.ctx.ui.app.paths.documents_dir) / unit.unit_id
        id_types = self.id_types

        def run(_ctx: JobContext) -> Path:
            return print_agreement(row, folder, unit.taxpayer_name, unit.taxpayer_id, id_types)

        def show(path: Path) -> None:
            self.preview = PrintPreviewDialog(path, "委托扣款协议书", path.name, self.prompts, self)
            self.preview.open()

        self.handle = self.runner.run(
            Job("正在生成委托扣款协议书", run), show, self._failed, cancellable=False
        )
        return self.handle
