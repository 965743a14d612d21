"""Code tables of 单位三方协议管理 (manual §2.18) per region: 行政区划, 银行行别 with their 清算行行号,
and 开户网点 with 12-digit 行号 (bank + CNAPS city code + serial) and realistic names.

Branch names follow the banks' own style: the district's 支行 ("中国工商银行深圳宝安支行"), the
city's 分行营业部, and 支行/分理处/储蓄所 named after the district's streets or landmarks.
Generation is deterministic per region and count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

DEMO_BRANCHES = 3_000
BENCH_BRANCHES = 20_000


@dataclass(frozen=True)
class City:
    name: str  # 深圳市
    cnaps: str  # 4-digit city code of the 行号
    city_bank: tuple[str, str, tuple[str, ...]]  # 313: (name, clearing code, branch prefixes)
    rural_bank: tuple[str, str]  # 314: (name, clearing code)
    divisions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (code, name, streets)

    @property
    def short(self) -> str:
        return self.name.removesuffix("市")


# 行别 of the national banks: (code, name, 清算行行号 of the head office).
NATIONAL_BANKS: tuple[tuple[str, str, str], ...] = (
    ("102", "中国工商银行", "102100099996"),
    ("103", "中国农业银行", "103100000026"),
    ("104", "中国银行", "104100000004"),
    ("105", "中国建设银行", "105100000017"),
    ("301", "交通银行", "301290000007"),
    ("302", "中信银行", "302100011000"),
    ("303", "中国光大银行", "303100000006"),
    ("304", "华夏银行", "304100040000"),
    ("305", "中国民生银行", "305100000013"),
    ("306", "广发银行", "306581000003"),
    ("307", "平安银行", "307584007998"),
    ("308", "招商银行", "308584000013"),
    ("309", "兴业银行", "309391000011"),
    ("310", "上海浦东发展银行", "310290000013"),
    ("315", "恒丰银行", "315456000105"),
    ("316", "浙商银行", "316331000018"),
    ("318", "渤海银行", "318110000014"),
    ("403", "中国邮政储蓄银行", "403100000004"),
)
CITY_BANK = ("313", "城市商业银行")
RURAL_BANK = ("314", "农村商业银行")

# Landmarks and roads any district may have a branch at.
_GENERIC_PLACES = (
    "人民路", "建设路", "解放路", "中山路", "新华路", "文化路", "科技园", "高新园", "工业园",
    "创业路", "金融中心", "商务中心", "市民中心", "会展中心", "体育中心", "大学城", "火车站",
    "汽车站", "机场路", "港湾", "滨河", "滨江", "湖畔", "花园", "广场", "新城", "老城", "东门",
    "西门", "南门", "北门", "中心", "城东", "城西", "城南", "城北", "世纪城", "万达广场",
    "天虹", "华润", "开发区", "保税区", "物流园", "软件园", "产业园", "时代广场", "国际大厦",
)  # fmt: skip
_SUFFIXES = ("支行", "分理处", "储蓄所")

CITIES: dict[str, City] = {
    "440300": City(
        "深圳市", "5840",
        ("城市商业银行", "313584000017", ("北京银行深圳", "上海银行深圳", "宁波银行深圳",
                                        "江苏银行深圳", "东莞银行深圳")),
        ("深圳农村商业银行", "314584000018"),
        (
            ("440300", "深圳市", ()),
            ("440303", "罗湖区", ("桂园", "黄贝", "东门", "翠竹", "东晓", "南湖", "笋岗", "莲塘")),
            ("440304", "福田区", ("园岭", "南园", "沙头", "香蜜湖", "梅林", "莲花", "华富", "华强北")),
            ("440305", "南山区", ("南头", "沙河", "蛇口", "招商", "粤海", "桃源", "西丽", "前海")),
            ("440306", "宝安区", ("新安", "西乡", "航城", "福永", "福海", "沙井", "新桥", "松岗",
                                "燕罗", "石岩")),
            ("440307", "龙岗区", ("平湖", "坪地", "布吉", "坂田", "南湾", "横岗", "龙城", "宝龙",
                                "吉华", "园山")),
            ("440308", "盐田区", ("梅沙", "沙头角", "海山")),
            ("440309", "龙华区", ("观湖", "民治", "大浪", "福城", "观澜")),
            ("440310", "坪山区", ("马峦", "碧岭", "石井", "坑梓", "龙田")),
            ("440311", "光明区", ("公明", "新湖", "凤凰", "玉塘", "马田")),
        ),
    ),
    "330100": City(
        "杭州市", "3310",
        ("城市商业银行", "313331000014", ("杭州银行", "宁波银行杭州", "温州银行杭州")),
        ("杭州联合农村商业银行", "314331000011"),
        (
            ("330100", "杭州市", ()),
            ("330102", "上城区", ("湖滨", "清波", "小营", "望江", "南星", "紫阳", "凯旋", "采荷",
                                "四季青", "笕桥", "九堡")),
            ("330105", "拱墅区", ("米市巷", "湖墅", "小河", "和睦", "拱宸桥", "大关", "上塘", "祥符",
                                "半山", "武林", "朝晖")),
            ("330106", "西湖区", ("北山", "西溪", "灵隐", "翠苑", "文新", "古荡", "转塘", "留下",
                                "蒋村", "三墩")),
            ("330108", "滨江区", ("西兴", "长河", "浦沿")),
            ("330109", "萧山区", ("城厢", "北干", "蜀山", "新塘", "宁围", "新街")),
            ("330110", "余杭区", ("仓前", "闲林", "五常", "中泰", "良渚", "仁和")),
            ("330111", "富阳区", ("富春", "银湖", "东洲")),
            ("330112", "临安区", ("锦城", "锦北", "青山湖")),
            ("330113", "临平区", ("南苑", "东湖", "星桥", "乔司", "崇贤")),
            ("330114", "钱塘区", ("下沙", "白杨", "河庄", "义蓬")),
        ),
    ),
    "510100": City(
        "成都市", "6510",
        ("城市商业银行", "313651099999", ("成都银行", "重庆银行成都", "绵阳市商业银行成都")),
        ("成都农村商业银行", "314651000000"),
        (
            ("510100", "成都市", ()),
            ("510104", "锦江区", ("春熙路", "书院街", "合江亭", "牛市口", "盐市口", "三圣", "成龙路")),
            ("510105", "青羊区", ("西御河", "草市", "府南", "光华", "金沙", "苏坡", "少城")),
            ("510106", "金牛区", ("西安路", "驷马桥", "荷花池", "茶店子", "营门口", "金泉", "天回")),
            ("510107", "武侯区", ("浆洗街", "望江路", "红牌楼", "火车南站", "簇桥", "机投桥", "玉林",
                                "芳草")),
            ("510108", "成华区", ("猛追湾", "双桥子", "府青路", "二仙桥", "跳蹬河", "保和", "龙潭")),
            ("510112", "龙泉驿区", ("龙泉", "大面", "十陵", "同安", "东安")),
            ("510114", "新都区", ("大丰", "三河", "新繁", "斑竹园")),
            ("510115", "温江区", ("柳城", "公平", "涌泉", "金马")),
            ("510116", "双流区", ("东升", "西航港", "九江", "黄甲", "永安", "黄水")),
            ("510117", "郫都区", ("郫筒", "犀浦", "红光", "德源", "三道堰", "安德")),
        ),
    ),
    "440100": City(
        "广州市", "5810",
        ("城市商业银行", "313581003284", ("广州银行", "东莞银行广州", "华兴银行广州")),
        ("广州农村商业银行", "314581000011"),
        (
            ("440100", "广州市", ()),
            ("440103", "荔湾区", ("沙面", "华林", "逢源", "多宝", "昌华", "芳村", "白鹤洞")),
            ("440104", "越秀区", ("北京街", "农林", "东山", "大塘", "六榕", "流花", "华乐", "梅花村")),
            ("440105", "海珠区", ("江南中", "素社", "海幢", "昌岗", "江海", "琶洲", "南洲", "赤岗")),
            ("440106", "天河区", ("五山", "员村", "车陂", "石牌", "天河南", "林和", "棠下", "猎德",
                                "冼村", "珠江新城")),
            ("440111", "白云区", ("三元里", "松洲", "景泰", "同德", "黄石", "京溪", "新市", "嘉禾",
                                "人和", "太和", "江高")),
            ("440112", "黄埔区", ("红山", "鱼珠", "大沙", "文冲", "萝岗", "长岭", "永和")),
            ("440113", "番禺区", ("市桥", "东环", "桥南", "小谷围", "大石", "洛浦", "南村", "石碁")),
            ("440114", "花都区", ("新华", "新雅", "秀全", "花城", "狮岭", "炭步")),
            ("440115", "南沙区", ("黄阁", "珠江", "东涌", "大岗")),
            ("440117", "从化区", ("街口", "城郊", "江埔", "太平", "温泉", "鳌头")),
            ("440118", "增城区", ("荔城", "增江", "朱村", "永宁", "新塘", "石滩")),
        ),
    ),
}  # fmt: skip


def admin_divisions(region_code: str) -> dict[str, Any]:
    """行政区划 of the region: the city, then its districts."""
    return {"entries": [{"code": c, "name": n} for c, n, _ in CITIES[region_code].divisions]}


def banks(region_code: str) -> dict[str, Any]:
    """银行行别 with the 清算行行号; 城市商业银行 and 农村商业银行 clear through the local bank."""
    city = CITIES[region_code]
    rows = [
        *NATIONAL_BANKS,
        (CITY_BANK[0], CITY_BANK[1], city.city_bank[1]),
        (RURAL_BANK[0], RURAL_BANK[1], city.rural_bank[1]),
    ]
    return {
        "entries": [
            {"code": code, "name": name, "clearing_code": clearing}
            for code, name, clearing in sorted(rows)
        ]
    }


def _prefixes(city: City) -> list[tuple[str, str]]:
    """(行别 code, the name every branch of that bank in the city starts with)."""
    prefixes = [(code, f"{name}{city.short}") for code, name, _ in NATIONAL_BANKS]
    prefixes += [(CITY_BANK[0], prefix) for prefix in city.city_bank[2]]
    rural = city.rural_bank[0]
    prefixes.append((RURAL_BANK[0], rural if rural.startswith(city.short) else rural + city.short))
    return prefixes


def _candidates(
    prefix: str, bank_code: str, district: tuple[str, str, tuple[str, ...]], seed: str
) -> list[str]:
    """Branch names of one bank in one district, the district's 支行 first."""
    code, name, streets = district
    short = name.removesuffix("区")
    suffixes = ("支行", "分理处", "营业所") if bank_code == "403" else _SUFFIXES
    names = [f"{prefix}{street}{suffix}" for street in streets for suffix in suffixes]
    names += [f"{prefix}{short}{place}{suffix}" for place in _GENERIC_PLACES for suffix in suffixes]
    random.Random(f"{seed}:{prefix}:{code}").shuffle(names)
    return [f"{prefix}{short}支行", *names]


