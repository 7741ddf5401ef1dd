"""`make test` needs Chromium for the browser tests: stop early, saying how to get it.

The browser tests drive Debian's /usr/bin/chromium through Playwright; they are never
skipped, so a missing browser is an error with the one command that fixes it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium"


def main() -> int:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return 0
    print(
        f"Chromium introuvable ({CHROMIUM}), installez-le : {INSTALL} — "
        f"Chromium is missing, install it: {INSTALL}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
