"""单位信息 of a generated unit: officers, industry (GB/T 4754), enterprise type, address, contacts.

Everything comes from a generator seeded by the unit's record seed, so the same random seed
gives the same data; the 法定代表人 is drawn from the 纳税人识别号, so every unit of one
taxpayer names the same person.
"""

from __future__ import annotations

import random
from typing import Any

from mock_backend.names import NameGenerator
from mock_backend.seed.places import BRAND_PINYIN, PHONE_AREA_CODES, brand_of, places_of
from mock_backend.seed.taxpayers import UnitSpec

# (name keywords, 国民经济行业分类 大类) — the first match wins.
_INDUSTRY_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("医院", "门诊部", "医疗"), "卫生"),
    (("学校", "学院", "幼儿园"), "教育"),
    (("建筑", "工程", "建设"), "房屋建筑业"),
    (("物流",), "道路运输业"),
    (("电子",), "计算机、通信和其他电子设备制造业"),
    (("精密制造",), "通用设备制造业"),
    (("科技", "信息技术"), "软件和信息技术服务业"),
    (("物业",), "房地产业"),
    (("餐饮",), "餐饮业"),
    (("医药",), "零售业"),
    (("贸易",), "批发业"),
)
_DEFAULT_INDUSTRY = "商务服务业"
_TOWER_NAMES = ("大厦", "中心", "广场", "商务中心", "科技园", "产业园")
_MAIL_BOXES = ("caiwu", "cw", "hr", "rlzy", "finance", "admin", "xzb")
_TLDS = (".com", ".cn", ".com.cn")


def industry_of(spec: UnitSpec) -> str:
    if spec.kind == "collector":
        return "基层群众自治组织及其他组织" if "委员会" in spec.taxpayer_name else "国家机构"
    for keywords, industry in _INDUSTRY_RULES:
        if any(k in spec.taxpayer_name for k in keywords):
            return industry
    return _DEFAULT_INDUSTRY


def enterprise_type_of(spec: UnitSpec) -> str:
    name = spec.taxpayer_name
    if spec.kind == "collector":
        return "基层群众性自治组织" if "委员会" in name else "机关"
    if spec.public_sector:
        return "事业单位"
    if "股份有限公司" in name:
        return "股份有限公司"
    if "有限公司" in name:
        return "有限责任公司"
    return "民办非企业单位"


def _phone(rng: random.Random, spec: UnitSpec, mobile_ratio: float) -> str:
    if rng.random() < mobile_ratio:
        return rng.choice(spec.region.phone_prefixes) + f"{rng.randrange(10**8):08d}"
    area = PHONE_AREA_CODES.get(spec.region.code, "0" + spec.region.code[:3])
    return f"{area}-{rng.randint(2, 8)}{rng.randrange(10**7):07d}"


def _address(rng: random.Random, spec: UnitSpec) -> str:
    places = places_of(spec.district)
    prefix = f"{spec.region.name}{spec.district.name}"
    road = rng.choice(places.roads)
    number = rng.randint(1, 399)
    if spec.kind == "collector" and spec.area is not None:
        town, villages = spec.area.places[0]
        if "委员会" in spec.taxpayer_name:
            village = villages[0]
            office = rng.choice(("党群服务中心", "村委会办公楼", "综合服务站"))
            return f"{prefix}{town}{village}{office}"
        office = f"{town}办事处" if town.endswith("街道") else f"{town}人民政府"
        return f"{prefix}{town}{road}{number}号{office}社保服务窗口"
    area = rng.choice(places.areas)
    if spec.public_sector:
        return f"{prefix}{area}{road}{number}号"
    brand = brand_of(spec.region, spec.taxpayer_name) or area
    tower = f"{brand}{rng.choice(_TOWER_NAMES)}"
    floor = rng.randint(2, 32)
    return f"{prefix}{area}{road}{number}号{tower}{floor}楼{floor}{rng.randint(1, 20):02d}室"


def _email(rng: random.Random, spec: UnitSpec) -> str | None:
    if spec.kind == "collector":
        # 村委会 have no mailbox; 街道 offices use a free mail account.
        if "委员会" in spec.taxpayer_name:
            return None
        return f"sbdsd{rng.randrange(10**4, 10**6)}@163.com"
    if rng.random() < 0.2:
        return None
    brand = brand_of(spec.region, spec.taxpayer_name)
    if brand is None:
        return f"{rng.randrange(10**8, 10**10)}@qq.com"
    domain = BRAND_PINYIN[brand]
    if spec.public_sector:
        return f"{rng.choice(_MAIL_BOXES)}@{domain}.org.cn"
    return f"{rng.choice(_MAIL_BOXES)}@{domain}{rng.choice(_TLDS)}"


def _person(rng: random.Random) -> str:
    return NameGenerator(rng).full("男" if rng.random() < 0.6 else "女")


def generate_info(spec: UnitSpec) -> dict[str, Any]:
    """The stored 单位信息 columns (reference_spec.INFO_DETAIL_FIELDS) of one unit."""
    rng = random.Random(f"{spec.record_seed}:info")
    legal = _person(random.Random(f"legal:{spec.taxpayer_id}"))
    finance = _person(rng)
    if spec.kind == "employer" and rng.random() < 0.04:
        finance = None  # not filled in at registration
    industry = industry_of(spec)
    enterprise_type = enterprise_type_of(spec)
    listed = enterprise_type == "股份有限公司" and rng.random() < 0.3
    return {
        "finance_officer": finance,
        "legal_representative": legal,
        "industry": industry,
        "enterprise_type": enterprise_type,
        "address": _address(rng, spec),
        "postal_code": rng.choice(places_of(spec.district).postal_codes),
        "phone": _phone(rng, spec, 0.05 if spec.kind == "employer" else 0.4),
        "email": _email(rng, spec),
        "listed": listed,
    }
