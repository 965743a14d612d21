"""社会保险费缴费申报表 as a PDF (manual §2.10, 打印社会保险费申报表), drawn with reportlab
(no Qt).

Landscape A4 like the manual's figure: the title, the 纳税人 header line, a ruled table
whose column titles repeat on every page, the *合计 row, the three 声明 blocks and
"第 N 页 共 M 页" footers. A whole unit's form has 100,000 person lines, so the lines are
streamed: each page is drawn straight onto the canvas as its rows arrive (one text
object and one path per page, no flowables), and the page total M is a form XObject that
every footer references and that is defined once the last page is known.

Money is Decimal. Each line's amount is shown rounded half up to the cent, and the 合计 is
the exact sum of the amounts shown, so the printed form always adds up.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from client.documents.pdf_fonts import cjk_font

ITEMS, PERSONS = "items", "persons"

CENT = Decimal("0.01")
PROGRESS_EVERY = 2000  # rows between progress(rows_done) calls
CANCEL_EVERY = 250  # rows between check_cancelled() calls

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
LEFT, RIGHT = 28.0, PAGE_WIDTH - 28.0
TABLE_WIDTH = RIGHT - LEFT
TITLE_Y = PAGE_HEIGHT - 42  # baselines, from the top of the page down
IDS_Y = PAGE_HEIGHT - 57
HEADER_Y = PAGE_HEIGHT - 74
TABLE_TOP = PAGE_HEIGHT - 82
TABLE_BOTTOM = 40.0  # rows stop above this; the footer sits below it
FOOTER_Y = 22.0
TITLE_SIZE, HEADER_SIZE, BODY_SIZE, MIN_SIZE, FOOTER_SIZE = 16.0, 9.0, 7.5, 5.5, 8.0
TITLE_ROW_HEIGHT, ROW_HEIGHT, DECLARATION_HEIGHT = 26.0, 15.0, 42.0
PAD = 2.5  # inside a cell, left and right
LEADING = 1.15  # line height of wrapped text, times the font size
MAX_LINES = 3  # a longer text is made smaller instead of taller
PAGE_COUNT_FORM = "pageCount"

LEFT_ALIGN, CENTER, RIGHT_ALIGN = "left", "center", "right"


class DocumentError(Exception):
    """A document that could not be made; `message` is the sentence the clerk sees."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FeeFormTotalMismatch(DocumentError):
    """The lines do not add up to the declaration's own total: the form would contradict
    the record it prints, so none is written."""

    def __init__(self, total: Decimal, expected: Decimal) -> None:
        super().__init__(
            f"申报表合计（{format_money(total)}元）与申报记录的应缴费额合计"
            f"（{format_money(expected)}元）不一致，未生成申报表。"
            "请先同步申报记录、重新下载申报明细后再打印。"
        )
        self.total = total
        self.expected = expected


FOLDER_DENIED = "没有权限在该文件夹中保存申报表，请换一个位置后重试。"
FILE_IN_USE = "申报表文件可能正在被其他程序（如PDF阅读器）打开，请关闭后重试。"


@dataclass(frozen=True)
class FeeFormHeader:
    taxpayer_id: str
    taxpayer_name: str
    declared_on: str  # 申报日期 YYYY-MM-DD
    title: str = "社会保险费缴费申报表"
    subtitle: str = ""  # e.g. "（适用特殊缴费）", "（工程项目）"
    declaration_id: str = ""  # 申报编号, printed small under the title when set
    voucher_number: str = ""  # 应征凭证序号, idem


@dataclass(frozen=True)
class FeeFormLine:
    agency: str  # 社会保险经办机构
    unit_number: str  # 单位编号
    levy_item: str  # 征收项目 name
    levy_category: str  # 征收品目 name
    period_start: str  # 费款所属期起 YYYY-MM
    period_end: str  # 费款所属期止
    base: Decimal  # 缴费基数
    rate: str  # 缴费比例 as shown, e.g. "16%+8%" or "0.7%"
    amount: Decimal  # 本期应缴金额
    special_type: str = ""  # 特殊缴费类型 (补缴/退休补收/政策性补缴), "" = 正常
    headcount: int | None = None  # item lines: 缴费人数
    person_number: str = ""  # person lines: 人员编号
    name: str = ""  # person lines: 姓名
    id_type: str = ""  # person lines: 证件类型 name
    id_number: str = ""  # person lines: 证件号码


@dataclass(frozen=True)
class FeeFormResult:
    path: Path
    pages: int
    rows: int
    total: Decimal  # the 合计 printed (exact sum of the lines' amounts)


