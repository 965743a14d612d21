"""Mock 管理子系统/征收子系统: a FastAPI server with its own SQLite database.

Run with `python -m mock_backend --help`. Shares nothing with the `client` package but
the HTTP contract in docs/http-contract.md.
"""

__version__ = "0.1.0"
