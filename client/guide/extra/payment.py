"""操作手册 texts of 费款缴纳 and 社保费缴费证明打印 of the 代收单位 (keys as in the menu; "<module>:<key>" overrides)."""

from __future__ import annotations

TEXTS: dict[str, str] = {}
