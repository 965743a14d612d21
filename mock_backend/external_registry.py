"""The region's registry of insured 城乡居民 in no agent's feed, as the admin API extends it
(the seeded part is `seed.registry`): register persons, list them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mock_backend.errors import ApiError
from mock_backend.ids import birth_date_of_id_number, gender_of_id_number, is_valid_id_number
from mock_backend.seed.geography import REGION_BY_CODE
from mock_backend.seed.registry import insert_people, next_id
from mock_backend.seed.rules import ID_TYPES, RESIDENT_PENSION_CATEGORY

ID_TYPE_CODES = frozenset(code for code, _ in ID_TYPES)
# 城乡居民医保 征收品目 → the 征收子目 a registered person gets (成年居民 一般人员, 未成年人, 大学生).
MEDICAL_SUBCATEGORIES = {
    "102110001": "10211000101",
    "102110002": "10211000201",
    "102110003": "10211000301",
}
RESIDENT_CATEGORIES = (RESIDENT_PENSION_CATEGORY, *MEDICAL_SUBCATEGORIES)
DEFAULT_START = "2016-01"


# -- admin ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewPerson:
    name: str
    id_type: str
    id_number: str
    township: str
    village: str
    levy_categories: tuple[str, ...]
    gender: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    grade: str = "01"  # the 养老 档次 of the 征收子目
    start_month: str = DEFAULT_START
    end_month: str | None = None


def _bad(index: int, message: str, field: str) -> ApiError:
    return ApiError(
        422, "VALIDATION_ERROR", f"第{index + 1}个人员：{message}", {"index": index, "field": field}
    )


def add_persons(raw: sqlite3.Connection, region: str, persons: Sequence[NewPerson]) -> list[int]:
    """Register persons with the region's 管理子系统 (checked as a whole); their ids."""
    if region not in REGION_BY_CODE:
        raise ApiError(
            422, "UNKNOWN_REGION", f"没有地区{region}，请使用/api/v1/regions中的地区代码。"
        )
    seen: set[tuple[str, str]] = set()
    people = []
    for index, person in enumerate(persons):
        number = person.id_number.strip().upper()
        if not person.name.strip():
            raise _bad(index, "姓名不能为空。", "name")
        if person.id_type not in ID_TYPE_CODES:
            raise _bad(index, f"证件类型“{person.id_type}”不存在。", "id_type")
        if not number or (person.id_type == "01" and not is_valid_id_number(number)):
            raise _bad(index, f"证件号码“{person.id_number}”不正确。", "id_number")
        unknown = [c for c in person.levy_categories if c not in RESIDENT_CATEGORIES]
        if unknown or not person.levy_categories:
            raise _bad(index, "征收品目应为城乡居民的征收品目。", "levy_categories")
        key = (person.id_type, number)
        taken = raw.execute(
            "SELECT 1 FROM external_registry WHERE region = ? AND id_type = ? AND id_number = ?",
            (region, *key),
        ).fetchone()
        if taken is not None or key in seen:
            raise ApiError(
                409,
                "PERSON_EXISTS",
                f"第{index + 1}个人员（证件号码{number}）已在本地区登记。",
                {"index": index},
            )
        seen.add(key)
        identity_card = person.id_type == "01"
        core = (
            person.name.strip(),
            person.gender or (gender_of_id_number(number) if identity_card else "男"),
            person.id_type,
            number,
            person.birth_date
            or (birth_date_of_id_number(number) if identity_card else "1980-01-01"),
            person.phone,
            person.township,
            person.village,
            "1" if person.end_month is None else "3",
        )
        people.append((core, person))
    first = next_id(raw)
    made = []
    for offset, (core, person) in enumerate(people):
        person_number = f"{region[:2]}9{(first + offset) % 10**7:07d}"
        items = [
            (person_number, category[:5], category,
             MEDICAL_SUBCATEGORIES.get(category, f"{RESIDENT_PENSION_CATEGORY}{person.grade}"),
             person.start_month, person.end_month)
            for category in dict.fromkeys(person.levy_categories)
        ]  # fmt: skip
        made.append((core, items))
    return insert_people(raw, region, made)


def list_registry(
    raw: sqlite3.Connection, region: str, after_id: int, limit: int
) -> list[dict[str, Any]]:
    """Registered persons of a region (for tests and the demo): identity, place and items."""
    persons = raw.execute(
        "SELECT id, name, gender, id_type, id_number, birth_date, phone, township, village,"
        " status FROM external_registry WHERE region = ? AND id > ? ORDER BY id LIMIT ?",
        (region, after_id, limit),
    ).fetchall()
    keys = ("id", "name", "gender", "id_type", "id_number", "birth_date", "phone", "township",
            "village", "status")  # fmt: skip
    answer = []
    for row in persons:
        items = raw.execute(
            "SELECT person_number, levy_item, levy_category, levy_subcategory, start_month,"
            " end_month FROM external_registry_items WHERE person_id = ? ORDER BY position",
            (row[0],),
        ).fetchall()
        answer.append({**dict(zip(keys, row, strict=True)), "items": [list(i) for i in items]})
    return answer
