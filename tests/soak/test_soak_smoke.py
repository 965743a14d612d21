"""The soak's machinery, scaled down for `python dev.py test` (the long part runs in
`python dev.py soak`): SIGKILLs of a small sync and of a declaration, each followed by the
integrity check, the resume, the comparison with the server and the duplicate search; the
fault proxy's faults as the client sees them; and a short walk through the proxy."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from client.sync.api import ApiClient
from client.sync.errors import (
    ApiTimeoutError,
    ConnectionDroppedError,
    MalformedResponseError,
    ServerError,
)
from soak import env
from soak.faults import walk_many
from soak.kills import KillStats, Worker, calibrate, kill_round
from soak.proxy import FaultProxy


def test_kills_of_a_sync_and_a_declaration_leave_clean_resumable_folders(
    backend: Any, tmp_path: Path
) -> None:
    unit = env.open_unit(backend, tmp_path / "client", 1500)
    env.insured_normally(backend, unit)
    worker = Worker(backend, unit)
    rng = random.Random(15)
    assert calibrate(worker, ("full", "declare"), rng) == []
    stats = KillStats()
    for n, task in enumerate(["full", "incremental", "full", "declare"], 1):
        kill_round(task, worker, rng, n, stats)
    assert stats.problems == []
    assert stats.tried == stats.clean == 4
    assert env.integrity_problems(unit.folder) == []
    assert env.feed_differences(backend, unit) is None
    assert env.duplicates(backend, unit.unit_id) == {"declared_twice": 0, "paid_twice": 0}


def test_the_checks_notice_a_local_difference(backend: Any, tmp_path: Path) -> None:
    """The comparison is not vacuous: a changed local value is reported."""
    import sqlite3

    unit = env.open_unit(backend, tmp_path / "client", 30)
    assert env.feed_differences(backend, unit) is None
    conn = sqlite3.connect(env.unit_db_path(unit))
    with conn:
        conn.execute(
            "UPDATE employees SET name = '改过' WHERE id = (SELECT MIN(id) FROM employees)"
        )
    conn.close()
    assert "differs" in (env.feed_differences(backend, unit) or "")


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("5xx", ServerError),
        ("drop", ConnectionDroppedError),
        ("truncated", MalformedResponseError),
        ("stall", ApiTimeoutError),
    ],
)
def test_each_proxy_fault_reaches_the_client_as_its_error(
    backend: Any, kind: str, error: type[Exception]
) -> None:
    proxy = FaultProxy(backend.url, ratio=1.0, seed=1, stall_seconds=3.0, kinds=(kind,))
    try:
        with ApiClient(proxy.url, timeout=0.5, retries=0) as api, pytest.raises(error) as caught:
            api.regions()
        assert caught.value.message  # type: ignore[attr-defined]
        assert proxy.injected[kind] == 1
    finally:
        proxy.close()


def test_wrong_typed_json_is_valid_json_of_another_shape(backend: Any) -> None:
    proxy = FaultProxy(backend.url, ratio=1.0, seed=3, kinds=("wrongtype",))
    try:
        with ApiClient(backend.url) as direct, ApiClient(proxy.url, retries=0) as faulty:
            true = direct.get_json("/regions")
            changed = faulty.get_json("/regions")  # still JSON
        assert changed != true
    finally:
        proxy.close()


def test_a_short_walk_through_the_proxy_completes_or_says_what_to_do(
    backend: Any, tmp_path: Path
) -> None:
    unit = env.open_unit(backend, tmp_path / "client", 40)
    env.insured_normally(backend, unit)
    env.verified_agreement(backend, unit, "6222020200007777")
    # wrong-typed answers are left to the long run (see docs/reliability.md)
    stats = walk_many(backend, unit, 1, 0.2, 0.2, random.Random(5),
                      kinds=("5xx", "drop", "truncated", "stall"))  # fmt: skip
    assert stats.requests >= 20
    assert stats.faults > 0
    assert stats.failures == []
    assert stats.completed + stats.told == stats.operations == 5
    assert stats.duplicates == 0
