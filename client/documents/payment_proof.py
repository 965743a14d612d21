"""The 社会保险费缴费证明 as data: its three kinds and the 缴费清单 records, apart from the drawing.

A `ProofKind` says what differs between 职工缴费证明 (manual §2.16), 单位缴费证明 (§2.17, the
columns of its 证明样图) and 城乡居民缴费证明 (§3.12): the contract's 缴费清单 layout, the title,
the period label, the columns and the closing statement. `ProofDocument.from_wire` reads the
chosen records of one answer; `check_rows` refuses rows that cannot be printed. Money is
Decimal: rows are whole 分 and the 合计 is their exact sum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from client.documents.amount_words import MAX_CENTS, amount_in_words
from client.documents.pdf_output import CENT, DocumentError, format_money
from client.documents.pdf_table import CENTER, LEFT_ALIGN, RIGHT_ALIGN, clean

PERSON_FIELDS = (
    "name", "id_type", "id_number", "tax_authority", "agency", "unit_number", "levy_item",
    "levy_item_name", "levy_category_name", "part", "period", "base", "amount", "stored_on",
    "channel",
)  # fmt: skip
UNIT_FIELDS = (
    "tax_authority", "agency", "unit_number", "levy_item", "levy_item_name",
    "levy_category_name", "sub_item", "period_start", "period_end", "stored_on", "amount",
    "line_id",
)  # fmt: skip

NO_ROWS = "没有可打印的缴费明细，未生成缴费证明。请先查询并勾选缴费清单。"
BAD_FIELDS = "缴费清单的格式与约定不符（{detail}），无法打印缴费证明。请更新客户端后重试。"
BAD_VALUE = "缴费清单第{number}行的“{field}”不正确（{value}），无法打印缴费证明。请重新查询后重试。"
MIXED_PERSONS = "缴费清单中包含不同人员的记录，无法打印同一张缴费证明。请按人员分别查询后打印。"
BAD_AMOUNT = (
    "缴费明细第{number}行的实缴金额“{amount}”不是有效的金额，未生成缴费证明。请重新查询后重试。"
)
TOO_LARGE = "缴费证明的合计金额（{total}元）超出了可以大写的范围，未生成缴费证明。"


class ProofError(DocumentError, ValueError):
    """A proof that cannot be made from what was given."""


@dataclass(frozen=True)
class ProofRow:
    """One 缴费清单 record: a person × month (城乡居民: × year) × part, or a unit's 入库 line."""

    tax_authority: str  # 征收经办机构
    agency: str  # 社保经办机构
    unit_number: str  # 单位编号
    levy_item: str  # 征收项目 code
    levy_item_name: str  # 征收项目
    levy_category_name: str  # 征收品目 (with its part)
    period_start: str  # 2026-11-01 (unit), 2026-11 (职工) or 2026 (城乡居民)
    period_end: str
    stored_on: str  # 入(库)费日期
    amount: Decimal  # 实缴(费)金额
    sub_item: str = ""  # 征收子目
    part: str = ""  # 单位缴纳 / 个人缴纳
    base: Decimal | None = None  # 缴费基数 (person kinds)
    channel: str = ""  # how it was paid
    line_id: str = ""

    @property
    def period(self) -> str:
        if self.period_start == self.period_end:
            return self.period_start
        return f"{self.period_start}至{self.period_end}"


@dataclass(frozen=True)
class ProofPerson:
    name: str
    id_type: str
    id_number: str


@dataclass(frozen=True)
class ProofColumn:
    title: str
    weight: float  # relative width
    align: str
    wraps: bool
    cell: Callable[[int, ProofRow], str]  # (序号, row) -> the text
    is_amount: bool = False


@dataclass(frozen=True)
class ProofKind:
    """What differs between 职工, 单位 and 城乡居民 缴费证明."""

    key: str
    title: str
    wire_fields: tuple[str, ...]  # the 缴费清单 layout of the contract
    person_word: str  # "" for the unit kind, else how the person is called
    period_label: str  # 费款所属期 / 缴费年度
    landscape: bool
    columns: tuple[ProofColumn, ...]
    statement: str  # the closing statement; see ProofDocument.statement for its fields

    @property
    def is_person(self) -> bool:
        return bool(self.person_word)


def _money_cell(value: Decimal | None) -> str:
    return "" if value is None else format_money(value)


def _number(n: int, _row: ProofRow) -> str:
    return str(n)


def _col(
    title: str,
    weight: float,
    align: str,
    cell: Callable[[ProofRow], object],
    wraps: bool = True,
    is_amount: bool = False,
) -> ProofColumn:
    return ProofColumn(title, weight, align, wraps, lambda _n, row: clean(cell(row)), is_amount)


