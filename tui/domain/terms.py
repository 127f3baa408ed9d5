"""The account's own word for the people it sees: Cliniko lets a clinic say
"client" (or another word) where it says "patient" (``settings/public``'s
``terminology.patient``). frontdesk's own words follow it everywhere staff
read them; the safety wording keeps its meaning ("CLIENT LINK — anyone with
this link can join").

:func:`ours` is applied to frontdesk's own sentences only, never to
Cliniko's data (a type named "New patient consult" stays as written). The
word is one per process, like the clock (:mod:`frontdesk.domain.clock`)."""

from __future__ import annotations

import re

DEFAULT = "patient"
_WORD = re.compile(r"\b(patient)(s?)\b", re.IGNORECASE)
_ALLOWED = re.compile(r"^[a-z]{2,20}(-[a-z]{2,20})?$")
_term = DEFAULT


def use_term(word: str | None) -> bool:
    """Use the account's word (one plain word, Cliniko offers "patient" and
    "client"; anything else: "patient"). True when that changed the word."""
    global _term
    candidate = (word or "").strip().lower()
    new = candidate if _ALLOWED.match(candidate) else DEFAULT
    changed, _term = new != _term, new
    return changed


def term() -> str:
    return _term


def ours(text: str) -> str:
    """frontdesk's own *text* with "patient" in the account's word, its case
    kept: patient → client, Patient → Client, PATIENT LINK → CLIENT LINK."""
    if _term == DEFAULT:
        return text

    def swap(match: re.Match[str]) -> str:
        word, plural = match.group(1), match.group(2)
        new = _term + ("s" if plural else "")
        if word.isupper():
            return new.upper()
        return new[0].upper() + new[1:] if word[0].isupper() else new

    return _WORD.sub(swap, text)
