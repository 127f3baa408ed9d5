"""Every word frontdesk uses for a Telehealth state or an appointment
status, defined once; the screens, the CLI and the widgets read them here."""

from __future__ import annotations

from frontdesk.safe_text import clean

#: the list's Telehealth column (and `today`'s)
TELEHEALTH_SHORT = {"on": "Telehealth", "off": "off", "unknown": "unknown → off"}
#: the same, where a column is 11 cells (an SSH terminal's 80 columns)
TELEHEALTH_NARROW = {"on": "Telehealth", "off": "off", "unknown": "unknown→off"}
#: the details pane's "Type" row
TELEHEALTH_LONG = {"on": "Telehealth on", "off": "Telehealth off", "unknown": "Telehealth unknown → treated as off"}
#: the list's Telehealth column when a patient link is not Cliniko's
BAD_LINK = "✕ bad link"
#: the link panel, where a link exists but no session does
DEAD_LINK = {"off": "not a Telehealth appointment: this link leads nowhere",
             "unknown": "Telehealth setting unknown — treated as off"}

STATUS_LABELS = {
    "booked": "booked",
    "arrived": "arrived",
    "did_not_arrive": "did not arrive",
    "cancelled": "cancelled",
}
STATUS_NARROW = STATUS_LABELS | {"did_not_arrive": "didn't arrive"}
#: the status of a video call whose patient is not marked arrived after `late_after_minutes`
LATE = "late?"
#: the list's sent column: ✓ sent, · not yet, ? a send was interrupted (or
#: is under way) and may have reached the patient, blank: may not be sent
SENT_MARKS = {"sent": "✓", "not_sent": "·", "unsure": "?", "": ""}


def short_labels(names: list[str]) -> dict[str, str]:
    """Drop the words every name starts with: 'Harbour Health Sydney' and
    'Harbour Health Auckland' become 'Sydney' and 'Auckland'."""
    split = [name.split() for name in names]
    common = 0
    if len(split) > 1:
        while all(len(words) > common + 1 for words in split) and len({w[common] for w in split}) == 1:
            common += 1
    return {name: " ".join(words[common:]) for name, words in zip(names, split)}


def location_codes(names: list[str]) -> dict[str, str]:
    """A three-letter tag per location, from the words that tell them apart:
    'Harbour Health Sydney' and 'Harbour Health Auckland' → 'SYD', 'AUC'."""
    codes: dict[str, str] = {}
    for name, label in short_labels(names).items():
        letters = "".join(ch for ch in label if ch.isalnum()).upper() or "?"
        code, n = letters[:3], 3
        while code in codes.values() and n < len(letters):  # a clash: take the next letter
            code, n = letters[:2] + letters[n], n + 1
        codes[name] = code
    return codes


def initials(name: str) -> str:
    parts = [p for p in clean(name).replace("-", " ").split() if p and p[0].isalpha()]
    return " ".join(f"{p[0].upper()}." for p in parts) or "?"


def reminder_flags(email: bool | None, sms: bool | None) -> str:
    """What Cliniko says of its own reminders for an appointment (its
    ``email_reminder_sent`` / ``sms_reminder_sent``); a missing flag is unknown."""
    def one(flag: bool | None) -> str:
        return "sent" if flag else "not sent" if flag is False else "unknown"

    return f"email {one(email)} · SMS {one(sms)}"


def person_name(name: str, *, private: bool) -> str:
    """How a patient is named anywhere on screen (lists, panes, modals,
    notifications, previews): initials while privacy is on (a shared
    screen), else in full. The one place this rule lives."""
    return initials(name) if private else clean(name)
