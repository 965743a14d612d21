"""Identity numbers (GB 11643) and unified social credit codes (GB 32100): check, build, generate."""

from __future__ import annotations

import random
import re
from datetime import date

# GB 11643-1999: 17 digits weighted by 2^(17-i) mod 11, check character from this table.
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]

# GB 11714-1997 organization code (positions 9-17 of a USCC): 8 characters + check.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_BODY = USCC_ALPHABET.replace("Y", "")

_LEGACY_TAXPAYER_RE = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{20}$")


def id_number_check(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """True for an 18-character 居民身份证号码 with a real birth date and a correct check character."""
    if not _ID_RE.match(value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    return id_number_check(value[:17]) == value[17]


def make_id_number(region: str, born: date, sequence: int) -> str:
    """Build an identity number; `sequence` 0..999, its parity is the gender (odd = 男)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check(first17)


def gender_of_id_number(value: str) -> str:
    return "男" if int(value[16]) % 2 == 1 else "女"


def birth_date_of_id_number(value: str) -> str:
    return f"{value[6:10]}-{value[10:12]}-{value[12:14]}"


def uscc_check(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """True for an 18-character 统一社会信用代码 of the right alphabet and check character."""
    if len(value) != 18 or any(c not in _USCC_VALUES for c in value):
        return False
    return uscc_check(value[:17]) == value[17]


def taxpayer_id_problem(value: str) -> str | None:
    """Why a 纳税人识别号 is not acceptable, or None when it is.

    18 characters must be a valid GB 32100 code; 15- and 20-character legacy numbers are
    checked by format only (digits and capital letters).
    """
    if len(value) == 18:
        if any(c not in _USCC_VALUES for c in value):
            return "统一社会信用代码只能由数字和大写字母（不含I、O、Z、S、V）组成"
        if uscc_check(value[:17]) != value[17]:
            return "统一社会信用代码的校验位不正确"
        return None
    if _LEGACY_TAXPAYER_RE.match(value):
        return None
    return "纳税人识别号应为15位、18位或20位的数字和大写字母"


def org_code_check(body8: str) -> str:
    """The GB 11714 check character for an 8-character organization code body."""
    total = sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def make_uscc(authority: str, category: str, region: str, org_body: str) -> str:
    """Build a 统一社会信用代码 from its parts (org_body: 8 characters of the code alphabet)."""
    first17 = f"{authority}{category}{region}{org_body}{org_code_check(org_body)}"
    return first17 + uscc_check(first17)


def random_org_body(rng: random.Random, modern: bool) -> str:
    """An organization code body: 'MA' + 6 characters for newer registrations, else 8 digits."""
    if modern:
        return "MA" + "".join(rng.choice(_ORG_BODY) for _ in range(6))
    return "".join(rng.choice("0123456789") for _ in range(8))
