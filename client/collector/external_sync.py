"""Sending the complete 外部参保城乡居民 list to the 管理子系统 (`PUT …/external-residents`).

The request is stored (key, body, digest) before it is sent and forgotten in the transaction
that records the answer, like `client.sync.submissions.Submitter` does for POSTs. When the
connection breaks the outcome is unknown: the next push first sends that same request again
(the server answers a replayed key with its first answer), then the current list when it
differs from what the server accepted. A list nobody has changed is never sent, so opening
the page of a fresh installation does not empty a list another one sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError, MalformedResponseError, NetworkError
from client.sync.unit_service import UnitService

log = logging.getLogger(__name__)

NOT_SENT = (
    "名单已保存在本机，但因网络原因未能同步到管理子系统，"
    "系统会在下次打开本页面或再次操作时自动重新同步。"
)
REFUSED = "名单已保存在本机，但管理子系统未接收：{reason}请检查名单后再次操作以重新同步。"


@dataclass(frozen=True)
class SyncWarning:
    """The list is saved here but the server does not have it yet; `message` says so."""

    message: str


class ExternalListSync(UnitService):
    PATH = "/mgmt/units/{unit_id}/external-residents"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(api, db, unit_id)
        self.now = now

    def current(self) -> tuple[dict[str, Any], str, int]:
        """(body, digest, count) of the list as kept here, in the order it was added."""
        with self.db.engine.connect() as conn:
            persons = [
                {"name": name, "id_type": id_type, "id_number": id_number}
                for name, id_type, id_number in conn.exec_driver_sql(
                    "SELECT name, id_type, id_number FROM external_residents ORDER BY id"
                )
            ]
        body = {"persons": persons}
        return body, digest(body), len(persons)

    def state(self) -> dict[str, Any]:
        with self.db.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT * FROM external_resident_sync WHERE id = 1").first()
        return dict(row._mapping) if row is not None else {}

    def in_sync(self) -> bool:
        state = self.state()
        _, current, count = self.current()
        return not state.get("pending_key") and (
            state.get("pushed_digest") == current
            or (state.get("pushed_digest") is None and count == 0)
        )

    def push(self) -> int | None:
        """Send what the server does not have yet; the count it accepted (None: nothing
        needed sending). Raises `ApiError` (a `NetworkError` when the outcome is unknown)."""
        state = self.state()
        if state.get("pending_key"):
            self._send(state["pending_key"], json.loads(state["pending_body"]),
                       state["pending_digest"])  # fmt: skip
            state = self.state()
        body, current, count = self.current()
        pushed = state.get("pushed_digest")
        if current == pushed or (pushed is None and count == 0):
            return None
        key = str(uuid.uuid4())
        with self.db.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO external_resident_sync (id, pending_key, pending_digest, pending_body)"
                " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " pending_key = excluded.pending_key, pending_digest = excluded.pending_digest,"
                " pending_body = excluded.pending_body",
                (key, current, json.dumps(body, ensure_ascii=False)),
            )
        return self._send(key, body, current)

    def push_quietly(self) -> SyncWarning | None:
        """`push` for after a local change: a failure becomes a warning for the clerk (the
        change is kept and sent later)."""
        try:
            self.push()
        except NetworkError as exc:
            log.warning("external residents not sent: %s", type(exc).__name__)
            return SyncWarning(NOT_SENT)
        except ApiError as exc:
            log.warning("external residents refused: %s %s", exc.status, exc.code)
            return SyncWarning(REFUSED.format(reason=exc.message))
        return None

    def _send(self, key: str, body: dict[str, Any], sent_digest: str) -> int:
        try:
            answer = self.api.put_json(self.path, body, idempotency_key=key)
        except NetworkError:
            raise  # outcome unknown: the request stays stored and goes again first
        except ApiError:
            self._forget(key)  # refused: nothing was done, nothing to send again
            raise
        count = answer.get("count") if isinstance(answer, dict) else None
        if not isinstance(count, int):
            raise MalformedResponseError(technical=f"external residents PUT answered {answer!r}")
        with self.db.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO external_resident_sync (id, pushed_digest, pushed_count, pushed_at)"
                " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " pushed_digest = excluded.pushed_digest, pushed_count = excluded.pushed_count,"
                " pushed_at = excluded.pushed_at, pending_key = NULL, pending_digest = NULL,"
                " pending_body = NULL",
                (sent_digest, count, self.now()),
            )
        return count

    def _forget(self, key: str) -> None:
        with self.db.write() as conn:
            conn.exec_driver_sql(
                "UPDATE external_resident_sync SET pending_key = NULL, pending_digest = NULL,"
                " pending_body = NULL WHERE pending_key = ?",
                (key,),
            )


def digest(body: dict[str, Any]) -> str:
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
