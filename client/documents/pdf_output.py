"""What every client PDF shares around its drawing (no Qt): the DocumentError a clerk reads,
money printed to the 分, and the atomic write — a temporary file beside the target, renamed
over it with os.replace() only when the document is complete, so a failure or a cancel never
leaves a partial file and keeps an older file of the same name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

CENT = Decimal("0.01")


class DocumentError(Exception):
    """A document that could not be made; `message` is the sentence the clerk sees."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentWriteError(DocumentError, OSError):
    """The file could not be written (folder, disk, a reader holding it): an OSError for
    callers that handle file errors, with the clerk's sentence as `message`."""


@dataclass(frozen=True)
class WriteMessages:
    """The sentences of a failed write, naming the document (申报表, 缴税凭证, …)."""

    folder_denied: str
    folder_missing: str
    file_in_use: str
    write_failed: str  # with {reason}

    @classmethod
    def for_document(cls, noun: str) -> WriteMessages:
        return cls(
            folder_denied=f"没有权限在该文件夹中保存{noun}，请换一个位置后重试。",
            folder_missing=f"保存{noun}的文件夹不存在，请换一个位置后重试。",
            file_in_use=f"{noun}文件可能正在被其他程序（如PDF阅读器）打开，请关闭后重试。",
            write_failed=f"保存{noun}失败（{{reason}}），请检查磁盘空间或换一个位置后重试。",
        )


def format_money(value: Decimal) -> str:
    """Two decimals, half up, thousands separators: 1234.005 -> '1,234.01'."""
    cents = value.quantize(CENT, ROUND_HALF_UP)
    return f"{cents if cents else cents.copy_abs():,.2f}"  # never "-0.00"


def temp_path_for(target: Path) -> Path:
    """The hidden temporary name a document is drawn to, beside its target."""
    return target.with_name(f".~{target.stem}.{secrets.token_hex(4)}.pdf.tmp")


def _failed(messages: WriteMessages, exc: OSError) -> DocumentWriteError:
    return DocumentWriteError(messages.write_failed.format(reason=exc.strerror or exc))


@contextlib.contextmanager
def atomic_output(target: Path, messages: WriteMessages) -> Iterator[Path]:
    """Yield a temporary path beside `target` to draw to; on a clean exit it replaces
    `target`. Any exception removes it; file errors become DocumentWriteError (an OSError
    with the clerk's sentence), other errors (DocumentError, a cancel) pass unchanged."""
    target = Path(target)
    # Created here (not with mkstemp, whose 0600 mode the final file would keep) so that
    # a folder the clerk may not write to is refused before any drawing starts.
    tmp = temp_path_for(target)
    try:
        tmp.open("xb").close()
    except PermissionError as exc:
        raise DocumentWriteError(messages.folder_denied) from exc
    except FileNotFoundError as exc:
        raise DocumentWriteError(messages.folder_missing) from exc
    except OSError as exc:
        raise _failed(messages, exc) from exc
    try:
        try:
            yield tmp
        except DocumentError:
            raise
        except OSError as exc:
            raise _failed(messages, exc) from exc
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # Windows: a PDF reader holds the old file
            raise DocumentWriteError(messages.file_in_use) from exc
        except OSError as exc:
            raise _failed(messages, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
