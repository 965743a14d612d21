"""外部文件导入 of 缴费工资申报 (manual §2.3–§2.6 二(二)): four templates and their import.

The variants are 日常/年度 × 按职工/按险种, each its own template kind, so a file of another
variant is refused whole, naming both. Columns:

- 按职工: 姓名*, 证件类型, 证件号码*, 新缴费工资(元)*, 生效年月* (日常 only).
- 按险种: 姓名*, 证件类型, 证件号码*, one "<征收项目>-新缴费工资(元)" column per 税务自主
  征收项目 the unit's employees hold (blank: that item is not declared; a row declares at
  least one), 生效年月* (日常 only).

`read_wage_import` checks every row against the unit's employees (found by 证件号码; the name
must match) and their 税务自主 items, and changes nothing. 税务代征 items are left out
(manual §2.3.1); without the `levy_modes` rule file every item counts as 税务自主. The
employees are loaded by one SQLite statement on the import's worker thread while the sheet
is parsed, and the rows are checked column by column (a `ColumnCheck`), so 100,000 rows
cost little more than reading the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import and_, is_, is_not, itemgetter, ne
from typing import Any

from client.documents.cells import CellError, ColumnParser, text
from client.documents.imports import ColumnCheckResult, ImportRefused, ImportResult, read_import
from client.documents.row_assembly import LazyRows
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import DEFAULT_ID_TYPES, ID_CARD, identity_number_error
from client.domain.insured import pay_span
from client.domain.wages import (
    BY_EMPLOYEE,
    BY_ITEM,
    DAILY,
    DECLARATION_TITLES,
    MAX_WAGE,
    MODE_TITLES,
    SELF_COLLECTED,
    WageRuleError,
    check_effective_month,
    money,
    month_text,
)
from client.jobs import JobContext
from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase

TEMPLATE_VERSION = 1
MAX_ROWS = 100_000  # one declaration holds at most 100,000 rows (docs/http-contract.md)
SHEET_TITLE = "缴费工资申报"
WAGE_HEADER = "新缴费工资(元)"
ITEM_KEY = "wage_"  # + 征收项目 code: the key of a 按险种 column
LOAD_PHASE = "正在读取职工参保信息"

ItemColumn = tuple[str, str]  # (征收项目 code, its name): one 按险种 column

NO_SELF_ITEMS = "本单位职工没有征缴模式为税务自主的险种，无需申报缴费工资。"
TOO_MANY_DECIMALS = "缴费工资最多保留2位小数。"
UNKNOWN_TYPE = "证件类型“{value}”不正确，请填写证件类型的名称，如“居民身份证”。"
UNKNOWN_PERSON = "本单位没有该证件号码的职工，请核对证件号码。"
NAME_DIFFERS = "姓名“{given}”与系统中该证件号码的职工姓名“{actual}”不一致，请核对姓名或证件号码。"
TYPE_DIFFERS = "证件类型“{given}”与系统中该职工的证件类型“{actual}”不一致。"
NO_SELF_ITEM = "该职工没有征缴模式为税务自主的险种，无需申报缴费工资。"
NO_ITEM_WAGE = "请至少填写一个险种的新缴费工资。"
ITEM_NOT_HELD = "该职工没有参保{item}（税务自主），不能申报该险种的缴费工资，请清空该单元格。"
BEFORE_START = "生效年月{month}早于本地区允许申报的最早年月{start}，请重新填写。"
EARLIER_NOTICE = "{count}行生效年月早于当前年月{current}，将产生补缴信息。"


@dataclass(frozen=True, slots=True)
class DeclaredItem:
    """One insured item a 按险种 row declares: a row of the working list."""

    unit_number: str
    levy_item: str
    levy_category: str
    old_wage: str | None
    new_wage: str
    stop_month: str | None  # the item's 终止缴费月份


@dataclass
class WageImportResult(ImportResult):
    """An `ImportResult` of wage rows; `earlier_count` of the valid rows take effect before
    this month, which creates 补缴 (the clerk is told before confirming)."""

    declaration_type: str = DAILY
    mode: str = BY_EMPLOYEE
    item_columns: tuple[ItemColumn, ...] = ()
    current_month: str = ""
    earlier_count: int = 0

    @property
    def earlier_notice(self) -> str | None:
        """ "N行生效年月早于当前年月YYYY-MM，将产生补缴信息。", or None."""
        if not self.earlier_count:
            return None
        return EARLIER_NOTICE.format(count=self.earlier_count, current=self.current_month)

    def draft_rows(self) -> list[dict[str, Any]]:
        """The valid rows as rows of the working list (`wage_drafts` columns): one per
        employee 按职工, one per declared item 按险种."""
        rows: list[dict[str, Any]] = []
        for row in self.valid:
            v = row.values
            common = {k: v[k] for k in ("employee_id", "name", "id_type", "id_number")}
            common["effective_month"] = v["effective_month"]
            if self.mode == BY_EMPLOYEE:
                rows.append({**common, "old_wage": v["old_wage"], "new_wage": v["new_wage"],
                             "stop_month": v["stop_month"]})  # fmt: skip
                continue
            for item in v["items"]:
                rows.append({**common, "unit_number": item.unit_number,
                             "levy_item": item.levy_item, "levy_category": item.levy_category,
                             "old_wage": item.old_wage, "new_wage": item.new_wage,
                             "stop_month": item.stop_month})  # fmt: skip
        return rows


# -- the templates ------------------------------------------------------------------------
def template_kind(declaration_type: str, mode: str) -> str:
    return f"wages.{declaration_type}.{mode}"


def template_title(declaration_type: str, mode: str) -> str:
    """ "日常缴费工资申报-按职工申报" and the other three."""
    return f"{DECLARATION_TITLES[declaration_type]}-{MODE_TITLES[mode].removesuffix('缴费工资')}"


def wage_template_spec(
    declaration_type: str, mode: str, items: Sequence[ItemColumn] | None = None
) -> TemplateSpec:
    """The template of one variant. `items` (按险种 only) are the 征收项目 to declare as
    (code, name) pairs in column order; a wage applies to every 单位编号 and 征收品目 of
    that 征收项目 the employee holds."""
    if declaration_type not in DECLARATION_TITLES or mode not in MODE_TITLES:
        raise ValueError(f"unknown wage template {declaration_type}/{mode}")
    columns = [
        TemplateColumn("name", "姓名", required=True, parse=text(100), width=14),
        TemplateColumn("id_type", "证件类型", parse=text(30), width=18),
        TemplateColumn(
            "id_number", "证件号码", required=True, parse=text(40, upper=True), width=24
        ),
    ]
    if mode == BY_EMPLOYEE:
        columns.append(TemplateColumn("new_wage", WAGE_HEADER, True, WAGE, 18, None))
    for code, name in items or () if mode == BY_ITEM else ():
        header = f"{name}-{WAGE_HEADER}"
        width = min(len(header) * 2, 36)
        columns.append(TemplateColumn(ITEM_KEY + code, header, False, WAGE, width, None))
    if declaration_type == DAILY:
        columns.append(TemplateColumn("effective_month", "生效年月", True, _month, width=14))
    return TemplateSpec(
        kind=template_kind(declaration_type, mode),
        version=TEMPLATE_VERSION,
        title=template_title(declaration_type, mode),
        sheet_title=SHEET_TITLE,
        columns=tuple(columns),
        unique_key=("id_number",),
        notes=_notes(declaration_type, mode),
        max_rows=MAX_ROWS,
    )


def _notes(declaration_type: str, mode: str) -> str:
    lines = [
        "填写说明：带*的列必填。按证件号码和姓名对应本单位的职工，证件类型可不填（填写时须与系统中一致）；"
        f"每个职工填写一行，每个文件最多{MAX_ROWS}行。"
    ]
    if mode == BY_EMPLOYEE:
        lines.append(
            "新缴费工资(元)填写大于0的金额，最多2位小数，用于该职工所有税务自主的险种"
            "（税务代征的险种自动过滤）。"
        )
    else:
        lines.append(
            "每个税务自主的险种一列，填写该险种的新缴费工资（大于0，最多2位小数）；"
            "不申报的险种留空，每行至少填写一个险种。"
        )
    if declaration_type == DAILY:
        lines.append(
            "生效年月按2026-11的格式填写，不能晚于职工的停止缴费年月；早于当前年月将产生补缴信息。"
        )
    else:
        lines.append("年度缴费工资申报无需填写生效年月，由管理子系统按本地区的配置生成。")
    return "\n".join(lines)


def _wage(value: Any) -> str:
    """新缴费工资 as "6000.00": the rule of `money` (positive, at most MAX_WAGE), and at
    most two decimals as typed (an import does not round silently)."""
    if value.__class__ is bool:
        value = "是" if value else "否"
    try:
        amount = money(value)
    except WageRuleError as exc:
        raise CellError(exc.message) from None
    if isinstance(value, float):
        if float(f"{value:.2f}") != value:
            raise CellError(TOO_MANY_DECIMALS)
    elif isinstance(value, str):
        exponent = Decimal(value.replace(",", "").strip()).normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise CellError(TOO_MANY_DECIMALS)
    return str(amount)


def _wage_column(values: list[Any], kinds: set[type]) -> list[Any] | None:
    """A column of numbers typed in Excel, all fine, in C-level passes: the same result as
    `_wage` per cell (tests/wages compare them); otherwise None."""
    if not values or not kinds <= {float, int} or min(values) <= 0 or max(values) > _MAX_FLOAT:
        return None
    texts = list(map(format, values, repeat(".2f")))
    return texts if list(map(float, texts)) == values else None


_MAX_FLOAT = float(MAX_WAGE)  # as typed in Excel (the float itself is a shade above)
WAGE = ColumnParser(_wage, _wage_column)


def _month(value: Any) -> str:
    try:
        return month_text(value)
    except WageRuleError as exc:
        raise CellError(exc.message) from None


def write_wage_template(
    path: str | os.PathLike[str],
    declaration_type: str,
    mode: str,
    unit_db: UnitDatabase,
    app_db: AppDatabase,
) -> TemplateSpec:
    """导入模板下载: the variant's empty template for this unit at `path`; returns its spec.
    按险种 has a column per 税务自主 征收项目 the unit's employees hold."""
    spec = _unit_spec(declaration_type, mode, unit_db, app_db)[0]
    write_template(spec, path)
    return spec


