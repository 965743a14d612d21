"""One HTTP client for the tax bureau's 管理子系统/征收子系统, on httpx.

Applies the user's proxy to every call (a proxy saved in 网络设置 mid-session takes over
from the next request), retries GETs (and POSTs, which always carry an
idempotency key, so a retry cannot act twice) with backoff, and turns every failure
into a typed `ApiError` with a Chinese message.

A token that expired mid-session (401 TOKEN_INVALID) is renewed through `reauthenticate`
when one is set (the UI asks for the 申报密码 again), and the request is sent once more
with the same idempotency key, so the work under way goes on instead of being lost.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
import orjson
from pydantic import BaseModel, ValidationError

from client.storage.settings import ProxyConfig
from client.sync import errors as e
from client.sync import schemas as s

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

RETRY_STATUSES = {502, 503, 504}
API_PREFIX = "/api/v1"


class ApiClient:
    def __init__(
        self,
        base_url: str,
        proxy: ProxyConfig | None = None,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        retries: int = 3,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.proxy = proxy or ProxyConfig()
        self.retries = retries
        self.backoff = backoff
        self.token: str | None = None
        # Renews an expired token (True when a new one is in `token`); None: no renewal.
        self.reauthenticate: Callable[[], bool] | None = None
        self.last_server_time: str | None = None
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._transport = transport
        self._lock = threading.Lock()  # guards the fields below
        self._http = self._new_http()
        self._in_flight = 0
        self._retired: list[httpx.Client] = []  # old proxies' clients, closed once idle
        self._closed = False

    def _new_http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url + API_PREFIX,
            proxy=self.proxy.url(),
            timeout=self._timeout,
            headers={"User-Agent": "shebaofei-client/0.1", "Accept": "application/json"},
            trust_env=False,
            transport=self._transport,
        )

    def use_proxy(self, proxy: ProxyConfig) -> None:
        """Send every later request through `proxy` (网络设置 saved); the token stays.

        A request already under way finishes on the old connection.
        """
        with self._lock:
            if self._closed or proxy == self.proxy:
                return
            self._retired.append(self._http)
            self.proxy = proxy
            self._http = self._new_http()
            idle = self._take_idle_retired()
        for client in idle:
            client.close()

    def _take_idle_retired(self) -> list[httpx.Client]:
        if self._in_flight:
            return []
        idle, self._retired = self._retired, []
        return idle

    def close(self) -> None:
        with self._lock:
            self._closed = True
            clients, self._retired = [self._http, *self._retired], []
        for client in clients:
            client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport -----------------------------------------------------------------
    def request_bytes(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> bytes:
        """The body of a successful response; retries transient failures (a POST or PUT is
        retried with the same idempotency key, so the server does its work once). An
        expired token is renewed once through `reauthenticate`, then the request repeated."""
        if method in ("POST", "PUT"):
            idempotency_key = idempotency_key or str(uuid.uuid4())
        sent_token = self.token
        try:
            return self._request_bytes(method, path, params, body, idempotency_key, headers)
        except e.TokenInvalidError:
            if not self._renew_token(sent_token):
                raise
        log.info("token renewed; %s %s sent again", method, path)
        return self._request_bytes(method, path, params, body, idempotency_key, headers)

    def _renew_token(self, failed: str | None) -> bool:
        hook = self.reauthenticate
        if hook is None or failed is None or self._closed:
            return False
        if self.token is not None and self.token != failed:
            return True  # another request renewed it meanwhile
        log.info("the login expired; asking for the 申报密码 again")
        try:
            renewed = bool(hook())
        except Exception:
            log.exception("renewing the login failed")
            return False
        return renewed and self.token is not None and self.token != failed

    def _request_bytes(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        body: Any,
        idempotency_key: str | None,
        headers: Mapping[str, str] | None,
    ) -> bytes:
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        content: bytes | None = None
        if method in ("POST", "PUT"):
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        if body is not None:
            content = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            try:
                response = self._send(method, path, params, content, headers)
                self.last_server_time = response.headers.get("X-Server-Time")
                if response.status_code in RETRY_STATUSES and attempt < self.retries:
                    raise _Retryable(self._error_from(response))
                if response.status_code >= 400:
                    raise self._error_from(response)
                return response.content
            except _Retryable as retry:
                last_error: e.ApiError = retry.error
            except httpx.ProxyError as exc:
                last_error = e.ProxyError(technical=repr(exc))
            except httpx.TimeoutException as exc:
                last_error = e.ApiTimeoutError(technical=repr(exc))
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                last_error = e.ConnectionDroppedError(technical=repr(exc))
            except httpx.TransportError as exc:
                last_error = self._transport_error(exc)
            if attempt >= self.retries:
                raise last_error
            attempt += 1
            delay = self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
            log.info("retry %s %s after %s (%.2fs)", method, path, type(last_error).__name__, delay)
            time.sleep(delay)

    def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        content: bytes | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        with self._lock:
            http = self._http
            self._in_flight += 1
        try:
            return http.request(method, path, params=params, content=content, headers=headers)
        finally:
            with self._lock:
                self._in_flight -= 1
                idle = self._take_idle_retired()
            for client in idle:
                client.close()

    def _transport_error(self, exc: httpx.TransportError) -> e.ApiError:
        text = repr(exc).lower()
        if self.proxy.mode != "none" and ("proxy" in text or "socks" in text):
            return e.ProxyError(technical=repr(exc))
        if self.proxy.mode != "none" and isinstance(exc, httpx.ConnectError):
            return e.ProxyError(technical=repr(exc))
        return e.NetworkError(technical=repr(exc))

    @staticmethod
    def _error_from(response: httpx.Response) -> e.ApiError:
        code, message, details = "", None, {}
        try:
            payload = orjson.loads(response.content)
            err = payload.get("error", {}) if isinstance(payload, dict) else {}
            code = str(err.get("code", ""))
            message = err.get("message") or None
            details = err.get("details") or {}
        except orjson.JSONDecodeError:
            pass
        cls = e.error_for_status(response.status_code, code)
        if cls is e.ServerError:
            message = None  # the clerk gets our sentence, not a server stack trace
        return cls(
            message,
            code=code,
            status=response.status_code,
            details=details,
            technical=f"HTTP {response.status_code} {response.request.url.path}",
        )

    def get_json(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return _loads(self.request_bytes("GET", path, params=clean or None))

    def post_json(
        self,
        path: str,
        body: Any,
        *,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return _loads(
            self.request_bytes(
                "POST", path, body=body, idempotency_key=idempotency_key, headers=headers
            )
        )

    def put_json(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return _loads(self.request_bytes("PUT", path, body=body, idempotency_key=idempotency_key))

    def get_model(self, model: type[M], path: str, **params: Any) -> M:
        return _validate(model, self.get_json(path, **params))

    def post_model(
        self, model: type[M], path: str, body: Any, *, idempotency_key: str | None = None
    ) -> M:
        return _validate(model, self.post_json(path, body, idempotency_key=idempotency_key))

    # -- public --------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self.get_json("/health")

    def server_time(self) -> s.ServerTime:
        return self.get_model(s.ServerTime, "/time")

    def regions(self) -> list[s.Region]:
        return self.get_model(s.RegionList, "/regions").regions

    # -- registration and login (管理子系统) -----------------------------------------
    def lookup_units(self, taxpayer_id: str, region: str, kind: str) -> list[s.UnitInfo]:
        return self.get_model(
            s.UnitLookup, f"/mgmt/taxpayers/{taxpayer_id}/units", region=region, kind=kind
        ).units

    def login(self, unit_id: str, password: str) -> s.LoginResult:
        result = self.post_model(
            s.LoginResult, "/mgmt/auth/login", {"unit_id": unit_id, "password": password}
        )
        self.token = result.token
        return result

    def change_password(self, old_password: str, new_password: str) -> s.PasswordChanged:
        return self.post_model(
            s.PasswordChanged,
            "/mgmt/auth/password",
            {"old_password": old_password, "new_password": new_password},
        )

    def registration(self, unit_id: str) -> s.RegistrationInfo:
        return self.get_model(s.RegistrationInfo, f"/mgmt/units/{unit_id}/registration")

    # -- feeds, rules, notices -------------------------------------------------------
    def feed_changes(self, unit_id: str, feed: str, cursor: int, limit: int) -> Any:
        return self.get_json(f"/mgmt/units/{unit_id}/{feed}/changes", cursor=cursor, limit=limit)

    def feed_snapshot(self, unit_id: str, feed: str, after_id: int, limit: int) -> Any:
        return self.get_json(
            f"/mgmt/units/{unit_id}/{feed}/snapshot", after_id=after_id, limit=limit
        )

    def rule_index(self) -> list[s.RuleFileRef]:
        return self.get_model(s.RuleIndex, "/mgmt/rules").files

    def rule_file(self, code: str) -> s.RuleFileContent:
        return self.get_model(s.RuleFileContent, f"/mgmt/rules/{code}")

    def notices(self, after_seq: int) -> s.NoticePage:
        return self.get_model(s.NoticePage, "/mgmt/notices", after_seq=after_seq)


class _Retryable(Exception):
    def __init__(self, error: e.ApiError) -> None:
        self.error = error


def _loads(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise e.MalformedResponseError(technical=f"invalid JSON: {exc}") from None


def _validate(model: type[M], payload: Any) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise e.MalformedResponseError(technical=f"{model.__name__}: {exc}") from None
