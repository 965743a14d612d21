"""The 缴费授权 services stay without Qt (DESIGN.md): importing them loads no PySide6."""

from __future__ import annotations

import subprocess
import sys

MODULES = ("people", "amounts", "rolls", "rolls_source")


def test_services_import_without_qt() -> None:
    code = (
        "import sys\n"
        + "".join(f"import client.authorisation.{m}\n" for m in MODULES)
        + "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
