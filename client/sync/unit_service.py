"""What a service of one logged-in unit starts from: its API client, its local database, its
unit id, and the server path of what it serves (`PATH`, with `{unit_id}`)."""

from __future__ import annotations

from typing import ClassVar

from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient


class UnitService:
    PATH: ClassVar[str]  # e.g. "/collect/units/{unit_id}/arrears"

    def __init__(self, api: ApiClient, db: UnitDatabase, unit_id: str) -> None:
        self.api = api
        self.db = db
        self.unit_id = unit_id

    @property
    def path(self) -> str:
        return self.PATH.format(unit_id=self.unit_id)
