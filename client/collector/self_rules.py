"""The rules of 社保费代收代报（自主） without I/O (manual §3.6): the 缴费档次 table of the
`resident_grades` rule file, which 征收品目 a resident is insured for in a 缴费年度, and the
sentences a clerk reads when a row cannot be added or sent.

A 档次 is named by its code (`05`); a clerk may also type `5` or its name (`第五档`). 医保 has one
档次 per 征收品目, so it may be left blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PENSION_ITEM, MEDICAL_ITEM = "10210", "10211"
RESIDENT_ITEMS = (PENSION_ITEM, MEDICAL_ITEM)
MAX_ROWS = 100_000  # one request declares at most 100,000 rows (the contract)

FEED, EXTERNAL = "feed", "external"  # where a resident was found
VIA_IMPORT, VIA_SINGLE, VIA_GROUP = "导入", "单个添加", "按分组添加"


class SelfDeclareError(Exception):
    """A refusal of 代收代报（自主）; `message` is the clerk's sentence, `row_ids` the rows of the
    list it is about (when there are any)."""

    def __init__(self, message: str, row_ids: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.row_ids = list(row_ids)


# -- sentences --------------------------------------------------------------------------
NOT_RESIDENT = "未在本代收单位查询到该人员，请核对姓名、证件类型和证件号码，或先通过“外部参保城乡居民导入”添加。"
UNKNOWN_NUMBER = (
    "本代收单位没有该证件号码的城乡居民，请核对证件号码，或先通过“外部参保城乡居民导入”添加。"
)
UNREGISTERED_EXTERNAL = (
    "该人员是登记状态为“未参保”的外部参保城乡居民，请先在“外部参保城乡居民导入”中更新参保状态，"
    "为正常参保后再添加。"
)
NAME_DIFFERS = (
    "姓名“{given}”与本单位登记的该证件号码的居民姓名“{actual}”不一致，请核对姓名或证件号码。"
)
TYPE_DIFFERS = "证件类型“{given}”与本单位登记的该居民的证件类型“{actual}”不一致，请核对。"
NOT_INSURED = "该居民{year}年未参保{category}，不能代收代报该险种。"
NOT_INSURED_ITEM = "该居民{year}年未参保{item}，不能代收代报该险种。"
CATEGORY_NOT_OF_ITEM = "征收品目“{category}”不属于征收项目“{item}”，请核对。"
SEVERAL_CATEGORIES = "该居民{year}年参保了{item}的多个征收品目，请填写征收品目。"
GRADE_REQUIRED = "请填写缴费档次，{year}年{category}可选的档次为{choices}。"
GRADE_UNKNOWN = "缴费档次“{grade}”不存在于{year}年{category}的档次中。"
YEAR_FORMAT = "缴费年度应填写四位数字的年份，如{year}。"
YEAR_UNKNOWN = "缴费年度{year}没有缴费档次，可选择的缴费年度为{years}年。"
NO_GRADES = "尚未下载城乡居民缴费档次表，请重新登录以更新规则文件后再操作。"
ALREADY_LISTED = "该居民{year}年的{category}已在代收代报列表中，无需重复添加。"


@dataclass(frozen=True, slots=True)
class Grade:
    code: str  # "05"
    name: str  # 第五档
    amount: str  # "500.00"

    @property
    def label(self) -> str:
        """第五档（500.00元）: how a chooser shows it."""
        return f"{self.name}（{self.amount}元）"


class GradeTable:
    """The `resident_grades` rule file: (年度, 征收品目) → its 档次 in table order."""

    def __init__(self, content: Mapping[str, Any] | None) -> None:
        self.grades: dict[tuple[int, str], list[Grade]] = {}
        self.levy_items: dict[str, str] = {}  # 征收品目 → 征收项目
        for entry in (content or {}).get("entries") or []:
            try:
                key = (int(entry["year"]), str(entry["levy_category"]))
                grade = Grade(str(entry["grade"]), str(entry["name"]), str(entry["amount"]))
                Decimal(grade.amount)
            except (KeyError, TypeError, ValueError, ArithmeticError):
                continue  # a malformed entry offers no 档次
            self.grades.setdefault(key, []).append(grade)
            self.levy_items[key[1]] = str(entry.get("levy_item") or key[1][:5])
        self._codes = {k: {g.code: g for g in v} for k, v in self.grades.items()}
        self._names = {k: {g.name: g for g in v} for k, v in self.grades.items()}

    def __bool__(self) -> bool:
        return bool(self.grades)

    @property
    def years(self) -> list[int]:
        """Newest first."""
        return sorted({year for year, _ in self.grades}, reverse=True)

    def years_text(self) -> str:
        years = sorted(self.years)
        if not years:
            return "无"
        return f"{years[0]}至{years[-1]}" if len(years) > 1 else str(years[0])

    def default_year(self, this_year: int) -> int:
        years = self.years
        return this_year if this_year in years or not years else years[0]

    def of(self, year: int, levy_category: str) -> list[Grade]:
        return self.grades.get((year, levy_category), [])

    def categories(self, levy_item: str | None = None) -> list[str]:
        """征收品目 of the table (of one 征收项目), in code order."""
        return sorted(c for c, item in self.levy_items.items() if levy_item in (None, item))

    def item_grades(self, levy_item: str, year: int) -> list[Grade]:
        """按分组添加's chooser: the 档次 codes of any 征收品目 of `levy_item` that year (the amount
        is that of the first 征收品目 holding the code)."""
        seen: dict[str, Grade] = {}
        for category in self.categories(levy_item):
            for grade in self.of(year, category):
                seen.setdefault(grade.code, grade)
        return sorted(seen.values(), key=lambda g: g.code)

    def find(self, year: int, levy_category: str, typed: Any) -> Grade | None:
        """The 档次 a clerk typed (code, number or name) in that year and 征收品目."""
        codes = self._codes.get((year, levy_category))
        if not codes:
            return None
        text = _grade_text(typed)
        if text is None:
            return None
        found = codes.get(text) or self._names[(year, levy_category)].get(text)
        if found is None and text.isdigit() and len(text) < 2:
            found = codes.get(text.zfill(2))
        return found

    def default_grade(self, year: int, levy_category: str, subcategory: str | None) -> Grade | None:
        """The 档次 to offer first: the only one, else the one the resident's 征收子目 names
        (养老 `10210000103` → `03`)."""
        grades = self.of(year, levy_category)
        if len(grades) == 1:
            return grades[0]
        if subcategory and subcategory.startswith(levy_category):
            return self._codes.get((year, levy_category), {}).get(subcategory[len(levy_category) :])
        return None

    def subcategory_for(
        self, year: int, levy_category: str, registered: str | None, grade: str
    ) -> str | None:
        """The 征收子目 a row declares: where the resident's 征收子目 names a 档次 (养老
        `10210000103`), the one naming the chosen 档次 (`…05`); else the registered one (医保's
        成年居民（低保对象） stays what it is)."""
        codes = self._codes.get((year, levy_category), {})
        if (
            registered
            and len(codes) > 1
            and registered.startswith(levy_category)
            and registered[len(levy_category) :] in codes
        ):
            return levy_category + grade
        return registered

    def check_year(self, value: Any, this_year: int) -> int:
        """A 缴费年度 of the table, or `SelfDeclareError`."""
        if not self.grades:
            raise SelfDeclareError(NO_GRADES)
        text = _grade_text(value) or ""
        if len(text) != 4 or not text.isdigit():
            raise SelfDeclareError(YEAR_FORMAT.format(year=this_year))
        year = int(text)
        if year not in self.years:
            raise SelfDeclareError(YEAR_UNKNOWN.format(year=year, years=self.years_text()))
        return year

    def choices_text(self, year: int, levy_category: str) -> str:
        names = [g.name for g in self.of(year, levy_category)]
        if len(names) > 2:
            return f"{names[0]}至{names[-1]}"
        return "、".join(names) or "无"


def _grade_text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


# -- who is insured for what -------------------------------------------------------------
# An insured item as the checks read it: (person_number, levy_item, levy_category,
# levy_subcategory, start_month, end_month).
Item = Sequence[Any]
PERSON_NUMBER, LEVY_ITEM, LEVY_CATEGORY, SUBCATEGORY, START, END = range(6)


def in_force(item: Item, year: int) -> bool:
    """An item counts for a 缴费年度 when it is in force in some month of it."""
    start, end = item[START], item[END]
    return (not start or start <= f"{year}-12") and (not end or end >= f"{year}-01")


def insured_items(items: Iterable[Item], year: int) -> list[Item]:
    """The items in force that year, the first of each 征收品目 (the one whose 人员编号 and
    征收子目 a row takes)."""
    seen: dict[str, Item] = {}
    for item in items:
        if item[LEVY_ITEM] in RESIDENT_ITEMS and in_force(item, year):
            seen.setdefault(item[LEVY_CATEGORY], item)
    return list(seen.values())


def by_category(items: Iterable[Item]) -> dict[str, list[Item]]:
    """A resident's 城乡居民 items by 征收品目, in registration order (looked up once per person
    when many rows of the same person are checked)."""
    held: dict[str, list[Item]] = {}
    for item in items:
        if item[LEVY_ITEM] in RESIDENT_ITEMS:
            held.setdefault(item[LEVY_CATEGORY], []).append(item)
    return held


def year_span(year: int) -> tuple[str, str]:
    """(the last month, the first month) of a 缴费年度, as `in_force_of` compares them."""
    return (f"{year}-12", f"{year}-01")


def in_force_of(items: Iterable[Item] | None, span: tuple[str, str]) -> Item | None:
    """The first of `items` in force in some month of the year `span` bounds (the rule of
    `in_force`), or None."""
    for item in items or ():
        start, end = item[START], item[END]
        if (not start or start <= span[0]) and (not end or end >= span[1]):
            return item
    return None
