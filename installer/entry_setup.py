"""PyInstaller entry of the maintenance program `setup[.exe]`: `python -m installer setup`."""

from __future__ import annotations

import sys

from installer.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["setup", *sys.argv[1:]]))