def _unit_spec(
    declaration_type: str, mode: str, unit_db: UnitDatabase, app_db: AppDatabase
) -> tuple[TemplateSpec, frozenset[str] | None, tuple[ItemColumn, ...]]:
    """The variant's spec for this unit, its 税务自主 codes and (按险种) item columns."""
    self_codes = self_collected_codes(app_db)
    items: tuple[ItemColumn, ...] = ()
    if mode == BY_ITEM:
        names = app_db.code_table("levy_items")
        items = tuple((c, names.get(c, c)) for c in unit_levy_items(unit_db, self_codes))
        if not items:
            raise WageRuleError(NO_SELF_ITEMS)
    return wage_template_spec(declaration_type, mode, items), self_codes, items


# -- the import ---------------------------------------------------------------------------
def read_wage_import(
    path: str | os.PathLike[str],
    declaration_type: str,
    mode: str,
    unit_db: UnitDatabase,
    app_db: AppDatabase,
    today: date,
    ctx: JobContext | None = None,
) -> WageImportResult:
    """Read and check a filled template of this variant; nothing is added."""
    ctx = ctx or JobContext()
    ctx.progress(LOAD_PHASE, 0, None)
    try:
        spec, self_codes, items = _unit_spec(declaration_type, mode, unit_db, app_db)
    except WageRuleError as exc:
        raise ImportRefused(exc.message) from None
    rules = app_db.rule_file("wage_rules") or {}
    id_types = app_db.code_table("id_types") or DEFAULT_ID_TYPES

    def load_check() -> _WageCheck:  # on the import's worker thread
        staff = load_staff(unit_db, self_codes, with_items=mode == BY_ITEM)
        return _WageCheck(staff, declaration_type == DAILY, dict(items), today, rules, id_types)

    base = read_import(spec, path, ctx, load_check=load_check)
    current = f"{today:%Y-%m}"
    earlier = 0
    if declaration_type == DAILY:
        valid = base.valid
        months = (
            valid.column("effective_month")
            if isinstance(valid, LazyRows)
            else [r.values["effective_month"] for r in valid]
        )
        earlier = sum(map(current.__gt__, months))
    shared = {f.name: getattr(base, f.name) for f in fields(ImportResult)}
    return WageImportResult(**shared, declaration_type=declaration_type, mode=mode,
                            item_columns=items, current_month=current, earlier_count=earlier)  # fmt: skip


