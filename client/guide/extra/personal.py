"""操作手册 texts of 城乡居民个人缴费 (keys as in the menu; "<module>:<key>" overrides)."""

from __future__ import annotations

TEXTS: dict[str, str] = {}
