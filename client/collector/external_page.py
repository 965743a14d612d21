"""外部参保城乡居民导入 (manual §3.3): the agent's own list of residents the feed does not
bring. 导入 (模板下载, 文件导入 with the preview and the error file), 添加 one person,
导出 (按查询结果), 删除 and 更新参保状态 of the ticked rows, 信息维护 (下载导入模板/导入文件 of
分组, 手机号码, 备注: the roster's template and preview, for 正常参保 rows), 查看 and 编辑 of
正常参保 rows.
Every person added is looked up in the 管理子系统 first; the list goes to the server after
each change (and again on opening when an earlier send did not get through)."""

from __future__ import annotations

from typing import Any

from client.collector.external import (
    NOTHING_TICKED,
    REGISTERED,
    STATUSES,
    AddResult,
    ExternalInfoPeople,
    ExternalResidents,
    StatusUpdate,
    read_external_import,
    template_spec,
    write_external_template,
)
from client.collector.external_dialogs import (
    AddResidentDialog,
    EditResidentDialog,
    detail_sections,
)
from client.collector.external_sync import SyncWarning
from client.collector.page_parts import (
    download_info_template,
    download_template,
    export_declaration_template,
    import_info,
    info_menu,
    menu,
    start_import,
)
from client.documents.imports import ImportRow
from client.domain.ids import DEFAULT_ID_TYPES
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.ui.dialogs.detail import DetailDialog
from client.ui.import_flow import ImportFlow
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    RowAction,
    TextCondition,
)
from client.ui.listpage.context import PageServices
from client.ui.pages import BasePage, PageContext
from client.unit_reference.service import LevyNames

TITLE = "外部参保城乡居民导入"
EMPTY = "暂无外部参保城乡居民，可点击【导入】或【添加】添加需要在本代收单位申报缴费的城乡居民。"
NO_REGISTERED_TO_EXPORT = (
    "当前查询结果中没有正常参保的城乡居民，未参保的居民不能申报，无需按申报模板导出。"
)
IMPORT_CANCELLED = "已取消导入，未添加任何人员。需要导入时，请重新点击【文件导入】。"
NO_REGISTERED_TO_MAINTAIN = (
    "当前查询结果中没有正常参保的城乡居民，未参保的居民不能维护分组、手机号码和备注。"
)


class ExternalImportFlow(ImportFlow[AddResult]):
    """The lookup after 确认导入有效数据 shows its progress and can be cancelled; a cancel
    adds nobody and says so."""

    def _confirmed(self) -> None:
        assert self.result is not None
        rows = self.result.valid
        self.apply_handle = self.runner.run(
            Job(self.title, lambda ctx: self._apply(rows, ctx)),
            self._applied,
            self._apply_failed,
            label=lambda p: f"{p.phase}… {p.done:,}/{p.total:,}" if p.total else p.phase,
        )

    def _apply_failed(self, error: BaseException) -> None:
        if isinstance(error, JobCancelled):
            self.ui.prompts.info(self.parent, IMPORT_CANCELLED, title=self.title)
            return
        self.ui.prompts.error(self.parent, f"{user_message(error)}本次未添加任何人员。",
                              title=self.title)  # fmt: skip


