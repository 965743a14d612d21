"""外部参保城乡居民导入 (manual §3.3): residents the agent adds to its own list because the
城乡居民参保信息更新 feed does not bring them.

The list lives in the unit database (`external_residents`). Every person added (导入 of the
three-fact template, or 添加 one at a time) is first looked up in the 管理子系统 (1,000 at a
time, with progress and 取消) and stored with the answer: 正常参保 with the registration, or
未参保; nothing is stored before every lookup of an import has answered, so a cancelled or
failed import adds nobody. After each change the complete list is sent to the server
(`PUT …/external-residents`): only 正常参保 people on it count as residents of the unit for
缴费档次, 申报缴费状态 and 代收代报. The PUT keeps its idempotency key and body until the server
answers (`ExternalListSync`), so a dropped connection is resolved by sending the same request
again, before anything newer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from client.collector import agent_wire
from client.collector.external_sync import ExternalListSync, SyncWarning
from client.collector.persons import Person, PersonError, check_person, number_error
from client.documents.cells import choice, text
from client.documents.imports import ImportResult, ImportRow, read_import
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import DEFAULT_ID_TYPES
from client.groups.service import GroupService
from client.jobs import JobContext
from client.roster.resident_fields import ResidentEditError, check_phone, check_remark
from client.roster.resident_import import InfoValues, Listed
from client.storage.chunks import chunked, marks
from client.storage.external_models import ExternalResident
from client.storage.listing import (
    Filter,
    ListSource,
    QueryListSource,
    SortSpec,
    contains,
    custom,
    equals,
)
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ClientRequestError
from client.sync.unit_service import UnitService

REGISTERED = agent_wire.REGISTERED  # 正常参保
NOT_REGISTERED = agent_wire.NOT_REGISTERED  # 未参保
STATUSES = (REGISTERED, NOT_REGISTERED)
LOOKUP_BATCH = 1000  # persons per lookup request (the contract's maximum)
MAX_ROWS = 100_000
LOOKUP_PHASE = "正在从管理子系统获取参保登记信息"
SAVE_PHASE = "正在保存"
LOAD_PHASE = "正在读取已有人员"

ALREADY_LISTED = "该人员已在外部参保城乡居民列表中，无需重复添加。"
IN_FEED = "该人员已在本单位的城乡居民参保信息中，无需作为外部参保城乡居民添加。"
NOTHING_TICKED = "请先勾选需要操作的城乡居民。"
NO_UNREGISTERED_TICKED = "请勾选登记状态为“未参保”的城乡居民后再更新参保状态。"
ONLY_REGISTERED = "只有登记状态为“正常参保”的城乡居民可以查看和编辑。"
GONE = "该人员已不在外部参保城乡居民列表中，请重新查询。"
NO_GROUP = "所选分组已不存在，请重新选择。"
INFO_NOT_LISTED = "外部参保城乡居民列表中没有该证件号码的人员，请核对证件号码。"
INFO_UNREGISTERED = (
    "该城乡居民登记状态为“未参保”，不能维护分组、手机号码和备注，请先【更新参保状态】。"
)
INFO_CHANGED = "导入期间外部参保城乡居民列表有变化，本次未更新任何人员，请重新导入文件。"

TABLE = ExternalResident.__table__
_INSERT = (
    "INSERT INTO external_residents (name, id_type, id_number, status, person_number, gender,"
    " birth_date, township, village, items, phone, added_at, checked_at)"
    f" VALUES ({marks(13)})"
)
_UPDATE = (
    "UPDATE external_residents SET status = ?, person_number = ?, gender = ?, birth_date = ?,"
    " township = ?, village = ?, items = ?, phone = COALESCE(phone, ?), checked_at = ?"
    " WHERE id = ?"
)


class ExternalError(PersonError):
    """A refusal of 外部参保城乡居民 (the same shape as a person check's)."""


# -- the 导入 template ----------------------------------------------------------------------
def template_spec(id_types: Mapping[str, str] | None = None) -> TemplateSpec:
    """姓名*, 证件类型*, 证件号码*: the three facts, one person a row."""
    types = dict(id_types or DEFAULT_ID_TYPES)
    return TemplateSpec(
        kind="collector.external_residents",
        version=1,
        title="外部参保城乡居民导入",
        sheet_title="外部参保城乡居民",
        columns=(
            TemplateColumn("name", "姓名", required=True, parse=text(100), width=16),
            TemplateColumn(
                "id_type", "证件类型", required=True, parse=choice(types, "证件类型"), width=22
            ),
            TemplateColumn(
                "id_number", "证件号码", required=True, parse=text(40, upper=True), width=24
            ),
        ),  # fmt: skip
        unique_key=("id_type", "id_number"),
        notes=(
            "填写说明：每行填写一位城乡居民的姓名、证件类型和证件号码（均为必填）。证件类型填写名称，"
            "如“居民身份证”；证件号码按文本填写，居民身份证号码须为18位且校验位正确。导入后系统会"
            "自动从管理子系统获取每位居民的参保登记信息。"
        ),
        max_rows=MAX_ROWS,
    )


def write_external_template(
    path: str | os.PathLike[str], id_types: Mapping[str, str] | None = None
) -> None:
    write_template(template_spec(id_types), path)


class _RowCheck:
    """A row's number fits its type; the person is neither listed nor in the feed."""

    def __init__(self, listed: set[tuple[str, str]], in_feed: set[tuple[str, str]]) -> None:
        self.listed = listed
        self.in_feed = in_feed

    def __call__(self, values: dict[str, Any]) -> list[tuple[str | None, str]]:
        problem = number_error(values["id_type"], values["id_number"])
        if problem:
            return [("id_number", problem)]
        key = (values["id_type"], values["id_number"])
        if key in self.listed:
            return [("id_number", ALREADY_LISTED)]
        if key in self.in_feed:
            return [("id_number", IN_FEED)]
        return []


def read_external_import(
    db: UnitDatabase,
    path: str | os.PathLike[str],
    id_types: Mapping[str, str] | None = None,
    ctx: JobContext | None = None,
) -> ImportResult:
    """Check a filled template (nothing is stored: `ExternalResidents.add` does that)."""
    return read_import(
        template_spec(id_types), path, ctx, load_check=lambda: _RowCheck(*known_people(db))
    )


def known_people(db: UnitDatabase) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(type, number) of the listed external residents, and of the feed's residents."""
    with db.engine.connect() as conn:
        listed = {tuple(r) for r in conn.exec_driver_sql(
            "SELECT id_type, id_number FROM external_residents")}  # fmt: skip
        in_feed = {tuple(r) for r in conn.exec_driver_sql(
            "SELECT id_type, UPPER(TRIM(id_number)) FROM residents")}  # fmt: skip
    return listed, in_feed  # type: ignore[return-value]


# -- results ---------------------------------------------------------------------------------
@dataclass
class AddResult:
    """What 导入 or 添加 did: how many were added, and how the 管理子系统 answered."""

    added: int
    registered: int
    unregistered: int
    skipped: int = 0
    sync_warning: SyncWarning | None = None

    def message(self) -> str:
        text = (
            f"已添加{self.added}人，其中正常参保{self.registered}人，未参保{self.unregistered}人。"
        )
        if self.unregistered:
            text += "未参保的居民在管理子系统参保登记后，可勾选后点击【更新参保状态】重新获取。"
        if self.skipped:
            text += f"另有{self.skipped}人已在列表中，未重复添加。"
        if self.sync_warning:
            text += self.sync_warning.message
        return text


@dataclass
class StatusUpdate:
    """更新参保状态: of the ticked 未参保 people, how many are 正常参保 now."""

    asked: int
    registered: int
    names: list[str] = field(default_factory=list)
    skipped: int = 0  # ticked rows that were already 正常参保

    @property
    def still_unregistered(self) -> int:
        return self.asked - self.registered

    def message(self) -> str:
        text = f"已更新{self.asked}人的参保状态：{self.registered}人为正常参保"
        if self.names:
            shown = "、".join(self.names[:10]) + ("等" if len(self.names) > 10 else "")
            text += f"（{shown}）"
        text += f"，{self.still_unregistered}人仍为未参保。"
        if self.still_unregistered:
            text += "仍为未参保表示管理子系统尚未返回其参保登记信息，请确认其已参保登记后再更新。"
        if self.skipped:
            text += f"勾选的{self.skipped}人已是正常参保，未重复获取。"
        return text


@dataclass
class ExternalDetail:
    """查看: the registration of a 正常参保 person and the agent's own fields."""

    row: dict[str, Any]
    items: list[dict[str, Any]]
    group: str


# -- the service -----------------------------------------------------------------------------
class ExternalResidents(UnitService):
    PATH = "/mgmt/units/{unit_id}/external-residents"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        id_types: Mapping[str, str] | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(api, db, unit_id)
        self.id_types = dict(id_types or {}) or dict(DEFAULT_ID_TYPES)
        self.now = now
        self.groups = GroupService(db)
        self.sync = ExternalListSync(api, db, unit_id, now)

    # -- the 管理子系统's answer -------------------------------------------------------------------
    def lookup(self, persons: Sequence[Person], ctx: JobContext | None = None) -> list[dict]:
        """正常参保 (with the registration) or 未参保 for each person, in order."""
        ctx = ctx or JobContext()
        found: list[dict[str, Any]] = []
        ctx.progress(LOOKUP_PHASE, 0, len(persons))
        for batch in chunked(persons, LOOKUP_BATCH):
            ctx.check_cancelled()
            sent = [p.wire() for p in batch]
            try:
                payload = self.api.post_json(f"{self.path}/lookup", {"persons": sent})
            except ClientRequestError as exc:
                index = exc.details.get("index")
                if isinstance(index, int) and 0 <= index < len(batch):
                    who = batch[index]
                    raise ExternalError(f"{who.name}（{who.id_number}）：{exc.message}") from None
                raise
            found += agent_wire.lookup_results(payload, sent)
            ctx.progress(LOOKUP_PHASE, len(found), len(persons))
        return found

    # -- 导入 and 添加 -----------------------------------------------------------------------------
    def add(self, persons: Sequence[Person], ctx: JobContext | None = None) -> AddResult:
        """Look every person up, then store them all in one transaction, then send the list.
        A cancel or a failure before the store leaves the list as it was."""
        ctx = ctx or JobContext()
        persons = list({(p.id_type, p.id_number): p for p in persons}.values())
        results = self.lookup(persons, ctx)
        ctx.check_cancelled()
        ctx.progress(SAVE_PHASE, 0, None)
        now = self.now()
        with self.db.write() as conn:  # the writer lock: nobody lists anyone meanwhile
            listed = {tuple(r) for r in conn.exec_driver_sql(
                "SELECT id_type, id_number FROM external_residents")}  # fmt: skip
            fresh = [r for r in results if (r["id_type"], r["id_number"]) not in listed]
            if fresh:
                conn.exec_driver_sql(_INSERT, [_insert_values(r, now) for r in fresh])
        registered = sum(1 for r in fresh if r["status"] == REGISTERED)
        result = AddResult(len(fresh), registered, len(fresh) - registered,
                           len(results) - len(fresh))  # fmt: skip
        result.sync_warning = self.sync.push_quietly()
        return result

    def add_imported(self, rows: Iterable[ImportRow], ctx: JobContext | None = None) -> AddResult:
        persons = [Person(r.values["name"], r.values["id_type"], r.values["id_number"])
                   for r in rows]  # fmt: skip
        return self.add(persons, ctx)

    def add_one(
        self, name: str, id_type: str, id_number: str, ctx: JobContext | None = None
    ) -> AddResult:
        """添加: the three facts checked here first, then as an import of one row."""
        person = check_person(name, id_type, id_number, self.id_types)
        key = (person.id_type, person.id_number)
        with self.db.engine.connect() as conn:  # through the id_number indexes
            listed = conn.exec_driver_sql(
                "SELECT 1 FROM external_residents WHERE id_type = ? AND id_number = ?", key
            ).first()
            in_feed = conn.exec_driver_sql(
                "SELECT 1 FROM residents WHERE id_number IN (?, ?) AND id_type = ?",
                (person.id_number, person.id_number.lower(), person.id_type),
            ).first()
        if listed is not None:
            raise ExternalError(ALREADY_LISTED, "id_number")
        if in_feed is not None:
            raise ExternalError(IN_FEED, "id_number")
        return self.add([person], ctx)

    # -- 更新参保状态 -------------------------------------------------------------------------------
    def update_status(self, ids: Collection[int], ctx: JobContext | None = None) -> StatusUpdate:
        """Ask again for the ticked 未参保 people; those registered now become 正常参保."""
        if not ids:
            raise ExternalError(NOTHING_TICKED)
        rows = self.rows(ids)
        todo = [r for r in rows if r["status"] == NOT_REGISTERED]
        if not todo:
            raise ExternalError(NO_UNREGISTERED_TICKED)
        persons = [Person(r["name"], r["id_type"], r["id_number"]) for r in todo]
        results = self.lookup(persons, ctx)
        now = self.now()
        changed = [(row["id"], r) for row, r in zip(todo, results, strict=True)
                   if r["status"] == REGISTERED]  # fmt: skip
        with self.db.write() as conn:
            if changed:
                conn.exec_driver_sql(_UPDATE, [_update_values(r, now, i) for i, r in changed])
            for chunk in chunked([r["id"] for r in todo]):
                where = f"id IN ({marks(len(chunk))})"
                conn.exec_driver_sql(
                    f"UPDATE external_residents SET checked_at = ? WHERE {where}", (now, *chunk)
                )
        names = [r["name"] for _, r in changed]
        return StatusUpdate(len(todo), len(changed), names, len(rows) - len(todo))

    # -- 删除 ------------------------------------------------------------------------------------
    def delete(self, ids: Collection[int]) -> tuple[int, SyncWarning | None]:
        """Remove the ticked people; returns how many and a warning when the list could not
        be sent (it is sent again at the next change or when the page opens)."""
        if not ids:
            raise ExternalError(NOTHING_TICKED)
        removed = 0
        with self.db.write() as conn:
            for chunk in chunked(sorted(ids)):
                removed += conn.exec_driver_sql(
                    f"DELETE FROM external_residents WHERE id IN ({marks(len(chunk))})",
                    tuple(chunk),
                ).rowcount
        return removed, self.sync.push_quietly()

    # -- 查看 / 编辑 ----------------------------------------------------------------------------------
    def rows(self, ids: Collection[int]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        with self.db.engine.connect() as conn:
            for chunk in chunked(sorted(ids)):
                result = conn.execute(select(TABLE).where(TABLE.c.id.in_(list(chunk))))
                found += [dict(r._mapping) for r in result]
        return found

    def row(self, record_id: int) -> dict[str, Any]:
        found = self.rows([record_id])
        if not found:
            raise ExternalError(GONE)
        return found[0]

    def detail(self, record_id: int) -> ExternalDetail:
        row = self.row(record_id)
        if row["status"] != REGISTERED:
            raise ExternalError(ONLY_REGISTERED)
        items = json.loads(row["items"] or "[]")
        return ExternalDetail(row, items, self.group_path(row["group_id"]))

    def group_path(self, group_id: int | None) -> str:
        if group_id is None:
            return ""
        node = self.groups.get(group_id)
        return node.path if node else ""

    def edit(
        self, record_id: int, phone: str | None, group_id: int | None, remark: str | None
    ) -> None:
        """编辑 of a 正常参保 person: 手机号码, 分组, 备注 (blank clears them)."""
        row = self.row(record_id)
        if row["status"] != REGISTERED:
            raise ExternalError(ONLY_REGISTERED)
        try:  # the same rules as for the feed's residents (城乡居民参保信息更新)
            phone, remark = check_phone(phone), check_remark(remark)
        except ResidentEditError as exc:
            raise ExternalError(exc.message, exc.field) from None
        if group_id is not None and self.groups.get(group_id) is None:
            raise ExternalError(NO_GROUP, "group")
        with self.db.write() as conn:
            conn.exec_driver_sql(
                "UPDATE external_residents SET phone = ?, group_id = ?, remark = ? WHERE id = ?",
                (phone, group_id, remark, record_id),
            )

    # -- the list -----------------------------------------------------------------------------------
    def source(self) -> ListSource:
        c = TABLE.c
        base = select(
            c.id, c.name, c.id_type, c.id_number, c.status, c.gender, c.birth_date,
            c.person_number, c.township, c.village, c.phone, c.group_id, c.remark, c.added_at,
            c.checked_at,
        )  # fmt: skip
        query = QueryListSource(
            self.db.engine,
            base,
            key="id",
            filters=self.filters(),
            sortable=["id", "name", "id_number", "status", "township", "village", "added_at"],
            default_sort=[("id", True)],
        )
        return _WithGroupPaths(query, self.groups)

    def filters(self) -> list[Filter]:
        c = TABLE.c

        def in_group(value: Any) -> Any:
            return c.group_id.in_(self.groups.descendant_ids(int(value)) or [-1])

        return [
            contains("name", c.name),
            equals("id_type", c.id_type),
            contains("id_number", c.id_number),
            equals("status", c.status),
            contains("township", c.township),
            contains("village", c.village),
            custom("group", in_group),
        ]

    def count(self) -> int:
        with self.db.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT COUNT(*) FROM external_residents").scalar())


class ExternalInfoPeople:
    """信息维护 of the list (the roster's template and checks, `client.roster.resident_import`):
    everyone listed is named, only 正常参保 people can be maintained, and the values go to
    `external_residents` in one transaction (refused whole if the list changed meanwhile)."""

    missing = INFO_NOT_LISTED

    def __init__(self, db: UnitDatabase) -> None:
        self.db = db

    def listed(self) -> dict[str, list[Listed]]:
        found: dict[str, list[Listed]] = {}
        with self.db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT UPPER(TRIM(id_number)), id, TRIM(name), status FROM external_residents"
            )
            for number, record_id, name, status in rows:
                refusal = None if status == REGISTERED else INFO_UNREGISTERED
                found.setdefault(number or "", []).append(Listed(record_id, name or "", refusal))
        return found

    def group_ids(self) -> Mapping[int, int]:
        with self.db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, group_id FROM external_residents WHERE group_id IS NOT NULL"
            )
            return {record_id: group_id for record_id, group_id in rows}

    def save_many(self, rows: Iterable[InfoValues]) -> int:
        values = list({row[0]: row for row in rows}.values())
        groups = {g for _r, _p, g, _m in values if g is not None}
        with self.db.write() as conn:
            for chunk in chunked(sorted(groups)):
                known = conn.exec_driver_sql(
                    f"SELECT COUNT(*) FROM groups WHERE id IN ({marks(len(chunk))})", tuple(chunk)
                ).scalar()
                if known != len(chunk):
                    raise ExternalError(NO_GROUP, "group")
            for chunk in chunked(sorted(r[0] for r in values)):
                ready = conn.exec_driver_sql(
                    f"SELECT COUNT(*) FROM external_residents WHERE status = ?"
                    f" AND id IN ({marks(len(chunk))})",
                    (REGISTERED, *chunk),
                ).scalar()
                if ready != len(chunk):
                    raise ExternalError(INFO_CHANGED)
            if values:
                conn.exec_driver_sql(
                    "UPDATE external_residents SET phone = ?, group_id = ?, remark = ?"
                    " WHERE id = ?",
                    [(p, g, m, r) for r, p, g, m in values],
                )
        return len(values)


