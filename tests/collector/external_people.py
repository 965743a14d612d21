"""People for the 外部参保城乡居民 tests: fresh 居民身份证 numbers (the backend's registry is shared
by the whole session, so each test draws its own) and registry entries."""

from __future__ import annotations

import random
import uuid
from typing import Any

from client.domain.ids import identity_check_digit

PENSION = "102100001"
MEDICAL = "102110001"
_rng = random.Random(uuid.uuid4().int)


_issued: set[str] = set()


def new_id_number(region: str = "510104") -> str:
    """A valid number never issued before in this test session (1,500 random draws would
    repeat one about one run in sixteen)."""
    while True:
        born = f"{_rng.randint(1950, 2005)}{_rng.randint(1, 12):02d}{_rng.randint(1, 28):02d}"
        first17 = f"{region}{born}{_rng.randint(0, 999):03d}"
        if first17 not in _issued:
            _issued.add(first17)
            return first17 + identity_check_digit(first17)


def registered(
    backend: Any,
    name: str,
    categories: tuple[str, ...] = (PENSION, MEDICAL),
    region: str = "510100",
    **kw: Any,
) -> dict[str, Any]:
    """Register a person with the region's 管理子系统 (outside every feed); the person."""
    person = {"name": name, "id_type": "01", "id_number": new_id_number(), **kw}
    backend.add_external_registry(region, [{**person, "levy_categories": list(categories),
                                            "township": "金牛街道", "village": "金泉社区第2组"}])  # fmt: skip
    return person


def unregistered(name: str) -> dict[str, Any]:
    return {"name": name, "id_type": "01", "id_number": new_id_number()}
