"""The 税收完税证明 as data — ticket, checks, 查验 QR payload — so 开具 and 查验 need no drawing.

`TaxCertificate.from_wire` reads the contract's ticket; `check_certificate` refuses one whose
rows are not whole 分 or whose 金额合计 is not their exact sum. The QR code carries the fields
of the 查验 form (`qr_payload`, read back by `parse_qr_payload`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from client.documents.amount_words import MAX_CENTS
from client.documents.pdf_output import CENT, DocumentError, format_money

TICKET_KIND = "税收完税证明（非印刷）"
QR_PREFIX, QR_VERSION = "SBFWSZM", "v1"
QR_FIELDS = (
    "taxpayer_id",
    "taxpayer_name",
    "ticket_kind",
    "e_ticket_number",
    "region_code",
    "amount",
    "ticket_word",
    "ticket_number",
    "check_code",
)
QR_REQUIRED = QR_FIELDS[:6]  # the 查验 form's starred fields

NO_ROWS = "完税证明{number}没有入库明细，未生成完税证明。请刷新后重试。"
BAD_AMOUNT = "完税证明{number}的金额“{amount}”不是有效的金额，未生成完税证明。请刷新后重试。"
TOTAL_MISMATCH = (
    "完税证明{number}的金额合计（{total}元）与各行实缴金额之和（{rows}元）不一致，"
    "未生成完税证明。请刷新后重试；如仍不一致，请向主管税务机关核实。"
)
TOO_LARGE = "完税证明{number}的金额合计（{total}元）超出了可以大写的范围，未生成完税证明。"
BAD_WIRE = "完税证明的数据不完整（{field}），无法打印。请刷新后重试。"
BAD_QR = "二维码不是税收完税证明的查验信息（{reason}），请核对后重新扫描或手工录入。"


class CertificateError(DocumentError, ValueError):
    """A ticket that cannot be drawn as given (no rows, a total that does not add up)."""


@dataclass(frozen=True)
class TicketRow:
    original_voucher: str  # 原凭证号 (the line's 应征凭证序号)
    tax_kind: str  # 税种 (征收项目)
    item_name: str  # 品目名称 (征收品目 with its part)
    period_start: date  # 税款所属时期, whole days
    period_end: date
    stored_on: date  # 入(退)库日期
    amount: Decimal  # 实缴(退)金额


@dataclass(frozen=True)
class TaxCertificate:
    e_ticket_number: str  # 电子税票号码
    ticket_word: str  # 票证字轨, e.g. (2026)粤税证
    ticket_number: str  # 票证号码
    taxpayer_id: str
    taxpayer_name: str
    tax_authority_name: str
    region_code: str  # 行政区划
    issued_on: date | None  # 填发日期; None before the first 开具
    issuer: str  # 填票人
    print_count: int  # 第N次打印
    check_code: str  # 校验码
    remark: str
    amount: Decimal  # 金额合计: the exact sum of the rows
    rows: tuple[TicketRow, ...]
    ticket_kind: str = TICKET_KIND
    ticket_id: str = ""
    status: str = ""
    personal: bool = False  # a resident's 个人税收完税证明: 纳税人识别号 is their 证件号码

    @property
    def document_title(self) -> str:
        """The PDF's title: 税收完税证明 or 个人税收完税证明 with its number."""
        return f"{'个人' if self.personal else ''}税收完税证明 {self.e_ticket_number}"

    @classmethod
    def from_wire(cls, ticket: Mapping[str, Any]) -> TaxCertificate:
        """The contract's ticket object (税收完税证明（非印刷） tickets); ValueError with a
        Chinese sentence when a field is missing or malformed."""
        rows = ticket.get("rows")
        if not isinstance(rows, list):
            raise ValueError(BAD_WIRE.format(field="rows"))
        issued = ticket.get("issued_on")
        return cls(
            e_ticket_number=_text(ticket, "e_ticket_number"),
            ticket_word=_text(ticket, "ticket_word", optional=True),
            ticket_number=_text(ticket, "ticket_number", optional=True),
            taxpayer_id=_text(ticket, "taxpayer_id"),
            taxpayer_name=_text(ticket, "taxpayer_name"),
            tax_authority_name=_text(ticket, "tax_authority_name", optional=True),
            region_code=_text(ticket, "region_code"),
            issued_on=None if issued in (None, "") else _date(ticket, "issued_on"),
            issuer=_text(ticket, "issuer", optional=True),
            print_count=_count(ticket.get("print_count")),
            check_code=_text(ticket, "check_code", optional=True),
            remark=_text(ticket, "remark", optional=True),
            amount=_money(ticket, "amount"),
            rows=tuple(_row(row) for row in rows),
            ticket_kind=_text(ticket, "ticket_kind", optional=True) or TICKET_KIND,
            ticket_id=_text(ticket, "ticket_id", optional=True),
            status=_text(ticket, "status", optional=True),
            personal=bool(ticket.get("id_type")),  # personal tickets name the 证件类型
        )

    @property
    def rows_total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal(0))


def _text(data: Mapping[str, Any], field: str, optional: bool = False) -> str:
    value = data.get(field)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or (not optional and not value.strip()):
        raise ValueError(BAD_WIRE.format(field=field))
    return value.strip()


