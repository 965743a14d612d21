"""What a 代收单位's questions about one resident to the 管理子系统 start from: the API client,
the unit, and its 证件类型 names, with which the three facts are checked before anything is
sent (the built-in list where the unit has none)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client.collector.persons import Person, check_person
from client.sync.api import ApiClient
from client.sync.unit_service import UnitCalls


class ResidentQueries(UnitCalls):
    def __init__(
        self, api: ApiClient, unit_id: str, id_types: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(api, unit_id)
        self.id_types = dict(id_types or {}) or None

    def person(self, name: Any, id_type: Any, id_number: Any) -> Person:
        """The three facts trimmed, or `PersonError` for the first one to correct."""
        return check_person(name, id_type, id_number, self.id_types)
