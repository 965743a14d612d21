"""外部文件导入 and 导入模板下载 of the 缴费工资申报 pages (manual §2.3.2 二(二))."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from client.domain.wages import DECLARATION_TITLES, MODE_TITLES, WageRuleError
from client.errors import user_message
from client.jobs import JobContext
from client.ui.import_flow import ImportFlow, ask_open_path, ask_save_path
from client.wages.drafts import AddResult
from client.wages.imports import WageImportResult, read_wage_import, write_wage_template

if TYPE_CHECKING:
    from client.employer.wages_page import WageDeclarationPage


def _title(page: WageDeclarationPage) -> str:
    return f"{DECLARATION_TITLES[page.declaration_type]}-{MODE_TITLES[page.mode]}"


def download_wage_template(page: WageDeclarationPage, path: str | None = None) -> str | None:
    """导入模板下载: this variant's template (按险种: a column per 税务自主 征收项目)."""
    title = f"{_title(page)}导入模板"
    chosen = path or ask_save_path(page, f"下载{title}", f"{title}.xlsx")
    if not chosen:
        return None
    drafts = page.drafts
    try:
        write_wage_template(chosen, drafts.declaration_type, drafts.mode, drafts.db, drafts.app_db)
    except (WageRuleError, OSError) as exc:
        page.prompts.error(page, user_message(exc), title=f"下载{title}")
        return None
    page.prompts.info(
        page, "导入模板已下载，请按模板第一行的填写说明填写后，使用【外部文件导入】导入。"
    )
    return chosen


IMPORT_CANCELLED = "已取消导入，未添加任何数据。需要导入时，请重新点击【外部文件导入】。"


class WageImportFlow(ImportFlow[AddResult]):
    """Asks about 补缴 (生效年月 earlier than this month) before the valid rows are added;
    答否 adds nothing and says so, since the preview the clerk confirmed is closed by then."""

    def _confirmed(self) -> None:
        result = self.result
        notice = result.earlier_notice if isinstance(result, WageImportResult) else None
        if notice and not self.ui.prompts.confirm(self.parent, f"{notice}是否继续导入？",
                                                  title="生效年月提示"):  # fmt: skip
            self.ui.prompts.info(self.parent, IMPORT_CANCELLED, title=self.title)
            return
        super()._confirmed()


def start_wage_import(page: WageDeclarationPage, path: str | None = None) -> Any:
    title = f"{_title(page)}外部文件导入"
    chosen = path or ask_open_path(page, title)
    if not chosen:
        return None
    drafts = page.drafts

    def read(ctx: JobContext) -> WageImportResult:
        return read_wage_import(
            chosen, drafts.declaration_type, drafts.mode, drafts.db, drafts.app_db,
            drafts.today, ctx,
        )  # fmt: skip

    def apply(_rows: Any, _ctx: JobContext) -> AddResult:
        result = flow.result
        assert isinstance(result, WageImportResult)
        return drafts.add_imported(result.draft_rows())

    def applied(_result: AddResult) -> None:
        assert page.list is not None
        page.list.query()

    flow = WageImportFlow(page.ctx.ui, page, title, read, apply,
                          lambda r: f"导入完成：{r.message()}", applied)  # fmt: skip
    flow.start()
    return flow
