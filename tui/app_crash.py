"""An unexpected error in the console: one sentence for staff, never a
traceback.

Textual has no public hook for this: its own handler prints the traceback
*with local variables* (an API key or a patient link can sit in one). So
this mixin overrides the two private methods that handle a crash, and
nothing else; tests/test_secrets.py drives a real crash through them, so a
Textual upgrade that renames them fails a test rather than leaking.
"""

from __future__ import annotations

from rich.text import Text

from frontdesk.crash import crash_message, record_crash


class CrashInPlainWords:
    """Mixed into :class:`~frontdesk.app.FrontdeskApp` (before ``App``)."""

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error
        super()._handle_exception(error)  # type: ignore[misc]

    def _fatal_error(self) -> None:
        """The sentence on the terminal; the details, scrubbed and without
        locals, in crash.log (0600)."""
        error = getattr(self, "_crash", None) or RuntimeError("unknown error")
        where = record_crash(error, self.config.cliniko.key())  # type: ignore[attr-defined]
        self.bell()  # type: ignore[attr-defined]
        self._exit_renderables.append(Text(crash_message(error, where)))  # type: ignore[attr-defined]
        self._close_messages_no_wait()  # type: ignore[attr-defined]
