"""Is this workbook the template? Its `_template` sheet, its sheet, its header, and merges
in the header. Each failure refuses the whole file with one sentence (`ImportRefused`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from client.documents.templates import ERROR_COLUMN, META_SHEET, TemplateSpec
from client.documents.workbook_checks import CORRUPT, DEFAULT_MAX_ROWS, ImportRefused

HEADER_SEARCH_ROWS = 10

EMPTY_WORKBOOK = "所选文件中没有任何内容，请下载《{title}》模板，填写后再导入。"
NOT_TEMPLATE = (
    "所选文件不是《{title}》模板。请下载《{title}》模板，在模板中填写"
    "（或把数据复制到模板中）后再导入。"
)
WRONG_KIND = "所选文件是《{other}》模板，不是《{title}》模板，请选择正确的文件。"
WRONG_VERSION = "所选文件是其他版本的《{title}》模板，请重新下载模板，把数据复制到新模板后再导入。"
MISSING_SHEET = "模板中找不到工作表“{sheet}”，请不要修改或删除模板的工作表，重新下载模板后填写。"
EMPTY_SHEET = "工作表“{sheet}”是空的，模板的表头也被删除了，请重新下载《{title}》模板后填写。"
HEADER_MOVED = "模板的表头应在第{expected}行，文件中在第{actual}行，请不要在表头上方插入或删除行。"
MISSING_COLUMNS = "模板缺少列：{names}。请不要删除模板中的列，重新下载模板后填写。"
EXTRA_COLUMNS = "模板中多了列：{names}。请不要在模板中增加列，重新下载模板后填写。"
RENAMED_COLUMN = "模板第{n}列的表头应为“{expected}”，文件中为“{actual}”，请不要修改模板的表头。"
COLUMNS_CHANGED = (
    "模板的列被修改了：缺少列{missing}，多了列{extra}。请不要修改模板的列，重新下载模板后填写。"
)
REORDERED = "模板中列的顺序被调整了，应为：{names}，请不要移动模板中的列。"
HEADER_MERGED = "模板的表头中有合并单元格（{ref}），请不要修改模板的表头。"
TOO_MANY_MERGED = (
    "模板中合并单元格覆盖的行数过多（如{ref}），请取消合并，并在每一行分别填写后重新导入。"
)

Rows = Iterator[tuple[int, list[Any]]]  # (0-based Excel row, cells from column A)


def template_sheet(spec: TemplateSpec, book: CalamineWorkbook) -> CalamineSheet:
    """The data sheet, once the `_template` sheet says this is `spec`'s kind and version."""
    check_template(spec, book)
    return data_sheet(spec, book)


def check_template(spec: TemplateSpec, book: CalamineWorkbook) -> None:
    """Refuse a workbook whose `_template` sheet is missing or names another kind or
    version, or that lacks the data sheet (cheap: the data sheet is not parsed)."""
    title = spec.title
    try:
        names = list(book.sheet_names)
        if META_SHEET not in names:
            if all(book.get_sheet_by_name(n).start is None for n in names):
                raise ImportRefused(EMPTY_WORKBOOK.format(title=title))
            raise ImportRefused(NOT_TEMPLATE.format(title=title))
        meta: dict[str, str] = {}
        for row in book.get_sheet_by_name(META_SHEET).iter_rows():
            if len(row) >= 2:
                meta[str(row[0]).strip()] = _text(row[1])
        if meta.get("kind") != spec.kind:
            other = meta.get("title", "")
            if other and other != title:
                raise ImportRefused(WRONG_KIND.format(other=other, title=title))
            raise ImportRefused(NOT_TEMPLATE.format(title=title))
        if meta.get("version") != str(spec.version):
            raise ImportRefused(WRONG_VERSION.format(title=title))
        if spec.sheet_title not in names:
            raise ImportRefused(MISSING_SHEET.format(sheet=spec.sheet_title))
    except CalamineError:
        raise ImportRefused(CORRUPT) from None


