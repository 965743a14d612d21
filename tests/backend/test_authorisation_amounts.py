"""缴费授权 on the mock backend: the three-facts lookup (§3.17–§3.19), 社保费批扣费额设置
(§3.17) and 社保费批扣清册 (§3.20) as the client calls them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.resident_unit import ResidentUnit, make_resident_unit, new_id_number, person
from tests.support.backend import BackendServer

NOT_FOUND = "未在本代收单位管辖范围内找到该居民，请核对姓名、证件类型和证件号码。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def post(unit: ResidentUnit, path: str, body: Any) -> httpx.Response:
    return unit.http.post(
        f"{unit.path}/authorisation/{path}", json=body, headers=unit.key_headers()
    )


def test_find_resident_of_the_area(unit: ResidentUnit) -> None:
    someone = unit.resident("王小明")
    response = post(unit, "residents/find", person(someone))
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["resident_id"] == someone["id"]
    assert (found["name"], found["id_type"], found["id_number"]) == (
        "王小明", "01", someone["id_number"],
    )  # fmt: skip
    assert found["township"] == "福永街道"
    assert set(found) == {"resident_id", "name", "id_type", "id_number", "township", "village",
                          "phone"}  # fmt: skip


def test_find_refuses_facts_that_do_not_match(unit: ResidentUnit) -> None:
    someone = unit.resident("王小明")
    for facts in (
        {**person(someone), "name": "王小红"},
        {**person(someone), "id_number": new_id_number()},
    ):
        response = post(unit, "residents/find", facts)
        assert response.status_code == 404
        error = error_of(response)
        assert (error["code"], error["message"]) == ("RESIDENT_NOT_FOUND", NOT_FOUND)


def test_find_refuses_an_invalid_check_digit(unit: ResidentUnit) -> None:
    number = new_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = post(unit, "residents/find", {"name": "张三", "id_type": "01", "id_number": wrong})
    assert response.status_code == 422
    assert "不是有效的居民身份证号码" in error_of(response)["message"]


def test_a_registered_person_not_on_the_list_is_not_in_the_area(unit: ResidentUnit) -> None:
    outsider = unit.registered("李四")
    response = post(unit, "residents/find", person(outsider))
    assert response.status_code == 404
    assert error_of(response)["code"] == "RESIDENT_NOT_FOUND"
