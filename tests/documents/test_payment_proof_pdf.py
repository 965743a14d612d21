"""社会保险费缴费证明 PDFs (职工, 单位, 城乡居民) read back with poppler (pdftotext, pdffonts,
pdfinfo): ten years of one employee over many pages with the heading and column titles on each,
every row in order, the 合计 as the exact sum with the capitals in the statement, the unit's
landscape table with the manual's columns, the resident's 缴费年度, the embedded font, the
wire layout checks, refusals, cancel and the atomic write."""

from __future__ import annotations

import itertools
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.documents import payment_proof_pdf, pdf_fonts
from client.documents.amount_words import amount_in_words
from client.documents.payment_proof_pdf import (
    EMPLOYEE,
    PERSON_FIELDS,
    RESIDENT,
    UNIT,
    UNIT_FIELDS,
    ProofDocument,
    ProofError,
    write_payment_proof,
)
from client.documents.pdf_output import DocumentWriteError
from client.errors import user_message
from client.jobs import JobCancelled
from tests.support.pdf import leftovers, money, needs_poppler, page_texts

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


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


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


@needs_poppler
def test_ten_years_of_one_employee(tmp_path: Path) -> None:
    records = employee_records(10)
    assert len(records) == 10 * 12 * len(ITEMS) * len(PARTS) == 1200
    doc = document(EMPLOYEE, PERSON_FIELDS, records)
    progress: list[int] = []
    result = write_payment_proof(tmp_path / "proof.pdf", doc, progress=progress.append)
    assert result.rows == 1200 and progress[-1] == 1200 and progress == sorted(progress)
    pages = page_texts(result.path)
    assert len(pages) == result.pages > 10
    assert re.search(rf"^Pages:\s+{result.pages}$", pdfinfo(result.path), re.M)
    assert "595.276 x 841.89" in pdfinfo(result.path)  # portrait A4
    for number, text in enumerate(pages, 1):
        assert "社会保险费缴费证明（职工）" in text
        assert re.search(rf"纳税人识别号：{UNIT_ID}\s+纳税人名称：{UNIT_NAME}", text)
        assert re.search(
            r"姓名：张三\s+证件类型：居民身份证\s+证件号码：440306199001011234\s+"
            r"费款所属期：2016-01 至 2025-12",
            text,
        )
        assert re.search(r"序号\s+费款所属期\s+单位编号\s+征收项目\s+征收品目\s+缴费基数", text)
        assert re.search(rf"第\s*{number}\s*页\s+共\s*{len(pages)}\s*页", text), number
    assert all("特此证明" not in p and "合计" not in p for p in pages[:-1])
    rows = re.findall(
        r"^\s*(\d+)\s+(\d{4}-\d\d)\s+29747206\s.*?8,000.00\s+([\d,]+\.\d\d)\s+(\d{4}-\d\d-\d\d)",
        "\n".join(pages),
        re.M,
    )
    assert [int(r[0]) for r in rows] == list(range(1, 1201))
    assert [money(r[2]) for r in rows] == [row.amount for row in doc.rows]
    assert [r[1] for r in rows[:11]] == ["2016-01"] * 10 + ["2016-02"]
    last = pages[-1]
    total = re.search(r"合计（共1,200条）\s+([\d,]+\.\d\d)", last)
    assert total is not None
    assert money(total.group(1)) == sum(money(r[2]) for r in rows) == doc.total == result.total
    flat = re.sub(r"\s+", "", last)
    assert f"实缴金额合计人民币{amount_in_words(doc.total)}" in flat
    assert "兹证明职工张三（居民身份证：440306199001011234）在2016-01至2025-12费款所属期内" in flat
    assert "特此证明。" in flat
    assert f"开具单位：{UNIT_NAME}" in last and "打印日期：2026-12-04" in last


@needs_poppler
def test_unit_proof_is_landscape_with_the_manual_columns(tmp_path: Path) -> None:
    doc = document(UNIT, UNIT_FIELDS, unit_records(12), period_from="2026-01", period_to="2026-12")
    result = write_payment_proof(tmp_path / "unit.pdf", doc)
    assert Path(result) == result.path == tmp_path / "unit.pdf"  # the result is path-like
    assert "841.89 x 595.276" in pdfinfo(result.path)
    pages = page_texts(result.path)
    assert len(pages) == result.pages
    for text in pages:
        assert "社会保险费缴费证明（单位）" in text and "费款所属期：2026-01 至 2026-12" in text
        assert re.search(
            r"序号\s+征收经办机构\s+社保经办机构\s+单位编号\s+征收项目\s+征收品目\s+征收子目\s+"
            r"费款所属起止日期\s+入\(库\)费日期\s+实缴\(费\)金额",
            text,
        )
        assert "姓名" not in text
    rows = re.findall(
        r"^\s*(\d+)\s+国家税务总局.*?(2026-\d\d-01至2026-\d\d-28)\s+(2026-\d\d-20)\s+([\d,]+\.\d\d)\s*$",
        "\n".join(pages),
        re.M,
    )
    assert [int(r[0]) for r in rows] == list(range(1, 121))
    assert [money(r[3]) for r in rows] == [row.amount for row in doc.rows]
    assert rows[0][1:3] == ("2026-01-01至2026-01-28", "2026-01-20")
    total = re.search(r"合计（共120条）\s+([\d,]+\.\d\d)", pages[-1])
    assert total is not None and money(total.group(1)) == doc.total
    flat = re.sub(r"\s+", "", pages[-1])
    assert f"兹证明{UNIT_NAME}（纳税人识别号：{UNIT_ID}）在2026-01至2026-12费款所属期内" in flat
    assert amount_in_words(doc.total) in flat and "特此证明。" in flat


