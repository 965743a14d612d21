"""A minimal streaming .xlsx writer for plain tables (no Qt, no openpyxl).

`XlsxWriter(path)` → `add_sheet(title, columns, freeze_rows=…)` → `write_row` /
`write_rows` → `close()` (or `abort()`). Each sheet's XML is deflated into its zip entry
a block of rows at a time, so memory stays flat for any row count. Strings are inline
(`t="inlineStr"`): no table is held in memory, and it measured as fast as a shared-strings
table to write and faster for openpyxl and python-calamine to read back.

Values: str → text (XML-escaped, characters XML 1.0 forbids removed, cut at Excel's 32,767
characters); None and "" → no cell; bool → TRUE/FALSE; int, float, Decimal → numbers (NaN
and infinity → no cell; integers of 16 or more digits → text, since Excel keeps only 15);
date, datetime, time, timedelta → Excel serials with a date/time format; anything else →
str(value) as text. Only one sheet is open at a time: adding a sheet finishes the last one.

Text that Excel would take for a formula once the cell is edited or the sheet saved as CSV
— starting with "=", "+", "-", "@", a tab or a carriage return, such as a name typed as
`=HYPERLINK(…)` or `=cmd|' /C calc'!A0` — is written in its column's style with
`quotePrefix` set, as Excel itself stores text typed after an apostrophe: the value stays
exactly the text (read back unchanged by python-calamine and openpyxl, never as a formula)
and Excel keeps treating it as text. Inline strings are never evaluated on opening anyway.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767  # characters Excel keeps in one cell
BIG_INT = 10**15  # integers from here on are written as text (Excel keeps 15 digits)
FLUSH_CHARS = 1 << 18  # XML characters buffered before a write to the zip stream
ZIP64_CELLS = 5_000_000  # expected cells from which a sheet's entry may pass 2 GB

TOO_MANY_ROWS = "数据超过Excel单个工作表的最大行数（1,048,576行），请缩小范围后分批导出。"
TOO_MANY_COLUMNS = "数据超过Excel单个工作表的最大列数（16,384列），请减少导出的列。"
BAD_SHEET_NAME = "工作表名称“{name}”不可用：名称不能为空、不能超过31个字符，不能包含[]:*?/\\，也不能以'开头或结尾。"
DUPLICATE_SHEET = "工作表名称“{name}”重复，同一工作簿中的工作表名称不能相同。"


class XlsxLimitError(ValueError):
    """A table Excel cannot hold (too many rows or columns, a bad sheet name)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Style:
    """A cell format: number format, font, solid fill and alignment (colors as ARGB)."""

    number_format: str = "General"
    bold: bool = False
    font_color: str | None = None
    fill_color: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    quote_prefix: bool = False  # text that looks like a formula stays text in Excel


# The fixed styles, registered in this order by every workbook (their ids are these).
DEFAULT, HEADER, TEXT, AMOUNT, INTEGER, DATE, DATETIME = range(7)
FIXED_STYLES = (
    Style(),
    Style(bold=True, horizontal="center", vertical="center"),
    Style("@"),
    Style("#,##0.00"),
    Style("0"),
    Style("yyyy-mm-dd"),
    Style("yyyy-mm-dd hh:mm:ss"),
)
TIME_FORMAT, DURATION_FORMAT = "hh:mm:ss", "[h]:mm:ss"


@dataclass(frozen=True)
class Column:
    """A sheet column: its width (in characters), the style of its cells (also applied to
    its empty cells) and whether every value is written as text (identity numbers)."""

    width: float | None = None
    style: int = DEFAULT
    as_text: bool = False


# -- text -------------------------------------------------------------------------------
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_NEEDS_WORK = re.compile(f"[&<>_\r{_FORBIDDEN}]").search  # "_": see escape_text
_ILLEGAL = re.compile(f"[{_FORBIDDEN}]")
_ESCAPED_CODE = re.compile("_(x[0-9A-Fa-f]{4}_)")
FORMULA_STARTS = "=+-@\t\r"  # a text cell starting so is written with quotePrefix


