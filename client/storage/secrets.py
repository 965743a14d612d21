"""Encryption for values that must not sit in plain text on disk (proxy passwords).

The key is a random Fernet key in the data folder, readable only by the user. It keeps
secrets out of the database file and its backups; it is not a defence against someone
who can read the whole user profile.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, key_file: Path) -> None:
        self._key_file = key_file
        self._fernet: Fernet | None = None

    def _load(self) -> Fernet:
        if self._fernet is None:
            if not self._key_file.exists():
                self._key_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = self._key_file.with_suffix(".tmp")
                tmp.write_bytes(Fernet.generate_key())
                try:
                    os.chmod(tmp, 0o600)
                except OSError:  # pragma: no cover - Windows ACLs differ
                    pass
                os.replace(tmp, self._key_file)
            self._fernet = Fernet(self._key_file.read_bytes().strip())
        return self._fernet

    def encrypt(self, plain: str) -> str:
        return self._load().encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        """The plain text, or None when the key no longer matches (e.g. key file lost)."""
        try:
            return self._load().decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None
