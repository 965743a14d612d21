"""开户网点 search for the cascading picker 行政区划 → 银行行别 → 开户网点 (no Qt).

A region has thousands of branches (20,000 with the bench seed), searched again on every
keystroke, so the index is built once:

- Branches are numbered in name order (then code), and every set of branches is a Python
  int used as a bitset over those numbers: one per 银行行别, per 行政区划 and per pair, and
  one per character saying which names contain it. Filtering and "the name contains all
  these characters" are then a few big-int ANDs, and reading the bits out in ascending
  order gives the matches already sorted by name.
- The same filters also keep plain lists in name order, so an empty query is a slice.

Matching rules. The query is split on whitespace into terms; names, codes and terms are
compared after NFKC and casefold (full-width （） and ＡＢＣ equal () and abc). A branch
matches when every term matches it in one of these ways, best first:

0. exact: the term is the whole name, or the whole 网点 code;
1. prefix: the name starts with the term, or the code does (typing a code's first digits);
2. substring: the term occurs in the name;
3. subsequence: the term's characters occur in the name in order, with gaps — how the
   usual short forms work: "工行宝安" finds 中国工商银行深圳宝安支行, "建行" 中国建设银行….

Results are ordered by the worst way any term matched, then by the sum over the terms, then
by the subsequence matches' span (the shortest stretch of the name holding the term: tighter
first), then by name and code. Codes match only from their start: a code's middle digits
mean nothing to a clerk.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping

EXACT, PREFIX, SUBSTRING, SUBSEQUENCE = 0, 1, 2, 3


def normalize(text: str) -> str:
    """The form names and queries are compared in: NFKC, casefolded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _indices(bits: int) -> list[int]:
    """The numbers of the set bits of `bits`, ascending."""
    out: list[int] = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for byte_index, byte in enumerate(data):
        if byte:
            base = byte_index * 8
            out.extend(base + bit for bit in _BYTE_BITS[byte])
    return out


def _bitset(numbers: Iterable[int], size: int) -> int:
    """The int whose set bits are `numbers` (each below `size`)."""
    data = bytearray((size + 7) // 8)
    for n in numbers:
        data[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(data, "little")


_BYTE_BITS: tuple[tuple[int, ...], ...] = tuple(
    tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)
)


def subsequence_span(term: str, name: str) -> int | None:
    """The length of the shortest stretch of `name` holding `term`'s characters in order;
    None when there is none."""
    first = term[0]
    best: int | None = None
    start = name.find(first)
    while start != -1:
        at = start
        for ch in term[1:]:
            at = name.find(ch, at + 1)
            if at == -1:
                return best  # later starts cannot fit the term either
        span = at - start + 1
        if best is None or span < best:
            best = span
            if span == len(term):
                return best
        start = name.find(first, start + 1)
    return best


class BranchIndex:
    """The 开户网点 of a code table, indexed for `search` on every keystroke."""

    def __init__(self, entries: Iterable[Mapping[str, str]]) -> None:
        rows = [(normalize(e["name"]), str(e["code"]), e) for e in entries]
        rows.sort(key=lambda row: (row[0], row[1]))
        self._entries: list[Mapping[str, str]] = [row[2] for row in rows]
        self._names: list[str] = [row[0] for row in rows]
        self._codes: list[str] = [row[1] for row in rows]
        self._all_bits = (1 << len(rows)) - 1

        chars: dict[str, list[int]] = {}
        lists: dict[tuple[str | None, str | None], list[int]] = {(None, None): []}
        for i, (name, _code, entry) in enumerate(rows):
            for ch in set(name):
                chars.setdefault(ch, []).append(i)
            bank, region = entry.get("bank_code", ""), entry.get("region_code", "")
            for key in ((None, None), (bank, None), (None, region), (bank, region)):
                lists.setdefault(key, []).append(i)
        size = len(rows)
        self._char_bits = {ch: _bitset(numbers, size) for ch, numbers in chars.items()}
        # Per filter (bank_code, region_code; None = any): its branches in name order,
        # as numbers and as a bitset.
        self._filter_lists = lists
        self._filter_bits = {key: _bitset(numbers, size) for key, numbers in lists.items()}
        order = sorted(range(len(rows)), key=self._codes.__getitem__)
        self._sorted_codes = [self._codes[i] for i in order]
        self._code_order = order
        self._banks_by_region: dict[str, set[str]] = {}
        for bank_key, region_key in lists:
            if bank_key is not None and region_key is not None:
                self._banks_by_region.setdefault(region_key, set()).add(bank_key)

    def __len__(self) -> int:
        return len(self._entries)

    # -- the picker's cascade -----------------------------------------------------------
    def regions(self) -> set[str]:
        """The 行政区划 codes that have at least one branch."""
        return set(self._banks_by_region)

    def banks_in(self, region_code: str | None) -> set[str]:
        """The 银行行别 codes with a branch in the region (any region for None)."""
        if region_code is None:
            return {bank for bank, region in self._filter_lists if bank and region is None}
        return set(self._banks_by_region.get(region_code, ()))

    def branches(
        self, *, bank_code: str | None = None, region_code: str | None = None
    ) -> list[Mapping[str, str]]:
        """Every branch of the filter, in name order."""
        numbers = self._filter_lists.get((bank_code, region_code), [])
        return [self._entries[i] for i in numbers]

    def by_code(self, code: str) -> Mapping[str, str] | None:
        """The branch with this 网点 code, if any."""
        at = bisect_left(self._sorted_codes, code)
        if at < len(self._sorted_codes) and self._sorted_codes[at] == code:
            return self._entries[self._code_order[at]]
        return None

    # -- search -------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        bank_code: str | None = None,
        region_code: str | None = None,
        limit: int = 200,
    ) -> list[Mapping[str, str]]:
        """The best `limit` branches of the filter for `query`, ranked as the module says;
        an empty query gives the filter's first `limit` branches in name order."""
        if limit <= 0:
            return []
        key = (bank_code, region_code)
        terms = normalize(query).split()
        if not terms:
            return [self._entries[i] for i in self._filter_lists.get(key, [])[:limit]]
        candidates = self._filter_bits.get(key, 0)
        for term in terms:
            if not candidates:
                return []
            candidates &= self._term_bits(term)
        ranked: list[tuple[int, int, int, int]] = []
        names, codes = self._names, self._codes
        for i in _indices(candidates):
            name, code = names[i], codes[i]
            worst = total = span = 0
            for term in terms:
                if term in (name, code):
                    kind = EXACT
                elif name.startswith(term) or code.startswith(term):
                    kind = PREFIX
                elif term in name:
                    kind = SUBSTRING
                else:
                    width = subsequence_span(term, name)
                    if width is None:
                        break
                    kind, span = SUBSEQUENCE, span + width
                worst = max(worst, kind)
                total += kind
            else:
                ranked.append((worst, total, span, i))
        if len(ranked) > limit:
            ranked.sort()
            del ranked[limit:]
        else:
            ranked.sort()
        entries = self._entries
        return [entries[row[3]] for row in ranked]

    def _term_bits(self, term: str) -> int:
        """The branches that may match `term`: names holding all its characters, or codes
        starting with it."""
        bits = self._all_bits
        for ch in set(term):
            bits &= self._char_bits.get(ch, 0)
            if not bits:
                break
        lo = bisect_left(self._sorted_codes, term)
        hi = bisect_right(self._sorted_codes, term + "\U0010ffff")
        if lo < hi:
            bits |= _bitset(self._code_order[lo:hi], len(self._codes))
        return bits
