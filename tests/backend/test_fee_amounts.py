"""Fee amounts: integer 分 arithmetic equals Decimal half-up, lines equal a Decimal recomputation
from the unit's records and rule files, items are the sums of their lines, details page."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest

from mock_backend.fee_money import cents_of, rate_of, text_of, times
from mock_backend.seed.geography import REGIONS
from mock_backend.seed.insurance import default_rates
from mock_backend.seed.rules import fee_rates
from tests.backend.conftest import error_of
from tests.backend.fee_unit import Expected, FeeUnit, half_up, make_fee_unit
from tests.support.backend import BackendServer

CENT = Decimal("0.01")


def test_integer_amounts_equal_decimal_half_up() -> None:
    rng = random.Random(20261204)
    ties = 0
    for case in range(200_000):
        base = f"{rng.randint(0, 99_999_999)}.{rng.randint(0, 99):02d}"
        if case % 3 == 0:
            rate = f"0.{rng.randint(0, 9999):04d}"
        elif case % 3 == 1:
            rate = f"{rng.randint(0, 2)}.{rng.randint(0, 999_999):06d}"
        else:
            rate = f"0.{rng.choice(['0050', '0025', '1250', '0005'])}"  # many exact half cents
        expected = (Decimal(base) * Decimal(rate)).quantize(CENT, ROUND_HALF_UP)
        got = times(cents_of(base), rate_of(rate))
        assert text_of(got) == f"{expected:.2f}", (base, rate)
        ties += (Decimal(base) * Decimal(rate) * 100) % 1 == Decimal("0.5")
    assert ties > 1000  # the half-cent case was really exercised
    assert cents_of("6000") == 600000 and cents_of("6000.5") == 600050
    assert text_of(-5) == "-0.05" and times(-101, rate_of("0.5")) == -51


def test_fee_rates_file_is_the_one_table_of_rates() -> None:
    """单位参保信息 rates (seed and admin defaults) come from the fee_rates rule file."""
    for region in REGIONS:
        entries = fee_rates(region)["entries"]
        assert fee_rates(region)["project_rate"] == "0.0015"
        for entry in entries:
            unit_rate, personal_rate = default_rates(
                region.code, entry["levy_category"], entry["levy_subcategory"]
            )
            assert unit_rate == entry["unit_rate"]
            assert personal_rate == (None if Decimal(entry["personal_rate"]) == 0
                                     else entry["personal_rate"])  # fmt: skip
    medical = {r.code: default_rates(r.code, "102030001", "10203000101")[0] for r in REGIONS}
    assert medical == {"440300": "0.0500", "330100": "0.0950", "510100": "0.0650",
                       "440100": "0.0550"}  # fmt: skip


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> FeeUnit:
    return make_fee_unit(backend, http, employees=60)


def test_lines_equal_decimal_and_items_sum_their_lines(unit: FeeUnit) -> None:
    items = unit.items()
    expected = Expected(unit)
    records = unit.records()
    wanted = {
        ("01", "2026-12"): expected.employee_lines(records, "2026-12", "税务自主"),
        ("03", "2026-12"): expected.employee_lines(records, "2026-12", "税务代征"),
    }
    assert all(len(groups) >= 2 for groups in wanted.values())
    got = {(i["data_source"], i["period_start"]): {} for i in items}
    assert set(got) == set(wanted)
    names = {r["id"]: (r["name"], r["id_type"], r["id_number"]) for r in records}
    for item in items:
        key = (item["unit_number"], item["levy_item"], item["levy_category"])
        lines = unit.lines(item["item_id"], limit=17)
        got[(item["data_source"], item["period_start"])][key] = [
            (line["person_id"], Decimal(line["base"]), Decimal(line["unit_amount"]),
             Decimal(line["personal_amount"]))
            for line in lines
        ]  # fmt: skip
        for line in lines:
            assert (line["name"], line["id_type"], line["id_number"]) == names[line["person_id"]]
            assert line["period"] == "2026-12"  # no wage declared: the wage is the item's base
            assert Decimal(line["base"]) == expected.base(line["wage"], "2026-12")
            assert Decimal(line["amount"]) == Decimal(line["unit_amount"]) + Decimal(
                line["personal_amount"]
            )
            base = Decimal(line["base"])
            assert Decimal(line["unit_amount"]) == half_up(base * Decimal(line["unit_rate"]))
            assert Decimal(line["personal_amount"]) == half_up(
                base * Decimal(line["personal_rate"])
            )
        # the item's totals are exact sums of its lines
        assert item["headcount"] == len({line["person_id"] for line in lines})
        for total, field in (("wage_total", "wage"), ("base_total", "base"),
                             ("unit_amount", "unit_amount"),
                             ("personal_amount", "personal_amount"), ("amount", "amount")):  # fmt: skip
            assert Decimal(item[total]) == sum(Decimal(line[field]) for line in lines), total
            assert item[total] == f"{Decimal(item[total]):.2f}"
        rates = {(line["unit_rate"], line["personal_rate"]) for line in lines}
        assert (item["unit_rate"], item["personal_rate"]) == next(iter(rates))
    assert got == wanted


def test_details_paging(backend: BackendServer, http: httpx.Client, unit: FeeUnit) -> None:
    item = max(unit.items(), key=lambda i: i["headcount"])
    assert item["headcount"] > 20
    everything = unit.details(item["item_id"], 0, 20_000).json()
    assert everything["next_after"] is None and everything["total"] == item["headcount"]
    assert [r[0] for r in everything["records"]] == list(range(1, item["headcount"] + 1))
    assert everything["fields"] == [
        "position", "person_id", "person_number", "name", "id_type", "id_number", "period",
        "wage", "base", "unit_rate", "personal_rate", "unit_amount", "personal_amount", "amount",
    ]  # fmt: skip
    first = unit.details(item["item_id"], 0, 7).json()
    assert first["next_after"] == 7 and first["records"] == everything["records"][:7]
    middle = unit.details(item["item_id"], 7, 7).json()
    assert middle["records"] == everything["records"][7:14] and middle["total"] == first["total"]
    last = unit.details(item["item_id"], item["headcount"] - 3, 7).json()
    assert last["next_after"] is None and len(last["records"]) == 3
    beyond = unit.details(item["item_id"], item["headcount"], 7).json()
    assert beyond["records"] == [] and beyond["next_after"] is None
    assert unit.details(item["item_id"], 0, 20_001).status_code == 422
    assert unit.details(item["item_id"], -1, 7).status_code == 422
    unknown = unit.details("FI9999999999")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "ITEM_NOT_FOUND"
    other = make_fee_unit(backend, http, now=None)
    response = other.details(item["item_id"])
    assert response.status_code == 404 and error_of(response)["code"] == "ITEM_NOT_FOUND"
