"""社保费管理客户端: the desktop client (PySide6 shell over local SQLite and the sync engine)."""

__version__ = "0.1.0"
