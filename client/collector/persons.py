"""A resident named by the three facts (姓名, 证件类型, 证件号码), checked before the 管理子系统
is asked: what is missing is named, a 居民身份证 number must pass GB 11643. Shared by
外部参保城乡居民 添加 and 导入 and 缴费档次查询."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from client.domain.ids import DEFAULT_ID_TYPES, ID_CARD, identity_number_error

MAX_NAME = 100
MAX_NUMBER = 40


class PersonError(Exception):
    """A refusal before anything is sent; `field` names the input to correct."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Person:
    name: str
    id_type: str
    id_number: str

    def wire(self) -> dict[str, str]:
        return {"name": self.name, "id_type": self.id_type, "id_number": self.id_number}


def number_error(id_type: str, id_number: str) -> str | None:
    """Why a 证件号码 cannot be right for its 证件类型 (None when it can)."""
    if id_type == ID_CARD:
        return identity_number_error(id_number)
    if len(id_number) > MAX_NUMBER:
        return f"证件号码不能超过{MAX_NUMBER}位。"
    if any(c.isspace() for c in id_number):
        return "证件号码中不能有空格。"
    return None


def check_person(
    name: str | None,
    id_type: str | None,
    id_number: str | None,
    id_types: Mapping[str, str] | None = None,
) -> Person:
    """The three facts trimmed (the number upper case), or `PersonError` for the first
    one to correct."""
    name = (name or "").strip()
    id_type = (id_type or "").strip()
    id_number = (id_number or "").strip().upper()
    if not name:
        raise PersonError("请填写姓名。", "name")
    if len(name) > MAX_NAME:
        raise PersonError(f"姓名不能超过{MAX_NAME}个字。", "name")
    if not id_type:
        raise PersonError("请选择证件类型。", "id_type")
    if id_type not in (id_types or DEFAULT_ID_TYPES):
        raise PersonError(f"证件类型“{id_type}”不正确，请从列表中选择。", "id_type")
    if not id_number:
        raise PersonError("请填写证件号码。", "id_number")
    problem = number_error(id_type, id_number)
    if problem:
        raise PersonError(problem, "id_number")
    return Person(name, id_type, id_number)
