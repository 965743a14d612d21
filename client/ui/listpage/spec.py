"""The declarative description of a list page: columns, query conditions, actions.

A page file builds one `ListPageSpec` that reads like the manual's description of the page
and hands it, with a `ListSource`, to `ListPage`. Nothing here imports Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from client.storage.listing import SortSpec

if TYPE_CHECKING:
    from client.ui.listpage.page import ListPage

Align = Literal["left", "center", "right"]
ColumnKind = Literal["text", "date", "month", "datetime", "amount", "number"]
Formatter = Callable[[Any], str]
PageHandler = Callable[["ListPage"], object]
RowHandler = Callable[["ListPage", dict[str, Any]], object]
SummaryFn = Callable[[Mapping[str, Any]], Sequence[tuple[str, Any]]]
EditHandler = Callable[["ListPage", dict[str, Any], str, str], bool]

ALL_LABEL = "全部"
FUZZY_PLACEHOLDER = "支持模糊查询"


# -- display formats (CONVENTIONS.md: dates YYYY-MM-DD, months YYYY-MM, amounts 1,234.00) --
def format_text(value: Any) -> str:
    return "" if value is None else str(value)


def format_date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def format_datetime(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return format_date(value) if isinstance(value, date) else str(value)[:19]


def format_month(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    text = str(value).strip()
    if len(text) == 6 and text.isdigit():  # 201911
        return f"{text[:4]}-{text[4:]}"
    return text[:7]


def format_amount(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    return f"{number:,.2f}"


FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "number": format_text,
    "date": format_date,
    "month": format_month,
    "datetime": format_datetime,
    "amount": format_amount,
}
DEFAULT_ALIGN: dict[str, Align] = {
    "amount": "right",
    "number": "right",
    "date": "center",
    "month": "center",
    "datetime": "center",
}


@dataclass(frozen=True)
class Column:
    """One table column. `kind` picks the display format, alignment and Excel cell type;
    `formatter` overrides the display (e.g. a code table lookup)."""

    key: str
    title: str
    width: int = 120
    align: Align | None = None
    formatter: Formatter | None = None
    sortable: bool = True
    kind: ColumnKind = "text"
    export: bool = True
    # Edited in place (双击 or F2): `editable(row)` says for which rows; the page's
    # `ListPageSpec.on_edit` checks and saves the new text.
    editable: Callable[[dict[str, Any]], bool] | None = None
    # A link cell (点击缴费人数 to see the details): drawn as a link where `clickable(row)`
    # holds (every row when None), and a click calls `on_click(page, row)`.
    on_click: RowHandler | None = None
    clickable: Callable[[dict[str, Any]], bool] | None = None

    def is_link(self, row: dict[str, Any]) -> bool:
        return self.on_click is not None and (self.clickable is None or self.clickable(row))

    def display(self, value: Any) -> str:
        return (self.formatter or FORMATTERS[self.kind])(value)

    @property
    def alignment(self) -> Align:
        return self.align or DEFAULT_ALIGN.get(self.kind, "left")

    @property
    def export_format(self) -> str:
        """The `client.documents.xlsx` cell type for this column."""
        if self.formatter is None and self.kind in ("amount", "number"):
            return self.kind
        return "text"

    def export_value(self, value: Any) -> Any:
        """Amounts and numbers stay numeric in Excel; everything else as the table shows it."""
        return value if self.export_format != "text" else self.display(value)


# -- query conditions -----------------------------------------------------------------
def _resolve(default: Any) -> Any:
    return default() if callable(default) else default


@dataclass(frozen=True)
class TextCondition:
    key: str
    label: str
    default: str | Callable[[], str] = ""
    placeholder: str = ""

    def initial(self) -> Any:
        return _resolve(self.default)


@dataclass(frozen=True)
class ComboCondition:
    """A drop-down; options are (label, value) pairs or plain strings. "全部" → no filter."""

    key: str
    label: str
    options: Sequence[tuple[str, Any] | str] | Callable[[], Sequence[tuple[str, Any] | str]]
    default: Any = None
    include_all: bool = True
    all_label: str = ALL_LABEL

    def initial(self) -> Any:
        return _resolve(self.default)

    def choices(self) -> list[tuple[str, Any]]:
        raw = self.options() if callable(self.options) else self.options
        pairs = [(o, o) if isinstance(o, str) else (o[0], o[1]) for o in raw]
        return [(self.all_label, None), *pairs] if self.include_all else pairs


@dataclass(frozen=True)
class DateRangeCondition:
    """Two dates (起 至); the value is (date | None, date | None)."""

    key: str
    label: str
    default: tuple[date | None, date | None] | Callable[[], tuple[date | None, date | None]] = (
        None,
        None,
    )

    def initial(self) -> Any:
        return tuple(_resolve(self.default))


@dataclass(frozen=True)
class MonthRangeCondition:
    """Two months; the value is ('YYYY-MM' | None, 'YYYY-MM' | None)."""

    key: str
    label: str
    default: tuple[str | None, str | None] | Callable[[], tuple[str | None, str | None]] = (
        None,
        None,
    )

    def initial(self) -> Any:
        return tuple(_resolve(self.default))


Condition = TextCondition | ComboCondition | DateRangeCondition | MonthRangeCondition


# -- actions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """A toolbar button; with `children` it is a drop-down (导出 → 选中职工 / 所有职工).

    With `needs_selection`, the handler runs only when rows are ticked; otherwise the
    user sees `selection_message`.
    """

    key: str
    title: str
    handler: PageHandler | None = None
    needs_selection: bool = False
    object_name: str = ""
    children: Sequence[Action] = ()
    selection_message: str = "请先勾选需要操作的数据"

    @property
    def name(self) -> str:
        return self.object_name or f"btn_{self.key}"


@dataclass(frozen=True)
class RowAction:
    """A link in the 操作 column (查看, 编辑 …); `visible(row)` hides it for some rows."""

    key: str
    title: str
    handler: RowHandler
    visible: Callable[[dict[str, Any]], bool] = field(default=lambda row: True)


def export_action(
    selected_title: str = "选中职工",
    all_title: str = "所有职工",
    title: str = "导出",
    key: str = "export",
) -> Action:
    """The manual's 导出 drop-down: export the ticked rows, or every row matching the query."""
    return Action(
        key,
        title,
        children=(
            Action(
                f"{key}_selected",
                selected_title,
                lambda page: page.export_selected(),
                needs_selection=True,
                selection_message="请先勾选需要导出的数据",
            ),
            Action(f"{key}_all", all_title, lambda page: page.export_all()),
        ),
    )


