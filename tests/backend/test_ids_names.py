"""GB 11643 identity numbers, GB 32100 credit codes and the name generator (no server)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from mock_backend.ids import (
    gender_of_id_number,
    id_number_check,
    is_valid_id_number,
    is_valid_uscc,
    make_id_number,
    make_uscc,
    org_code_check,
    random_org_body,
    taxpayer_id_problem,
    uscc_check,
)
from mock_backend.names import HETERONYM_SURNAMES, NameGenerator, surnames


def test_known_identity_number() -> None:
    assert id_number_check("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")  # wrong check character
    assert not is_valid_id_number("11010519491331002X")  # month 13
    assert not is_valid_id_number("11010519491231002x")  # lower-case x is not the standard
    assert gender_of_id_number("11010519491231002X") == "女"  # 17th digit 2 is even


def test_known_credit_codes() -> None:
    assert uscc_check("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")
    assert not is_valid_uscc("91350100M000100Y44")
    assert is_valid_uscc("91440300MA5G0R9X3Q")
    assert not is_valid_uscc("91440300MA5G0R9X3W")
    assert not is_valid_uscc("91440300MA5G0R9XIQ")  # I is not in the alphabet


def test_organization_code_check() -> None:
    assert org_code_check("M000100Y") == "4"  # as in 91350100M000100Y43
    assert org_code_check("MA5G0R9X") == "1"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("91350100M000100Y43", True),
        ("91350100M000100Y42", False),
        ("440301123456789", True),  # 15-character legacy 税务登记号
        ("44030119800101123X01", True),  # 20-character legacy number
        ("4403011234567", False),
        ("440301-23456789", False),
        ("", False),
    ],
)
def test_taxpayer_id_rules(value: str, ok: bool) -> None:
    assert (taxpayer_id_problem(value) is None) is ok


def test_generated_numbers_validate() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        born = date.fromordinal(
            rng.randint(date(1940, 1, 1).toordinal(), date(2024, 12, 31).toordinal())
        )
        serial = rng.randrange(1000)
        number = make_id_number(rng.choice(["440305", "510116", "110105"]), born, serial)
        assert is_valid_id_number(number), number
        assert gender_of_id_number(number) == ("男" if serial % 2 else "女")
        code = make_uscc(
            rng.choice("159"),
            rng.choice("1234"),
            "440300",
            random_org_body(rng, rng.random() < 0.5),
        )
        assert is_valid_uscc(code), code
        assert taxpayer_id_problem(code) is None
        # Changing any single character breaks the check.
        position = rng.randrange(17)
        other = "0" if code[position] != "0" else "1"
        assert not is_valid_uscc(code[:position] + other + code[position + 1 :])


def test_names_are_realistic_and_deterministic() -> None:
    first = [NameGenerator(random.Random(5)).full("男") for _ in range(3)]
    again = [NameGenerator(random.Random(5)).full("男") for _ in range(3)]
    assert first == again
    gen = NameGenerator(random.Random(1))
    genders = random.Random(2)  # not the global generator: the same names every run
    names = [gen.full(genders.choice("男女")) for _ in range(20000)]
    known = surnames()
    for name in names:
        assert 2 <= len(name) <= 4
        assert any(name.startswith(s) and 1 <= len(name) - len(s) <= 2 for s in known), name
    initials = {name[0] for name in names}
    assert set(HETERONYM_SURNAMES) <= initials  # rare ones still appear
    assert sum(n.startswith("王") for n in names) > sum(n.startswith("覃") for n in names) * 5