# -- the unit's employees ------------------------------------------------------------------
# An employee: [id, name, id_type, base of the first 税务自主 item (None: the employee has
# none), 停止缴费年月 of the 税务自主 items (None: still paying)], as JSON gives it.
Person = list[Any]
ID, NAME, ID_TYPE, BASE, STOP = range(5)
# A 税务自主 item: [unit_number, levy_item, levy_category, base, start_month, end_month].
Held = list[Any]
NOBODY: Person = [-1, "", "", None, None]  # the person of a row that has none
LOAD_CACHE_KIB = -65536  # SQLite page cache while loading (64 MB; the default is 16 MB)

# One statement, one JSON text: SQLite builds it without holding the GIL, so the sheet is
# parsed meanwhile (a row at a time would hand the GIL back and forth 100,000 times), and
# json.loads makes the dict in C. Per employee: the first 税务自主 item's base (the bare
# column of the row `min(row_id)` picks) and the stop month as `pay_span` has it (none
# while any item is open-ended, else the latest).
_PERSON = """json_array(e.id, ifnull(trim(e.name), ''), ifnull(e.id_type, ''), a.base,
    CASE WHEN a.open = 0 THEN (SELECT max(end_month) FROM employee_items i
                               WHERE i.employee_id = e.id{also}) END)"""