@dataclass(frozen=True)
class ListPageSpec:
    """Everything that makes one list page what it is.

    `summary(filters)` returns (label, value) pairs shown above the table (职工总数: 2人);
    it is recomputed on every 查询. `async_queries` runs count/page/summary on a worker
    thread: use it when a query can take more than ~100 ms (big unjoined tables are fast
    enough on the UI thread with an index on every condition).
    """

    page_key: str
    title: str
    columns: Sequence[Column]
    conditions: Sequence[Condition] = ()
    actions: Sequence[Action] = ()
    row_actions: Sequence[RowAction] = ()
    checkable: bool = True
    summary: SummaryFn | None = None
    empty_text: str = "暂无数据"
    default_sort: SortSpec = ()
    export_name: str = ""
    async_queries: bool = False
    condition_columns: int = 3
    row_actions_title: str = "操作"
    row_actions_width: int = 110
    object_name: str = ""
    # In-place edits of `Column.editable` cells: (page, row, column key, new text) → True
    # when saved (the page then reloads the current page of rows).
    on_edit: EditHandler | None = None
    # Rows that are ticked together (the manual's merged 勾选项): rows with the same value
    # of this field form one tick box, shown on the first of them; ticking it ticks them
    # all, also those on other pages when `tick_group_members(value)` lists their keys.
    tick_group: str | None = None
    tick_group_members: Callable[[Any], Collection[Any]] | None = None
    # Asked before a row the clerk ticks by hand is ticked (e.g. the 缓缴 confirmation of
    # 缴费): False leaves it unticked. Programmatic ticks do not ask.
    confirm_tick: Callable[[dict[str, Any]], bool] | None = None
    # 查询 that asks a server first (完税证明 开具, 缴费证明): the 查询 button and Enter in the
    # conditions call `on_query(page)`, which fetches and then calls `page.query()`.
    on_query: PageHandler | None = None

    @property
    def name(self) -> str:
        return self.object_name or f"page_{self.page_key}"

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def find_action(self, key: str) -> Action:
        stack = list(self.actions)
        while stack:
            action = stack.pop(0)
            if action.key == key:
                return action
            stack.extend(action.children)
        raise KeyError(key)
