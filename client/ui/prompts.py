"""One prompt service for every message box, so tests can answer them without a screen.

Pages never call QMessageBox directly. In tests, `PromptService.scripted()` returns a
service that records each prompt and answers from a queue (confirmations default to 是).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget


@dataclass(frozen=True)
class Prompt:
    kind: str  # "info" | "warning" | "error" | "confirm"
    title: str
    text: str


class PromptService:
    def __init__(self) -> None:
        self.history: list[Prompt] = []
        self._scripted = False
        self._answers: deque[bool] = deque()

    @classmethod
    def scripted(cls, answers: Iterable[bool] = ()) -> PromptService:
        service = cls()
        service._scripted = True
        service._answers.extend(answers)
        return service

    def answer(self, *answers: bool) -> None:
        """Queue answers for the next confirmations (tests)."""
        self._answers.extend(answers)

    @property
    def last(self) -> Prompt | None:
        return self.history[-1] if self.history else None

    def texts(self) -> list[str]:
        return [p.text for p in self.history]

    # -- the four kinds ------------------------------------------------------------------
    def info(self, parent: QWidget | None, text: str, title: str = "提示") -> None:
        self._show("info", parent, title, text)

    def warning(self, parent: QWidget | None, text: str, title: str = "提示") -> None:
        self._show("warning", parent, title, text)

    def error(self, parent: QWidget | None, text: str, title: str = "错误") -> None:
        self._show("error", parent, title, text)

    def confirm(
        self,
        parent: QWidget | None,
        text: str,
        title: str = "确认",
        yes: str = "是",
        no: str = "否",
    ) -> bool:
        prompt = Prompt("confirm", title, text)
        self.history.append(prompt)
        if self._scripted:
            return self._answers.popleft() if self._answers else True
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
        no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(no_button)
        box.setEscapeButton(no_button)
        box.setObjectName("prompt_confirm")
        box.exec()
        return box.clickedButton() is yes_button

    def _show(self, kind: str, parent: QWidget | None, title: str, text: str) -> None:
        self.history.append(Prompt(kind, title, text))
        if self._scripted:
            return
        icon = {
            "info": QMessageBox.Icon.Information,
            "warning": QMessageBox.Icon.Warning,
            "error": QMessageBox.Icon.Critical,
        }[kind]
        box = QMessageBox(icon, title, text, parent=parent)
        box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.setObjectName(f"prompt_{kind}")
        box.exec()
