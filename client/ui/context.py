"""What every window and page of the shell is handed: the app, prompts, a job runner."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from client.app_context import AppContext
from client.ui.jobs import JobRunner
from client.ui.prompts import PromptService


@dataclass
class UiServices:
    app: AppContext
    prompts: PromptService
    show_delay_ms: int | None = None  # progress dialogs appear after this delay

    def runner(self, parent: QWidget | None) -> JobRunner:
        return JobRunner(parent, self.prompts, self.show_delay_ms)
