"""缴费授权's first step (manual §3.17–§3.19): the resident named by the three facts (姓名,
证件类型, 证件号码), asked of the 管理子系统, which answers only for a resident in this
代收单位's area. The facts are checked first (a 居民身份证 number must pass GB 11643), so a
typing error never costs a request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from client.collector.persons import Person, PersonError, check_person
from client.sync.api import ApiClient

__all__ = ["AreaResident", "PersonError", "find_resident", "find_path"]


@dataclass(frozen=True)
class AreaResident:
    """A resident of the agent's area as the 管理子系统 registered them."""

    resident_id: int
    name: str
    id_type: str
    id_number: str
    township: str
    village: str
    phone: str | None

    @classmethod
    def of(cls, payload: Mapping[str, Any]) -> AreaResident:
        return cls(
            resident_id=int(payload["resident_id"]),
            name=str(payload["name"]),
            id_type=str(payload["id_type"]),
            id_number=str(payload["id_number"]),
            township=str(payload.get("township") or ""),
            village=str(payload.get("village") or ""),
            phone=payload.get("phone") or None,
        )

    def facts(self) -> Person:
        return Person(self.name, self.id_type, self.id_number)


def find_path(unit_id: str) -> str:
    return f"/mgmt/units/{unit_id}/authorisation/residents/find"


def find_resident(
    api: ApiClient,
    unit_id: str,
    name: str | None,
    id_type: str | None,
    id_number: str | None,
    id_types: Mapping[str, str] | None = None,
) -> AreaResident:
    """The resident of this agent's area with these facts. Raises `PersonError` (nothing
    sent) for facts that cannot be right, and the server's `ApiError` — code
    RESIDENT_NOT_FOUND with its sentence — for a person outside the area."""
    person = check_person(name, id_type, id_number, id_types)
    return AreaResident.of(api.post_json(find_path(unit_id), person.wire()))
