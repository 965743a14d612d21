"""The 分组管理 window's unsaved tree: edits are checked at once and saved on 保存.

新建分组, 添加子分组, renaming in place and 删除 change this draft only; each is refused
right away when it breaks a rule (4th level, empty or duplicate name), so the user sees
the message where the edit happened. `edits()` hands the changes to
`GroupService.apply_tree_edits`, which checks the whole tree again and writes it in one
transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from client.groups.rules import (
    NO_GROUP,
    GroupRuleError,
    check_can_have_children,
    check_unique,
    clean_name,
    join_path,
)
from client.groups.service import GroupNode, NewGroup, TreeEdits

DEFAULT_NAME = "新建分组"


@dataclass
class DraftNode:
    key: int  # the group's id, or a negative key until saved
    name: str
    parent: int | None
    saved_name: str | None = None  # None for a group not saved yet
    saved_at: datetime | None = None
    children: list[int] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.saved_name is None

    @property
    def is_changed(self) -> bool:
        return self.saved_name is not None and self.saved_name != self.name


class GroupDraft:
    def __init__(self, tree: list[GroupNode]) -> None:
        self.nodes: dict[int, DraftNode] = {}
        self.roots: list[int] = []
        self.deleted: list[int] = []
        self._keys = itertools.count(-1, -1)
        for node in tree:
            self._load(node)

    def _load(self, node: GroupNode) -> None:
        self.nodes[node.id] = DraftNode(
            node.id, node.name, node.parent_id, node.name, node.saved_at
        )
        self._siblings(node.parent_id).append(node.id)
        for child in node.children:
            self._load(child)

    # -- reading -------------------------------------------------------------------------
    def node(self, key: int) -> DraftNode:
        if key not in self.nodes:
            raise GroupRuleError(NO_GROUP)
        return self.nodes[key]

    def children(self, key: int | None) -> list[DraftNode]:
        return [self.nodes[k] for k in self._siblings(key)]

    def level(self, key: int) -> int:
        level = 1
        while (parent := self.node(key).parent) is not None:
            key, level = parent, level + 1
        return level

    def path(self, key: int) -> str:
        names = []
        current: int | None = key
        while current is not None:
            names.append(self.nodes[current].name)
            current = self.nodes[current].parent
        return join_path(reversed(names))

    def walk(self, parent: int | None = None) -> Iterator[DraftNode]:
        """Every node depth-first."""
        for node in self.children(parent):
            yield node
            yield from self.walk(node.key)

    @property
    def dirty(self) -> bool:
        return bool(self.edits())

    # -- editing -------------------------------------------------------------------------
    def default_name(self, parent: int | None) -> str:
        """ "新建分组", or "新建分组2" … when a sibling already has that name."""
        taken = {n.name for n in self.children(parent)}
        for n in itertools.count(1):
            name = DEFAULT_NAME if n == 1 else f"{DEFAULT_NAME}{n}"
            if name not in taken:
                return name
        raise AssertionError("unreachable")

    def add_root(self, name: str | None = None) -> DraftNode:
        return self._add(None, name)

    def add_child(self, parent: int, name: str | None = None) -> DraftNode:
        node = self.node(parent)
        check_can_have_children(self.level(parent), node.name)
        return self._add(parent, name)

    def rename(self, key: int, name: str) -> None:
        node = self.node(key)
        cleaned = clean_name(name)
        check_unique(cleaned, (n.name for n in self.children(node.parent) if n.key != key))
        node.name = cleaned

    def delete(self, key: int) -> int:
        """Remove the group and its sub-groups from the draft; return how many."""
        node = self.node(key)
        removed = [node, *self.walk(key)]
        self._siblings(node.parent).remove(key)
        for item in removed:
            del self.nodes[item.key]
            if not item.is_new and item.key not in self.deleted:
                self.deleted.append(item.key)
        return len(removed)

    def edits(self) -> TreeEdits:
        nodes = list(self.walk())
        return TreeEdits(
            created=tuple(NewGroup(n.key, n.parent, n.name) for n in nodes if n.is_new),
            renamed=tuple((n.key, n.name) for n in nodes if n.is_changed),
            deleted=tuple(self.deleted),
        )

    def _add(self, parent: int | None, name: str | None) -> DraftNode:
        cleaned = clean_name(name if name is not None else self.default_name(parent))
        check_unique(cleaned, (n.name for n in self.children(parent)))
        node = DraftNode(next(self._keys), cleaned, parent)
        self.nodes[node.key] = node
        self._siblings(parent).append(node.key)
        return node

    def _siblings(self, parent: int | None) -> list[int]:
        return self.roots if parent is None else self.nodes[parent].children
