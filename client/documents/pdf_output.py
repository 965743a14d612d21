"""What every client PDF shares around its drawing (no Qt): the DocumentError a clerk reads,
money printed to the 分, and the atomic write of `client.documents.atomic_write` raising
DocumentWriteError.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from client.documents import atomic_write
from client.documents.atomic_write import WriteMessages

__all__ = ["CENT", "DocumentError", "DocumentWriteError", "WriteMessages", "atomic_output",
           "format_money"]  # fmt: skip

CENT = Decimal("0.01")


class DocumentError(Exception):
    """A document that could not be made; `message` is the sentence the clerk sees."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentWriteError(DocumentError, OSError):
    """The file could not be written (folder, disk, a reader holding it): an OSError for
    callers that handle file errors, with the clerk's sentence as `message`."""


def format_money(value: Decimal) -> str:
    """Two decimals, half up, thousands separators: 1234.005 -> '1,234.01'."""
    cents = value.quantize(CENT, ROUND_HALF_UP)
    return f"{cents if cents else cents.copy_abs():,.2f}"  # never "-0.00"


def atomic_output(target: Path, messages: WriteMessages) -> AbstractContextManager[Path]:
    """A temporary path beside `target` to draw to, renamed over it when the document is
    complete; file errors become DocumentWriteError (an OSError with the clerk's sentence),
    other errors (DocumentError, a cancel) pass unchanged."""
    return atomic_write.atomic_output(target, messages, DocumentWriteError, ".pdf.tmp")