SERIAL = ProofColumn("序号", 28, CENTER, False, _number)
AMOUNT = _col("实缴(费)金额", 66, RIGHT_ALIGN, lambda r: format_money(r.amount), False, True)
STORED = _col("入(库)费日期", 58, CENTER, lambda r: r.stored_on)
BASE = _col("缴费基数", 62, RIGHT_ALIGN, lambda r: _money_cell(r.base), False)
TEXT_CELLS: dict[str, tuple[str, Callable[[ProofRow], object]]] = {
    "费款所属期": (CENTER, lambda r: r.period),
    "费款所属起止日期": (CENTER, lambda r: r.period),
    "缴费年度": (CENTER, lambda r: r.period),
    "单位编号": (CENTER, lambda r: r.unit_number),
    "征收经办机构": (LEFT_ALIGN, lambda r: r.tax_authority),
    "社保经办机构": (LEFT_ALIGN, lambda r: r.agency),
    "征收项目": (LEFT_ALIGN, lambda r: r.levy_item_name),
    "征收品目": (LEFT_ALIGN, lambda r: r.levy_category_name),
    "征收子目": (LEFT_ALIGN, lambda r: r.sub_item),
}  # a text column's title → its alignment and its cell


def _kind(
    key: str,
    who: str,
    person_word: str,
    period_label: str,
    columns: Sequence[tuple[str, float] | ProofColumn],
    certified: str,
    paid: str,
) -> ProofKind:
    """One kind of 缴费证明: a person kind (`person_word` given) reads the 缴费清单 per person and
    prints portrait; the unit kind reads the unit's lines and prints landscape. `columns`
    after 序号 are text columns by (title, weight) (see TEXT_CELLS) or whole ProofColumns. The
    statement certifies `certified` and says how `paid`; the count and the 合计 close every
    kind alike."""
    return ProofKind(
        key=key,
        title=f"社会保险费缴费证明（{who}）",
        wire_fields=PERSON_FIELDS if person_word else UNIT_FIELDS,
        person_word=person_word,
        period_label=period_label,
        landscape=not person_word,
        columns=(
            SERIAL,
            *(c if isinstance(c, ProofColumn) else _col(*c, *TEXT_CELLS[c[0]]) for c in columns),
        ),
        statement=(
            f"兹证明{certified}在{{period_from}}至{{period_to}}{{period_label}}内{paid}，"
            "已入库的缴费明细共{count}条（见上表），实缴金额合计人民币{words}（¥{total}）。"
        ),
    )


EMPLOYEE = _kind(
    "employee", "职工", "职工", "费款所属期",
    [("费款所属期", 50), ("单位编号", 56), ("征收项目", 88), ("征收品目", 120), BASE, AMOUNT,
     STORED],
    "{person}", "由{unit}缴纳社会保险费",
)  # fmt: skip
UNIT = _kind(
    "unit", "单位", "", "费款所属期",
    [("征收经办机构", 110), ("社保经办机构", 100), ("单位编号", 58), ("征收项目", 92),
     ("征收品目", 118), ("征收子目", 50), ("费款所属起止日期", 104), STORED, AMOUNT],
    "{unit}（纳税人识别号：{taxpayer_id}）", "缴纳的社会保险费",
)  # fmt: skip
RESIDENT = _kind(
    "resident", "城乡居民", "城乡居民", "缴费年度",
    [("缴费年度", 44), ("征收项目", 100), ("征收品目", 130), ("社保经办机构", 104), AMOUNT, STORED],
    "{person}", "经{unit}缴纳城乡居民社会保险费",
)  # fmt: skip
KINDS: dict[str, ProofKind] = {kind.key: kind for kind in (EMPLOYEE, UNIT, RESIDENT)}


