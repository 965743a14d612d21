"""What the 缴费授权 pages (manual §3.17–§3.20) share: the list in the page, the unit's 证件类型
names, a question before a job that changes a row, and the detail window. `DeductionPage` is the
shape of the two 社保费批扣 pages (作废 with its sentence); `ResidentFormsPage` that of the two
pages whose 新增 takes a resident and a bank form (`ResidentStepsDialog`): 查询 asks the
backend, 新增 loads the bank code tables first, 保存 is checked here before it is sent and the
list then shows the saved row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from client.authorisation.accounts import AccountRuleError
from client.errors import user_message
from client.jobs import Job, JobCancelled
from client.payments.bank_codes import BankCodes
from client.storage.listing import ListSource, RowsSource
from client.ui.authorisation.accounts_bank_picker import load_codes
from client.ui.authorisation.steps_dialog import ResidentStepsDialog
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
from client.unit_reference.service import LevyNames

FALLBACK_ID_TYPES = {"01": "居民身份证"}


class AuthorisationPage(BasePage):
    TITLE: ClassVar[str]
    ID_TYPES: ClassVar[dict[str, str]] = FALLBACK_ID_TYPES  # when the code table is not there

    def __init__(self, ctx: PageContext, object_name: str) -> None:
        super().__init__(ctx)
        self.setObjectName(object_name)
        self.unit_id = ctx.session.unit.unit_id
        self.id_types: dict[str, str] = ctx.ui.app.app_db.code_table("id_types") or dict(
            self.ID_TYPES
        )
        self.handle: JobHandle[Any] | None = None
        self.detail: DetailDialog | None = None

    def _add_list(self, spec: ListPageSpec, source: ListSource, **options: Any) -> ListPage:
        services = PageServices(self.ctx.ui.app.settings, self.ctx.ui.prompts, self.runner)
        self.list = ListPage(spec, source, services, self, **options)
        self.content.addWidget(self.list)
        return self.list

    def _id_type(self, code: Any) -> str:
        return self.id_types.get(str(code), str(code or ""))

    def _after_question(
        self,
        question: str,
        job: Job[Any],
        done: Callable[[Any], None],
        *,
        cancellable: bool = True,
    ) -> JobHandle[Any] | None:
        """The manual's 确认信息 first; on 确定 the job runs (failures go to `_failed`)."""
        if not self.prompts.confirm(self, question, title="确认信息", yes="确定", no="取消"):
            return None
        self.handle = self.runner.run(job, done, self._failed, cancellable=cancellable)
        return self.handle

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, JobCancelled):
            self.prompts.error(self, user_message(error), title=self.TITLE)

    def _open_detail(self, title: str, sections: list[DetailSection], name: str) -> DetailDialog:
        self.detail = DetailDialog(title, sections, self, name)
        self.detail.open()
        return self.detail


