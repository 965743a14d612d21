"""银行端查询缴税凭证 PDF read back with poppler (pdftotext, pdffonts, pdfinfo): the manual's
sample voucher, empty payer fields, 200 rows over several pages with repeated column titles
and the totals on the last page, wrapping long names, the embedded font, refusals and the
atomic write."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.documents import bank_voucher_pdf, pdf_fonts
from client.documents.amount_words import amount_in_words
from client.documents.bank_voucher_pdf import (
    INFO_WIDTHS,
    MARGIN,
    PAGE_HEIGHT,
    REMARK,
    ROW_WIDTHS,
    BankVoucherDocument,
    VoucherRow,
    chinese_date,
    write_bank_voucher,
)
from client.documents.fee_form_pdf import DocumentError
from client.errors import user_message
from tests.support.pdf import (
    leftovers,
    money,
    needs_poppler,
    page_count,
    page_texts,
    pdffonts,
    pdftotext,
)

# The manual's 图 银行端缴费凭证样图.
SAMPLE = BankVoucherDocument(
    serial="4201601130000001004",
    issued_on=date(2018, 10, 9),
    taxpayer_id="910301000019303805",
    taxpayer_name="青海金茂劳务有限公司",
    tax_authority_code="20402020002",
    tax_authority_name="石嘴山市大武口区地方税务局",
    deadline=date(2018, 10, 9),
    rows=[VoucherRow("基本养老保险基金收入", "职工基本养老保险(个人缴纳)", Decimal("0.20"))],
)
PAYER = {
    "payer_name": "深圳市前海示例科技有限公司",
    "payer_account": "6222020200012345678",
    "payer_bank": "中国工商银行深圳宝安支行",
}
ITEMS = [
    ("企业职工基本养老保险费", "企业职工基本养老保险（城镇职工）(单位缴纳)"),
    ("企业职工基本养老保险费", "职工基本养老保险(个人缴纳)"),
    ("职工基本医疗保险费", "职工基本医疗保险(单位缴纳)"),
    ("失业保险费", "失业保险(单位缴纳)"),
    ("工伤保险费", "工伤保险"),
]


def many_rows(count: int) -> list[VoucherRow]:
    """Rows whose amounts are all different (so each can be found in the text)."""
    return [
        VoucherRow(*ITEMS[i % len(ITEMS)], Decimal(1_000_000 + i * 7_919_311 % 90_000_000) / 100)
        for i in range(count)
    ]


def voucher(rows: list[VoucherRow], **changes: Any) -> BankVoucherDocument:
    fields = {
        "serial": "4403061202612040001",
        "issued_on": date(2026, 12, 4),
        "taxpayer_id": "91440300MA5G7XKQ3R",
        "taxpayer_name": "深圳市前海示例科技有限公司",
        "tax_authority_code": "14403060000",
        "tax_authority_name": "国家税务总局深圳市宝安区税务局",
        "deadline": date(2026, 12, 11),
        "rows": rows,
        **PAYER,
    }
    return BankVoucherDocument(**{**fields, **changes})


def test_total_is_the_exact_sum_of_rows() -> None:
    rows = [VoucherRow("a", "b", Decimal(a)) for a in ("0.10", "0.20", "1234.56", "0")]
    assert voucher(rows).total == Decimal("1234.86")
    assert voucher([]).total == Decimal(0)


def test_chinese_date_pads_month_and_day() -> None:
    assert chinese_date(date(2018, 10, 9)) == "2018年10月09日"
    assert chinese_date(date(2026, 1, 1)) == "2026年01月01日"


@needs_poppler
def test_manual_sample_voucher_reads_back(tmp_path: Path) -> None:
    target = write_bank_voucher(SAMPLE, tmp_path / "sample.pdf")
    assert target == tmp_path / "sample.pdf"
    [text] = page_texts(target)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "银行端查询缴税凭证"
    assert re.fullmatch(r"银行端查询缴税凭证序号: 4201601130000001004\s+2018年10月09日", lines[1])
    assert re.search(r"纳税人识别号\s+910301000019303805\s+税务机关代码\s+20402020002", text)
    assert re.search(
        r"纳税人名称\s+青海金茂劳务有限公司\s+税务机关名称\s+石嘴山市大武口区地方税务局", text
    )
    assert re.search(r"征收项目名称\s+征收品目名称\s+应缴税额", text)
    assert re.search(r"基本养老保险基金收入\s+职工基本养老保险\(个人缴纳\)\s+0\.20", text)
    assert "金额合计(小写): 0.20" in text
    assert "金额合计(大写): 贰角整" in text
    assert re.search(r"付款人\(签章\)\s+银行记账员\(签章\)\s+备注", text)
    assert "经办人(签章)" in text
    assert REMARK in re.sub(r"\s+", "", text)  # wrapped in its box
    assert re.search(r"第\s*1\s*页\s+共\s*1\s*页", text)


@needs_poppler
def test_empty_payer_prints_empty_cells(tmp_path: Path) -> None:
    target = write_bank_voucher(SAMPLE, tmp_path / "no-payer.pdf")
    text = pdftotext(target, "-layout")
    assert re.search(r"^\s*付款人名称\s+开户银行名称\s*$", text, re.M)
    assert re.search(r"^\s*付款人账号\s+税款缴款日期\s+2018-10-09\s*$", text, re.M)


@needs_poppler
def test_payer_fields_are_printed(tmp_path: Path) -> None:
    doc = voucher([VoucherRow(*ITEMS[0], Decimal("3533.34"))])
    text = pdftotext(write_bank_voucher(doc, tmp_path / "payer.pdf"), "-layout")
    assert re.search(
        r"付款人名称\s+深圳市前海示例科技有限公司\s+开户银行名称\s+中国工商银行深圳宝安支行", text
    )
    assert re.search(r"付款人账号\s+6222020200012345678\s+税款缴款日期\s+2026-12-11", text)
    assert "2026年12月04日" in text and "4403061202612040001" in text
    assert "金额合计(小写): 3,533.34" in text
    assert "金额合计(大写): 叁仟伍佰叁拾叁元叁角肆分" in text


@needs_poppler
def test_two_hundred_rows_flow_over_pages(tmp_path: Path) -> None:
    rows = many_rows(200)
    doc = voucher(rows)
    target = write_bank_voucher(doc, tmp_path / "many.pdf")
    pages = page_texts(target)
    assert len(pages) == page_count(target) > 1
    for number, text in enumerate(pages, 1):
        # Title, serial and column titles on every page; the page number of the total.
        assert "银行端查询缴税凭证序号: 4403061202612040001" in text
        assert re.search(r"征收项目名称\s+征收品目名称\s+应缴税额", text), number
        assert re.search(rf"第\s*{number}\s*页\s+共\s*{len(pages)}\s*页", text), number
    # The 纳税人 block only once, the totals and signatures only on the last page.
    assert "纳税人识别号" in pages[0] and all("纳税人识别号" not in p for p in pages[1:])
    assert all("金额合计" not in p and "经办人" not in p for p in pages[:-1])
    last = pages[-1]
    assert "经办人(签章)" in last and "银行记账员(签章)" in last
    # Every row's amount, right of its names, in order; the totals add them up.
    row_amounts = [
        money(m)
        for m in re.findall(r"(?:保险|缴纳\))\s+([\d,]+\.\d\d)\s*$", "\n".join(pages), re.M)
    ]
    assert row_amounts == [r.amount for r in rows]
    written_total = re.search(r"金额合计\(小写\): ([\d,]+\.\d\d)", last)
    assert written_total is not None
    assert money(written_total.group(1)) == sum(row_amounts) == doc.total
    words = amount_in_words(doc.total)
    assert f"金额合计(大写): {words}" in last


@needs_poppler
def test_long_names_wrap_inside_their_cells(tmp_path: Path) -> None:
    long_name = "深圳市前海深港现代服务业合作区示例科技发展有限公司第一分公司（筹）劳务派遣部"
    long_category = "企业职工基本养老保险（城镇职工）（含职业年金及地方补充养老保险）(单位缴纳)"
    doc = voucher(
        [
            VoucherRow(
                "企业职工基本养老保险费（含历年补缴及滞纳金）", long_category, Decimal("1.00")
            )
        ],
        taxpayer_name=long_name,
        payer_account="1234567890" * 4,  # no break opportunity at all
    )
    target = write_bank_voucher(doc, tmp_path / "long.pdf")
    words = [
        (x_min, x_max, word)  # the table's words (not the footer's)
        for x_min, y_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            pdftotext(target, "-bbox"),
        )
        if float(y_min) < PAGE_HEIGHT / 2
    ]
    info_value = (MARGIN + INFO_WIDTHS[0], MARGIN + INFO_WIDTHS[0] + INFO_WIDTHS[1])
    name_parts = [(float(a), float(b), w) for a, b, w in words if w and w in long_name]
    assert "".join(w for _, _, w in name_parts) == long_name  # all of it, over several lines
    assert len(name_parts) > 1
    category_left = MARGIN + ROW_WIDTHS[0]
    category = (category_left, category_left + ROW_WIDTHS[1])
    checks = [(name_parts, info_value)]
    checks.append(([(float(a), float(b), w) for a, b, w in words if w in long_category], category))
    checks.append(([(float(a), float(b), w) for a, b, w in words if w in "1234567890" * 4
                    and len(w) > 4], info_value))  # fmt: skip
    for parts, (left, right) in checks:
        assert parts
        for x_min, x_max, word in parts:
            assert left <= x_min and x_max <= right + 0.01, f"{word!r} leaves its cell"


@needs_poppler
def test_cjk_font_is_embedded(tmp_path: Path) -> None:
    font = pdf_fonts.cjk_font()
    if not font.embedded:
        pytest.skip(
            "no TrueType CJK font on this machine (install fonts-wqy-microhei or set "
            f"{pdf_fonts.FONT_ENV}); the PDF falls back to the unembedded STSong-Light"
        )
    target = write_bank_voucher(voucher(many_rows(3)), tmp_path / "font.pdf")
    fonts = pdffonts(target)
    assert fonts, "the PDF names no font"
    for row in fonts:  # no Helvetica or other unembedded base font either
        assert row[-5:-2] == ["yes", "yes", "yes"], f"not embedded+subset+unicode: {row}"
        assert "TrueType" in row


@needs_poppler
def test_cid_fallback_when_no_truetype_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallback = pdf_fonts.register(None)
    monkeypatch.setattr(bank_voucher_pdf, "cjk_font", lambda: fallback)
    target = write_bank_voucher(SAMPLE, tmp_path / "cid.pdf")
    assert [row[0] for row in pdffonts(target)] == ["STSong-Light"]
    assert "金额合计(大写): 贰角整" in pdftotext(target, "-layout")


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([], "没有应缴明细"),
        ([VoucherRow("a", "b", Decimal("1.005"))], "1.005"),  # not whole 分: would not add up
        ([VoucherRow("a", "b", Decimal("-1.00"))], "-1.00"),
        ([VoucherRow("a", "b", Decimal("NaN"))], "NaN"),
        ([VoucherRow("a", "b", Decimal("9999999999999.99"))] * 2, "超出了可以大写的范围"),
    ],
)
def test_bad_rows_are_refused_without_a_file(
    tmp_path: Path, rows: list[VoucherRow], fragment: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        write_bank_voucher(voucher(rows), tmp_path / "bad.pdf")
    assert fragment in user_message(caught.value)
    assert leftovers(tmp_path) == []


def test_failure_while_drawing_leaves_no_file_and_keeps_an_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "voucher.pdf"
    target.write_bytes(b"%PDF-old")

    def broken(doc: BankVoucherDocument, tmp: Path) -> None:
        tmp.write_bytes(b"%PDF-half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bank_voucher_pdf, "_build", broken)
    with pytest.raises(DocumentError) as caught:
        write_bank_voucher(SAMPLE, target)
    assert "No space left on device" in user_message(caught.value)
    assert leftovers(tmp_path) == ["voucher.pdf"] and target.read_bytes() == b"%PDF-old"


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "voucher.pdf"
    target.write_bytes(b"%PDF-old")
    write_bank_voucher(SAMPLE, target)
    assert target.read_bytes().startswith(b"%PDF-1.") and leftovers(tmp_path) == ["voucher.pdf"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        write_bank_voucher(SAMPLE, tmp_path / "gone" / "voucher.pdf")
    assert user_message(caught.value) == bank_voucher_pdf.FOLDER_MISSING


def test_unwritable_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name.endswith(".pdf.tmp"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(DocumentError) as caught:
        write_bank_voucher(SAMPLE, tmp_path / "x.pdf")
    assert user_message(caught.value) == bank_voucher_pdf.FOLDER_DENIED
    assert leftovers(tmp_path) == []


def test_target_held_open_by_a_reader_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a PDF a reader has open: say so, keep the old file."""
    target = tmp_path / "held.pdf"
    target.write_bytes(b"%PDF-old")

    def refused(src: Any, dst: Any) -> None:
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(DocumentError) as caught:
        write_bank_voucher(SAMPLE, target)
    assert "正在被其他程序" in user_message(caught.value)
    assert leftovers(tmp_path) == ["held.pdf"] and target.read_bytes() == b"%PDF-old"