@dataclass(frozen=True)
class ProofDocument:
    kind: ProofKind
    taxpayer_id: str  # the unit's 纳税人识别号
    taxpayer_name: str
    period_from: str  # as queried: 2016-01 / 2016
    period_to: str
    rows: tuple[ProofRow, ...]
    printed_on: date  # 打印日期
    issuer: str = ""  # 开具单位; the unit's name when empty
    person: ProofPerson | None = None  # the person kinds

    @classmethod
    def from_wire(
        cls,
        fields: Sequence[str],
        records: Sequence[Sequence[Any]],
        *,
        kind: ProofKind | str,
        taxpayer_id: str,
        taxpayer_name: str,
        period_from: str,
        period_to: str,
        printed_on: date,
        issuer: str = "",
    ) -> ProofDocument:
        """A proof from a 缴费清单 answer (`fields` and the chosen `records`); ValueError
        with a Chinese sentence when the layout or a value is not the contract's, or the
        records of a person kind are of more than one person."""
        kind = KINDS[kind] if isinstance(kind, str) else kind
        if list(fields) != list(kind.wire_fields):
            raise ValueError(BAD_FIELDS.format(detail="字段列表"))
        rows: list[ProofRow] = []
        person: ProofPerson | None = None
        for number, record in enumerate(records, 1):
            if not isinstance(record, Sequence) or len(record) != len(fields):
                raise ValueError(BAD_FIELDS.format(detail=f"第{number}行的字段个数"))
            values = dict(zip(fields, record, strict=True))
            if kind.is_person:
                who = ProofPerson(
                    _str(values, "name", number),
                    _str(values, "id_type", number),
                    _str(values, "id_number", number),
                )
                if person is None:
                    person = who
                elif who != person:
                    raise ValueError(MIXED_PERSONS)
                rows.append(_person_row(values, number))
            else:
                rows.append(_unit_row(values, number))
        return cls(
            kind=kind,
            taxpayer_id=taxpayer_id,
            taxpayer_name=taxpayer_name,
            period_from=period_from,
            period_to=period_to,
            rows=tuple(rows),
            printed_on=printed_on,
            issuer=issuer,
            person=person,
        )

    @property
    def total(self) -> Decimal:
        """合计: the exact sum of the rows' 实缴(费)金额."""
        return sum((row.amount for row in self.rows), Decimal(0))

    def person_text(self) -> str:
        p = self.person
        if p is None:
            return ""
        return f"{self.kind.person_word}{clean(p.name)}（{clean(p.id_type)}：{clean(p.id_number)}）"

    def statement(self) -> str:
        total = self.total
        return self.kind.statement.format(
            person=self.person_text(),
            unit=clean(self.taxpayer_name),
            taxpayer_id=clean(self.taxpayer_id),
            period_from=self.period_from,
            period_to=self.period_to,
            period_label=self.kind.period_label,
            count=f"{len(self.rows):,}",
            words=amount_in_words(total),
            total=format_money(total),
        )


def _str(values: Mapping[str, Any], field: str, number: int, optional: bool = False) -> str:
    value = values[field]
    if value is None and optional:
        return ""
    if not isinstance(value, str) or (not optional and not value.strip()):
        raise ValueError(BAD_VALUE.format(number=number, field=field, value=value))
    return value.strip()


def _decimal(values: Mapping[str, Any], field: str, number: int) -> Decimal:
    text = _str(values, field, number)
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(BAD_VALUE.format(number=number, field=field, value=text)) from exc
    if not amount.is_finite():
        raise ValueError(BAD_VALUE.format(number=number, field=field, value=text))
    return amount


_LEVY_FIELDS = ("tax_authority", "agency", "unit_number", "levy_item", "levy_item_name",
               "levy_category_name")  # fmt: skip
_NAMED_LEVY = ("levy_item_name", "levy_category_name")  # the levy fields that cannot be empty


def _levy(v: Mapping[str, Any], n: int) -> dict[str, str]:
    """Where and what was levied: the fields every 缴费清单 record has, read in this order."""
    return {field: _str(v, field, n, field not in _NAMED_LEVY) for field in _LEVY_FIELDS}


def _person_row(v: Mapping[str, Any], n: int) -> ProofRow:
    period = _str(v, "period", n)
    return ProofRow(
        **_levy(v, n),
        period_start=period,
        period_end=period,
        stored_on=_str(v, "stored_on", n),
        amount=_decimal(v, "amount", n),
        part=_str(v, "part", n, True),
        base=None if v["base"] in (None, "") else _decimal(v, "base", n),
        channel=_str(v, "channel", n, True),
    )


def _unit_row(v: Mapping[str, Any], n: int) -> ProofRow:
    return ProofRow(
        **_levy(v, n),
        sub_item=_str(v, "sub_item", n, True),
        period_start=_str(v, "period_start", n),
        period_end=_str(v, "period_end", n),
        stored_on=_str(v, "stored_on", n),
        amount=_decimal(v, "amount", n),
        line_id=_str(v, "line_id", n, True),
    )


def check_rows(rows: Sequence[ProofRow]) -> None:
    """Refuse no rows, amounts that are not whole 分 (or negative), and a 合计 too large for
    capitals."""
    if not rows:
        raise ProofError(NO_ROWS)
    for number, row in enumerate(rows, 1):
        amount = row.amount
        if (
            not isinstance(amount, Decimal)
            or not amount.is_finite()
            or amount < 0
            or amount != amount.quantize(CENT)
        ):
            raise ProofError(BAD_AMOUNT.format(number=number, amount=amount))
    total = sum((row.amount for row in rows), Decimal(0))
    if total > Decimal(MAX_CENTS).scaleb(-2):
        raise ProofError(TOO_LARGE.format(total=format_money(total)))
