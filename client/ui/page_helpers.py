"""What the manual's list pages of 费款缴纳, 退费 and 证明打印 repeat, written once.

`KeyedListPage` is a page named by its `KEY` whose content is one `ListPage` of its `_spec()`,
with the last job's handle and a failure handler that shows the list again and a sentence.
`ask_range` asks the date range of a 同步; `open_preview` shows a written PDF in the print
preview; `EXPORT_ALL` is the plain 导出 button of a list without ticks; `person_conditions`
are 姓名, 证件类型 and 证件号码 of the one person a page asks about, read back by
`KeyedListPage.person_values`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from PySide6.QtWidgets import QWidget

from client.errors import user_message
from client.jobs import JobCancelled
from client.storage.listing import ListSource
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    ComboCondition,
    Condition,
    ListPage,
    ListPageSpec,
    PageServices,
    TextCondition,
)
from client.ui.pages import BasePage, PageContext
from client.ui.print_preview import PrintPreviewDialog

EXPORT_ALL = Action("export", "导出", lambda page: page.export_all())
PERSON_KEYS = ("name", "id_type", "id_number")


def person_conditions(id_types: Mapping[str, str], mark: str = "") -> list[Condition]:
    """姓名, 证件类型 (居民身份证 chosen, no 全部) and 证件号码 of the person asked about;
    `mark` stands before each title (the 必填 "* ")."""
    offered = list(id_types.items()) or [("01", "居民身份证")]
    return [
        TextCondition("name", f"{mark}姓名"),
        ComboCondition(
            "id_type",
            f"{mark}证件类型",
            [(name, code) for code, name in offered],
            default="01",
            include_all=False,
        ),
        TextCondition("id_number", f"{mark}证件号码"),
    ]


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

    def person_values(self) -> dict[str, Any]:
        """What the clerk entered in the `person_conditions`."""
        return {key: self.list.condition_value(key) for key in PERSON_KEYS}

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
