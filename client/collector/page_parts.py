"""What the 代收单位's pages repeat, written once.

- `PersonQueryPage`: a page that lists nothing on open; 姓名, 证件类型 and 证件号码
  (`client.ui.page_helpers.person_conditions`) with the page's own conditions, then 查询
  asks the 管理子系统 about that one resident and lists its answer; a failed 查询 empties
  the list again (城乡居民缴费档次查询, 社保费缴纳（自主）/（核定）).
- `menu`: a toolbar drop-down of (key, title, what it does) choices.
- `download_template`: 模板下载 of an empty import template, and `start_import`, the file
  asked and its import started (外部参保城乡居民导入, 社保费代收代报（自主）).
- 信息维护 of the residents' 分组, 手机号码 and 备注 (城乡居民参保信息更新, 外部参保城乡居民导入):
  `info_menu`, `download_info_template`, `import_info`.
- `export_declaration_template`: 导出 按申报模板, residents in the 社保费代收代报（自主） import
  template (城乡居民参保信息更新, 外部参保城乡居民导入).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from client.collector.self_rules import GradeTable
from client.collector.self_template import TemplateNames, export_as_template, roster_rows
from client.documents.xlsx import ExportError
from client.errors import user_message
from client.jobs import Job, JobContext
from client.roster.resident_import import (
    INFO_SPEC,
    InfoPeople,
    apply_info,
    read_info_file,
    write_info_template,
)
from client.storage.listing import ListSource, RowsSource
from client.ui.import_flow import ImportFlow, ask_open_path, ask_save_path
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    ListPage,
    PageServices,
)
from client.ui.listpage.export import suggested_file_name, with_xlsx_suffix
from client.ui.page_helpers import KeyedListPage
from client.ui.pages import BasePage, PageContext
from client.unit_reference.service import LevyNames

Choice = tuple[str, str, Callable[[], object]]  # a drop-down's (key, title, what it does)
FlowT = TypeVar("FlowT", bound=ImportFlow[Any])


# -- one resident asked about --------------------------------------------------------------
class PersonQueryPage(KeyedListPage):
    """A page listing the 管理子系统's answer about one resident: `found` (None before the
    first 查询 and after a failed one) and its rows in `source`, sorted by `SORT`. A subclass
    builds what its spec needs, then calls `show_rows`."""

    EMPTY: ClassVar[str] = ""  # the list's text before a 查询 (and after a failed one)
    SORT: ClassVar[str] = "row_key"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        app = ctx.ui.app
        self.names = LevyNames(app.app_db)
        self.id_types = app.app_db.code_table("id_types")
        self.found: Any = None
        self.source = RowsSource("row_key", default_sort=[(self.SORT, True)])

    def show_rows(self) -> ListPage:
        services = PageServices(self.ctx.ui.app.settings, self.ctx.ui.prompts, self.runner)
        return self.show_list(self.source, services)

    def refresh(self) -> None:
        """The rows are the last 查询's answer: nothing to reload when the tab is shown again."""

    def show_found(self, found: Any, rows: list[dict[str, Any]], empty_text: str) -> None:
        self.found = found
        self.source.set_rows(rows)
        self.list.set_empty_text(empty_text)
        self.list.query()

    def _failed(self, error: BaseException) -> None:
        """Nothing shown (the opening text again), then why, unless the clerk cancelled."""
        self.show_found(None, [], self.EMPTY)
        self.failure(self.TITLE, requery=False)(error)


# -- the toolbar's drop-downs and templates --------------------------------------------------
def menu(key: str, title: str, *choices: Choice) -> Action:
    """A toolbar drop-down: each choice's key, title and what it does."""
    return Action(
        key, title, children=tuple(Action(k, t, _ignoring_page(do)) for k, t, do in choices)
    )


def _ignoring_page(do: Callable[[], object]) -> Callable[[Any], object]:
    return lambda _page: do()


