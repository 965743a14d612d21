"""社保费代收代报（自主） (manual §3.6): the working list of residents to declare, kept in the unit
database (`resident_drafts`) until 提交申报 takes them away.

Rows come in three ways, each all or nothing:
- 导入: the client's own template (`self_template`); a file with any bad row adds nothing.
- 单个添加: 基本信息 (姓名, 证件类型, 证件号码, 缴费年度) looked up among the agent's residents
  (`self_people`), then 参保信息: each 征收品目 the resident is insured for that year with a
  缴费档次 from the `resident_grades` rule file.
- 按分组添加: every resident of a 分组 insured for the chosen 征收项目 that year, at one 档次.
删除 removes ticked rows; 提交申报 is `self_submit.SelfDeclarations`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, cast, func, select
from sqlalchemy.exc import IntegrityError

from client.collector.persons import PersonError, check_person
from client.collector.self_people import (
    LocalResident,
    find,
    group_members,
    unregistered_numbers,
)
from client.collector.self_rules import (
    ALREADY_LISTED,
    LEVY_CATEGORY,
    LEVY_ITEM,
    NAME_DIFFERS,
    NOT_RESIDENT,
    PERSON_NUMBER,
    SUBCATEGORY,
    TYPE_DIFFERS,
    UNREGISTERED_EXTERNAL,
    VIA_GROUP,
    VIA_IMPORT,
    VIA_SINGLE,
    Grade,
    GradeTable,
    SelfDeclareError,
)
from client.collector.self_template import DRAFT_KEYS, SelfImportResult, TemplateNames
from client.groups.service import GroupService
from client.storage.chunks import chunked, marks
from client.storage.listing import QueryListSource, contains, equals
from client.storage.resident_draft_models import ResidentDraft
from client.storage.unit_db import UnitDatabase
from client.sync.submissions import Submitter

DRAFTS = ResidentDraft.__table__
KIND = "resident_declaration"  # the stored submission's kind

NOTHING_TICKED = "请勾选需要添加的险种，并为其选择缴费档次。"
NO_GRADE_CHOSEN = "请为勾选的{category}选择缴费档次。"
NO_INSURED = "该居民{year}年没有参保城乡居民养老或医疗保险，无法代收代报。"
NO_GROUP = "请选择分组。"
GROUP_GONE = "所选分组已不存在，请重新选择。"
NO_ITEM = "请选择参保险种。"
GROUP_EMPTY = "所选分组中没有城乡居民，请先在【分组管理】或城乡居民参保信息中为居民设置分组。"
IN_SUBMISSION = "勾选的数据中有{count}条已提交、正在等待税务系统确认，不能删除，请先点击【提交申报】确认上次的提交结果。"
CHANGED_MEANWHILE = "列表在导入期间发生了变化，部分人员已在列表中，本次未导入任何数据，请重新导入。"
IMPORT_HAS_ERRORS = "文件中有错误，未导入任何数据，请保存错误文件，按错误原因改正后重新导入。"

_INSERT = (
    f"INSERT INTO resident_drafts ({', '.join(DRAFT_KEYS)}, added_via, added_at)"
    f" VALUES ({marks(len(DRAFT_KEYS) + 2)})"
)


@dataclass(frozen=True)
class ItemChoice:
    """One 征收品目 of 单个添加's 参保信息: what the resident holds and the 档次 open that year."""

    levy_item: str
    levy_category: str
    levy_subcategory: str | None
    person_number: str | None
    grades: list[Grade]
    default: Grade | None
    listed: bool  # already in the list for that year


@dataclass(frozen=True)
class PersonChoices:
    resident: LocalResident
    year: int
    items: list[ItemChoice]


@dataclass(frozen=True)
class GroupAddResult:
    added: int
    members: int
    not_insured: int
    listed: int
    no_grade: int

    def message(self) -> str:
        text = f"已添加{self.added}条数据（分组中共{self.members}名城乡居民"
        skipped = [(self.not_insured, "未参保该险种"), (self.listed, "已在列表中"),
                   (self.no_grade, "所在征收品目没有该档次")]  # fmt: skip
        reasons = "，".join(f"{n}人{why}" for n, why in skipped if n)
        return text + (f"，其中{reasons}，未添加" if reasons else "") + "）。"


@dataclass
class DraftTotals:
    count: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal("0.00"))


