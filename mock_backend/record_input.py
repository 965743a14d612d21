"""Turning admin API record objects (named fields, items as objects) into feed rows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from mock_backend.errors import ApiError
from mock_backend.feed_spec import FeedSpec
from mock_backend.ids import birth_date_of_id_number, gender_of_id_number, is_valid_id_number
from mock_backend.schemas import EmployeeItemIn, RecordIn, ResidentItemIn

_RESIDENT_ONLY = {"phone", "township", "village"}


def _item_model(spec: FeedSpec) -> type[BaseModel]:
    return EmployeeItemIn if spec.name == "employees" else ResidentItemIn


def items_from(spec: FeedSpec, items: list[dict[str, Any]]) -> list[list[Any]]:
    model = _item_model(spec)
    rows = []
    for index, raw in enumerate(items):
        try:
            item = model.model_validate(raw)
        except ValidationError as exc:
            raise ApiError(
                422,
                "VALIDATION_ERROR",
                f"第{index + 1}条参保险种信息不正确，请检查后重试。",
                {"errors": exc.errors(include_url=False, include_context=False)},
            ) from None
        rows.append([getattr(item, c) for c in spec.item_columns])
    return rows


def check_fields(spec: FeedSpec, fields: set[str]) -> None:
    if spec.name == "employees" and fields & _RESIDENT_ONLY:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"职工信息没有这些字段：{'、'.join(sorted(fields & _RESIDENT_ONLY))}，请检查后重试。",
        )


def core_from(spec: FeedSpec, record: RecordIn, updated_at: str) -> list[Any]:
    """The core column values of a new record, deriving gender and birth date from the ID."""
    check_fields(spec, record.model_fields_set)
    values = record.model_dump()
    if record.id_type == "01" and is_valid_id_number(record.id_number):
        values["gender"] = values["gender"] or gender_of_id_number(record.id_number)
        values["birth_date"] = values["birth_date"] or birth_date_of_id_number(record.id_number)
    if not values["gender"] or not values["birth_date"]:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "证件号码不是有效的居民身份证号码时，必须填写性别和出生日期。",
        )
    if spec.name == "residents":
        values["township"] = values["township"] or ""
        values["village"] = values["village"] or ""
    values["updated_at"] = updated_at
    return [values[c] for c in spec.core_columns]
