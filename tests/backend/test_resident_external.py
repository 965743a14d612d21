"""外部参保城乡居民: the lookup of registered, unregistered and misnamed persons, the unit's list
(PUT) making a registered person a resident that can be queried and declared, and the admin
registry."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.resident_unit import (
    ADULT,
    PENSION,
    ResidentUnit,
    make_resident_unit,
    new_id_number,
    person,
    row,
)
from tests.support.backend import BackendError, BackendServer


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def test_lookup_registered_unregistered_and_misnamed(
    backend: BackendServer, unit: ResidentUnit
) -> None:
    seeded = next(p for p in backend.external_registry("440300", limit=50) if p["id_type"] == "01")
    ours = unit.resident("王芳")
    nobody = {"name": "钱多", "id_type": "01", "id_number": new_id_number()}
    misnamed = {**person(seeded), "name": seeded["name"] + "某"}
    sent = [person(seeded), nobody, misnamed, person(ours),
            {**person(seeded), "id_number": seeded["id_number"].lower()}]  # fmt: skip
    response = unit.lookup(sent)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["name"], r["id_type"], r["id_number"]) for r in results] == [
        (p["name"], p["id_type"], p["id_number"]) for p in sent
    ]
    assert [r["status"] for r in results] == [
        "正常参保",
        "未参保",
        "未参保",
        "正常参保",
        "正常参保",
    ]
    assert results[1]["person"] is None and results[2]["person"] is None
    assert results[0]["person"] == {
        "person_number": seeded["items"][0][0], "gender": seeded["gender"],
        "birth_date": seeded["birth_date"], "township": seeded["township"],
        "village": seeded["village"], "phone": seeded["phone"], "items": seeded["items"],
    }  # fmt: skip
    feed = results[3]["person"]
    assert (feed["township"], feed["village"]) == ("福永街道", "凤凰社区第1组")
    assert [i[2] for i in feed["items"]] == [PENSION, ADULT]
    # the lookup changes nothing: the seeded person is still no resident of the unit
    assert unit.grades(**person(seeded), year=2026).status_code == 404


def test_lookup_refusals(unit: ResidentUnit) -> None:
    good = {"name": "钱多", "id_type": "01", "id_number": new_id_number()}
    bad_digit = good["id_number"][:17] + ("0" if good["id_number"][17] != "0" else "1")
    for change, field in (({"name": ""}, "name"), ({"id_type": "5"}, "id_type"),
                          ({"id_number": bad_digit}, "id_number")):  # fmt: skip
        response = unit.lookup([good, {**good, **change}])
        assert response.status_code == 422, change
        error = error_of(response)
        assert error["code"] == "VALIDATION_ERROR" and error["message"].startswith("第2个人员：")
        assert (error["details"]["index"], error["details"]["field"]) == (1, field)
    assert error_of(unit.lookup([]))["code"] == "VALIDATION_ERROR"
    assert unit.lookup([good] * 1001).status_code == 422
    assert unit.lookup([good] * 1000).status_code == 200
    # a non-identity-card number is only checked for being there
    other = unit.lookup([{"name": "陈港", "id_type": "04", "id_number": "H12345678"}])
    assert other.json()["results"][0]["status"] == "未参保"


def test_put_makes_an_external_resident_declarable(unit: ResidentUnit) -> None:
    outsider = unit.registered("钱多", (PENSION,))
    stranger = {"name": "孙无", "id_type": "01", "id_number": new_id_number()}
    (before,) = unit.declare_rows([row(outsider, PENSION, "03")])
    assert unit.declaration(before["declaration_id"])["failed_rows"] == [
        {"index": 0, "id_number": outsider["id_number"], "reason": "不在本代收单位管辖范围内"}
    ]
    assert unit.grades(**person(outsider), year=2026).status_code == 404

    misnamed = {**person(outsider), "name": "钱少"}
    kept = unit.put_external([misnamed, stranger])
    assert kept.status_code == 200 and kept.json() == {"count": 2, "registered": 0}
    assert unit.grades(**person(outsider), year=2026).status_code == 404

    listed = unit.put_external([person(outsider), stranger])
    assert listed.json() == {"count": 2, "registered": 1}
    grades = unit.grade_rows(outsider)
    assert {r["levy_category"] for r in grades} == {PENSION} and len(grades) == 11
    (after,) = unit.declare_rows([row(outsider, PENSION, "03"), row(stranger, PENSION, "03")])
    done = unit.declaration(after["declaration_id"])
    assert (done["status"], done["headcount"]) == ("申报成功", 1)
    assert done["failed_rows"] == [
        {"index": 1, "id_number": stranger["id_number"], "reason": "不在本代收单位管辖范围内"}
    ]
    (line,) = unit.lines(done["items"][0][0])
    assert (line["person_id"], line["name"]) == (outsider["id"], "钱多")
    assert line["person_number"].startswith("44")

    # the list is replaced as a whole: once dropped, the person is no resident any more
    assert unit.put_external([stranger]).json() == {"count": 1, "registered": 0}
    assert unit.grades(**person(outsider), year=2026).status_code == 404
    assert unit.put_external([person(outsider)]).json() == {"count": 1, "registered": 1}
    assert unit.put_external([]).json() == {"count": 0, "registered": 0}
    assert unit.grades(**person(outsider), year=2026).status_code == 404


def test_put_refusals(unit: ResidentUnit) -> None:
    someone = {"name": "钱多", "id_type": "01", "id_number": new_id_number()}
    no_key = unit.http.put(f"{unit.path}/external-residents", json={"persons": [someone]},
                           headers=unit.headers)  # fmt: skip
    assert no_key.status_code == 400 and error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    twice = unit.put_external([someone, {**someone, "name": "钱多多"}])
    assert twice.status_code == 422
    assert error_of(twice)["details"] == {"index": 1, "field": "id_number", "first_index": 0}
    key = str(uuid.uuid4())
    assert unit.put_external([someone], key).json() == unit.put_external([someone], key).json()


def test_admin_registry(backend: BackendServer, unit: ResidentUnit) -> None:
    number = new_id_number()
    (person_id,) = backend.add_external_registry(
        "440300",
        [
            {
                "name": "钱多",
                "id_number": number,
                "id_type": "01",
                "levy_categories": [ADULT],
                "village": "新桥社区第2组",
            }
        ],  # fmt: skip
    )
    assert person_id > 900_000_000
    with pytest.raises(BackendError, match="PERSON_EXISTS"):
        backend.add_external_registry(
            "440300", [{"name": "钱多", "id_number": number, "levy_categories": [ADULT]}]
        )
    with pytest.raises(BackendError, match="VALIDATION_ERROR"):
        backend.add_external_registry(
            "440300", [{"name": "钱多", "id_number": new_id_number(), "levy_categories": ["1"]}]
        )
    result = unit.lookup([{"name": "钱多", "id_type": "01", "id_number": number}]).json()
    assert result["results"][0]["status"] == "正常参保"
    assert result["results"][0]["person"]["items"][0][1:5] == ["10211", ADULT, "10211000101",
                                                              "2016-01"]  # fmt: skip
    # registered in 深圳, not in 成都
    elsewhere = make_resident_unit(backend, unit.http, region="510100", now=None)
    other = elsewhere.lookup([{"name": "钱多", "id_type": "01", "id_number": number}]).json()
    assert other["results"][0]["status"] == "未参保"
