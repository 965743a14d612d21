"""The 缴费工资申报 working list (manual §2.3–§2.6): what the clerk adds, edits and deletes
before 提交申报. One list per 日常/年度 × 按职工/按险种, kept in the unit database so it
survives a restart until its rows are declared successfully."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Row, and_, delete, func, or_, select, update

from client.domain.insured import current_month
from client.domain.wages import (
    ANNUAL,
    BY_ITEM,
    SELF_COLLECTED,
    Adjustment,
    MonthCheck,
    WageRuleError,
    check_effective_month,
    clamp_base,
    money,
)
from client.storage.app_db import AppDatabase
from client.storage.chunks import chunked
from client.storage.listing import QueryListSource, contains, custom, equals
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import (
    Employee,
    EmployeeItem,
    Registration,
    WageDraft,
)

DRAFTS = WageDraft.__table__
# What 提交申报 and 批量修改 read of each row (the rest would only cost memory).
SUBMIT_COLUMNS = tuple(
    DRAFTS.c[name]
    for name in ("id", "employee_id", "id_number", "tax_authority", "old_wage", "new_wage",
                 "effective_month", "state", "unit_number", "levy_item", "levy_category")
)  # fmt: skip
EMPLOYEES = Employee.__table__
ITEMS = EmployeeItem.__table__
NOT_DECLARED, SUBMITTED, FAILED = "未申报", "待反馈", "申报失败"
EDITABLE_STATES = (NOT_DECLARED, FAILED)
NO_OWN_ITEMS = "没有需要申报缴费工资的税务自主险种"
_CENTS = re.compile(r"(?:0|[1-9][0-9]*)\.[0-9][0-9]")
# SQL for a `{base}` matching _CENTS and not zero: what new_wage keeps as it is (0 or 1,
# never NULL). ASCII digits, as the pattern's [0-9].
_KEPT_SQL = (
    "({base} IS NOT NULL AND (({base} GLOB '[1-9]*.[0-9][0-9]'"
    " AND NOT substr({base}, 1, length({base}) - 3) GLOB '*[^0-9]*')"
    " OR ({base} GLOB '0.[0-9][0-9]' AND {base} <> '0.00')))"
)
# The columns of a row added by add_many, in the order of its tuples.
ADD_COLUMNS = ("declaration_type", "mode", "state", "added_at", "tax_authority", "employee_id",
               "name", "id_type", "id_number", "old_wage", "new_wage", "effective_month",
               "stop_month", "unit_number", "levy_item", "levy_category")  # fmt: skip
# add_many 按职工: per employee (of `where`, named in the bound :month etc.), how many of the
# items are 税务自主 (`own`), the first of those still paid this month and its 原缴费工资,
# whether one of them runs on (长期) and the latest 终止缴费月份; by name as the list shows.
_PAID = "(({own}) AND (i.end_month IS NULL OR i.end_month >= :month))"
_EMPLOYEES_SQL = f"""
SELECT g.id, g.name, g.id_type, g.id_number, g.own, g.first_row, f.base,
       CASE WHEN g.open_ended THEN NULL ELSE g.last_end END AS stop, {{kept}} AS kept
FROM (
    SELECT e.id, e.name, e.id_type, e.id_number, SUM({{own}}) AS own,
           MIN(CASE WHEN {_PAID} THEN i.row_id END) AS first_row,
           MAX(CASE WHEN {_PAID} AND i.end_month IS NULL THEN 1 ELSE 0 END) AS open_ended,
           MAX(CASE WHEN {_PAID} THEN i.end_month END) AS last_end
    FROM employees e JOIN employee_items i ON i.employee_id = e.id
    WHERE {{where}}
    GROUP BY e.id
) g LEFT JOIN employee_items f ON f.row_id = g.first_row
ORDER BY g.name, g.id"""
# add_many 按险种: every item of the employees of `where`, an employee's items together.
_ITEMS_SQL = """
SELECT e.id, e.name, e.id_type, e.id_number, ({own}) AS own, i.unit_number, i.levy_item,
       i.levy_category, i.base, i.end_month
