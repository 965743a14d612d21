"""The roster page both modules share (职工参保信息更新 §2.2, 城乡居民参保信息更新 §3.2).

`RosterPageShape` holds what the two pages do alike — the list over a `RosterService`, 统计
as its summary, 更新 (增量/全量) as a job ending in 更新数据明细, 更新数据导出, 查看, 分组管理 —
and a page subclass declares its columns, conditions, toolbar and dialogs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from client.jobs import Job, JobContext
from client.roster.service import RosterService
from client.storage.app_db import AppDatabase
from client.storage.settings import AppSettings
from client.storage.unit_db import UnitDatabase
from client.sync.engine import FeedSyncer, FeedSyncResult
from client.ui.dialogs.detail import DetailDialog, DetailSection
from client.ui.groups.dialog import GroupManagerDialog
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    Condition,
    ListPage,
    ListPageSpec,
    PageServices,
    RowAction,
)
from client.ui.pages import BasePage, PageContext
from client.ui.updates import ChangesDialog

MODE_TITLES = {"incremental": "更新", "full": "全量更新"}


class RosterPageShape(BasePage):
    """A roster page: subclasses set `page_key`, the object names, `full_update_hint` and
    implement `make_service`, `columns`, `conditions`, `actions`, `detail_sections` and
    `edit`."""

    page_key = ""
    object_name = ""
    detail_object_name = ""
    full_update_hint = "【全量更新】"  # where the clerk finds it, for the empty list's text

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName(self.object_name)
        app = ctx.ui.app
        self.service = self.make_service(app.app_db, ctx.session.db, app.local_today())
        self.kind = self.service.kind
        self.update_handle: JobHandle[FeedSyncResult] | None = None
        self.last_result: FeedSyncResult | None = None
        self.changes_dialog: ChangesDialog | None = None
        self.detail_dialog: DetailDialog | None = None
        self.group_dialog: GroupManagerDialog | None = None
        self.list = ListPage(
            self.spec(),
            self.service.source(),
            PageServices(AppSettings(app.app_db), ctx.ui.prompts, self.runner),
        )
        self.list.set_empty_text(self._empty_text())
        self.content.addWidget(self.list)

    # -- what a page declares --------------------------------------------------------------
    def make_service(self, app_db: AppDatabase, db: UnitDatabase, today: date) -> RosterService:
        raise NotImplementedError

    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def conditions(self) -> Sequence[Condition]:
        raise NotImplementedError

    def actions(self) -> Sequence[Action]:
        raise NotImplementedError

    def detail_sections(self, record_id: int) -> list[DetailSection] | None:
        """查看's content, or None when the record is no longer there."""
        raise NotImplementedError

    def edit(self, record_id: int) -> Any:
        raise NotImplementedError

    def spec(self) -> ListPageSpec:
        kind = self.kind
        return ListPageSpec(
            page_key=self.page_key,
            title=kind.title,
            columns=self.columns(),
            conditions=self.conditions(),
            actions=self.actions(),
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row["id"])),
                RowAction("edit", "编辑", lambda _p, row: self.edit(row["id"])),
            ],
            summary=self._summary,
            default_sort=[("name", True)],
            export_name=kind.export_name,
            empty_text=f"暂无{kind.person}参保信息",
        )

    # -- parts both pages use ----------------------------------------------------------------
    def group_condition(self) -> ComboCondition:
        return ComboCondition("group", "分组", self.service.group_options)

    def update_action(self, key: str, title: str, mode: str) -> Action:
        return Action(key, title, lambda _p: self.update_roster(mode))

    def _summary(self, filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        return self.service.statistics(filters).shown()

    def _empty_text(self) -> str:
        state = self.ctx.session.db.sync_state(self.kind.feed.name)
        person = self.kind.person
        if not state.full_done:
            return f"尚未下载{person}参保信息，请点击{self.full_update_hint}从管理子系统获取。"
        return f"没有符合条件的{person}，请修改查询条件后再查询。"

    def refresh(self) -> None:
        self.list.reload_condition_options("group")
        self.list.query()

    # -- 更新 (增量更新 / 全量更新) ------------------------------------------------------------
    def update_roster(self, mode: str) -> JobHandle[FeedSyncResult]:
        """更新 ("incremental") or 全量更新 ("full"), as a job; then the changes prompt."""
        session = self.ctx.session
        feed = self.kind.feed
        title = MODE_TITLES[mode]
        person = self.kind.person

        def run(job_ctx: JobContext) -> FeedSyncResult:
            syncer = FeedSyncer(session.api, session.db, session.unit.unit_id, feed)
            return syncer.run(job_ctx, mode)

        self.update_handle = self.runner.run(
            Job(f"{person}参保信息{title}", run),
            self._updated,
            label=lambda p: f"正在{title}{person}参保信息… {p.done}/{p.total or '?'}",
        )
        return self.update_handle

    def _updated(self, result: FeedSyncResult) -> None:
        self.last_result = result
        person = self.kind.person
        self.list.set_empty_text(self._empty_text())
        self.list.query()
        count = result.changed_records
        if count:
            self.ctx.session.db.add_message(
                "数据更新",
                f"{person}参保信息更新完成",
                f"新增{result.counts.added}条，变更{result.counts.changed}条，"
                f"删除{result.counts.removed}条。",
            )
        if not count:
            self.prompts.info(self, f"更新完成，本次没有{person}信息变更。")
            return
        if self.prompts.confirm(
            self, f"本次共变更了{count}条{person}信息，是否查看更新数据明细？", title="更新完成"
        ):
            self.show_changes(result.run_id)

    def show_changes(self, run_id: int) -> ChangesDialog:
        """更新数据明细 of one update, with its 导出."""
        self.changes_dialog = ChangesDialog(self.ctx, run_id, self.kind.person, self)
        self.changes_dialog.open()
        return self.changes_dialog

    def show_latest_changes(self) -> ChangesDialog | None:
        """更新数据导出: 更新数据明细 of the last update that changed anything."""
        run = self.service.latest_changes_run()
        if run is None:
            self.prompts.info(self, f"还没有更新过{self.kind.person}参保信息，请先点击【更新】。")
            return None
        return self.show_changes(run.id)

    # -- 查看 --------------------------------------------------------------------------------
    def view(self, record_id: int) -> DetailDialog | None:
        sections = self.detail_sections(record_id)
        if sections is None:
            self.prompts.warning(
                self, f"该{self.kind.person}已不在本单位的参保登记信息中，请先点击【更新】。"
            )
            return None
        self.detail_dialog = DetailDialog(
            f"{self.kind.person}参保明细", sections, self, self.detail_object_name
        )
        self.detail_dialog.open()
        return self.detail_dialog

    # -- 分组管理 ----------------------------------------------------------------------------
    def manage_groups(self) -> GroupManagerDialog:
        dialog = GroupManagerDialog(self.ctx.ui, self.ctx.session.db, self)
        dialog.finished.connect(lambda _r: self.refresh())
        self.group_dialog = dialog
        dialog.open()
        return dialog
