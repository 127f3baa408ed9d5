"""Every word frontdesk uses for a Telehealth state or an appointment
status, defined once; the screens, the CLI and the widgets read them here."""

from __future__ import annotations

#: the list's Telehealth column (and `today`'s)
TELEHEALTH_SHORT = {"on": "Telehealth", "off": "off", "unknown": "unknown → off"}
#: the details pane's "Type" row
TELEHEALTH_LONG = {"on": "Telehealth on", "off": "Telehealth off", "unknown": "Telehealth unknown → treated as off"}
#: the list's Telehealth column when a patient link is not Cliniko's
BAD_LINK = "✕ bad link"
#: the link panel, where a link exists but no session does
DEAD_LINK = {"off": "not a Telehealth appointment: this link leads nowhere",
             "unknown": "not a Telehealth appointment: this link leads nowhere"}

STATUS_LABELS = {
    "booked": "booked",
    "arrived": "arrived",
    "did_not_arrive": "did not arrive",
    "cancelled": "cancelled",
}
