"""Issue 15, hostile files: every case of the corpus (`corpus.py`) thrown at every import
it applies to (`world.py`), on real databases. Each ends with one clear Chinese message —
the file refused whole, or the named cells' reasons — and leaves both databases as they
were. No wall-clock assertions: `python -m tests.hostile` prints time and memory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.documents.imports import ImportRefused
from tests.hostile.corpus import CASES, Case, Cells, Refused, cases_for
from tests.hostile.world import World

TARGET_NAMES = ["工资导入", "外部参保城乡居民导入", "分组导入", "批量编辑分组", "城乡居民信息维护",
                "社保费代收代报（自主）"]  # fmt: skip
# Slow to build: each is thrown at one import, in turn.
HEAVY_AT = {c.name: TARGET_NAMES[i % len(TARGET_NAMES)] for i, c in enumerate(CASES) if c.heavy}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world for the module: every test checks it is left exactly as it was."""
    made = World(tmp_path_factory.mktemp("hostile") / "world")
    yield made
    made.close()


def pairs() -> list[tuple[str, str]]:
    found = []
    for case in CASES:
        for target in TARGET_NAMES:
            if not case.heavy or HEAVY_AT[case.name] == target:
                found.append((case.name, target))
    return found


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("case_name", "target_name"), pairs())
def test_a_hostile_file_gets_one_clear_message(
    case_name: str, target_name: str, world: World, tmp_path: Path
) -> None:
    target = world.targets()[target_name]
    case: Case = next(c for c in CASES if c.name == case_name)
    if case not in cases_for(target):
        pytest.skip(f"{target_name} has no {case.needs} column")
    if case.posix_only and not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX only")
    folder = tmp_path / "files"
    folder.mkdir()
    path = case.build(target, folder)
    before = world.fingerprint()
    expected = case.expect(target)
    if isinstance(expected, Refused):
        with pytest.raises(ImportRefused) as caught:
            target.read(path)
        assert expected.matches(caught.value.message), caught.value.message
    else:
        assert isinstance(expected, Cells)
        result = target.read(path)
        found = {(e.row, e.column): e.reason for e in result.errors}
        for key, reason in expected.errors.items():
            assert found.get(key) == reason, (key, found)
        assert result.valid_count == expected.valid, result.errors
        if expected.check is not None:
            assert expected.check(result)
    assert world.fingerprint() == before  # nothing applied, nothing half-kept
