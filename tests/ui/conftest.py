"""Fixtures for widget tests: offscreen Qt, a real settings store, scripted prompts."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import Engine  # noqa: E402

from client.storage.app_db import AppDatabase  # noqa: E402
from client.storage.paths import resolve_data_dir  # noqa: E402
from client.storage.settings import AppSettings  # noqa: E402
from client.ui.jobs import JobRunner  # noqa: E402
from client.ui.listpage import PageServices  # noqa: E402
from client.ui.prompts import PromptService  # noqa: E402
from tests.storage.test_listing import build_people  # noqa: E402


@pytest.fixture
def app_db(tmp_path: Path) -> Iterator[AppDatabase]:
    db = AppDatabase(resolve_data_dir(tmp_path / "data"))
    yield db
    db.close()


@pytest.fixture
def settings(app_db: AppDatabase) -> AppSettings:
    return AppSettings(app_db)


@pytest.fixture
def prompts() -> PromptService:
    return PromptService.scripted()


@pytest.fixture
def services(qtbot: object, settings: AppSettings, prompts: PromptService) -> PageServices:
    return PageServices(settings, prompts, JobRunner(None, prompts, show_delay_ms=60_000))


@pytest.fixture(scope="session")
def people_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """25,000 generated people (tests.storage.test_listing.person), shared read-only."""
    engine = build_people(tmp_path_factory.mktemp("ui") / "people.sqlite3")
    yield engine
    engine.dispose()
