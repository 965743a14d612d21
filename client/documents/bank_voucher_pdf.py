"""银行端查询缴税凭证 as a PDF (manual §2.11 图 银行端缴费凭证样图), drawn with reportlab
(no Qt).

A4 portrait, as the figure: the title, the 凭证序号 line with the issue date at its right,
then one ruled table — the 纳税人/税务机关/付款人 block (four columns), the 征收项目名称 |
征收品目名称 | 应缴税额 rows, 金额合计(小写) and 金额合计(大写), and the signature boxes
(付款人(签章) over 经办人(签章), 银行记账员(签章), 备注 with the deadline remark). A voucher
seldom has more than a few rows, but a 汇总开具 one may have hundreds: they flow onto further
pages under the title and the repeated column titles, the totals and signatures are kept
together on the last page, and every page says "第 n 页 共 m 页". Long names wrap inside
their cell.

Money is Decimal: each row is printed to the 分, and the totals are the exact sum of the rows,
so a voucher whose rows are not whole 分 is refused rather than printed not adding up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from client.documents.amount_words import MAX_CENTS, amount_in_words
from client.documents.flowing_pdf import chinese_date, write_flowing
from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import CENT, DocumentError, WriteMessages, format_money

TITLE = "银行端查询缴税凭证"
REMARK = "请在税款缴款日期前缴款,逾期必须重新打印后才能缴款!"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 36.0
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN
TITLE_Y = PAGE_HEIGHT - 50  # baselines, from the top of the page down
SERIAL_Y = PAGE_HEIGHT - 74
TABLE_TOP = PAGE_HEIGHT - 82
FOOTER_Y = 24.0
TABLE_BOTTOM = 40.0
TITLE_SIZE, BODY_SIZE, SERIAL_SIZE, FOOTER_SIZE = 18.0, 9.0, 9.5, 8.0
LEADING = 12.0
MIN_ROW_HEIGHT = 22.0
PAD = 4.0
THIN, FRAME = 0.5, 1.2  # line widths of the inner rules and the outer frame
PAGE_COUNT_FORM = "voucherPageCount"

# The four columns of the 纳税人 block and the three of the rows, in points.
INFO_WIDTHS = [w * TABLE_WIDTH for w in (0.17, 0.33, 0.17, 0.33)]
ROW_WIDTHS = [w * TABLE_WIDTH for w in (0.30, 0.45, 0.25)]
SIGN_WIDTHS = [w * TABLE_WIDTH for w in (0.30, 0.30, 0.40)]
STAMP_HEIGHT, AGENT_HEIGHT = 56.0, 40.0

NO_ROWS = "缴税凭证没有应缴明细，未生成凭证。请先勾选要缴纳的欠费。"
BAD_AMOUNT = "缴税凭证的应缴税额“{amount}”不是有效的金额，未生成凭证。请刷新欠费信息后重新打印。"
TOO_LARGE = "缴税凭证的金额合计（{total}）超出了可以大写的范围，未生成凭证。请分开开具凭证。"
WRITE_MESSAGES = WriteMessages.for_document("缴税凭证")
FOLDER_DENIED = WRITE_MESSAGES.folder_denied
FOLDER_MISSING = WRITE_MESSAGES.folder_missing
FILE_IN_USE = WRITE_MESSAGES.file_in_use
WRITE_FAILED = WRITE_MESSAGES.write_failed
LAYOUT_FAILED = "缴税凭证内容过长，无法排版，未生成凭证。请联系技术支持。"


@dataclass(frozen=True)
class VoucherRow:
    levy_item_name: str  # 征收项目名称
    levy_category_name: str  # 征收品目名称, e.g. "职工基本养老保险(个人缴纳)"
    amount: Decimal  # 应缴税额


@dataclass(frozen=True)
class BankVoucherDocument:
    serial: str  # 银行端查询缴税凭证序号 (19 digits)
    issued_on: date
    taxpayer_id: str
    taxpayer_name: str
    tax_authority_code: str
    tax_authority_name: str
    deadline: date  # 税款缴款日期
    rows: Sequence[VoucherRow]
    payer_name: str = ""
    payer_account: str = ""
    payer_bank: str = ""

    @property
    def total(self) -> Decimal:
        """金额合计: the exact sum of the rows' 应缴税额."""
        return sum((row.amount for row in self.rows), Decimal(0))


