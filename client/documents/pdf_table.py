"""A ruled table drawn straight onto a reportlab canvas, page by page (no Qt): the engine
of the 申报表, the 缴费证明 and the 税收完税证明.

Rows are drawn as they come: their text operators and rules are collected for the page and
written as one text block and one path when the page is closed, so a 100,000-row table
costs no flowables. Column titles repeat on every page, long texts shrink or wrap inside
their cell, and rows whose cells span several columns (a 合计, a 纳税人 line, a signature
row) cut the column rules. A document says what goes above the table (`heading`), what
opens the table on each page (`head_rows`) and below it (`footer`); the default footer is
"第 n 页 共 m 页", where m is a form XObject defined once the last page is known.

Text is encoded the way reportlab's ttfonts module documents for dynamic fonts
(`splitString` into subsets, `getSubsetInternalName`) and cached per text, which is what
makes big tables affordable: most cells repeat (经办机构, 品目, 所属期).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

LEFT_ALIGN, CENTER, RIGHT_ALIGN = "left", "center", "right"
PAD = 2.5  # inside a cell, left and right
LEADING = 1.15  # line height of wrapped text, times the font size
MAX_LINES = 3  # a longer text is made smaller instead of taller
PAGE_COUNT_FORM = "pageCount"
CREATOR = "社保费管理客户端"


@dataclass(frozen=True)
class TableGeometry:
    """Where a table goes on its pages, in points; y counts from the bottom."""

    page_width: float
    page_height: float
    left: float
    right: float
    table_top: float
    table_bottom: float  # rows stop above this; the footer sits below it
    footer_y: float
    body_size: float = 7.5
    min_size: float = 5.5
    footer_size: float = 8.0
    title_row_height: float = 26.0
    row_height: float = 15.0
    rule_width: float = 0.45
    frame_width: float = 0.9

    @property
    def table_width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class FormColumn:
    title: str  # as printed
    width: float  # points
    align: str
    wraps: bool = True  # False for numbers: they shrink but never break


def scale_columns(table_width: float, *spec: tuple[str, float, str, bool]) -> list[FormColumn]:
    """Columns from (title, relative weight, alignment, wraps), scaled to the table."""
    scale = table_width / sum(weight for _, weight, _, _ in spec)
    return [FormColumn(t, weight * scale, align, wraps) for t, weight, align, wraps in spec]


@dataclass(frozen=True)
class SpanCell:
    """One cell of a spanned row: columns `first` to `last` (inclusive)."""

    text: str
    first: int
    last: int
    align: str = LEFT_ALIGN
    max_lines: int = MAX_LINES


Chunks = tuple[tuple[str, str], ...]  # (PDF font resource, escaped string) per font switch
# PDF literal-string escapes (the same as reportlab's escapePDF), for str.translate.
_ESCAPES = {i: f"\\{i:03o}" for i in (*range(32), *range(127, 256))}
_ESCAPES.update({ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"})


@dataclass(frozen=True)
class Fit:
    """A text made to fit its cell: the size, the lines and each line's width and
    encoded form."""

    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]
    chunks: tuple[Chunks, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def clean(text: object) -> str:
    """A cell's text on one line (line breaks and tabs in source data become spaces)."""
    return " ".join(str(text).split()) if text is not None else ""


