"""What the console is showing, as plain data: which day and load, the
filter, and which appointment the cursor should be on. No Textual here, so
tests can drive it without a terminal; the screen holds one and draws it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from frontdesk.domain.clock import clock_time, date_and_time
from frontdesk.cliniko.models import Business
from frontdesk.domain.days import DayWanted, date_label, day_words
from frontdesk.domain.practitioners import whose_list
from frontdesk.domain.sync_words import SyncFacts, location_labels, sync_status
from frontdesk.domain.timezones import business_zone
from frontdesk.domain.wording import person_name
from frontdesk.safe_text import clean
from frontdesk.services.day import AppointmentView, Day
from frontdesk.services.row_marks import NOT_SENT, RowMarks
from frontdesk.services.sent_ledger import SentLedger

#: the status filter's steps, in the order its key cycles through them
STATUS_FILTERS = ("all", "not_arrived", "late", "not_sent")
STATUS_FILTER_WORDS = {"all": "", "not_arrived": "not arrived yet", "late": "late?", "not_sent": "link not sent"}


@dataclass(frozen=True, slots=True)
class HeaderWords:
    """What the header says: where, whose list, which day, how fresh."""

    location: str
    location_short: str
    date_label: str | None
    sync: str


def haystack(view: AppointmentView) -> str:
    """The words a filter searches: patient(s), practitioner, type."""
    words = [view.patient_label(), view.practitioner_name, view.type_name, *(a.name for a in view.attendees)]
    return "\n".join(clean(w).casefold() for w in words)


@dataclass
class ConsoleState:
    #: the day staff asked for: a date, or one relative to today (None: today in the home location)
    requested_date: DayWanted | None = None
    #: the date on screen, once known
    local_date: date | None = None
    day: Day | None = None
    #: bumped by every load; answers for an older one are dropped
    generation: int = 0
    filter_text: str = ""
    telehealth_only: bool = False
    #: one of STATUS_FILTERS
    status_filter: str = "all"
    #: one practitioner's day (None: everyone's)
    practitioner_id: str | None = None
    #: each row's sent and late marks (see frontdesk.services.row_marks)
    marks: dict[str, RowMarks] = field(default_factory=dict)
    #: this desk's sends of the day, as last read from the audit log
    sent: SentLedger = field(default_factory=SentLedger)
    #: the appointment the panes describe
    current_id: str | None = None
    #: until staff move the cursor, it follows the next appointment due
    user_moved: bool = False
    #: the appointment staff chose: kept through reloads, even while the
    #: rows arriving do not include it yet
    wanted: str | None = None
    #: a load is under way
    busy: bool = False
    #: the last failure: (ClinikoError kind, its sentence, since when); None once a load succeeds
    failure: tuple[str, str, datetime] | None = None
    privacy: bool = False
    #: the home location's zone, for times the console shows (sync, sends)
    zone: ZoneInfo | None = None
    _searchable: list[tuple[AppointmentView, str]] | None = field(default=None, repr=False)
    _calls: list[AppointmentView] | None = field(default=None, repr=False)
    #: where each appointment stands in the day's list and in the rows shown (for replace)
    _at: dict[str, int] = field(default_factory=dict, repr=False)
    _shown_at: dict[str, int] | None = field(default=None, repr=False)
    shown: list[AppointmentView] = field(default_factory=list)
    _told: set[str] = field(default_factory=set, repr=False)

    def new_load(self) -> int:
        self.generation += 1
        self.busy = True
        return self.generation

    def loaded(self, day: Day) -> None:
        self.day = day
        if day.complete:
            self.busy = False
            self.failure = None

    def failed(self, generation: int, kind: str, sentence: str, now: datetime) -> bool:
        """Note a failure; False when it is about a load no longer on screen."""
        if generation not in (self.generation, -1):
            return False
        if generation == self.generation:
            self.busy = False
        self.failure = (kind, sentence, self.failure[2] if self.failure else now)
        return True

    def untold(self, problems: list[str]) -> list[str]:
        """The problems (unreadable rows, unknown zones) not yet said to staff."""
        fresh = [p for p in problems if p not in self._told]
        self._told.update(fresh)
        return fresh

    def who(self, name: str) -> str:
        """A patient's name as shown: initials on a shared screen."""
        return person_name(name, private=self.privacy)

    def when(self, moment: datetime) -> str:
        return date_and_time(moment.astimezone(self.zone) if self.zone else moment)

    def time_of(self, moment: datetime, now: datetime) -> str:
        """"08:02" on *now*'s date in the clinic, else "24 Nov 08:02"."""
        local = moment.astimezone(self.zone) if self.zone else moment
        today = now.astimezone(self.zone).date() if self.zone else now.date()
        return clock_time(local) if local.date() == today else date_and_time(local)

    def today(self, now: datetime) -> date | None:
        """Today at the home location (None until its zone is known)."""
        return now.astimezone(self.zone).date() if self.zone else None

    def not_today(self, moment: datetime | None, now: datetime) -> str:
        """"tomorrow", "Mon 23 Nov"…: the date of *moment* on the list's
        clock (the day shown when it is None) when that is not today; "" when it is."""
        on = moment.astimezone(self.zone).date() if moment and self.zone else self.local_date
        today = self.today(now)
        return day_words(on, today) if on and today and on != today else ""

    def hhmm(self, moment: datetime) -> str:
        return clock_time(moment.astimezone(self.zone)) if self.zone else f"{clock_time(moment)} UTC"

    def set_home(self, home: Business | None) -> None:
        """The home location's zone: the header's clock and the list's."""
        self.zone = business_zone(home) if home else None

    def header_words(self, businesses: dict[str, Business], business_id: str | None, now: datetime) -> HeaderWords:
        """The header's words for the day on screen (*businesses*: the day's
        locations, or those known before it loads)."""
        whose = self.day.practitioners.get(self.practitioner_id or "") if self.day else None
        location, short = whose_list(location_labels(businesses, business_id, self.zone), whose)
        label = date_label(self.local_date, self.today(now)) if self.local_date else None
        return HeaderWords(location, short, label, sync_status(self.sync_facts()))

    def sync_facts(self) -> SyncFacts:
        day, failure, hhmm = self.day, self.failure, self.hhmm
        extras = (["Telehealth only"] if self.telehealth_only else []) \
            + ([STATUS_FILTER_WORDS[self.status_filter]] if self.status_filter != "all" else []) \
            + ([f"filter “{self.filter_text}”"] if self.filter_text else []) + (["initials"] if self.privacy else [])
        return SyncFacts(
            loading=self.busy, loaded_count=len(day.appointments) if day else 0, shown_count=len(self.shown),
            complete=bool(day and day.complete), has_day=day is not None,
            synced_at=hhmm(day.synced_at) if day and day.synced_at else None,
            failure=failure[0] if failure else None, failure_text=failure[1] if failure else "",
            failed_since=hhmm(failure[2]) if failure else None, extras=tuple(extras))

    def day_turned(self, now: datetime) -> date | None:
        """The new date when staff are on today (no date asked for) and the
        home location's clock has passed midnight since it loaded; None
        otherwise (a day staff chose stays put)."""
        if self.requested_date is not None or self.zone is None or self.local_date is None or self.busy:
            return None
        today = now.astimezone(self.zone).date()
        return today if today != self.local_date else None

    def go_to(self, requested: DayWanted | None) -> None:
        """Another day (or location): nothing of the last one is kept."""
        self.requested_date = requested
        if isinstance(requested, date):
            self.local_date = requested
        self.day = None
        self.current_id = None
        self.user_moved = False
        self.wanted = None
        self.shown = []
        self._shown_at = None
        self.marks = {}
        self.sent = SentLedger()
        self._searchable = None
        self._calls = None

    def moved_to(self, appointment_id: str | None) -> None:
        """Staff moved the cursor: from now on it stays where they put it."""
        self.user_moved = True
        self.wanted = appointment_id

    def views_of_day(self, *, data_changed: bool = False) -> list[AppointmentView]:
        """Every appointment of the day, filters or not (rebuilt only when
        the data changed)."""
        if self.day is None:
            return []
        if data_changed or self._searchable is None:
            self._searchable = [(v, haystack(v)) for v in self.day.views()]
            self._at = {v.id: n for n, (v, _) in enumerate(self._searchable)}
            self._calls = None
        return [v for v, _ in self._searchable]

    def calls(self) -> list[AppointmentView]:
        """The day's Telehealth calls (flag on), by start: what up next and
        the clock's tick look through."""
        if self._calls is None:
            calls = [v for v in self.views_of_day() if v.telehealth == "on" and self.theirs(v)]
            self._calls = sorted(calls, key=lambda v: v.appointment.starts_at)
        return self._calls

    def visible(self, *, data_changed: bool = False) -> list[AppointmentView]:
        """The day's rows through the filter and the Telehealth-only switch.
        Views and their search text are rebuilt only when the data changed,
        not on every keystroke of the filter."""
        if self.day is None:
            return []
        self.views_of_day(data_changed=data_changed)
        pairs = self._searchable or []
        if self.practitioner_id is not None:
            pairs = [(v, h) for v, h in pairs if self.theirs(v)]
        if self.telehealth_only:
            pairs = [(v, h) for v, h in pairs if v.telehealth == "on"]
        if self.status_filter != "all":
            pairs = [(v, h) for v, h in pairs if self.passes_status(v)]
        needle = self.filter_text.casefold().strip()
        if needle:
            pairs = [(v, h) for v, h in pairs if needle in h]
        self.shown = [v for v, _ in pairs]
        self._shown_at = None
        return self.shown

    def theirs(self, view: AppointmentView) -> bool:
        """On the chosen practitioner's list (everyone's when none is chosen)."""
        return self.practitioner_id is None or view.appointment.practitioner_id == self.practitioner_id

    def choose_practitioner(self, practitioner_id: str | None) -> None:
        self.practitioner_id = practitioner_id
        self._calls = None

    def passes_status(self, view: AppointmentView) -> bool:
        marks = self.marks.get(view.id)
        if self.status_filter == "not_arrived":
            return view.status == "booked"
        if self.status_filter == "late":
            return marks is not None and marks.late > 0
        if self.status_filter == "not_sent":
            return marks is not None and marks.sent == NOT_SENT
        return True

    def next_status_filter(self) -> str:
        self.status_filter = STATUS_FILTERS[(STATUS_FILTERS.index(self.status_filter) + 1) % len(STATUS_FILTERS)]
        return self.status_filter

    def replace(self, view: AppointmentView) -> None:
        """One appointment changed (an arrival): swap its view in place,
        without rebuilding the day's (on a 5,000-row day, a lookup, not a
        pass over every row)."""
        n = self._at.get(view.id)
        if self._searchable is not None and n is not None:
            self._searchable[n] = (view, haystack(view))
        if self._calls is not None:
            self._calls = [view if v.id == view.id else v for v in self._calls]  # the video calls only
        if self._shown_at is None:
            self._shown_at = {v.id: n for n, v in enumerate(self.shown)}
        n = self._shown_at.get(view.id)
        if n is not None:
            self.shown[n] = view

    def cursor_target(self, now: datetime) -> str | None:
        """Where the cursor belongs among the rows shown: where staff put it,
        else on the next appointment due (not over, not cancelled)."""
        if self.user_moved:
            return self._at_or_after(self.wanted)
        if not self.shown:
            return self.current_id
        due = next((v for v in self.shown if v.appointment.ends_at > now and v.status != "cancelled"), self.shown[-1])
        return due.id

    def _at_or_after(self, wanted: str | None) -> str | None:
        """*wanted* if it is shown; else (a filter hid it) the first row shown
        at or after its start, so the cursor keeps its time of day, not its
        row number; past the last, the last."""
        if not self.shown or wanted is None or any(v.id == wanted for v in self.shown):
            return wanted
        appointment = self.day.appointments.get(wanted) if self.day else None
        if appointment is None:
            return wanted
        start = appointment.starts_at
        return next((v.id for v in self.shown if v.appointment.starts_at >= start), self.shown[-1].id)

    def current_view(self) -> AppointmentView | None:
        return self.day.view(self.current_id) if (self.day and self.current_id) else None
