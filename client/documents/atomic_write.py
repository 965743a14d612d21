"""The atomic write every saved document shares (PDF, xlsx, a copy of a preview): the file is
written to a hidden temporary file beside the target and renamed over it with os.replace()
only when complete, so a failure or a cancel never leaves a partial file and keeps an older
file of the same name. The temporary file is made with open("xb"), not mkstemp, whose 0600
mode the final file would keep: a workbook saved to a shared folder stays readable to the
people the folder's owner meant it for.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn


@dataclass(frozen=True)
class WriteMessages:
    """The sentences of a failed write, naming the document (申报表, 缴税凭证, …)."""

    folder_denied: str
    folder_missing: str
    file_in_use: str
    write_failed: str | None  # with {reason}; None: the OSError goes on as it is

    @classmethod
    def for_document(cls, noun: str) -> WriteMessages:
        return cls(
            folder_denied=f"没有权限在该文件夹中保存{noun}，请换一个位置后重试。",
            folder_missing=f"保存{noun}的文件夹不存在，请换一个位置后重试。",
            file_in_use=f"{noun}文件可能正在被其他程序（如PDF阅读器）打开，请关闭后重试。",
            write_failed=f"保存{noun}失败（{{reason}}），请检查磁盘空间或换一个位置后重试。",
        )


def temp_path_for(target: Path, suffix: str = ".pdf.tmp") -> Path:
    """The hidden temporary name a document is written to, beside its target."""
    return target.with_name(f".~{target.stem}.{secrets.token_hex(4)}{suffix}")


@contextlib.contextmanager
def atomic_output(
    target: Path, messages: WriteMessages, error: type[Exception], suffix: str = ".pdf.tmp"
) -> Iterator[Path]:
    """Yield a temporary path beside `target` to write to; on a clean exit it replaces
    `target`. Any exception removes it. File errors become `error(sentence)`; errors that are
    not OSErrors (the document's own, a cancel) and those already raised as `error` pass
    unchanged."""
    target = Path(target)
    tmp = temp_path_for(target, suffix)
    try:  # made here, so a folder the clerk may not write to is refused before any work
        tmp.open("xb").close()
    except PermissionError as exc:
        raise error(messages.folder_denied) from exc
    except FileNotFoundError as exc:
        raise error(messages.folder_missing) from exc
    except OSError as exc:
        _raise_failed(messages, error, exc)
    try:
        try:
            yield tmp
        except OSError as exc:
            _raise_failed(messages, error, exc)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # Windows: a reader (Excel, a PDF viewer) holds it
            raise error(messages.file_in_use) from exc
        except OSError as exc:
            _raise_failed(messages, error, exc)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _raise_failed(messages: WriteMessages, error: type[Exception], exc: OSError) -> NoReturn:
    if isinstance(exc, error) or messages.write_failed is None:
        raise exc
    raise error(messages.write_failed.format(reason=exc.strerror or exc)) from exc