class SelfDrafts:
    def __init__(self, app_db: Any, db: UnitDatabase, today: date) -> None:
        self.app_db = app_db
        self.db = db
        self.today = today
        self.grades = GradeTable(app_db.rule_file("resident_grades") if app_db else None)
        self.names = TemplateNames.of(app_db)

    def reload_rules(self) -> None:
        self.grades = GradeTable(self.app_db.rule_file("resident_grades") if self.app_db else None)
        self.names = TemplateNames.of(self.app_db)

    @property
    def default_year(self) -> int:
        return self.grades.default_year(self.today.year)

    # -- the list -------------------------------------------------------------------------
    def source(self) -> QueryListSource:
        c = DRAFTS.c
        return QueryListSource(
            self.db.engine,
            select(DRAFTS),
            key="id",
            filters=[
                contains("name", c.name),
                contains("id_number", c.id_number),
                equals("township", c.township),
                contains("village", c.village),
                equals("levy_item", c.levy_item),
                equals("year", c.year),
            ],
            default_sort=[("id", True)],
        )

    def totals(self, filters: Mapping[str, Any] | None = None) -> DraftTotals:
        """共N条, 金额合计: the exact sum of the rows' 档次 amounts (in 分)."""
        inner = self.source().filtered(dict(filters or {})).subquery()
        stmt = select(func.count(), func.sum(func.round(cast(inner.c.amount, Float) * 100)))
        with self.db.engine.connect() as conn:
            count, cents = conn.execute(stmt).one()
        return DraftTotals(int(count), Decimal(int(cents or 0)) / 100)

    def townships(self) -> list[str]:
        with self.db.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql(
                "SELECT DISTINCT township FROM resident_drafts WHERE township IS NOT NULL"
                " ORDER BY township")]  # fmt: skip

    def years(self) -> list[int]:
        return self.grades.years

    def rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        with self.db.engine.connect() as conn:
            for chunk in chunked(sorted(set(ids))):
                out += [dict(r._mapping) for r in conn.execute(
                    select(DRAFTS).where(DRAFTS.c.id.in_(list(chunk))))]  # fmt: skip
        out.sort(key=lambda r: r["id"])
        return out

    def count(self) -> int:
        return self.db.count("resident_drafts")

    # -- 单个添加 ---------------------------------------------------------------------------
    def choices(self, name: str, id_type: str, id_number: str, year: Any) -> PersonChoices:
        """下一步: the resident found locally and the 征收品目 they may be declared for."""
        try:
            person = check_person(name, id_type, id_number, self.names.id_types)
        except PersonError as exc:
            raise SelfDeclareError(exc.message) from None
        chosen = self.grades.check_year(year, self.today.year)
        resident = find(self.db, person.id_type, person.id_number)
        if resident is None:
            unregistered = person.id_number in unregistered_numbers(self.db)
            raise SelfDeclareError(UNREGISTERED_EXTERNAL if unregistered else NOT_RESIDENT)
        if resident.name != person.name:
            raise SelfDeclareError(NAME_DIFFERS.format(given=person.name, actual=resident.name))
        if resident.id_type != person.id_type:
            raise SelfDeclareError(TYPE_DIFFERS.format(
                given=self.names.id_types.get(person.id_type, person.id_type),
                actual=self.names.id_types.get(resident.id_type, resident.id_type)))  # fmt: skip
        insured = resident.insured(chosen)
        if not insured:
            raise SelfDeclareError(NO_INSURED.format(year=chosen))
        listed = self._listed(resident, chosen)
        items = [
            ItemChoice(it[LEVY_ITEM], it[LEVY_CATEGORY], it[SUBCATEGORY], it[PERSON_NUMBER],
                       self.grades.of(chosen, it[LEVY_CATEGORY]),
                       self.grades.default_grade(chosen, it[LEVY_CATEGORY], it[SUBCATEGORY]),
                       it[LEVY_CATEGORY] in listed)
            for it in insured
        ]  # fmt: skip
        return PersonChoices(resident, chosen, items)

    def _listed(self, resident: LocalResident, year: int) -> set[str]:
        with self.db.engine.connect() as conn:
            return {r[0] for r in conn.exec_driver_sql(
                "SELECT levy_category FROM resident_drafts"
                " WHERE id_type = ? AND id_number = ? AND year = ?",
                (resident.id_type, resident.id_number, year))}  # fmt: skip

    def add_single(self, choices: PersonChoices, picked: Mapping[str, str | None]) -> int:
        """保存: the ticked 征收品目 (→ the chosen 档次 code) of the resident; returns the rows
        added."""
        if not picked:
            raise SelfDeclareError(NOTHING_TICKED)
        rows = []
        for item in choices.items:
            if item.levy_category not in picked:
                continue
            category = self.names.category(item.levy_category)
            if item.listed:
                raise SelfDeclareError(ALREADY_LISTED.format(year=choices.year, category=category))
            grade = self.grades.find(choices.year, item.levy_category, picked[item.levy_category])
            if grade is None:
                raise SelfDeclareError(NO_GRADE_CHOSEN.format(category=category))
            sub = self.grades.subcategory_for(choices.year, item.levy_category,
                                              item.levy_subcategory, grade.code)  # fmt: skip
            rows.append(_row(choices.resident, item.levy_item, item.levy_category, sub,
                             item.person_number, choices.year, grade))  # fmt: skip
        if not rows:
            raise SelfDeclareError(NOTHING_TICKED)
        return self._insert(rows, VIA_SINGLE)

    # -- 按分组添加 -------------------------------------------------------------------------
    def group_options(self) -> list[tuple[str, int]]:
        return [(g.path, g.id) for g in GroupService(self.db).flat()]

    def item_options(self) -> list[tuple[str, str]]:
        """参保险种: the 征收项目 of the 档次 table, by name."""
        codes = sorted(set(self.grades.levy_items.values()))
        return [(self.names.item(c), c) for c in codes]

    def add_group(self, group_id: Any, levy_item: Any, year: Any, grade: Any) -> GroupAddResult:
        """确定: every resident of the 分组 (and its sub-groups) insured for `levy_item` that
        year, at `grade` in the 征收品目 they hold; the others are counted, not added."""
        if group_id in (None, ""):
            raise SelfDeclareError(NO_GROUP)
        groups = GroupService(self.db)
        if groups.get(int(group_id)) is None:
            raise SelfDeclareError(GROUP_GONE)
        if not levy_item:
            raise SelfDeclareError(NO_ITEM)
        chosen = self.grades.check_year(year, self.today.year)
        options = self.grades.item_grades(str(levy_item), chosen)
        if not any(g.code == grade for g in options):
            raise SelfDeclareError(NO_GRADE_CHOSEN.format(category=self.names.item(levy_item)))
        members = group_members(self.db, groups.descendant_ids(int(group_id)))
        if not members:
            raise SelfDeclareError(GROUP_EMPTY)
        listed = self._listed_all(chosen)
        rows, not_insured, already, no_grade = [], 0, 0, 0
        for resident in members:
            held = [it for it in resident.insured(chosen) if it[LEVY_ITEM] == levy_item]
            if not held:
                not_insured += 1
                continue
            for it in held:
                if (resident.id_type, resident.id_number, it[LEVY_CATEGORY]) in listed:
                    already += 1
                    continue
                found = self.grades.find(chosen, it[LEVY_CATEGORY], grade)
                if found is None:
                    no_grade += 1
                    continue
                sub = self.grades.subcategory_for(chosen, it[LEVY_CATEGORY], it[SUBCATEGORY],
                                                  found.code)  # fmt: skip
                rows.append(_row(resident, it[LEVY_ITEM], it[LEVY_CATEGORY], sub,
                                 it[PERSON_NUMBER], chosen, found))  # fmt: skip
        added = self._insert(rows, VIA_GROUP) if rows else 0
        return GroupAddResult(added, len(members), not_insured, already, no_grade)

    def _listed_all(self, year: int) -> set[tuple[str, str, str]]:
        with self.db.engine.connect() as conn:
            return set(conn.exec_driver_sql(  # type: ignore[arg-type]
                "SELECT id_type, id_number, levy_category FROM resident_drafts WHERE year = ?",
                (year,)).all())  # fmt: skip

    # -- 导入 -------------------------------------------------------------------------------
    def add_imported(self, result: SelfImportResult) -> int:
        """导入文件: every row of a file without errors, in one transaction; a file with
        errors adds nothing."""
        if not result.importable:
            raise SelfDeclareError(result.refusal or IMPORT_HAS_ERRORS)
        columns = result.draft_values()
        now = datetime.now().replace(microsecond=0)
        n = len(columns[0])
        values = zip(*columns, [VIA_IMPORT] * n, [now] * n, strict=True)
        try:
            with self.db.write() as conn:
                conn.exec_driver_sql(_INSERT, list(values))
        except IntegrityError:
            raise SelfDeclareError(CHANGED_MEANWHILE) from None
        return n

    def _insert(self, rows: list[tuple[Any, ...]], via: str) -> int:
        now = datetime.now().replace(microsecond=0)
        try:
            with self.db.write() as conn:
                conn.exec_driver_sql(_INSERT, [(*r, via, now) for r in rows])
        except IntegrityError:
            raise SelfDeclareError(CHANGED_MEANWHILE) from None
        return len(rows)

    # -- 删除 -------------------------------------------------------------------------------
    def delete(self, ids: Sequence[int], submitter: Submitter | None = None) -> int:
        """删除 the ticked rows (not those of a submission whose answer is still unknown)."""
        wanted = sorted({int(i) for i in ids})
        if submitter is not None:
            waiting = submitter.pending_ids(KIND).intersection(wanted)
            if waiting:
                raise SelfDeclareError(IN_SUBMISSION.format(count=len(waiting)), sorted(waiting))
        deleted = 0
        with self.db.write() as conn:
            for chunk in chunked(wanted):
                deleted += conn.exec_driver_sql(
                    f"DELETE FROM resident_drafts WHERE id IN ({marks(len(chunk))})", tuple(chunk)
                ).rowcount
        return deleted


def _row(
    resident: LocalResident,
    levy_item: str,
    levy_category: str,
    subcategory: str | None,
    person_number: str | None,
    year: int,
    grade: Grade,
) -> tuple[Any, ...]:
    """A row in DRAFT_KEYS order (`subcategory` as declared, see `subcategory_for`)."""
    return (resident.source, resident.record_id, resident.name, resident.id_type,
            resident.id_number, resident.township, resident.village, levy_item, levy_category,
            subcategory, year, grade.code, grade.name, grade.amount, person_number)  # fmt: skip
