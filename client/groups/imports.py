"""The two 分组 templates and their imports (manual §2.2 四 and §3.2 五/六).

- 批量导入 (分组管理): one group path per row (一级分组*, 二级分组, 三级分组); missing groups
  are created, existing ones reused.
- 批量编辑职工分组 (or 城乡居民 for a 代收单位): 姓名*, 证件类型, 证件号码*, 分组*; the person
  must be in this unit's `employees` (or `residents`) table, found by 证件号码 and 姓名, and
  分组 is a path "一级/二级/三级" of a group that exists.

`read_*` only reads and checks (see `client.documents.imports`); `apply_*` writes the valid
rows in one transaction and is called only after the user confirms.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select

from client.documents.cells import CellError, text
from client.documents.imports import ImportResult, ImportRow, read_import
from client.documents.templates import TemplateColumn, TemplateSpec, write_template
from client.domain.ids import DEFAULT_ID_TYPES, ID_CARD, identity_number_error
from client.groups.paths import GroupPaths
from client.groups.rules import GroupRuleError, clean_name
from client.groups.service import GroupService
from client.jobs import JobContext
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import UnitBase

PEOPLE = {"employees": "职工", "residents": "城乡居民"}
LOAD_PHASE = "正在读取{person}信息"


def _group_name(value: Any) -> str:
    try:
        return clean_name(text()(value))
    except GroupRuleError as exc:
        raise CellError(exc.message) from None


# -- 批量导入 (the group tree) -----------------------------------------------------------
GROUP_TREE_SPEC = TemplateSpec(
    kind="groups.tree",
    version=1,
    title="批量导入分组",
    sheet_title="分组",
    columns=(
        TemplateColumn("level1", "一级分组", required=True, parse=_group_name, width=24),
        TemplateColumn("level2", "二级分组", parse=_group_name, width=24),
        TemplateColumn("level3", "三级分组", parse=_group_name, width=24),
    ),
    unique_key=("level1", "level2", "level3"),
    notes=(
        "填写说明：每行填写一个分组，一级分组必填；填写三级分组时须同时填写二级分组。"
        "已有的分组不会重复创建。分组名称不超过30个字，不能包含“/”。"
    ),
)
SKIPPED_LEVEL = "填写了三级分组时，二级分组不能为空。"


def write_group_tree_template(path: str | os.PathLike[str]) -> None:
    write_template(GROUP_TREE_SPEC, path)


def read_group_tree(path: str | os.PathLike[str], ctx: JobContext | None = None) -> ImportResult:
    def check(values: dict[str, Any]) -> list[tuple[str | None, str]]:
        if values["level3"] is not None and values["level2"] is None:
            return [("level2", SKIPPED_LEVEL)]
        values["path"] = tuple(
            v for v in (values["level1"], values["level2"], values["level3"]) if v is not None
        )
        return []

    return read_import(GROUP_TREE_SPEC, path, ctx, check)


def apply_group_tree(service: GroupService, rows: Iterable[ImportRow]) -> int:
    """Create the groups of the confirmed rows; return how many were new."""
    return service.ensure_paths(row.values["path"] for row in rows)


# -- 批量编辑职工分组 (assignments) --------------------------------------------------------
def assignment_spec(table: str = "employees") -> TemplateSpec:
    person = PEOPLE[table]
    return TemplateSpec(
        kind=f"groups.assign.{table}",
        version=1,
        title=f"批量编辑{person}分组",
        sheet_title=f"{person}分组",
        columns=(
            TemplateColumn("name", "姓名", required=True, parse=text(100), width=16),
            TemplateColumn("id_type", "证件类型", parse=text(30), width=22),
            TemplateColumn(
                "id_number", "证件号码", required=True, parse=text(40, upper=True), width=24
            ),
            TemplateColumn("group", "分组", required=True, parse=text(100), width=36),
        ),
        unique_key=("id_number",),
        notes=(
            f"填写说明：按证件号码和姓名对应本单位的{person}；证件类型可不填，填写时须与系统中一致。"
            "分组填写完整路径，各级之间用“/”分隔，如“一级分组/二级分组/三级分组”，"
            "分组须已在【分组管理】中建好。"
        ),
    )


def write_assignment_template(path: str | os.PathLike[str], table: str = "employees") -> None:
    write_template(assignment_spec(table), path)


def read_assignments(
    db: UnitDatabase,
    path: str | os.PathLike[str],
    table: str = "employees",
    ctx: JobContext | None = None,
    id_types: Mapping[str, str] | None = None,
) -> ImportResult:
    """Check a filled 批量编辑分组 template against this unit's people and groups."""
    ctx = ctx or JobContext()
    person = PEOPLE[table]
    ctx.progress(LOAD_PHASE.format(person=person), 0, None)
    people = _people(db, table)
    paths = GroupService(db).path_index()
    check = _AssignmentCheck(person, people, paths, id_types or DEFAULT_ID_TYPES)
    return read_import(assignment_spec(table), path, ctx, check)