def data_sheet(spec: TemplateSpec, book: CalamineWorkbook) -> CalamineSheet:
    """The template's data sheet, parsed (python-calamine releases the GIL meanwhile)."""
    try:
        sheet = book.get_sheet_by_name(spec.sheet_title)
    except CalamineError:
        raise ImportRefused(CORRUPT) from None
    if sheet.start is None:
        raise ImportRefused(EMPTY_SHEET.format(sheet=spec.sheet_title, title=spec.title))
    return sheet


def check_header(spec: TemplateSpec, head: list[tuple[int, list[Any]]], rest: Rows) -> None:
    """`head` holds the rows up to the header row; `rest` the rows after it."""
    index = spec.header_row - 1
    expected = [_header_text(c.header) for c in spec.columns]
    actual = header_cells(head[-1][1] if head and head[-1][0] == index else [])
    if actual == expected:
        return
    # The header in another row: the user inserted or deleted rows above it.
    nearby = head[:-1]
    if not set(actual) & set(expected):
        nearby += list(itertools.islice(rest, HEADER_SEARCH_ROWS))
    for row_index, cells in nearby:
        if header_cells(cells) == expected:
            raise ImportRefused(HEADER_MOVED.format(expected=index + 1, actual=row_index + 1))
    raise ImportRefused(_header_message(expected, actual))


def header_cells(cells: list[Any]) -> list[str]:
    """A header row as compared: "*" marks and spaces trimmed, trailing blanks and the
    error workbook's 错误原因 column dropped."""
    texts = [_header_text(v) for v in cells]
    while texts and not texts[-1]:
        texts.pop()
    if texts and texts[-1] == ERROR_COLUMN:
        texts.pop()
    return texts


def _header_message(expected: list[str], actual: list[str]) -> str:
    missing = [h for h in expected if h not in actual]
    extra = [h or "（空表头）" for h in actual if h not in expected]
    if missing and not extra:
        return MISSING_COLUMNS.format(names="、".join(missing))
    if extra and not missing:
        return EXTRA_COLUMNS.format(names="、".join(extra))
    if not missing and not extra:
        return REORDERED.format(names="、".join(expected))
    if len(actual) == len(expected):
        n, want, got = next(
            (i, e, a) for i, (e, a) in enumerate(zip(expected, actual, strict=True)) if e != a
        )
        return RENAMED_COLUMN.format(n=n + 1, expected=want, actual=got or "（空）")
    return COLUMNS_CHANGED.format(missing="、".join(missing), extra="、".join(extra))


def merged_rows(
    spec: TemplateSpec, ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None
) -> dict[int, tuple[int, str]]:
    """0-based data row → (first column, "A3:A5") of the merge covering it; a merge that
    touches the header refuses the file, and so do merges covering more rows than the
    template may hold (each row would be an error of its own)."""
    header_index = spec.header_row - 1
    limit = spec.max_rows or DEFAULT_MAX_ROWS
    covered = 0
    rows: dict[int, tuple[int, str]] = {}
    for (r0, c0), (r1, c1) in ranges or ():
        if r1 < header_index or c0 >= len(spec.columns):
            continue  # the notes above the header, or outside the template's columns
        ref = f"{excel_ref(r0, c0)}:{excel_ref(r1, c1)}"
        if r0 <= header_index:
            raise ImportRefused(HEADER_MERGED.format(ref=ref))
        covered += r1 - r0 + 1
        if covered > limit:
            raise ImportRefused(TOO_MANY_MERGED.format(ref=ref))
        for r in range(r0, r1 + 1):
            rows.setdefault(r, (c0, ref))
    return rows


def excel_ref(row: int, col: int) -> str:
    """(0-based row, column) → "B7"."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_text(value: Any) -> str:
    return _text(value).replace("\n", "").replace("\r", "").strip().strip("*＊").strip()
