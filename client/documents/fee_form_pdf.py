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

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape

from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import (
    CENT,
    DocumentError,
    WriteMessages,
    atomic_output,
    format_money,
)
from client.documents.pdf_table import (
    CENTER,
    LEFT_ALIGN,
    PAD,
    RIGHT_ALIGN,
    FormColumn,
    SpanCell,
    TableGeometry,
    TablePages,
    clean,
    scale_columns,
)

ITEMS, PERSONS = "items", "persons"

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
GEOMETRY = TableGeometry(
    PAGE_WIDTH, PAGE_HEIGHT, LEFT, RIGHT, TABLE_TOP, TABLE_BOTTOM, FOOTER_Y,
    body_size=BODY_SIZE, min_size=MIN_SIZE, footer_size=FOOTER_SIZE,
    title_row_height=TITLE_ROW_HEIGHT, row_height=ROW_HEIGHT,
)  # fmt: skip

__all__ = ["CENT", "CENTER", "LEFT_ALIGN", "RIGHT_ALIGN", "DocumentError", "FormColumn",
           "format_money"]  # fmt: skip


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


WRITE_MESSAGES = WriteMessages.for_document("申报表")
FOLDER_DENIED = WRITE_MESSAGES.folder_denied
FILE_IN_USE = WRITE_MESSAGES.file_in_use


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


def _columns(*spec: tuple[str, float, str, bool]) -> list[FormColumn]:
    return scale_columns(TABLE_WIDTH, *spec)


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


_clean = clean


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
    with atomic_output(target, WRITE_MESSAGES) as tmp:
        pages, rows, total = _draw(
            tmp, header, lines, layout, expected_total, progress, check_cancelled
        )
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


class _FormPages(TablePages):
    """The form's pages: the shared ruled table with the form's heading, its *合计 row
    and the three 声明 blocks."""

    def __init__(self, tmp: Path, header: FeeFormHeader, columns: list[FormColumn]) -> None:
        super().__init__(
            tmp,
            GEOMETRY,
            columns,
            cjk_font().name,
            title=header.title + header.subtitle,
            subject=header.taxpayer_id,
        )
        self.header = header
        self.open_page(with_table=True)

    def heading(self) -> None:
        """Title, 申报编号/应征凭证序号 and the 纳税人 line, repeated on every page."""
        c, h = self.canvas, self.header
        text = h.title + h.subtitle
        self.bold_text(text, (PAGE_WIDTH - self.width(text, TITLE_SIZE)) / 2, TITLE_Y, TITLE_SIZE)
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

    def add_total(self, amount: str) -> None:
        """*合计 across all columns but the last, the total under 本期应缴金额."""
        last = len(self.columns) - 1
        self.add_spanned_row(
            [
                SpanCell("*合计", 0, last - 1, LEFT_ALIGN, 1),
                SpanCell(amount, last, last, RIGHT_ALIGN, 1),
            ]
        )

    def add_declarations(self) -> None:
        """The three 声明 blocks, kept together (on a page of their own if needed)."""
        if self.y - 3 * DECLARATION_HEIGHT < TABLE_BOTTOM:
            self.close_page()
            self.open_page(with_table=False)
        size = 8.0
        for label, statement, signature in DECLARATIONS:
            top = self.y
            self.text(label + statement, LEFT + PAD + 2, top - 13, size)
            sign_y = top - DECLARATION_HEIGHT + 10
            self.text(DATE_BLANK, RIGHT - 110, sign_y, size)
            self.text(signature, RIGHT - 240 - self.width(signature, size), sign_y, size)
            self.y = top - DECLARATION_HEIGHT
            self.rule(LEFT, self.y, RIGHT, self.y)
        self.close_page()
