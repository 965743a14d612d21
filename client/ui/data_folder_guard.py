"""At start, before any database opens: one client per data folder, and a folder that can
be written. Otherwise the clerk is told why in one sentence and the client exits."""

from __future__ import annotations

import logging
import sys

from client.storage.errors import StorageError
from client.storage.lock import DataFolderInUseError, DataFolderLock, claim_data_folder, data_root

log = logging.getLogger(__name__)

EXIT_IN_USE = 0  # nothing is wrong: the other window is the one to use
EXIT_NOT_WRITABLE = 1


def hold_data_folder(explicit: str | None, quiet: bool = False) -> DataFolderLock:
    """The data folder's lock, held until the process ends; SystemExit after telling the
    clerk (a message box, or only standard output when `quiet`) when it cannot be had."""
    root = data_root(explicit)
    try:
        return claim_data_folder(root)
    except StorageError as exc:
        in_use = isinstance(exc, DataFolderInUseError)
        print(exc.message, file=sys.stdout, flush=True)
        if not quiet:
            _tell(exc.message, "客户端已在运行" if in_use else "无法启动客户端")
        raise SystemExit(EXIT_IN_USE if in_use else EXIT_NOT_WRITABLE) from None


def _tell(text: str, title: str) -> None:
    from client.ui.prompts import PromptService

    PromptService().warning(None, text, title)
