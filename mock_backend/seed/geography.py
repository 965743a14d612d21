"""Static facts of the four mock regions: districts, tax authorities, agencies, towns and villages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class District:
    code: str
    name: str
    # (乡镇街道, [社区村组 base names]) for collection agents in this district.
    towns: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    employer_online: bool
    collector_online: bool
    collection_mode: str  # 税务自主 | 税务代征
    social_agency: str  # 社保经办机构 (city level)
    medical_agency: str  # 医保经办机构 (city level)
    districts: tuple[District, ...] = field(default_factory=tuple)
    # 2024..2026 缴费基数 lower/upper limits.
    base_limits: tuple[tuple[int, str, str], ...] = ()
    phone_prefixes: tuple[str, ...] = ("138", "139", "136", "137", "135", "150", "158", "188")

    def tax_authority(self, district: District) -> str:
        return f"国家税务总局{self.name}{district.name}税务局"

    def tax_section(self, district: District, number: int = 1) -> str:
        ordinal = "一二三四五六七八九"[(number - 1) % 9]
        return f"{self.tax_authority(district)}第{ordinal}税务所"

    def district(self, code: str) -> District:
        return next(d for d in self.districts if d.code == code)


REGIONS: tuple[Region, ...] = (
    Region(
        code="440300",
        name="深圳市",
        employer_online=True,
        collector_online=True,
        collection_mode="税务自主",
        social_agency="深圳市社会保险基金管理局",
        medical_agency="深圳市医疗保障局",
        districts=(
            District("440304", "福田区"),
            District("440303", "罗湖区"),
            District("440305", "南山区"),
            District(
                "440306",
                "宝安区",
                (
                    ("福永街道", ("凤凰社区", "白石厦社区", "塘尾社区", "桥头社区")),
                    ("沙井街道", ("沙一社区", "新桥社区", "衙边社区", "壆岗社区")),
                    ("松岗街道", ("东方社区", "红星社区", "潭头社区")),
                ),
            ),
            District(
                "440307",
                "龙岗区",
                (
                    ("坪地街道", ("坪西社区", "六联社区", "年丰社区")),
                    ("园山街道", ("大康社区", "保安社区", "西坑社区")),
                ),
            ),
            District("440309", "龙华区"),
        ),
        base_limits=(
            (2024, "4492.00", "26421.00"),
            (2025, "4492.00", "27501.00"),
            (2026, "4492.00", "26421.00"),
        ),
        phone_prefixes=("138", "139", "136", "137", "135", "150", "158", "188", "189", "133"),
    ),
    Region(
        code="330100",
        name="杭州市",
        employer_online=True,
        collector_online=False,
        collection_mode="税务代征",
        social_agency="杭州市社会保险管理服务中心",
        medical_agency="杭州市医疗保障局",
        districts=(
            District("330102", "上城区"),
            District("330105", "拱墅区"),
            District("330106", "西湖区"),
            District("330108", "滨江区"),
            District("330110", "余杭区"),
        ),
        base_limits=(
            (2024, "4462.00", "22311.00"),
            (2025, "4812.00", "24930.00"),
            (2026, "4971.00", "25758.00"),
        ),
    ),
    Region(
        code="510100",
        name="成都市",
        employer_online=False,
        collector_online=True,
        collection_mode="税务自主",
        social_agency="成都市社会保险事务中心",
        medical_agency="成都市医疗保障事务中心",
        districts=(
            District("510104", "锦江区"),
            District("510107", "武侯区"),
            District(
                "510116",
                "双流区",
                (
                    ("永安镇", ("白家村", "付家坝村", "凤凰村", "永福社区")),
                    ("黄水镇", ("席草田村", "鹏程村", "临江社区")),
                    ("九江街道", ("九江社区", "泉水社区", "金桥社区")),
                ),
            ),
            District(
                "510117",
                "郫都区",
                (
                    ("德源街道", ("东林社区", "平城社区", "大禹社区", "清河社区")),
                    ("三道堰镇", ("秦家庙村", "青杠树村", "古堰社区")),
                ),
            ),
            District("510114", "新都区"),
        ),
        base_limits=(
            (2024, "4071.00", "20355.00"),
            (2025, "4246.00", "21228.00"),
            (2026, "4383.00", "21915.00"),
        ),
        phone_prefixes=("138", "139", "135", "158", "180", "181", "199", "177"),
    ),
    Region(
        code="440100",
        name="广州市",
        employer_online=True,
        collector_online=True,
        collection_mode="税务代征",
        social_agency="广州市社会保险基金管理中心",
        medical_agency="广州市医疗保障局",
        districts=(
            District("440104", "越秀区"),
            District("440105", "海珠区"),
            District("440106", "天河区"),
            District("440111", "白云区"),
            District("440113", "番禺区"),
            District(
                "440117",
                "从化区",
                (
                    ("太平镇", ("钱岗村", "井岗村", "水南村", "太平社区")),
                    ("温泉镇", ("石海村", "南星村", "龙岗村")),
                    ("鳌头镇", ("龙潭村", "西塘村", "高平村", "鳌头社区")),
                ),
            ),
        ),
        base_limits=(
            (2024, "5284.00", "26421.00"),
            (2025, "5423.00", "27501.00"),
            (2026, "5584.00", "28065.00"),
        ),
        phone_prefixes=("138", "139", "136", "137", "135", "150", "188", "189", "134"),
    ),
)

REGION_BY_CODE = {r.code: r for r in REGIONS}

# County-level codes of birthplaces for identity numbers (a plausible national mix).
BIRTHPLACE_CODES: tuple[str, ...] = (
    "440304", "440305", "440306", "440106", "440111", "441481", "441402", "445202", "445281",
    "440882", "441622", "440511", "450102", "450881", "430102", "430521", "431102", "432502",
    "420106", "421122", "360102", "362202", "350102", "350582", "330106", "330281", "332522",
    "320106", "321281", "410102", "412702", "411521", "510107", "510116", "510117", "511602",
    "513029", "500101", "500233", "520102", "530102", "610113", "370102", "130102", "230103",
    "220102", "210102", "340102", "342422", "110105", "310115", "120103", "620102", "640104",
)  # fmt: skip


# Insurance agency name per district, e.g. 深圳市社会保险基金管理局南山分局.
def district_agency(region: Region, district: District, agency_type: str) -> str:
    base = region.social_agency if agency_type == "社保" else region.medical_agency
    if region.code == "330100" and district.code == "330108" and agency_type == "社保":
        return "高新区（滨江）人力资源和社会保障局"
    return f"{base}{district.name[:-1]}分局" if len(district.name) > 1 else base
