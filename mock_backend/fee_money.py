"""Money of the fee engine: amounts as integer 分, rates as exact fractions, half-up rounding.

`times(cents, rate)` equals `Decimal(base) * Decimal(rate)` quantized to 0.01 with
ROUND_HALF_UP, computed on integers so 100,000 lines take a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

CENT = Decimal("0.01")


def cents_of(text: str) -> int:
    """An amount string ("6000.00", "6000", "6000.5") in 分, rounded half-up to 分."""
    if len(text) > 3 and text[-3] == "." and text[0] != "-":
        return int(text[:-3]) * 100 + int(text[-2:])
    return int((Decimal(text).quantize(CENT, ROUND_HALF_UP) * 100).to_integral_value())


def text_of(cents: int) -> str:
    """分 as an amount string with two decimals ("-0.05" for -5)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate as written in the rule file ("0.1600") and as the exact fraction num / den."""

    text: str
    num: int
    den: int


@cache
def rate_of(text: str) -> Rate:
    exponent = Decimal(text).as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    den = 10**places
    return Rate(text, int(Decimal(text) * den), den)


ZERO_RATE = rate_of("0.0000")


def times(cents: int, rate: Rate) -> int:
    """cents × rate rounded half-up (away from zero on a tie) to whole 分."""
    product = cents * rate.num
    den2 = 2 * rate.den
    if product >= 0:
        return (2 * product + rate.den) // den2
    return -((-2 * product + rate.den) // den2)
