"""Both Telehealth links with their roles in words, and the send button.

The patient link is masked (host kept, token hidden) unless revealed; a
non-Telehealth appointment's patient link is dimmed and labelled as leading
nowhere. The button is disabled, with the reason beside it, whenever the
send decision says no.

The panel owns its keys (:attr:`LinkPanel.KEYS`: reveal, copy, send and
the attendee moves), which attendee of a group is chosen, and how long a
revealed link stays shown. It asks for what needs the audit log, the
clipboard or Cliniko with messages carrying the appointment and attendee
(:class:`RevealRequested`, :class:`CopyRequested`, :class:`SendRequested`);
everything else comes down as reactives from the screen: above all
``shown`` (frontdesk.services.shown), the appointment with each attendee's
name and send decision already made, so the panel restates no rule. Adding
a key here is one Binding in ``KEYS`` and one ``action_`` method.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Button

from frontdesk.domain.terms import ours
from frontdesk.domain.links import NOT_A_PRACTITIONER_LINK, PATIENT_LABEL, PRACTITIONER_LABEL
from frontdesk.domain.wording import DEAD_LINK
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.shown import ShownAppointment, ShownAttendee
from frontdesk.services.row_marks import SENT, UNSURE, SentNote
from frontdesk.domain.contact import CHANNEL_WORDS
from frontdesk.widgets.text import clean
from frontdesk.widgets.text_lines import TextLines


class LinkPanel(Vertical):
    DEFAULT_CSS = """
    LinkPanel { height: auto; padding: 0 1; }
    LinkPanel .links { height: auto; }
    LinkPanel #attendee-links { height: auto; max-height: 16; }
    LinkPanel #send-row { height: auto; margin-top: 1; }
    LinkPanel #send { min-width: 18; }
    LinkPanel #send-reason { width: 1fr; padding: 0 1; }
    LinkPanel.compact #send-row { margin-top: 0; }
    """

    #: bound on the console screen, which hands each press to the panel
    #: (``panel('name')`` runs ``action_name`` here): focus stays on the list
    KEYS = [
        Binding("v", "panel('reveal')", "Reveal", id="reveal", tooltip="Show the patient link for a few seconds (audited)"),
        Binding("c", "panel('copy_patient')", "Copy", id="copy-patient",
                tooltip="Copy the patient link when it is a live Telehealth link of this account (audited)"),
        Binding("p", "panel('copy_practitioner')", "Copy pract.", show=False, id="copy-practitioner",
                tooltip="Copy the practitioner / admin link"),
        Binding("s", "panel('send')", "Send", id="send", tooltip="Send the patient link to the patient"),
        Binding("comma", "panel('previous_attendee')", "Prev attendee", show=False, id="prev-attendee",
                tooltip="Group: previous attendee"),
        Binding("full_stop", "panel('next_attendee')", "Next attendee", show=False, id="next-attendee",
                tooltip="Group: next attendee"),
    ]

    @dataclass
    class RevealRequested(Message):
        view: AppointmentView | None
        attendee: AttendeeView | None

    @dataclass
    class CopyRequested(Message):
        view: AppointmentView | None
        attendee: AttendeeView | None
        role: str  # "patient" or "practitioner"

    @dataclass
    class SendRequested(Message):
        """s or the send button (the screen decides what happens)."""

        view: AppointmentView | None
        attendee: AttendeeView | None

    shown: reactive[ShownAppointment | None] = reactive(None, always_update=True)
    revealed = reactive(False)
    #: "already sent …" notes, by attendee id (this desk's log and other desks')
    sent_notes: reactive[dict[str, SentNote]] = reactive(dict)
    sending = reactive(False)
    #: a short terminal: one line per thing (link, chosen attendee, note, send state)
    compact = reactive(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._index = 0
        self._view_id: str | None = None
        self._hide: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TextLines(classes="links", id="practitioner-link")
        with VerticalScroll(id="attendee-links"):  # a long group scrolls here; the send row stays
            yield TextLines(classes="links", id="patient-links")
        with Horizontal(id="send-row"):
            yield Button("Send to patient", id="send", disabled=True, compact=True)
            yield TextLines(id="send-reason")

    @property
    def view(self) -> AppointmentView | None:
        return self.shown.view if self.shown is not None else None

    @property
    def chosen(self) -> AttendeeView | None:
        chosen = self._chosen()
        return chosen.view if chosen is not None else None

    def _chosen(self) -> ShownAttendee | None:
        shown = self.shown
        if shown is None or not shown.attendees:
            return None
        return shown.attendees[min(self._index, len(shown.attendees) - 1)]

    # -- keys ----------------------------------------------------------------

    def action_reveal(self) -> None:
        self.post_message(self.RevealRequested(self.view, self.chosen))

    def action_copy_patient(self) -> None:
        self.post_message(self.CopyRequested(self.view, self.chosen, "patient"))

    def action_copy_practitioner(self) -> None:
        self.post_message(self.CopyRequested(self.view, self.chosen, "practitioner"))

    def action_send(self) -> None:
        self.post_message(self.SendRequested(self.view, self.chosen))

    def action_next_attendee(self) -> None:
        self._choose(self._index + 1)

    def action_previous_attendee(self) -> None:
        self._choose(self._index - 1)

    def reveal_for(self, seconds: float, view_id: str, attendee_id: str) -> bool:
        """Show the chosen attendee's link for *seconds* (its reveal is
        audited by then); False when the choice moved on meanwhile."""
        chosen = self.chosen
        if self.view is None or self.view.id != view_id or chosen is None or chosen.attendee.id != attendee_id:
            return False
        self.revealed = True
        if self._hide is not None:
            self._hide.stop()
        self._hide = self.set_timer(seconds, self._hide_link, name="reveal")
        return True

    def _hide_link(self) -> None:
        self._hide = None
        self.revealed = False

    def watch_revealed(self, revealed: bool) -> None:
        if not revealed and self._hide is not None:  # another attendee or appointment: hidden at once
            self._hide.stop()
            self._hide = None

    def _choose(self, index: int) -> None:
        v = self.view
        if v is None or not 0 <= index < len(v.attendees) or index == self._index:
            return
        self._index = index
        self.revealed = False
        self._redraw()
        self.call_after_refresh(self._scroll_to_chosen)

    def _scroll_to_chosen(self) -> None:
        """A long group scrolls so the ▶ line is in view (never left off screen)."""
        v = self.view
        if v is None or self.compact:
            return
        line = 1 + (v.telehealth != "on") + min(self._index, len(v.attendees) - 1)
        scroller = self.query_one("#attendee-links", VerticalScroll)
        if not scroller.scroll_y <= line < scroller.scroll_y + scroller.scrollable_content_region.height:
            scroller.scroll_to(y=max(0, line - 1), animate=False)

    def on_mount(self) -> None:
        self.watch(self, "shown", self._new_view, init=False)
        for name in ("revealed", "sent_notes", "sending", "compact"):
            self.watch(self, name, self._redraw, init=False)
        self._redraw()

    def _new_view(self, shown: ShownAppointment | None) -> None:
        """Another appointment starts at its first attendee; the same one
        (new data, the clock, privacy) keeps the attendee chosen."""
        view_id = shown.view.id if shown is not None else None
        if view_id != self._view_id:
            self._view_id = view_id
            self._index = 0
            self.revealed = False
        self._redraw()

    def _redraw(self, *_: object) -> None:
        if not self.is_mounted:
            return
        practitioner = self.query_one("#practitioner-link", TextLines)
        patients = self.query_one("#patient-links", TextLines)
        button = self.query_one("#send", Button)
        reason = self.query_one("#send-reason", TextLines)
        shown = self.shown
        if shown is None:
            practitioner.update(Text(""))
            patients.update(Text(""))
            button.disabled = True
            reason.update(Text(""))
            return
        v, chosen = shown.view, self._chosen()
        compact = self.compact
        self.set_class(compact, "compact")
        practitioner.update(self._practitioner_text(v, compact), min_lines=1 if compact else 3)
        patients.update(self._patient_text(shown, chosen, compact),
                        min_lines=3 if compact else 4 + len(v.attendees))

        decision = chosen.decision if chosen is not None else shown.unattended
        label = ours("Send to patient")
        if str(button.label) != label:
            button.label = label
        disabled = not decision.allowed or self.sending
        if button.disabled != disabled:
            button.disabled = disabled
        lines = 1 if self.compact else 2
        if self.sending:
            reason.update(self._line("Sending…", "bold"), min_lines=lines)
        elif decision.allowed and chosen is not None:
            reason.update(self._line(f"Ready to send to {chosen.name}", "bold"), min_lines=lines)
        else:
            reason.update(self._line(f"Cannot send: {decision.reason}"), min_lines=lines)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.action_send()

    def _line(self, words: str, style: str = "") -> Text:
        """Compact: one line, cut with an ellipsis (tab grows the pane)."""
        return Text(words, style=style, no_wrap=self.compact, overflow="ellipsis" if self.compact else None)

    def _practitioner_text(self, v: AppointmentView, compact: bool) -> Text:
        text = self._line("")
        text.append(PRACTITIONER_LABEL + (": " if compact else "\n"), style="bold")
        link = v.practitioner_link
        if link is not None:
            text.append(link.url, style="" if v.telehealth == "on" else "dim")
        elif v.practitioner_link_refused:
            text.append(NOT_A_PRACTITIONER_LINK, style="bold")
        else:
            text.append("Cliniko gave no practitioner link", style="dim")
        return text if compact else text + "\n"

    def _patient_text(self, shown: ShownAppointment, chosen: ShownAttendee | None, compact: bool) -> Text:
        """The patient link's label, each attendee's masked link (compact:
        the chosen one, with its place in a group), then the notes."""
        v = shown.view
        dead = v.telehealth != "on"
        text = self._line("")
        text.append(ours(PATIENT_LABEL), style="bold")
        if dead and not compact:  # compact: it leads the notes line, where it fits whole
            text.append("\n" + DEAD_LINK[v.telehealth], style="italic")
        text.append("\n")
        if not v.attendees:
            text.append("No attendee on this appointment\n", style="dim")
        many = len(shown.attendees) > 1
        for n, a in enumerate(shown.attendees, 1):
            if compact and a is not chosen:
                continue
            active = a.view.active
            style = "dim" if dead or not active else ""
            suffix = " (cancelled)" if not active else " (arrived)" if v.kind == "group" and a.view.attendee.arrived else ""
            if many and not compact:  # a group: who, sent or not, how they'll be reached; the link once, below
                text.append(f"{'▶ ' if a is chosen else '  '}{a.name}{suffix}", style=style + (" bold" if a is chosen else ""))
                text.append(f" · {self._reach(a)}\n", style=style)
                continue
            marker = f"▶ {n}/{len(shown.attendees)} (, .) " if many else ""
            text.append(f"{marker}{a.name}{suffix}: ", style=style + (" bold" if a is chosen else ""))
            text.append(self._shown_link(a.view, a is chosen) + "\n", style=style)
        if many and not compact and chosen is not None:
            text.append(f"Link of ▶ {chosen.name}: ", style="bold")
            text.append(self._shown_link(chosen.view, True) + "\n", style="dim" if dead or not chosen.view.active else "")
        notes = ([DEAD_LINK[v.telehealth]] if dead and compact else []) + self._notes(shown, chosen)
        text.append(" · ".join(notes) if compact else "".join(f"{n}\n" for n in notes), style="bold")
        if compact:
            text.rstrip()  # exactly its lines: the pane is counted to the line at 80x24
        return text

    def _shown_link(self, a: AttendeeView, chosen: bool) -> str:
        """The patient link as shown: masked unless revealed (the chosen only)."""
        if a.link is not None:
            return a.link.url if (self.revealed and chosen) else a.link.masked()
        if a.link_problem:
            return ours("not a Cliniko patient link — hidden, never sent")
        return ours("Cliniko gave no patient link")

    def _reach(self, a: ShownAttendee) -> str:
        """A group attendee in a few words: sent or not, and by what."""
        sent = self.sent_notes.get(a.view.attendee.id)
        mark = {SENT: "✓ sent", UNSURE: "? may have gone"}.get(sent.mark, "not sent") if sent is not None else "not sent"
        channel = a.decision.default_channel if a.decision.allowed else None
        how = f"by {CHANNEL_WORDS[channel]}" if channel else "cannot be sent"
        return f"{mark} · {how}"

    def _notes(self, shown: ShownAppointment, chosen: ShownAttendee | None) -> list[str]:
        """Revealed, sent (or may have been), late: what staff must not miss."""
        notes = []
        if self.revealed and chosen is not None:
            notes.append("Revealed — hides again shortly")
        sent = self.sent_notes.get(chosen.view.attendee.id) if chosen is not None else None
        note = sent.words if sent is not None else ""
        if note:
            notes.append(clean(note))
        if chosen is not None and chosen.late:
            minutes = shown.minutes_in
            again = "resends" if note else "sends"  # a note: it went, or may have gone
            notes.append(f"Late? Not marked arrived {minutes} min after the start — s {again} the link, "
                         "A marks arrived")
        return notes
