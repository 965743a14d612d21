"""What every window and page of the shell is handed: the app, prompts, a job runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from client.app_context import AppContext
from client.ui.jobs import JobRunner
from client.ui.prompts import PromptService


@dataclass
class UiServices:
    app: AppContext
    prompts: PromptService
    show_delay_ms: int | None = None  # progress dialogs appear after this delay
    # 恢复 of a checked backup folder: the shell closes every database, restores, reopens
    restore_backup: Callable[[Path], None] | None = None

    def runner(self, parent: QWidget | None) -> JobRunner:
        return JobRunner(parent, self.prompts, self.show_delay_ms)
