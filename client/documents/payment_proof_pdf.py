"""The 社会保险费缴费证明 drawn as a PDF (no Qt): one ruled table whose layout the `ProofKind` chooses.

Every page repeats the title, the unit's 纳税人识别号/名称, the person (姓名, 证件类型, 证件号码) for
the person kinds, the 费款所属期 (城乡居民: 缴费年度) range and the column titles; the rows come from
the `ProofDocument`, then the 合计 row, the closing statement with the total in capitals,
"特此证明。", 开具单位 and 打印日期; every page says "第 n 页 共 m 页". The unit's wide table is
landscape A4, the person kinds portrait. Drawn with the shared streaming table (`pdf_table`), so
ten years of one employee (about 1,200 rows) take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape

from client.documents.payment_proof import ProofDocument, ProofKind, check_rows
from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import WriteMessages, atomic_output, format_money
from client.documents.pdf_table import (
    CENTER,
    LEADING,
    LEFT_ALIGN,
    RIGHT_ALIGN,
    SpanCell,
    TableGeometry,
    TablePages,
    clean,
    scale_columns,
)

CLOSING = "特此证明。"
PROGRESS_EVERY = 500  # rows between progress(rows_done) calls
MARGIN = 32.0
TITLE_SIZE, INFO_SIZE, STATEMENT_SIZE = 16.0, 9.0, 9.5
HEADING_DROP = 92.0  # from the top of the page to the table: title and two info lines

WRITE_MESSAGES = WriteMessages.for_document("缴费证明")


@dataclass(frozen=True)
class ProofResult:
    """What was written; usable as the file's path (os.PathLike)."""

    path: Path
    pages: int
    rows: int
    total: Decimal

    def __fspath__(self) -> str:
        return str(self.path)


def write_payment_proof(
    path: Path,
    doc: ProofDocument,
    *,
    progress: Callable[[int], None] | None = None,
    check_cancelled: Callable[[], None] | None = None,
) -> ProofResult:
    """Write the proof to `path` through a temporary file beside it (nothing is left on a
    failure or a cancel); ProofError when the rows cannot be printed, DocumentWriteError (an
    OSError) when the file cannot be written."""
    check_rows(doc.rows)
    target = Path(path)
    with atomic_output(target, WRITE_MESSAGES) as tmp:
        pages = _ProofPages(tmp, doc)
        for number, row in enumerate(doc.rows, 1):
            if number % PROGRESS_EVERY == 1:
                if check_cancelled is not None:
                    check_cancelled()
                if progress is not None and number > 1:
                    progress(number - 1)
            pages.add_row([column.cell(number, row) for column in doc.kind.columns])
        if check_cancelled is not None:
            check_cancelled()
        pages.finish()
        count = pages.save()
    if progress is not None:
        progress(len(doc.rows))
    return ProofResult(target, count, len(doc.rows), doc.total)


def geometry(kind: ProofKind) -> TableGeometry:
    width, height = landscape(A4) if kind.landscape else A4
    return TableGeometry(
        width,
        height,
        MARGIN,
        width - MARGIN,
        height - HEADING_DROP,
        table_bottom=44.0,
        footer_y=24.0,
        body_size=7.5,
        min_size=6.0,
        footer_size=8.0,
        title_row_height=22.0,
        row_height=15.0,
    )


class _ProofPages(TablePages):
    """The shared ruled table with the proof's heading, 合计 row and closing statement."""

    def __init__(self, tmp: Path, doc: ProofDocument) -> None:
        kind = doc.kind
        g = geometry(kind)
        columns = scale_columns(
            g.table_width, *((c.title, c.weight, c.align, c.wraps) for c in kind.columns)
        )
        super().__init__(
            tmp,
            g,
            columns,
            cjk_font().name,
            title=kind.title,
            subject=doc.taxpayer_id,
        )
        self.doc = doc
        self.amount_column = next(i for i, c in enumerate(kind.columns) if c.is_amount)
        self.open_page(with_table=True)

    def heading(self) -> None:
        c, g, doc = self.canvas, self.g, self.doc
        top = g.page_height - 30
        self.centred_bold(doc.kind.title, g.page_width / 2, top - TITLE_SIZE, TITLE_SIZE)
        period = f"{doc.kind.period_label}：{doc.period_from} 至 {doc.period_to}"
        lines = [
            [
                f"纳税人识别号：{clean(doc.taxpayer_id)}",
                f"纳税人名称：{clean(doc.taxpayer_name)}",
            ],
            [period],
        ]
        if doc.person is not None:
            p = doc.person
            lines[1] = [
                f"姓名：{clean(p.name)}",
                f"证件类型：{clean(p.id_type)}",
                f"证件号码：{clean(p.id_number)}",
                period,
            ]
        y = g.table_top + 24
        for parts in lines:
            text = "　　".join(parts)
            size = min(INFO_SIZE, INFO_SIZE * (g.table_width - 70) / self.width(text, INFO_SIZE))
            c.setFont(self.font_name, size)
            c.drawString(g.left, y, text)
            y -= 14
        c.setFont(self.font_name, self.g.footer_size)
        c.drawRightString(g.right, g.table_top + 10, "金额单位：元")

    def finish(self) -> None:
        """合计 under the amounts, then the statement, 特此证明 and the signature lines —
        kept together, on a page of their own if needed."""
        doc, last, a = self.doc, len(self.columns) - 1, self.amount_column
        total = [
            SpanCell(f"合计（共{len(doc.rows):,}条）", 0, a - 1, CENTER, 1),
            SpanCell(format_money(doc.total), a, a, RIGHT_ALIGN, 1),
        ]
        if a < last:
            total.append(SpanCell("", a + 1, last, LEFT_ALIGN, 1))
        self.add_spanned_row(total)
        size = STATEMENT_SIZE
        step = size * LEADING * 1.25
        indent = self.width("　　", size)
        lines = self.wrap(doc.statement(), self.g.table_width - indent, size)
        needed = 16 + step * (len(lines) + 1) + 14 + 2 * step
        if self.y - needed < self.g.table_bottom:
            self.close_page()
            self.open_page(with_table=False)
        y = self.y - 16 - size
        for i, line in enumerate(lines):
            self.text(line, self.g.left + (indent if i == 0 else 0), y, size)
            y -= step
        self.text(CLOSING, self.g.left + indent, y, size)
        y -= step + 14
        sign_x = self.g.right - max(
            self.width(f"开具单位：{clean(doc.issuer or doc.taxpayer_name)}", size), 190
        )
        self.text(f"开具单位：{clean(doc.issuer or doc.taxpayer_name)}", sign_x, y, size)
        self.text(f"打印日期：{doc.printed_on.isoformat()}", sign_x, y - step, size)
        self.close_page()