class ExternalResidentsPage(BasePage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_external_residents")
        app = ctx.ui.app
        session = ctx.session
        self.names = LevyNames(app.app_db)
        self.id_types = app.app_db.code_table("id_types") or dict(DEFAULT_ID_TYPES)
        self.service = ExternalResidents(session.api, session.db, session.unit.unit_id,
                                         self.id_types)  # fmt: skip
        self.handle: JobHandle[Any] | None = None
        self.sync_handle: JobHandle[Any] | None = None
        self.flow: ExternalImportFlow | None = None
        self.info_people = ExternalInfoPeople(session.db)
        self.info_import: ImportFlow[int] | None = None
        self.dialog: Any = None
        services = PageServices(app.settings, ctx.ui.prompts, self.runner)
        self.list = ListPage(self._spec(), self.service.source(), services, self)
        self.content.addWidget(self.list)
        self.send_pending()

    # -- the page as the manual describes it -----------------------------------------------
    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key="external_residents",
            title=TITLE,
            columns=[
                Column("name", "姓名", 80),
                Column("gender", "性别", 45, align="center"),
                Column("id_type", "证件类型", 100, formatter=self._id_type),
                Column("id_number", "证件号码", 165),
                Column("status", "登记状态", 75, align="center"),
                Column("township", "乡镇街道", 95),
                Column("village", "社区村组", 115),
                Column("phone", "手机号码", 105),
                Column("group_name", "分组", 90, sortable=False),
                Column("remark", "备注", 110, sortable=False),
                Column("added_at", "添加时间", 140, kind="datetime"),
            ],
            conditions=[
                TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition(
                    "id_type", "证件类型", [(name, code) for code, name in self.id_types.items()]
                ),
                TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition("status", "登记状态", list(STATUSES)),
                ComboCondition("group", "分组", self._group_options),
            ],  # fmt: skip
            actions=[
                menu(
                    "import",
                    "导入",
                    ("import_template", "模板下载", self.download_template),
                    ("import_file", "文件导入", self.import_file),
                ),
                Action("add", "添加", lambda _p: self.add()),
                menu(
                    "export",
                    "导出",
                    ("export_query", "按查询结果", lambda: self.list.export_all()),
                    ("export_template", "按申报模板", self.export_template),
                ),
                info_menu(self.download_info_template, self.import_info),
                Action(
                    "delete",
                    "删除",
                    lambda _p: self.delete(),
                    needs_selection=True,
                    selection_message=NOTHING_TICKED,
                ),
                Action(
                    "update_status",
                    "更新参保状态",
                    lambda _p: self.update_status(),
                    needs_selection=True,
                    selection_message=NOTHING_TICKED,
                ),
            ],  # fmt: skip
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row["id"]), _registered),
                RowAction("edit", "编辑", lambda _p, row: self.edit(row["id"]), _registered),
            ],
            summary=self._summary,
            export_name="外部参保城乡居民",
            empty_text=EMPTY,
            condition_columns=3,
        )

    def _id_type(self, code: Any) -> str:
        return self.id_types.get(code, code or "") if code else ""

    def _group_options(self) -> list[tuple[str, int]]:
        return [(g.path, g.id) for g in self.service.groups.flat()]

    def _summary(self, filters: Any) -> list[tuple[str, str]]:
        source = self.list.source if hasattr(self, "list") else self.service.source()
        chosen = filters.get("status")
        counts = [source.count({**filters, "status": s}) if chosen in (None, s) else 0
                  for s in STATUSES]  # fmt: skip
        return [("人数", f"{sum(counts):,}人")] + [
            (status, f"{n:,}人") for status, n in zip(STATUSES, counts, strict=True)
        ]

    def refresh(self) -> None:
        self.list.reload_condition_options("group")
        self.list.refresh()

    # -- the list on the server --------------------------------------------------------------
    def send_pending(self) -> JobHandle[Any] | None:
        """An earlier change the server did not get: send it now, quietly (it is tried
        again at the next change when this fails too)."""
        if self.service.sync.in_sync():
            return None
        self.sync_handle = self.runner.run(
            Job("同步外部参保城乡居民名单", lambda _ctx: self.service.sync.push_quietly()),
            lambda _warning: None, lambda _error: None, progress=False,
        )  # fmt: skip
        return self.sync_handle

    # -- 导入 ------------------------------------------------------------------------------------
    def download_template(self, path: str | None = None) -> str | None:
        return download_template(
            self, path, template_spec(self.id_types).file_name,
            lambda chosen: write_external_template(chosen, self.id_types),
            "导入模板已下载，请填写城乡居民的姓名、证件类型和证件号码后，"
            "点击【导入】-【文件导入】导入。",
        )  # fmt: skip

    def import_file(self, path: str | None = None) -> ExternalImportFlow | None:
        db, id_types, service = self.ctx.session.db, self.id_types, self.service

        def flow(chosen: str) -> ExternalImportFlow:
            def read(ctx: JobContext) -> Any:
                return read_external_import(db, chosen, id_types, ctx)

            def apply(rows: list[ImportRow], ctx: JobContext) -> AddResult:
                return service.add_imported(rows, ctx)

            return ExternalImportFlow(self.ctx.ui, self, TITLE, read, apply,
                                      lambda r: r.message(), lambda _r: self.list.query())  # fmt: skip

        started = start_import(self, path, "文件导入", flow)
        self.flow = started or self.flow
        return started

    # -- 信息维护 ------------------------------------------------------------------------------
    def download_info_template(self, path: str | None = None) -> JobHandle[int] | None:
        """下载导入模板: the roster's 信息维护 template filled with the 正常参保 people of the
        query (未参保 ones cannot be maintained)."""
        wanted, total = self._registered_query(NO_REGISTERED_TO_MAINTAIN, "下载导入模板")
        if not total:
            return None

        def done(count: int) -> None:
            self.prompts.info(self, f"模板已下载，含当前查询的{count:,}名正常参保的城乡居民，"
                                    "请在模板中修改分组、手机号码、备注后点击【信息维护】-"
                                    "【导入文件】。", title="下载导入模板")  # fmt: skip

        handle = download_info_template(self, self.info_people, path, self.list.source, wanted,
                                        total, done)  # fmt: skip
        self.handle = handle or self.handle
        return handle

    def import_info(self, path: str | None = None) -> ImportFlow[int] | None:
        """导入文件: check the file (a 未参保 or unlisted person is an error row), preview, and
        save the confirmed rows' 分组, 手机号码 and 备注 in one transaction."""
        flow = import_info(self, self.info_people, path, lambda _count: self.refresh())
        self.info_import = flow or self.info_import
        return flow

    def _registered_query(self, refusal: str, title: str) -> tuple[dict[str, Any], int]:
        """The query's conditions narrowed to 正常参保 people, and how many it finds; when
        none, `refusal` is said (未参保 people can be neither maintained nor declared)."""
        filters = dict(self.list.filters)
        wanted = {**filters, "status": REGISTERED}
        found = filters.get("status") in (None, REGISTERED)
        count = self.list.source.count(wanted) if found else 0
        if not count:
            self.prompts.info(self, refusal, title=title)
        return wanted, count

    # -- 导出 按申报模板 ------------------------------------------------------------------------
    def export_template(self) -> JobHandle[int] | None:
        """The 正常参保 people of the query in the 社保费代收代报（自主） import template, one row
        per 征收品目 insured in the 缴费年度 (the 档次 filled in where it is clear), so the
        clerk starts that import from this list (未参保 people cannot be declared)."""
        wanted, registered = self._registered_query(NO_REGISTERED_TO_EXPORT, "按申报模板导出")
        if not registered:
            return None
        left = self.list.total - registered

        def told(count: int, year: int) -> str:
            text = (f"导出成功，共{registered}位正常参保的城乡居民，{count}行（每人每个险种一行，"
                    f"缴费年度{year}），可核对缴费档次后在【社保费代收代报（自主）】中导入。")  # fmt: skip
            if left:
                text += f"另有{left}位未参保的城乡居民不能申报，未导出。"
            return text

        handle = export_declaration_template(self, self.list, wanted, TITLE, told)
        self.handle = handle or self.handle
        return handle

    # -- 添加 ------------------------------------------------------------------------------------
    def add(self) -> AddResidentDialog:
        self.dialog = AddResidentDialog(self)
        self.dialog.open()
        return self.dialog

    def added(self, result: AddResult) -> None:
        self.list.query()
        self.prompts.info(self, result.message(), title="添加外部参保城乡居民")

    # -- 删除 ------------------------------------------------------------------------------------
    def delete(self) -> JobHandle[Any] | None:
        ids = [int(k) for k in self.list.checked_keys()]
        if not ids:
            self.prompts.warning(self, NOTHING_TICKED, title="删除")
            return None
        question = (f"确定删除勾选的{len(ids)}位城乡居民吗？删除后将不再属于本代收单位管辖范围，"
                    "不能为其申报缴费。")  # fmt: skip
        if not self.prompts.confirm(self, question, title="删除"):
            return None

        def done(result: tuple[int, SyncWarning | None]) -> None:
            removed, warning = result
            self.list.query()
            text = f"删除成功，共删除{removed}人。" + (warning.message if warning else "")
            self.prompts.info(self, text, title="删除")

        self.handle = self.runner.run(Job("删除", lambda _c: self.service.delete(ids)), done)
        return self.handle

    # -- 更新参保状态 -------------------------------------------------------------------------------
    def update_status(self) -> JobHandle[StatusUpdate] | None:
        ids = [int(k) for k in self.list.checked_keys()]
        if not ids:
            self.prompts.warning(self, NOTHING_TICKED, title="更新参保状态")
            return None

        def done(result: StatusUpdate) -> None:
            self.list.refresh()
            self.prompts.info(self, result.message(), title="更新参保状态")

        self.handle = self.runner.run(
            Job("更新参保状态", lambda ctx: self.service.update_status(ids, ctx)), done,
            lambda error: self._failed(error, "更新参保状态"),
            label=lambda p: f"{p.phase}… {p.done:,}/{p.total:,}" if p.total else p.phase,
        )  # fmt: skip
        return self.handle

    def _failed(self, error: BaseException, title: str) -> None:
        if not isinstance(error, JobCancelled):
            self.prompts.warning(self, user_message(error), title=title)

    # -- 查看 / 编辑 ----------------------------------------------------------------------------------
    def view(self, record_id: int) -> DetailDialog | None:
        try:
            detail = self.service.detail(record_id)
        except Exception as exc:
            self.prompts.warning(self, user_message(exc), title="查看")
            return None
        self.dialog = DetailDialog("查看城乡居民参保明细",
                                   detail_sections(detail, self._id_type, self.names),
                                   self, "dialog_external_resident_detail")  # fmt: skip
        self.dialog.open()
        return self.dialog

    def edit(self, record_id: int) -> EditResidentDialog | None:
        try:
            row = self.service.detail(record_id).row
        except Exception as exc:
            self.prompts.warning(self, user_message(exc), title="编辑")
            return None

        def save(phone: str, group_id: int | None, remark: str) -> None:
            self.service.edit(record_id, phone, group_id, remark)

        self.dialog = EditResidentDialog(self, row, self._group_options(), save)
        self.dialog.accepted.connect(self.list.refresh)
        self.dialog.open()
        return self.dialog


def _registered(row: dict[str, Any]) -> bool:
    return row.get("status") == REGISTERED
