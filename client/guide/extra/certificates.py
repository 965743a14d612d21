"""操作手册 texts of 社保费完税证明 of the 代收单位 (keys as in the menu; "<module>:<key>" overrides)."""

from __future__ import annotations

TEXTS: dict[str, str] = {}
