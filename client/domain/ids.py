"""居民身份证号码 (GB 11643) and 统一社会信用代码 / 纳税人识别号 (GB 32100) checks.

Each check returns None when the value is valid, otherwise the Chinese sentence to show,
so that bad input is refused before any request is sent.
"""

from __future__ import annotations

from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ID_CARD = "01"  # 居民身份证 in the 证件类型 code table
# The 证件类型 code table as the tax bureau publishes it, for when the rule file is missing.
DEFAULT_ID_TYPES: dict[str, str] = {
    "01": "居民身份证",
    "02": "中国人民解放军军官证",
    "03": "中国人民武装警察警官证",
    "04": "港澳居民来往内地通行证",
    "06": "台湾居民来往大陆通行证",
    "07": "外国人永久居留身份证",
    "08": "外国护照",
    "17": "港澳台居民居住证",
}


def identity_check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def identity_number_error(value: str) -> str | None:
    """GB 11643-1999: 17 digits, a valid birth date, and the check character."""
    v = value.strip().upper()
    if not v:
        return "请填写证件号码。"
    if len(v) != 18:
        return f"居民身份证号码应为18位，当前为{len(v)}位。"
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return "居民身份证号码前17位应为数字，最后一位为数字或X。"
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "居民身份证号码中的出生日期不正确。"
    if born.year < 1900 or born > date.today():
        return "居民身份证号码中的出生日期不正确。"
    if identity_check_digit(v[:17]) != v[17]:
        return "居民身份证号码校验位不正确，请核对后重新输入。"
    return None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def taxpayer_id_error(value: str) -> str | None:
    """纳税人识别号: an 18-character 统一社会信用代码 (GB 32100, check character verified),
    or a legacy 15- or 20-character 税务登记号 (format only)."""
    v = value.strip().upper()
    if not v:
        return "请输入纳税人识别号。"
    if len(v) not in (15, 18, 20):
        return f"纳税人识别号应为15位、18位或20位，当前为{len(v)}位，请核对后重新输入。"
    if len(v) == 18:
        bad = [c for c in v if c not in USCC_CHARS]
        if bad:
            return (
                f"纳税人识别号中含有不允许的字符“{bad[0]}”"
                "（统一社会信用代码不使用字母I、O、S、V、Z），请核对后重新输入。"
            )
        if not v[2:8].isdigit():
            return "纳税人识别号第3至8位应为行政区划代码（数字），请核对后重新输入。"
        if uscc_check_char(v[:17]) != v[17]:
            return "纳税人识别号校验位不正确，请核对后重新输入。"
        return None
    if not v.isalnum() or not v.isascii():
        return "纳税人识别号只能包含数字和大写字母，请核对后重新输入。"
    if not v[:6].isdigit():
        return "纳税人识别号前6位应为行政区划代码（数字），请核对后重新输入。"
    return None


def normalize_taxpayer_id(value: str) -> str:
    return value.strip().upper()