def looks_like_formula(text: str) -> bool:
    """Whether Excel would take `text` for a formula (or a DDE call) when it is edited or
    reopened as CSV."""
    return bool(text) and text[0] in FORMULA_STARTS


def clean_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (control characters but tab, newline
    and carriage return; lone surrogates; U+FFFE, U+FFFF)."""
    return _ILLEGAL.sub("", text)


def escape_text(text: str) -> str:
    """Cell text as XML: forbidden characters removed, & < > escaped, a carriage return
    as a reference (XML readers turn a literal one into a line feed), and a literal
    "_x0041_" protected from Excel's _xHHHH_ decoding."""
    text = _ILLEGAL.sub("", text[:MAX_TEXT])
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")
    return _ESCAPED_CODE.sub(r"_x005F_\1", text)


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


def column_letter(index: int) -> str:
    """0-based column index → "A", "Z", "AA", "XFD"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_BAD_SHEET_NAME = re.compile(f"[\\[\\]:*?/\\\\{_FORBIDDEN}]|^'|'$|^$|^(?i:history)$")


def check_sheet_name(name: str) -> None:
    """Excel's rules: 1 to 31 characters, none of []:*?/\\, no ' first or last."""
    if len(name) > 31 or _BAD_SHEET_NAME.search(name):
        raise XlsxLimitError(BAD_SHEET_NAME.format(name=name))


# -- dates ------------------------------------------------------------------------------
_EPOCH = date(1899, 12, 30).toordinal()


def _serial(value: date | datetime) -> float | None:
    """Excel's 1900 date system (with its fictitious 1900-02-29); None before 1900."""
    days: float = value.toordinal() - _EPOCH
    if isinstance(value, datetime):
        days += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        days += value.microsecond / 86_400_000_000
    if days < 61:
        days -= 1
    return days if days >= 1 else None


