"""分组管理 without Qt: the unit's group tree and which group each person belongs to.

Groups are local to the client (table `groups`); assignments live in `record_groups`,
keyed by the employee's or resident's id, so a full sync's table swap never touches them.
Every change checks the rules in `client.groups.rules` and raises `GroupRuleError`.

The 分组管理 window stages its edits in a `GroupDraft` and hands them to
`apply_tree_edits` on 保存; the other methods change the database at once (the imports,
编辑 on a roster row, and tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from client.groups.rules import (
    NO_GROUP,
    GroupRuleError,
    check_can_have_children,
    check_unique,
    clean_name,
    join_path,
    validate_tree,
)
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee, Group, RecordGroup, Resident

GROUPS = cast(Table, Group.__table__)
RECORD_GROUPS = cast(Table, RecordGroup.__table__)
CHUNK = 5000


@dataclass
class GroupNode:
    id: int
    name: str
    parent_id: int | None
    level: int  # 1 for 一级分组
    path: str  # "一级/二级/三级"
    position: int
    saved_at: datetime | None
    children: list[GroupNode] = field(default_factory=list)


@dataclass(frozen=True)
class NewGroup:
    """A group created in a draft: `key` is negative until saved; `parent` is a saved id,
    another new group's key, or None for 一级分组."""

    key: int
    parent: int | None
    name: str


@dataclass(frozen=True)
class TreeEdits:
    """What the 分组管理 window changed since it opened (applied on 保存, in one go)."""

    created: tuple[NewGroup, ...] = ()  # parents before children
    renamed: tuple[tuple[int, str], ...] = ()
    deleted: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.created or self.renamed or self.deleted)


Rows = dict[int, tuple[int | None, str, int, datetime | None]]  # id → parent, name, pos, saved


class GroupService:
    def __init__(self, db: UnitDatabase) -> None:
        self.db = db

    # -- reading -------------------------------------------------------------------------
    def tree(self) -> list[GroupNode]:
        with self.db.read() as session:
            return _build(_rows(session.connection()))

    def flat(self) -> list[GroupNode]:
        """Every group depth-first (一级, its 二级 …), each with `path` and `level`."""
        return list(_walk(self.tree()))

    def get(self, group_id: int) -> GroupNode | None:
        return next((n for n in self.flat() if n.id == group_id), None)

    def path_index(self) -> dict[str, int]:
        """ "一级/二级" → group id, for imports that name groups by their path."""
        return {n.path: n.id for n in self.flat()}

    def descendant_ids(self, group_id: int) -> list[int]:
        """The group and every group below it ([] when it does not exist)."""
        with self.db.read() as session:
            return _descendants(_rows(session.connection()), [group_id])

    def group_of(self, record_id: int) -> GroupNode | None:
        with self.db.read() as session:
            group_id = session.execute(
                select(RECORD_GROUPS.c.group_id).where(RECORD_GROUPS.c.record_id == record_id)
            ).scalar_one_or_none()
        return None if group_id is None else self.get(group_id)

    def record_name(self, record_id: int) -> str | None:
        """The 姓名 of an employee or resident (a unit's database holds one kind)."""
        with self.db.read() as session:
            for table in (Employee.__table__, Resident.__table__):
                name = session.execute(
                    select(table.c.name).where(table.c.id == record_id)
                ).scalar_one_or_none()
                if name is not None:
                    return str(name)
        return None

    def member_count(self, group_ids: Sequence[int]) -> int:
        with self.db.read() as session:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(RECORD_GROUPS)
                    .where(RECORD_GROUPS.c.group_id.in_(list(group_ids)))
                ).scalar_one()
            )

    # -- changing the tree ---------------------------------------------------------------
    def create(self, name: str, parent_id: int | None = None) -> GroupNode:
        cleaned = clean_name(name)
        with self.db.write() as conn:
            rows = _rows(conn)
            if parent_id is not None:
                if parent_id not in rows:
                    raise GroupRuleError(NO_GROUP)
                check_can_have_children(_level(rows, parent_id), rows[parent_id][1])
            check_unique(cleaned, (r[1] for r in rows.values() if r[0] == parent_id))
            new_id = _insert(conn, rows, parent_id, cleaned, datetime.now())
        node = self.get(new_id)
        assert node is not None
        return node

    def rename(self, group_id: int, name: str) -> None:
        cleaned = clean_name(name)
        with self.db.write() as conn:
            rows = _rows(conn)
            if group_id not in rows:
                raise GroupRuleError(NO_GROUP)
            parent = rows[group_id][0]
            check_unique(
                cleaned, (r[1] for k, r in rows.items() if r[0] == parent and k != group_id)
            )
            conn.execute(
                update(GROUPS)
                .where(GROUPS.c.id == group_id)
                .values(name=cleaned, saved_at=datetime.now())
            )

    def delete(self, group_id: int) -> int:
        """Delete the group, its sub-groups and their assignments; return groups removed."""
        with self.db.write() as conn:
            rows = _rows(conn)
            if group_id not in rows:
                raise GroupRuleError(NO_GROUP)
            ids = _descendants(rows, [group_id])
            _delete(conn, ids)
        return len(ids)

    def ensure_paths(self, paths: Iterable[Sequence[str]]) -> int:
        """Create every group along each path that does not exist yet (批量导入), in one
        transaction; return how many were created. Nothing is created if a rule breaks."""
        created = 0
        now = datetime.now()
        with self.db.write() as conn:
            rows = _rows(conn)
            index = {(r[0], r[1]): k for k, r in rows.items()}
            for path in paths:
                parent: int | None = None
                for level, name in enumerate(path, start=1):
                    cleaned = clean_name(name)
                    existing = index.get((parent, cleaned))
                    if existing is None:
                        if parent is not None:
                            check_can_have_children(level - 1, rows[parent][1])
                        existing = _insert(conn, rows, parent, cleaned, now)
                        index[(parent, cleaned)] = existing
                        created += 1
                    parent = existing
        return created

    def apply_tree_edits(self, edits: TreeEdits) -> dict[int, int]:
        """Apply a draft's edits in one transaction after checking the resulting tree as a
        whole; return each new group's key → its id."""
        now = datetime.now()
        with self.db.write() as conn:
            rows = _rows(conn)
            gone = set(_descendants(rows, [d for d in edits.deleted if d in rows]))
            final: dict[int, tuple[int | None, str]] = {
                k: (r[0], r[1]) for k, r in rows.items() if k not in gone
            }
            renamed = {k: clean_name(n) for k, n in edits.renamed if k in final}
            for key, name in renamed.items():
                final[key] = (final[key][0], name)
            for new in edits.created:
                if new.parent is not None and new.parent in gone:
                    continue
                final[new.key] = (new.parent, new.name)
            validate_tree(final)
            _delete(conn, sorted(gone))
            for key, name in renamed.items():
                if rows[key][1] != name:
                    conn.execute(
                        update(GROUPS).where(GROUPS.c.id == key).values(name=name, saved_at=now)
                    )
            ids: dict[int, int] = {}
            for new in edits.created:
                if new.key not in final:
                    continue
                parent = ids.get(new.parent, new.parent) if new.parent is not None else None
                ids[new.key] = _insert(conn, rows, parent, clean_name(new.name), now)
        return ids

    # -- assignments ---------------------------------------------------------------------
    def assign(self, record_ids: Iterable[int], group_id: int | None) -> int:
        """Put the records in `group_id` (None: 无分组); return how many were given."""
        ids = list(dict.fromkeys(record_ids))
        with self.db.write() as conn:
            if group_id is None:
                for start in range(0, len(ids), CHUNK):
                    conn.execute(
                        delete(RECORD_GROUPS).where(
                            RECORD_GROUPS.c.record_id.in_(ids[start : start + CHUNK])
                        )
                    )
                return len(ids)
            if group_id not in _rows(conn):
                raise GroupRuleError(NO_GROUP)
            _upsert(conn, [(record_id, group_id) for record_id in ids])
        return len(ids)

    def assign_many(self, pairs: Iterable[tuple[int, int]]) -> int:
        """(record id, group id) pairs in one transaction (批量编辑分组导入)."""
        items = list(dict(pairs).items())
        with self.db.write() as conn:
            known = _rows(conn)
            if any(group_id not in known for _, group_id in items):
                raise GroupRuleError(NO_GROUP)
            _upsert(conn, items)
        return len(items)


