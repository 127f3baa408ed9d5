"""Where a copy goes. frontdesk copies with OSC 52: the terminal puts the
text on the clipboard of the computer staff sit at, which works over SSH.
But a copy passes through whatever sits in between: tmux passes it on only
with ``set-clipboard on`` (many installs default to ``external``, which
drops an application's copies), GNU screen never does, and some terminals
(PuTTY, macOS Terminal) ignore OSC 52. A copy that goes nowhere leaves the
last thing copied on the clipboard, perhaps another patient's link, so
frontdesk says what it did and what it cannot know.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

FIX_TMUX = ("Add `set -g set-clipboard on` to ~/.tmux.conf and run `tmux source-file ~/.tmux.conf`; "
            "until then, v reveals the link to copy by hand.")


@dataclass(frozen=True, slots=True)
class ClipboardRoute:
    #: False: the copy is known not to reach the computer's clipboard;
    #: None: it was handed on and nobody can tell (the terminal never says)
    reaches: bool | None
    #: where the copy went, for the notification
    words: str


def tmux_set_clipboard() -> str | None:
    """tmux's ``set-clipboard`` for the server this runs in, or None."""
    tmux = shutil.which("tmux")
    if tmux is None:
        return None
    try:
        out = subprocess.run([tmux, "show-options", "-gv", "set-clipboard"], capture_output=True, text=True,
                             timeout=2, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return value if out.returncode == 0 and value else None


def clipboard_route(env: Mapping[str, str] = os.environ) -> ClipboardRoute:
    if env.get("TMUX"):
        value = tmux_set_clipboard()
        if value == "on":
            return ClipboardRoute(None, "handed to tmux, which passes it to your terminal's clipboard (OSC 52)")
        if value in ("off", "external"):
            return ClipboardRoute(False, f"tmux here keeps copies from reaching your computer "
                                         f"(its set-clipboard is {value}). {FIX_TMUX}")
        return ClipboardRoute(None, "handed to tmux (its set-clipboard could not be read): it reaches your "
                                    "clipboard only if tmux has set-clipboard on")
    if env.get("STY"):
        return ClipboardRoute(False, "GNU screen does not pass copies on to your computer's clipboard; "
                                     "v reveals the link to copy by hand.")
    return ClipboardRoute(None, "sent to your terminal's clipboard (OSC 52). If pasting gives something else, "
                                "your terminal does not accept OSC 52: see README, Copying over SSH.")
