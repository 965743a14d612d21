"""Found by the soak's fault walk: a feed page whose item value came as a number or a
boolean instead of text was written anyway (SQLite turns 12345 into '12345' in a text
column), so the local 参保险种 silently differed from the server's. Such a page is refused
whole, with the usual message, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from client.sync.errors import MalformedResponseError
from tests.sync.test_malformed_pages import GOOD, broken, count, run_with


@pytest.mark.parametrize(
    "page",
    [
        broken(lambda p: p["records"][0][9][0].__setitem__(6, 12345)),  # base as a number
        broken(lambda p: p["records"][1][9][1].__setitem__(0, 4403)),  # unit number
        broken(lambda p: p["records"][1][9][0].__setitem__(8, True)),  # end month a boolean
        broken(lambda p: p["records"][0][9][0].__setitem__(5, 1.5)),  # nullable, a float
    ],
    ids=["base-number", "unit-number-number", "end-month-bool", "nullable-float"],
)
def test_wrong_typed_item_values_refuse_the_page(page: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(MalformedResponseError) as err:
        run_with(page, tmp_path / "a")
    assert "格式不正确" in err.value.message


def test_text_and_null_item_values_still_load(tmp_path: Path) -> None:
    db = run_with(GOOD, tmp_path)
    assert count(db) == (2, 3)
    db.close()
