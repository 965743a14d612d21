"""A 分组 as an import file names it ("一级/二级/三级") → the group's id, or the sentence why
not; shared by the 批量编辑分组 and the residents' 信息维护 imports."""

from __future__ import annotations

from collections.abc import Mapping

from client.groups.rules import MAX_LEVELS, join_path, split_path


class GroupPaths:
    def __init__(self, paths: Mapping[str, int]) -> None:
        self.paths = paths  # the unit's groups: "一级/二级" → id (`GroupService.path_index`)
        self.resolved: dict[str, tuple[int | None, str | None]] = {}

    def resolve(self, shown: str) -> tuple[int | None, str | None]:
        """(group id, None), or (None, the sentence for the row); a file names few groups,
        so each is looked up once."""
        if shown not in self.resolved:
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
