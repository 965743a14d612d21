"""Shared dialogs: record details (查看) and the feedback countdown."""

from __future__ import annotations

from client.ui.dialogs.countdown import FEEDBACK_DELAY_ENV, CountdownDialog
from client.ui.dialogs.detail import DetailDialog, DetailSection, DetailTable

__all__ = ["FEEDBACK_DELAY_ENV", "CountdownDialog", "DetailDialog", "DetailSection", "DetailTable"]
