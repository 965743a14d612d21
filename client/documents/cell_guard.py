"""What any cell of an import template may hold, whatever its column's own rules.

Every column's parser is wrapped (`guarded`) before the rows are read:

- A text cell longer than `MAX_CELL_TEXT` characters is the error of its cell (no template
  column needs more; a 50,000-character cell would otherwise travel into messages,
  databases and the backend).
- A text cell that starts like a formula — "=" or "@", or "+"/"-" followed by a function
  call or a DDE reference such as `+cmd|' /C calc'!A0` — is the error of its cell: the
  value must be typed, not computed, and such text would run as a formula once exported
  and opened in Excel. ("-100" and "+8613800000000" stay plain text.)
- 证件号码 (the columns keyed `id_number`): full-width letters and digits (“４４０３…”, as
  typed with a Chinese input method) are turned into half-width ones before the column's
  own checks, so the number is the one the backend knows; what is left that no identity
  document holds (emoji, other scripts' digits such as “²” or “٤”, control and private
  characters) is the error of its cell.

The parsed value is what is checked and kept; the row's original values (`ImportRow.raw`,
the error workbook) stay as typed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from client.documents.cells import CellError, CellParser, ColumnParser

MAX_CELL_TEXT = 1000
ID_KEY = "id_number"

TOO_LONG = "内容过长（{n}个字），每个单元格最多{limit}个字。"
FORMULA_TEXT = (
    "内容以“{start}”开头，会被Excel当作公式或外部链接（如=HYPERLINK、=cmd|…），"
    "请直接填写内容，不要以=、@开头。"
)
BAD_ID_CHAR = (
    "证件号码中有不能识别的字符“{ch}”（如表情符号或特殊数字），请只填写证件上的数字和字母。"
)

_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_FORMULA_START = r"(?:[=@]|[+\-](?:[^\n]*[|!]|\s*[A-Za-z_][\w.]*\s*\())"
_FORMULA_LIKE = re.compile(_FORMULA_START)
_ANY_FORMULA_LIKE = re.compile("(?m)^" + _FORMULA_START)


def _formula_like_in(lines: str) -> bool:
    """Whether a line of `lines` (each line after a "\n") starts like a formula: a quick
    search for a line starting with = @ + or -, the full expression only then."""
    if _RISKY_LINE.search(lines) is None:
        return False
    return _ANY_FORMULA_LIKE.search(lines) is not None


_RISKY_LINE = re.compile(r"\n[=@+\-]")


def guarded(key: str, parse: CellParser) -> CellParser:
    """`parse` behind the checks above (`key` is the column's key)."""
    inner_batch = parse.batch if isinstance(parse, ColumnParser) else None
    inner = parse.parse if isinstance(parse, ColumnParser) else parse
    is_id = key == ID_KEY

    def check(value: Any) -> Any:
        if value.__class__ is str:
            if len(value) > MAX_CELL_TEXT:
                raise CellError(TOO_LONG.format(n=len(value), limit=MAX_CELL_TEXT))
            if _FORMULA_LIKE.match(value):
                raise CellError(FORMULA_TEXT.format(start=value[:1]))
            if is_id and not value.isascii():
                value = id_text(value)
        return inner(value)

    def batch(values: list[Any], kinds: set[type]) -> list[Any] | None:
        texts = values if kinds == {str} else [v for v in values if v.__class__ is str]
        if texts:
            if max(map(len, texts)) > MAX_CELL_TEXT:
                return None
            joined = "\n" + "\n".join(texts)
            if _formula_like_in(joined) or (is_id and not joined.isascii()):
                return None  # cell by cell: the bad cells get their reasons
        return inner_batch(values, kinds) if inner_batch is not None else None

    return ColumnParser(check, batch)


def id_text(value: str) -> str:
    """An identity number with full-width letters and digits made half-width; refuse what
    no identity document holds."""
    value = value.translate(_FULL_WIDTH).strip()
    for ch in value:
        if ch.isascii():
            continue
        category = unicodedata.category(ch)
        if category[0] in "CSZN" or category == "Mn":
            raise CellError(BAD_ID_CHAR.format(ch=ch))
    return value
