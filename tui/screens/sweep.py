"""The morning sweep on screen: every Telehealth patient of the list whose
link may go and has not gone, each ticked (space unticks), and those left
out with their reason; y sends the ticked ones one by one through the
guarded send, with a progress bar and a line per patient; esc stops after
the send in flight, and once it is over closes. See
:mod:`frontdesk.services.sweep`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection

from frontdesk.domain.contact import CHANNEL_WORDS
from frontdesk.safe_text import clean
from frontdesk.screens.worker_net import WorkerNet
from frontdesk.services.delivery.service import DeliveryService
from frontdesk.services.sweep import FAILED, SENT, SweepPlan, SweepResult, run_sweep

MARK = {SENT: "✓", FAILED: "✕"}


@dataclass
class SweepProgress(Message, bubble=False):
    """One patient's send ended (n of the ticked ones)."""

    n: int
    result: SweepResult


class SweepDone(Message, bubble=False):
    """The sweep ended: every ticked patient tried, or stopped by esc."""


class SweepScreen(WorkerNet, ModalScreen[int]):
    """Dismissed with how many links were sent."""

    BINDINGS = [
        Binding("y", "send", "Send the ticked", id="sweep-send"),
        Binding("r", "reminded", "Skip Cliniko-reminded", id="sweep-reminded"),
        Binding("escape", "leave", "Stop / close", id="sweep-leave"),
    ]

    def __init__(self, plan: Callable[[bool], SweepPlan], delivery: DeliveryService | None,
                 who: Callable[[str], str], time_of: Callable[[object], str], trouble: str | None = None) -> None:
        super().__init__()
        #: the plan, with or without those Cliniko already reminded (r switches)
        self.planner = plan
        self.skip_reminded = False
        self.plan = plan(False)
        self.delivery = delivery
        self.who = who
        self.time_of = time_of
        #: why nothing may be swept now (this desk's log unreadable, delivery not set up)
        self.trouble = trouble or (None if delivery is not None else "Delivery is not set up: nothing can be sent.")
        self.stop = asyncio.Event()
        self.running = False
        self.over = False
        self.sent = 0
        self.results = Text()

    def _label(self, item, ticked: bool = True) -> str:
        """Ticked or not is said in words too ("send" / "skip"): the box's
        colour is not all there is on a monochrome terminal."""
        return (f"{'send' if ticked else 'skip'}  {self.time_of(item.view)}  {clean(self.who(item.attendee.name))}"
                f" · {CHANNEL_WORDS[item.channel]} {item.recipient}" + (f" · again: {item.again}" if item.again else ""))

    def compose(self) -> ComposeResult:
        items, left = self.plan.items, self.plan.left_out
        with Vertical(classes="dialog", id="sweep"):
            yield Static(Text(f"Morning sweep: {len(items)} to send, {len(left)} left out", style="bold"),
                         id="sweep-title")
            yield Static(self._hint(), id="sweep-hint")
            yield SelectionList[int](*(Selection(self._label(item), n, True) for n, item in enumerate(items)),
                                     id="sweep-list")
            yield ProgressBar(total=max(1, len(items)), show_eta=False, id="sweep-progress")
            with VerticalScroll(id="sweep-notes"):
                yield Static(self._left_out(), id="sweep-left-out")
                yield Static("", id="sweep-results")

    def _hint(self) -> str:
        if self.trouble:
            return f"Nothing can be sent: {self.trouble}"
        reminded = "r: include" if self.skip_reminded else "r: skip"
        if not self.plan.items:
            return f"Every link that may go has gone. {reminded} those Cliniko reminded · esc closes."
        return (f"space unticks · y sends the ticked, one by one (checked with Cliniko first) · {reminded} those "
                "Cliniko already reminded · esc closes")

    def _left_out(self) -> Text:
        text = Text()
        if self.plan.left_out:
            text.append("Left out:\n", style="bold")
        for out in self.plan.left_out:
            text.append(f"  {self.time_of(out.view)}  {clean(self.who(out.attendee.name))}: {clean(out.reason)}\n")
        return text

    def on_mount(self) -> None:
        self.query_one("#sweep-list").focus()

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        n = event.selection_index
        ticked = event.selection.value in event.selection_list.selected
        event.selection_list.replace_option_prompt_at_index(n, self._label(self.plan.items[n], ticked))

    def ticked(self) -> list[int]:
        return sorted(self.query_one(SelectionList).selected)

    def action_reminded(self) -> None:
        """Leave out (or back in) the patients Cliniko says it reminded."""
        if self.running or self.over:
            return
        self.skip_reminded = not self.skip_reminded
        self.plan = self.planner(self.skip_reminded)
        self.refresh(recompose=True)
        self.call_after_refresh(self.on_mount)  # the new list takes the keys

    def action_send(self) -> None:
        if self.running or self.over or self.trouble or self.delivery is None:
            return
        chosen = [self.plan.items[n] for n in self.ticked()]
        if not chosen:
            self.query_one("#sweep-hint", Static).update("Nothing ticked: space ticks a patient.")
            return
        self.running = True
        self.query_one(SelectionList).disabled = True
        self.query_one(ProgressBar).update(total=len(chosen), progress=0)
        self.query_one("#sweep-hint", Static).update(f"Sending {len(chosen)}, one by one… esc stops after "
                                                    "the one in flight.")
        self._sweep(chosen)

    @work(group="sweep", exclusive=True, exit_on_error=False, description="send the sweep's links")
    async def _sweep(self, chosen) -> None:
        try:
            await run_sweep(self.delivery, chosen, on_result=lambda n, r: self.post_message(SweepProgress(n, r)),
                            stop=self.stop)
        finally:
            self.post_message(SweepDone())

    def on_sweep_progress(self, message: SweepProgress) -> None:
        result = message.result
        self.sent += result.outcome == SENT
        self.query_one(ProgressBar).advance(1)
        self.results.append(f"{MARK.get(result.outcome, '–')} {self.time_of(result.item.view)}  "
                            f"{clean(self.who(result.item.attendee.name))}: {clean(result.words)}\n")
        self.query_one("#sweep-results", Static).update(self.results)
        self.query_one("#sweep-notes").scroll_end(animate=False)  # the latest result in view

    def on_sweep_done(self, _: SweepDone) -> None:
        self.running = False
        self.over = True
        stopped = " (stopped)" if self.stop.is_set() else ""
        self.query_one("#sweep-hint", Static).update(f"Done{stopped}: {self.sent} sent. esc closes.")

    def action_leave(self) -> None:
        if self.running:
            self.stop.set()
            self.query_one("#sweep-hint", Static).update("Stopping after the send in flight…")
            return
        self.dismiss(self.sent)
