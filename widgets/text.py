"""Words for the console's widgets: names as initials on a shared screen,
and location names without their shared prefix. Text from Cliniko is made
safe by :func:`tui.safe_text.clean` (re-exported here for the widgets)."""

from __future__ import annotations

from tui.safe_text import clean, fit

__all__ = ["clean", "fit", "initials"]


def initials(name: str) -> str:
    parts = [p for p in clean(name).replace("-", " ").split() if p and p[0].isalpha()]
    return " ".join(f"{p[0].upper()}." for p in parts) or "?"