def _insert_values(result: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    person = result["person"] or {}
    items = json.dumps(person["items"], ensure_ascii=False) if result["person"] else None
    return (
        result["name"], result["id_type"], result["id_number"], result["status"],
        person.get("person_number"), person.get("gender"), person.get("birth_date"),
        person.get("township"), person.get("village"), items, person.get("phone"), now, now,
    )  # fmt: skip


def _update_values(result: dict[str, Any], now: datetime, record_id: int) -> tuple[Any, ...]:
    person = result["person"]
    return (
        REGISTERED, person.get("person_number"), person.get("gender"), person.get("birth_date"),
        person.get("township"), person.get("village"),
        json.dumps(person["items"], ensure_ascii=False), person.get("phone"), now, record_id,
    )  # fmt: skip


class _WithGroupPaths:
    """The list's rows with their 分组 shown as its path (groups are few: read once a page)."""

    def __init__(self, source: QueryListSource, groups: GroupService) -> None:
        self.source = source
        self.groups = groups

    def _paths(self) -> dict[int, str]:
        return {n.id: n.path for n in self.groups.flat()}

    @staticmethod
    def _add(row: dict[str, Any], paths: Mapping[int, str]) -> dict[str, Any]:
        row["group_name"] = paths.get(row["group_id"], "") if row["group_id"] else ""
        return row

    def count(self, filters: Mapping[str, Any]) -> int:
        return self.source.count(filters)

    def page(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        paths = self._paths()
        return [self._add(r, paths) for r in self.source.page(filters, sort, offset, limit)]

    def rows(
        self, filters: Mapping[str, Any], sort: SortSpec, keys: Collection[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        paths = self._paths()
        return (self._add(r, paths) for r in self.source.rows(filters, sort, keys))
