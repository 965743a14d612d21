"""金额合计(大写) of a ticket: integer 分 in Chinese capitals by the PBoC rules, with the same
choices as the client's voucher (one 零 for every inner run of zeros, also across 万 and 亿; 零
after 元 when 角 is 0 and 分 is not; 整 after 元 or 角): 1005 → 壹拾元零伍分, 10000 → 壹佰元整.
The backend keeps its own copy because it never imports the client."""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")


def _integer_words(n: int) -> str:
    """0 < n < 10^16 in capitals without 元. 万 follows a non-zero 万 group (also the 万 of
    万亿), 亿 follows when anything from the 亿 digit up is non-zero; one 零 stands for each
    run of zeros between two non-zero digits."""
    digits = str(n)
    out: list[str] = []
    zero_pending = False
    for index, digit in enumerate(digits):
        place = len(digits) - 1 - index
        if digit == "0":
            zero_pending = bool(out)
        else:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(DIGITS[int(digit)] + _UNITS[place % 4])
        if place in (4, 12) and int(digits[max(0, index - 3) : index + 1]):
            out.append("万")
        elif place == 8 and int(digits[: index + 1]):
            out.append("亿")
    return "".join(out)


def amount_in_words(cents: int) -> str:
    """分 in capitals: 353334 → 叁仟伍佰叁拾叁元叁角肆分 (ValueError below 0)."""
    if cents < 0:
        raise ValueError(f"amount must not be negative: {cents}")
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    head = _integer_words(yuan) + "元" if yuan else ""
    if not fraction:
        return (head or "零元") + "整"
    if not jiao:
        return head + ("零" if head else "") + DIGITS[fen] + "分"
    if not fen:
        return head + DIGITS[jiao] + "角整"
    return head + DIGITS[jiao] + "角" + DIGITS[fen] + "分"
