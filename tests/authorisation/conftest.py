"""缴费授权 tests run on a logged-in, synced 代收单位 (the collector tests' fixtures)."""

from __future__ import annotations

from tests.collector.conftest import (  # noqa: F401  (fixtures and the `collector` marker)
    collector_unit,
    make_collector,
    pytest_configure,
)
