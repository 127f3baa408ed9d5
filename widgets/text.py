"""Text from Cliniko made safe for the console's widgets
(:func:`frontdesk.safe_text.clean`, re-exported here). How a patient is named on
screen is :func:`frontdesk.domain.wording.person_name`."""

from __future__ import annotations

from frontdesk.safe_text import clean, fit

__all__ = ["clean", "fit"]
