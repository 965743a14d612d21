"""A small fault-injecting HTTP proxy on 127.0.0.1, between the client and the backend.

The client is pointed at the proxy as if it were the server. Each request is forwarded to
the backend; with probability `ratio` (seeded) one fault is put on it instead of the true
answer:
  5xx        a 502/503/500 before the request reaches the backend, or after it did its work
  drop       the true status line and headers, part of the body, then the connection closed
  truncated  status 200 and the first part of the true JSON body
  wrongtype  status 200 and the true JSON with one value of another type
  stall      the true answer after `stall_seconds` of silence
Runs its own asyncio loop on a daemon thread. Counts what it did in `injected`.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections import Counter
from typing import Any

import httpx
import orjson

FAULTS = ("5xx", "drop", "truncated", "wrongtype", "stall")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
               "content-encoding", "accept-encoding", "proxy-connection"}  # fmt: skip


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        ratio: float = 0.2,
        seed: int = 0,
        stall_seconds: float = 5.0,
        kinds: tuple[str, ...] = FAULTS,
        path_prefix: str = "/api/v1/",
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.ratio = ratio
        self.stall_seconds = stall_seconds
        self.kinds = kinds
        self.path_prefix = path_prefix
        self.requests = 0
        self.injected: Counter[str] = Counter()
        self.enabled = True
        self._rng = random.Random(f"proxy:{seed}")
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self.port = 0
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def faults(self) -> int:
        return sum(self.injected.values())

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._client = httpx.AsyncClient(base_url=self.upstream, timeout=600, trust_env=False)

        async def start() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()

    def close(self) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()
            await self._client.aclose()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _choose(self, path: str) -> str | None:
        with self._lock:
            self.requests += 1
            if not self.enabled or not path.startswith(self.path_prefix):
                return None
            if self._rng.random() >= self.ratio:
                return None
            kind = self._rng.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    def _random(self) -> float:
        with self._lock:
            return self._rng.random()

    # -- one connection: requests one after another (keep-alive) --------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                keep = await self._answer(request, writer)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, httpx.HTTPError):
            return  # the backend dropped the connection (its own fault): drop the client's
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, request: dict[str, Any], writer: asyncio.StreamWriter) -> bool:
        """Send the answer (true or faulty); whether the connection stays open."""
        path = request["target"].split("?", 1)[0]
        fault = self._choose(path)
        if fault == "5xx" and self._random() < 0.5:  # refused before the backend saw it
            await _send(writer, 503, [], _error_body("injected before forwarding"))
            return True
        status, headers, body = await self._forward(request)
        if fault is None:
            await _send(writer, status, headers, body)
            return True
        if fault == "5xx":  # the backend did its work, the answer is lost behind a 5xx
            code = 502 if self._random() < 0.5 else 500
            await _send(writer, code, [], _error_body("injected after forwarding"))
            return True
        if fault == "drop":
            cut = int(len(body) * self._random() * 0.9)
            head = _head(status, headers, len(body))
            writer.write(head + body[:cut])
            await writer.drain()
            return False
        if fault == "truncated":
            await _send(writer, 200, headers, _truncated(body))
            return True
        if fault == "wrongtype":
            await _send(writer, 200, headers, _wrong_type(body, self._random()))
            return True
        await asyncio.sleep(self.stall_seconds)  # stall
        await _send(writer, status, headers, body)
        return True

    async def _forward(self, request: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = [(k, v) for k, v in request["headers"] if k.lower() not in HOP_HEADERS]
        response = await self._client.request(
            request["method"], request["target"], headers=headers, content=request["body"]
        )
        kept = [(k, v) for k, v in response.headers.items() if k.lower() not in HOP_HEADERS]
        return response.status_code, kept, response.content


async def _read_request(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers.append((key.strip(), value.strip()))
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    if target.startswith("http://"):  # absolute form (as a forward proxy would see it)
        target = "/" + target.split("/", 3)[3]
    return {"method": method, "target": target, "headers": headers, "body": body}


def _head(status: int, headers: list[tuple[str, str]], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} X"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines += [f"content-length: {length}", "connection: keep-alive", "", ""]
    return "\r\n".join(lines).encode("latin-1")


async def _send(
    writer: asyncio.StreamWriter, status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers = [*headers, ("content-type", "application/json")]
    writer.write(_head(status, headers, len(body)) + body)
    await writer.drain()


def _error_body(why: str) -> bytes:
    return orjson.dumps({"error": {"code": "BAD_GATEWAY", "message": why, "details": {}}})


def _truncated(body: bytes) -> bytes:
    cut = body[: max(1, len(body) // 2)]
    try:
        orjson.loads(cut)
    except orjson.JSONDecodeError:
        return cut
    return cut + b"{"


def _wrong_type(body: bytes, r: float) -> bytes:
    """The same JSON with one value replaced by a value of another type."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _truncated(body)
    slots: list[tuple[Any, Any]] = []

    def walk(node: Any, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                slots.append((node, key))
                walk(value, depth + 1)
        elif isinstance(node, list):
            for i, value in enumerate(node[:20]):
                slots.append((node, i))
                walk(value, depth + 1)

    walk(data, 0)
    if not slots:
        return orjson.dumps([data]) if not isinstance(data, list) else b'{"unexpected": true}'
    parent, key = slots[int(r * len(slots)) % len(slots)]
    value = parent[key]
    if isinstance(value, str):
        parent[key] = 12345
    elif value is None:
        parent[key] = ["unexpected"]
    elif isinstance(value, bool):
        parent[key] = "是"
    elif isinstance(value, int | float):
        parent[key] = "一百"
    elif isinstance(value, list):
        parent[key] = {"unexpected": value[:1]}
    else:
        parent[key] = ["unexpected"]
    return orjson.dumps(data)
