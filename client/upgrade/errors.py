"""Errors of the upgrade: each carries `message`, one Chinese sentence for the clerk."""

from __future__ import annotations


class UpgradeRefused(Exception):
    """The update was refused (older version, bad signature, tampered package); nothing
    was installed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DownloadFailed(Exception):
    """The package could not be downloaded now; the part already downloaded is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
