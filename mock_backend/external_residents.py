"""外部参保城乡居民 of a 代收单位 (manual §3.3): the lookup of persons' 参保登记信息 and the
unit's list as the client keeps it.

A person is 正常参保 when registered with the 管理子系统 in the unit's region under the same
name: in the unit's feed, or in the region's registry of people in no agent's feed. Only
listed persons that are 正常参保 count as residents of the unit.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from mock_backend.errors import ApiError
from mock_backend.ids import is_valid_id_number
from mock_backend.resident_directory import identity, person_items, registration
from mock_backend.seed.rules import ID_TYPES

REGISTERED = "正常参保"
NOT_REGISTERED = "未参保"
MAX_LOOKUP = 1_000
MAX_LIST = 100_000
ID_TYPE_CODES = frozenset(code for code, _ in ID_TYPES)

Checked = tuple[str, str, str]  # (name trimmed, 证件类型, 证件号码 as sent)


def _invalid(index: int, field: str, message: str, **extra: Any) -> ApiError:
    return ApiError(
        422,
        "VALIDATION_ERROR",
        f"第{index + 1}个人员：{message}",
        {"index": index, "field": field, **extra},
    )


def parse_persons(body: bytes, most: int, least: int = 1) -> list[Checked]:
    """`persons` (least..most) with a name, a known 证件类型 and a 证件号码 (GB 11643 for 01)."""
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    persons = data.get("persons") if isinstance(data, dict) else None
    if not isinstance(persons, list):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "请求的格式不正确，persons应为人员的列表，请更新客户端后重试。",
        )
    if not least <= len(persons) <= most:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"每次应提交{least}至{most}个人员，本次提交了{len(persons)}个。",
            {"count": len(persons), "max": most},
        )
    checked = []
    for index, person in enumerate(persons):
        if not isinstance(person, dict):
            raise _invalid(index, "person", "应包含姓名、证件类型和证件号码。")
        name, id_type, id_number = (person.get(k) for k in ("name", "id_type", "id_number"))
        if not isinstance(name, str) or not name.strip():
            raise _invalid(index, "name", "姓名不能为空。")
        if id_type not in ID_TYPE_CODES:
            raise _invalid(
                index, "id_type", f"证件类型“{id_type or ''}”不存在，请按证件类型代码表填写。"
            )
        if not isinstance(id_number, str) or not id_number.strip():
            raise _invalid(index, "id_number", "证件号码不能为空。")
        if id_type == "01" and not is_valid_id_number(id_number.strip().upper()):
            raise _invalid(
                index,
                "id_number",
                f"证件号码“{id_number}”不是有效的居民身份证号码，请核对后重新填写。",
            )
        checked.append((name.strip(), str(id_type), id_number))
    return checked


def lookup(
    raw: sqlite3.Connection, unit_id: str, region: str, persons: list[Checked]
) -> list[dict[str, Any]]:
    """Each person's 参保登记信息 (正常参保 with the registration, or 未参保), in order."""
    results = []
    for name, id_type, id_number in persons:
        person = registration(raw, unit_id, region, identity(id_type, id_number), name)
        answer: dict[str, Any] = {"name": name, "id_type": id_type, "id_number": id_number}
        if person is None:
            results.append({**answer, "status": NOT_REGISTERED, "person": None})
            continue
        items = person_items(raw, person)
        results.append(
            {
                **answer,
                "status": REGISTERED,
                "person": {
                    "person_number": items[0][0] if items else None,
                    "gender": person.gender,
                    "birth_date": person.birth_date,
                    "township": person.township,
                    "village": person.village,
                    "phone": person.phone,
                    "items": [list(item) for item in items],
                },
            }
        )
    return results


def replace_list(
    raw: sqlite3.Connection, unit_id: str, region: str, persons: list[Checked]
) -> dict[str, int]:
    """The unit's complete list of external residents (a repeated person refuses the list)."""
    first_of: dict[tuple[str, str], int] = {}
    for index, (_name, id_type, id_number) in enumerate(persons):
        first = first_of.setdefault(identity(id_type, id_number), index)
        if first != index:
            raise _invalid(
                index, "id_number", f"与第{first + 1}个人员的证件相同，请删除重复的人员。",
                first_index=first,
            )  # fmt: skip
    raw.execute("DELETE FROM unit_external_residents WHERE unit_id = ?", (unit_id,))
    raw.executemany(
        "INSERT INTO unit_external_residents (unit_id, position, name, id_type, id_number)"
        " VALUES (?, ?, ?, ?, ?)",
        [(unit_id, position, name, *identity(id_type, number))
         for position, (name, id_type, number) in enumerate(persons)],
    )  # fmt: skip
    registered = raw.execute(
        "SELECT COUNT(*) FROM unit_external_residents u WHERE u.unit_id = ? AND (EXISTS"
        " (SELECT 1 FROM external_registry g WHERE g.region = ? AND g.id_type = u.id_type"
        " AND g.id_number = u.id_number AND g.name = u.name) OR EXISTS (SELECT 1 FROM residents r"
        " WHERE r.unit_id = u.unit_id AND r.id_number = u.id_number AND r.id_type = u.id_type"
        " AND r.name = u.name AND r.deleted = 0))",
        (unit_id, region),
    ).fetchone()[0]
    return {"count": len(persons), "registered": registered}