def download_template(
    page: BasePage, path: str | None, suggested: str, write: Callable[[str], object], told: str
) -> str | None:
    """模板下载: `write` the empty import template where the clerk says (`path`, or asked with
    `suggested`), then `told` says what next. Returns where it went."""
    chosen = path or ask_save_path(page, "模板下载", suggested)
    if not chosen:
        return None
    try:
        write(chosen)
    except (ExportError, OSError) as exc:
        page.prompts.error(page, user_message(exc), title="模板下载")
        return None
    page.prompts.info(page, told, title="模板下载")
    return chosen


def start_import(
    page: BasePage, path: str | None, title: str, flow: Callable[[str], FlowT]
) -> FlowT | None:
    """The file to import (`path`, or asked under `title`), then `flow(file)` started."""
    chosen = path or ask_open_path(page, title)
    if not chosen:
        return None
    started = flow(chosen)
    started.start()
    return started


# -- 信息维护 (分组, 手机号码, 备注) ----------------------------------------------------------
def info_menu(download: Callable[[], object], load: Callable[[], object]) -> Action:
    """信息维护: 下载导入模板 and 导入文件."""
    return menu(
        "maintain",
        "信息维护",
        ("maintain_template", "下载导入模板", download),
        ("maintain_import", "导入文件", load),
    )


def download_info_template(
    page: BasePage,
    people: InfoPeople,
    path: str | None,
    source: ListSource,
    filters: Mapping[str, Any],
    total: int,
    done: Callable[[int], None],
) -> JobHandle[int] | None:
    """下载导入模板: the template filled with the `total` people `source` lists for `filters`,
    as a job; `done(count)` says so."""
    chosen = path or ask_save_path(page, "下载导入模板", INFO_SPEC.file_name)
    if not chosen:
        return None

    def run(ctx: JobContext) -> int:
        return write_info_template(people, chosen, source, filters, ctx, total)

    return page.runner.run(Job("下载导入模板", run), done)


def import_info(
    page: BasePage, people: InfoPeople, path: str | None, applied: Callable[[int], None]
) -> ImportFlow[int] | None:
    """导入文件: check the file against `people`, preview, and save the confirmed rows'
    分组, 手机号码 and 备注 in one transaction; `applied(count)` after."""

    def flow(chosen: str) -> ImportFlow[int]:
        return ImportFlow(
            page.ctx.ui,
            page,
            INFO_SPEC.title,
            lambda ctx: read_info_file(people, chosen, ctx),
            lambda rows, _ctx: apply_info(people, rows),
            lambda count: f"导入成功，已更新{count:,}名城乡居民的分组、手机号码和备注。",
            applied,
        )

    return start_import(page, path, "导入文件", flow)


# -- 导出 按申报模板 ---------------------------------------------------------------------------
def export_declaration_template(
    page: BasePage,
    listing: ListPage,
    filters: Mapping[str, Any],
    name: str,
    told: Callable[[int, int], str],
    path: str | None = None,
) -> JobHandle[int] | None:
    """The residents `filters` picks from `listing` (in its order) in the 社保费代收代报（自主）
    import template, one row per 征收品目 insured in the 缴费年度 (the 档次 filled in where it
    is clear), so the clerk records the collection in it and imports it there. The file is
    named after `name`; `told(count, year)` is the sentence after."""
    app = page.ctx.ui.app
    app_db, db = app.app_db, page.ctx.session.db
    grades = GradeTable(app_db.rule_file("resident_grades"))
    year = grades.default_year(app.local_today().year)
    chosen = path or listing.save_path_provider(suggested_file_name(f"{name}_按申报模板"))
    if not chosen:
        return None
    target = with_xlsx_suffix(chosen)
    source, wanted, sort = listing.source, dict(filters), list(listing.sort)

    def run(ctx: JobContext) -> int:
        rows = roster_rows(db, source.rows(wanted, sort), grades, year)
        return export_as_template(rows, target, TemplateNames.of(app_db), ctx)

    def done(count: int) -> None:
        page.prompts.info(page, told(count, year), title="按申报模板导出")

    return page.runner.run(Job("按申报模板导出", run), done)