def _date(data: Mapping[str, Any], field: str) -> date:
    try:
        return date.fromisoformat(_text(data, field))
    except ValueError as exc:
        raise ValueError(BAD_WIRE.format(field=field)) from exc


def _money(data: Mapping[str, Any], field: str) -> Decimal:
    value = _text(data, field)
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(BAD_WIRE.format(field=field)) from exc
    if not amount.is_finite():
        raise ValueError(BAD_WIRE.format(field=field))
    return amount


def _count(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(BAD_WIRE.format(field="print_count"))
    return value


def _row(row: object) -> TicketRow:
    if not isinstance(row, Mapping):
        raise ValueError(BAD_WIRE.format(field="rows"))
    return TicketRow(
        original_voucher=_text(row, "original_voucher", optional=True),
        tax_kind=_text(row, "tax_kind"),
        item_name=_text(row, "item_name"),
        period_start=_date(row, "period_start"),
        period_end=_date(row, "period_end"),
        stored_on=_date(row, "stored_on"),
        amount=_money(row, "amount"),
    )


def check_certificate(cert: TaxCertificate) -> None:
    """Refuse a ticket without rows, with amounts that are not whole 分, or whose 金额合计 is
    not the exact sum of its rows."""
    number = cert.e_ticket_number
    if not cert.rows:
        raise CertificateError(NO_ROWS.format(number=number))
    for amount in (cert.amount, *(row.amount for row in cert.rows)):
        if (
            not isinstance(amount, Decimal)
            or not amount.is_finite()
            or amount < 0
            or amount != amount.quantize(CENT)
        ):
            raise CertificateError(BAD_AMOUNT.format(number=number, amount=amount))
    rows = cert.rows_total
    if rows != cert.amount:
        raise CertificateError(
            TOTAL_MISMATCH.format(
                number=number, total=format_money(cert.amount), rows=format_money(rows)
            )
        )
    if cert.amount > Decimal(MAX_CENTS).scaleb(-2):
        raise CertificateError(TOO_LARGE.format(number=number, total=format_money(cert.amount)))


# -- the 查验 payload of the QR code ---------------------------------------------------------

_QR_ESCAPES = {"%": "%25", "|": "%7C", "\r": "%0D", "\n": "%0A"}
_QR_UNESCAPES = {v: k for k, v in _QR_ESCAPES.items()}
_MONEY = re.compile(r"\d{1,13}(?:\.\d{1,2})?")


def _qr_escape(value: str) -> str:
    return "".join(_QR_ESCAPES.get(ch, ch) for ch in value)


def _qr_unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "%":
            code = value[i : i + 3].upper()
            if code not in _QR_UNESCAPES:
                raise ValueError(BAD_QR.format(reason="含有无法识别的转义字符"))
            out.append(_QR_UNESCAPES[code])
            i += 3
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def qr_fields(cert: TaxCertificate) -> dict[str, str]:
    """The 查验 form's fields as printed on the ticket."""
    return {
        "taxpayer_id": cert.taxpayer_id,
        "taxpayer_name": cert.taxpayer_name,
        "ticket_kind": cert.ticket_kind,
        "e_ticket_number": cert.e_ticket_number,
        "region_code": cert.region_code,
        "amount": f"{cert.amount.quantize(CENT)}",
        "ticket_word": cert.ticket_word,
        "ticket_number": cert.ticket_number,
        "check_code": cert.check_code,
    }


def qr_payload(cert: TaxCertificate) -> str:
    """`SBFWSZM|v1|` then the 查验 fields in QR_FIELDS order, separated by `|`; `%`, `|` and
    line breaks inside a field are written %25, %7C, %0D, %0A."""
    fields = qr_fields(cert)
    return "|".join([QR_PREFIX, QR_VERSION, *(_qr_escape(fields[k]) for k in QR_FIELDS)])


def parse_qr_payload(text: str) -> dict[str, str]:
    """The 查验 fields of a scanned payload (keys QR_FIELDS, optional ones "" when absent);
    ValueError with a Chinese sentence for anything else."""
    if not isinstance(text, str):
        raise ValueError(BAD_QR.format(reason="内容为空"))
    parts = text.strip().split("|")
    if parts[0] != QR_PREFIX:
        raise ValueError(BAD_QR.format(reason="开头标识不符"))
    if len(parts) < 2 or parts[1] != QR_VERSION:
        raise ValueError(BAD_QR.format(reason="版本不受支持"))
    values = parts[2:]
    if len(values) != len(QR_FIELDS):
        raise ValueError(BAD_QR.format(reason="项目个数不符"))
    fields = {
        key: _qr_unescape(value).strip() for key, value in zip(QR_FIELDS, values, strict=True)
    }
    for key in QR_REQUIRED:
        if not fields[key]:
            raise ValueError(BAD_QR.format(reason=f"缺少{key}"))
    if not _MONEY.fullmatch(fields["amount"]):
        raise ValueError(BAD_QR.format(reason="金额合计不是有效的金额"))
    if not fields["e_ticket_number"].isdigit():
        raise ValueError(BAD_QR.format(reason="电子税票号码应为数字"))
    return fields
