"""金额合计(大写): the PBoC rules for amounts in capitals, checked case by case and against a
slow digit-by-digit reference over many random amounts."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from client.documents.amount_words import MAX_CENTS, amount_in_words, to_cents


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # The brief's and the manual's figure (0.20 → 贰角整).
        ("0.20", "贰角整"),
        ("1005.00", "壹仟零伍元整"),
        ("3533.34", "叁仟伍佰叁拾叁元叁角肆分"),
        ("0.00", "零元整"),
        ("10.00", "壹拾元整"),
        ("100000.00", "壹拾万元整"),
        ("105000.00", "壹拾万零伍仟元整"),
        ("1.05", "壹元零伍分"),
        ("1.50", "壹元伍角整"),
        ("1000000001.01", "壹拾亿零壹元零壹分"),
        ("0.05", "伍分"),
        # The examples of 《正确填写票据和结算凭证的基本规定》 (with 整 after 角, rule 9).
        ("1409.50", "壹仟肆佰零玖元伍角整"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万零柒仟元伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
    ],
)
def test_documented_examples(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1.00", "壹元整"),
        ("9.00", "玖元整"),
        ("11.00", "壹拾壹元整"),  # 拾 always with its digit
        ("20.00", "贰拾元整"),
        ("101.00", "壹佰零壹元整"),  # one zero in the middle
        ("110.00", "壹佰壹拾元整"),
        ("1001.00", "壹仟零壹元整"),  # several zeros: one 零
        ("1010.00", "壹仟零壹拾元整"),
        ("1100.00", "壹仟壹佰元整"),  # trailing zeros: nothing
        ("10000.00", "壹万元整"),
        ("10001.00", "壹万零壹元整"),
        ("10010.00", "壹万零壹拾元整"),
        ("10100.00", "壹万零壹佰元整"),
        ("11000.00", "壹万壹仟元整"),
        ("100100.00", "壹拾万零壹佰元整"),
        ("1000000.00", "壹佰万元整"),
        ("10001000.00", "壹仟万零壹仟元整"),  # zeros at the 万 digit, across the boundary
        ("10101000.00", "壹仟零壹拾万零壹仟元整"),
        ("10000000.00", "壹仟万元整"),
        ("100000000.00", "壹亿元整"),
        ("100000001.00", "壹亿零壹元整"),  # an all-zero 万 group inside
        ("100010000.00", "壹亿零壹万元整"),
        ("110000000.00", "壹亿壹仟万元整"),
        ("101000000.00", "壹亿零壹佰万元整"),
        ("1010000000.00", "壹拾亿零壹仟万元整"),  # zero at the 亿 digit
        ("1200000000.00", "壹拾贰亿元整"),
        ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
        ("1000000000000.00", "壹万亿元整"),  # the 亿 group's own 万
        ("1000100000000.00", "壹万零壹亿元整"),
        ("1000000000001.00", "壹万亿零壹元整"),
        ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
        (
            "9999999999999.99",
            "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
        ("0.10", "壹角整"),  # 角 without 分, no 元
        ("0.01", "壹分"),  # 分 without 角, no 元 and no 零
        ("0.11", "壹角壹分"),
        ("10.05", "壹拾元零伍分"),  # 分 without 角 after 元 → 零X分
        ("100.50", "壹佰元伍角整"),  # 元 digit zero, 角 not: no 零 (rule 7)
        ("2000000000.50", "贰拾亿元伍角整"),
        ("100000000.01", "壹亿元零壹分"),
    ],
)
def test_zeros_in_every_position(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.005", "壹分"),  # half up, not half even
        ("0.015", "贰分"),
        ("0.004", "零元整"),
        ("2.675", "贰元陆角捌分"),
        ("9.995", "壹拾元整"),
        ("99999.995", "壹拾万元整"),
        ("9999999999999.994", "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1E+2", "壹佰元整"),
        ("-0.00", "零元整"),  # negative zero is zero
        ("12", "壹拾贰元整"),
    ],
)
def test_rounds_half_up_to_fen_first(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_whole_numbers_are_yuan() -> None:
    assert amount_in_words(105000) == "壹拾万零伍仟元整"
    assert amount_in_words(0) == "零元整"


@pytest.mark.parametrize(
    "amount",
    ["-0.01", "-0.005", "-1", "-Infinity", "Infinity", "NaN", "sNaN", "9999999999999.995",
     "10000000000000", "1E+40"],
)  # fmt: skip
def test_refuses_what_cannot_be_written(amount: str) -> None:
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))


def test_refuses_out_of_range_integers() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)
    with pytest.raises(ValueError):
        amount_in_words(10**13)


@pytest.mark.parametrize("amount", [1.5, "1.50", None, True])
def test_refuses_non_decimals(amount: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(amount)  # type: ignore[arg-type]


def test_to_cents() -> None:
    assert to_cents(Decimal("3533.345")) == 353335
    assert to_cents(Decimal("9999999999999.99")) == MAX_CENTS


# -- the property test -----------------------------------------------------------------

REF_DIGITS = "零壹贰叁肆伍陆柒捌玖"
# The unit each of the 13 integer positions carries (position 0 = 元 digit); 万 and 亿
# are added separately after positions 4 and 8 when their groups are not all zeros.
REF_PLACE = ["", "拾", "佰", "仟", "", "拾", "佰", "仟", "", "拾", "佰", "仟", "万"]


def reference_words(cents: int) -> str:
    """Slow and plain: the amount's 15 digits read one by one from the left."""
    text = str(cents).rjust(15, "0")
    integer, jiao, fen = text[:13], int(text[13]), int(text[14])
    out = ""
    written = False  # a non-zero integer digit is out
    zeros = False  # zeros seen since the last non-zero digit
    for i, ch in enumerate(integer):
        position = 12 - i
        if ch == "0":
            zeros = zeros or written
        else:
            if zeros:
                out += "零"
            out += REF_DIGITS[int(ch)] + REF_PLACE[position]
            written, zeros = True, False
        if position == 8 and integer[0:5].strip("0"):
            out += "亿"
        if position == 4 and integer[5:9].strip("0"):
            out += "万"
    if written:
        out += "元"
    if jiao:
        out += REF_DIGITS[jiao] + "角"
    if fen:
        out += ("零" if written and not jiao else "") + REF_DIGITS[fen] + "分"
    if not fen:
        out += "整" if written or jiao else "零元整"
    return out


def _random_cents(rng: random.Random) -> int:
    """Amounts of every length, rich in zeros (each digit is 0 half the time)."""
    length = rng.randint(1, 15)
    digits = [rng.choice("0123456789") if rng.random() < 0.5 else "0" for _ in range(length)]
    return int("".join(digits))


def test_reference_agrees_on_known_cases() -> None:
    """The reference itself reads the documented cases right, so agreeing with it means
    something."""
    assert reference_words(100000000101) == "壹拾亿零壹元零壹分"
    assert reference_words(10500000) == "壹拾万零伍仟元整"
    assert reference_words(20) == "贰角整"
    assert reference_words(5) == "伍分"
    assert reference_words(0) == "零元整"
    assert reference_words(105) == "壹元零伍分"


def test_matches_reference_on_random_amounts() -> None:
    rng = random.Random(20261204)
    for _ in range(30_000):
        cents = _random_cents(rng)
        amount = Decimal(cents).scaleb(-2)
        assert amount_in_words(amount) == reference_words(cents), amount


def test_matches_reference_on_every_small_amount() -> None:
    for cents in range(0, 200_001, 7):
        assert amount_in_words(Decimal(cents).scaleb(-2)) == reference_words(cents)
