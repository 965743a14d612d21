"""What a service of one logged-in unit starts from: its API client, its unit id, and the
server path of what it serves (`PATH`, with `{unit_id}`); a service that keeps a local copy
(`UnitService`) has the unit's database too."""

from __future__ import annotations

from typing import ClassVar

from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient


class UnitCalls:
    PATH: ClassVar[str]  # e.g. "/mgmt/units/{unit_id}/authorisation/accounts"

    def __init__(self, api: ApiClient, unit_id: str) -> None:
        self.api = api
        self.unit_id = unit_id

    @property
    def path(self) -> str:
        return self.PATH.format(unit_id=self.unit_id)


class UnitService(UnitCalls):
    PATH: ClassVar[str]  # e.g. "/collect/units/{unit_id}/arrears"

    def __init__(self, api: ApiClient, db: UnitDatabase, unit_id: str) -> None:
        super().__init__(api, unit_id)
        self.db = db
