"""Alembic scripts of a unit database. HEAD lets a database at the newest revision open
without importing Alembic at all (a test keeps it equal to the scripts' real head)."""

HEAD = "0018"