def _rows(conn: Connection) -> Rows:
    result = conn.execute(
        select(GROUPS.c.id, GROUPS.c.parent_id, GROUPS.c.name, GROUPS.c.position, GROUPS.c.saved_at)
    )
    return {r.id: (r.parent_id, r.name, r.position, r.saved_at) for r in result}


def _build(rows: Rows) -> list[GroupNode]:
    children: dict[int | None, list[int]] = {}
    for key, row in rows.items():
        children.setdefault(row[0], []).append(key)
    for keys in children.values():
        keys.sort(key=lambda k: (rows[k][2], k))

    def make(key: int, level: int, prefix: str) -> GroupNode:
        parent, name, position, saved_at = rows[key]
        path = join_path([prefix, name]) if prefix else name
        node = GroupNode(key, name, parent, level, path, position, saved_at)
        node.children = [make(k, level + 1, path) for k in children.get(key, [])]
        return node

    return [make(k, 1, "") for k in children.get(None, [])]


def _walk(nodes: list[GroupNode]) -> Iterable[GroupNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _level(rows: Rows, key: int) -> int:
    level = 1
    while (parent := rows[key][0]) is not None:
        key, level = parent, level + 1
    return level


def _descendants(rows: Rows, roots: Iterable[int]) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for key, row in rows.items():
        children.setdefault(row[0], []).append(key)
    found: dict[int, None] = {}
    stack = [r for r in roots if r in rows]
    while stack:
        key = stack.pop()
        if key not in found:
            found[key] = None
            stack.extend(children.get(key, []))
    return list(found)


def _insert(conn: Connection, rows: Rows, parent: int | None, name: str, now: datetime) -> int:
    position = max((r[2] for r in rows.values() if r[0] == parent), default=-1) + 1
    result = conn.execute(
        insert(GROUPS).values(parent_id=parent, name=name, position=position, saved_at=now)
    )
    key = result.inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    rows[new_id] = (parent, name, position, now)
    return new_id


def _delete(conn: Connection, ids: Sequence[int]) -> None:
    # Assignments go explicitly too, not only through ON DELETE CASCADE.
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        conn.execute(delete(RECORD_GROUPS).where(RECORD_GROUPS.c.group_id.in_(chunk)))
        conn.execute(delete(GROUPS).where(GROUPS.c.id.in_(chunk)))


def _upsert(conn: Connection, pairs: Sequence[tuple[int, int]]) -> None:
    statement = sqlite_insert(RECORD_GROUPS)
    statement = statement.on_conflict_do_update(
        index_elements=[RECORD_GROUPS.c.record_id],
        set_={"group_id": statement.excluded.group_id},
    )
    for start in range(0, len(pairs), CHUNK):
        conn.execute(
            statement,
            [{"record_id": r, "group_id": g} for r, g in pairs[start : start + CHUNK]],
        )
