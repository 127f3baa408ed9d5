"""One worker error path: a failure becomes staff's words in one function
(tui/services/failure.py), and a background job that fails with nothing to
catch it ends in a notification, never a traceback or a secret."""

from __future__ import annotations

import re
from pathlib import Path

from frontdesk.cliniko.errors import NetworkError
from frontdesk.services.delivery.errors import ChannelFailed
from frontdesk.services.failure import failure_words

from conftest import settle
from console_helpers import Heard

ROOT = Path(__file__).resolve().parent.parent
SECRET = "sk_live_0123456789abcdef"


def test_staff_errors_pass_through_and_a_bug_is_named_by_type_only():
    late = NetworkError("Cliniko did not answer in time")
    assert failure_words(late, "load the day") == str(late)
    assert failure_words(OSError(28, "No space left on device"), "save") == "No space left on device"
    assert failure_words(ChannelFailed("The email server did not take the message."), "send") == \
        "The email server did not take the message."
    words = failure_words(KeyError(SECRET), "search")
    assert SECRET not in words and "KeyError" in words and "log" in words


def test_screens_turn_no_failure_into_words_of_their_own():
    """The screens call failure_words; none names an exception's type or
    logs a traceback itself (that is how eight error nets grew eight phrasings)."""
    offenders = []
    for path in sorted((ROOT / "tui" / "screens").glob("*.py")) + sorted((ROOT / "widgets").glob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"type\(exc\)\.__name__|log\.exception\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []


async def test_a_background_job_that_fails_uncaught_is_told_in_words(make_app):
    app, heard = make_app(), Heard()
    async with app.run_test(size=(120, 36), message_hook=heard) as pilot:
        await settle(pilot)

        async def broken() -> None:
            raise RuntimeError(f"token {SECRET}")

        app.screen.run_worker(broken(), group="test", exit_on_error=False, description="print the day sheet")
        await settle(pilot)
        assert app.is_running
        said = [note for note in heard.notes if "print the day sheet" in note]
        assert said == ["Could not print the day sheet: an unexpected problem (RuntimeError); "
                        "the details are in the log."]
        assert not any(SECRET in note for note in heard.notes)
