"""Pieces the reference-data pages share: the 更新 job and the 查询统计 list page base."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from client.jobs import Job, JobContext
from client.storage.listing import ListSource
from client.ui.jobs import JobHandle
from client.ui.listpage import ComboCondition, ListPage, ListPageSpec, PageServices
from client.ui.pages import BasePage, PageContext
from client.ui.widgets.common import label
from client.unit_reference import service
from client.unit_reference.service import TITLES, LevyNames


def start_update(page: BasePage, name: str, done: Callable[[int], None]) -> JobHandle[int]:
    """更新 one data set as a job (progress dialog, 取消); `done(count)` on success."""
    session = page.ctx.session

    def run(ctx: JobContext) -> int:
        return service.download(name, session.api, session.db, session.unit.unit_id, ctx)

    return page.runner.run(Job(f"更新{TITLES[name]}", run), done)


class ReferenceListPage(BasePage):
    """A 查询统计 list of downloaded reference data on the shared `ListPage`: loads on open,
    says why it is empty, hints at a wrong rule file, and offers 更新 and 导出."""

    data_set: ClassVar[str]
    object_name: ClassVar[str]

    def __init__(self, ctx: PageContext, source: ListSource) -> None:
        super().__init__(ctx)
        self.setObjectName(self.object_name)
        self.update_handle: JobHandle[int] | None = None
        self.names = LevyNames(ctx.ui.app.app_db)
        self.hint = label("", "label_rule_file_hint", role="hint")
        self.hint.hide()
        self.content.addWidget(self.hint)
        services = PageServices(ctx.ui.app.settings, ctx.ui.prompts, self.runner)
        empty = service.empty_reason(ctx.session.db, self.data_set)
        self.list_page = ListPage(self.build_spec(self.names, empty), source, services, self)
        self.list_page.query_finished.connect(self.explain)
        self.content.addWidget(self.list_page, 1)
        self.explain()

    def build_spec(self, names: LevyNames, empty_text: str) -> ListPageSpec:
        raise NotImplementedError

    def explain(self) -> None:
        """Why the table is empty, and whether levy names are missing (注意事项)."""
        db = self.ctx.session.db
        self.list_page.set_empty_text(service.empty_reason(db, self.data_set))
        hint = self.names.missing_hint(db, self.data_set)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    def refresh(self) -> None:
        """The tab is shown again: the rule files may have been updated meanwhile."""
        self.names.reload()
        for condition in self.list_page.spec.conditions:
            if isinstance(condition, ComboCondition) and callable(condition.options):
                self.list_page.panel.reload_options(condition.key)
        self.list_page.refresh()
        self.explain()

    def update_data(self) -> None:
        """更新: download the data set again, then query and say how many rows came."""

        def done(count: int) -> None:
            self.list_page.query()
            self.prompts.info(self, service.update_message(self.data_set, count))

        self.update_handle = start_update(self, self.data_set, done)
