"""缴费授权 (manual §3.17–§3.20): the resident named by the three facts (姓名, 证件类型,
证件号码), who must be in this 代收单位's area — its `residents` feed, or a 正常参保
外部参保城乡居民 on its list. Shared by 批扣费额设置, 居民银行账户 and 两两协议.

`resident_id` is the person's id: a feed resident's `residents.id`, an external one's
`external_registry.id` (from 900000001 up, so the two never meet).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mock_backend.errors import ApiError
from mock_backend.external_residents import ID_TYPE_CODES
from mock_backend.ids import is_valid_id_number
from mock_backend.resident_directory import (
    Identity,
    Person,
    find_resident,
    identity,
    registered_person,
)

NOT_REGISTERED = "未查询到城乡居民参保信息，请核对姓名、证件类型和证件号码。"  # §3.17, §3.18
RESIDENT_NOT_FOUND = "未在本代收单位管辖范围内找到该居民，请核对姓名、证件类型和证件号码。"
INVALID_ID_NUMBER = "证件号码“{number}”不是有效的居民身份证号码，请核对后重新填写。"
ID_CARD = "01"


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "VALIDATION_ERROR", message, {"field": field})


def checked_facts(
    name: str | None, id_type: str | None, id_number: str | None
) -> tuple[str, str, str]:
    """The three facts trimmed (number upper case), or a 422 naming the one to correct."""
    name = (name or "").strip()
    id_type = (id_type or "").strip()
    number = (id_number or "").strip().upper()
    if not name:
        raise _invalid("name", "请填写姓名。")
    if not id_type:
        raise _invalid("id_type", "请选择证件类型。")
    if id_type not in ID_TYPE_CODES:
        raise _invalid("id_type", f"证件类型“{id_type}”不存在，请按证件类型代码表填写。")
    if not number:
        raise _invalid("id_number", "请填写证件号码。")
    if id_type == ID_CARD and not is_valid_id_number(number):
        raise _invalid("id_number", INVALID_ID_NUMBER.format(number=number))
    return name, id_type, number


def unit_region(raw: sqlite3.Connection, unit_id: str) -> str:
    row = raw.execute("SELECT region FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    if row is None:
        raise ApiError(404, "UNIT_NOT_FOUND", "该单位不存在，请核对单位后重试。")
    return str(row[0])


def resident_dict(person: Person) -> dict[str, Any]:
    return {
        "resident_id": person.person_id,
        "name": person.name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "township": person.township,
        "village": person.village,
        "phone": person.phone,
    }


def _registered_elsewhere(raw: sqlite3.Connection, region: str, who: Identity, name: str) -> bool:
    """Whether the three facts name a registered person of the region outside this agent's
    area: in another agent's feed, or in the region's registry."""
    other = registered_person(raw, region, who)
    if other is not None and other.name == name:
        return True
    return (
        raw.execute(
            "SELECT 1 FROM residents r JOIN units u ON u.unit_id = r.unit_id WHERE u.region = ?"
            " AND r.id_type = ? AND r.id_number = ? AND r.name = ? AND r.deleted = 0 LIMIT 1",
            (region, *who, name),
        ).fetchone()
        is not None
    )


def find_area_person(
    raw: sqlite3.Connection, unit_id: str, name: str, id_type: str, id_number: str
) -> Person:
    """The agent's own resident as a `Person`, or ApiError 404 RESIDENT_NOT_FOUND: with the
    manual's 未查询到城乡居民参保信息 when nobody is registered under the three facts, with
    `RESIDENT_NOT_FOUND`'s sentence when the person is registered outside this agent's area."""
    who_name, who_type, who_number = checked_facts(name, id_type, id_number)
    region = unit_region(raw, unit_id)
    who = identity(who_type, who_number)
    person = find_resident(raw, unit_id, region, who, who_name)
    if person is None:
        elsewhere = _registered_elsewhere(raw, region, who, who_name)
        raise ApiError(
            404, "RESIDENT_NOT_FOUND", RESIDENT_NOT_FOUND if elsewhere else NOT_REGISTERED
        )
    return person


def find_area_resident(
    raw: sqlite3.Connection, unit_id: str, name: str, id_type: str, id_number: str
) -> dict[str, Any]:
    """The agent's own resident (resident_id, name, id_type, id_number, township, village,
    phone), or ApiError 404 RESIDENT_NOT_FOUND with the sentence; a 居民身份证 number failing
    GB 11643 is a 422 VALIDATION_ERROR of its own."""
    return resident_dict(find_area_person(raw, unit_id, name, id_type, id_number))