_PEOPLE_FROM = """
FROM employees e
LEFT JOIN (SELECT employee_id, min(row_id), base, count(*) - count(end_month) AS open
           FROM employee_items{where} GROUP BY employee_id) a ON a.employee_id = e.id
"""
_PEOPLE_SQL = f"SELECT json_group_object(upper(trim(e.id_number)), {_PERSON}){_PEOPLE_FROM}"
# The employees who share a 证件号码 (json_group_object keeps only the last of them).
_SHARED_SQL = (
    f"SELECT json_group_array(json_array(upper(trim(e.id_number)), {_PERSON})){_PEOPLE_FROM}"
    " WHERE upper(trim(e.id_number)) IN"
    " (SELECT upper(trim(id_number)) FROM employees GROUP BY 1 HAVING count(*) > 1)"
)
_ITEMS_SQL = """
SELECT json_group_array(json_array(employee_id, unit_number, levy_item, levy_category,
    base, start_month, end_month))
FROM (SELECT * FROM employee_items{where} ORDER BY row_id)
"""


@dataclass
class Staff:
    """The unit's employees as an import needs them: one dict lookup per row."""

    people: dict[str, Person]  # 证件号码 → the employee (the last when several share it)
    shared: dict[str, list[Person]]  # 证件号码 held by several employees → all of them
    held: dict[int, list[Held]]  # id → 税务自主 items in the unit's order (按险种 only)


def self_collected_codes(app_db: AppDatabase) -> frozenset[str] | None:
    """The 税务自主 征收项目 codes; None (all count) when `levy_modes` is not downloaded."""
    modes = app_db.code_table("levy_modes")
    if not modes:
        return None
    return frozenset(code for code, mode in modes.items() if mode == SELF_COLLECTED)


def unit_levy_items(unit_db: UnitDatabase, self_codes: frozenset[str] | None) -> list[str]:
    """The distinct 税务自主 征收项目 codes the unit's employees hold, in code order."""
    sql = "SELECT DISTINCT levy_item FROM employee_items ORDER BY levy_item"
    with unit_db.engine.connect() as conn:
        codes = [r[0] for r in conn.exec_driver_sql(sql)]
    return [c for c in codes if self_codes is None or c in self_codes]


def load_staff(
    unit_db: UnitDatabase, self_codes: frozenset[str] | None, with_items: bool = False
) -> Staff:
    """Every employee with what the checks need (and, 按险种, their 税务自主 items)."""
    where = also = ""
    params: tuple[str, ...] = ()
    if self_codes is not None:
        marks = ",".join("?" * len(self_codes))
        where, also = f" WHERE levy_item IN ({marks})", f" AND i.levy_item IN ({marks})"
        params = tuple(sorted(self_codes))
    with unit_db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute(f"PRAGMA cache_size={LOAD_CACHE_KIB}")  # the tables fit: twice as fast
        try:
            sql = _PEOPLE_SQL.format(where=where, also=also)
            people: dict[str, Person] = json.loads(raw.execute(sql, params * 2).fetchone()[0])
            shared: dict[str, list[Person]] = {}
            if len(people) < raw.execute("SELECT count(*) FROM employees").fetchone()[0]:
                sql = _SHARED_SQL.format(where=where, also=also)
                for number, person in json.loads(raw.execute(sql, params * 2).fetchone()[0]):
                    shared.setdefault(number, []).append(person)
            items = "[]"
            if with_items:
                items = raw.execute(_ITEMS_SQL.format(where=where), params).fetchone()[0] or "[]"
        finally:
            raw.execute(f"PRAGMA cache_size={int(cache)}")
    held: dict[int, list[Held]] = {}
    for employee_id, *item in json.loads(items):
        held.setdefault(employee_id, []).append(item)
    return Staff(people, shared, held)