@cache
def _branches(region_code: str, count: int) -> tuple[dict[str, str], ...]:
    city = CITIES[region_code]
    districts = city.divisions[1:]
    seed = f"branches:{region_code}"
    entries: list[tuple[str, str, str]] = []  # (bank code, name, region code)
    for bank_code, prefix in _prefixes(city):
        entries.append((bank_code, f"{prefix}分行营业部", city.divisions[0][0]))
        entries.append((bank_code, f"{prefix}分行", city.divisions[0][0]))
    queues = [
        (bank_code, district[0], _candidates(prefix, bank_code, district, seed))
        for bank_code, prefix in _prefixes(city)
        for district in districts
    ]
    seen = {name for _, name, _ in entries}
    depth = 0
    while len(entries) < count and any(depth < len(q) for _, _, q in queues):
        for bank_code, division, queue in queues:
            if depth < len(queue) and queue[depth] not in seen and len(entries) < count:
                seen.add(queue[depth])
                entries.append((bank_code, queue[depth], division))
        depth += 1
    serials: dict[str, int] = {}
    rows = []
    for bank_code, name, division in entries:
        serials[bank_code] = serials.get(bank_code, 0) + 1
        rows.append(
            {
                "code": f"{bank_code}{city.cnaps}{serials[bank_code]:05d}",
                "name": name,
                "bank_code": bank_code,
                "region_code": division,
            }
        )
    return tuple(sorted(rows, key=lambda row: row["code"]))


def bank_branches(region_code: str, count: int = DEMO_BRANCHES) -> dict[str, Any]:
    """开户网点 of the region: `count` branches (fewer only if the names run out)."""
    return {"entries": list(_branches(region_code, count))}
