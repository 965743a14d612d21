"""Check digits (GB 11643, GB 32100) and 申报密码 rules, without I/O."""

from __future__ import annotations

import random

import pytest

from client.domain.ids import (
    USCC_CHARS,
    identity_check_digit,
    identity_number_error,
    taxpayer_id_error,
    uscc_check_char,
)
from client.domain.passwords import (
    collector_initial_password,
    employer_initial_password,
    new_password_error,
)


def test_known_valid_numbers() -> None:
    assert identity_number_error("11010519491231002X") is None
    assert identity_number_error("11010519491231002x") is None  # lower-case x accepted
    assert taxpayer_id_error("91350100M000100Y43") is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "请填写"),
        ("11010519491231002", "18位"),
        ("110105194912310021", "校验位"),
        ("110105194913310029", "出生日期"),
        ("11010519491231A02X", "前17位"),
    ],
)
def test_bad_identity_numbers(value: str, fragment: str) -> None:
    assert fragment in identity_number_error(value)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "请输入"),
        ("9135010", "当前为7位"),
        ("91350100M000100Y44", "校验位"),
        ("91350100M0001O0Y43", "不允许的字符“O”"),
        ("9135AB00M000100Y43", "行政区划"),
        ("44030019900101123", "当前为17位"),
    ],
)
def test_bad_taxpayer_ids(value: str, fragment: str) -> None:
    assert fragment in taxpayer_id_error(value)


def test_legacy_taxpayer_ids_pass_by_format() -> None:
    assert taxpayer_id_error("440300123456789") is None
    assert taxpayer_id_error("44030019900101123X01") is None
    assert "前6位" in taxpayer_id_error("ABC300123456789")


def test_generated_codes_validate_and_one_changed_character_fails() -> None:
    rng = random.Random(7)
    for _ in range(300):
        body = "91" + "".join(rng.choice("0123456789") for _ in range(6))
        body += "".join(rng.choice(USCC_CHARS) for _ in range(9))
        code = body + uscc_check_char(body)
        assert taxpayer_id_error(code) is None
        wrong = code[:-1] + USCC_CHARS[(USCC_CHARS.index(code[-1]) + 1) % 31]
        assert taxpayer_id_error(wrong) is not None
        digits = "440305" + "19900101" + "".join(rng.choice("0123456789") for _ in range(3))
        assert identity_number_error(digits + identity_check_digit(digits)) is None


def test_initial_passwords() -> None:
    assert employer_initial_password("1234") == "123400"
    assert employer_initial_password("12345") == "123450"
    assert employer_initial_password("44030012345678") == "345678"
    assert collector_initial_password("91350100m000100y43") == "100Y43"


def test_new_password_rules() -> None:
    assert new_password_error("123400", "Shebao2026", "Shebao2026") is None
    assert "不一致" in new_password_error("a", "Shebao2026", "Shebao2027")
    assert "8至20位" in new_password_error("a", "Ab1", "Ab1")
    assert "字母和数字" in new_password_error("a", "abcdefgh", "abcdefgh")
    assert "空格" in new_password_error("a", "abc 12345", "abc 12345")
    assert "相同" in new_password_error("Shebao2026", "Shebao2026", "Shebao2026")