class XlsxWriter:
    """A workbook written straight into a zip file; see the module docstring."""

    def __init__(self, target: str | os.PathLike[str] | IO[bytes], compresslevel: int = 3):
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.styles: list[Style] = list(FIXED_STYLES)
        self._style_ids = {s: i for i, s in enumerate(self.styles)}
        self.sheets: list[SheetWriter] = []
        self._closed = False

    def add_style(self, style: Style) -> int:
        """The id of `style` for `Column.style` and `write_row(styles=…)`."""
        found = self._style_ids.get(style)
        if found is None:
            found = self._style_ids[style] = len(self.styles)
            self.styles.append(style)
        return found

    def style(self, style_id: int) -> Style:
        return self.styles[style_id]

    def quoted(self, style_id: int) -> int:
        """The id of `style_id` with quotePrefix (for text that looks like a formula)."""
        style = self.styles[style_id]
        if style.quote_prefix:
            return style_id
        return self.add_style(replace(style, quote_prefix=True))

    def add_sheet(
        self,
        title: str,
        columns: Sequence[Column] = (),
        freeze_rows: int = 0,
        autofilter: bool = False,
        hidden: str | None = None,
        expected_rows: int | None = None,
    ) -> SheetWriter:
        """A new sheet (the previous one is finished). `hidden` is None, "hidden" or
        "veryHidden"; `autofilter` filters from the last frozen row (or row 1) down."""
        check_sheet_name(title)
        if any(s.title.lower() == title.lower() for s in self.sheets):
            raise XlsxLimitError(DUPLICATE_SHEET.format(name=title))
        if self.sheets:
            self.sheets[-1].finish()
        cells = (expected_rows or 0) * max(len(columns), 1)
        stream = self._zip.open(
            f"xl/worksheets/sheet{len(self.sheets) + 1}.xml", "w", force_zip64=cells > ZIP64_CELLS
        )
        selected = hidden is None and all(s.hidden for s in self.sheets)
        sheet = SheetWriter(self, stream, title, columns, freeze_rows, autofilter, hidden, selected)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        """Finish the last sheet and write the workbook's other parts."""
        if self._closed:
            return
        if not self.sheets:
            self.add_sheet("Sheet1")
        self.sheets[-1].finish()
        if all(s.hidden for s in self.sheets):
            raise ValueError("a workbook needs a visible sheet")
        for name, xml in _package_parts(self).items():
            self._zip.writestr(name, xml)
        self._closed = True
        self._zip.close()

    def abort(self) -> None:
        """Stop without finishing: the file is left incomplete for the caller to delete."""
        if self._closed:
            return
        self._closed = True
        for sheet in self.sheets[-1:]:
            with contextlib.suppress(Exception):
                sheet.stream.close()
        with contextlib.suppress(Exception):
            self._zip.close()

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class SheetWriter:
    """Rows of one sheet, written in order from row 1."""

    def __init__(
        self,
        book: XlsxWriter,
        stream: IO[bytes],
        title: str,
        columns: Sequence[Column],
        freeze_rows: int,
        autofilter: bool,
        hidden: str | None,
        selected: bool,
    ) -> None:
        self.book, self.stream, self.title = book, stream, title
        self.hidden, self.autofilter = hidden, autofilter
        self.header_row = max(freeze_rows, 1)
        self.rows_written = 0
        self.width = 0  # columns used so far
        self._columns = list(columns)
        self._merged: list[str] = []
        self._buf: list[str] = []
        self._pending = 0  # characters in _buf
        self._done = False
        # Per column: its index, '<c r="B' and what follows the row number in a text and
        # in a number cell.
        self._pieces_by_column: list[tuple[int, str, str, str, str]] = []
        self._mids: dict[int, tuple[str, str, str, str]] = {}
        self._grow(len(columns))
        self.stream.write(_sheet_head(self._columns, freeze_rows, selected).encode())

    def merge(self, ref: str) -> None:
        """Merge a range such as "A1:H1" (written when the sheet is finished)."""
        self._merged.append(ref)

    def write_row(
        self,
        values: Sequence[Any],
        styles: Sequence[int | None] | None = None,
        height: float | None = None,
    ) -> None:
        """One row; `styles` per cell (None: the column's; a cell with a style of its own
        is written even when empty) and `height` in points."""
        if styles is None and height is None:
            self.write_rows((values,))
            return
        rn = self._next_row(len(values))
        attrs = f' ht="{height:g}" customHeight="1"' if height is not None else ""
        cells = [f'<row r="{rn}"{attrs}>']
        own = [*(styles or ()), *[None] * (len(values) - len(styles or ()))]
        for (j, ref, text, kept, num), v, sid in zip(
            self._pieces_by_column, values, own, strict=False
        ):
            if sid is not None:
                text, kept, num, _ = self._pieces(sid)
            t = type(v)
            if (
                t is str
                and v
                and not _NEEDS_WORK(v)
                and len(v) <= MAX_TEXT
                and v[0] not in FORMULA_STARTS
            ):
                cells.append(f"{ref}{rn}{text if v[0] > ' ' < v[-1] else kept}{v}</t></is></c>")
            elif (
                (t is int and -BIG_INT < v < BIG_INT)
                or (t is float and v - v == 0)
                or (t is Decimal and v.is_finite())
            ):
                cells.append(f"{ref}{rn}{num}{v!s}</v></c>")
            elif xml := self._cell(j, rn, v, sid):
                cells.append(xml)
        cells.append("</row>")
        xml = "".join(cells)
        self._buf.append(xml)
        self._pending += len(xml)
        if self._pending >= FLUSH_CHARS:
            self._flush()

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> int:
        """Rows in their columns' styles; returns how many were written."""
        pieces, cell, needs_work, buf = self._pieces_by_column, self._cell, _NEEDS_WORK, self._buf
        count = 0
        pending = self._pending
        for row in rows:
            rn = self._next_row(len(row))
            cells = [f'<row r="{rn}">']
            add = cells.append
            for (j, ref, text, kept, num), v in zip(pieces, row, strict=False):
                t = type(v)
                if t is str:
                    if v:
                        if v[0] in FORMULA_STARTS:
                            if xml := cell(j, rn, v, None):
                                add(xml)
                            continue
                        if needs_work(v) or len(v) > MAX_TEXT:
                            v = escape_text(v)
                            if not v:
                                continue
                        if v[0] > " " < v[-1]:
                            add(f"{ref}{rn}{text}{v}</t></is></c>")
                        else:  # leading or trailing blanks: kept only when asked to
                            add(f"{ref}{rn}{kept}{v}</t></is></c>")
                elif v is None:
                    continue
                elif t is Decimal and v.is_finite():
                    add(f"{ref}{rn}{num}{v!s}</v></c>")
                elif t is float and v - v == 0:
                    add(f"{ref}{rn}{num}{v!r}</v></c>")
                elif t is int and -BIG_INT < v < BIG_INT:
                    add(f"{ref}{rn}{num}{v!s}</v></c>")
                elif xml := cell(j, rn, v, None):
                    add(xml)
            add("</row>")
            xml = "".join(cells)
            buf.append(xml)
            count += 1
            pending += len(xml)
            if pending >= FLUSH_CHARS:
                self._flush()
                pending = 0
        self._flush()
        return count

    def finish(self) -> None:
        """Write the sheet's tail and close its zip entry."""
        if self._done:
            return
        self._done = True
        self._flush()
        tail = ["</sheetData>"]
        if self.autofilter and self.width:
            tail.append(f'<autoFilter ref="{self.filter_range()}"/>')
        if self._merged:
            merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merged)
            tail.append(f'<mergeCells count="{len(self._merged)}">{merges}</mergeCells>')
        tail.append(_PAGE_MARGINS + "</worksheet>")
        self.stream.write("".join(tail).encode())
        self.stream.close()

    def filter_range(self) -> str:
        last = max(self.rows_written, self.header_row)
        return f"A{self.header_row}:{column_letter(self.width - 1)}{last}"

    def _next_row(self, length: int) -> str:
        if self.rows_written >= MAX_ROWS:
            raise XlsxLimitError(TOO_MANY_ROWS)
        if length > self.width:
            self._grow(length)
            self.width = length
        self.rows_written += 1
        return str(self.rows_written)

    def _grow(self, count: int) -> None:
        if count > MAX_COLUMNS:
            raise XlsxLimitError(TOO_MANY_COLUMNS)
        for j in range(len(self._pieces_by_column), count):
            text, kept, num, _ = self._pieces(self._column(j).style)
            self._pieces_by_column.append((j, f'<c r="{column_letter(j)}', text, kept, num))

    def _column(self, j: int) -> Column:
        return self._columns[j] if j < len(self._columns) else _PLAIN

    def _pieces(self, sid: int) -> tuple[str, str, str, str]:
        """What follows '<c r="B7' in style `sid` for a text cell, one with leading or
        trailing blanks, a number and a boolean."""
        found = self._mids.get(sid)
        if found is None:
            s = f'" s="{sid}"' if sid else '"'
            text = f'{s} t="inlineStr"><is><t'
            found = (f"{text}>", f'{text} xml:space="preserve">', f"{s}><v>", f'{s} t="b"><v>')
            self._mids[sid] = found
        return found

    def _cell(self, j: int, rn: str, value: Any, sid: int | None) -> str | None:
        """Any value's cell XML (the general, slower path); None for no cell."""
        column = self._column(j)
        base = column.style if sid is None else sid
        ref = self._pieces_by_column[j][1]
        if column.as_text and value is not None and not isinstance(value, str):
            value = str(value)
        if isinstance(value, bool):
            return f"{ref}{rn}{self._pieces(base)[3]}{int(value)}</v></c>"
        if not isinstance(value, str) and value is not None:
            number, fmt = _number(value)
            if number is not None:
                if fmt and self.book.style(base).number_format != fmt:
                    base = self.book.add_style(_with_format(self.book.style(base), fmt))
                return f"{ref}{rn}{self._pieces(base)[2]}{number}</v></c>"
            value = "" if fmt == _NO_CELL else str(value)
        if value and value[0] in FORMULA_STARTS:
            base = self.book.quoted(base)
        if value and (_NEEDS_WORK(value) or len(value) > MAX_TEXT):
            value = escape_text(value)
        if not value:  # no cell, or an empty one in its own style
            return None if base == column.style else f'{ref}{rn}" s="{base}"/>'
        pieces = self._pieces(base)
        return f"{ref}{rn}{pieces[0 if value[0] > ' ' < value[-1] else 1]}{value}</t></is></c>"

    def _flush(self) -> None:
        if self._buf:
            self.stream.write("".join(self._buf).encode())
            self._buf.clear()
        self._pending = 0


