"""Security suite fixtures: the shared real backend (tests/conftest.py) and logins."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.employer.conftest import employer_env  # noqa: F401  (a logged-in employer)
from tests.shell.conftest import make_shell  # noqa: F401  (the shell on the real backend)
from tests.support.backend import BackendServer


@pytest.fixture
def http(backend: BackendServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{backend.url}/api/v1", timeout=60.0, trust_env=False) as client:
        yield client
