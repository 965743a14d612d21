"""The cross checks of a 社保费代收代报（自主） import, all rows at once (a `ColumnCheck` of
`client.documents.imports`): each row's resident (姓名 and 证件类型 as registered), the 征收品目
they are insured for that year (a blank cell: the only one of the 征收项目), the 档次, the same
person × 征收品目 × 年度 twice in the file, and rows already in the list.

100,000 rows: one Python loop finds each row's resident and item (each person's items grouped
once); the 档次 are looked up once per distinct (年度, 征收品目, typed 档次), repeats and listed
rows by set operations, and the columns a row takes from the resident are built by C-level
`map`s.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

from client.collector.self_people import (
    ID_TYPE,
    ITEMS,
    NAME,
    Person,
)
from client.collector.self_rules import (
    ALREADY_LISTED,
    CATEGORY_NOT_OF_ITEM,
    END,
    GRADE_REQUIRED,
    GRADE_UNKNOWN,
    NAME_DIFFERS,
    NOT_INSURED,
    NOT_INSURED_ITEM,
    SEVERAL_CATEGORIES,
    START,
    TYPE_DIFFERS,
    UNKNOWN_NUMBER,
    UNREGISTERED_EXTERNAL,
    Grade,
    GradeTable,
    by_category,
    in_force_of,
)
from client.documents.imports import ColumnCheckResult
from client.domain.ids import ID_CARD, identity_number_error
from client.storage.unit_db import UnitDatabase

if TYPE_CHECKING:
    from client.collector.self_template import TemplateNames

DUPLICATE = "与第{rows}行是同一居民{year}年的{category}，请只保留一行。"


def listed_keys(db: UnitDatabase) -> set[tuple[str, str, str, int]]:
    """(证件类型, 证件号码, 征收品目, 缴费年度) of every row already in the list."""
    with db.engine.connect() as conn:
        return set(
            conn.exec_driver_sql(
                "SELECT id_type, id_number, levy_category, year FROM resident_drafts"
            ).all()  # type: ignore[arg-type]
        )


Errors = list[tuple[str | None, str]]
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
            item = None
            for candidate in held.get(category, ()):  # in_force_of, inline: 100,000 calls
                start, end = candidate[START], candidate[END]
                if (not start or start <= span[0]) and (not end or end >= span[1]):
                    item = candidate
                    break
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
        # 4. a valid row keeps its resident, item and 档次 (made into the list's columns
        # when the rows are added: `SelfImportResult.draft_values`)
        derived = {"levy_category": resolved, "resident": persons, "insured_item": held_items,
                   "grade": grades}  # fmt: skip
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
