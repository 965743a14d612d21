"""What a list page needs from its host window."""

from __future__ import annotations

from dataclasses import dataclass

from client.storage.settings import AppSettings
from client.ui.jobs import JobRunner
from client.ui.prompts import PromptService


@dataclass(frozen=True)
class PageServices:
    """Settings (page size, column widths), the prompt service and the window's job runner."""

    settings: AppSettings
    prompts: PromptService
    jobs: JobRunner
