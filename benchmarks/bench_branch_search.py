"""开户网点 search as the 三方协议 picker uses it: 20,000 generated branches of ~20 banks in
~15 regions, queries typed keystroke by keystroke (every prefix of each query is one
search), with and without the 银行行别 / 行政区划 filters. Prints the index build time and
the median (µs) and worst (ms) time per keystroke; the target is ≤ 50 ms. No backend.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator

from benchmarks.common import BenchEnv, Report, env_int

NAME = "branch_search"
BRANCHES = env_int("BENCH_BRANCHES", 20_000)
ROUNDS = env_int("BENCH_BRANCH_ROUNDS", 3)  # each query typed this many times

BANKS = [
    ("102", "中国工商银行"), ("103", "中国农业银行"), ("104", "中国银行"),
    ("105", "中国建设银行"), ("301", "交通银行"), ("302", "中信银行"),
    ("303", "中国光大银行"), ("304", "华夏银行"), ("305", "中国民生银行"),
    ("306", "广发银行"), ("307", "平安银行"), ("308", "招商银行"),
    ("309", "兴业银行"), ("310", "上海浦东发展银行"), ("313", "深圳农村商业银行"),
    ("315", "恒丰银行"), ("316", "浙商银行"), ("318", "渤海银行"),
    ("403", "中国邮政储蓄银行"), ("502", "东亚银行"),
]  # fmt: skip
REGIONS = [
    ("440303", "深圳", "罗湖"), ("440304", "深圳", "福田"), ("440305", "深圳", "南山"),
    ("440306", "深圳", "宝安"), ("440307", "深圳", "龙岗"), ("440308", "深圳", "盐田"),
    ("440309", "深圳", "龙华"), ("440310", "深圳", "坪山"), ("440311", "深圳", "光明"),
    ("440103", "广州", "荔湾"), ("440104", "广州", "越秀"), ("440105", "广州", "海珠"),
    ("440106", "广州", "天河"), ("440402", "珠海", "香洲"), ("441302", "惠州", "惠城"),
]  # fmt: skip
PLACES = [
    "新安", "西乡", "福永", "沙井", "松岗", "石岩", "航城", "福海", "新桥", "燕罗",
    "华强北", "车公庙", "香蜜湖", "梅林", "景田", "科技园", "蛇口", "后海", "南头", "西丽",
    "布吉", "横岗", "坂田", "平湖", "坪地", "民治", "观澜", "大浪", "东门", "翠竹",
    "体育西", "珠江新城", "五山", "棠下", "车陂", "拱北", "吉大", "前山", "江北", "河南岸",
]  # fmt: skip
SUFFIXES = ["支行", "支行", "支行", "分理处", "营业部", "储蓄所", "社区支行", "小微支行"]
CITY_CODES = {"深圳": "5840", "广州": "5810", "珠海": "5850", "惠州": "5950"}
# What a clerk types into the 开户网点 box (each typed one character at a time).
QUERIES = [
    "工行宝安", "中国工商银行深圳宝安支行", "建行 南山", "招商银行", "102584",
    "农行福永", "邮储", "平安银行深圳", "科技园支行", "浦发 天河", "中行", "交通银行广州",
    "兴业沙井", "xyz", "宝安 西乡 支行",
]  # fmt: skip


def generate_branches(count: int, seed: int = 20261204) -> list[dict[str, str]]:
    """Realistic 开户网点 rows: bank name + city + district + place + kind of office,
    12-digit codes of bank code, city code and a serial."""
    rng = random.Random(seed)
    serials: dict[tuple[str, str], int] = {}
    out: list[dict[str, str]] = []
    for n in range(count):
        bank_code, bank = BANKS[rng.randrange(len(BANKS))]
        region_code, city, district = REGIONS[n % len(REGIONS)]
        place = PLACES[rng.randrange(len(PLACES))]
        suffix = SUFFIXES[rng.randrange(len(SUFFIXES))]
        number = "" if rng.random() < 0.6 else f"第{rng.randint(1, 30)}"
        key = (bank_code, city)
        serials[key] = serials.get(key, 0) + 1
        out.append(
            {
                "code": f"{bank_code}{CITY_CODES[city]}{serials[key]:05d}",
                "name": f"{bank}{city}{district}{place}{number}{suffix}",
                "bank_code": bank_code,
                "region_code": region_code,
            }
        )
    return out


def keystrokes(query: str) -> Iterator[str]:
    for end in range(1, len(query) + 1):
        yield query[:end]


def run(report: Report, env: BenchEnv) -> None:  # env unused: no backend needed
    from client.payments.branch_search import BranchIndex

    entries = generate_branches(BRANCHES)
    started = time.perf_counter()
    index = BranchIndex(entries)
    report.add(f"build the index of {BRANCHES:,} branches (once per code table)",
               (time.perf_counter() - started) * 1000, "ms")  # fmt: skip
    filters = {  # (bank_code, region_code)
        "no filter": (None, None),
        "银行行别 filter": ("102", None),
        "行政区划 filter": (None, "440306"),
        "行政区划 + 银行行别": ("102", "440306"),
    }
    for label, (bank, region) in filters.items():
        times: list[float] = []
        for _ in range(ROUNDS):
            for query in QUERIES:
                for typed in keystrokes(query):
                    t0 = time.perf_counter()
                    index.search(typed, bank_code=bank, region_code=region)
                    times.append((time.perf_counter() - t0) * 1000)
        report.add(f"{label}: median per keystroke ({len(times):,} keystrokes)",
                   statistics.median(times) * 1000, "µs")  # fmt: skip
        report.add(f"{label}: worst ms per keystroke", max(times), "ms", "≤ 50 ms")
    t0 = time.perf_counter()
    index.search("", region_code="440306")
    report.add("empty query, one region (the list on opening)",
               (time.perf_counter() - t0) * 1e6, "µs")  # fmt: skip
