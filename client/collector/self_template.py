"""The 社保费代收代报（自主） import template (manual §3.6 二 导入, 注意事项一): written by the client,
read back only in its own layout, every row checked against the agent's residents.

Columns: 姓名*, 证件类型*, 证件号码*, 征收项目*, 征收品目 (blank: the one the resident is insured
for), 缴费年度*, 缴费档次 (code, number or name; blank for a 征收品目 with one 档次). A file of
any other layout is refused whole with one sentence (`client.documents.template_checks`), and
a file with any bad row adds nothing: the clerk gets the error workbook, corrects it and
imports it again (`SelfImportResult.importable`).

`export_as_template` writes residents in this layout (城乡居民参保信息更新 导出 按申报模板), so
a clerk can start from the roster instead of an empty sheet.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, fields
from datetime import date
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from typing import Any

from client.collector.self_people import (
    ID_TYPE,
    ITEMS,
    NAME,
    RECORD_ID,
    SOURCE,
    TOWNSHIP,
    VILLAGE,
    Person,
    load_directory,
    unregistered_numbers,
)
from client.collector.self_rules import (
    ALREADY_LISTED,
    CATEGORY_NOT_OF_ITEM,
    GRADE_REQUIRED,
    GRADE_UNKNOWN,
    LEVY_CATEGORY,
    LEVY_ITEM,
    MAX_ROWS,
    NAME_DIFFERS,
    NO_GRADES,
    NOT_INSURED,
    NOT_INSURED_ITEM,
    PERSON_NUMBER,
    RESIDENT_ITEMS,
    SEVERAL_CATEGORIES,
    SUBCATEGORY,
    TYPE_DIFFERS,
    UNKNOWN_NUMBER,
    UNREGISTERED_EXTERNAL,
    YEAR_FORMAT,
    YEAR_UNKNOWN,
    Grade,
    GradeTable,
    by_category,
    in_force_of,
    insured_items,
)
from client.documents.cells import CellError, choice, text
from client.documents.imports import ColumnCheckResult, ImportRefused, ImportResult, read_import
from client.documents.row_assembly import LazyRows
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import DEFAULT_ID_TYPES, ID_CARD, identity_number_error
from client.jobs import JobContext
from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase

KIND = "collector.self_declare"
VERSION = 1
TITLE = "社保费代收代报（自主）导入"
SHEET_TITLE = "代收代报"
LOAD_PHASE = "正在读取城乡居民参保信息"
HAS_ERRORS = "文件中有{count}行数据有错误，为避免只导入一部分，本次未导入任何数据，请保存错误文件，按“错误原因”改正后重新导入。"
DUPLICATE = "与第{rows}行是同一居民{year}年的{category}，请只保留一行。"

# The columns a draft row takes from a checked import row, in `resident_drafts` order.
DRAFT_KEYS = (
    "source", "record_id", "name", "id_type", "id_number", "township", "village", "levy_item",
    "levy_category", "levy_subcategory", "year", "grade", "grade_name", "amount",
    "person_number",
)  # fmt: skip


@dataclass(frozen=True)
class TemplateNames:
    """The code tables the template shows names from (and accepts names or codes of)."""

    id_types: Mapping[str, str]
    levy_items: Mapping[str, str]
    levy_categories: Mapping[str, str]

    @staticmethod
    def of(app_db: AppDatabase | None) -> TemplateNames:
        def table(code: str) -> dict[str, str]:
            return app_db.code_table(code) if app_db is not None else {}

        items = {c: n for c, n in table("levy_items").items() if c in RESIDENT_ITEMS}
        categories = {c: n for c, n in table("levy_categories").items() if c[:5] in RESIDENT_ITEMS}
        return TemplateNames(table("id_types") or DEFAULT_ID_TYPES, items, categories)

    def item(self, code: str | None) -> str:
        return self.levy_items.get(code or "", code or "")

    def category(self, code: str | None) -> str:
        return self.levy_categories.get(code or "", code or "")


def template_spec(
    names: TemplateNames | None = None, grades: GradeTable | None = None, this_year: int = 0
) -> TemplateSpec:
    """The template; `names` and `grades` only change what a cell may hold, not the layout,
    so every downloaded copy stays importable."""
    names = names or TemplateNames(DEFAULT_ID_TYPES, {}, {})
    items: dict[str, str] = {c: names.levy_items.get(c, c) for c in RESIDENT_ITEMS}
    categories = dict(names.levy_categories)
    for code in grades.categories() if grades else []:
        categories.setdefault(code, code)
    year_example = this_year or date.today().year
    return TemplateSpec(
        kind=KIND,
        version=VERSION,
        title=TITLE,
        sheet_title=SHEET_TITLE,
        columns=(
            TemplateColumn("name", "姓名", required=True, parse=text(100), width=14),
            TemplateColumn(
                "id_type",
                "证件类型",
                required=True,
                parse=choice(names.id_types, "证件类型"),
                width=16,
            ),
            TemplateColumn(
                "id_number", "证件号码", required=True, parse=text(40, upper=True), width=24
            ),
            TemplateColumn(
                "levy_item", "征收项目", required=True, parse=choice(items, "征收项目"), width=28
            ),
            TemplateColumn(
                "levy_category", "征收品目", parse=choice(categories, "征收品目"), width=34
            ),
            TemplateColumn(
                "year",
                "缴费年度",
                required=True,
                parse=_year_parser(grades, year_example),
                width=10,
            ),
            TemplateColumn("grade", "缴费档次", parse=text(20), width=12),
        ),  # fmt: skip
        notes=(
            "填写说明：每行填写一位城乡居民一个险种一个缴费年度的代收信息，带*的列必填。姓名、证件类型、"
            "证件号码须与本单位的城乡居民（含正常参保的外部参保城乡居民）一致；征收项目填写城乡居民基本"
            "养老保险费或城乡居民基本医疗保险费，征收品目可不填（按该居民参保的品目）；缴费年度填写四位"
            f"年份，如{year_example}；缴费档次填写档次名称或编码，如“第五档”或“05”，医疗保险只有一个档次"
            "时可不填。请勿修改表头和列的顺序，否则无法导入。"
        ),
        max_rows=MAX_ROWS,
    )


def _year_parser(grades: GradeTable | None, example: int) -> Any:
    years = set(grades.years) if grades else set()
    shown = grades.years_text() if grades else ""

    def parse(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        raw = str(value).strip() if not isinstance(value, bool) else ""
        if len(raw) != 4 or not raw.isdigit():
            raise CellError(YEAR_FORMAT.format(year=example))
        year = int(raw)
        if years and year not in years:
            raise CellError(YEAR_UNKNOWN.format(year=year, years=shown))
        return year

    return parse


# -- writing ------------------------------------------------------------------------------
def write_self_template(path: str | os.PathLike[str], names: TemplateNames | None = None) -> None:
    """模板下载: the empty template."""
    write_template(template_spec(names), path)


def export_as_template(
    rows: Iterable[Mapping[str, Any]],
    path: str | os.PathLike[str],
    names: TemplateNames | None = None,
    ctx: JobContext | None = None,
    total: int | None = None,
) -> int:
    """Residents in this template's layout: each row a mapping with name, id_type, id_number,
    levy_item, levy_category and optionally year and grade (codes; names are written).
    Returns the rows written."""
    names = names or TemplateNames(DEFAULT_ID_TYPES, {}, {})
    cells = (
        [r.get("name"), names.id_types.get(r.get("id_type") or "", r.get("id_type")),
         r.get("id_number"), names.item(r.get("levy_item")), names.category(r.get("levy_category")),
         r.get("year"), r.get("grade_name") or r.get("grade")]
        for r in rows
    )  # fmt: skip
    return write_template(template_spec(names), path, cells, ctx, total)


def roster_rows(
    db: UnitDatabase, residents: Iterable[Mapping[str, Any]], grades: GradeTable, year: int
) -> Iterator[dict[str, Any]]:
    """城乡居民参保信息更新 导出 按申报模板: one template row per resident (rows of the roster,
    with `id_number`) and 征收品目 insured in `year`, the 档次 filled in where it is clear
    (the only one, or the one the resident's 征收子目 names)."""
    people = load_directory(db)
    for resident in residents:
        number = str(resident.get("id_number") or "").strip().upper()
        person = people.get(number)
        if person is None:
            continue
        for item in insured_items(person[ITEMS], year):
            grade = grades.default_grade(year, item[LEVY_CATEGORY], item[SUBCATEGORY])
            yield {"name": person[NAME], "id_type": person[ID_TYPE], "id_number": number,
                   "levy_item": item[LEVY_ITEM], "levy_category": item[LEVY_CATEGORY],
                   "year": year, "grade_name": grade.name if grade else None}  # fmt: skip


# -- reading ------------------------------------------------------------------------------
@dataclass
class SelfImportResult(ImportResult):
    """An import of the template; `importable` only when no row has an error."""

    @property
    def importable(self) -> bool:
        return not self.errors and self.valid_count > 0

    @property
    def refusal(self) -> str | None:
        if self.errors:
            return HAS_ERRORS.format(count=self.error_count)
        return None

    def draft_values(self) -> list[list[Any]]:
        """The valid rows as columns in DRAFT_KEYS order (without making row objects)."""
        valid = self.valid
        if isinstance(valid, LazyRows):
            return [valid.column(k) for k in DRAFT_KEYS]
        return [[r.values[k] for r in valid] for k in DRAFT_KEYS]


def read_self_import(
    path: str | os.PathLike[str],
    db: UnitDatabase,
    app_db: AppDatabase,
    today: date,
    ctx: JobContext | None = None,
) -> SelfImportResult:
    """Read and check a filled template; nothing is added."""
    ctx = ctx or JobContext()
    ctx.progress(LOAD_PHASE, 0, None)
    grades = GradeTable(app_db.rule_file("resident_grades"))
    if not grades:
        raise ImportRefused(NO_GRADES)
    names = TemplateNames.of(app_db)
    spec = template_spec(names, grades, today.year)

    def load_check() -> SelfRowsCheck:  # on the import's worker thread
        return SelfRowsCheck(load_directory(db), listed_keys(db), grades, names,
                             spec.first_data_row, unregistered_numbers(db))  # fmt: skip

    base = read_import(spec, path, ctx, load_check=load_check)
    return SelfImportResult(**{f.name: getattr(base, f.name) for f in fields(ImportResult)})


def listed_keys(db: UnitDatabase) -> set[tuple[str, str, str, int]]:
    """(证件类型, 证件号码, 征收品目, 缴费年度) of every row already in the list."""
    with db.engine.connect() as conn:
        return set(
            conn.exec_driver_sql(
                "SELECT id_type, id_number, levy_category, year FROM resident_drafts"
            ).all()  # type: ignore[arg-type]
        )


Errors = list[tuple[str | None, str]]
# What the check adds to a valid row (the columns `resident_drafts` takes from the resident).
DERIVED_KEYS = (
    "source", "record_id", "township", "village", "levy_category", "levy_subcategory",
    "person_number", "grade", "grade_name", "amount",
)  # fmt: skip
_NOBODY: Person = [None] * 7  # the resident of a row that has none
_NO_ITEM: list[Any] = [None] * 6
_NO_GRADE = Grade("", "", "")  # the 档次 of a row that has none (its values are not kept)


class SelfRowsCheck:
    """The cross checks of all rows at once (a `ColumnCheck`): the resident, the 征收品目 they
    are insured for that year, the 档次, repeats in the file and rows already listed."""

    def __init__(
        self,
        people: dict[str, Person],
        listed: Set[tuple[str, str, str, int]],
        grades: GradeTable,
        names: TemplateNames,
        first_row: int,
        unregistered: Set[str] = frozenset(),
    ) -> None:
        self.people = people
        self.unregistered = unregistered
        self.listed = listed
        self.grades = grades
        self.names = names
        self.first_row = first_row  # Excel row of position 0

    def check_columns(self, columns: Mapping[str, list[Any]], skip: Set[int]) -> ColumnCheckResult:
        numbers, types, years = columns["id_number"], columns["id_type"], columns["year"]
        n = len(numbers)
        errors: dict[int, Errors] = {}
        # 1. each row's resident and the insured item of its 征收品目 that year, row by row
        persons: list[Any] = [_NOBODY] * n
        held_items: list[Any] = [_NO_ITEM] * n
        resolved: list[Any] = [None] * n  # 征收品目 (a blank cell: the one insured)
        held_memo: dict[str, dict[str, list[Any]]] = {}  # 证件号码 → 征收品目 → items
        months: dict[int, tuple[str, str]] = {}  # 年度 → (its last month, its first)
        people = self.people.get
        cells = zip(numbers, columns["name"], types, columns["levy_item"],
                    columns["levy_category"], years, strict=True)  # fmt: skip
        for i, (number, name, id_type, item_code, category, year) in enumerate(cells):
            if skip and i in skip:
                continue
            person = people(number)
            if person is None:
                errors[i] = [("id_number", self._unknown(number, id_type))]
                continue
            problems: Errors | None = None
            if person[NAME] != name or person[ID_TYPE] != id_type:
                problems = errors[i] = self._who(person, name, id_type)
            held = held_memo.get(number)
            if held is None:
                held = held_memo[number] = by_category(person[ITEMS])
            span = months.get(year)
            if span is None:
                span = months[year] = (f"{year}-12", f"{year}-01")
            if category is None or category[:5] != item_code:
                category, problem = self._category(held, item_code, category, year, span)
                if problem is not None:
                    errors[i] = [*(problems or ()), problem]
                    continue
            item = in_force_of(held.get(category), span)
            if item is None:
                errors[i] = [*(problems or ()), ("levy_category", NOT_INSURED.format(
                    year=year, category=self.names.category(category)))]  # fmt: skip
                continue
            persons[i], held_items[i], resolved[i] = person, item, category
        # 2. the 档次, once per distinct (年度, 征收品目, typed 档次)
        triples = list(zip(years, resolved, columns["grade"], strict=True))
        memo = {t: self._grade(*t) for t in set(triples) if t[1] is not None}
        memo[(None, None, None)] = _NO_GRADE
        grades = list(map(memo.get, triples, repeat(_NO_GRADE)))
        bad = {t for t, g in memo.items() if g.__class__ is str}
        if bad:
            for i in compress(range(n), map(bad.__contains__, triples)):
                errors.setdefault(i, []).append(("grade", memo[triples[i]]))
                grades[i] = _NO_GRADE
        # 3. the same person × 征收品目 × 年度 twice in the file, or already in the list
        keys = list(zip(types, numbers, resolved, years, strict=True))
        if len(set(keys)) < n:
            self._repeats(keys, resolved, years, errors)
        if self.listed:
            for i in compress(range(n), map(self.listed.__contains__, keys)):
                errors.setdefault(i, []).append((None, ALREADY_LISTED.format(
                    year=years[i], category=self.names.category(resolved[i]))))  # fmt: skip
        # 4. what a valid row takes from the resident, column by column
        codes = list(map(attrgetter("code"), grades))
        subs = list(zip(years, resolved, map(itemgetter(SUBCATEGORY), held_items), codes,
                        strict=True))  # fmt: skip
        sub_memo = {t: self.grades.subcategory_for(*t) for t in set(subs) if t[1] is not None}
        derived = {
            "source": list(map(itemgetter(SOURCE), persons)),
            "record_id": list(map(itemgetter(RECORD_ID), persons)),
            "township": list(map(itemgetter(TOWNSHIP), persons)),
            "village": list(map(itemgetter(VILLAGE), persons)),
            "levy_category": resolved,
            "levy_subcategory": list(map(sub_memo.get, subs)),
            "person_number": list(map(itemgetter(PERSON_NUMBER), held_items)),
            "grade": codes,
            "grade_name": list(map(attrgetter("name"), grades)),
            "amount": list(map(attrgetter("amount"), grades)),
        }
        return ColumnCheckResult(derived, errors)  # type: ignore[arg-type]

    def _repeats(
        self, keys: list[Any], resolved: list[Any], years: list[Any], errors: dict[int, Errors]
    ) -> None:
        """Every row of a repeated person × 征收品目 × 年度 is an error: it is unclear which
        one is meant."""
        seen: dict[Any, int] = {}
        repeats: dict[int, list[int]] = {}
        for i, key in enumerate(keys):
            if resolved[i] is None:
                continue
            first = seen.setdefault(key, i)
            if first != i:
                repeats.setdefault(first, []).append(i)
        for first, others in repeats.items():
            group = [first, *others]
            category = self.names.category(resolved[first])
            for pos in group:
                rows = "、".join(str(p + self.first_row) for p in group if p != pos)
                reason = DUPLICATE.format(rows=rows, year=years[pos], category=category)
                errors.setdefault(pos, []).append(("id_number", reason))

    def _who(self, person: Person, name: str, id_type: str) -> Errors:
        """The row's 姓名 or 证件类型 is not the resident's."""
        problems: Errors = []
        if person[NAME] != name:
            problems.append(("name", NAME_DIFFERS.format(given=name, actual=person[NAME])))
        if person[ID_TYPE] != id_type:
            actual = self.names.id_types.get(person[ID_TYPE], person[ID_TYPE])
            given = self.names.id_types.get(id_type, id_type)
            problems.append(("id_type", TYPE_DIFFERS.format(given=given, actual=actual)))
        return problems

    def _category(
        self,
        held: dict[str, list[Any]],
        item_code: str,
        category: str | None,
        year: int,
        span: tuple[str, str],
    ) -> tuple[Any, tuple[str | None, str] | None]:
        """(征收品目, None) of a row that left it blank (the one insured that year), or
        (None, the problem)."""
        if category is not None:  # not of the row's 征收项目
            return None, ("levy_category", CATEGORY_NOT_OF_ITEM.format(
                category=self.names.category(category), item=self.names.item(item_code)))  # fmt: skip
        insured = [c for c, its in held.items()
                   if c[:5] == item_code and in_force_of(its, span) is not None]  # fmt: skip
        if len(insured) == 1:
            return insured[0], None
        reason = SEVERAL_CATEGORIES if insured else NOT_INSURED_ITEM
        problem = reason.format(year=year, item=self.names.item(item_code))
        return None, ("levy_category" if insured else "levy_item", problem)

    def _unknown(self, number: str, id_type: str | None) -> str:
        if id_type == ID_CARD or (id_type is None and len(number) == 18):
            reason = identity_number_error(number)
            if reason is not None:
                return reason
        return UNREGISTERED_EXTERNAL if number in self.unregistered else UNKNOWN_NUMBER

    def _grade(self, year: int, category: str, typed: Any) -> Any:
        """The 档次, or the sentence why not."""
        name = self.names.category(category)
        if typed is None:
            options = self.grades.of(year, category)
            if len(options) == 1:
                return options[0]
            return GRADE_REQUIRED.format(
                year=year, category=name, choices=self.grades.choices_text(year, category)
            )
        return self.grades.find(year, category, typed) or GRADE_UNKNOWN.format(
            grade=typed, year=year, category=name
        )
