"""Amounts on the wire (docs/http-contract.md): strings of a finite number to the 分
("3533.34"), never floats; each wire module says how a malformed one is refused."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


def wire_amount(value: Any) -> Decimal | None:
    """A wire amount as Decimal; None when `value` is not one (not a string, not a finite
    number, or more than two decimals)."""
    if not isinstance(value, str):
        return None
    try:
        number = Decimal(value)
        if not number.is_finite() or number != number.quantize(CENT):
            return None
    except InvalidOperation:  # not a number, or too long to hold to the 分
        return None
    return number
