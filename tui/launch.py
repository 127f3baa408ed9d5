"""The ``frontdesk`` command's first step: everything else is imported
inside, so a Ctrl-C while Python is still loading frontdesk ends it with a
sentence, never a traceback."""

from __future__ import annotations

import sys


def entry() -> None:
    try:
        from frontdesk.cli import entry as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("frontdesk: stopped.\n")
        raise SystemExit(130) from None
