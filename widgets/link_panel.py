"""Both Telehealth links with their roles in words, and the send button.

The patient link is masked (host kept, token hidden) unless revealed; a
non-Telehealth appointment's patient link is dimmed and labelled as leading
nowhere. The button is disabled, with the reason beside it, whenever the
send decision says no.

The panel owns which attendee of a group is chosen (``,`` and ``.`` move
it); it says so with :class:`LinkPanel.AttendeeChosen`, and ``chosen`` reads
it. Everything else comes down as reactives from the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button

from tui.domain.arrival import late_attendees, minutes_late
from tui.domain.links import NOT_A_PRACTITIONER_LINK, PATIENT_LABEL, PRACTITIONER_LABEL
from tui.domain.wording import DEAD_LINK
from tui.services.day import AppointmentView, AttendeeView
from tui.domain.wording import person_name
from widgets.text import clean
from widgets.text_lines import TextLines


class LinkPanel(Vertical):
    DEFAULT_CSS = """
    LinkPanel { height: auto; padding: 0 1; }
    LinkPanel .links { height: auto; }
    LinkPanel #attendee-links { height: auto; max-height: 16; }
    LinkPanel #send-row { height: auto; margin-top: 1; }
    LinkPanel #send { min-width: 18; }
    LinkPanel #send-reason { width: 1fr; padding: 0 1; }
    """

    class SendRequested(Message):
        """The send button was pressed (the screen decides what happens)."""

    @dataclass
    class AttendeeChosen(Message):
        """Another attendee (or appointment) is chosen: a reveal ends."""

        attendee: AttendeeView | None

    view: reactive[AppointmentView | None] = reactive(None, always_update=True)
    now: reactive[datetime | None] = reactive(None)
    revealed = reactive(False)
    privacy = reactive(False)
    #: channels set up in the config
    configured: reactive[tuple[str, ...]] = reactive(())
    #: "already sent …" notes, by attendee id (this desk's log and other desks')
    sent_notes: reactive[dict[str, str]] = reactive(dict)
    sending = reactive(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._index = 0
        self._view_id: str | None = None
        #: a video call this old with its patient not marked arrived reads "late?"
        self.late_after = timedelta(minutes=5)

    def compose(self) -> ComposeResult:
        yield TextLines(classes="links", id="practitioner-link")
        with VerticalScroll(id="attendee-links"):  # a long group scrolls here; the send row stays
            yield TextLines(classes="links", id="patient-links")
        with Horizontal(id="send-row"):
            yield Button("Send to patient", id="send", disabled=True, compact=True)
            yield TextLines(id="send-reason")

    @property
    def chosen(self) -> AttendeeView | None:
        v = self.view
        if v is None or not v.attendees:
            return None
        return v.attendees[min(self._index, len(v.attendees) - 1)]

    def choose_next(self) -> None:
        self._choose(self._index + 1)

    def choose_previous(self) -> None:
        self._choose(self._index - 1)

    def _choose(self, index: int) -> None:
        v = self.view
        if v is None or not 0 <= index < len(v.attendees) or index == self._index:
            return
        self._index = index
        self.revealed = False
        self._redraw()
        self.post_message(self.AttendeeChosen(self.chosen))

    def on_mount(self) -> None:
        self.watch(self, "view", self._new_view, init=False)
        for name in ("now", "revealed", "privacy", "configured", "sent_notes", "sending"):
            self.watch(self, name, self._redraw, init=False)
        self._redraw()

    def _new_view(self, view: AppointmentView | None) -> None:
        """Another appointment starts at its first attendee; the same one
        (new data) keeps the attendee chosen."""
        view_id = view.id if view is not None else None
        if view_id != self._view_id:
            self._view_id = view_id
            self._index = 0
            self.revealed = False
            self.post_message(self.AttendeeChosen(self.chosen))
        self._redraw()

    def _redraw(self, *_: object) -> None:
        if not self.is_mounted:
            return
        practitioner = self.query_one("#practitioner-link", TextLines)
        patients = self.query_one("#patient-links", TextLines)
        button = self.query_one("#send", Button)
        reason = self.query_one("#send-reason", TextLines)
        v = self.view
        if v is None or self.now is None:
            practitioner.update(Text(""))
            patients.update(Text(""))
            button.disabled = True
            reason.update(Text(""))
            return
        text = Text()
        text.append(PRACTITIONER_LABEL + "\n", style="bold")
        link = v.practitioner_link
        if link is not None:
            text.append(link.url + "\n", style="" if v.telehealth == "on" else "dim")
        elif v.practitioner_link_refused:
            text.append(NOT_A_PRACTITIONER_LINK + "\n", style="bold")
        else:
            text.append("Cliniko gave no practitioner link\n", style="dim")
        practitioner.update(text, min_lines=3)

        dead = v.telehealth != "on"
        text = Text()
        text.append(PATIENT_LABEL + "\n", style="bold")
        if dead:
            text.append(DEAD_LINK[v.telehealth] + "\n", style="italic")
        if not v.attendees:
            text.append("No attendee on this appointment\n", style="dim")
        chosen = self.chosen
        for a in v.attendees:
            marker = "▶ " if (a is chosen and len(v.attendees) > 1) else ("  " if len(v.attendees) > 1 else "")
            name = person_name(a.name, private=self.privacy)
            shown = "Cliniko gave no patient link"
            if a.link is not None:
                shown = a.link.url if (self.revealed and a is chosen) else a.link.masked()
            elif a.link_problem:
                shown = "not a Cliniko patient link — hidden, never sent"
            style = "dim" if dead or not a.active else ""
            suffix = " (cancelled)" if not a.active else " (arrived)" if v.kind == "group" and a.attendee.arrived else ""
            text.append(f"{marker}{name}{suffix}: ", style=style + (" bold" if a is chosen else ""))
            text.append(shown + "\n", style=style)
        if self.revealed and chosen is not None:
            text.append("Revealed — hides again shortly\n", style="bold")
        note = self.sent_notes.get(chosen.attendee.id, "") if chosen is not None else ""
        if note:
            text.append(clean(note) + "\n", style="bold")
        late = late_attendees(v.appointment, v.appointment_type, [a.attendee for a in v.attendees],
                              self.now, self.late_after)
        if chosen is not None and chosen.attendee in late:
            minutes = minutes_late(v.appointment, self.now)
            again = "resends" if note else "sends"  # a note: it went, or may have gone
            text.append(f"Late? Not marked arrived {minutes} min after the start — s {again} the link, "
                        "A marks arrived\n", style="bold")
        patients.update(text, min_lines=4 + len(v.attendees))

        decision = v.decision(chosen, self.now, self.configured)
        disabled = not decision.allowed or self.sending
        if button.disabled != disabled:
            button.disabled = disabled
        if self.sending:
            reason.update(Text("Sending…", style="bold"), min_lines=2)
        elif decision.allowed:
            who = person_name(chosen.name, private=self.privacy)
            reason.update(Text(f"Ready to send to {who}", style="bold"), min_lines=2)
        else:
            reason.update(Text(f"Cannot send: {decision.reason}"), min_lines=2)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.post_message(self.SendRequested())
