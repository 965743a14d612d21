"""社会保险费缴费证明 as data: 缴费清单 records (职工, 单位) read into a `ProofDocument`, and the
wire layout checks; the record builders here serve the PDF tests too."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from client.documents.payment_proof import (
    EMPLOYEE,
    PERSON_FIELDS,
    UNIT,
    UNIT_FIELDS,
    ProofDocument,
)

UNIT_ID, UNIT_NAME = "91440300MA5G7XKQ3R", "深圳市前海示例科技有限公司"
AUTHORITY, AGENCY = "国家税务总局深圳市宝安区税务局", "深圳市社会保险基金管理局"
# (levy_item, 征收项目, 征收品目, amount in 分 per month); each paid in two parts
ITEMS = [
    ("10201", "企业职工基本养老保险费", "企业职工基本养老保险（城镇职工）", 128000),
    ("10301", "职工基本医疗保险费", "职工基本医疗保险", 48000),
    ("10501", "失业保险费", "失业保险", 5600),
    ("10401", "工伤保险费", "工伤保险", 1600),
    ("10601", "生育保险费", "生育保险", 4000),
]
PARTS = ("单位缴纳", "个人缴纳")


def employee_records(years: int = 10, person: str = "张三") -> list[list[Any]]:
    """One record per month × item × part, every amount different (so each can be found)."""
    records: list[list[Any]] = []
    for y in range(2016, 2016 + years):
        for m in range(1, 13):
            for (code, item, name, cents), part in itertools.product(ITEMS, PARTS):
                category = f"{name}({part})"
                amount = Decimal(cents + len(records)) / 100
                stored = f"{y}-{m:02d}-15" if m < 12 else f"{y + 1}-01-15"
                records.append(
                    [person, "居民身份证", "440306199001011234", AUTHORITY, AGENCY, "29747206",
                     code, item, category, part, f"{y}-{m:02d}", "8000.00", f"{amount}",
                     stored, "三方协议缴费"]
                )  # fmt: skip
    return records


def unit_records(months: int = 12) -> list[list[Any]]:
    records: list[list[Any]] = []
    for m in range(1, months + 1):
        for (code, item, name, cents), part in itertools.product(ITEMS, PARTS):
            category = f"{name}({part})"
            amount = Decimal(cents * 24 + len(records)) / 100
            records.append(
                [AUTHORITY, AGENCY, "29747206", code, item, category, "",
                 f"2026-{m:02d}-01", f"2026-{m:02d}-28", f"2026-{m:02d}-20", f"{amount}",
                 f"QF{len(records):010d}"]
            )  # fmt: skip
    return records


def resident_records() -> list[list[Any]]:
    return [
        ["李四", "居民身份证", "440306195001011234", AUTHORITY, AGENCY, "", "10202",
         "城乡居民基本养老保险费", "城乡居民基本养老保险(个人缴纳)", "个人缴纳", str(y), "",
         f"{300 + 100 * (y - 2020)}.00", f"{y}-03-01", "代收单位缴费"]
        for y in range(2020, 2027)
    ]  # fmt: skip


def document(kind: Any, fields: Any, records: list[list[Any]], **changes: Any) -> ProofDocument:
    args: dict[str, Any] = {
        "kind": kind,
        "taxpayer_id": UNIT_ID,
        "taxpayer_name": UNIT_NAME,
        "period_from": "2016-01",
        "period_to": "2025-12",
        "printed_on": date(2026, 12, 4),
        **changes,
    }
    return ProofDocument.from_wire(list(fields), records, **args)


def test_from_wire_reads_person_records() -> None:
    records = employee_records(1)
    doc = document("employee", PERSON_FIELDS, records)
    assert doc.kind is EMPLOYEE and len(doc.rows) == 120
    assert doc.person is not None and doc.person.name == "张三"
    assert doc.person.id_number == "440306199001011234"
    first = doc.rows[0]
    assert (first.period, first.levy_item_name, first.base) == (
        "2016-01",
        "企业职工基本养老保险费",
        Decimal("8000.00"),
    )
    assert doc.total == sum(Decimal(r[12]) for r in records)


def test_from_wire_reads_unit_records() -> None:
    doc = document(UNIT, UNIT_FIELDS, unit_records(1))
    assert doc.person is None
    assert doc.rows[0].period == "2026-01-01至2026-01-28"
    assert doc.rows[0].line_id == "QF0000000000"


@pytest.mark.parametrize(
    ("fields", "records", "fragment"),
    [
        (UNIT_FIELDS, employee_records(1), "字段列表"),  # another list's layout
        (PERSON_FIELDS, [employee_records(1)[0][:-1]], "字段个数"),
        (PERSON_FIELDS, [employee_records(1)[0][:12] + ["12,80"] + employee_records(1)[0][13:]],
         "amount"),
        (PERSON_FIELDS, [employee_records(1)[0][:12] + [12.8] + employee_records(1)[0][13:]],
         "amount"),
        (PERSON_FIELDS, [employee_records(1)[0][:10] + [""] + employee_records(1)[0][11:]],
         "period"),
        (PERSON_FIELDS, employee_records(1)[:2] + employee_records(1, person="李四")[:1],
         "不同人员"),
    ],
)  # fmt: skip
def test_from_wire_refuses_what_is_not_the_contract(
    fields: Any, records: list[list[Any]], fragment: str
) -> None:
    with pytest.raises(ValueError) as caught:
        document(EMPLOYEE, fields, records)
    assert fragment in str(caught.value) and "缴费证明" in str(caught.value)
