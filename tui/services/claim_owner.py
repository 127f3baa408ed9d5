"""Who holds a claim to send, and whether that process is still running.

A window killed half-way through a send (SIGKILL, a dropped SSH session)
leaves its claim behind. On this computer the owner is asked directly, so
its claim is released at once rather than after a timeout.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from pathlib import Path

#: a claim from another computer (a shared data folder) older than this was
#: left by a window that died mid-send; on this computer the owner process is
#: checked directly
STALE_CLAIM = timedelta(minutes=10)


def _process_start(pid: int) -> str | None:
    """When process *pid* started (Linux: clock ticks since boot), to tell a
    live owner from a new process that reused its number; "Z" for a process
    that has ended but not yet been reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return "Z" if fields[0] in ("Z", "X") else fields[19]


def this_owner() -> str:
    """Who holds a claim: this computer, this process, when it started, and
    a token of the claim's own."""
    pid = os.getpid()
    return f"{socket.gethostname()}|{pid}|{_process_start(pid) or '-'}|{uuid.uuid4().hex[:12]}"


def owner_alive(owner: str, claimed_at: datetime, now: datetime) -> bool:
    """Whether the process that took a claim is still running. On another
    computer (or an owner written before owners named one) it cannot be
    asked, so the claim lives until it is STALE_CLAIM old."""
    parts = owner.split("|")
    if len(parts) != 4 or parts[0] != socket.gethostname():
        return now - claimed_at < STALE_CLAIM
    try:
        pid = int(parts[1])
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (ValueError, PermissionError, OSError):
        return True  # exists, or cannot be asked: fail closed
    started = _process_start(pid)
    return started != "Z" and (started is None or parts[2] in ("-", started))
