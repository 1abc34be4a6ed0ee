"""python -m bot  (also installed as the `thidua-bot` command)."""

from __future__ import annotations

import sys

from .gc_pause import pause

pause()  # until start-up is over (bot/gc_pause.py)

from .cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
