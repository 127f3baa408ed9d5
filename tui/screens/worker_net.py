"""The one net under every background job.

A worker's state changes are told only to the node that runs it (Textual
does not bubble them), so each screen that runs workers mixes this in. A
job that ended in an error nobody caught is told in staff's words (see
:func:`frontdesk.services.failure.failure_words`), never as a traceback."""

from __future__ import annotations

from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from frontdesk.safe_text import clean
from frontdesk.services.failure import failure_words


class WorkerNet(MessagePump):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            task = worker.description or worker.name or "finish a background job"
            self.app.notify(clean(f"Could not {task}: {failure_words(worker.error, task)}."),
                            title="Something went wrong", severity="error", timeout=10, markup=False)
