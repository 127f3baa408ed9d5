"""Which location staff mean by what they typed (``--business``): an id, a
whole name, the three-letter tag the list shows (SYD), or the start of a
name or of the words that tell it apart ("auck"). Case does not matter.
Pure; the loader asks it once the account's locations are known."""

from __future__ import annotations

from collections.abc import Iterable

from frontdesk.cliniko.errors import AmbiguousLocationError, UnknownLocationError
from frontdesk.cliniko.models import Business
from frontdesk.domain.wording import location_codes, short_labels


def match_location(wanted: str, businesses: Iterable[Business]) -> list[Business]:
    """The open locations *wanted* names: one is a match, several are
    ambiguous (each is listed to staff), none is unknown."""
    open_ones = [b for b in businesses if b.archived_at is None]
    text = wanted.strip()
    folded = text.casefold()
    if not folded:
        return []
    names = [b.name for b in open_ones]
    codes, short = location_codes(names), short_labels(names)
    for test in (lambda b: b.id == text,
                 lambda b: b.name.casefold() == folded,
                 lambda b: codes.get(b.name, "").casefold() == folded):
        found = [b for b in open_ones if test(b)]
        if found:
            return found
    return [b for b in open_ones
            if b.name.casefold().startswith(folded) or short.get(b.name, "").casefold().startswith(folded)]


def location_line(business: Business, businesses: Iterable[Business]) -> str:
    """"1391… Harbour Health Sydney (SYD)": how a location is listed."""
    codes = location_codes([b.name for b in businesses if b.archived_at is None])
    tag = codes.get(business.name)
    return f"{business.id} {business.name}" + (f" ({tag})" if tag else "")


def pick_location(wanted: str, businesses: dict[str, Business]) -> Business:
    """The one location *wanted* names; else an error listing the matches
    (ambiguous) or every location (unknown)."""
    found = match_location(wanted, businesses.values())
    if len(found) == 1:
        return found[0]
    if found:
        raise AmbiguousLocationError(wanted, [location_line(b, businesses.values()) for b in found])
    raise UnknownLocationError(wanted, {b.id: b.name for b in businesses.values()})
