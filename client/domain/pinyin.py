"""拼音首字母 for name search: "lt" finds 林婷; heteronyms give every reading (曾 → c or z).

Per-character readings come from pypinyin's dictionary and are cached, so computing the
initials of 100,000 names costs a fraction of a second, not pypinyin's full pipeline.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import cache
from itertools import islice, product
from pathlib import Path

MAX_VARIANTS = 32
SEPARATOR = "|"


@cache
def _pinyin_dict() -> dict[int, str]:
    """pypinyin's character table, read from its data file on first use.

    Importing the `pypinyin` package would also load its phrase dictionary (0.3 s and
    over 50 MB) which initials do not need; only the per-character table is read.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:  # pragma: no cover - dependency missing
        return {}
    path = Path(spec.origin).with_name("pinyin_dict.json")
    raw: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return {int(k): v for k, v in raw.items()}


@cache
def char_initials(ch: str) -> tuple[str, ...]:
    """The possible first letters of one character's readings ("曾" → ("c", "z"))."""
    if ch.isascii():
        return (ch.lower(),) if ch.isalnum() else ("",)
    readings = _pinyin_dict().get(ord(ch))
    if not readings:
        return ("",)
    letters = set()
    for reading in readings.split(","):
        base = unicodedata.normalize("NFKD", reading)[:1].lower()
        if base.isascii() and base.isalpha():
            letters.add(base)
    return tuple(sorted(letters)) or ("",)


def name_initials(name: str) -> str:
    """Every initials variant of a name, as "|cl|zl|" (searchable with LIKE '%…%')."""
    choices = [char_initials(ch) for ch in name.strip()]
    variants = sorted({"".join(combo) for combo in islice(product(*choices), MAX_VARIANTS)})
    return SEPARATOR + SEPARATOR.join(variants) + SEPARATOR


def is_initials_query(text: str) -> bool:
    """Latin letters only: the clerk typed 拼音首字母 rather than Chinese characters."""
    t = text.strip()
    return bool(t) and t.isascii() and t.isalpha()
