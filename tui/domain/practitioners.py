"""Which practitioner staff mean by what they typed (``today
--practitioner``, the console's ``P``): an id, a whole name, or the start of
any word of a name ("chen", "amy c"). Case does not matter. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from frontdesk.cliniko.models import Practitioner


class PractitionerNotFound(Exception):
    """No one practitioner matches; the message lists who does, or everyone."""


def match_practitioner(wanted: str, practitioners: Iterable[Practitioner]) -> list[Practitioner]:
    """The practitioners *wanted* names: one is a match, several are ambiguous."""
    people = list(practitioners)
    text = wanted.strip()
    folded = " ".join(text.casefold().split())
    if not folded:
        return []
    for test in (lambda p: p.id == text, lambda p: p.name.casefold() == folded):
        found = [p for p in people if test(p)]
        if found:
            return found
    return [p for p in people if _starts_a_word(p.name.casefold(), folded)]


def _starts_a_word(name: str, folded: str) -> bool:
    words = name.split()
    return any(" ".join(words[n:]).startswith(folded) for n in range(len(words)))


def pick_practitioner(wanted: str, practitioners: dict[str, Practitioner]) -> Practitioner:
    found = match_practitioner(wanted, practitioners.values())
    if len(found) == 1:
        return found[0]
    listed = found or sorted(practitioners.values(), key=lambda p: p.name.casefold())
    lines = "; ".join(f"{p.id} {p.name}" for p in listed)
    if found:
        raise PractitionerNotFound(f"'{wanted}' matches {len(found)} practitioners: {lines}. Give more of the name, "
                                   "or the id.")
    raise PractitionerNotFound(f"No practitioner matches '{wanted}'. The practitioners are: {lines}.")


def whose_list(location: tuple[str, str], practitioner: Practitioner | None) -> tuple[str, str]:
    """The header's location words (long, short) with whose list it is."""
    if practitioner is None:
        return location
    return f"{location[0]} · {practitioner.name}'s list", f"{practitioner.name}'s list"
