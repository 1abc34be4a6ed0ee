"""python -m bot  (also installed as the `thidua-bot` command)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
