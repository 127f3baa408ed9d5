"""Plain-text helpers: everything from Cliniko is shown as text, never markup,
and stripped of control characters, so a patient name cannot restyle the
screen or smuggle terminal escapes."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def plain(value: object) -> str:
    text = "" if value is None else str(value)
    return _plain(text)


@lru_cache(maxsize=16384)
def _plain(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\t":
            out.append(" ")
        elif category in {"Cc", "Cf"} and ch not in "\u200d":
            # control and format characters (ESC, bidi overrides) are dropped
            continue
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=16384)
def cut(text: str, width: int) -> str:
    text = plain(text)
    if width <= 1:
        return text[:width]
    return text if len(text) <= width else text[: width - 1] + "…"


def initials(name: str) -> str:
    parts = [p for p in plain(name).replace("-", " ").split() if p and p[0].isalpha()]
    return " ".join(f"{p[0].upper()}." for p in parts) or "?"


def short_labels(names: list[str]) -> dict[str, str]:
    """Drop the words every name starts with: 'Harbour Health Sydney' and
    'Harbour Health Auckland' become 'Sydney' and 'Auckland'."""
    split = [plain(n).split() for n in names]
    common = 0
    if len(split) > 1:
        while all(len(words) > common + 1 for words in split) and len({w[common] for w in split}) == 1:
            common += 1
    return {name: " ".join(words[common:]) for name, words in zip(names, split)}
