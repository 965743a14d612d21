"""The 税收完税证明（非印刷） drawn with reportlab (no Qt) as the manual's ticket figure (§2.26).

A4 portrait, one ticket per page: 中华人民共和国 / 税收完税证明 with the 电子税票号码 (No.), 票证字轨,
票证号码 and 行政区划 at the right and the 查验 QR code with its 校验码 at the left; 填发日期 and
税务机关; then one ruled table — 纳税人识别号 | 纳税人名称, the 原凭证号 | 税种 | 品目名称 | 税款所属时期 |
入(退)库日期 | 实缴(退)金额 rows, 金额合计 with (大写) 人民币… and ¥…, and 税务机关（盖章） | 填票人 | 备注 —
with 收据联 / 交纳税人作完税证明 standing in the right margin, "第N次打印" and "妥善保存" under it. A ticket
has at most 10 rows by contract; more flow onto further pages under the repeated heading.
A resident's 个人税收完税证明 is the same ticket with the resident as 纳税人 (`personal`).
`watermark` draws a faint diagonal text over the ticket, for 查验's 预览. Nothing is drawn
unless every ticket passes `tax_certificate.check_certificate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4

from client.documents.amount_words import amount_in_words
from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import WriteMessages, atomic_output, format_money
from client.documents.pdf_table import (
    CENTER,
    LEFT_ALIGN,
    RIGHT_ALIGN,
    SpanCell,
    TableGeometry,
    TablePages,
    clean,
    scale_columns,
)
from client.documents.tax_certificate import (
    CertificateError,
    TaxCertificate,
    TicketRow,
    check_certificate,
    qr_payload,
)

COUNTRY = "中华人民共和国"
TITLE = "税收完税证明"
RECEIPT_COPY = "收据联"
RECEIPT_NOTE = "交纳税人作完税证明"
KEEP_SAFE = "妥善保存"

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 40.0
RIGHT = PAGE_WIDTH - 40.0 - 24.0  # the margin beside the table holds 收据联
TABLE_TOP = PAGE_HEIGHT - 136.0
GEOMETRY = TableGeometry(
    PAGE_WIDTH,
    PAGE_HEIGHT,
    LEFT,
    RIGHT,
    TABLE_TOP,
    table_bottom=64.0,
    footer_y=40.0,
    body_size=8.0,
    min_size=7.0,  # long names wrap rather than shrink much
    footer_size=8.5,
    title_row_height=22.0,
    row_height=20.0,
    rule_width=0.5,
    frame_width=1.1,
)
COLUMNS = scale_columns(
    RIGHT - LEFT,
    ("原凭证号", 92, CENTER, True),
    ("税种", 78, CENTER, True),
    ("品目名称", 104, LEFT_ALIGN, True),
    ("税款所属时期", 96, CENTER, True),
    ("入(退)库日期", 56, CENTER, True),
    ("实缴(退)金额", 67, RIGHT_ALIGN, False),
)
QR_SIZE = 62.0
STAMP_HEIGHT = 62.0
WATERMARK_SIZE = 64.0

WRITE_MESSAGES = WriteMessages.for_document("完税证明")
NO_TICKETS = "没有要打印的完税证明，请先勾选。"


def write_tax_certificate(path: Path, cert: TaxCertificate, *, watermark: str = "") -> Path:
    """Write one ticket to `path` through a temporary file beside it; CertificateError
    when it does not add up, DocumentWriteError (an OSError) when it cannot be written."""
    return write_tax_certificates(path, [cert], watermark=watermark)


def write_tax_certificates(
    path: Path, certs: Sequence[TaxCertificate], *, watermark: str = ""
) -> Path:
    """Several tickets in one PDF, each starting on a new page; nothing is written unless
    every ticket adds up."""
    if not certs:
        raise CertificateError(NO_TICKETS)
    for cert in certs:
        check_certificate(cert)
    target = Path(path)
    with atomic_output(target, WRITE_MESSAGES) as tmp:
        pages = _TicketPages(tmp, certs, watermark)
        for cert in certs:
            pages.draw_ticket(cert)
        pages.save()
    return target


def chinese_date(day: date | None) -> str:
    """填发日期 as printed: 2026年12月4日 (blank before the first 开具)."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def row_cells(row: TicketRow) -> tuple[str, ...]:
    return (
        clean(row.original_voucher),
        clean(row.tax_kind),
        clean(row.item_name),
        f"{row.period_start.isoformat()}至{row.period_end.isoformat()}",
        row.stored_on.isoformat(),
        format_money(row.amount),
    )


