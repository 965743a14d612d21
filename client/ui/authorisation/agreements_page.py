"""缴费授权-居民两两协议签订 (manual §3.19): 查询 asks the 管理子系统 for the agent's residents'
agreements by 姓名, 证件号码 and 协议状态; 新增 in two steps (`AgreementDialog`); 查看 the
details as the manual's 查看居民两两协议; 撤销 after a confirmation; 打印 the 委托扣款协议书 in
the print preview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

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
from client.authorisation.people import AreaResident
from client.errors import user_message
from client.jobs import Job
from client.payments.agreements import tax_authorities
from client.payments.bank_codes import MISSING_TABLES
from client.ui.authorisation.agreements_dialog import AgreementDialog
from client.ui.authorisation.page_base import ResidentFormsPage
from client.ui.dialogs.detail import DetailDialog, DetailSection
from client.ui.jobs import JobHandle, JobRunner
from client.ui.listpage import (
    Column,
    ComboCondition,
    RowAction,
)
from client.ui.pages import PageContext
from client.ui.print_preview import PrintPreviewDialog

REVOKED = "撤销成功，该协议不再参与社保费批扣。"


def _deduction(value: Any) -> str:
    return "允许代扣" if value else "不允许代扣"


class AgreementsPage(ResidentFormsPage):
    KEY = "auth_agreements"
    TITLE = "居民两两协议签订"
    SERVICE = ResidentAgreements
    ROW_KEY = "agreement_id"
    EMPTY = "请输入查询条件，点击【查询】查询居民两两协议；点击【新增】签订居民两两协议。"
    NONE_FOUND = "没有符合查询条件的居民两两协议。"
    QUERY_JOB = "正在查询居民两两协议"
    NEW_BUTTON = "btn_new_agreement"
    ROW_ACTIONS_WIDTH = 130
    DIALOG = AgreementDialog
    MISSING_TABLES = MISSING_TABLES.replace("三方协议", "两两协议")
    SAVE_JOB = "正在签订居民两两协议"
    SAVED = SAVED
    CLEARED_AFTER_SAVE = ("state",)

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.authorities = tax_authorities(ctx.session.db, ctx.session.unit.tax_authority)
        self.preview: PrintPreviewDialog | None = None

    def _columns(self) -> list[Column]:
        return [
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
        ]  # fmt: skip

    def _filter(self) -> ComboCondition:
        return ComboCondition("state", "协议状态", list(STATES))

    def _row_actions(self) -> list[RowAction]:
        return [
            RowAction("view", "查看", lambda _p, row: self.view(row)),
            RowAction("revoke", "撤销", lambda _p, row: self.revoke(row), visible=can_revoke),
            RowAction("print", "打印", lambda _p, row: self.print_row(row)),
        ]

    # -- 新增 -----------------------------------------------------------------------------
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

    # -- 保存 -----------------------------------------------------------------------------
    def _checked(
        self, dialog: AgreementDialog, resident: AreaResident
    ) -> Callable[[], dict[str, Any]]:
        """协议保存成功 or the server's sentence (协议签订失败：…, a wrong or expired 短信验证码,
        a second 有效 agreement)."""
        form, codes, service, id_types = dialog.form(), dialog.codes, self.service, self.id_types
        form.wire(resident, codes, id_types)
        return lambda: service.sign(resident, form, codes, id_types)

    def show_terms(self, dialog: AgreementDialog) -> JobHandle[Path]:
        """The 《社保费扣费协议书》 link: the terms in the print preview (打印, 另存为)."""
        return self._preview(
            "社保费扣费协议书",
            lambda folder, unit: terms_pdf(folder, unit.taxpayer_name, unit.taxpayer_id),
            dialog,
            dialog.runner,
        )

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
        return self._open_detail(
            "查看居民两两协议",
            [DetailSection("协议信息", fields, per_row=2)],
            "dialog_agreement_detail",
        )

    # -- 撤销 -----------------------------------------------------------------------------
    def revoke(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]] | None:
        service = self.service

        def done(_row: dict[str, Any]) -> None:
            self.prompts.info(self, REVOKED, title="撤销")
            self.fetch()

        return self._after_question(
            REVOKE_QUESTION,
            Job("正在撤销居民两两协议", lambda _c: service.revoke(row)),
            done,
            cancellable=False,
        )

    # -- 打印 -----------------------------------------------------------------------------
    def print_row(self, row: dict[str, Any]) -> JobHandle[Path]:
        id_types = self.id_types
        return self._preview(
            "委托扣款协议书",
            lambda folder, unit: print_agreement(
                row, folder, unit.taxpayer_name, unit.taxpayer_id, id_types
            ),
            self,
            self.runner,
        )

    def _preview(
        self, title: str, make: Callable[[Path, Any], Path], owner: QWidget, runner: JobRunner
    ) -> JobHandle[Path]:
        """The document `make(folder, unit)` writes, shown in the print preview over `owner`."""
        unit = self.ctx.session.unit
        folder = Path(self.ctx.ui.app.paths.documents_dir) / unit.unit_id

        def show(path: Path) -> None:
            self.preview = PrintPreviewDialog(path, title, path.name, self.prompts, owner)
            self.preview.open()

        handle = runner.run(
            Job(f"正在生成{title}", lambda _c: make(folder, unit)), show, self._failed,
            cancellable=False,
        )  # fmt: skip
        self.handle = handle
        return handle
