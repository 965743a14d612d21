"""操作手册 texts of 社保费批扣费额设置 and 社保费批扣清册查询 (keys as in the menu; "<module>:<key>" overrides)."""

from __future__ import annotations

TEXTS: dict[str, str] = {}
