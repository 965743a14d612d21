"""The 委托扣款协议书 of a 居民两两协议 read back with poppler: one A4 page naming the three parties
(代收单位, 缴费人, 账户所有人), the 扣款账户 and the date, with its CJK font embedded; an
agreement missing a party or the account is refused with a sentence and leaves no file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from client.authorisation.agreements import TERMS_NAME, print_agreement, terms_pdf
from client.documents.agreement_pdf import (
    TITLE,
    AgreementDocument,
    Party,
    suggested_name,
    write_agreement_pdf,
)
from client.documents.pdf_fonts import cjk_font
from client.documents.pdf_output import DocumentError
from tests.support.pdf import compact, leftovers, needs_poppler, page_count, pdf_text, pdffonts

ID_TYPES = {"01": "居民身份证", "02": "中国护照"}
ROW: dict[str, Any] = {
    "agreement_id": "LL510100202612200001",
    "name": "李蕊育", "id_type": "01", "id_number": "510116198806063128",
    "holder_name": "王大山", "holder_id_type": "01", "holder_id_number": "510116196501011237",
    "account_type": "他人账户", "phone": "13812345678", "state": "有效",
    "bank_name": "中国工商银行", "branch_name": "中国工商银行成都双流永安支行",
    "account_number": "6222021234567890123",
    "tax_authority": "国家税务总局成都市双流区税务局永安税务所",
    "signed_at": "2026-12-20 10:15:00",
}  # fmt: skip
COLLECTOR = ("成都市双流区永安镇付家坝村村民委员会", "54510116400769230W")


def document(**changes: Any) -> AgreementDocument:
    return AgreementDocument.of({**ROW, **changes}, *COLLECTOR, ID_TYPES)


def test_the_document_of_an_agreement_row() -> None:
    doc = document()
    assert doc.payer == Party("李蕊育", "居民身份证", "510116198806063128")
    assert doc.holder == Party("王大山", "居民身份证", "510116196501011237")
    assert doc.signed_on == date(2026, 12, 20) and doc.account_type == "他人账户"
    assert suggested_name(doc) == "委托扣款协议书_李蕊育_LL510100202612200001.pdf"


@needs_poppler
def test_other_account_agreement_names_the_parties(tmp_path: Path) -> None:
    target = write_agreement_pdf(document(), tmp_path / "协议书.pdf")
    assert page_count(target) == 1
    text = compact(pdf_text(target))
    assert compact(TITLE) in text and "税银两两协议" in text
    for expected in (
        "协议号：LL510100202612200001",
        "代收单位",
        "名称成都市双流区永安镇付家坝村村民委员会",
        "纳税人识别号54510116400769230W",
        "缴费人",
        "姓名李蕊育",
        "证件号码510116198806063128",
        "账户所有人",
        "姓名王大山",
        "证件号码510116196501011237",
        "预留手机号码13812345678",
        "开户银行中国工商银行",
        "开户网点中国工商银行成都双流永安支行",
        "缴费账号6222021234567890123",
        "所属税务机关国家税务总局成都市双流区税务局永安税务所",
        "费批扣",
        "缴费人（签字）",
        "账户所有人（签字）",
        "代收单位（盖章）",
        "2026年12月20日",
        "短信验证码授权同意",
    ):
        assert expected in text, expected
    fonts = pdffonts(target)
    assert fonts, "the PDF names no font"
    if cjk_font().embedded:
        assert all(row[-5] == "yes" for row in fonts), fonts  # the emb column
        assert not any(row[0] == "Helvetica" for row in fonts)


@needs_poppler
def test_own_account_agreement(tmp_path: Path) -> None:
    doc = document(
        account_type="本人账户", holder_name="李蕊育", holder_id_number="510116198806063128",
        phone=None,
    )  # fmt: skip
    target = print_agreement(
        {**ROW, "account_type": "本人账户", "holder_name": "李蕊育",
         "holder_id_number": "510116198806063128", "phone": None},
        tmp_path / "documents" / "unit",
        *COLLECTOR,
        ID_TYPES,
    )  # fmt: skip
    assert target == tmp_path / "documents" / "unit" / suggested_name(doc)
    text = compact(pdf_text(target))
    assert "（协议人本人）" in text and "账户类型本人账户" in text
    assert "王大山" not in text and text.count("510116198806063128") == 2


def test_an_incomplete_agreement_is_refused(tmp_path: Path) -> None:
    for changes, what in (
        ({"account_number": ""}, "缴费账号"),
        ({"holder_name": ""}, "账户所有人"),
    ):
        with pytest.raises(DocumentError) as caught:
            write_agreement_pdf(document(**changes), tmp_path / "x.pdf")
        assert caught.value.message == f"该协议缺少{what}，无法打印协议书。请重新查询后再打印。"
    assert leftovers(tmp_path) == []


@needs_poppler
def test_the_terms_offered_before_signing(tmp_path: Path) -> None:
    target = terms_pdf(tmp_path / "new", *COLLECTOR)
    assert target.name == TERMS_NAME and page_count(target) == 1
    text = compact(pdf_text(target))
    assert "名称成都市双流区永安镇付家坝村村民委员会" in text
    assert "协议号：（签订后生成）" in text and "七、本协议一式三份" in text
    assert "________年____月____日" in text
    if cjk_font().embedded:
        assert all(row[-5] == "yes" for row in pdffonts(target))