@dataclass(frozen=True)
class FormColumn:
    title: str  # as printed, with the manual's * on required columns
    width: float  # points
    align: str
    wraps: bool = True  # False for numbers: they shrink but never break


def _columns(*spec: tuple[str, float, str, bool]) -> list[FormColumn]:
    """Columns from (title, relative weight, alignment, wraps), scaled to the table."""
    scale = TABLE_WIDTH / sum(weight for _, weight, _, _ in spec)
    return [FormColumn(t, weight * scale, align, wraps) for t, weight, align, wraps in spec]


COLUMNS: dict[str, list[FormColumn]] = {
    ITEMS: _columns(
        ("*序号", 30, CENTER, False),
        ("*社会保险经办机构", 100, LEFT_ALIGN, True),
        ("单位编号", 64, CENTER, True),
        ("*征收项目", 90, LEFT_ALIGN, True),
        ("*征收品目", 100, LEFT_ALIGN, True),
        ("*费款所属期起", 46, CENTER, True),
        ("*费款所属期止", 46, CENTER, True),
        ("缴费人数", 40, RIGHT_ALIGN, False),
        ("*缴费基数", 80, RIGHT_ALIGN, False),
        ("*缴费比例", 50, CENTER, True),
        ("*特殊缴费类型", 50, CENTER, True),
        ("*本期应缴金额", 90, RIGHT_ALIGN, False),
    ),
    PERSONS: _columns(
        ("*序号", 32, CENTER, False),
        ("*社会保险经办机构", 80, LEFT_ALIGN, True),
        ("单位编号", 54, CENTER, True),
        ("人员编号", 56, CENTER, True),
        ("姓名", 40, CENTER, True),
        ("证件类型", 50, CENTER, True),
        ("证件号码", 80, CENTER, True),
        ("*征收品目", 92, LEFT_ALIGN, True),
        ("*费款所属期起", 40, CENTER, True),
        ("*费款所属期止", 40, CENTER, True),
        ("*缴费基数", 56, RIGHT_ALIGN, False),
        ("*缴费比例", 40, CENTER, True),
        ("*特殊缴费类型", 40, CENTER, True),
        ("*本期应缴金额", 62, RIGHT_ALIGN, False),
    ),
}

# (label, statement, signature) of the three 声明 blocks under the table.
STATEMENT = "谨声明：本申报表是根据国家社会保险法律法规及相关规定填报的，是真实的、可靠的、完整的。"
DECLARATIONS = (
    ("*申报人声明（自然人缴费人）：", STATEMENT, "缴费人签名："),
    ("*申报人声明（单位缴费人）：", STATEMENT, "法定代表人（负责人）签名：　　　　　　单位（盖章）："),
    ("*代理人声明：", "本人已向税务机关申报缴费文件，确认以上申报信息真实无误。", "代理人（盖章）："),
)  # fmt: skip
DATE_BLANK = "年　　　月　　　日"


def format_money(value: Decimal) -> str:
    """Two decimals, half up, thousands separators: 1234.005 -> '1,234.01'."""
    cents = value.quantize(CENT, ROUND_HALF_UP)
    return f"{cents if cents else cents.copy_abs():,.2f}"  # never "-0.00"


def _clean(text: object) -> str:
    """A cell's text on one line (line breaks and tabs in source data become spaces)."""
    return " ".join(str(text).split()) if text is not None else ""


def row_cells(layout: str, number: int, line: FeeFormLine) -> tuple[str, ...]:
    """The texts of one table row, in the order of COLUMNS[layout]."""
    special = line.special_type or "正常"
    if layout == ITEMS:
        headcount = "" if line.headcount is None else f"{line.headcount:,}"
        return (
            str(number), _clean(line.agency), _clean(line.unit_number), _clean(line.levy_item),
            _clean(line.levy_category), line.period_start, line.period_end, headcount,
            format_money(line.base), _clean(line.rate), special, format_money(line.amount),
        )  # fmt: skip
    return (
        str(number), _clean(line.agency), _clean(line.unit_number), _clean(line.person_number),
        _clean(line.name), _clean(line.id_type), _clean(line.id_number),
        _clean(line.levy_category), line.period_start, line.period_end,
        format_money(line.base), _clean(line.rate), special, format_money(line.amount),
    )  # fmt: skip