_PLAIN = Column()
_NO_CELL = "-"


def _number(value: Any) -> tuple[Any, str]:
    """(number, number format) for a numeric or date/time value; (None, "") when it is
    to be written as text, (None, _NO_CELL) for NaN and infinity."""
    if isinstance(value, int):
        return (value, "") if -BIG_INT < value < BIG_INT else (None, "")
    if isinstance(value, float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        return (value, "") if finite else (None, _NO_CELL)
    if isinstance(value, datetime | date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        kind = DATETIME if isinstance(value, datetime) else DATE
        return _serial(value), FIXED_STYLES[kind].number_format
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return (seconds + value.microsecond / 1e6) / 86400, TIME_FORMAT
    if isinstance(value, timedelta) and value >= timedelta(0):
        return value / timedelta(days=1), DURATION_FORMAT
    return None, ""


def _with_format(style: Style, number_format: str) -> Style:
    return replace(style, number_format=number_format)


# -- the other parts ---------------------------------------------------------------------
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NS = "http://schemas.openxmlformats.org"
_MAIN, _PKG = f"{_NS}/spreadsheetml/2006/main", f"{_NS}/package/2006"
_RELS = f"{_NS}/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_PAGE_MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'  # fmt: skip
_APP = f'{_XML}<Properties xmlns="{_NS}/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>'  # fmt: skip
_CORE = (
    f'{_XML}<cp:coreProperties xmlns:cp="{_PKG}/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>社保费管理客户端</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
)
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}


def _sheet_head(columns: Sequence[Column], freeze_rows: int, selected: bool) -> str:
    view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if selected else "")
    if freeze_rows:
        cell = f"A{freeze_rows + 1}"
        view += (
            f'><pane ySplit="{freeze_rows}" topLeftCell="{cell}" activePane="bottomLeft" '
            f'state="frozen"/><selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/>'
            "</sheetView>"
        )
    else:
        view += "/>"
    cols = "".join(
        f'<col min="{n}" max="{n}"'
        + (f' width="{c.width:g}" customWidth="1"' if c.width is not None else "")
        + (f' style="{c.style}"/>' if c.style else "/>")
        for n, c in enumerate(columns, start=1)
        if c.width is not None or c.style
    )
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheetViews>{view}</sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def _styles_xml(styles: list[Style]) -> str:
    formats: dict[str, int] = {}
    fonts: dict[tuple[bool, str | None], int] = {(False, None): 0}
    fills: dict[str, int] = {}
    xfs = []
    for s in styles:
        fmt = _BUILTIN_FORMATS.get(s.number_format)
        if fmt is None:
            fmt = formats.setdefault(s.number_format, 164 + len(formats))
        font = fonts.setdefault((s.bold, s.font_color), len(fonts))
        fill = fills.setdefault(s.fill_color, len(fills) + 2) if s.fill_color else 0
        align = (f' horizontal="{s.horizontal}"' if s.horizontal else "") + (
            f' vertical="{s.vertical}"' if s.vertical else ""
        ) + (' wrapText="1"' if s.wrap else "")  # fmt: skip
        xfs.append(
            f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            + (' applyNumberFormat="1"' if fmt else "")
            + (' applyFont="1"' if font else "")
            + (' applyFill="1"' if fill else "")
            + (' quotePrefix="1"' if s.quote_prefix else "")
            + (f' applyAlignment="1"><alignment{align}/></xf>' if align else "/>")
        )
    num_fmts = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{escape_attr(code)}"/>' for code, i in formats.items()
    )
    font_xml = "".join(
        f'<font>{"<b/>" if bold else ""}<sz val="11"/>'
        + (f'<color rgb="{_argb(color)}"/>' if color else "")
        + '<name val="Calibri"/><family val="2"/></font>'
        for bold, color in fonts
    )
    fill_xml = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="{_argb(c)}"/>'
        f'<bgColor rgb="{_argb(c)}"/></patternFill></fill>'
        for c in fills
    )
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
        + f'<fonts count="{len(fonts)}">{font_xml}</fonts><fills count="{len(fills) + 2}">'
        '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        f'</fill>{fill_xml}</fills><borders count="1"><border><left/><right/><top/><bottom/>'
        '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
        f'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    )


