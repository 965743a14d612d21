"""税收完税证明（非印刷） PDF read back with poppler (pdftotext, pdffonts, pdfinfo) and, where
installed, zbarimg: the contract's ticket, every row and the capitals, the print count and the
校验码, the 查验 QR code, combined PDFs, many rows over pages, the 预览 watermark, the embedded
font, refusals and the atomic write."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from client.documents import pdf_fonts, tax_certificate_pdf
from client.documents.amount_words import amount_in_words
from client.documents.pdf_output import DocumentError, DocumentWriteError
from client.documents.tax_certificate import (
    CertificateError,
    TaxCertificate,
    parse_qr_payload,
    qr_payload,
)
from client.documents.tax_certificate_pdf import write_tax_certificate, write_tax_certificates
from client.errors import user_message
from tests.documents.test_tax_certificate import ROW, TICKET, ticket
from tests.support.pdf import leftovers, money, needs_poppler, page_count, page_texts, pdftotext

needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) and pdftoppm are needed to read the QR code back",
)


def ticket_with_rows(amounts: list[str], **changes: Any) -> dict[str, Any]:
    rows = [
        {**ROW, "original_voucher": f"1001440300{i:010d}", "amount": amount}
        for i, amount in enumerate(amounts)
    ]
    total = sum((Decimal(a) for a in amounts), Decimal(0))
    return ticket(rows=rows, amount=f"{total}", **changes)


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
