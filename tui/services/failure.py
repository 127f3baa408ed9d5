"""The one place a failure becomes the sentence staff read.

Cliniko's errors and delivery's are written for staff already (and hold no
secret), as are the system's for a file ("No space left on device"); anything else is a bug: its traceback goes to the log, and staff
read what was being done and the error's type only, never its text (an
unexpected error's text may quote a request, a key or a link)."""

from __future__ import annotations

import logging

from frontdesk.cliniko.errors import ClinikoError
from frontdesk.services.delivery.errors import DeliveryError

log = logging.getLogger("frontdesk.failure")


def failure_words(exc: BaseException, task: str) -> str:
    """Why *task* ("load the day") failed, as staff read it after "Could
    not load the day: "."""
    if isinstance(exc, ClinikoError):
        return str(exc)
    if isinstance(exc, DeliveryError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:  # a full disk, a folder not ours: the system's words
        return exc.strerror
    log.error("could not %s", task, exc_info=(type(exc), exc, exc.__traceback__))
    return f"an unexpected problem ({type(exc).__name__}); the details are in the log"


def failure_kind(exc: BaseException) -> str:
    """The header's kind of failure: Cliniko's own, else "error"."""
    return exc.kind if isinstance(exc, ClinikoError) else "error"
