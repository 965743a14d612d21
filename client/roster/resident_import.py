"""信息维护 (manual §3.2 五): the 城乡居民 template of 分组, 手机号码 and 备注, downloaded filled
with the residents of the query and imported back after a preview.

A row names a resident of this unit by 证件号码 (姓名, when filled, must match) and states its
three values: a blank cell clears that value (无分组, no 手机号码, no 备注), since the
downloaded file already holds what the client had. Residents not in the file keep theirs.

The same template and checks serve every list of residents with these three fields: an
`InfoPeople` says who is listed (证件号码 → records, with why one may not be maintained) and
saves the confirmed values. `RosterPeople` is the synced roster (`residents`, kept in
`resident_local` and `record_groups`); 外部参保城乡居民 have theirs in `client.collector.external`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select

from client.documents.cells import text
from client.documents.imports import ImportResult, ImportRow, read_import
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import identity_number_error
from client.groups.paths import GroupPaths
from client.groups.service import GroupService
from client.jobs import JobContext
from client.roster.resident_fields import (
    ResidentEditError,
    ResidentFieldStore,
    check_phone,
    check_remark,
)
from client.storage.listing import ListSource
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import RecordGroup, Resident

LOAD_PHASE = "正在读取城乡居民信息"
NOT_A_RESIDENT = "本单位没有该证件号码的城乡居民，请核对证件号码。"
NAME_MISMATCH = "姓名与系统中该证件号码的城乡居民不一致，请核对姓名。"

InfoValues = tuple[int, str | None, int | None, str | None]  # record, 手机号码, 分组 id, 备注


@dataclass(frozen=True)
class Listed:
    """One record a 证件号码 names; `refusal` says why its values cannot be maintained."""

    record_id: int
    name: str
    refusal: str | None = None


class SavesInfo(Protocol):
    def save_many(self, rows: Iterable[InfoValues]) -> int:
        """The checked (record id, 手机号码, 分组 id, 备注) rows in one transaction (all or
        none); how many."""
        ...


class InfoPeople(SavesInfo, Protocol):
    """Who 信息维护 maintains, and where the values go."""

    db: UnitDatabase  # the unit database holding the 分组 tree
    missing: str  # the sentence for a 证件号码 nobody listed holds

    def listed(self) -> dict[str, list[Listed]]:
        """证件号码 (trimmed, upper case) → the records holding it."""
        ...

    def group_ids(self) -> Mapping[int, int]:
        """Record id → its 分组 id (records without one left out)."""
        ...


class RosterPeople:
    """The synced 城乡居民 of the unit (the roster page's 信息维护)."""

    missing = NOT_A_RESIDENT

    def __init__(self, db: UnitDatabase, store: ResidentFieldStore | None = None) -> None:
        self.db = db
        self.store = store or ResidentFieldStore(db)

    def listed(self) -> dict[str, list[Listed]]:
        c = Resident.__table__.c
        query = select(func.upper(func.trim(c.id_number)), c.id, func.trim(c.name))
        found: dict[str, list[Listed]] = {}
        with self.db.read() as session:
            for number, record_id, name in session.execute(query).all():
                found.setdefault(number or "", []).append(Listed(record_id, name or ""))
        return found

    def group_ids(self) -> Mapping[int, int]:
        with self.db.read() as session:
            return dict(session.execute(select(RecordGroup.record_id, RecordGroup.group_id)).all())

    def save_many(self, rows: Iterable[InfoValues]) -> int:
        return self.store.save_many(rows)


def _people(people: UnitDatabase | InfoPeople) -> InfoPeople:
    return RosterPeople(people) if isinstance(people, UnitDatabase) else people


INFO_SPEC = TemplateSpec(
    kind="residents.info",
    version=1,
    title="城乡居民信息维护",
    sheet_title="城乡居民信息",
    columns=(
        TemplateColumn(
            "id_number", "证件号码", required=True, parse=text(40, upper=True), width=24
        ),
        TemplateColumn("name", "姓名", parse=text(100), width=14),
        TemplateColumn("group", "分组", parse=text(100), width=30),
        TemplateColumn("phone", "手机号码", parse=text(20), width=16),
        TemplateColumn("remark", "备注", parse=text(400), width=36),
    ),
    unique_key=("id_number",),
    notes=(
        "填写说明：按证件号码对应本单位的城乡居民，姓名可不填，填写时须与系统中一致。"
        "每行的分组、手机号码、备注将替换系统中的信息，不填写即清空。"
        "分组填写完整路径，各级之间用“/”分隔，如“一级分组/二级分组”，须已在【分组管理】中建好；"
        "手机号码为以1开头的11位数字；备注不超过200个字。"
    ),
)


def write_info_template(
    people: UnitDatabase | InfoPeople,
    path: str | os.PathLike[str],
    source: ListSource | None = None,
    filters: Mapping[str, Any] | None = None,
    ctx: JobContext | None = None,
    total: int | None = None,
) -> int:
    """下载导入模板: the template filled with the residents `source` lists for `filters`
    (their current 分组, 手机号码 as shown and 备注); empty without a source. `people` is the
    list maintained (the unit database: the synced roster). Returns the rows written."""
    if source is None:
        return write_template(INFO_SPEC, path)
    people = _people(people)
    paths = {node.id: node.path for node in GroupService(people.db).flat()}
    member = people.group_ids()
    stream = source.rows(dict(filters or {}), [("name", True)])
    rows = (
        [
            r["id_number"],
            r["name"],
            paths.get(member.get(r["id"], -1), ""),
            r.get("phone") or "",
            r.get("remark") or "",
        ]
        for r in stream
    )
    try:
        return write_template(INFO_SPEC, path, rows, ctx, total)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()


def read_info_file(
    people: UnitDatabase | InfoPeople,
    path: str | os.PathLike[str],
    ctx: JobContext | None = None,
) -> ImportResult:
    """导入文件: read and check a filled template against the people listed (the unit
    database: the synced roster); nothing changes yet."""
    ctx = ctx or JobContext()
    ctx.progress(LOAD_PHASE, 0, None)
    people = _people(people)

    def load() -> _InfoCheck:
        return _InfoCheck(people.listed(), GroupService(people.db).path_index(), people.missing)

    return read_import(INFO_SPEC, path, ctx, load_check=load)


def apply_info(store: SavesInfo, rows: Iterable[ImportRow]) -> int:
    """The confirmed rows' 分组, 手机号码 and 备注, in one transaction; return how many."""
    return store.save_many(
        (v["record_id"], v["phone"], v["group_id"], v["remark"])
        for v in (row.values for row in rows)
    )


class _InfoCheck:
    """The cross checks of one row: the resident, the 分组 path, 手机号码 and 备注."""

    def __init__(
        self, people: dict[str, list[Listed]], paths: dict[str, int], missing: str
    ) -> None:
        self.people = people
        self.groups = GroupPaths(paths)
        self.missing = missing

    def __call__(self, values: dict[str, Any]) -> list[tuple[str | None, str]]:
        errors: list[tuple[str | None, str]] = []
        number = values["id_number"]
        found = self.people.get(number)
        if found is None:
            reason = identity_number_error(number) if len(number) == 18 else None
            errors.append(("id_number", reason or self.missing))
        else:
            name = values["name"]
            matches = [p for p in found if name is None or p.name == name.strip()]
            matches.sort(key=lambda p: p.refusal is not None)  # one that can be maintained
            if not matches:
                errors.append(("name", NAME_MISMATCH))
            elif matches[0].refusal is not None:
                errors.append(("id_number", matches[0].refusal))
            else:
                values["record_id"] = matches[0].record_id
        for key, check in (("phone", check_phone), ("remark", check_remark)):
            try:
                values[key] = check(values[key])
            except ResidentEditError as exc:
                errors.append((key, exc.message))
        values["group_id"] = None
        if values["group"] is not None and values["group"].strip():
            group_id, error = self.groups.resolve(values["group"].strip())
            if error is not None:
                errors.append(("group", error))
            values["group_id"] = group_id
        return errors
