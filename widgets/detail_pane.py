"""Details of the highlighted appointment, drawn from loaded data only: the
appointment as shown (frontdesk.services.shown), names already as the
screen may show them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.reactive import reactive

from frontdesk.domain.terms import ours
from frontdesk.domain.clock import clock_time, date_and_time, weekday_date
from frontdesk.domain.wording import STATUS_LABELS, TELEHEALTH_LONG, reminder_flags
from frontdesk.services.shown import ShownAppointment
from frontdesk.services.team_log import cliniko_sent_words
from frontdesk.widgets.text import clean
from frontdesk.widgets.text_lines import TextLines


def _when(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    return f"{clock_time(a)}–{clock_time(b)} {weekday_date(a.date())}"


class DetailPane(TextLines, can_focus=False):
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; height: auto; }
    """

    shown: reactive[ShownAppointment | None] = reactive(None, always_update=True)

    def on_mount(self) -> None:
        self.watch(self, "shown", self._show, init=False)
        self._show()

    def _show(self, *_: object) -> None:
        shown = self.shown
        extra = len(shown.attendees) + 1 if shown is not None and shown.view.kind == "group" else 0
        self.update(self.describe(), min_lines=10 + extra)

    def describe(self) -> Text:
        shown = self.shown
        if shown is None:
            return Text("No appointment selected.", style="dim")
        v = shown.view
        out = Text()

        def row(label: str, value: str, style: str = "") -> None:
            out.append(f"{label:<13}", style="bold")
            out.append(clean(value) + "\n", style=style)

        appt = v.appointment
        out.append(clean(shown.title), style="bold")
        if v.kind == "group":
            out.append(clean(f"  ({v.type_name})"))
        elif shown.legal_name:
            out.append(f"  (legal name {clean(shown.legal_name)})", style="dim")
        out.append("\n")
        zone_name = v.business.time_zone if v.business and v.business.time_zone else v.zone.key
        row("Time", f"{_when(appt.starts_at, appt.ends_at, v.zone)} ({clean(zone_name)}, clinic)")
        theirs = shown.patient_clock
        if theirs is not None and theirs.zone is not None:
            row(ours("Patient time"), f"{_when(appt.starts_at, appt.ends_at, theirs.zone)} ({theirs.zone.key})")
        elif theirs is not None and theirs.unknown:
            row(ours("Patient time"), theirs.words)
        row("Practitioner", v.practitioner_name)
        row("Type", f"{v.type_name} — {TELEHEALTH_LONG[v.telehealth]}")
        row("Location", v.business_name)
        status = STATUS_LABELS[v.status]
        if v.kind == "individual" and appt.cancelled_at is not None and appt.cancellation_reason_description:
            status += f" ({appt.cancellation_reason_description})"
        row("Status", status, "bold" if v.status == "cancelled" else "")
        if v.kind == "individual":
            row("Reminders", f"Cliniko's: {reminder_flags(appt.email_reminder_sent, appt.sms_reminder_sent)}")
            if shown.cliniko_sent:
                when = lambda moment: date_and_time(moment.astimezone(v.zone))  # noqa: E731
                row("Cliniko sent", cliniko_sent_words(shown.cliniko_sent, when) + " (may carry the link)")
        if appt.notes:
            row("Notes", appt.notes)
        if v.kind == "group":
            out.append("Attendees\n", style="bold")
            for a in shown.attendees:
                active = a.view.active
                mark = "  " if active else "✕ "
                state = "" if active else " (cancelled)"
                if a.view.attendee.arrived:
                    state += " (arrived)"
                out.append(f"  {mark}{a.name}{state}\n")
        return out
