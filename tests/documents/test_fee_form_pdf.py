"""社会保险费缴费申报表 PDF: read back with poppler (pdftotext, pdffonts) — header, every
row's amount, the 合计 as the exact Decimal sum, 声明 blocks, footers, repeated column
titles, cells that keep their text inside, the embedded font, total mismatch, cancel.
Also the font finder's order and refusals, and the CID fallback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from client.documents import fee_form_pdf, pdf_fonts
from client.documents.fee_form_pdf import (
    COLUMNS,
    ITEMS,
    LEFT,
    PERSONS,
    DocumentError,
    FeeFormHeader,
    FeeFormLine,
    FeeFormTotalMismatch,
    format_money,
    write_fee_form,
)
from client.errors import user_message
from client.jobs import JobCancelled
from tests.support.pdf import leftovers, needs_poppler, page_texts, pdffonts, pdftotext

HEADER = FeeFormHeader(
    taxpayer_id="91440300MA5G7XKQ3R",
    taxpayer_name="深圳市前海示例科技有限公司",
    declared_on="2024-05-17",
    subtitle="（适用特殊缴费）",
    declaration_id="10014403000012345678",
    voucher_number="344030024000012345",
)
# Half-up cases a half-even format would get wrong, sub-cent amounts, big sums.
AWKWARD = [
    Decimal("0.005"), Decimal("0.004"), Decimal("1234.565"), Decimal("2.675"),
    Decimal("0.015"), Decimal("99999999.995"), Decimal("123456789012.34"), Decimal("-12.345"),
    Decimal("25000.00"), Decimal("7002.2"), Decimal("1.125"), Decimal("0"),
]  # fmt: skip
SPECIAL_TYPES = ["", "补缴", "退休补收", "政策性补缴"]


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


def item_line(i: int, amount: Decimal) -> FeeFormLine:
    return FeeFormLine(
        agency="深圳市社会保险基金管理局",
        unit_number=f"10{i:06d}",
        levy_item="企业职工基本养老保险费",
        levy_category="职工基本养老保险(单位缴纳)",
        period_start="2024-01",
        period_end="2024-03",
        base=Decimal("24000.005"),
        rate="16%+8%",
        amount=amount,
        special_type=SPECIAL_TYPES[i % 4],
        headcount=1000 + i,
    )


def person_line(i: int) -> FeeFormLine:
    return FeeFormLine(
        agency="深圳市社会保险基金管理局",
        unit_number="1000123456",
        levy_item="企业职工基本养老保险费",
        levy_category="职工基本养老保险(单位缴纳)",
        period_start="2024-01",
        period_end="2024-01",
        base=Decimal("5284.00") + i,
        rate="16%",
        amount=Decimal("845.445") + i,
        special_type=SPECIAL_TYPES[i % 4],
        person_number=f"P{i:09d}",
        name=["张三", "欧阳娜娜", "李四", "阿卜杜热合曼·买买提"][i % 4],
        id_type="居民身份证",
        id_number=f"4403001990{i:08d}",
    )


@needs_poppler
def test_items_form_reads_back_with_exact_amounts(tmp_path: Path) -> None:
    target = tmp_path / "申报表.pdf"
    result = write_fee_form(target, HEADER, (item_line(i, a) for i, a in enumerate(AWKWARD)), ITEMS)
    expected_total = sum((cents(a) for a in AWKWARD), Decimal(0))
    assert result.rows == len(AWKWARD)
    assert result.total == expected_total == Decimal("123556822240.60")
    assert result.pages == 1
    text = pdftotext(target, "-layout")
    assert "社会保险费缴费申报表（适用特殊缴费）" in text
    assert "申报编号：10014403000012345678" in text
    assert "应征凭证序号：344030024000012345" in text
    assert "纳税人识别号：91440300MA5G7XKQ3R" in text
    assert "纳税人名称（姓名）：深圳市前海示例科技有限公司" in text
    assert "申报日期：2024-05-17" in text
    titles = ["*序号", "*社会保险经办机构", "单位编号", "*征收项目", "*征收品目", "缴费人数",
              "*缴费基数", "*缴费比例", "*本期应缴金额"]  # fmt: skip
    for title in titles:
        assert title in text
    for i, amount in enumerate(AWKWARD):
        row = re.search(rf"^\s*{i + 1}\s+深圳市社会保险基金管理局\s.*$", text, re.M)
        assert row is not None, f"row {i + 1} missing"
        cells = row.group(0).split()
        assert cells[-1] == format_money(amount)  # 本期应缴金额, half up
        assert cells[-2] == (SPECIAL_TYPES[i % 4] or "正常")  # 特殊缴费类型
        assert f"10{i:06d}" in cells and f"{1000 + i:,}" in cells
        assert "24,000.01" in cells  # 缴费基数 half up, separators
    assert [format_money(a) for a in AWKWARD[:8]] == [
        "0.01", "0.00", "1,234.57", "2.68", "0.02", "100,000,000.00", "123,456,789,012.34",
        "-12.35",
    ]  # fmt: skip
    total_row = re.search(r"^\s*\*合计\s+(\S+)\s*$", text, re.M)
    assert total_row is not None and total_row.group(1) == "123,556,822,240.60"
    assert leftovers(tmp_path) == ["申报表.pdf"]


@needs_poppler
def test_declarations_and_footers(tmp_path: Path) -> None:
    target = tmp_path / "form.pdf"
    result = write_fee_form(target, HEADER, [item_line(1, Decimal("25000.00"))])
    pages = page_texts(target)
    assert len(pages) == result.pages == 1
    last = re.sub(r"\s+", "", pages[-1])
    for statement in (
        "*申报人声明（自然人缴费人）：",
        "*申报人声明（单位缴费人）：",
        "*代理人声明：本人已向税务机关申报缴费文件，确认以上申报信息真实无误。",
        "缴费人签名：",
        "法定代表人（负责人）签名：",
        "代理人（盖章）：",
    ):
        assert statement in last
    assert last.count("年月日") == 3
    assert "第1页共1页" in last


@needs_poppler
def test_multi_page_persons_form_repeats_titles_and_numbers_pages(tmp_path: Path) -> None:
    target = tmp_path / "persons.pdf"
    count = 200
    progress: list[int] = []
    result = write_fee_form(
        target, HEADER, (person_line(i) for i in range(count)), PERSONS, progress=progress.append
    )
    pages = page_texts(target)
    assert result.pages == len(pages) >= 6
    assert progress == [count]  # fewer rows than PROGRESS_EVERY: only the final call
    seen: list[int] = []
    for n, page in enumerate(pages, 1):
        flat = re.sub(r"\s+", "", page)
        assert "社会保险费缴费申报表（适用特殊缴费）" in flat
        for title in ("*社会保险经办机构", "人员编号", "姓名", "证件类型", "证件号码",
                      "*本期应缴金额"):  # fmt: skip
            assert title in flat, f"column title {title} missing on page {n}"
        assert f"第{n}页共{len(pages)}页" in flat
        seen += [int(m) for m in re.findall(r"^\s*(\d+)\s+深圳市社会保险基金管理局", page, re.M)]
    assert seen == list(range(1, count + 1))  # every row once, in order, across pages
    text = "\n".join(pages)
    for i in (0, 57, count - 1):
        row = re.search(rf"^\s*{i + 1}\s+深圳.*\sP{i:09d}\s.*$", text, re.M)
        assert row is not None
        assert row.group(0).split()[-1] == format_money(Decimal("845.445") + i)
        assert f"4403001990{i:08d}" in row.group(0)
    total = sum((cents(person_line(i).amount) for i in range(count)), Decimal(0))
    assert result.total == total
    assert re.search(rf"\*合计\s+{re.escape(format_money(total))}\s*$", pages[-1], re.M)


@needs_poppler
def test_progress_every_few_thousand_rows(tmp_path: Path) -> None:
    calls: list[int] = []
    rows = 2 * fee_form_pdf.PROGRESS_EVERY + 5
    write_fee_form(tmp_path / "p.pdf", HEADER, (person_line(i) for i in range(rows)),
                   PERSONS, progress=calls.append)  # fmt: skip
    every = fee_form_pdf.PROGRESS_EVERY
    assert calls == [every, 2 * every, rows]


@needs_poppler
def test_long_texts_stay_inside_their_cells(tmp_path: Path) -> None:
    target = tmp_path / "long.pdf"
    long_line = FeeFormLine(
        agency="国家税务总局深圳市南山区税务局第一税务所（办税服务厅）社会保险费征收管理科室",
        unit_number="1000123456789012345678",
        levy_item="企业职工基本养老保险费（含职业年金及地方补充养老保险）",
        levy_category="基本医疗保险收入单位灵活就业人员缴费（含大病医疗补助）",
        period_start="2024-01",
        period_end="2024-12",
        base=Decimal("99999999999.99"),
        rate="16%+8%+0.5%+1.2%",
        amount=Decimal("999999999999.99"),
        special_type="政策性补缴",
        headcount=1234567,
    )
    write_fee_form(target, HEADER, [long_line, item_line(2, Decimal("1.00"))], ITEMS)
    edges = [LEFT]
    for column in COLUMNS[ITEMS]:
        edges.append(edges[-1] + column.width)
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        pdftotext(target, "-bbox"),
    )
    table_words = [(float(a), float(b), w) for a, y, b, w in words if 110 < float(y) < 160]
    assert len(table_words) > 12
    for x_min, x_max, word in table_words:
        column = next(i for i in range(len(edges) - 1) if edges[i] <= x_min < edges[i + 1])
        assert x_max <= edges[column + 1] + 0.01, f"{word!r} overflows column {column}"
    flat = re.sub(r"\s+", "", pdftotext(target, "-raw"))
    assert "国家税务总局深圳市南山区税务局" in flat  # wrapped, not cut
    assert "999,999,999,999.99" in flat and "1,234,567" in flat


@needs_poppler
def test_cjk_font_is_embedded(tmp_path: Path) -> None:
    font = pdf_fonts.cjk_font()
    if not font.embedded:
        pytest.skip(
            "no TrueType CJK font on this machine (install fonts-wqy-microhei or set "
            f"{pdf_fonts.FONT_ENV}); the PDF falls back to the unembedded STSong-Light"
        )
    target = tmp_path / "font.pdf"
    write_fee_form(target, HEADER, [person_line(1)], PERSONS)
    fonts = pdffonts(target)
    assert fonts, "the PDF names no font"
    for row in fonts:
        assert row[-5:-2] == ["yes", "yes", "yes"], f"not embedded+subset+unicode: {row}"
        assert "TrueType" in row
    face = font.face.replace(" ", "")
    assert any(face in row[0] for row in fonts)


@needs_poppler
def test_cid_fallback_when_no_truetype_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallback = pdf_fonts.register(None)
    monkeypatch.setattr(fee_form_pdf, "cjk_font", lambda: fallback)
    target = tmp_path / "cid.pdf"
    result = write_fee_form(target, HEADER, [item_line(1, Decimal("0.005"))])
    assert result.total == Decimal("0.01")
    assert pdffonts(target) == [["STSong-Light", "CID", "Type", "0", "UniGB-UCS2-H", "no",
                                 "no", "no", "2", "0"]]  # fmt: skip
    assert "社会保险费缴费申报表（适用特殊缴费）" in pdftotext(target, "-layout")


def test_expected_total_mismatch_raises_and_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "mismatch.pdf"
    lines = [item_line(i, Decimal("100.10")) for i in range(3)]
    with pytest.raises(FeeFormTotalMismatch) as caught:
        write_fee_form(target, HEADER, lines, expected_total=Decimal("300.31"))
    assert isinstance(caught.value, DocumentError)
    assert caught.value.total == Decimal("300.30")
    message = user_message(caught.value)
    assert "不一致" in message and "300.30" in message and "300.31" in message
    assert leftovers(tmp_path) == []
    # the matching total is accepted, whatever its exponent
    result = write_fee_form(target, HEADER, lines, expected_total=Decimal("300.3"))
    assert result.total == Decimal("300.30") and target.is_file()


def test_cancel_leaves_no_partial_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    target = tmp_path / "cancelled.pdf"
    target.write_bytes(b"%PDF-old")
    calls = []

    def check_cancelled() -> None:
        calls.append(1)
        if len(calls) == 3:  # after two blocks of rows
            raise JobCancelled()

    consumed: list[int] = []

    def lines() -> Iterator[FeeFormLine]:
        for i in range(10_000):
            consumed.append(i)
            yield person_line(i)

    with pytest.raises(JobCancelled):
        write_fee_form(target, HEADER, lines(), PERSONS, check_cancelled=check_cancelled)
    assert len(consumed) <= 2 * fee_form_pdf.CANCEL_EVERY + 1  # stopped early, not at the end
    assert leftovers(tmp_path) == ["cancelled.pdf"]
    assert target.read_bytes() == b"%PDF-old"


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
        write_fee_form(tmp_path / "x.pdf", HEADER, [item_line(1, Decimal(1))])
    assert caught.value.message == fee_form_pdf.FOLDER_DENIED
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
        write_fee_form(target, HEADER, [item_line(1, Decimal(1))])
    assert "正在被其他程序" in user_message(caught.value)
    assert leftovers(tmp_path) == ["held.pdf"] and target.read_bytes() == b"%PDF-old"


@needs_poppler
def test_empty_form_still_has_total_and_declarations(tmp_path: Path) -> None:
    target = tmp_path / "empty.pdf"
    result = write_fee_form(target, FeeFormHeader("9144", "张三", "2024-01-01"), iter(()))
    assert (result.rows, result.pages, result.total) == (0, 1, Decimal(0))
    flat = re.sub(r"\s+", "", pdftotext(target, "-layout"))
    assert "*合计0.00" in flat and "*代理人声明" in flat and "第1页共1页" in flat
    assert "申报编号" not in flat  # not printed when unset


# -- the font finder ---------------------------------------------------------------------
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NOTO_CFF = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_env_font_comes_first(tmp_path: Path) -> None:
    env = {pdf_fonts.FONT_ENV: str(tmp_path / "mine.ttf")}
    paths = pdf_fonts.candidate_paths(env)
    assert next(paths) == tmp_path / "mine.ttf"
    assert next(paths) != tmp_path / "mine.ttf"  # then the system's files, each once


@pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei is not installed")
def test_finder_skips_missing_cff_and_non_chinese_fonts(tmp_path: Path) -> None:
    candidates = [tmp_path / "missing.ttf", NOTO_CFF, DEJAVU, WQY]
    found = pdf_fonts.find_cjk_font({}, candidates)
    assert found is not None
    font, path, index = found
    assert (path, index) == (WQY, 0)
    assert ord("申") in font.face.charToGlyph
    assert pdf_fonts.load_truetype(tmp_path / "missing.ttf") is None
    if NOTO_CFF.is_file():  # PostScript outlines cannot be embedded by reportlab
        assert pdf_fonts.load_truetype(NOTO_CFF) is None
    if DEJAVU.is_file():  # a TrueType font without Chinese characters
        assert pdf_fonts.load_truetype(DEJAVU) is None


def test_finder_reports_none_when_nothing_loads(tmp_path: Path) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    assert pdf_fonts.find_cjk_font({}, [junk, tmp_path / "absent.ttc"]) is None