@needs_poppler
def test_resident_proof_names_the_payment_years(tmp_path: Path) -> None:
    doc = document(
        RESIDENT,
        PERSON_FIELDS,
        resident_records(),
        taxpayer_name="深圳市宝安区某某街道社区工作站",
        period_from="2020",
        period_to="2026",
    )
    result = write_payment_proof(tmp_path / "resident.pdf", doc)
    [text] = page_texts(result.path)
    assert "社会保险费缴费证明（城乡居民）" in text
    assert re.search(r"姓名：李四\s+证件类型：居民身份证\s+证件号码：440306195001011234", text)
    assert "缴费年度：2020 至 2026" in text
    assert re.search(r"序号\s+缴费年度\s+征收项目\s+征收品目\s+社保经办机构", text)
    years = re.findall(r"^\s*\d+\s+(20\d\d)\s+城乡居民基本养老保险费\s", text, re.M)
    assert years == [str(y) for y in range(2020, 2027)]
    assert doc.total == Decimal("4200.00")
    assert re.search(r"合计（共7条）\s+4,200.00", text)
    flat = re.sub(r"\s+", "", text)
    assert "人民币肆仟贰佰元整（¥4,200.00）" in flat
    assert "开具单位：深圳市宝安区某某街道社区工作站" in text


@needs_poppler
def test_cjk_font_is_embedded(tmp_path: Path) -> None:
    if not pdf_fonts.cjk_font().embedded:
        pytest.skip("no TrueType CJK font on this machine; PDFs fall back to STSong-Light")
    doc = document(UNIT, UNIT_FIELDS, unit_records(1))
    target = write_payment_proof(tmp_path / "font.pdf", doc).path
    out = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True)
    fonts = [line.split() for line in out.stdout.splitlines()[2:]]
    assert fonts
    for row in fonts:
        assert row[-5:-2] == ["yes", "yes", "yes"], f"not embedded+subset+unicode: {row}"
        assert "TrueType" in row


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [("1.005", "1.005"), ("-1.00", "-1.00"), ("NaN", None)],
)
def test_bad_amounts_are_refused_without_a_file(
    tmp_path: Path, amount: str, fragment: str | None
) -> None:
    records = unit_records(1)
    records[2][10] = amount
    if fragment is None:  # not a finite number: refused when read
        with pytest.raises(ValueError, match="amount"):
            document(UNIT, UNIT_FIELDS, records)
        return
    doc = document(UNIT, UNIT_FIELDS, records)
    with pytest.raises(ProofError) as caught:
        write_payment_proof(tmp_path / "bad.pdf", doc)
    assert fragment in user_message(caught.value) and "第3行" in user_message(caught.value)
    assert leftovers(tmp_path) == []


def test_no_rows_is_refused(tmp_path: Path) -> None:
    doc = document(EMPLOYEE, PERSON_FIELDS, [])
    with pytest.raises(ProofError) as caught:
        write_payment_proof(tmp_path / "empty.pdf", doc)
    assert user_message(caught.value) == payment_proof_pdf.NO_ROWS
    assert leftovers(tmp_path) == []


def test_cancel_leaves_no_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    target = tmp_path / "proof.pdf"
    target.write_bytes(b"%PDF-old")
    calls: list[int] = []

    def check_cancelled() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise JobCancelled()

    doc = document(EMPLOYEE, PERSON_FIELDS, employee_records(10))
    with pytest.raises(JobCancelled):
        write_payment_proof(target, doc, check_cancelled=check_cancelled)
    assert leftovers(tmp_path) == ["proof.pdf"] and target.read_bytes() == b"%PDF-old"


def test_unwritable_folder_raises_oserror_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name.endswith(".pdf.tmp"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(OSError) as caught:
        write_payment_proof(tmp_path / "x.pdf", document(UNIT, UNIT_FIELDS, unit_records(1)))
    assert isinstance(caught.value, DocumentWriteError)
    assert user_message(caught.value) == payment_proof_pdf.WRITE_MESSAGES.folder_denied
    assert leftovers(tmp_path) == []


def test_failure_while_writing_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "proof.pdf"
    target.write_bytes(b"%PDF-old")

    def full_disk(self: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(payment_proof_pdf._ProofPages, "save", full_disk)
    with pytest.raises(OSError) as caught:
        write_payment_proof(target, document(UNIT, UNIT_FIELDS, unit_records(1)))
    assert "No space left on device" in user_message(caught.value)
    assert leftovers(tmp_path) == ["proof.pdf"] and target.read_bytes() == b"%PDF-old"
