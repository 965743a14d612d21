"""Submissions that must happen once (申报, 缴费): idempotent POSTs that survive a broken
connection and a closed client.

Before a POST is sent, its idempotency key, path and exact body are stored locally. When
the server answers, its answer is applied to the local rows and the stored request
deleted in one transaction. When the connection breaks and the outcome is unknown, the
request stays stored; the next attempt sends the same key and body, so the server returns
its first answer instead of acting twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select

from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import PendingSubmission
from client.sync.api import ApiClient
from client.sync.errors import ApiError, MalformedResponseError, NetworkError

log = logging.getLogger(__name__)

Apply = Callable[[Connection, Any, list[int]], None]


class SubmissionUncertainError(NetworkError):
    default_message = (
        "提交后与税务系统的连接中断，无法确认是否已提交成功。请检查网络后再次点击提交，"
        "系统会确认上次的提交结果，不会重复提交。"
    )


class SubmissionUnreadableError(SubmissionUncertainError):
    """An answer that could not be read (cut short, not JSON, another shape) or a gateway's
    502/504: whether the server acted is unknown, so the request stays stored."""

    default_message = (
        "税务系统的答复无法识别，无法确认是否已提交成功。请稍后再次点击提交，"
        "系统会确认上次的提交结果，不会重复提交。"
    )


# What applying an answer of an unexpected shape raises (a Decimal of "一百" included).
WRONG_SHAPE = (ApiError, LookupError, TypeError, ValueError, AttributeError, ArithmeticError)
GATEWAY_STATUSES = (502, 504)  # a gateway's answer: the request may have reached the server


def _uncertain(exc: ApiError) -> bool:
    """An answer that does not say whether the server acted: unreadable, or a gateway's.

    A refusal (4xx) or the server's own 500/503 means it did nothing."""
    return isinstance(exc, MalformedResponseError) or exc.status in GATEWAY_STATUSES


class Submitter:
    def __init__(self, api: ApiClient, db: UnitDatabase) -> None:
        self.api = api
        self.db = db

    def pending(self, kind: str) -> list[PendingSubmission]:
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(PendingSubmission)
                    .where(PendingSubmission.kind == kind)
                    .order_by(PendingSubmission.created_at)
                )
            )

    def pending_ids(self, kind: str) -> set[int]:
        return {i for p in self.pending(kind) for i in json.loads(p.record_ids)}

    def submit(
        self,
        kind: str,
        path: str,
        body: Any,
        record_ids: Sequence[int],
        apply: Apply,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Store, send, and apply the answer; raises SubmissionUncertainError when the
        outcome is unknown (the request stays stored for `resend_pending`)."""
        text = orjson.dumps(body).decode("utf-8")
        return self.submit_text(kind, path, text, record_ids, apply, headers)

    def submit_text(
        self,
        kind: str,
        path: str,
        body: str,
        record_ids: Sequence[int],
        apply: Apply,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """`submit` for a body already written as JSON text (a declaration of 85,000 rows is
        then neither built as dicts nor encoded twice)."""
        key = str(uuid.uuid4())
        ids = list(record_ids)
        with self.db.write_session() as session:
            session.add(PendingSubmission(key=key, kind=kind, path=path, body=body,
                                          record_ids=json.dumps(ids), created_at=datetime.now()))  # fmt: skip
        return self._send(key, path, body, ids, apply, headers)

    def resend_pending(
        self, kind: str, apply: Apply, headers: Mapping[str, str] | None = None
    ) -> list[Any]:
        """Send every stored request of this kind again, byte for byte as first sent."""
        answers = []
        for pending in self.pending(kind):
            ids = json.loads(pending.record_ids)
            answers.append(self._send(pending.key, pending.path, pending.body, ids, apply, headers))
        return answers

    def _send(
        self,
        key: str,
        path: str,
        body: str,
        ids: list[int],
        apply: Apply,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """`body` is the stored JSON text, sent as it is. `headers` are sent but not stored
        (a payment ticket expires; a resend carries the current one)."""
        try:
            answer = self.api.post_json(
                path, orjson.Fragment(body), idempotency_key=key, headers=headers
            )
        except NetworkError as exc:
            log.warning("submission %s: outcome unknown (%s)", key, type(exc).__name__)
            raise SubmissionUncertainError(technical=exc.technical) from None
        except ApiError as exc:
            if _uncertain(exc):
                # The server may have acted: keep the request for the resend.
                log.warning("submission %s: answer unreadable (%s)", key, exc.technical)
                raise SubmissionUnreadableError(technical=exc.technical) from None
            # The server answered with a refusal: nothing was done, nothing to retry.
            with self.db.write() as conn:
                conn.exec_driver_sql("DELETE FROM pending_submissions WHERE key = ?", (key,))
            raise
        try:
            with self.db.write() as conn:
                apply(conn, answer, ids)
                conn.exec_driver_sql("DELETE FROM pending_submissions WHERE key = ?", (key,))
        except WRONG_SHAPE as exc:
            # An answer of the wrong shape: nothing was applied (the transaction rolled back)
            # and the request stays stored; a resend gets the server's first answer again.
            log.warning("submission %s: answer of the wrong shape (%r)", key, exc)
            raise SubmissionUnreadableError(technical=repr(exc)) from None
        return answer
