"""The ``frontdesk`` command's first step: everything else is imported
inside, so a Ctrl-C while Python is still loading frontdesk ends it with a
sentence, never a traceback.

Ctrl-C (SIGINT) ends a command at once: a KeyboardInterrupt raised inside
the import machinery's own callbacks is swallowed by Python ("Exception
ignored in … _get_module_lock", a traceback on the screen) and the command
would carry on as if nothing was pressed. Stopping at once loses nothing:
every command already survives being killed (SQLite's journal, claims
released once their process is gone). The sandbox's server puts its own
orderly stop in place once it serves; the console takes Python's
KeyboardInterrupt back, so Textual restores the terminal."""

from __future__ import annotations

import os
import signal


def _stop_now(signum: int, frame: object) -> None:
    os.write(2, b"frontdesk: stopped.\n")
    os._exit(130)


def entry() -> None:
    signal.signal(signal.SIGINT, _stop_now)
    from frontdesk.cli import entry as run

    run()
