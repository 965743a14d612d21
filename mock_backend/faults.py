"""Fault injection (admin API): latency, error responses, dropped connections, malformed bodies.

A pure ASGI middleware, so `drop` can send the real response head and part of the body and
then stop: uvicorn closes the connection and the client sees an incomplete read. Admin and
documentation paths are never affected.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_backend.errors import default_error, error_body

FAULT_KINDS = ("latency", "error", "drop", "malformed")
EXEMPT_PREFIXES = ("/api/v1/admin", "/docs", "/redoc", "/openapi.json")


@dataclass
class Fault:
    id: int
    kind: str
    ratio: float = 1.0
    count: int | None = None  # remaining applications; None = unlimited
    path_prefix: str = "/api/v1"
    method: str | None = None
    status: int = 503
    latency_ms: int = 0
    after_bytes: int = 0
    seed: int = 0
    code: str | None = None
    message: str | None = None
    hits: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "ratio": self.ratio,
            "count": self.count,
            "path_prefix": self.path_prefix,
            "method": self.method,
            "status": self.status,
            "latency_ms": self.latency_ms,
            "after_bytes": self.after_bytes,
            "seed": self.seed,
            "hits": self.hits,
            "active": self.count is None or self.count > 0,
        }

    def matches(self, method: str, path: str) -> bool:
        if self.count is not None and self.count <= 0:
            return False
        if not path.startswith(self.path_prefix):
            return False
        if self.method and self.method.upper() != method:
            return False
        return self.ratio >= 1.0 or self.rng.random() < self.ratio


class FaultRegistry:
    """The active faults, in the order they were added; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1
        self._lock = threading.Lock()

    def add(self, kind: str, **options: Any) -> Fault:
        with self._lock:
            fault = Fault(id=self._next_id, kind=kind, **options)
            fault.rng = random.Random(f"fault:{fault.seed}")
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def clear(self) -> int:
        with self._lock:
            count = len(self._faults)
            self._faults.clear()
            return count

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def take(self, method: str, path: str) -> tuple[list[Fault], Fault | None]:
        """Faults applying to this request: latencies (in order) and at most one other fault."""
        latencies: list[Fault] = []
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                if fault.kind == "latency":
                    latencies.append(fault)
                    continue
                return latencies, fault
        return latencies, None


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
    """Run the app and keep its whole response (start message, body)."""
    start: Message = {"type": "http.response.start", "status": 500, "headers": []}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(chunks)


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


def _broken(body: bytes) -> bytes:
    """A body that is not valid JSON: the real one cut in half (or a stray brace)."""
    broken = body[: len(body) // 2] if len(body) > 1 else b'{"'
    try:
        orjson.loads(broken)
    except orjson.JSONDecodeError:
        return broken
    return broken + b"{"


class FaultMiddleware:
    def __init__(self, app: ASGIApp, registry: FaultRegistry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        latencies, fault = self.registry.take(scope["method"], path)
        for latency in latencies:
            await asyncio.sleep(latency.latency_ms / 1000)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "error":
            await self._error(fault, send)
        elif fault.kind == "drop":
            await self._drop(fault, scope, receive, send)
        else:
            await self._malformed(scope, receive, send)

    async def _error(self, fault: Fault, send: Send) -> None:
        code, message = default_error(fault.status)
        body = error_body(fault.code or code, fault.message or message, {"injected": True})
        headers = [(b"content-type", b"application/json")]
        await send(
            {
                "type": "http.response.start",
                "status": fault.status,
                "headers": _with_length(headers, len(body)),
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _drop(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        start, body = await _capture(self.app, scope, receive)
        await send({**start, "headers": _with_length(list(start.get("headers", [])), len(body))})
        # Never the whole body: the client must see the connection end too early.
        cut = body[: max(0, min(fault.after_bytes, len(body) - 1))]
        if cut:
            await send({"type": "http.response.body", "body": cut, "more_body": True})
        # Returning without the final body message makes uvicorn close the connection.

    async def _malformed(self, scope: Scope, receive: Receive, send: Send) -> None:
        start, body = await _capture(self.app, scope, receive)
        broken = _broken(body)
        headers = [(b"content-type", b"application/json")]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": _with_length(headers, len(broken)),
            }
        )
        await send({"type": "http.response.body", "body": broken})
        del start