def write_fee_form(
    path: Path,
    header: FeeFormHeader,
    lines: Iterable[FeeFormLine],
    layout: str = ITEMS,
    *,
    expected_total: Decimal | None = None,
    progress: Callable[[int], None] | None = None,
    check_cancelled: Callable[[], None] | None = None,
) -> FeeFormResult:
    """Write the form to `path` (through a temporary file beside it, so a cancel or an
    error leaves no partial file); `lines` is iterated once."""
    if layout not in COLUMNS:
        raise ValueError(f"unknown fee form layout {layout!r}")
    target = Path(path)
    # Created here (not with mkstemp, whose 0600 mode the final file would keep) so that
    # a folder the clerk may not write to is refused before the work starts.
    tmp = target.with_name(f".~{target.stem}.{secrets.token_hex(4)}.pdf.tmp")
    try:
        tmp.open("xb").close()
    except PermissionError as exc:
        raise DocumentError(FOLDER_DENIED) from exc
    try:
        pages, rows, total = _draw(
            tmp, header, lines, layout, expected_total, progress, check_cancelled
        )
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise DocumentError(FILE_IN_USE) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return FeeFormResult(target, pages, rows, total)


def _draw(
    tmp: Path,
    header: FeeFormHeader,
    lines: Iterable[FeeFormLine],
    layout: str,
    expected_total: Decimal | None,
    progress: Callable[[int], None] | None,
    check_cancelled: Callable[[], None] | None,
) -> tuple[int, int, Decimal]:
    pages = _FormPages(tmp, header, COLUMNS[layout])
    total = Decimal(0)
    rows = 0
    for rows, line in enumerate(lines, 1):
        if check_cancelled is not None and rows % CANCEL_EVERY == 1:
            check_cancelled()
        total += line.amount.quantize(CENT, ROUND_HALF_UP)
        pages.add_row(row_cells(layout, rows, line))
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress(rows)
    if check_cancelled is not None:
        check_cancelled()
    if expected_total is not None and total != expected_total:
        raise FeeFormTotalMismatch(total, expected_total)
    pages.add_total(format_money(total))
    pages.add_declarations()
    count = pages.save()
    if progress is not None:
        progress(rows)
    return count, rows, total


