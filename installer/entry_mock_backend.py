"""PyInstaller entry of the bundled mock backend: `python -m mock_backend` as a script."""

from __future__ import annotations

import sys

from mock_backend.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
