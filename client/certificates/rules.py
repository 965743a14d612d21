"""What 证明打印 checks before asking the server, and its sentences for the clerk."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from client.domain.ids import ID_CARD, identity_number_error

ISSUE = "issue"  # 开具
REISSUE = "reissue"  # 补开
TICKET_KIND = "税收完税证明（非印刷）"

PERIOD_REQUIRED = "请输入费款所属期起止。"
PERIOD_ORDER = "费款所属期起不能晚于费款所属期止。"
FOLDER_DENIED = "无法保存到所选位置（文件夹不存在或没有写入权限），请选择其他位置后重试。"
VOIDED_NOTICE = "以下税收票证已作废，无法补开，如有疑问请向主管税务机关核实。"
NOTHING_TICKED = "请先勾选需要打印的缴费清单。"

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class CertificateError(Exception):
    """A refusal before anything is sent or written; `message` is the clerk's sentence."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_period(start: str | None, end: str | None) -> tuple[str, str]:
    if not start or not end or not MONTH.match(start) or not MONTH.match(end):
        raise CertificateError(PERIOD_REQUIRED)
    if start > end:
        raise CertificateError(PERIOD_ORDER)
    return start, end


def check_save_path(path: Path) -> Path:
    """The chosen file's folder must exist and take a new file: tried with a real temporary
    file there, before anything is asked of the server."""
    target = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=".~check.", suffix=".tmp", dir=target.parent)
    except OSError:
        raise CertificateError(FOLDER_DENIED) from None
    os.close(fd)
    os.unlink(name)
    return target


def ticket_file_name(ticket: dict, reissue: bool = False, personal: bool = False) -> str:
    """The suggested file name: 税收完税证明_<电子税票号码>[_第N次打印].pdf, for a resident
    个人税收完税证明_<姓名>_<电子税票号码>[_第N次打印].pdf"""
    if personal:
        base = f"个人税收完税证明_{ticket['taxpayer_name']}_{ticket['e_ticket_number']}"
    else:
        base = f"税收完税证明_{ticket['e_ticket_number']}"
    return f"{base}_第{ticket['print_count'] + 1}次打印.pdf" if reissue else f"{base}.pdf"


# -- 个人税收完税证明: which resident -------------------------------------------------------
NAME_OR_NUMBER = "请输入姓名或证件号码。"
MAX_NAME = 100
MAX_NUMBER = 40


def person_query(
    name: str | None, id_type: str | None, id_number: str | None
) -> dict[str, str | None]:
    """The 姓名/证件类型/证件号码 conditions of 个人税收完税证明 (姓名 or 证件号码 required; a 居民身份证
    number must pass GB 11643), trimmed, the number upper case; blanks as None."""
    name = (name or "").strip() or None
    id_type = (id_type or "").strip() or None
    id_number = (id_number or "").strip().upper() or None
    if not name and not id_number:
        raise CertificateError(NAME_OR_NUMBER, "name")
    if name and len(name) > MAX_NAME:
        raise CertificateError(f"姓名不能超过{MAX_NAME}个字。", "name")
    if id_number:
        if id_type == ID_CARD:
            problem = identity_number_error(id_number)
            if problem:
                raise CertificateError(problem, "id_number")
        elif len(id_number) > MAX_NUMBER or any(c.isspace() for c in id_number):
            raise CertificateError(
                f"证件号码应为不超过{MAX_NUMBER}位、不含空格的号码。", "id_number"
            )
    return {"name": name, "id_type": id_type, "id_number": id_number}


# -- 查验 -------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerifyField:
    key: str
    label: str
    required: bool


VERIFY_FIELDS = (
    VerifyField("taxpayer_id", "纳税人识别号", True),
    VerifyField("taxpayer_name", "纳税人名称", True),
    VerifyField("ticket_kind", "税收票证种类", True),
    VerifyField("e_ticket_number", "电子税票号码", True),
    VerifyField("region_code", "行政区划", True),
    VerifyField("amount", "金额合计", True),
    VerifyField("tax_authority_name", "主管税务机关", False),
    VerifyField("ticket_word", "票证字轨", False),
    VerifyField("ticket_number", "票证号码", False),
)
BAD_AMOUNT = "金额合计应为数字，最多两位小数，例如 3533.34。"


def verify_body(form: dict[str, str | None]) -> dict[str, str | None]:
    """The 查验 request from the form: required fields filled (the first empty one is
    named, as the server would), the amount a money figure; optional blanks sent as null."""
    body: dict[str, str | None] = {}
    for f in VERIFY_FIELDS:
        value = (form.get(f.key) or "").strip()
        if f.required and not value:
            raise CertificateError(f"请填写{f.label}。", f.key)
        body[f.key] = value or None
    try:
        amount = Decimal(str(body["amount"]).replace(",", ""))
    except InvalidOperation:
        raise CertificateError(BAD_AMOUNT, "amount") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise CertificateError(BAD_AMOUNT, "amount")
    body["amount"] = f"{amount:.2f}"
    body["check_code"] = (form.get("check_code") or "").strip() or None
    return body