def _argb(color: str) -> str:
    color = color.lstrip("#").upper()
    if not re.fullmatch("[0-9A-F]{6}|[0-9A-F]{8}", color):
        raise ValueError(f"not an RGB or ARGB color: {color!r}")
    return color if len(color) == 8 else "FF" + color


def _workbook_xml(sheets: list[SheetWriter]) -> str:
    active = next(i for i, s in enumerate(sheets) if not s.hidden)
    entries, names = [], []
    for i, sheet in enumerate(sheets):
        state = f' state="{sheet.hidden}"' if sheet.hidden else ""
        title = escape_attr(sheet.title)
        entries.append(f'<sheet name="{title}" sheetId="{i + 1}"{state} r:id="rId{i + 1}"/>')
        if sheet.autofilter and sheet.width:
            quoted = escape_text("'" + sheet.title.replace("'", "''") + "'")
            ref = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", sheet.filter_range())
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"{quoted}!{ref}</definedName>"
            )
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><workbookPr/><bookViews>'
        f'<workbookView activeTab="{active}"/></bookViews><sheets>{"".join(entries)}</sheets>'
        + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
        + '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'
    )


def _relationships(*rels: tuple[str, str]) -> str:
    """A .rels part: (type URI, target) for rId1, rId2 …"""
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(rels, start=1)
    )
    return f'{_XML}<Relationships xmlns="{_PKG}/relationships">{items}</Relationships>'