class TablePages:
    """The canvas, page by page, with one ruled table flowing over the pages.

    Call `open_page()` to start, `add_row`/`add_spanned_row` for the rows, `close_page()`
    when a part ends, `save()` at the end. Subclasses override `heading`, `head_rows` and
    `footer`."""

    def __init__(
        self,
        tmp: Path,
        geometry: TableGeometry,
        columns: Sequence[FormColumn],
        font_name: str,
        *,
        title: str,
        subject: str = "",
    ) -> None:
        self.g = geometry
        self.font_name = font_name
        font = pdfmetrics.getFont(font_name)
        self.width = font.stringWidth
        self.columns = list(columns)
        self.edges = [geometry.left]
        for column in self.columns:
            self.edges.append(self.edges[-1] + column.width)
        self.edges[-1] = geometry.right
        # The initial font is ours too, or every page would name an unembedded Helvetica.
        self.canvas = Canvas(
            str(tmp),
            pagesize=(geometry.page_width, geometry.page_height),
            pageCompression=1,
            initialFontName=font_name,
            initialFontSize=geometry.body_size,
        )
        self.canvas.setTitle(title)
        self.canvas.setCreator(CREATOR)
        self.canvas.setAuthor(CREATOR)
        self.canvas.setSubject(subject)
        self.encode = _encoder(font, self.canvas)
        self.fit_cache: list[dict[str, Fit]] = [{} for _ in self.columns]
        self.titles = [
            self.fit(c.title, c.width, geometry.body_size, 2, wrap_first=True) for c in self.columns
        ]
        self.page = 0
        self.rows_on_page = 0
        self.y = geometry.table_top  # the bottom of the last row drawn
        self.run_top: float | None = None  # top of the rows whose rules are the columns'
        self.ops: list[str] = []  # this page's text operators
        self.current: tuple[str, float] = ("", 0.0)  # font resource and size in effect
        self.rules: list[str] = []  # this page's inner rules, as path operators

    # -- hooks ------------------------------------------------------------------------
    def heading(self) -> None:
        """Draw what stands above the table on every page (nothing by default)."""

    def head_rows(self) -> None:
        """Open the table on a page: the column titles by default."""
        top, height = self.y, self.g.title_row_height
        self._start_run()
        for i, fit in enumerate(self.titles):
            self.cell(fit, self.edges[i], self.edges[i + 1], top, height, CENTER)
        self.y = top - height
        self.rule(self.g.left, self.y, self.g.right, self.y)

    def footer(self) -> None:
        """ "第 n 页 共 m 页" centred under the table."""
        self.page_number_footer(self.g.page_width / 2, self.g.footer_y)

    # -- page frame -------------------------------------------------------------------
    def open_page(self, with_table: bool = True) -> None:
        self.page += 1
        self.rows_on_page = 0
        self.ops, self.rules, self.current = [], [], ("", 0.0)
        self.run_top = None
        self.heading()
        self.y = self.g.table_top
        if with_table:
            self.head_rows()

    def close_page(self) -> None:
        """Column rules, the outer frame, the texts and the footer; then the page is
        finished."""
        c, g = self.canvas, self.g
        self._end_run()
        c.setLineWidth(g.rule_width)
        if self.rules:
            c.addLiteral("n\n" + "\n".join(self.rules) + "\nS")
        if self.y < g.table_top:
            c.setLineWidth(g.frame_width)
            c.rect(g.left, self.y, g.table_width, g.table_top - self.y)
        if self.ops:
            c.addLiteral("BT\n" + "\n".join(self.ops) + "\nET")
        self.footer()
        c.showPage()

    def page_number_footer(self, centre: float, y: float) -> None:
        """ "第 n 页 共 m 页" centred on `centre`. The total is known only at the end: a form
        defined by save(); its width is guessed from this page's number."""
        c, size = self.canvas, self.g.footer_size
        footer = f"第 {self.page} 页　共 "
        guess = self.width(f"{self.page} 页", size)
        x = centre + (self.width(footer, size) - guess) / 2
        c.setFont(self.font_name, size)
        c.drawRightString(x, y, footer)
        c.saveState()
        c.translate(x, y)
        c.doForm(PAGE_COUNT_FORM)
        c.restoreState()

    def rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.rules.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l")

    def room_for(self, height: float) -> bool:
        """Start a new page (with the table's head) unless `height` fits on this one;
        True when a page was started."""
        if self.y - height < self.g.table_bottom:
            self.close_page()
            self.open_page(with_table=True)
            return True
        return False

    def _start_run(self) -> None:
        if self.run_top is None:
            self.run_top = self.y

    def _end_run(self) -> None:
        """The column rules of the plain rows since the last spanned row."""
        top = self.run_top
        if top is not None and self.y < top:
            for x in self.edges[1:-1]:
                self.rule(x, top, x, self.y)
        self.run_top = None

    # -- rows -------------------------------------------------------------------------
    def add_row(self, cells: Sequence[str]) -> None:
        fits = [self.fit_cell(i, text) for i, text in enumerate(cells)]
        height = max(self.g.row_height, max(f.height for f in fits) + 4)
        self.room_for(height)
        self._start_run()
        top, columns, edges = self.y, self.columns, self.edges
        for i, fit in enumerate(fits):
            self.cell(fit, edges[i], edges[i + 1], top, height, columns[i].align)
        self.y = top - height
        self.rule(self.g.left, self.y, self.g.right, self.y)
        self.rows_on_page += 1

    def span_fits(self, cells: Sequence[SpanCell], size: float | None = None) -> list[Fit]:
        size = self.g.body_size if size is None else size
        return [
            self.fit(
                cell.text,
                self.edges[cell.last + 1] - self.edges[cell.first],
                size,
                cell.max_lines,
                wrap_first=cell.max_lines > 1,
            )
            for cell in cells
        ]

    def span_height(self, cells: Sequence[SpanCell], min_height: float = 0.0) -> float:
        fits = self.span_fits(cells)
        return max(min_height, self.g.row_height, max(f.height for f in fits) + 4)

    def add_spanned_row(
        self, cells: Sequence[SpanCell], min_height: float = 0.0, *, new_page: bool = True
    ) -> None:
        """A row of cells that span columns, with rules only between its cells; on a new
        page when it does not fit (unless `new_page` is False: part of the table's head)."""
        fits = self.span_fits(cells)
        height = max(min_height, self.g.row_height, max(f.height for f in fits) + 4)
        if new_page:
            self.room_for(height)
        self._end_run()
        top = self.y
        bottom = top - height
        for cell, fit in zip(cells, fits, strict=True):
            left, right = self.edges[cell.first], self.edges[cell.last + 1]
            self.cell(fit, left, right, top, height, cell.align)
            if cell.first > 0:
                self.rule(left, top, left, bottom)
        self.y = bottom
        self.rule(self.g.left, bottom, self.g.right, bottom)

    # -- cells ------------------------------------------------------------------------
    def fit_cell(self, column: int, text: str) -> Fit:
        spec = self.columns[column]
        cache = self.fit_cache[column]
        fit = cache.get(text)
        if fit is None:
            if len(cache) > 20_000:  # names and numbers seldom repeat: keep it bounded
                cache.clear()
            size = self.g.body_size
            if spec.wraps:
                fit = self.fit(text, spec.width, size, MAX_LINES)
            else:
                fit = self.fit(text, spec.width, size, 1, shrink_below=True)
            cache[text] = fit
        return fit

    def fit(
        self,
        text: str,
        width: float,
        size: float,
        max_lines: int,
        shrink_below: bool = False,
        wrap_first: bool = False,
    ) -> Fit:
        """The size and lines that keep `text` inside a cell `width` wide: as is, else
        smaller down to the minimum size, else wrapped (up to `max_lines`), else smaller
        still. Numbers only shrink (`shrink_below`); titles wrap before they shrink."""
        room = width - 2 * PAD
        full = self.width(text, size)
        lines = [text]
        if full > room:
            shrunk = math.floor(size * room / full * 100) / 100
            wrapped = self.wrap(text, room, size) if wrap_first else []
            if wrap_first and len(wrapped) <= max_lines:
                lines = wrapped
            elif shrink_below or max_lines == 1 or shrunk >= self.g.min_size:
                size = shrunk
            else:
                lines = self.wrap(text, room, size)
                while len(lines) > max_lines and size > 3:
                    size = round(size - 0.5, 2)
                    lines = self.wrap(text, room, size)
                lines = lines[:max_lines]
        return Fit(
            size,
            tuple(lines),
            tuple(self.width(t, size) for t in lines),
            tuple(self.encode(t) for t in lines),
        )

    def wrap(self, text: str, room: float, size: float) -> list[str]:
        """Break anywhere (Chinese has no word spaces); a line is never wider than room."""
        lines: list[str] = []
        current = ""
        for ch in text:
            if current and self.width(current + ch, size) > room:
                lines.append(current)
                current = ch.lstrip()
            else:
                current += ch
        if current:
            lines.append(current)
        if len(lines) > 1 and len(lines[-1]) == 1 and len(lines[-2]) > 2:
            lines[-2:] = [lines[-2][:-1], lines[-2][-1] + lines[-1]]  # no lone last character
        return lines

    def cell(
        self, fit: Fit, left: float, right: float, top: float, height: float, align: str
    ) -> None:
        size = fit.size
        step = size * LEADING
        # Baselines centred as a block; 0.35 em puts the middle of a Chinese glyph there.
        y = top - height / 2 + (len(fit.lines) - 1) * step / 2 - 0.35 * size
        for width, chunks in zip(fit.widths, fit.chunks, strict=True):
            if align == RIGHT_ALIGN:
                x = right - PAD - width
            elif align == CENTER:
                x = (left + right - width) / 2
            else:
                x = left + PAD
            self.show(chunks, x, y, size)
            y -= step

    def text(self, text: str, x: float, y: float, size: float) -> None:
        """Text at a baseline, written with the page's table text."""
        self.show(self.encode(text), x, y, size)

    def show(self, chunks: Chunks, x: float, y: float, size: float) -> None:
        ops = self.ops
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        for resource, escaped in chunks:
            if (resource, size) != self.current:
                ops.append(f"{resource} {size:g} Tf")
                self.current = (resource, size)
            ops.append(f"({escaped}) Tj")

    def bold_text(
        self, text: str, x: float, y: float, size: float, char_space: float = 0.0
    ) -> float:
        """Text filled and stroked (a bold face from one font), drawn now; its width."""
        c = self.canvas
        c.saveState()
        c.setLineWidth(size / 45)
        t = c.beginText()
        t.setTextRenderMode(2)
        t.setFont(self.font_name, size)
        t.setCharSpace(char_space)
        t.setTextOrigin(x, y)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
        return self.width(text, size) + char_space * max(len(text) - 1, 0)

    def centred_bold(self, text: str, centre: float, y: float, size: float) -> None:
        self.bold_text(text, centre - self.width(text, size) / 2, y, size)

    # -- end --------------------------------------------------------------------------
    def save(self) -> int:
        """Define the page total the footers show and write the file; the page count."""
        c = self.canvas
        c.beginForm(PAGE_COUNT_FORM, lowerx=-2, lowery=-4, upperx=60, uppery=12)
        c.setFont(self.font_name, self.g.footer_size)
        c.drawString(0, 0, f"{self.page} 页")
        c.endForm()
        # Binary (deflated) streams only: ASCII85 on top makes the file a quarter larger
        # and, without reportlab's C accelerator, takes seconds for a whole unit's form.
        a85 = rl_config.useA85
        rl_config.useA85 = 0
        try:
            c.save()
        finally:
            rl_config.useA85 = a85
        return self.page


def _encoder(font: object, canvas: Canvas) -> Callable[[str], Chunks]:
    """Text to (font resource, escaped bytes) chunks for the canvas's document: subsets
    of an embedded TrueType font, or the one resource of the CID fallback font."""
    doc = canvas._doc  # the document the font's subsets are numbered for
    if isinstance(font, TTFont):
        ttf = font

        def encode(text: str) -> Chunks:
            return tuple(
                (ttf.getSubsetInternalName(subset, doc), chunk.decode("latin-1").translate(_ESCAPES))
                for subset, chunk in ttf.splitString(text, doc)
            )  # fmt: skip

        return encode
    if not isinstance(font, UnicodeCIDFont):
        raise TypeError(f"unsupported PDF font {font!r}")
    cid = font
    resource = doc.getInternalFontName(cid.fontName)
    return lambda text: ((resource, cid.formatForPdf(text)),)