FROM employees e JOIN employee_items i ON i.employee_id = e.id
WHERE {where}
ORDER BY e.name, e.id, i.row_id"""


@dataclass(frozen=True)
class ItemInfo:
    unit_number: str
    levy_item: str
    levy_category: str
    base: str
    end_month: str | None


@dataclass(frozen=True)
class EmployeeWageInfo:
    """What 单个录入 shows once a name is chosen: 证件号码, 原缴费工资, the 税务自主 items."""

    employee_id: int
    name: str
    id_type: str
    id_number: str
    items: list[ItemInfo]

    @property
    def old_wage(self) -> str | None:
        return self.items[0].base if self.items else None

    @property
    def stop_month(self) -> str | None:
        """The latest 终止缴费月份 of the items; None when one of them is 长期."""
        ends = [i.end_month for i in self.items]
        return None if not ends or None in ends else max(e for e in ends if e)


@dataclass
class AddResult:
    added: int = 0
    already_listed: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)

    def message(self) -> str:
        parts = [f"已添加{self.added}条"]
        if self.already_listed:
            parts.append(f"{self.already_listed}条已在列表中，未重复添加")
        if self.refused:
            parts.append(f"{len(self.refused)}条不能添加")
        text = "，".join(parts) + "。"
        if self.refused:
            shown = "；".join(f"{name}：{reason.rstrip('。')}" for name, reason in self.refused[:5])
            more = "等" if len(self.refused) > 5 else ""
            text += f"不能添加的有：{shown}{more}。"
        return text


class WageDrafts:
    def __init__(
        self,
        app_db: AppDatabase,
        db: UnitDatabase,
        tax_authority: str,
        today: date,
        declaration_type: str,
        mode: str,
    ) -> None:
        self.app_db = app_db
        self.db = db
        self.default_tax_authority = tax_authority
        self.today = today
        self.declaration_type = declaration_type
        self.mode = mode
        modes = app_db.code_table("levy_modes")
        # Without the rule file every item counts as 税务自主 (the server refuses the rest).
        self._self_collected = None if not modes else {
            code for code, name in modes.items() if name == SELF_COLLECTED
        }  # fmt: skip
        self._limits = _base_limits(app_db.rule_file("base_limits") or {})
        rules = app_db.rule_file("wage_rules") or {}
        self._start_month: str | None = rules.get("declaration_start_month")
        ahead = rules.get("max_months_ahead")
        self._max_ahead: int | None = int(ahead) if ahead is not None else None

    @property
    def is_annual(self) -> bool:
        return self.declaration_type == ANNUAL

    @property
    def by_item(self) -> bool:
        return self.mode == BY_ITEM

    def _mine(self) -> Any:
        return and_(DRAFTS.c.declaration_type == self.declaration_type, DRAFTS.c.mode == self.mode)

    # -- reference data --------------------------------------------------------------------
    def self_collected(self, levy_item: str) -> bool:
        return self._self_collected is None or levy_item in self._self_collected

    def own_items_clause(self) -> tuple[str, dict[str, Any]]:
        """SQL true for a 税务自主 item `i` (of employee_items), with its named parameter."""
        if self._self_collected is None:  # without the rule file every item counts
            return "1", {}
        codes = json.dumps(sorted(self._self_collected))
        return "i.levy_item IN (SELECT value FROM json_each(:own))", {"own": codes}

    def base_for(self, wage: str | None, month: str | None) -> str:
        """The 缴费基数 a wage gives in the month's year (clamped by the base limits)."""
        if not wage:
            return ""
        year = int((month or current_month(self.today))[:4])
        return f"{clamp_base(Decimal(wage), self._limits.get(year)):.2f}"

    def tax_authorities(self) -> list[str]:
        with self.db.read() as session:
            found = session.scalars(select(Registration.tax_authority).distinct()).all()
        return list(dict.fromkeys([self.default_tax_authority, *found]))

    def candidates(self, text: str, limit: int = 50) -> list[tuple[int, str, str]]:
        """单个录入's name box: fuzzy on the name (or 拼音首字母), with the 证件号码."""
        text = text.strip()
        e = EMPLOYEES.c
        query = select(e.id, e.name, e.id_number).order_by(e.name, e.id).limit(limit)
        if text:
            clause = e.name.contains(text, autoescape=True)
            if text.isascii() and text.isalpha():
                clause = or_(clause, e.name_initials.contains(text.lower(), autoescape=True))
            query = query.where(clause)
        with self.db.engine.connect() as conn:
            return [(r.id, r.name, r.id_number) for r in conn.execute(query)]

    def employee(self, employee_id: int) -> EmployeeWageInfo | None:
        infos = self._employees(EMPLOYEES.c.id == employee_id)
        return infos[0] if infos else None

    def employees(self, employee_ids: Sequence[int]) -> dict[int, EmployeeWageInfo]:
        """Many employees at once (提交申报 of a whole unit), by id."""
        found: dict[int, EmployeeWageInfo] = {}
        for chunk in chunked(sorted(set(employee_ids))):
            for info in self._employees(EMPLOYEES.c.id.in_(chunk)):
                found[info.employee_id] = info
        return found

    def _employees(self, where: Any) -> list[EmployeeWageInfo]:
        e, i = EMPLOYEES.c, ITEMS.c
        query = (
            select(
                e.id,
                e.name,
                e.id_type,
                e.id_number,
                i.unit_number,
                i.levy_item,
                i.levy_category,
                i.base,
                i.end_month,
            )  # fmt: skip
            .select_from(EMPLOYEES.join(ITEMS, i.employee_id == e.id))
            .where(where)
            .order_by(e.name, e.id, i.row_id)
        )
        found: dict[int, EmployeeWageInfo] = {}
        with self.db.engine.connect() as conn:
            for r in conn.execute(query):
                info = found.get(r.id)
                if info is None:
                    info = found[r.id] = EmployeeWageInfo(r.id, r.name, r.id_type, r.id_number, [])
                if self.self_collected(r.levy_item):
                    info.items.append(
                        ItemInfo(r.unit_number, r.levy_item, r.levy_category, r.base, r.end_month)
                    )
        return list(found.values())

    # -- adding ------------------------------------------------------------------------------
    def default_month(self) -> str | None:
        return None if self.is_annual else current_month(self.today)

    def check_month(self, month: Any, stop_month: str | None) -> MonthCheck | None:
        """None for 年度 (the backend sets 生效年月)."""
        if self.is_annual:
            return None
        return check_effective_month(
            month, self.today, stop_month, self._start_month, self._max_ahead
        )

    def add_single(
        self,
        employee_id: int,
        new_wage: Any,
        effective_month: Any = None,
        tax_authority: str | None = None,
        item_wages: Mapping[tuple[str, str, str], Any] | None = None,
    ) -> AddResult:
        """单个录入. By item, `item_wages` maps (单位编号, 征收项目, 征收品目) to the new wage;
        items left out are not declared."""
        info = self.employee(employee_id)
        if info is None:
            raise WageRuleError("该职工不在本单位的参保登记信息中，请先更新职工参保信息。")
        if not info.items:
            raise WageRuleError("该职工没有需要申报缴费工资的税务自主险种。")
        rows = self._rows_for(
            info, lambda _old: money(new_wage) if not self.by_item else None, effective_month,
            tax_authority, item_wages,
        )  # fmt: skip
        if not rows:
            raise WageRuleError("请至少为一个险种填写新缴费工资。")
        return self._insert_rows(rows, [])

    def add_many(
        self,
        which: str,
        value: Any = None,
        adjustment: Adjustment | None = None,
        effective_month: Any = None,
        group_ids: Sequence[int] = (),
    ) -> AddResult:
        """添加全部正常缴费职工 (`which`="paying"), 按单位编号添加 ("unit_number", value =
        单位编号) or 按分组添加 ("group", group_ids = the group and its sub-groups). The new
        wage is the old one, adjusted by 比率/固定金额 when given.

        A whole unit at once (85,000 employees): SQLite picks each employee's 税务自主 items
        still paid this month (按职工 already folded to the first one's 原缴费工资 and the
        latest 终止缴费月份), the rules run once per distinct 原缴费工资 and stop month, and the
        rows go in as plain tuples in one statement."""
        month = current_month(self.today)
        where = "e.pay_start <= :month AND (e.pay_end IS NULL OR e.pay_end >= :month)"
        params: dict[str, Any] = {"month": month}
        if which == "unit_number":
            where += " AND i.unit_number = :unit_number"
            params["unit_number"] = str(value)
        elif which == "group":
            where += (
                " AND e.id IN (SELECT record_id FROM record_groups"
                " WHERE group_id IN (SELECT value FROM json_each(:groups)))"
            )
            params["groups"] = json.dumps([int(g) for g in group_ids])
        elif which != "paying":
            raise ValueError(which)
        own, own_params = self.own_items_clause()
        params.update(own_params)

        def new_wage(old: str | None) -> str:
            if adjustment is None and old and _CENTS.fullmatch(old) and old.strip("0."):
                return old  # already a positive amount in 分, as Decimal would write it
            try:
                old_amount = Decimal(old) if old else None
            except InvalidOperation:  # not a number: the server sent something unusual
                raise WageRuleError("该职工的原缴费工资无法识别，请单个录入新缴费工资。") from None
            if old_amount is not None and not old_amount.is_finite():
                raise WageRuleError("该职工的原缴费工资无法识别，请单个录入新缴费工资。")
            if adjustment is not None:
                return f"{adjustment.apply(old_amount):.2f}"
            if old_amount is None or old_amount <= 0:
                raise WageRuleError("该职工没有原缴费工资，请单个录入新缴费工资。")
            return f"{old_amount:.2f}"

        wage = _Memo(new_wage)
        check = _Memo(lambda stop: self.check_month(effective_month or self.default_month(), stop))
        if not self.by_item:
            kept = _KEPT_SQL.format(base="f.base") if adjustment is None else "0"
            return self._add_employees(_EMPLOYEES_SQL.format(own=own, where=where, kept=kept),
                                       params, wage, check)  # fmt: skip
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            found = raw.execute(_ITEMS_SQL.format(own=own, where=where), params)
            rows, refused = self._item_rows(found, month, wage, check)
        return self._insert(ADD_COLUMNS, rows, refused)

    def _fixed(self) -> tuple[Any, ...]:
        """The leading ADD_COLUMNS values shared by every row added now."""
        return (self.declaration_type, self.mode, NOT_DECLARED, datetime.now().isoformat(" "),
                self.default_tax_authority)  # fmt: skip

    def _add_employees(
        self, sql: str, params: dict[str, Any], wage: _Memo, check: _Memo
    ) -> AddResult:
        """按职工, set-based (a whole unit in one statement): the employees of `sql` go to a
        temporary table in list order; the 生效年月 rule runs once per distinct stop month and
        the wage rule once per distinct 原缴费工资 of those that passed it; the rows that
        passed both go in with one INSERT … SELECT, the others are named as refused.

        Without 比率/固定金额 a 原缴费工资 already written in 分 (`kept`, what `new_wage` keeps
        as it is: `_KEPT_SQL`) is the new wage; SQLite sees that per row, so only the other
        wages (usually none) go through the rule in Python."""
        with self.db.write() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute(f"CREATE TEMP TABLE wage_add AS {sql}", params)
            try:
                listed = "a.own AND a.first_row IS NOT NULL"
                stops = [(k, *check(k)) for (k,) in raw.execute(
                    f"SELECT DISTINCT a.stop FROM temp.wage_add a WHERE {listed}")]  # fmt: skip
                raw.execute("CREATE TEMP TABLE wage_add_stop (key TEXT PRIMARY KEY, month TEXT,"
                            " reason TEXT)")  # fmt: skip
                raw.executemany(
                    "INSERT INTO temp.wage_add_stop VALUES (?, ?, ?)",
                    [(k or "", (v.month if v else None) if ok else None, None if ok else v)
                     for k, ok, v in stops],
                )  # fmt: skip
                # Only the 原缴费工资 of employees whose 生效年月 passed (as one by one).
                passed = f"{listed} AND s.reason IS NULL"
                both = "temp.wage_add a JOIN temp.wage_add_stop s ON s.key = ifnull(a.stop, '')"
                olds, offered = [], 0  # offered: the rows that pass both rules
                for kept, k, n in raw.execute(
                    f"SELECT a.kept, CASE WHEN a.kept THEN NULL ELSE a.base END AS old, count(*)"
                    f" FROM {both} WHERE {passed} GROUP BY a.kept, old"
                ):
                    if kept:
                        offered += n
                    else:
                        olds.append((k, *wage(k), n))
                        offered += n if olds[-1][1] else 0
                raw.execute("CREATE TEMP TABLE wage_add_wage (old TEXT PRIMARY KEY, new TEXT,"
                            " reason TEXT)")  # fmt: skip
                raw.executemany(
                    "INSERT INTO temp.wage_add_wage VALUES (?, ?, ?)",
                    [(k, v if ok else None, None if ok else v) for k, ok, v, _n in olds],
                )
                refused = raw.execute(
                    "SELECT a.name, CASE WHEN NOT a.own THEN ? ELSE ifnull(s.reason, w.reason) END"
                    " FROM temp.wage_add a"
                    " LEFT JOIN temp.wage_add_stop s ON s.key = ifnull(a.stop, '')"
                    " LEFT JOIN temp.wage_add_wage w ON w.old = a.base AND s.reason IS NULL"
                    f" WHERE NOT a.own OR ({listed} AND (s.reason IS NOT NULL OR w.reason IS NOT NULL))"
                    " ORDER BY a.rowid",
                    (NO_OWN_ITEMS,),
                ).fetchall()
                before = raw.total_changes
                raw.execute(
                    f"INSERT OR IGNORE INTO wage_drafts ({', '.join(ADD_COLUMNS)})"
                    " SELECT ?, ?, ?, ?, ?, a.id, a.name, a.id_type, a.id_number, a.base,"
                    " CASE WHEN a.kept THEN a.base ELSE w.new END, s.month, a.stop, '', '', ''"
                    " FROM temp.wage_add a CROSS JOIN temp.wage_add_stop s"
                    " LEFT JOIN temp.wage_add_wage w ON w.old = a.base AND NOT a.kept"
                    f" WHERE {passed} AND s.key = ifnull(a.stop, '')"
                    " AND (a.kept OR (w.old IS NOT NULL AND w.reason IS NULL)) ORDER BY a.rowid",
                    self._fixed(),
                )
                added = raw.total_changes - before
            finally:
                for table in ("wage_add", "wage_add_stop", "wage_add_wage"):
                    raw.execute(f"DROP TABLE IF EXISTS temp.{table}")
        return AddResult(added, offered - added, [(name, reason) for name, reason in refused])

    def _item_rows(
        self, found: Iterable[tuple[Any, ...]], month: str, wage: _Memo, check: _Memo
    ) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
        """按险种: one row per 税务自主 item still paid (`_ITEMS_SQL`, an employee's items
        together). A wage that cannot be made refuses the employee; an item stopped before
        the 生效年月 is left out, and the employee refused only when none is left."""
        rows: list[tuple[Any, ...]] = []
        refused: list[tuple[str, str]] = []
        fixed = self._fixed()
        for _employee, grouped in groupby(found, key=itemgetter(0)):
            group = list(grouped)
            items = [r for r in group if r[4]]
            if not items:
                refused.append((group[0][1], NO_OWN_ITEMS))
                continue
            name = items[0][1]
            current = [r for r in items if r[9] is None or r[9] >= month]
            made: list[tuple[Any, ...]] = []
            reason = None
            for index, (employee_id, _n, id_type, id_number, _own, unit_number, levy_item,
                        levy_category, base, end) in enumerate(current):  # fmt: skip
                ok, new = wage(base)
                if not ok:
                    reason, made = new, []
                    break
                ok, checked = check(end)
                if not ok:
                    if not made and index == len(current) - 1:
                        reason = checked
                    continue
                made.append((*fixed, employee_id, name, id_type, id_number, base, new,
                             checked.month if checked is not None else None, end, unit_number,
                             levy_item, levy_category))  # fmt: skip
            if reason is not None:
                refused.append((name, reason))
            rows.extend(made)
        return rows, refused

    def add_imported(self, rows: Iterable[dict[str, Any]]) -> AddResult:
        """Rows confirmed in the 外部文件导入 preview (already checked row by row)."""
        return self._insert_rows([self._row(**r) for r in rows], [])

    def _rows_for(
        self,
        info: EmployeeWageInfo,
        wage: Any,
        effective_month: Any,
        tax_authority: str | None,
        item_wages: Mapping[tuple[str, str, str], Any] | None,
    ) -> list[dict[str, Any]]:
        authority = tax_authority or self.default_tax_authority
        if not self.by_item:
            check = self.check_month(effective_month or self.default_month(), info.stop_month)
            return [
                self._row(
                    employee_id=info.employee_id, name=info.name, id_type=info.id_type,
                    id_number=info.id_number, tax_authority=authority, old_wage=info.old_wage,
                    new_wage=f"{wage(info.old_wage):.2f}",
                    effective_month=check.month if check else None, stop_month=info.stop_month,
                )
            ]  # fmt: skip
        rows = []
        for item in info.items:
            key = (item.unit_number, item.levy_item, item.levy_category)
            if item_wages is not None:
                if item_wages.get(key) in (None, ""):
                    continue
                new = money(item_wages[key])
            else:
                new = wage(item.base)
            try:
                check = self.check_month(effective_month or self.default_month(), item.end_month)
            except WageRuleError:
                if item_wages is not None:
                    raise  # the clerk filled this item's wage: say why it cannot be declared
                # Adding many at once: an item stopped before the month is left out, the
                # employee's other items are declared (refused only when none is left).
                if not rows and item is info.items[-1]:
                    raise
                continue
            rows.append(
                self._row(
                    employee_id=info.employee_id, name=info.name, id_type=info.id_type,
                    id_number=info.id_number, tax_authority=authority, old_wage=item.base,
                    new_wage=f"{new:.2f}", effective_month=check.month if check else None,
                    stop_month=item.end_month, unit_number=item.unit_number,
                    levy_item=item.levy_item, levy_category=item.levy_category,
                )
            )  # fmt: skip
        return rows

    def _row(self, **values: Any) -> dict[str, Any]:
        row = {
            "declaration_type": self.declaration_type,
            "mode": self.mode,
            "unit_number": "",
            "levy_item": "",
            "levy_category": "",
            "tax_authority": self.default_tax_authority,
            "old_wage": None,
            "effective_month": None,
            "stop_month": None,
            "state": NOT_DECLARED,
            "added_at": datetime.now(),
        }
        row.update(values)
        return row

    def _insert_rows(self, rows: list[dict[str, Any]], refused: list[tuple[str, str]]) -> AddResult:
        columns = list(rows[0]) if rows else []
        return self._insert(columns, [tuple(r[c] for c in columns) for r in rows], refused)

    def _insert(
        self,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        refused: list[tuple[str, str]],
    ) -> AddResult:
        """INSERT OR IGNORE of plain tuples in `columns` order: a row already listed (same
        employee and item) stays as it is and is counted apart."""
        result = AddResult(refused=refused)
        if not rows:
            return result
        sql = (
            f"INSERT OR IGNORE INTO wage_drafts ({', '.join(columns)})"
            f" VALUES ({', '.join('?' * len(columns))})"
        )
        with self.db.write() as conn:
            before = conn.exec_driver_sql("SELECT total_changes()").scalar()
            conn.exec_driver_sql(sql, rows)
            after = conn.exec_driver_sql("SELECT total_changes()").scalar()
        result.added = int(after - before)
        result.already_listed = len(rows) - result.added
        return result

    # -- editing -----------------------------------------------------------------------------
    def draft(self, draft_id: int) -> WageDraft | None:
        with self.db.read() as session:
            return session.get(WageDraft, draft_id)

    def _editable(self, draft_id: int) -> WageDraft:
        row = self.draft(draft_id)
        if row is None:
            raise WageRuleError("该数据已不在列表中。")
        if row.state not in EDITABLE_STATES:
            raise WageRuleError("已提交申报、正在等待反馈的数据不能修改。")
        return row

    def set_new_wage(self, draft_id: int, value: Any) -> None:
        """新缴费工资 edited in the table."""
        self._editable(draft_id)
        self._update([draft_id], new_wage=f"{money(value):.2f}")

    def month_check(self, draft_id: int, value: Any) -> MonthCheck | None:
        """Check a 生效年月 before it is saved (the page asks about a warning first)."""
        row = self._editable(draft_id)
        return self.check_month(value, row.stop_month)

    def set_effective_month(self, draft_id: int, value: Any) -> None:
        check = self.month_check(draft_id, value)
        if check is not None:
            self._update([draft_id], effective_month=check.month)

    def batch_modify(self, draft_ids: Sequence[int], adjustment: Adjustment) -> int:
        """批量修改 the ticked rows' 新缴费工资 by 比率 (of the 原缴费工资) or 固定金额."""
        rows = self.drafts(draft_ids)
        locked = [r for r in rows if r.state not in EDITABLE_STATES]
        if locked:
            raise WageRuleError(
                f"勾选的数据中有{len(locked)}条已提交申报、正在等待反馈，不能修改。"
            )
        updates = []
        for r in rows:
            base = Decimal(r.old_wage) if r.old_wage else None
            updates.append((f"{adjustment.apply(base):.2f}", r.id))
        with self.db.write() as conn:
            conn.exec_driver_sql("UPDATE wage_drafts SET new_wage = ? WHERE id = ?", updates)
        return len(updates)

    def delete(self, draft_ids: Sequence[int]) -> tuple[int, int]:
        """删除 rows not yet declared; returns (deleted, refused because 待反馈)."""
        deleted = 0
        with self.db.write() as conn:
            for chunk in chunked(list(draft_ids)):
                result = conn.execute(
                    delete(DRAFTS).where(
                        DRAFTS.c.id.in_(chunk), DRAFTS.c.state.in_(EDITABLE_STATES)
                    )
                )
                deleted += int(result.rowcount)
        return deleted, len(draft_ids) - deleted

    def drafts(self, draft_ids: Sequence[int]) -> list[Row[Any]]:
        """The working-list rows of `draft_ids` (any number of them), in id order, as
        plain rows with the columns as attributes (a whole unit's list, so no ORM objects:
        they cost several times the memory)."""
        rows: list[Row[Any]] = []
        with self.db.engine.connect() as conn:
            for chunk in chunked(sorted(set(draft_ids))):
                rows.extend(
                    conn.execute(
                        select(*SUBMIT_COLUMNS).where(DRAFTS.c.id.in_(chunk)).order_by(DRAFTS.c.id)
                    )
                )
        return rows

    def _update(self, ids: Sequence[int], **values: Any) -> None:
        with self.db.write() as conn:
            for chunk in chunked(list(ids)):
                conn.execute(update(DRAFTS).where(DRAFTS.c.id.in_(chunk)).values(**values))

    # -- the list ----------------------------------------------------------------------------
    def source(self) -> QueryListSource:
        d = DRAFTS.c
        base = select(
            d.id, d.name, d.id_type, d.id_number, d.unit_number, d.levy_item, d.levy_category,
            d.tax_authority, d.old_wage, d.new_wage, d.effective_month, d.state,
            d.failure_reason, d.employee_id, d.stop_month,
        ).where(self._mine())  # fmt: skip
        return QueryListSource(
            self.db.engine,
            base,
            key="id",
            filters=[
                contains("name", d.name),
                contains("id_number", d.id_number),
                equals("state", d.state),
                equals("unit_number", d.unit_number),
                equals("levy_item", d.levy_item),
                custom("month", lambda v: d.effective_month == str(v)),
            ],
            sortable={
                k: getattr(d, k)
                for k in (
                    "name",
                    "id_number",
                    "unit_number",
                    "levy_item",
                    "old_wage",
                    "new_wage",
                    "effective_month",
                    "state",
                    "id",
                )
            },  # fmt: skip
            default_sort=[("id", True)],
        )

    def count(self, state: str | None = None) -> int:
        query = select(func.count()).select_from(DRAFTS).where(self._mine())
        if state is not None:
            query = query.where(DRAFTS.c.state == state)
        with self.db.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


class _Memo:
    """A rule run once per distinct value (a whole unit has few distinct wages and stop
    months): (True, its result) or (False, the sentence of its refusal)."""

    def __init__(self, rule: Callable[[Any], Any]) -> None:
        self.rule = rule
        self.seen: dict[Any, tuple[bool, Any]] = {}

    def __call__(self, value: Any) -> tuple[bool, Any]:
        known = self.seen.get(value)
        if known is None:
            try:
                known = (True, self.rule(value))
            except WageRuleError as exc:
                known = (False, exc.message)
            self.seen[value] = known
        return known


def _base_limits(content: Mapping[str, Any]) -> dict[int, tuple[Decimal, Decimal]]:
    limits = {}
    for entry in content.get("years", []):
        try:
            limits[int(entry["year"])] = (Decimal(entry["lower"]), Decimal(entry["upper"]))
        except (KeyError, ValueError, ArithmeticError):
            continue
    return limits
