"""A logged-in 代收单位 on the real backend (the collector tests' fixtures), with the payment
dialog asking for the order's state every 200 ms."""

from __future__ import annotations

import os

os.environ["SHEBAOFEI_PAY_POLL_MS"] = "200"

from tests.collector.conftest import (  # noqa: E402,F401  (fixtures and the marker)
    collector_unit,
    make_collector,
    pytest_configure,
)
