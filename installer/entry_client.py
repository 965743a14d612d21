"""PyInstaller entry of the client executable: `python -m client` as a script."""

from __future__ import annotations

import sys

from client.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
