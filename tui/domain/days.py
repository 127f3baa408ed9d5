"""A day as staff name it on the command line: a date, or a day relative to
today in the home location (``today``, ``tomorrow``, ``yesterday``, ``+N``,
``-N``). A relative day is resolved only once the home location's zone is
known (``DayLoader.date_for``), never against this computer's clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from frontdesk.domain.clock import full_date
from frontdesk.domain.local_ways import DateOrder, date_hint, looks_like_a_date, read_date

WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_OFFSET = re.compile(r"[+-][0-9]{1,3}")
FORMS = ("YYYY-MM-DD, a date as the clinic writes it (25/11/2026; 11/25/2026 in the US and Canada), "
         "today, tomorrow, yesterday, +N or -N (days from today)")


@dataclass(frozen=True, slots=True)
class RelativeDay:
    days: int  # from today in the home location

    def on(self, today: date) -> date:
        return today + timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class WrittenDay:
    """A date as the clinic writes it (25/11/2026 in Australia, 11/25/2026
    in the US): read once the account's country is known, never guessed."""

    text: str

    def on(self, order: DateOrder | None) -> date:
        """Raises ValueError, in words, when it is not a date in *order*."""
        found = read_date(self.text, order)
        if found is not None:
            return found
        if order is None:
            raise ValueError(f"'{self.text}': this account's date order is not known, so write the date as "
                             "YYYY-MM-DD")
        raise ValueError(f"'{self.text}' is not a date written {date_hint(order)}, as this clinic writes dates")


#: a day staff ask for: a date, a day relative to today, or a date as the clinic writes it
DayWanted = date | RelativeDay | WrittenDay


def parse_day(text: str) -> DayWanted:
    """Raises ValueError, naming the forms that work."""
    word = text.strip().lower()
    if word in WORDS:
        return RelativeDay(WORDS[word])
    if _OFFSET.fullmatch(word):
        return RelativeDay(int(word))
    if looks_like_a_date(word) and not re.match(r"\d{4}-", word):  # not ISO: the clinic's own order
        return WrittenDay(word)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ValueError(f"'{text}' is not a day frontdesk knows: use {FORMS}") from None


def day_words(day: date, today: date) -> str:
    """How far *day* is from *today*, as staff say it."""
    offset = (day - today).days
    for word, days in WORDS.items():
        if offset == days:
            return word
    return f"in {offset} days" if offset > 0 else f"{-offset} days ago"


def date_label(day: date, today: date | None) -> str:
    """The header's date: a day that is not today says so in words (the
    list, up next and every "late" are about that day, not this one)."""
    shown = full_date(day)
    if today is None or day == today:
        return shown
    return f"{shown} ({day_words(day, today)}) · NOT TODAY"
