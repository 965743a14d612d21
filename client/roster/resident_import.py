"""信息维护 (manual §3.2 五): the 城乡居民 template of 分组, 手机号码 and 备注, downloaded filled
with the residents of the query and imported back after a preview.

A row names a resident of this unit by 证件号码 (姓名, when filled, must match) and states its
three values: a blank cell clears that value (无分组, no 手机号码, no 备注), since the
downloaded file already holds what the client had. Residents not in the file keep theirs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select

from client.documents.cells import text
from client.documents.imports import ImportResult, ImportRow, read_import
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import identity_number_error
from client.groups.rules import MAX_LEVELS, join_path, split_path
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
    db: UnitDatabase,
    path: str | os.PathLike[str],
    source: ListSource | None = None,
    filters: Mapping[str, Any] | None = None,
    ctx: JobContext | None = None,
    total: int | None = None,
) -> int:
    """下载导入模板: the template filled with the residents `source` lists for `filters`
    (their current 分组, 手机号码 as shown and 备注); empty without a source. Returns the
    rows written."""
    if source is None:
        return write_template(INFO_SPEC, path)
    groups = GroupService(db)
    paths = {node.id: node.path for node in groups.flat()}
    with db.read() as session:
        member = dict(session.execute(select(RecordGroup.record_id, RecordGroup.group_id)).all())
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
    db: UnitDatabase, path: str | os.PathLike[str], ctx: JobContext | None = None
) -> ImportResult:
    """导入文件: read and check a filled template against this unit (nothing changes yet)."""
    ctx = ctx or JobContext()
    ctx.progress(LOAD_PHASE, 0, None)

    def load() -> _InfoCheck:
        return _InfoCheck(_residents(db), GroupService(db).path_index())

    return read_import(INFO_SPEC, path, ctx, load_check=load)


def apply_info(store: ResidentFieldStore, rows: Iterable[ImportRow]) -> int:
    """The confirmed rows' 分组, 手机号码 and 备注, in one transaction; return how many."""
    return store.save_many(
        (v["record_id"], v["phone"], v["group_id"], v["remark"])
        for v in (row.values for row in rows)
    )


def _residents(db: UnitDatabase) -> dict[str, list[tuple[int, str]]]:
    """证件号码 (trimmed, upper case) → the residents holding it (id, 姓名)."""
    c = Resident.__table__.c
    query = select(func.upper(func.trim(c.id_number)), c.id, func.trim(c.name))
    found: dict[str, list[tuple[int, str]]] = {}
    with db.read() as session:
        for number, record_id, name in session.execute(query).all():
            found.setdefault(number or "", []).append((record_id, name or ""))
    return found


class _InfoCheck:
    """The cross checks of one row: the resident, the 分组 path, 手机号码 and 备注."""

    def __init__(self, people: dict[str, list[tuple[int, str]]], paths: dict[str, int]) -> None:
        self.people = people
        self.paths = paths
        self.resolved: dict[str, tuple[int | None, str | None]] = {}

    def __call__(self, values: dict[str, Any]) -> list[tuple[str | None, str]]:
        errors: list[tuple[str | None, str]] = []
        number = values["id_number"]
        found = self.people.get(number)
        if found is None:
            reason = identity_number_error(number) if len(number) == 18 else None
            errors.append(
                ("id_number", reason or "本单位没有该证件号码的城乡居民，请核对证件号码。")
            )
        else:
            name = values["name"]
            matches = [p for p in found if name is None or p[1] == name.strip()]
            if not matches:
                errors.append(("name", "姓名与系统中该证件号码的城乡居民不一致，请核对姓名。"))
            else:
                values["record_id"] = matches[0][0]
        for key, check in (("phone", check_phone), ("remark", check_remark)):
            try:
                values[key] = check(values[key])
            except ResidentEditError as exc:
                errors.append((key, exc.message))
        values["group_id"] = None
        if values["group"] is not None and values["group"].strip():
            group_id, error = self._group(values["group"].strip())
            if error is not None:
                errors.append(("group", error))
            values["group_id"] = group_id
        return errors

    def _group(self, shown: str) -> tuple[int | None, str | None]:
        if shown not in self.resolved:  # a file names few groups: resolve each once
            self.resolved[shown] = self._resolve(shown)
        return self.resolved[shown]

    def _resolve(self, shown: str) -> tuple[int | None, str | None]:
        names = split_path(shown)
        if any(not n for n in names):
            return None, f"分组“{shown}”格式不正确，各级分组之间用“/”分隔，如“一级/二级/三级”。"
        if len(names) > MAX_LEVELS:
            return None, f"分组最多为3级，“{shown}”有{len(names)}级。"
        group_id = self.paths.get(join_path(names))
        if group_id is None:
            return None, f"分组“{shown}”不存在，请先在【分组管理】中新建该分组。"
        return group_id, None
