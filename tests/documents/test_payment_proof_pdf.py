"""社会保险费缴费证明 PDFs (职工, 单位, 城乡居民) read back with poppler (pdftotext, pdffonts,
pdfinfo): ten years of one employee over many pages with the heading and column titles on each,
every row in order, the 合计 as the exact sum with the capitals in the statement, the unit's
landscape table with the manual's columns, the resident's 缴费年度, the embedded font, refusals,
cancel and the atomic write."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.documents import payment_proof, payment_proof_pdf, pdf_fonts
from client.documents.amount_words import amount_in_words
from client.documents.payment_proof import (
    EMPLOYEE,
    PERSON_FIELDS,
    RESIDENT,
    UNIT,
    UNIT_FIELDS,
    ProofError,
)
from client.documents.payment_proof_pdf import write_payment_proof
from client.documents.pdf_output import DocumentWriteError
from client.errors import user_message
from client.jobs import JobCancelled
from tests.documents.test_payment_proof import (
    ITEMS,
    PARTS,
    UNIT_ID,
    UNIT_NAME,
    document,
    employee_records,
    resident_records,
    unit_records,
)
from tests.support.pdf import leftovers, money, needs_poppler, page_texts


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


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
    assert user_message(caught.value) == payment_proof.NO_ROWS
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
