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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

from client.collector.self_import_check import SelfRowsCheck, listed_keys
from client.collector.self_people import (
    ID_TYPE,
    ITEMS,
    NAME,
    RECORD_ID,
    SOURCE,
    TOWNSHIP,
    VILLAGE,
    load_directory,
    unregistered_numbers,
)
from client.collector.self_rules import (
    LEVY_CATEGORY,
    LEVY_ITEM,
    MAX_ROWS,
    NO_GRADES,
    PERSON_NUMBER,
    RESIDENT_ITEMS,
    SUBCATEGORY,
    YEAR_FORMAT,
    YEAR_UNKNOWN,
    GradeTable,
    insured_items,
)
from client.documents.cells import CellError, choice, text
from client.documents.imports import ImportRefused, ImportResult, read_import
from client.documents.row_assembly import LazyRows
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import DEFAULT_ID_TYPES
from client.jobs import JobContext
from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase

KIND = "collector.self_declare"
VERSION = 1
TITLE = "社保费代收代报（自主）导入"
SHEET_TITLE = "代收代报"
LOAD_PHASE = "正在读取城乡居民参保信息"
HAS_ERRORS = "文件中有{count}行数据有错误，为避免只导入一部分，本次未导入任何数据，请保存错误文件，按“错误原因”改正后重新导入。"

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

    grades: GradeTable | None = None

    @property
    def importable(self) -> bool:
        return not self.errors and self.valid_count > 0

    @property
    def refusal(self) -> str | None:
        if self.errors:
            return HAS_ERRORS.format(count=self.error_count)
        return None

    def draft_values(self) -> list[list[Any]]:
        """The valid rows as columns in DRAFT_KEYS order, made from each row's resident, item
        and 档次 (without making row objects)."""
        valid = self.valid
        if isinstance(valid, LazyRows):
            column = valid.column
        else:

            def column(key: str) -> list[Any]:
                return [r.values[key] for r in valid]

        persons, items, grades = column("resident"), column("insured_item"), column("grade")
        years, categories = column("year"), column("levy_category")
        subs = list(zip(years, categories, map(itemgetter(SUBCATEGORY), items),
                        map(attrgetter("code"), grades), strict=True))  # fmt: skip
        table = self.grades or GradeTable(None)
        memo = {t: table.subcategory_for(*t) for t in set(subs)}
        return [
            list(map(itemgetter(SOURCE), persons)),
            list(map(itemgetter(RECORD_ID), persons)),
            column("name"),
            column("id_type"),
            column("id_number"),
            list(map(itemgetter(TOWNSHIP), persons)),
            list(map(itemgetter(VILLAGE), persons)),
            column("levy_item"),
            categories,
            list(map(memo.__getitem__, subs)),
            years,
            list(map(attrgetter("code"), grades)),
            list(map(attrgetter("name"), grades)),
            list(map(attrgetter("amount"), grades)),
            list(map(itemgetter(PERSON_NUMBER), items)),
        ]


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
    shared = {f.name: getattr(base, f.name) for f in fields(ImportResult)}
    return SelfImportResult(**shared, grades=grades)
