"""税收完税证明（非印刷） PDF read back with poppler (pdftotext, pdffonts, pdfinfo) and, where
installed, zbarimg: the contract's ticket, every row and the capitals, the print count and the
校验码, the 查验 QR payload (round trip, escapes, garbage), combined PDFs, many rows over pages,
the 预览 watermark, the embedded font, refusals and the atomic write."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.documents import pdf_fonts, tax_certificate_pdf
from client.documents.amount_words import amount_in_words
from client.documents.pdf_output import DocumentError, DocumentWriteError
from client.documents.tax_certificate_pdf import (
    QR_FIELDS,
    CertificateError,
    TaxCertificate,
    parse_qr_payload,
    qr_payload,
    write_tax_certificate,
    write_tax_certificates,
)
from client.errors import user_message
from tests.support.pdf import leftovers, money, needs_poppler, page_count, page_texts, pdftotext

needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) and pdftoppm are needed to read the QR code back",
)

ROW = {
    "line_id": "QF0000000001",
    "original_voucher": "10014403000123456789",
    "tax_kind": "企业职工基本养老保险费",
    "item_name": "企业职工基本养老保险（城镇职工）(单位缴纳)",
    "period_start": "2026-11-01",
    "period_end": "2026-11-30",
    "stored_on": "2026-12-04",
    "amount": "177.78",
}
# The contract's ticket with the rows of the manual's 纸质票面信息 (177.78 + 2,177.78 + 1,177.78).
TICKET: dict[str, Any] = {
    "ticket_id": "WS0000000001",
    "e_ticket_number": "344030261200000001",
    "ticket_kind": "税收完税证明（非印刷）",
    "ticket_word": "(2026)粤税证",
    "ticket_number": "0000000001",
    "taxpayer_id": "91440300MA5G7XKQ3R",
    "taxpayer_name": "深圳市前海示例科技有限公司",
    "tax_authority_code": "14403060000",
    "tax_authority_name": "国家税务总局深圳市宝安区税务局",
    "region_code": "440306",
    "treasury_name": "国家金库深圳市宝安区支库",
    "stored_on": "2026-12-04",
    "period_start": "2026-11",
    "period_end": "2026-11",
    "amount": "3533.34",
    "amount_in_words": "叁仟伍佰叁拾叁元叁角肆分",
    "status": "已开具",
    "issued_on": "2026-12-04",
    "issuer": "单位社保费管理客户端",
    "print_count": 4,
    "check_code": "7Q2K-9D4M-X8PA-3C6T",
    "remark": "正常申报 主管税务所(科、分局): 国家税务总局深圳市宝安区税务局",
    "voided_by": None,
    "voided_on": None,
    "void_reason": None,
    "rows": [
        {**ROW, "line_id": "QF0000000001", "original_voucher": "463016100004",
         "period_start": "2026-07-01", "period_end": "2026-07-31", "amount": "177.78"},
        {**ROW, "line_id": "QF0000000002", "original_voucher": "463016100005",
         "tax_kind": "失业保险费", "item_name": "失业保险(单位缴纳)", "amount": "2177.78"},
        {**ROW, "line_id": "QF0000000003", "original_voucher": "463016100006",
         "period_start": "2026-04-01", "period_end": "2026-04-30", "amount": "1177.78"},
    ],
}  # fmt: skip


def ticket(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(TICKET), **changes}


def ticket_with_rows(amounts: list[str], **changes: Any) -> dict[str, Any]:
    rows = [
        {**ROW, "original_voucher": f"1001440300{i:010d}", "amount": amount}
        for i, amount in enumerate(amounts)
    ]
    total = sum((Decimal(a) for a in amounts), Decimal(0))
    return ticket(rows=rows, amount=f"{total}", **changes)


def test_from_wire_reads_the_contract_ticket() -> None:
    cert = TaxCertificate.from_wire(TICKET)
    assert cert.e_ticket_number == "344030261200000001"
    assert (cert.ticket_word, cert.ticket_number) == ("(2026)粤税证", "0000000001")
    assert cert.issued_on == date(2026, 12, 4) and cert.print_count == 4
    assert cert.amount == Decimal("3533.34") == cert.rows_total
    assert [r.amount for r in cert.rows] == [
        Decimal("177.78"),
        Decimal("2177.78"),
        Decimal("1177.78"),
    ]
    assert cert.rows[0].period_start == date(2026, 7, 1)
    assert cert.rows[1].tax_kind == "失业保险费"
    unissued = TaxCertificate.from_wire(ticket(issued_on=None, print_count=0, status="未开具"))
    assert unissued.issued_on is None and unissued.print_count == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"e_ticket_number": ""}, "e_ticket_number"),
        ({"taxpayer_id": None}, "taxpayer_id"),
        ({"amount": "3,533.34"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"issued_on": "2026-13-01"}, "issued_on"),
        ({"print_count": "4"}, "print_count"),
        ({"rows": None}, "rows"),
        ({"rows": [{**ROW, "stored_on": "2026/12/04"}]}, "stored_on"),
        ({"rows": [{**ROW, "amount": 177.78}]}, "amount"),
    ],
)
def test_from_wire_refuses_malformed_tickets(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match="完税证明的数据不完整") as caught:
        TaxCertificate.from_wire(ticket(**changes))
    assert field in str(caught.value)


@needs_poppler
def test_ticket_reads_back_like_the_manual_figure(tmp_path: Path) -> None:
    target = write_tax_certificate(tmp_path / "ticket.pdf", TaxCertificate.from_wire(TICKET))
    assert target == tmp_path / "ticket.pdf" and leftovers(tmp_path) == ["ticket.pdf"]
    [text] = page_texts(target)
    flat = re.sub(r"\s+", "", text)
    assert "中华人民共和国" in text and "税收完税证明" in text
    assert "电子税票号码" in text and "No. 344030261200000001" in text
    assert "票证字轨：(2026)粤税证" in text and "票证号码：0000000001" in text
    assert "行政区划：440306" in text
    assert re.search(r"填发日期：2026年12月4日\s+税务机关：国家税务总局深圳市宝安区税务局", text)
    assert re.search(
        r"纳税人识别号\s+91440300MA5G7XKQ3R\s+纳税人名称\s+深圳市前海示例科技有限公司", text
    )
    assert re.search(
        r"原凭证号\s+税种\s+品目名称\s+税款所属时期\s+入\(退\)库日期\s+实缴\(退\)金额", text
    )
    rows = re.findall(
        r"^\s*(\d{12})\s.*?(\d{4}-\d\d-\d\d)至(\d{4}-\d\d-\d\d)\s+(\d{4}-\d\d-\d\d)\s+([\d,]+\.\d\d)",
        text,
        re.M,
    )
    assert rows == [
        ("463016100004", "2026-07-01", "2026-07-31", "2026-12-04", "177.78"),
        ("463016100005", "2026-11-01", "2026-11-30", "2026-12-04", "2,177.78"),
        ("463016100006", "2026-04-01", "2026-04-30", "2026-12-04", "1,177.78"),
    ]
    assert "失业保险费" in text and "失业保险(单位缴纳)" in text
    assert re.search(r"金额合计\s+\(大写\) 人民币叁仟伍佰叁拾叁元叁角肆分\s+¥3,533.34", text)
    assert sum(money(r[-1]) for r in rows) == Decimal("3533.34")
    assert re.search(r"税务机关（盖章）\s+填票人\s+单位社保费管理客户端", text)
    raw = re.sub(r"\s+", "", pdftotext(target, "-raw"))  # a wrapped cell's lines in order
    assert "备注：正常申报主管税务所(科、分局):国家税务总局深圳市宝安区税务局" in raw
    assert re.search(r"第4次打印\s+妥善保存", text)
    assert "校验码：7Q2K-9D4M-X8PA-3C6T" in text
    margin = "".join(re.findall(r"\s(\S)\s*$", text, re.M))  # one character a line
    assert "收据联交纳税人作完税证明" in margin
    assert "续" not in text and "仅供预览" not in flat


@needs_poppler
def test_capitals_follow_the_amount(tmp_path: Path) -> None:
    doc = TaxCertificate.from_wire(ticket_with_rows(["0.20", "1000000.00", "5.00"]))
    text = pdftotext(write_tax_certificate(tmp_path / "t.pdf", doc), "-layout")
    assert doc.amount == Decimal("1000005.20")
    assert f"(大写) 人民币{amount_in_words(doc.amount)}" in text
    assert "人民币壹佰万零伍元贰角整" in text and "¥1,000,005.20" in text


@needs_poppler
def test_unissued_ticket_prints_no_count_and_no_date(tmp_path: Path) -> None:
    doc = TaxCertificate.from_wire(ticket(issued_on=None, print_count=0, issuer=None))
    text = pdftotext(write_tax_certificate(tmp_path / "t.pdf", doc), "-layout")
    assert "次打印" not in text and "妥善保存" in text
    assert re.search(r"填发日期：\s+税务机关", text)


@needs_poppler
def test_combined_pdf_has_one_page_per_ticket(tmp_path: Path) -> None:
    certs = [
        TaxCertificate.from_wire(
            ticket_with_rows(
                [f"{100 + n}.{n:02d}", "5.00"],
                e_ticket_number=f"3440302612{n:08d}",
                print_count=n,
            )
        )
        for n in range(1, 8)
    ]
    target = write_tax_certificates(tmp_path / "year.pdf", certs)
    pages = page_texts(target)
    assert page_count(target) == len(pages) == 7
    for n, (cert, text) in enumerate(zip(certs, pages, strict=True), 1):
        assert f"No. {cert.e_ticket_number}" in text
        assert f"第{n}次打印" in text
        assert f"¥{105 + n}.{n:02d}" in text


@needs_poppler
def test_many_rows_flow_over_pages_and_keep_the_total_last(tmp_path: Path) -> None:
    amounts = [f"{1000 + i * 37}.{i % 100:02d}" for i in range(45)]
    doc = TaxCertificate.from_wire(ticket_with_rows(amounts))
    target = write_tax_certificate(tmp_path / "many.pdf", doc)
    pages = page_texts(target)
    assert len(pages) == page_count(target) > 1
    for number, text in enumerate(pages, 1):
        assert "No. 344030261200000001" in text
        assert re.search(r"原凭证号\s+税种\s+品目名称", text), number
        assert ("税收完税证明（续）" in text) == (number > 1)
        assert ("（续下页）" in text) == (number < len(pages))
    assert all("金额合计" not in text for text in pages[:-1])
    printed = [
        money(m)
        for m in re.findall(
            r"^\s*1001440300\d{10}\s.*?([\d,]+\.\d\d)\s*\S?$", "\n".join(pages), re.M
        )
    ]
    assert printed == [Decimal(a) for a in amounts]
    total = re.search(r"¥([\d,]+\.\d\d)", pages[-1])
    assert total is not None and money(total.group(1)) == sum(printed) == doc.amount
    assert f"人民币{amount_in_words(doc.amount)}" in pages[-1]


@needs_poppler
def test_preview_has_a_watermark(tmp_path: Path) -> None:
    doc = TaxCertificate.from_wire(TICKET)
    plain = pdftotext(write_tax_certificate(tmp_path / "plain.pdf", doc), "-layout")
    preview = pdftotext(
        write_tax_certificate(tmp_path / "preview.pdf", doc, watermark="仅供预览"), "-layout"
    )
    assert all(ch in preview for ch in "仅供预览")
    assert not any(ch in plain for ch in "仅供预览")
    assert "¥3,533.34" in preview  # the ticket itself is unchanged


@needs_poppler
def test_cjk_font_is_embedded(tmp_path: Path) -> None:
    if not pdf_fonts.cjk_font().embedded:
        pytest.skip("no TrueType CJK font on this machine; PDFs fall back to STSong-Light")
    target = write_tax_certificate(tmp_path / "font.pdf", TaxCertificate.from_wire(TICKET))
    out = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True)
    fonts = [line.split() for line in out.stdout.splitlines()[2:]]
    assert fonts
    for row in fonts:  # no Helvetica or other unembedded base font either
        assert row[-5:-2] == ["yes", "yes", "yes"], f"not embedded+subset+unicode: {row}"
        assert "TrueType" in row


def test_qr_payload_round_trip() -> None:
    cert = TaxCertificate.from_wire(TICKET)
    payload = qr_payload(cert)
    assert payload.startswith("SBFWSZM|v1|91440300MA5G7XKQ3R|深圳市前海示例科技有限公司|")
    fields = parse_qr_payload(payload)
    assert list(fields) == list(QR_FIELDS)
    assert fields == {
        "taxpayer_id": "91440300MA5G7XKQ3R",
        "taxpayer_name": "深圳市前海示例科技有限公司",
        "ticket_kind": "税收完税证明（非印刷）",
        "e_ticket_number": "344030261200000001",
        "region_code": "440306",
        "amount": "3533.34",
        "ticket_word": "(2026)粤税证",
        "ticket_number": "0000000001",
        "check_code": "7Q2K-9D4M-X8PA-3C6T",
    }
    assert parse_qr_payload(payload + "\n") == fields  # a scanner's line end


def test_qr_payload_escapes_separators_inside_fields() -> None:
    name = "深圳|某某%7C公司\n（筹）"
    cert = TaxCertificate.from_wire(ticket(taxpayer_name=name, check_code="", amount="3533.34"))
    payload = qr_payload(cert)
    assert payload.count("|") == 2 + len(QR_FIELDS) - 1 and "\n" not in payload
    fields = parse_qr_payload(payload)
    assert fields["taxpayer_name"] == name.strip() and fields["check_code"] == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "https://example.invalid/verify?no=1",
        "SBFWSZM|v2|a|b|c|1|2|3.00|||",
        "SBFWSZM|v1|a|b|c|1|2",  # fields missing
        "SBFWSZM|v1|a|b|c|1|2|3.00||||extra",
        "SBFWSZM|v1||b|c|1|2|3.00|||",  # 纳税人识别号 empty
        "SBFWSZM|v1|a|b|c|1|2|三千|||",  # not an amount
        "SBFWSZM|v1|a|b|c|1|2|3.001|||",
        "SBFWSZM|v1|a|b|c|ABC|2|3.00|||",  # 电子税票号码 not digits
        "SBFWSZM|v1|a|b%ZZ|c|1|2|3.00|||",  # a broken escape
        "SBFWSZM|v1|a|b%7|c|1|2|3.00|||",
    ],
)
def test_parse_qr_payload_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_qr_payload(text)
    assert str(caught.value).startswith("二维码不是税收完税证明的查验信息")


@needs_zbar
def test_qr_code_on_the_ticket_scans_to_the_payload(tmp_path: Path) -> None:
    cert = TaxCertificate.from_wire(ticket(taxpayer_name="深圳市前海|示例科技有限公司"))
    target = write_tax_certificate(tmp_path / "qr.pdf", cert)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(target), str(tmp_path / "p")],
        check=True,
    )
    [png] = tmp_path.glob("p*.png")
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert scanned == qr_payload(cert)
    assert parse_qr_payload(scanned)["taxpayer_name"] == "深圳市前海|示例科技有限公司"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"amount": "3533.35"}, "不一致"),  # one 分 more than the rows
        ({"amount": "3533.340"}, None),  # the same amount, another exponent: accepted
        ({"rows": [], "amount": "0"}, "没有入库明细"),
        ({"rows": [{**ROW, "amount": "1.005"}], "amount": "1.005"}, "1.005"),
        ({"rows": [{**ROW, "amount": "-1.00"}], "amount": "-1.00"}, "-1.00"),
    ],
)
def test_tickets_that_do_not_add_up_are_refused(
    tmp_path: Path, changes: dict[str, Any], fragment: str | None
) -> None:
    cert = TaxCertificate.from_wire(ticket(**changes))
    target = tmp_path / "bad.pdf"
    if fragment is None:
        assert write_tax_certificate(target, cert).is_file()
        return
    with pytest.raises(CertificateError) as caught:
        write_tax_certificate(target, cert)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, DocumentError)
    assert fragment in user_message(caught.value) and "未生成完税证明" in user_message(caught.value)
    assert leftovers(tmp_path) == []


def test_combined_pdf_is_refused_whole_when_one_ticket_is_wrong(tmp_path: Path) -> None:
    good = TaxCertificate.from_wire(TICKET)
    bad = TaxCertificate.from_wire(ticket(e_ticket_number="344030261200000002", amount="1.00"))
    with pytest.raises(CertificateError, match="344030261200000002"):
        write_tax_certificates(tmp_path / "all.pdf", [good, bad])
    with pytest.raises(CertificateError, match="没有要打印的完税证明"):
        write_tax_certificates(tmp_path / "none.pdf", [])
    assert leftovers(tmp_path) == []


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
        write_tax_certificate(tmp_path / "x.pdf", TaxCertificate.from_wire(TICKET))
    assert isinstance(caught.value, DocumentWriteError)
    assert user_message(caught.value) == tax_certificate_pdf.WRITE_MESSAGES.folder_denied
    assert leftovers(tmp_path) == []


def test_missing_folder_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        write_tax_certificate(tmp_path / "gone" / "x.pdf", TaxCertificate.from_wire(TICKET))
    assert user_message(caught.value) == tax_certificate_pdf.WRITE_MESSAGES.folder_missing


def test_failure_while_drawing_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "ticket.pdf"
    target.write_bytes(b"%PDF-old")

    def full_disk(self: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tax_certificate_pdf._TicketPages, "save", full_disk)
    with pytest.raises(OSError) as caught:
        write_tax_certificate(target, TaxCertificate.from_wire(TICKET))
    assert "No space left on device" in user_message(caught.value)
    assert leftovers(tmp_path) == ["ticket.pdf"] and target.read_bytes() == b"%PDF-old"