def write_bank_voucher(doc: BankVoucherDocument, path: Path) -> Path:
    """Write the voucher to `path` through a temporary file beside it, so a failure leaves
    no partial file; DocumentError (a Chinese sentence for the clerk) when it cannot."""
    _check_rows(doc.rows)
    return write_flowing(path, WRITE_MESSAGES, LAYOUT_FAILED, lambda tmp: _build(doc, tmp))


def _check_rows(rows: Sequence[VoucherRow]) -> None:
    if not rows:
        raise DocumentError(NO_ROWS)
    for row in rows:
        amount = row.amount
        if (
            not isinstance(amount, Decimal)
            or not amount.is_finite()
            or amount < 0
            or amount != amount.quantize(CENT)
        ):
            raise DocumentError(BAD_AMOUNT.format(amount=amount))
    total = sum((row.amount for row in rows), Decimal(0))
    if total > Decimal(MAX_CENTS).scaleb(-2):
        raise DocumentError(TOO_LARGE.format(total=format_money(total)))


class _Styles:
    """The paragraph styles of one voucher, in the client's CJK font."""

    def __init__(self, font: str) -> None:
        def style(name: str, align: int) -> ParagraphStyle:
            return ParagraphStyle(
                name,
                fontName=font,
                fontSize=BODY_SIZE,
                leading=LEADING,
                alignment=align,
                wordWrap="CJK",  # break anywhere: Chinese has no spaces, and so do numbers
            )

        self.left = style("voucher-left", TA_LEFT)
        self.center = style("voucher-center", TA_CENTER)
        self.right = style("voucher-right", TA_RIGHT)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(" ".join(text.split())), style)


def _grid(font: str, valign: str = "MIDDLE") -> list[tuple[Any, ...]]:
    """Thin rules inside, the voucher's heavy outer frame at the left and right; the top
    and bottom of the frame are added by the first and last table."""
    return [
        ("FONT", (0, 0), (-1, -1), font, BODY_SIZE),
        ("GRID", (0, 0), (-1, -1), THIN, "black"),
        ("LINEBEFORE", (0, 0), (0, -1), FRAME, "black"),
        ("LINEAFTER", (-1, 0), (-1, -1), FRAME, "black"),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]


def _story(doc: BankVoucherDocument, font: str) -> list[Flowable]:
    s = _Styles(font)
    info = Table(
        [
            [_p("纳税人识别号", s.center), _p(doc.taxpayer_id, s.left),
             _p("税务机关代码", s.center), _p(doc.tax_authority_code, s.left)],
            [_p("纳税人名称", s.center), _p(doc.taxpayer_name, s.left),
             _p("税务机关名称", s.center), _p(doc.tax_authority_name, s.left)],
            [_p("付款人名称", s.center), _p(doc.payer_name, s.left),
             _p("开户银行名称", s.center), _p(doc.payer_bank, s.left)],
            [_p("付款人账号", s.center), _p(doc.payer_account, s.left),
             _p("税款缴款日期", s.center), _p(doc.deadline.isoformat(), s.left)],
        ],
        colWidths=INFO_WIDTHS,
        minRowHeights=[MIN_ROW_HEIGHT] * 4,
        style=TableStyle([*_grid(font), ("LINEABOVE", (0, 0), (-1, 0), FRAME, "black")]),
    )  # fmt: skip
    items = Table(
        [
            [_p("征收项目名称", s.center), _p("征收品目名称", s.center), _p("应缴税额", s.center)],
            *(
                [_p(r.levy_item_name, s.left), _p(r.levy_category_name, s.left),
                 _p(format_money(r.amount), s.right)]
                for r in doc.rows
            ),
        ],
        colWidths=ROW_WIDTHS,
        minRowHeights=[MIN_ROW_HEIGHT] * (len(doc.rows) + 1),  # taller when a name wraps
        repeatRows=1,  # the column titles again on every further page
        style=TableStyle(
            [
                *_grid(font),
                # Where the rows break onto another page, the frame closes and reopens.
                ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), FRAME, "black"),
                ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), FRAME, "black"),
            ]
        ),
    )  # fmt: skip
    total = doc.total
    totals = Table(
        [
            [_p(f"金额合计(小写): {format_money(total)}", s.left)],
            [_p(f"金额合计(大写): {amount_in_words(total)}", s.left)],
        ],
        colWidths=[TABLE_WIDTH],
        minRowHeights=[MIN_ROW_HEIGHT] * 2,
        style=TableStyle(_grid(font)),
    )
    signatures = Table(
        [
            [_p("付款人(签章)", s.left), _p("银行记账员(签章)", s.left),
             [_p("备注", s.left), Spacer(1, 6), _p(REMARK, s.left)]],
            [_p("经办人(签章)", s.left), "", ""],
        ],
        colWidths=SIGN_WIDTHS,
        rowHeights=[STAMP_HEIGHT, AGENT_HEIGHT],
        style=TableStyle(
            [
                *_grid(font, valign="TOP"),
                ("SPAN", (1, 0), (1, 1)),
                ("SPAN", (2, 0), (2, 1)),
                ("LINEBELOW", (0, -1), (-1, -1), FRAME, "black"),
            ]
        ),
    )  # fmt: skip
    # The totals and the signatures stay on one page, after the last row.
    return [info, items, KeepTogether([totals, signatures])]


