"""居民两两协议's 委托扣款协议书 (manual §3.19 (五) 打印) as a PDF, drawn with reportlab (no Qt).

A4 portrait, laid out like a signed agreement: the title and the 协议号, one ruled table of the
parties — 代收单位, 缴费人 (the resident) and 账户所有人 (the resident for 本人账户, the
relative for 他人账户, with the phone that authorised it) — and of the 扣款账户 (开户银行,
开户网点, 缴费账号, 所属税务机关), then the numbered terms, and the signature lines of the three
parties with the date signed. The CJK font is embedded (`pdf_fonts`), so the page looks the
same on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from client.documents.flowing_pdf import chinese_date as printed_date
from client.documents.flowing_pdf import write_flowing
from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import DocumentError, WriteMessages

TITLE = "城乡居民社会保险费委托扣款协议书"
SUBTITLE = "（税银两两协议）"
OWN, OTHER = "本人账户", "他人账户"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 50.0
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN
WIDTHS = [w * TABLE_WIDTH for w in (0.15, 0.16, 0.27, 0.15, 0.27)]
THIN, FRAME = 0.5, 1.2
WRITE_MESSAGES = WriteMessages.for_document("委托扣款协议书")
LAYOUT_FAILED = "委托扣款协议书内容过长，无法排版，未生成协议书。请联系技术支持。"
INCOMPLETE = "该协议缺少{what}，无法打印协议书。请重新查询后再打印。"

TERMS = (
    "缴费人委托开户银行，按税务机关发送的扣款信息，从上述缴费账号中扣缴缴费人应缴纳的"
    "城乡居民社会保险费（费批扣），扣款金额以税务机关核定的金额为准。",
    "账户所有人同意以上述银行账户为缴费人扣缴社会保险费，并保证账户信息真实、有效。"
    "以他人账户签订的，账户所有人已通过银行预留手机号码接收的短信验证码授权同意。",
    "扣款前，账户所有人应保证账户内有足够余额。因余额不足、账户冻结、止付或销户等原因扣款不成功的，"
    "缴费人应通过其他方式按时缴纳，由此产生的后果由缴费人承担。",
    "银行扣款成功后，缴费人可通过代收单位或税务机关查询缴费信息、开具缴费证明或税收完税证明。",
    "缴费账号、手机号码等信息发生变化的，缴费人应及时通过代收单位撤销本协议并重新签订。",
    "本协议自验证通过之日起生效，至协议撤销之日终止；撤销后本协议不再参与社保费批扣。",
    "本协议一式三份，缴费人、账户所有人和代收单位各执一份，具有同等效力。",
)
NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Party:
    name: str
    id_type: str  # the 证件类型's name, e.g. 居民身份证
    id_number: str


@dataclass(frozen=True)
class AgreementDocument:
    agreement_id: str  # 协议号
    collector_name: str  # 代收单位 名称
    collector_id: str  # 代收单位 纳税人识别号
    payer: Party  # 缴费人 (协议人)
    holder: Party  # 账户所有人 (持卡人)
    account_type: str  # 本人账户 | 他人账户
    phone: str
    bank_name: str
    branch_name: str
    account_number: str
    tax_authority: str
    signed_on: date | None  # None: the blank 协议书 offered before signing
    state: str = "有效"

    @classmethod
    def of(
        cls,
        row: Mapping[str, Any],
        collector_name: str,
        collector_id: str,
        id_types: Mapping[str, str] | None = None,
    ) -> AgreementDocument:
        """The document of an agreement as the server answers it."""
        names = dict(id_types or {})

        def party(prefix: str) -> Party:
            id_type = str(row.get(f"{prefix}id_type") or "")
            return Party(
                str(row.get(f"{prefix}name") or ""),
                names.get(id_type, id_type),
                str(row.get(f"{prefix}id_number") or ""),
            )

        signed = str(row.get("signed_at") or row.get("verified_on") or "")[:10]
        return cls(
            agreement_id=str(row.get("agreement_id") or ""),
            collector_name=collector_name,
            collector_id=collector_id,
            payer=party(""),
            holder=party("holder_"),
            account_type=str(row.get("account_type") or OWN),
            phone=str(row.get("phone") or ""),
            bank_name=str(row.get("bank_name") or ""),
            branch_name=str(row.get("branch_name") or ""),
            account_number=str(row.get("account_number") or ""),
            tax_authority=str(row.get("tax_authority") or ""),
            signed_on=date.fromisoformat(signed) if signed else date.today(),
            state=str(row.get("state") or "有效"),
        )


def chinese_date(day: date | None) -> str:
    return "________年____月____日" if day is None else printed_date(day)


def suggested_name(doc: AgreementDocument) -> str:
    return f"委托扣款协议书_{doc.payer.name}_{doc.agreement_id}.pdf"


def write_agreement_pdf(doc: AgreementDocument, path: Path) -> Path:
    """Write the 协议书 to `path` through a temporary file beside it (no partial file on a
    failure); DocumentError (the clerk's sentence) when it cannot be made."""
    for what, value in (("协议号", doc.agreement_id), ("缴费人", doc.payer.name),
                        ("账户所有人", doc.holder.name), ("缴费账号", doc.account_number)):  # fmt: skip
        if not value:
            raise DocumentError(INCOMPLETE.format(what=what))
    return _write(doc, path)


def write_agreement_terms(path: Path, collector_name: str, collector_id: str) -> Path:
    """《社保费扣费协议书》 as offered before signing (the link beside the consent): the
    terms, the 代收单位, and blank parties and account to be filled in by hand."""
    blank = Party("", "", "")
    doc = AgreementDocument(
        agreement_id="（签订后生成）",
        collector_name=collector_name,
        collector_id=collector_id,
        payer=blank,
        holder=blank,
        account_type="本人账户 / 他人账户",
        phone="",
        bank_name="",
        branch_name="",
        account_number="",
        tax_authority="",
        signed_on=None,
        state="",
    )
    return _write(doc, path)


def _write(doc: AgreementDocument, path: Path) -> Path:
    return write_flowing(path, WRITE_MESSAGES, LAYOUT_FAILED, lambda tmp: _build(doc, tmp))


# -- drawing ---------------------------------------------------------------------------------
def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=18, leading=24, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, alignment=TA_CENTER),
        "number": ParagraphStyle("number", base, fontSize=9.5, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", base, fontSize=9.5, leading=13),
        "head": ParagraphStyle("head", base, fontSize=9.5, leading=13, alignment=TA_CENTER),
        "body": base,
        "term": ParagraphStyle("term", base, firstLineIndent=21, alignment=TA_LEFT),
        "sign": ParagraphStyle("sign", base, fontSize=10.5, leading=22),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    shown = escape(text).replace("\n", "<br/>").replace("\u3000", "&#160;" * 3)
    return Paragraph(shown, style)


def _parties(doc: AgreementDocument, s: dict[str, ParagraphStyle]) -> Table:
    cell, head = s["cell"], s["head"]
    holder_note = {OWN: "\n（协议人本人）", OTHER: "\n（他人账户）"}.get(doc.account_type, "")
    phone = doc.phone or ("—" if doc.account_type == OWN else "")
    rows = [
        [_p("代收单位", head), _p("名称", head), _p(doc.collector_name, cell), "", ""],
        ["", _p("纳税人识别号", head), _p(doc.collector_id, cell), "", ""],
        [_p("缴费人", head), _p("姓名", head), _p(doc.payer.name, cell),
         _p("证件类型", head), _p(doc.payer.id_type, cell)],
        ["", _p("证件号码", head), _p(doc.payer.id_number, cell), "", ""],
        [_p(f"账户所有人{holder_note}", head), _p("姓名", head), _p(doc.holder.name, cell),
         _p("证件类型", head), _p(doc.holder.id_type, cell)],
        ["", _p("证件号码", head), _p(doc.holder.id_number, cell),
         _p("预留手机号码", head), _p(phone, cell)],
        [_p("扣款账户", head), _p("开户银行", head), _p(doc.bank_name, cell),
         _p("账户类型", head), _p(doc.account_type, cell)],
        ["", _p("开户网点", head), _p(doc.branch_name, cell), "", ""],
        ["", _p("缴费账号", head), _p(doc.account_number, cell),
         _p("批扣标志", head), _p("费批扣（允许银行代扣）", cell)],
        ["", _p("所属税务机关", head), _p(doc.tax_authority, cell), "", ""],
    ]  # fmt: skip
    table = Table(rows, colWidths=WIDTHS)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), s["cell"].fontName),  # the empty cells too
                ("GRID", (0, 0), (-1, -1), THIN, colors.black),
                ("BOX", (0, 0), (-1, -1), FRAME, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                *(("SPAN", (2, row), (4, row)) for row in (0, 1, 3, 7, 9)),
                ("SPAN", (0, 0), (0, 1)),
                ("SPAN", (0, 2), (0, 3)),
                ("SPAN", (0, 4), (0, 5)),
                ("SPAN", (0, 6), (0, 9)),
            ]
        )
    )
    return table


