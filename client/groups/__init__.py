"""分组: the unit's own groups of employees or residents (local only, at most 3 levels)."""

from client.groups.rules import GroupRuleError
from client.groups.service import GroupNode, GroupService, TreeEdits

__all__ = ["GroupNode", "GroupRuleError", "GroupService", "TreeEdits"]
