"""When something unexpected breaks: a sentence for staff, the details for IT.

No traceback is shown at the desk. The details go to ``crash.log`` in the
data folder (0600): the call stack without local variables (where an API
key or a patient link could sit), patient-link tokens and the given secrets
scrubbed from the text.
"""

from __future__ import annotations

import traceback
from datetime import datetime, timezone
from pathlib import Path

from frontdesk.paths import data_dir, ensure_private_dir
from frontdesk.redact import scrub

MAX_LOG_BYTES = 512 * 1024


def record_crash(error: BaseException, *secrets: str | None) -> Path | None:
    """Append the details of *error* to crash.log; its path, or None if it
    could not be written either."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entry = f"--- {stamp}\n{scrub(text, *secrets)}\n"
    path = data_dir() / "crash.log"
    try:
        ensure_private_dir(path.parent)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name("crash.log.old"))
        with open(path, "a", encoding="utf-8", opener=_private) as handle:
            handle.write(entry)
    except OSError:
        return None
    return path


def _private(path: str, flags: int) -> int:
    import os

    return os.open(path, flags, 0o600)


def crash_message(error: BaseException, where: Path | None) -> str:
    details = f" Details for IT were saved in {where}." if where else ""
    return (f"frontdesk stopped because of an unexpected problem ({type(error).__name__}). "
            f"Nothing was sent.{details}")
