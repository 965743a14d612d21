"""The two steps around a start of an installed client (the launcher rule of §1.3).

`prepare_start()` before any window: a pending new version is tried once; if its first
start never got as far as `confirm_start()`, the old version comes back and is started
instead (the return value tells the caller to exit). `confirm_start()` once the client's
first window is up: the new version counts as started and the previous one is removed.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from client.upgrade.layout import Spawner, install_root, restart_client, running_version
from installer.upgrade import choose_version, confirm_started

log = logging.getLogger(__name__)


def prepare_start(spawn: Spawner | None = None) -> bool:
    """True when another version was started and this process should exit now."""
    root = install_root()
    if root is None:
        return False
    try:
        chosen = choose_version(root)
    except OSError:
        log.exception("choosing the version to start failed")
        return False
    running = running_version(root)
    if chosen is None or running is None or chosen == running:
        return False
    restart = restart_client(root, chosen, sys.argv[1:], spawn)
    return restart.started


def confirm_start(root: Path | None = None) -> bool:
    """Mark the running version as started once (True when it had been pending)."""
    root = root if root is not None else install_root()
    if root is None:
        return False
    try:
        return confirm_started(root, running_version(root))
    except OSError:
        log.exception("confirming the start of the new version failed")
        return False
