"""Helpers for backend tests: an httpx client on the shared server and a logged-in unit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.backend import BackendServer


@pytest.fixture
def http(backend: BackendServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{backend.url}/api/v1", timeout=30.0, trust_env=False) as client:
        yield client


def login(http: httpx.Client, unit_id: str, password: str) -> dict[str, str]:
    """Log in and return the Authorization header for the unit."""
    response = http.post("/mgmt/auth/login", json={"unit_id": unit_id, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The error envelope's inner object, after checking its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"] and not error["message"].isascii()  # a Chinese sentence
    return error
