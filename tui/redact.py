"""Keep secrets out of messages, logs and screens."""

from __future__ import annotations

import re

_PATIENT_LINK = re.compile(r"(https?://[^\s/]+/c/)([A-Za-z0-9_\-]+)")
MASK_CHAR = "•"


def mask_patient_links(text: str) -> str:
    """Replace the token of every patient link in *text* with bullets."""
    return _PATIENT_LINK.sub(lambda m: m.group(1) + MASK_CHAR * 12, text)


def key_hint(api_key: str) -> str:
    """The only form of an API key frontdesk ever shows: last 4 characters."""
    body = api_key.rsplit("-", 1)[0] if "-" in api_key else api_key
    return f"…{body[-4:]}" if len(body) >= 4 else "…"


def scrub(text: str, *secrets: str | None) -> str:
    """Remove every given secret and every patient-link token from *text*."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return mask_patient_links(text)
