"""The wage tests run on a registered, logged-in and synced employer unit."""

from __future__ import annotations

from tests.employer.conftest import employer_env  # noqa: F401  (fixture)