def _package_parts(book: XlsxWriter) -> dict[str, str]:
    """Every part but the sheets, by zip name."""
    count = len(book.sheets)
    sheets = [f"worksheets/sheet{i}.xml" for i in range(1, count + 1)]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    overrides = [
        ("/xl/workbook.xml", f"{_CT}.spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", f"{_CT}.spreadsheetml.styles+xml"),
        *[(f"/xl/{name}", f"{_CT}.spreadsheetml.worksheet+xml") for name in sheets],
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", f"{_CT}.extended-properties+xml"),
    ]
    return {
        "xl/styles.xml": _styles_xml(book.styles),
        "xl/workbook.xml": _workbook_xml(book.sheets),
        "xl/_rels/workbook.xml.rels": _relationships(
            *[(f"{_RELS}/worksheet", name) for name in sheets], (f"{_RELS}/styles", "styles.xml")
        ),
        "docProps/app.xml": _APP,
        "docProps/core.xml": _CORE.format(now=now),
        "_rels/.rels": _relationships(
            (f"{_RELS}/officeDocument", "xl/workbook.xml"),
            (f"{_PKG}/relationships/metadata/core-properties", "docProps/core.xml"),
            (f"{_RELS}/extended-properties", "docProps/app.xml"),
        ),
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="{_PKG}/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
            + "</Types>"
        ),
    }
