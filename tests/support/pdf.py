"""Reading PDFs back in tests with poppler-utils: the text (per page), the page count, the
fonts, and what a folder holds after a write. One copy for every document's tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed",
)


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_text(path: Path) -> str:
    """The layout text of every page."""
    return pdftotext(Path(path), "-layout")


def compact(text: str) -> str:
    """Text without any whitespace: table cells that wrap still read as one string."""
    return "".join(text.split())


def page_texts(path: Path) -> list[str]:
    return pdftotext(path, "-layout").split("\f")[:-1]


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
    assert found is not None, out.stdout
    return int(found.group(1))


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
