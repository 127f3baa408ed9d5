"""Words for the console's widgets: names as initials on a shared screen,
and location names without their shared prefix. Text from Cliniko is made
safe by :func:`tui.safe_text.clean` (re-exported here for the widgets)."""

from __future__ import annotations

from tui.safe_text import clean, fit

__all__ = ["clean", "fit", "initials", "short_labels"]


def initials(name: str) -> str:
    parts = [p for p in clean(name).replace("-", " ").split() if p and p[0].isalpha()]
    return " ".join(f"{p[0].upper()}." for p in parts) or "?"


def short_labels(names: list[str]) -> dict[str, str]:
    """Drop the words every name starts with: 'Harbour Health Sydney' and
    'Harbour Health Auckland' become 'Sydney' and 'Auckland'."""
    split = [clean(n).split() for n in names]
    common = 0
    if len(split) > 1:
        while all(len(words) > common + 1 for words in split) and len({w[common] for w in split}) == 1:
            common += 1
    return {name: " ".join(words[common:]) for name, words in zip(names, split)}
