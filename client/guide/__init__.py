"""The clerk's own operating guide (操作手册): one Chinese description per menu page (no Qt)."""