class _TicketPages(TablePages):
    """The shared ruled table with the ticket's heading, margin text and footer; one
    ticket after another, each from a new page."""

    def __init__(self, tmp: Path, certs: Sequence[TaxCertificate], watermark: str) -> None:
        first = certs[0]
        super().__init__(
            tmp,
            GEOMETRY,
            COLUMNS,
            cjk_font().name,
            title=first.document_title if len(certs) == 1 else TITLE,
            subject=first.taxpayer_id,
        )
        self.watermark = clean(watermark)
        self.cert = first
        self.ticket_page = 0
        self.continues = False  # the ticket goes on on the next page

    def draw_ticket(self, cert: TaxCertificate) -> None:
        self.cert = cert
        self.ticket_page = 0
        self.continues = True
        self.open_page(with_table=True)
        for row in cert.rows:
            self.add_row(row_cells(row))
        total = [
            SpanCell("金额合计", 0, 0, CENTER, 1),
            SpanCell(f"(大写) 人民币{amount_in_words(cert.amount)}", 1, 4, LEFT_ALIGN, 2),
            SpanCell(f"¥{format_money(cert.amount)}", 5, 5, RIGHT_ALIGN, 1),
        ]
        bottom = [
            SpanCell("税务机关（盖章）", 0, 0, CENTER, 1),
            SpanCell(f"填票人　{clean(cert.issuer)}", 1, 2, LEFT_ALIGN, 3),
            SpanCell(f"备注：{clean(cert.remark)}", 3, 5, LEFT_ALIGN, 5),
        ]
        # 金额合计 and the signature row stay together, under the last row.
        total_height = self.span_height(total)
        bottom_height = self.span_height(bottom, STAMP_HEIGHT)
        self.room_for(total_height + bottom_height)
        self.add_spanned_row(total, new_page=False)
        self.add_spanned_row(bottom, STAMP_HEIGHT, new_page=False)
        self.continues = False
        self.close_page()

    # -- hooks ------------------------------------------------------------------------
    def heading(self) -> None:
        self.ticket_page += 1
        cert, c = self.cert, self.canvas
        if self.watermark:
            self._watermark()
        centre = (LEFT + RIGHT) / 2
        top = PAGE_HEIGHT - 40
        self.centred_bold(COUNTRY, centre, top - 14, 13)
        title = TITLE if self.ticket_page == 1 else f"{TITLE}（续）"
        spaced = self.width(title, 20) + 4 * (len(title) - 1)
        self.bold_text(title, centre - spaced / 2, top - 42, 20, char_space=4)
        c.setLineWidth(0.8)
        c.line(centre - spaced / 2, top - 47, centre + spaced / 2, top - 47)
        c.line(centre - spaced / 2, top - 49.5, centre + spaced / 2, top - 49.5)
        # 电子税票号码 and the ticket's numbers at the right.
        c.setFont(self.font_name, 8)
        c.drawRightString(RIGHT, top - 10, "电子税票号码")
        c.setFont(self.font_name, 10.5)
        c.drawRightString(RIGHT, top - 24, f"No. {cert.e_ticket_number}")
        c.setFont(self.font_name, 7.5)
        for i, text in enumerate(
            (
                f"票证字轨：{cert.ticket_word}",
                f"票证号码：{cert.ticket_number}",
                f"行政区划：{cert.region_code}",
            )
        ):
            c.drawRightString(RIGHT, top - 38 - 11 * i, text)
        # The 查验 QR code with its 校验码 at the left.
        self._qr(qr_payload(cert), LEFT, top - QR_SIZE + 4, QR_SIZE)
        c.setFont(self.font_name, 7)
        c.drawString(LEFT, top - QR_SIZE - 6, f"校验码：{cert.check_code}")
        # 填发日期 and 税务机关 over the table.
        line_y = TABLE_TOP + 8
        c.setFont(self.font_name, 9)
        c.drawString(LEFT, line_y, f"填发日期：{chinese_date(cert.issued_on)}")
        authority = f"税务机关：{clean(cert.tax_authority_name)}"
        room = RIGHT - (LEFT + 180)
        size = min(9.0, 9.0 * room / self.width(authority, 9.0))  # a long name shrinks
        c.setFont(self.font_name, size)
        c.drawString(LEFT + 180, line_y, authority)

    def head_rows(self) -> None:
        cert = self.cert
        self.add_spanned_row(
            [
                SpanCell("纳税人识别号", 0, 0, CENTER, 1),
                SpanCell(clean(cert.taxpayer_id), 1, 2, LEFT_ALIGN, 2),
                SpanCell("纳税人名称", 3, 3, CENTER, 1),
                SpanCell(clean(cert.taxpayer_name), 4, 5, LEFT_ALIGN, 2),
            ],
            new_page=False,
        )
        super().head_rows()

    def close_page(self) -> None:
        self._margin_text(self.g.table_top, self.y)
        super().close_page()

    def footer(self) -> None:
        c = self.canvas
        y = self.y - 16
        c.setFont(self.font_name, self.g.footer_size)
        if self.cert.print_count > 0:
            c.drawString(LEFT, y, f"第{self.cert.print_count}次打印")
        c.drawRightString(RIGHT, y, KEEP_SAFE)
        if self.continues:
            c.drawCentredString((LEFT + RIGHT) / 2, y, "（续下页）")

    # -- pieces -----------------------------------------------------------------------
    def _margin_text(self, top: float, bottom: float) -> None:
        """收据联 / 交纳税人作完税证明 standing in the right margin, centred on the table."""
        c, size = self.canvas, 8.5
        step = size + 1.5
        gap = size
        height = (len(RECEIPT_COPY) + len(RECEIPT_NOTE)) * step + gap
        y = (top + bottom) / 2 + height / 2 - size
        x = RIGHT + 12
        c.setFont(self.font_name, size)
        for ch in RECEIPT_COPY:
            c.drawCentredString(x, y, ch)
            y -= step
        y -= gap
        for ch in RECEIPT_NOTE:
            c.drawCentredString(x, y, ch)
            y -= step

    def _qr(self, payload: str, x: float, y: float, size: float) -> None:
        """The QR code's dark modules, a run of them a rectangle, as one filled path written
        as literal operators (reportlab's path object formats each number in Python); a
        quiet zone of two modules."""
        widget = QrCodeWidget(payload, barLevel="M")
        qr = widget.qr
        qr.make()
        count = qr.getModuleCount()
        border = 2
        box = size / (count + 2 * border)
        ops: list[str] = []
        for r, row in enumerate(qr.modules):
            top = y + size - (r + border + 1) * box
            c = 0
            while c < count:
                if row[c]:
                    start = c
                    while c < count and row[c]:
                        c += 1
                    left = x + (start + border) * box
                    ops.append(f"{left:.3f} {top:.3f} {(c - start) * box:.3f} {box:.3f} re")
                else:
                    c += 1
        self.canvas.addLiteral("q 0 g\n" + "\n".join(ops) + "\nf Q")

    def _watermark(self) -> None:
        c = self.canvas
        c.saveState()
        c.setFillColorRGB(0.55, 0.55, 0.55)
        c.setFillAlpha(0.3)
        c.translate((LEFT + RIGHT) / 2, TABLE_TOP - 110)
        c.rotate(25)
        c.setFont(self.font_name, WATERMARK_SIZE)
        c.drawCentredString(0, -WATERMARK_SIZE / 3, self.watermark)
        c.restoreState()
