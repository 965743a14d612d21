"""金额合计(大写): an amount in Chinese capitals as a bank voucher prints it (no Qt).

The rules are the People's Bank of China's 《正确填写票据和结算凭证的基本规定》 (第一条 to
第三条 on 中文大写金额数字), with the choices that rule leaves open made as follows:

1. Digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, 元角分, and 整 (never 正, 圆, 十, 两).
2. The amount is first rounded half up to the 分; negative amounts, NaN and infinities are
   refused (ValueError), and so is anything from 10,000,000,000,000.00 up.
3. The integer part is written in groups of four digits (个, 万, 亿); 万 and 亿 follow a
   group only when it is not all zeros. 亿 is the largest unit: up to 9,999,999,999,999 yuan
   the 亿 group has five digits and is itself written with 万 (壹万贰仟叁佰肆拾伍亿…, i.e.
   "万亿", never 兆).
4. 拾 always carries its digit: 10 → 壹拾, 100000 → 壹拾万 (a bare 拾 could be altered).
5. One 零 stands for every run of zeros *between* two non-zero digits of the integer part,
   also across a 万 or 亿 boundary (规定 3(1)(2), and the option of 3(3) that writes the
   零): 1005 → 壹仟零伍, 105000 → 壹拾万零伍仟, 1000000001 → 壹拾亿零壹. Zeros at the end of
   the integer part are not written: 100000 → 壹拾万.
6. The integer part ends with 元, unless it is 0 and there are 角 or 分: 0.20 → 贰角整,
   0.05 → 伍分 (no 元, no leading 零). Zero as a whole is 零元整.
7. When 元 is 0 but 角 is not (1680.32), no 零 is written before the 角 (the other
   option of 3(3): 壹仟陆佰捌拾元叁角贰分, as in its example 壹拾万零柒仟元伍角叁分).
8. When 角 is 0 and 分 is not, 零 is written after 元 (规定 3(4)): 1.05 → 壹元零伍分.
9. 整 ends every amount without 分: after 元 (1005.00 → 壹仟零伍元整) and after 角, where the
   rule allows it and the 征收系统's voucher prints it (0.20 → 贰角整, 1.50 → 壹元伍角整).
   After 分 nothing follows.

The leading 人民币 of the rule is not part of the result: the voucher's label carries it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
MAX_CENTS = 10**15 - 1  # 9,999,999,999,999.99 yuan
_CENT = Decimal("0.01")
_TEN_THOUSAND = 10**4
_HUNDRED_MILLION = 10**8


def _group_words(n: int) -> str:
    """0 < n < 10,000 in capitals, with 零 for inner zeros only (1001 → 壹仟零壹)."""
    out: list[str] = []
    zero_pending = False
    for place, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[digit] + unit)
    return "".join(out)


# Every four-digit group once, so a call only joins a few strings.
_GROUPS: tuple[str, ...] = ("", *(_group_words(n) for n in range(1, _TEN_THOUSAND)))


def _below_hundred_million(n: int) -> str:
    """0 < n < 10^8 in capitals (rule 5 inside, no 零 in front)."""
    high, low = divmod(n, _TEN_THOUSAND)
    if not high:
        return _GROUPS[low]
    if not low:
        return _GROUPS[high] + "万"
    # A zero between the groups: the 万 digit (high ends in 0) or the 仟 digit (low < 1000).
    joint = "万零" if high % 10 == 0 or low < 1000 else "万"
    return _GROUPS[high] + joint + _GROUPS[low]


def _integer_words(n: int) -> str:
    """0 < n < 10^13 in capitals, without 元."""
    if n < _HUNDRED_MILLION:
        return _below_hundred_million(n)
    high, low = divmod(n, _HUNDRED_MILLION)
    words = _below_hundred_million(high) + "亿"
    if not low:
        return words
    if high % 10 == 0 or low < _HUNDRED_MILLION // 10:
        words += "零"
    return words + _below_hundred_million(low)


def to_cents(amount: Decimal | int) -> int:
    """`amount` rounded half up to the 分, as a whole number of 分; ValueError for what
    cannot be written (negative, NaN, infinite, too large), TypeError for non-Decimals."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    if isinstance(amount, int):
        if amount < 0 or amount > MAX_CENTS // 100:
            raise ValueError(f"amount out of range: {amount}")
        return amount * 100
    if not amount.is_finite():
        raise ValueError(f"amount must be a finite number: {amount}")
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    try:
        cents = int(amount.quantize(_CENT, ROUND_HALF_UP).scaleb(2))
    except InvalidOperation as exc:  # more digits than the context's precision
        raise ValueError(f"amount out of range: {amount}") from exc
    if cents > MAX_CENTS:
        raise ValueError(f"amount out of range: {amount}")
    return cents


def amount_in_words(amount: Decimal | int) -> str:
    """The amount in Chinese capitals by the rules above: Decimal("3533.34") →
    "叁仟伍佰叁拾叁元叁角肆分"."""
    cents = to_cents(amount)
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    if not yuan:
        if not fraction:
            return "零元整"
        head = ""
    else:
        head = _integer_words(yuan) + "元"
    if not fraction:
        return head + "整"
    if not jiao:
        return head + ("零" if head else "") + DIGITS[fen] + "分"
    if not fen:
        return head + DIGITS[jiao] + "角整"
    return head + DIGITS[jiao] + "角" + DIGITS[fen] + "分"