class DeductionPage(AuthorisationPage):
    """社保费批扣费额设置 and 社保费批扣清册查询: 作废 a row after the manual's question, then the
    list read again and the sentence `VOIDED` said."""

    VOID_QUESTION: ClassVar[str]
    VOID_JOB: ClassVar[str]
    VOIDED: ClassVar[str]  # with {name}, {year} and {insurance}

    def __init__(self, ctx: PageContext, object_name: str) -> None:
        super().__init__(ctx, object_name)
        self.names = LevyNames(ctx.ui.app.app_db)

    def _void(self, row: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        """What 作废 of `row` sends (run off the UI thread)."""
        raise NotImplementedError

    def void(self, row: dict[str, Any]) -> JobHandle[Any] | None:
        """作废 after the manual's question; the list is read again."""
        send = self._void(row)
        job = Job(self.VOID_JOB, lambda _c: send())
        return self._after_question(self.VOID_QUESTION, job, self._voided)

    def _voided(self, row: dict[str, Any]) -> None:
        self.list.refresh()
        self.prompts.info(
            self,
            self.VOIDED.format(name=row["name"], year=row["year"], insurance=row["insurance_name"]),
            title=self.TITLE,
        )


class ResidentFormsPage(AuthorisationPage):
    """居民银行账户管理 and 居民两两协议签订: a list of what 查询 brought, 新增 in a
    `ResidentStepsDialog`, 查看 a row."""

    KEY: ClassVar[str]
    SERVICE: ClassVar[Callable[..., Any]]  # (api, unit_id) → the page's service
    ROW_KEY: ClassVar[str]
    EMPTY: ClassVar[str]
    NONE_FOUND: ClassVar[str]
    QUERY_JOB: ClassVar[str]
    NEW_BUTTON: ClassVar[str]
    ROW_ACTIONS_WIDTH: ClassVar[int]
    DIALOG: ClassVar[type[ResidentStepsDialog]]
    MISSING_TABLES: ClassVar[str]  # said instead of 新增 when the bank code tables are missing
    SAVE_JOB: ClassVar[str]
    SAVED: ClassVar[str]
    CLEARED_AFTER_SAVE: ClassVar[tuple[str, ...]] = ()  # conditions emptied to show the row

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, f"page_{self.KEY}")
        self.service = self.SERVICE(ctx.session.api, self.unit_id)
        self.codes: BankCodes | None = None
        self.dialog: ResidentStepsDialog | None = None
        self.source = RowsSource(self.ROW_KEY)
        self._add_list(self._spec(), self.source)
        self.list.table.verticalHeader().hide()

    def _columns(self) -> list[Column]:
        raise NotImplementedError

    def _filter(self) -> ComboCondition:
        """The condition after 姓名 and 证件号码 (service.query takes the three in that order)."""
        raise NotImplementedError

    def _row_actions(self) -> list[RowAction]:
        raise NotImplementedError

    def _spec(self) -> ListPageSpec:
        conditions = [
            TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
            TextCondition("id_number", "证件号码"),
            self._filter(),
        ]
        self.query_by = [condition.key for condition in conditions]
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=self.TITLE,
            columns=self._columns(),
            conditions=conditions,
            actions=[Action("new", "新增", lambda _p: self.new(), object_name=self.NEW_BUTTON)],
            row_actions=self._row_actions(),
            row_actions_width=self.ROW_ACTIONS_WIDTH,
            checkable=False,
            empty_text=self.EMPTY,
            on_query=lambda _p: self.fetch(),
        )

    # -- 查询 -----------------------------------------------------------------------------
    def fetch(self) -> JobHandle[list[dict[str, Any]]]:
        values = [self.list.condition_value(key) for key in self.query_by]
        service = self.service
        handle = self.runner.run(
            Job(self.QUERY_JOB, lambda _c: service.query(*values)), self._show, self._failed
        )
        self.handle = handle
        return handle

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.source.set_rows(rows)
        self.list.set_empty_text(self.NONE_FOUND)
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
            self.prompts.warning(self, self.MISSING_TABLES, self.TITLE)
            return
        self.dialog = self.DIALOG(self, self.codes)
        self.dialog.open()

    def _checked(self, dialog: Any, resident: Any) -> Callable[[], dict[str, Any]]:
        """The dialog's form checked (raising the rule's error when wrong) and what 保存 sends."""
        raise NotImplementedError

    def save_from(self, dialog: ResidentStepsDialog) -> JobHandle[dict[str, Any]] | None:
        """保存: checked first (nothing sent when wrong), then sent; the list shows the row, and
        a failure leaves its sentence in the dialog with nothing typed lost."""
        resident = dialog.resident
        if resident is None:
            return None
        try:
            send = self._checked(dialog, resident)
        except AccountRuleError as error:
            dialog.show_error(error)
            return None

        def done(row: dict[str, Any]) -> None:
            dialog.saved = row
            dialog.accept()
            self.prompts.info(self, self.SAVED, title=self.TITLE)
            self.list.set_condition("id_number", row["id_number"])
            for key in self.CLEARED_AFTER_SAVE:
                self.list.set_condition(key, None)
            self.fetch()

        def failed(error: BaseException) -> None:
            dialog.show_error(user_message(error))

        self.handle = dialog.runner.run(
            Job(self.SAVE_JOB, lambda _c: send()), done, failed, cancellable=False
        )
        return self.handle
