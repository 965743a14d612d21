"""Runs `client.jobs` jobs on a worker thread with a delayed, cancellable progress dialog.

The job itself knows nothing of Qt; this adapter carries its progress to the UI thread,
passes 取消 down as the job's cancel token and delivers the result or a readable error
back on the UI thread (the pattern of Anki's CollectionOp and calibre's threaded jobs).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from client.errors import user_message
from client.jobs import CancelToken, Job, JobCancelled, JobContext, Progress
from client.ui.prompts import PromptService

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_SHOW_DELAY_MS = 400


class _Bridge(QObject):
    progressed = Signal(object)
    finished = Signal(object, object)  # result, error


class JobHandle(Generic[T]):
    """A running job: `done`, `result`, `error`, `cancel()` (tests wait on `done`)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.token = CancelToken()
        self.done = False
        self.result: T | None = None
        self.error: BaseException | None = None
        self.cancelled = False
        self.last_progress: Progress | None = None
        self.dialog: QProgressDialog | None = None

    def cancel(self) -> None:
        self.token.cancel()


class JobRunner:
    """One per window; `run()` starts a job and returns its handle at once."""

    def __init__(
        self, parent: QWidget | None, prompts: PromptService, show_delay_ms: int | None = None
    ) -> None:
        self.parent = parent
        self.prompts = prompts
        self.show_delay_ms = DEFAULT_SHOW_DELAY_MS if show_delay_ms is None else show_delay_ms
        self.active: list[JobHandle[Any]] = []

    def run(
        self,
        job: Job[T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        progress: bool = True,
        cancellable: bool = True,
        label: Callable[[Progress], str] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> JobHandle[T]:
        handle: JobHandle[T] = JobHandle(job.title)
        bridge = _Bridge()
        dialog: QProgressDialog | None = None
        if progress:
            dialog = QProgressDialog(job.title, "取消" if cancellable else "", 0, 0, self.parent)
            dialog.setObjectName("job_progress_dialog")
            dialog.setWindowTitle(job.title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(self.show_delay_ms)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            if not cancellable:
                dialog.setCancelButton(None)
            dialog.canceled.connect(handle.cancel)
            dialog.setValue(0)
            handle.dialog = dialog

        def progressed(p: Progress) -> None:
            handle.last_progress = p
            if on_progress is not None:
                on_progress(p)
            if dialog is None:
                return
            if p.total:
                dialog.setMaximum(max(p.total, 1))
                dialog.setValue(min(p.done, p.total))
            else:
                dialog.setMaximum(0)
            dialog.setLabelText(label(p) if label else job.title)

        def on_finished(result: Any, error: BaseException | None) -> None:
            handle.done = True
            handle.result = result
            handle.error = error
            if dialog is not None:
                dialog.hide()
                dialog.deleteLater()
            if handle in self.active:
                self.active.remove(handle)
            if error is None:
                if on_success is not None:
                    on_success(result)
                return
            if isinstance(error, JobCancelled):
                handle.cancelled = True
            if on_failure is not None:
                on_failure(error)
            elif not isinstance(error, JobCancelled):
                self.prompts.error(self.parent, user_message(error), title=job.title)

        bridge.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
        bridge.finished.connect(on_finished, Qt.ConnectionType.QueuedConnection)
        ctx = JobContext(bridge.progressed.emit, handle.token)

        def work() -> None:
            try:
                result = job.run(ctx)
            except BaseException as exc:  # delivered to the UI thread
                if getattr(exc, "message", None):  # an expected, typed error
                    log.info(
                        "job %r: %s %s",
                        job.title,
                        type(exc).__name__,
                        getattr(exc, "technical", ""),
                    )
                elif not isinstance(exc, JobCancelled):
                    log.warning("job %r failed", job.title, exc_info=exc)
                bridge.finished.emit(None, exc)
            else:
                bridge.finished.emit(result, None)

        handle._bridge = bridge  # type: ignore[attr-defined]  # keep it alive
        self.active.append(handle)
        QTimer.singleShot(
            0, lambda: threading.Thread(target=work, name=job.title, daemon=True).start()
        )
        return handle
