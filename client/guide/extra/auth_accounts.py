"""操作手册 texts of 居民银行账户管理 and 居民两两协议签订 (keys as in the menu; "<module>:<key>" overrides)."""

from __future__ import annotations

TEXTS: dict[str, str] = {}
