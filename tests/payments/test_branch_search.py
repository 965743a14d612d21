"""开户网点 fuzzy search: the matching rules (substring, subsequence, code prefix), the
ranking, the 行政区划/银行行别 filters and the cascade helpers, and agreement with a
brute-force reference over many random queries."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest

from client.payments.branch_search import BranchIndex, normalize, subsequence_span


def branch(code: str, name: str, bank: str, region: str) -> dict[str, str]:
    return {"code": code, "name": name, "bank_code": bank, "region_code": region}


BRANCHES = [
    branch("102584002345", "中国工商银行深圳宝安支行", "102", "440306"),
    branch("102584002346", "中国工商银行深圳宝安西乡支行", "102", "440306"),
    branch("102584003001", "中国工商银行深圳南山支行", "102", "440305"),
    branch("102584000001", "中国工商银行", "102", "440304"),  # a name that is all bank
    branch("105584001234", "中国建设银行深圳宝安支行", "105", "440306"),
    branch("105584001299", "中国建设银行深圳南山科技园支行", "105", "440305"),
    branch("104584000777", "中国银行深圳宝安支行", "104", "440306"),
    branch("308584000888", "招商银行深圳宝安支行", "308", "440306"),
    branch("403584000999", "中国邮政储蓄银行深圳宝安营业部", "403", "440306"),
    branch("301581000111", "交通银行广州天河支行（ＶＩＰ）", "301", "440106"),
    branch("103584000222", "宝安农村商业银行", "103", "440306"),
]


@pytest.fixture(scope="module")
def index() -> BranchIndex:
    return BranchIndex(BRANCHES)


def names(found: list[Mapping[str, str]]) -> list[str]:
    return [e["name"] for e in found]


def test_substring_match(index: BranchIndex) -> None:
    assert names(index.search("西乡")) == ["中国工商银行深圳宝安西乡支行"]


def test_subsequence_finds_short_forms(index: BranchIndex) -> None:
    assert names(index.search("工行宝安")) == [
        "中国工商银行深圳宝安支行",  # 工商银行深圳宝安: span 8
        "中国工商银行深圳宝安西乡支行",  # same span, then by name
    ]
    assert names(index.search("邮储")) == ["中国邮政储蓄银行深圳宝安营业部"]
    assert "中国建设银行深圳宝安支行" in names(index.search("建行宝安"))


def test_tighter_subsequence_ranks_first(index: BranchIndex) -> None:
    # 中行: 中国银行 (span 4) before 中国工商银行 (span 6) and 中国邮政储蓄银行 (span 8).
    found = names(index.search("中行"))
    assert found.index("中国银行深圳宝安支行") < found.index("中国工商银行深圳宝安支行")
    assert found.index("中国工商银行深圳宝安支行") < found.index("中国邮政储蓄银行深圳宝安营业部")


def test_code_prefix_and_whole_code(index: BranchIndex) -> None:
    assert [e["code"] for e in index.search("1025840023")] == ["102584002345", "102584002346"]
    assert names(index.search("105584001299")) == ["中国建设银行深圳南山科技园支行"]
    assert index.search("584002345") == []  # a code's middle digits do not match


def test_exact_then_prefix_then_substring_then_subsequence(index: BranchIndex) -> None:
    found = names(index.search("中国工商银行"))
    assert found[0] == "中国工商银行"  # exact
    assert set(found[1:4]) == {  # prefix, in name order
        "中国工商银行深圳南山支行", "中国工商银行深圳宝安支行", "中国工商银行深圳宝安西乡支行",
    }  # fmt: skip
    assert found[1:4] == sorted(found[1:4])
    found = names(index.search("宝安"))
    assert found[0] == "宝安农村商业银行"  # prefix before substring
    assert len(found) == 7 and found[1:] == sorted(found[1:])


def test_every_term_must_match(index: BranchIndex) -> None:
    assert names(index.search("建行 南山")) == ["中国建设银行深圳南山科技园支行"]
    assert names(index.search("  南山   科技园 ")) == ["中国建设银行深圳南山科技园支行"]
    assert index.search("建行 天河") == []
    # a term matching as a code prefix and one as a name
    assert names(index.search("102 西乡")) == ["中国工商银行深圳宝安西乡支行"]


def test_full_width_and_case_are_folded(index: BranchIndex) -> None:
    assert names(index.search("vip")) == ["交通银行广州天河支行（ＶＩＰ）"]
    assert names(index.search("(VIP)")) == ["交通银行广州天河支行（ＶＩＰ）"]
    assert normalize("（ＶＩＰ）") == "(vip)"


def test_no_match(index: BranchIndex) -> None:
    assert index.search("花旗") == []
    assert index.search("行工") == []  # the characters are there, but not in this order
    assert index.search("工行 花旗") == []  # one term missing is enough


def test_filters(index: BranchIndex) -> None:
    assert names(index.search("宝安", bank_code="102")) == [
        "中国工商银行深圳宝安支行", "中国工商银行深圳宝安西乡支行",
    ]  # fmt: skip
    assert names(index.search("支行", region_code="440305")) == [
        "中国工商银行深圳南山支行", "中国建设银行深圳南山科技园支行",
    ]  # fmt: skip
    assert names(index.search("支行", region_code="440305", bank_code="105")) == [
        "中国建设银行深圳南山科技园支行"
    ]
    assert index.search("宝安", bank_code="999") == []
    assert index.search("", region_code="999999") == []


def test_empty_query_lists_the_filter_in_name_order(index: BranchIndex) -> None:
    everything = names(index.search(""))
    assert everything == sorted(e["name"] for e in BRANCHES)
    assert names(index.search("   ", region_code="440306", bank_code="102")) == [
        "中国工商银行深圳宝安支行", "中国工商银行深圳宝安西乡支行",
    ]  # fmt: skip
    assert len(index.search("", limit=3)) == 3
    assert index.search("", limit=0) == [] and index.search("宝安", limit=0) == []


def test_limit_keeps_the_best(index: BranchIndex) -> None:
    full = index.search("行")
    assert index.search("行", limit=4) == full[:4]


def test_results_are_the_entries_given(index: BranchIndex) -> None:
    found = index.search("102584002345")
    assert found == [BRANCHES[0]] and found[0] is BRANCHES[0]


def test_cascade_helpers(index: BranchIndex) -> None:
    assert len(index) == len(BRANCHES)
    assert index.regions() == {"440306", "440305", "440304", "440106"}
    assert index.banks_in("440306") == {"102", "105", "104", "308", "403", "103"}
    assert index.banks_in("440305") == {"102", "105"}
    assert index.banks_in("000000") == set()
    assert index.banks_in(None) == {"102", "105", "104", "308", "403", "301", "103"}
    assert names(index.branches(region_code="440305", bank_code="102")) == [
        "中国工商银行深圳南山支行"
    ]
    assert len(index.branches()) == len(BRANCHES)
    assert index.by_code("308584000888") is BRANCHES[7]
    assert index.by_code("308584") is None


def test_empty_index() -> None:
    empty = BranchIndex([])
    assert empty.search("") == [] and empty.search("工行") == []
    assert empty.regions() == set() and empty.banks_in("440306") == set()


@pytest.mark.parametrize(
    ("term", "name", "span"),
    [
        ("工行宝安", "中国工商银行深圳宝安支行", 8),
        ("ab", "axxbab", 2),  # the tightest window, not the first one
        ("aa", "abca", 4),
        ("abc", "acb", None),
        ("a", "xa", 1),
        ("行", "银行", 1),
    ],
)
def test_subsequence_span(term: str, name: str, span: int | None) -> None:
    assert subsequence_span(term, name) == span


# -- against a brute-force reference ---------------------------------------------------------
BANK_NAMES = {"102": "中国工商银行", "105": "中国建设银行", "104": "中国银行", "308": "招商银行",
              "403": "中国邮政储蓄银行", "301": "交通银行"}  # fmt: skip
REGION_NAMES = {"440306": "深圳宝安", "440305": "深圳南山", "440106": "广州天河"}
PLACES = ["西乡", "福永", "科技园", "蛇口", "新安", "沙井", "体育西", "珠江新城", "石岩"]
KINDS = ["支行", "分理处", "营业部", "储蓄所"]


def random_branches(rng: random.Random, count: int) -> list[dict[str, str]]:
    out = []
    for n in range(count):
        bank = rng.choice(sorted(BANK_NAMES))
        region = rng.choice(sorted(REGION_NAMES))
        name = BANK_NAMES[bank] + REGION_NAMES[region] + rng.choice(PLACES) + rng.choice(KINDS)
        out.append(branch(f"{bank}5840{n:05d}", name, bank, region))
    return out


def reference_span(term: str, name: str) -> int | None:
    """Every window of the name, shortest first."""
    if not set(term) <= set(name):
        return None
    for width in range(len(term), len(name) + 1):
        for start in range(len(name) - width + 1):
            window = iter(name[start : start + width])
            if all(ch in window for ch in term):
                return width
    return None


def reference_search(
    entries: list[dict[str, str]], query: str, bank: str | None, region: str | None, limit: int
) -> list[dict[str, str]]:
    terms = normalize(query).split()
    keyed = []
    for e in entries:
        if (bank and e["bank_code"] != bank) or (region and e["region_code"] != region):
            continue
        name, code = normalize(e["name"]), e["code"]
        kinds, span = [], 0
        for term in terms:
            if term in (name, code):
                kinds.append(0)
            elif name.startswith(term) or code.startswith(term):
                kinds.append(1)
            elif term in name:
                kinds.append(2)
            elif (width := reference_span(term, name)) is not None:
                kinds.append(3)
                span += width
            else:
                break
        else:
            keyed.append(((max(kinds, default=0), sum(kinds), span, name, code), e))
    keyed.sort(key=lambda pair: pair[0])
    return [e for _, e in keyed[:limit]]


def random_query(rng: random.Random, source: dict[str, str]) -> str:
    """One to three terms cut from one branch (substrings, scattered characters, its
    code's start), now and then something that matches nothing."""
    name = source["name"]
    terms = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.3:
            start = rng.randrange(len(name))
            terms.append(name[start : start + rng.randint(1, 4)])
        elif kind < 0.7:
            picks = sorted(rng.sample(range(len(name)), rng.randint(2, 4)))
            terms.append("".join(name[i] for i in picks))
        elif kind < 0.85:
            terms.append(source["code"][: rng.randint(1, 12)])
        else:
            terms.append("".join(rng.choice("宝安行银中国工西乡农花旗xy") for _ in range(2)))
    return " ".join(terms)


def test_matches_reference_on_random_queries() -> None:
    rng = random.Random(1204)
    entries = random_branches(rng, 400)
    index = BranchIndex(entries)
    filters = [(None, None), ("102", None), (None, "440306"), ("105", "440305")]
    checked_nonempty = 0
    for _ in range(400):
        bank, region = rng.choice(filters)
        source = rng.choice(entries if rng.random() < 0.2 else [
            e for e in entries if bank in (None, e["bank_code"]) and region in (None, e["region_code"])
        ])  # fmt: skip
        query = random_query(rng, source)
        limit = rng.choice([5, 50, 1000])
        got = index.search(query, bank_code=bank, region_code=region, limit=limit)
        want = reference_search(entries, query, bank, region, limit)
        assert [e["code"] for e in got] == [e["code"] for e in want], (query, bank, region)
        checked_nonempty += bool(want)
    assert checked_nonempty > 250  # the queries mostly find something