def apply_assignments(service: GroupService, rows: Iterable[ImportRow]) -> int:
    """Give each confirmed row's person its group, in one transaction; return how many."""
    return service.assign_many((r.values["record_id"], r.values["group_id"]) for r in rows)


Person = tuple[int, str, str]  # id, name, id_type


def _people(db: UnitDatabase, table: str) -> dict[str, list[Person]]:
    """证件号码 (trimmed, upper case) → the people holding it; SQLite normalises the text."""
    c = UnitBase.metadata.tables[table].c
    query = select(func.upper(func.trim(c.id_number)), c.id, func.trim(c.name), c.id_type)
    found: dict[str, list[Person]] = {}
    with db.read() as session:
        for number, record_id, name, id_type in session.execute(query).all():
            found.setdefault(number or "", []).append((record_id, name or "", id_type))
    return found


class _AssignmentCheck:
    """The cross checks of one 批量编辑分组 row: type, number, person, group."""

    def __init__(
        self,
        person: str,
        people: dict[str, list[Person]],
        paths: dict[str, int],
        id_types: Mapping[str, str],
    ) -> None:
        self.person = person
        self.people = people
        self.groups = GroupPaths(paths)
        self.id_types = id_types
        self.type_codes = {name: code for code, name in id_types.items()}
        self.type_codes.update({code: code for code in id_types})

    def __call__(self, values: dict[str, Any]) -> list[tuple[str | None, str]]:
        errors: list[tuple[str | None, str]] = []
        type_code = None
        if values["id_type"] is not None:
            type_code = self.type_codes.get(values["id_type"])
            if type_code is None:
                return [("id_type", f"证件类型“{values['id_type']}”不正确，请填写证件类型的名称。")]
        number = values["id_number"]
        found = self.people.get(number)
        if found is None:
            if type_code == ID_CARD or (type_code is None and len(number) == 18):
                reason = identity_number_error(number)
                if reason is not None:
                    return [("id_number", reason)]
            errors.append(("id_number", f"本单位没有该证件号码的{self.person}，请核对证件号码。"))
        else:
            matches = [p for p in found if p[1] == values["name"]]
            if not matches:
                errors.append(
                    ("name", f"姓名与系统中该证件号码的{self.person}不一致，请核对姓名。")
                )
            elif type_code is not None and all(p[2] != type_code for p in matches):
                errors.append(("id_type", f"证件类型与系统中该{self.person}的证件类型不一致。"))
            else:
                values["record_id"] = matches[0][0]
        group_error = self._group(values)
        if group_error is not None:
            errors.append(("group", group_error))
        return errors

    def _group(self, values: dict[str, Any]) -> str | None:
        group_id, error = self.groups.resolve(values["group"])
        if group_id is not None:
            values["group_id"] = group_id
        return error
