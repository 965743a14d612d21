"""社保费申报 answers with a wrong-typed value are refused whole (MalformedResponseError), as the
soak's fault walk sends them: before, a number as 申报ID marked items declared under a made-up
id and a list in an optional field crashed the store without a message."""

from __future__ import annotations

from typing import Any

import pytest

from client.fees import wire
from client.sync.errors import MalformedResponseError


def item(**changes: Any) -> list[Any]:
    row = {k: None for k in wire.ITEM_FIELDS}
    row.update(item_id="I1", category="daily", data_source="01", unit_number="1001",
               period_start="2026-11", period_end="2026-11", levy_item="10201",
               levy_category="102010001", state="初始", headcount=3, wage_total="1.00",
               base_total="1.00", unit_amount="1.00", personal_amount="0.00", amount="1.00")  # fmt: skip
    row.update(changes)
    return [row[k] for k in wire.ITEM_FIELDS]


def declaration(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {k: None for k in wire.DECLARATION_KEYS}
    entry.update(declaration_id="SB1", category="daily", status="申报成功", amount="1.00",
                 headcount=3, items=[item()])  # fmt: skip
    entry.update(changes)
    return entry


def test_good_shapes_pass() -> None:
    assert wire.item_row(item(agency="社保局"))["agency"] == "社保局"
    assert wire.declaration(declaration())["declaration_id"] == "SB1"
    assert wire.submitted({"declarations": [{"declaration_id": "SB1", "item_ids": ["I1"]}]})


@pytest.mark.parametrize("field", ["agency", "collection_serial", "reason", "unit_rate"])
def test_an_item_field_of_another_type(field: str) -> None:
    for wrong in (["x"], 12, {"a": 1}):
        with pytest.raises(MalformedResponseError):
            wire.item_row(item(**{field: wrong}))


@pytest.mark.parametrize("field", ["reason", "collection_serial", "voucher_number"])
def test_a_declaration_field_of_another_type(field: str) -> None:
    with pytest.raises(MalformedResponseError):
        wire.declaration(declaration(**{field: ["x"]}))
    with pytest.raises(MalformedResponseError):
        wire.declaration(declaration(headcount="3"))


def test_a_submission_answer_with_a_number_as_id() -> None:
    for entry in ({"declaration_id": 12345, "item_ids": ["I1"]},
                  {"declaration_id": "SB1", "item_ids": [1]}):  # fmt: skip
        with pytest.raises(MalformedResponseError):
            wire.submitted({"declarations": [entry]})