class _VoucherCanvas(Canvas):
    """Counts its pages and, at the end, defines the page total every footer shows."""

    pages = 0

    def save(self) -> None:
        self.beginForm(PAGE_COUNT_FORM, lowerx=-2, lowery=-4, upperx=60, uppery=12)
        self.setFont(cjk_font().name, FOOTER_SIZE)
        self.drawString(0, 0, f"{self.pages} 页")
        self.endForm()
        super().save()


def _build(doc: BankVoucherDocument, tmp: Path) -> None:
    font = cjk_font().name
    width = pdfmetrics.getFont(font).stringWidth
    serial = f"银行端查询缴税凭证序号: {doc.serial}"
    issued = chinese_date(doc.issued_on)

    def page_frame(canvas: Canvas, template: BaseDocTemplate) -> None:
        """Title, serial line and footer, on every page."""
        assert isinstance(canvas, _VoucherCanvas)
        canvas.pages = template.page
        canvas.saveState()
        canvas.setLineWidth(0.4)  # filled and stroked: a bold face from one font
        title = canvas.beginText()
        title.setTextRenderMode(2)
        title.setFont(font, TITLE_SIZE)
        title.setCharSpace(2)
        spaced = width(TITLE, TITLE_SIZE) + 2 * (len(TITLE) - 1)
        title.setTextOrigin((PAGE_WIDTH - spaced) / 2, TITLE_Y)
        title.textOut(TITLE)
        canvas.drawText(title)
        canvas.restoreState()
        canvas.setFont(font, SERIAL_SIZE)
        canvas.drawString(MARGIN, SERIAL_Y, serial)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, SERIAL_Y, issued)
        # The page total is known only at the end: a form defined by _VoucherCanvas.save.
        footer = f"第 {template.page} 页　共 "
        guess = width(f"{template.page} 页", FOOTER_SIZE)
        x = PAGE_WIDTH / 2 + (width(footer, FOOTER_SIZE) - guess) / 2
        canvas.setFont(font, FOOTER_SIZE)
        canvas.drawRightString(x, FOOTER_Y, footer)
        canvas.saveState()
        canvas.translate(x, FOOTER_Y)
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()

    frame = Frame(
        MARGIN,
        TABLE_BOTTOM,
        TABLE_WIDTH,
        TABLE_TOP - TABLE_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="voucher",
    )
    template = BaseDocTemplate(
        str(tmp),
        pagesize=A4,
        pageTemplates=[PageTemplate("voucher", [frame], onPage=page_frame)],
        title=TITLE,
        subject=doc.serial,
        author="社保费管理客户端",
        creator="社保费管理客户端",
        initialFontName=font,  # or every page would name an unembedded Helvetica
        initialFontSize=BODY_SIZE,
        pageCompression=1,
    )
    template.build(_story(doc, font), canvasmaker=_VoucherCanvas)