Errors = list[tuple[str | None, str]]


class _WageCheck:
    """The cross checks of all rows at once (a `ColumnCheck`): the person, their 税务自主
    items, 生效年月. The common row costs a few C-level passes; the rest is looked at one by
    one (`_identify`)."""

    def __init__(
        self,
        staff: Staff,
        daily: bool,
        items: Mapping[str, str],  # 按险种: 征收项目 code → name
        today: date,
        rules: Mapping[str, Any],
        id_types: Mapping[str, str],
    ) -> None:
        self.staff = staff
        self.daily = daily
        self.items = [(ITEM_KEY + code, code, name) for code, name in items.items()]
        self.today = today
        self.start_month: str | None = rules.get("declaration_start_month")
        ahead = rules.get("max_months_ahead")
        self.max_ahead: int | None = int(ahead) if ahead is not None else None
        self.id_types = id_types
        self.type_codes = {name: code for code, name in id_types.items()}
        self.type_codes.update({code: code for code in id_types})

    def check_columns(self, columns: Mapping[str, list[Any]], skip: Set[int]) -> ColumnCheckResult:
        numbers, names, shown = columns["id_number"], columns["name"], columns["id_type"]
        n = len(numbers)
        persons: list[Person] = list(map(self.staff.people.get, numbers, repeat(NOBODY)))
        suspects = set(compress(range(n), map(ne, map(itemgetter(NAME), persons), names)))
        suspects.update(self._other_types(shown, persons))
        if self.staff.shared:
            suspects.update(i for i, number in enumerate(numbers) if number in self.staff.shared)
        errors: dict[int, Errors] = {}
        # Rows with cell errors are identified too when their 证件号码 and 姓名 cells are
        # good, so that a wrong check digit shows beside a bad amount in one pass.
        identifiable = [i for i in skip if numbers[i] is not None and names[i] is not None]
        for i in skip - set(identifiable):  # no one to judge their months against
            persons[i] = NOBODY
        for i in sorted(suspects - skip | suspects.intersection(identifiable)):
            person, problems = self._identify(numbers[i], names[i], shown[i])
            persons[i] = person or NOBODY
            if problems:
                errors[i] = problems
        ids = list(map(itemgetter(ID), persons))
        derived: dict[str, list[Any]] = {"employee_id": ids}
        derived["id_type"] = list(map(itemgetter(ID_TYPE), persons))
        if self.items:
            derived["items"], stops = self._declare_items(columns, ids, skip, errors)
        else:
            derived["old_wage"] = old = list(map(itemgetter(BASE), persons))
            if None in old:
                for i in compress(range(n), map(is_, old, repeat(None))):
                    if i not in skip and i not in errors:
                        errors[i] = [(None, NO_SELF_ITEM)]
            stops = list(map(itemgetter(STOP), persons))
        derived["stop_month"] = stops
        if self.daily:
            self._months(columns["effective_month"], stops, skip, errors)
        else:
            derived["effective_month"] = [None] * n
        return ColumnCheckResult(derived, errors)  # type: ignore[arg-type]

    def _other_types(self, shown: list[str | None], persons: list[Person]) -> Iterable[int]:
        """Rows whose 证件类型 is given and is not the employee's (or not a type)."""
        given = set(shown) - {None}
        if not given:
            return ()
        types = map(itemgetter(ID_TYPE), persons)
        if len(given) == 1 and None not in shown:  # the common file: one type throughout
            return compress(range(len(shown)), map(ne, types, repeat(self.type_codes.get(given.pop()))))  # fmt: skip
        differ = map(ne, map(self.type_codes.get, shown), types)
        if None not in shown:
            return compress(range(len(shown)), differ)
        return compress(range(len(shown)), map(and_, differ, map(is_not, shown, repeat(None))))

    def _identify(
        self, number: str, name: str, shown_type: str | None
    ) -> tuple[Person | None, Errors]:
        """The person of a row off the common path, or the row's error."""
        type_code = None
        if shown_type is not None:
            type_code = self.type_codes.get(shown_type)
            if type_code is None:
                return None, [("id_type", UNKNOWN_TYPE.format(value=shown_type))]
        people = self.staff.shared.get(number) or [self.staff.people.get(number, NOBODY)]
        if people[0] is NOBODY:
            if type_code == ID_CARD or (type_code is None and len(number) == 18):
                reason = identity_number_error(number)
                if reason is not None:
                    return None, [("id_number", reason)]
            return None, [("id_number", UNKNOWN_PERSON)]
        named = [p for p in people if p[NAME] == name]
        if not named:
            return None, [("name", NAME_DIFFERS.format(given=name, actual=people[0][NAME]))]
        typed = [p for p in named if type_code is None or p[ID_TYPE] == type_code]
        if not typed:
            actual = self.id_types.get(named[0][ID_TYPE], named[0][ID_TYPE])
            return None, [("id_type", TYPE_DIFFERS.format(given=shown_type, actual=actual))]
        return typed[0], []

    def _declare_items(
        self, columns: Mapping[str, list[Any]], ids: list[int], skip: Set[int], errors: dict[int, Errors]
    ) -> tuple[list[list[DeclaredItem] | None], list[str | None]]:  # fmt: skip
        """按险种: each row's declared items (every 单位编号/征收品目 of a filled 征收项目); the
        stop month is the latest of the declared items' (as the backend checks it)."""
        declared_rows: list[list[DeclaredItem] | None] = [None] * len(ids)
        stops: list[str | None] = [None] * len(ids)
        wages = [(key, code, name, columns[key]) for key, code, name in self.items]
        for i, employee_id in enumerate(ids):
            if i in skip or i in errors:
                continue
            held = self.staff.held.get(employee_id)
            if not held:
                errors[i] = [(None, NO_SELF_ITEM)]
                continue
            declared: list[DeclaredItem] = []
            problems: Errors = []
            for key, code, name, column in wages:
                mine = [h for h in held if h[1] == code] if column[i] is not None else None
                if mine == []:
                    problems.append((key, ITEM_NOT_HELD.format(item=name)))
                for unit, _, category, old, _, end in mine or ():
                    declared.append(DeclaredItem(unit, code, category, old, column[i], end))
            if not declared and not problems:
                problems.append((None, NO_ITEM_WAGE))
            if problems:
                errors[i] = problems
            declared_rows[i] = declared
            stops[i] = pay_span((None, d.stop_month) for d in declared)[1]
        return declared_rows, stops

    def _months(
        self, months: list[Any], stops: list[str | None], skip: Set[int], errors: dict[int, Errors]
    ) -> None:
        """生效年月 against each employee's stop month: rows of employees still paying (or
        not identified) are judged by month alone, the others once per distinct (month,
        stop month). Added to any other error of the row, so all show at once."""
        verdicts = {m: self._month(m, None) for m in set(months) - {None}}
        bad = {m for m, error in verdicts.items() if error is not None}
        rows = [] if not bad else compress(range(len(months)), map(bad.__contains__, months))
        found = {i: verdicts[months[i]] for i in rows if stops[i] is None}
        stopped: dict[tuple[str, str], str | None] = {}
        for i in compress(range(len(stops)), map(is_not, stops, repeat(None))):
            pair = (months[i], stops[i])
            if pair[0] is not None:
                error = stopped[pair] if pair in stopped else stopped.setdefault(pair, self._month(*pair))  # fmt: skip
                if error is not None:
                    found[i] = error
        for i, error in found.items():
            if error is None:
                continue
            errors.setdefault(i, []).append(("effective_month", error))

    def _month(self, month: str, stop: str | None) -> str | None:
        if self.start_month and month < self.start_month:
            return BEFORE_START.format(month=month, start=self.start_month)
        try:
            check_effective_month(month, self.today, stop, None, self.max_ahead)
        except WageRuleError as exc:
            return exc.message
        return None