def _signatures(doc: AgreementDocument, s: dict[str, ParagraphStyle]) -> Table:
    sign = s["sign"]
    when = f"日期：{chinese_date(doc.signed_on)}"
    rows = [
        [_p("缴费人（签字）：", sign), _p("账户所有人（签字）：", sign),
         _p("代收单位（盖章）：", sign)],
        [_p("", sign), _p("", sign), _p("", sign)],
        [_p(when, sign), _p(when, sign), _p(when, sign)],
    ]  # fmt: skip
    table = Table(rows, colWidths=[TABLE_WIDTH / 3] * 3, rowHeights=[24, 40, 24])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), sign.fontName),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, 1), THIN, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 14),
            ]
        )
    )
    return table


def _build(doc: AgreementDocument, path: Path) -> None:
    font = cjk_font().name
    s = _styles(font)
    story = [
        _p(TITLE, s["title"]),
        _p(SUBTITLE, s["subtitle"]),
        Spacer(1, 8),
        _p(f"协议号：{doc.agreement_id}", s["number"]),
        Spacer(1, 6),
        _parties(doc, s),
        Spacer(1, 12),
        _p(
            "经缴费人、账户所有人协商一致，缴费人委托开户银行以上述扣款账户扣缴城乡居民社会保险费，"
            "订立本协议，共同遵守：",
            s["body"],
        ),
        Spacer(1, 4),
    ]
    for number, term in enumerate(TERMS):
        story.append(_p(f"{NUMBERS[number]}、{term}", s["term"]))
    story += [
        Spacer(1, 8),
        _p(
            f"签订（验证通过）日期：{chinese_date(doc.signed_on)}　　协议状态：{doc.state or '—'}",
            s["body"],
        ),  # fmt: skip
        Spacer(1, 18),
        KeepTogether([_signatures(doc, s)]),
    ]

    def footer(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(
            PAGE_WIDTH / 2, 24, f"协议号 {doc.agreement_id}　第 {canvas.getPageNumber()} 页"
        )
        canvas.restoreState()

    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=TITLE,
        author=doc.collector_name,
        subject=doc.agreement_id,
        initialFontName=font,  # or every page would name an unembedded Helvetica
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)
