"""分组 rules (manual §2.2 四 and §3.2 六): at most 3 levels, names not empty and unique
among siblings. Shared by the service, the dialog's draft and the imports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MAX_LEVELS = 3
MAX_NAME_LENGTH = 30
PATH_SEPARATOR = "/"

EMPTY_NAME = "分组名称不能为空。"
NAME_TOO_LONG = "分组名称不能超过30个字，当前为{length}个字。"
NAME_SEPARATOR = "分组名称不能包含“/”（“/”用来分隔各级分组）。"
DUPLICATE = "同一层级下已有名为“{name}”的分组，相同层级的分组名称不可重复。"
TOO_DEEP = "分组最多为3级，不能在三级分组“{name}”下再添加子分组。"
NO_GROUP = "该分组不存在，可能已被删除，请关闭窗口后重新打开。"


class GroupRuleError(Exception):
    """A change the 分组 rules do not allow; `message` says which rule and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_name(name: str | None) -> str:
    """The name as stored (trimmed), or GroupRuleError when it breaks a naming rule."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise GroupRuleError(EMPTY_NAME)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise GroupRuleError(NAME_TOO_LONG.format(length=len(cleaned)))
    if PATH_SEPARATOR in cleaned:
        raise GroupRuleError(NAME_SEPARATOR)
    return cleaned


def check_unique(name: str, sibling_names: Iterable[str]) -> None:
    if name in set(sibling_names):
        raise GroupRuleError(DUPLICATE.format(name=name))


def check_can_have_children(parent_level: int, parent_name: str) -> None:
    """A group of `parent_level` (1-based) may get a child only below the third level."""
    if parent_level >= MAX_LEVELS:
        raise GroupRuleError(TOO_DEEP.format(name=parent_name))


def validate_tree(nodes: Mapping[int, tuple[int | None, str]]) -> None:
    """Check a whole tree (key → (parent key, name)): every name, every level, every set of
    siblings. Raises on the first broken rule."""
    levels: dict[int, int] = {}

    def level(key: int) -> int:
        if key not in levels:
            parent = nodes[key][0]
            levels[key] = 1 if parent is None else level(parent) + 1
        return levels[key]

    seen: set[tuple[int | None, str]] = set()
    for key, (parent, name) in nodes.items():
        if parent is not None and parent not in nodes:
            raise GroupRuleError(NO_GROUP)
        cleaned = clean_name(name)
        if level(key) > MAX_LEVELS:
            raise GroupRuleError(
                TOO_DEEP.format(name=nodes[parent][1] if parent is not None else name)
            )
        if (parent, cleaned) in seen:
            raise GroupRuleError(DUPLICATE.format(name=cleaned))
        seen.add((parent, cleaned))


def split_path(path: str) -> list[str]:
    """ "一级/二级/三级" → its names (spaces around each trimmed; "／" accepted)."""
    return [part.strip() for part in path.replace("／", PATH_SEPARATOR).split(PATH_SEPARATOR)]


def join_path(names: Iterable[str]) -> str:
    return PATH_SEPARATOR.join(names)
