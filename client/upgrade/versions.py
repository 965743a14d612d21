"""Version numbers compared as numbers: 1.10.0 is newer than 1.9.3, 1.2 equals 1.2.0."""

from __future__ import annotations

import re

PATTERN = re.compile(r"^\d{1,6}(\.\d{1,6}){0,3}$")


class VersionError(ValueError):
    """Not a version number of the form 1.2.3."""


def parse_version(text: str) -> tuple[int, ...]:
    """(major, minor, patch, build) padded with zeros; VersionError when malformed."""
    text = str(text).strip()
    if text[:1] in ("v", "V"):
        text = text[1:]
    if not PATTERN.match(text):
        raise VersionError(f"版本号“{text}”格式不正确。")
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def is_newer(candidate: str, current: str) -> bool:
    return parse_version(candidate) > parse_version(current)
