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
from client.collector.self_rules import GradeTable
from client.collector.self_template import TemplateNames, export_as_template, roster_rows
from client.documents.imports import ImportRow
from client.documents.xlsx import ExportError
from client.domain.ids import DEFAULT_ID_TYPES
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.roster.resident_import import (
    INFO_SPEC,
    apply_info,
    read_info_file,
    write_info_template,
)
from client.ui.dialogs.detail import DetailDialog
from client.ui.import_flow import ImportFlow, ask_open_path, ask_save_path
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
from client.ui.listpage.export import suggested_file_name, with_xlsx_suffix
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
                Action(
                    "import",
                    "导入",
                    children=(
                        Action("import_template", "模板下载", lambda _p: self.download_template()),
                        Action("import_file", "文件导入", lambda _p: self.import_file()),
                    ),
                ),
                Action("add", "添加", lambda _p: self.add()),
                Action(
                    "export",
                    "导出",
                    children=(
                        Action("export_query", "按查询结果", lambda page: page.export_all()),
                        Action("export_template", "按申报模板", lambda _p: self.export_template()),
                    ),
                ),
                Action(
                    "maintain",
                    "信息维护",
                    children=(
                        Action(
                            "maintain_template",
                            "下载导入模板",
                            lambda _p: self.download_info_template(),
                        ),
                        Action("maintain_import", "导入文件", lambda _p: self.import_info()),
                    ),
                ),
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
        spec = template_spec(self.id_types)
        chosen = path or ask_save_path(self, "模板下载", spec.file_name)
        if not chosen:
            return None
        try:
            write_external_template(chosen, self.id_types)
        except (ExportError, OSError) as exc:
            self.prompts.error(self, user_message(exc), title="模板下载")
            return None
        self.prompts.info(self, "导入模板已下载，请填写城乡居民的姓名、证件类型和证件号码后，"
                                "点击【导入】-【文件导入】导入。", title="模板下载")  # fmt: skip
        return chosen

    def import_file(self, path: str | None = None) -> ExternalImportFlow | None:
        chosen = path or ask_open_path(self, "文件导入")
        if not chosen:
            return None
        db, id_types, service = self.ctx.session.db, self.id_types, self.service

        def read(ctx: JobContext) -> Any:
            return read_external_import(db, chosen, id_types, ctx)

        def apply(rows: list[ImportRow], ctx: JobContext) -> AddResult:
            return service.add_imported(rows, ctx)

        self.flow = ExternalImportFlow(self.ctx.ui, self, TITLE, read, apply,
                                       lambda r: r.message(), lambda _r: self.list.query())  # fmt: skip
        self.flow.start()
        return self.flow

    # -- 信息维护 ------------------------------------------------------------------------------
    def download_info_template(self, path: str | None = None) -> JobHandle[int] | None:
        """下载导入模板: the roster's 信息维护 template filled with the 正常参保 people of the
        query (未参保 ones cannot be maintained)."""
        filters = dict(self.list.filters)
        wanted = {**filters, "status": REGISTERED}
        source = self.list.source
        total = source.count(wanted) if filters.get("status") in (None, REGISTERED) else 0
        if not total:
            self.prompts.info(self, NO_REGISTERED_TO_MAINTAIN, title="下载导入模板")
            return None
        chosen = path or ask_save_path(self, "下载导入模板", INFO_SPEC.file_name)
        if not chosen:
            return None
        people = self.info_people

        def run(ctx: JobContext) -> int:
            return write_info_template(people, chosen, source, wanted, ctx, total)

        def done(count: int) -> None:
            self.prompts.info(self, f"模板已下载，含当前查询的{count:,}名正常参保的城乡居民，"
                                    "请在模板中修改分组、手机号码、备注后点击【信息维护】-"
                                    "【导入文件】。", title="下载导入模板")  # fmt: skip

        self.handle = self.runner.run(Job("下载导入模板", run), done)
        return self.handle

    def import_info(self, path: str | None = None) -> ImportFlow[int] | None:
        """导入文件: check the file (a 未参保 or unlisted person is an error row), preview, and
        save the confirmed rows' 分组, 手机号码 and 备注 in one transaction."""
        chosen = path or ask_open_path(self, "导入文件")
        if not chosen:
            return None
        people = self.info_people
        flow: ImportFlow[int] = ImportFlow(
            self.ctx.ui,
            self,
            INFO_SPEC.title,
            lambda ctx: read_info_file(people, chosen, ctx),
            lambda rows, _ctx: apply_info(people, rows),
            lambda count: f"导入成功，已更新{count:,}名城乡居民的分组、手机号码和备注。",
            lambda _count: self.refresh(),
        )
        flow.start()
        self.info_import = flow
        return flow

    # -- 导出 按申报模板 ------------------------------------------------------------------------
    def export_template(self) -> JobHandle[int] | None:
        """The 正常参保 people of the query in the 社保费代收代报（自主） import template, one row
        per 征收品目 insured in the 缴费年度 (the 档次 filled in where it is clear), so the
        clerk starts that import from this list (未参保 people cannot be declared)."""
        filters, sort = dict(self.list.filters), list(self.list.sort)
        source = self.list.source
        wanted = {**filters, "status": REGISTERED}
        registered = source.count(wanted) if filters.get("status") in (None, REGISTERED) else 0
        if not registered:
            self.prompts.info(self, NO_REGISTERED_TO_EXPORT, title="按申报模板导出")
            return None
        app_db, db = self.ctx.ui.app.app_db, self.ctx.session.db
        grades = GradeTable(app_db.rule_file("resident_grades"))
        year = grades.default_year(self.ctx.ui.app.local_today().year)
        chosen = self.list.save_path_provider(suggested_file_name(f"{TITLE}_按申报模板"))
        if not chosen:
            return None
        path = with_xlsx_suffix(chosen)
        left = self.list.total - registered

        def run(ctx: JobContext) -> int:
            rows = roster_rows(db, source.rows(wanted, sort), grades, year)
            return export_as_template(rows, path, TemplateNames.of(app_db), ctx)

        def done(count: int) -> None:
            text = (f"导出成功，共{registered}位正常参保的城乡居民，{count}行（每人每个险种一行，"
                    f"缴费年度{year}），可核对缴费档次后在【社保费代收代报（自主）】中导入。")  # fmt: skip
            if left:
                text += f"另有{left}位未参保的城乡居民不能申报，未导出。"
            self.prompts.info(self, text, title="按申报模板导出")

        self.handle = self.runner.run(Job("按申报模板导出", run), done)
        return self.handle

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