Chunks = tuple[tuple[str, str], ...]  # (PDF font resource, escaped string) per font switch
# PDF literal-string escapes (the same as reportlab's escapePDF), for str.translate.
_ESCAPES = {i: f"\\{i:03o}" for i in (*range(32), *range(127, 256))}
_ESCAPES.update({ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"})


@dataclass(frozen=True)
class _Fit:
    """A text made to fit its cell: the size, the lines and each line's width and
    encoded form."""

    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]
    chunks: tuple[Chunks, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


class _FormPages:
    """The canvas, page by page. Rows are drawn as they come: their text operators and
    rules are collected for the page and written as one text block and one path when
    the page is closed (grid, footer, showPage) because the next row would not fit.

    Text is encoded the way reportlab's ttfonts module documents for dynamic fonts
    (`splitString` into subsets, `getSubsetInternalName`) and cached per text, which is
    what makes 100,000 rows affordable: most cells repeat (经办机构, 品目, 所属期)."""

    def __init__(self, tmp: Path, header: FeeFormHeader, columns: list[FormColumn]) -> None:
        self.font_name = cjk_font().name
        font = pdfmetrics.getFont(self.font_name)
        self.width = font.stringWidth
        self.header = header
        self.columns = columns
        self.edges = [LEFT]
        for column in columns:
            self.edges.append(self.edges[-1] + column.width)
        self.edges[-1] = RIGHT
        # The initial font is ours too, or every page would name an unembedded Helvetica.
        self.canvas = Canvas(
            str(tmp),
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageCompression=1,
            initialFontName=self.font_name,
            initialFontSize=BODY_SIZE,
        )
        self.canvas.setTitle(header.title + header.subtitle)
        self.canvas.setCreator("社保费管理客户端")
        self.canvas.setAuthor("社保费管理客户端")
        self.canvas.setSubject(header.taxpayer_id)
        self.encode = _encoder(font, self.canvas)
        self.fit_cache: list[dict[str, _Fit]] = [{} for _ in columns]
        self.titles = [self.fit(c.title, c.width, BODY_SIZE, 2, wrap_first=True) for c in columns]
        self.page = 0
        self.rows_on_page = 0
        self.y = TABLE_TOP  # the bottom of the last row drawn
        self.total_top = TABLE_TOP  # where the column rules end: the top of the 合计 row
        self.ops: list[str] = []  # this page's text operators
        self.current: tuple[str, float] = ("", 0.0)  # font resource and size in effect
        self.rules: list[str] = []  # this page's inner rules, as path operators
        self._open_page(with_table=True)

    # -- page frame -------------------------------------------------------------------
    def _open_page(self, with_table: bool) -> None:
        self.page += 1
        self.rows_on_page = 0
        self.ops, self.rules, self.current = [], [], ("", 0.0)
        self._heading()
        self.y = TABLE_TOP
        if with_table:
            for i, fit in enumerate(self.titles):
                self._cell(fit, i, TABLE_TOP, TITLE_ROW_HEIGHT, CENTER)
            self.y = TABLE_TOP - TITLE_ROW_HEIGHT
            self._rule(LEFT, self.y, RIGHT, self.y)

    def _heading(self) -> None:
        """Title, 申报编号/应征凭证序号 and the 纳税人 line, repeated on every page."""
        c, h = self.canvas, self.header
        c.saveState()
        c.setLineWidth(0.35)  # the title is filled and stroked: a bold face from one font
        title = c.beginText()
        title.setTextRenderMode(2)
        title.setFont(self.font_name, TITLE_SIZE)
        text = h.title + h.subtitle
        title.setTextOrigin((PAGE_WIDTH - self.width(text, TITLE_SIZE)) / 2, TITLE_Y)
        title.textOut(text)
        c.drawText(title)
        c.restoreState()
        ids = "　　".join(
            f"{label}：{value}"
            for label, value in (("申报编号", h.declaration_id), ("应征凭证序号", h.voucher_number))
            if value
        )
        if ids:
            c.setFont(self.font_name, FOOTER_SIZE)
            c.drawCentredString(PAGE_WIDTH / 2, IDS_Y, ids)
        for text, x, room in (
            (f"纳税人识别号：{h.taxpayer_id}", LEFT, 0.27),
            (f"纳税人名称（姓名）：{h.taxpayer_name}", LEFT + 0.28 * TABLE_WIDTH, 0.40),
            (f"申报日期：{h.declared_on}", LEFT + 0.69 * TABLE_WIDTH, 0.17),
        ):
            size = min(HEADER_SIZE, HEADER_SIZE * room * TABLE_WIDTH / self.width(text, 1))
            c.setFont(self.font_name, math.floor(size * 100) / 100)
            c.drawString(x, HEADER_Y, text)
        c.setFont(self.font_name, FOOTER_SIZE)
        c.drawRightString(RIGHT, HEADER_Y, "金额单位：元（列至角分）")

    def _close_page(self, columns_end: float) -> None:
        """Column rules down to `columns_end`, the outer frame, the texts and the footer;
        then the page is finished."""
        c = self.canvas
        if columns_end < TABLE_TOP:
            for x in self.edges[1:-1]:
                self._rule(x, TABLE_TOP, x, columns_end)
        c.setLineWidth(0.45)
        c.addLiteral("n\n" + "\n".join(self.rules) + "\nS")
        c.setLineWidth(0.9)
        c.rect(LEFT, self.y, TABLE_WIDTH, TABLE_TOP - self.y)
        c.addLiteral("BT\n" + "\n".join(self.ops) + "\nET")
        # The page total is known only at the end: a form defined after the last page.
        # Its width is guessed from this page's number to centre the whole footer.
        footer = f"第 {self.page} 页　共 "
        guess = self.width(f"{self.page} 页", FOOTER_SIZE)
        x = PAGE_WIDTH / 2 + (self.width(footer, FOOTER_SIZE) - guess) / 2
        c.setFont(self.font_name, FOOTER_SIZE)
        c.drawRightString(x, FOOTER_Y, footer)
        c.saveState()
        c.translate(x, FOOTER_Y)
        c.doForm(PAGE_COUNT_FORM)
        c.restoreState()
        c.showPage()

    def _rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.rules.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l")

    def _room_for(self, height: float, columns_end: float) -> None:
        """Start a new page (with the column titles) unless `height` fits on this one."""
        if self.y - height < TABLE_BOTTOM:
            self._close_page(columns_end)
            self._open_page(with_table=True)

    # -- rows -------------------------------------------------------------------------
    def add_row(self, cells: Sequence[str]) -> None:
        fits = [self._fit_cell(i, text) for i, text in enumerate(cells)]
        height = max(ROW_HEIGHT, max(f.height for f in fits) + 4)
        self._room_for(height, self.y)
        top, columns = self.y, self.columns
        for i, fit in enumerate(fits):
            self._cell(fit, i, top, height, columns[i].align)
        self.y = top - height
        self._rule(LEFT, self.y, RIGHT, self.y)
        self.rows_on_page += 1

    def add_total(self, amount: str) -> None:
        """*合计 across all columns but the last, the total under 本期应缴金额."""
        self._room_for(ROW_HEIGHT, self.y)
        top, last = self.y, len(self.columns) - 1
        label = self.fit("*合计", self.columns[0].width, BODY_SIZE, 1)
        self._cell(label, 0, top, ROW_HEIGHT, CENTER)
        self._cell(self._fit_cell(last, amount), last, top, ROW_HEIGHT, RIGHT_ALIGN)
        self.total_top = top
        self.y = top - ROW_HEIGHT
        self._rule(LEFT, self.y, RIGHT, self.y)
        self._rule(self.edges[last], top, self.edges[last], self.y)

    def add_declarations(self) -> None:
        """The three 声明 blocks, kept together (on a page of their own if needed)."""
        columns_end = self.total_top
        if self.y - 3 * DECLARATION_HEIGHT < TABLE_BOTTOM:
            self._close_page(columns_end)
            self._open_page(with_table=False)
            columns_end = TABLE_TOP
        size = 8.0
        for label, statement, signature in DECLARATIONS:
            top = self.y
            self._text(label + statement, LEFT + PAD + 2, top - 13, size)
            sign_y = top - DECLARATION_HEIGHT + 10
            self._text(DATE_BLANK, RIGHT - 110, sign_y, size)
            self._text(signature, RIGHT - 240 - self.width(signature, size), sign_y, size)
            self.y = top - DECLARATION_HEIGHT
            self._rule(LEFT, self.y, RIGHT, self.y)
        self._close_page(columns_end)

    # -- cells ------------------------------------------------------------------------
    def _fit_cell(self, column: int, text: str) -> _Fit:
        spec = self.columns[column]
        cache = self.fit_cache[column]
        fit = cache.get(text)
        if fit is None:
            if len(cache) > 20_000:  # names and numbers seldom repeat: keep it bounded
                cache.clear()
            if spec.wraps:
                fit = self.fit(text, spec.width, BODY_SIZE, MAX_LINES)
            else:
                fit = self.fit(text, spec.width, BODY_SIZE, 1, shrink_below=True)
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
    ) -> _Fit:
        """The size and lines that keep `text` inside a cell `width` wide: as is, else
        smaller down to MIN_SIZE, else wrapped (up to `max_lines`), else smaller still.
        Numbers only shrink (`shrink_below`); column titles wrap before they shrink."""
        room = width - 2 * PAD
        full = self.width(text, size)
        lines = [text]
        if full > room:
            shrunk = math.floor(size * room / full * 100) / 100
            wrapped = self._wrap(text, room, size) if wrap_first else []
            if wrap_first and len(wrapped) <= max_lines:
                lines = wrapped
            elif shrink_below or max_lines == 1 or shrunk >= MIN_SIZE:
                size = shrunk
            else:
                lines = self._wrap(text, room, size)
                while len(lines) > max_lines and size > 3:
                    size = round(size - 0.5, 2)
                    lines = self._wrap(text, room, size)
                lines = lines[:max_lines]
        return _Fit(
            size,
            tuple(lines),
            tuple(self.width(t, size) for t in lines),
            tuple(self.encode(t) for t in lines),
        )

    def _wrap(self, text: str, room: float, size: float) -> list[str]:
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

    def _cell(self, fit: _Fit, column: int, top: float, height: float, align: str) -> None:
        left, right = self.edges[column], self.edges[column + 1]
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
            self._show(chunks, x, y, size)
            y -= step

    def _text(self, text: str, x: float, y: float, size: float) -> None:
        self._show(self.encode(text), x, y, size)

    def _show(self, chunks: Chunks, x: float, y: float, size: float) -> None:
        ops = self.ops
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        for resource, escaped in chunks:
            if (resource, size) != self.current:
                ops.append(f"{resource} {size:g} Tf")
                self.current = (resource, size)
            ops.append(f"({escaped}) Tj")

    # -- end --------------------------------------------------------------------------
    def save(self) -> int:
        """Define the page total every footer shows and write the file; the page count."""
        c = self.canvas
        c.beginForm(PAGE_COUNT_FORM, lowerx=-2, lowery=-4, upperx=60, uppery=12)
        c.setFont(self.font_name, FOOTER_SIZE)
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
