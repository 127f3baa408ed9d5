"""The console's jobs that talk to Cliniko, each in its own worker group:
sign in, load a day, refresh it, read this desk's and other desks' sends. Each ends in a
message to the screen that started it (never an exception): answers carry
the load's generation, so the screen drops those for a day no longer shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import partial

from textual.message import Message
from textual.message_pump import MessagePump

from frontdesk.cliniko.errors import ClinikoError
from frontdesk.cliniko.models import User
from frontdesk.domain.days import DayWanted
from frontdesk.services.day import Day
from frontdesk.services.early_load import EarlyLoad
from frontdesk.services.failure import failure_kind, failure_words
from frontdesk.services.heap import HEAP
from frontdesk.services.refresh_result import RefreshResult
from frontdesk.services.sent_ledger import SentLedger, read_ledger
from frontdesk.services.session import Session
from frontdesk.services.team_log import day_team_sends

log = logging.getLogger("frontdesk.ui")


@dataclass
class DayUpdated(Message):
    """A day (loading: so far; loaded; refreshed: a new Day)."""

    generation: int
    day: Day
    #: a refresh's answer: what changed since ``refreshed.day``'s base
    refreshed: RefreshResult | None = None
    #: the day the refresh was made from (stale once another replaced it)
    based_on: Day | None = None


@dataclass
class DayFailed(Message):
    generation: int  # -1: not about a load (signing in)
    error: str
    kind: str


@dataclass
class DateKnown(Message):
    generation: int
    local_date: date


@dataclass
class TeamSendsFound(Message):
    generation: int
    sends: dict
    #: Cliniko's own messages to each patient (reminders, confirmations)
    messages: dict


@dataclass
class SendsRead(Message):
    """This desk's sends of the day, read from the audit log off the UI loop."""

    generation: int
    ledger: SentLedger


@dataclass
class SignedIn(Message):
    user: User
    account: str | None


class DayFeed:
    def __init__(self, screen: MessagePump, session: Session, early: EarlyLoad | None) -> None:
        self.screen = screen
        self.session = session
        #: the first day's load, if the app started it before the screen existed
        self.early = early

    def _say(self, message: Message) -> None:
        self.screen.post_message(message)

    def _failed(self, generation: int, exc: Exception, task: str) -> None:
        self._say(DayFailed(generation, failure_words(exc, task), failure_kind(exc)))

    def sign_in(self) -> None:
        self.screen.run_worker(self._sign_in(), group="sign-in", exclusive=True, exit_on_error=False,
                               description="sign in")

    async def _sign_in(self) -> None:
        try:
            user = await self.session.sign_in()
        except ClinikoError as exc:
            self._failed(-1, exc, "sign in")
            return
        account = await self.session.account.get()  # shared with the day's link checks
        self._say(SignedIn(user, account.name))

    def load(self, generation: int, requested: DayWanted | None, *, fresh: bool) -> None:
        self.screen.run_worker(self._load(generation, requested, fresh), group="day", exclusive=True,
                               exit_on_error=False, description="load the day")

    async def _load(self, generation: int, requested: DayWanted | None, fresh: bool) -> None:
        session = self.session
        loader = session.loader
        early, self.early = self.early, None
        if early is not None and (fresh or not early.serves(requested, loader.business_id)):
            early.cancel()
            early = None

        def progress(day: Day) -> None:
            self._say(DayUpdated(generation, day))

        try:
            if fresh:
                loader.forget()
            if early is not None:
                local_date = await early.dated
            else:
                local_date = await loader.date_for(requested, session.clock())
            self._say(DateKnown(generation, local_date))
            with HEAP.paused(keep=True):
                load = early.adopt(progress) if early is not None else loader.load(local_date, on_progress=progress)
                HEAP.release_previous_soon()  # while the new day's first requests are in flight
                await load
        except Exception as exc:  # noqa: BLE001 - ends in a message
            self._failed(generation, exc, "load the day")

    def read_sends(self, generation: int, appointment_ids: list[str]) -> None:
        # a function, not a coroutine: a read replaced before it starts leaves nothing un-awaited
        self.screen.run_worker(partial(self._read_sends, generation, appointment_ids), group="sent-ledger",
                               exclusive=True, exit_on_error=False, description="read this desk's sends")

    async def _read_sends(self, generation: int, appointment_ids: list[str]) -> None:
        self._say(SendsRead(generation, await read_ledger(self.session.audit, appointment_ids)))

    def refresh(self, generation: int, day: Day) -> None:
        # an explicit description: Textual's default is the repr of every argument (a whole day)
        self.screen.run_worker(self._refresh(generation, day), group="refresh", exclusive=True,
                               exit_on_error=False, description="refresh the day")

    async def _refresh(self, generation: int, day: Day) -> None:
        try:
            result = await self.session.loader.refresh(day)
        except Exception as exc:  # noqa: BLE001 - ends in a message; the day on screen stays as it was
            self._failed(generation, exc, "refresh the day")
            return
        self._say(DayUpdated(generation, result.day, refreshed=result, based_on=day))

    def other_desks(self, generation: int, day: Day) -> None:
        """Other desks' sends of the day's links, from Cliniko's memos; a
        failure only leaves the notes to this desk's own log."""
        self.screen.run_worker(self._other_desks(generation, day), group="team-log", exclusive=True,
                               exit_on_error=False, description="read other desks' sends")

    async def _other_desks(self, generation: int, day: Day) -> None:
        try:
            found = await day_team_sends(self.session.client, day.appointments.values(),
                                         day.appointment_types, day.attendees_of, self.session.clock(),
                                         self.session.desk, cliniko=True)  # the details show Cliniko's messages
        except ClinikoError as exc:
            log.info("could not read Cliniko's communications log: %s", exc.kind)
            return
        self._say(TeamSendsFound(generation, found.sends, found.messages))
