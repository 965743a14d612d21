"""What the manual's list pages of 费款缴纳, 退费 and 证明打印 repeat, written once.

`KeyedListPage` is a page named by its `KEY` whose content is one `ListPage` of its `_spec()`,
with the last job's handle and a failure handler that shows the list again and a sentence.
`ask_range` asks the date range of a 同步; `open_preview` shows a written PDF in the print
preview; `EXPORT_ALL` is the plain 导出 button of a list without ticks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from PySide6.QtWidgets import QWidget

from client.errors import user_message
from client.jobs import JobCancelled
from client.storage.listing import ListSource
from client.ui.jobs import JobHandle
from client.ui.listpage import Action, ListPage, ListPageSpec, PageServices
from client.ui.pages import BasePage, PageContext
from client.ui.print_preview import PrintPreviewDialog

EXPORT_ALL = Action("export", "导出", lambda page: page.export_all())


class KeyedListPage(BasePage):
    """A page named `page_{KEY}` showing one `ListPage` of `_spec()`; a subclass builds what
    its spec needs, then calls `show_list`."""

    KEY: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName(f"page_{self.KEY}")
        self.handle: JobHandle[Any] | None = None
        self.list: ListPage

    def _spec(self) -> ListPageSpec:
        raise NotImplementedError

    def show_list(
        self, source: ListSource, services: PageServices, *, auto_query: bool = True
    ) -> ListPage:
        self.list = ListPage(self._spec(), source, services, self, auto_query=auto_query)
        self.content.addWidget(self.list)
        return self.list

    def refresh(self) -> None:
        self.list.refresh()

    def failure(
        self,
        title: str,
        text: Callable[[BaseException], str] = user_message,
        *,
        requery: bool = True,
        quiet_cancel: bool = True,
    ) -> Callable[[BaseException], None]:
        """A job's failure handler: the list again (what was there before is still shown,
        unless not `requery`), then `text(error)` under `title`; nothing more for a job the
        clerk cancelled (unless not `quiet_cancel`)."""

        def failed(error: BaseException) -> None:
            if requery:
                self.list.query()
            if not (quiet_cancel and isinstance(error, JobCancelled)):
                self.prompts.error(self, text(error), title=title)

        return failed


class RangeDialog(Protocol):
    """A dialog that asks a 起止 range (`DateRangeDialog`, `MonthRangeDialog`)."""

    accepted: Any  # the dialog's signal

    @property
    def start(self) -> Any: ...

    @property
    def end(self) -> Any: ...

    def open(self) -> None: ...


RangeDialogT = TypeVar("RangeDialogT", bound=RangeDialog)


def ask_range(dialog: RangeDialogT, then: Callable[[Any, Any], object]) -> RangeDialogT:
    """Open `dialog`; 确定 calls `then(start, end)` with the range chosen."""
    dialog.accepted.connect(lambda: then(dialog.start, dialog.end))
    dialog.open()
    return dialog


def open_preview(
    parent: QWidget, path: Path, title: str, prompts: Any, **options: Any
) -> PrintPreviewDialog:
    """The print preview of the PDF at `path`, its file name suggested for 保存."""
    preview = PrintPreviewDialog(path, title, path.name, prompts, parent=parent, **options)
    preview.open()
    return preview
