"""Idempotency-Key handling (pure ASGI): a POST or PUT is executed once per (key, method, path).

Keys are scoped to who asks: the unit of the bearer token (nobody without a valid one), so a
stored answer is never replayed to another unit or to an anonymous caller — they reach the
route and its 401/403 — while the unit itself, even after logging in again, gets it back.

A repeat gets the stored status and body back without the work being done again; the same
key with a different body is refused with 422 IDEMPOTENCY_MISMATCH. Concurrent repeats wait
on a per-key lock, so they too see one execution. Records expire after 24 hours.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import anyio.to_thread
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_backend.clock import ServerClock
from mock_backend.db import Database, driver
from mock_backend.errors import error_body

LIFETIME_SECONDS = 24 * 3600
# Requests whose bodies hold a password (and whose answers may hold a bearer token): the
# body is remembered only as a salted scrypt digest and the stored answer is encrypted with
# a key derived from the body the same way, so the idempotency table holds no fast hash of
# a password and no live token — only someone repeating the very request can read it back.
SECRET_BODY_PATHS = frozenset({"/api/v1/mgmt/auth/login", "/api/v1/mgmt/auth/password"})
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**13, 8, 1

Ident = tuple[str, str, str]


@dataclass
class StoredResponse:
    body_hash: str
    status: int
    content_type: str
    body: bytes


class IdempotencyStore:
    def __init__(self, db: Database, clock: ServerClock) -> None:
        self.db = db
        self.clock = clock

    def get(self, ident: Ident) -> StoredResponse | None:
        oldest = self.clock.now().timestamp() - LIFETIME_SECONDS
        with self.db.read() as conn:
            row = (
                driver(conn)
                .execute(
                    "SELECT body_hash, status, content_type, body FROM idempotency"
                    " WHERE key = ? AND method = ? AND path = ? AND created_at >= ?",
                    (*ident, oldest),
                )
                .fetchone()
            )
        return None if row is None else StoredResponse(row[0], row[1], row[2], bytes(row[3]))

    def put(self, ident: Ident, stored: StoredResponse) -> None:
        now = self.clock.now().timestamp()
        with self.db.write() as conn:
            raw = driver(conn)
            raw.execute(
                "INSERT OR REPLACE INTO idempotency (key, method, path, body_hash, status,"
                " content_type, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*ident, stored.body_hash, stored.status, stored.content_type, stored.body, now),
            )
            raw.execute("DELETE FROM idempotency WHERE created_at < ?", (now - LIFETIME_SECONDS,))


def _canonical(body: bytes) -> bytes:
    """JSON with sorted keys, so key order does not make a different body."""
    try:
        return orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS) if body else b""
    except orjson.JSONDecodeError:
        return body


def body_digest(body: bytes) -> str:
    """Hash of the request body; JSON is canonicalised so key order does not matter."""
    return hashlib.sha256(_canonical(body)).hexdigest()


def _scrypt(body: bytes, salt: bytes) -> tuple[str, bytes]:
    out = hashlib.scrypt(
        _canonical(body), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
        maxmem=64 * 1024 * 1024, dklen=64,
    )  # fmt: skip
    return f"scrypt${salt.hex()}${out[:32].hex()}", out[32:]


def seal_digest(body: bytes) -> tuple[str, bytes]:
    """(digest text to store, key for the answer) of a secret-bearing body, newly salted."""
    return _scrypt(body, secrets.token_bytes(16))


def open_digest(body: bytes, stored: str) -> bytes | None:
    """The answer's key when `body` is the body that was stored, else None."""
    try:
        scheme, salt, _digest = stored.split("$")
        if scheme != "scrypt":
            return None
        text, key = _scrypt(body, bytes.fromhex(salt))
    except ValueError:
        return None
    return key if hmac.compare_digest(text, stored) else None


def keystream_xor(data: bytes, key: bytes) -> bytes:
    """Encrypts and decrypts alike (a fresh key per record: SHAKE-256 as the keystream)."""
    stream = hashlib.shake_256(key).digest(len(data))
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore,
        principal: Callable[[str | None], str] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.principal = principal  # Authorization header → unit id ("" for nobody)
        self._locks: dict[Ident, tuple[asyncio.Lock, int]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT"):
            await self.app(scope, receive, send)
            return
        key = next((v for k, v in scope["headers"] if k == b"idempotency-key"), None)
        if not key:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        scoped = key.decode("latin-1")
        if self.principal is not None:
            auth = next((v for k, v in scope["headers"] if k == b"authorization"), None)
            who = await anyio.to_thread.run_sync(
                self.principal, None if auth is None else auth.decode("latin-1")
            )
            scoped = f"{who}\x1f{scoped}"
        ident: Ident = (scoped, scope["method"], scope["path"])
        digest = body_digest(body)
        lock = self._acquire(ident)
        try:
            async with lock:
                await self._handle(ident, digest, body, scope, receive, send)
        finally:
            self._release(ident)

    async def _handle(
        self, ident: Ident, digest: str, body: bytes, scope: Scope, receive: Receive, send: Send
    ) -> None:
        secret = scope["path"] in SECRET_BODY_PATHS
        stored = await anyio.to_thread.run_sync(self.store.get, ident)
        if stored is not None and secret:
            key = await anyio.to_thread.run_sync(open_digest, body, stored.body_hash)
            matches = key is not None
            if key is not None:
                stored.body = keystream_xor(stored.body, key)
        else:
            matches = stored is not None and stored.body_hash == digest
        if stored is not None:
            if not matches:
                await _send(
                    send,
                    422,
                    "application/json",
                    error_body(
                        "IDEMPOTENCY_MISMATCH",
                        "同一个请求编号已用于内容不同的请求，请重新发起本次操作。",
                        {"idempotency_key": ident[0].rpartition("\x1f")[2]},
                    ),
                )
            else:
                await _send(send, stored.status, stored.content_type, stored.body, replayed=True)
            return

        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 0
        content_type = "application/json"
        chunks: list[bytes] = []
        complete = False

        async def capture(message: Message) -> None:
            nonlocal status, content_type, complete
            if message["type"] == "http.response.start":
                status = message["status"]
                for k, v in message.get("headers", []):
                    if k.lower() == b"content-type":
                        content_type = v.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, replay_receive, capture)
        if complete and 0 < status < 500:
            content = b"".join(chunks)
            if secret:
                digest, key = await anyio.to_thread.run_sync(seal_digest, body)
                content = keystream_xor(content, key)
            stored = StoredResponse(digest, status, content_type, content)
            await anyio.to_thread.run_sync(self.store.put, ident, stored)

    def _acquire(self, ident: Ident) -> asyncio.Lock:
        lock, users = self._locks.get(ident, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[ident] = (lock, users + 1)
        return lock

    def _release(self, ident: Ident) -> None:
        lock, users = self._locks[ident]
        if users <= 1:
            del self._locks[ident]
        else:
            self._locks[ident] = (lock, users - 1)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(
    send: Send, status: int, content_type: str, body: bytes, *, replayed: bool = False
) -> None:
    headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode()),
    ]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
