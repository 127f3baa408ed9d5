"""The one place that decides which characters may reach a terminal.

Everything frontdesk shows or prints that came from outside (Cliniko's
names, notes and error bodies, memo text, mail it sent) passes through
:func:`clean`, or, for JSON, :func:`dumps_json`. Unsafe means: C0 and C1
controls (ESC, BEL, CSI ``0x9b``…), format characters such as the bidi
overrides ``U+202E``/``U+2066`` (the zero-width joiner survives only inside
an emoji sequence), line/paragraph separators and lone surrogates (which
cannot even be encoded). Widths are measured in terminal cells, not characters.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

from rich.cells import cell_len, set_cell_size

# Cc, Cf (less U+200D ZWJ), Zl, Zp and Cs, as of Unicode 15. A test checks
# this class against unicodedata for the running Python.
UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200c\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)
_SPACE_LIKE = {"\n": " ", "\r": " ", "\t": " ", "\u2028": " ", "\u2029": " "}


def clean(value: object) -> str:
    """*value* as one line of plain text: whitespace controls become spaces,
    every other unsafe character is dropped."""
    text = "" if value is None else str(value)
    return _clean(text)


@lru_cache(maxsize=16384)
def _clean(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    text = UNSAFE.sub(lambda m: _SPACE_LIKE.get(m.group(), ""), text)
    return _lone_joiners(text) if "\u200d" in text else text


def _lone_joiners(text: str) -> str:
    """Keep a zero-width joiner only inside an emoji sequence (a symbol on
    each side): elsewhere terminals and width tables disagree about it."""
    out = []
    for n, ch in enumerate(text):
        if ch == "\u200d":
            before = text[n - 1] if n else ""
            after = text[n + 1] if n + 1 < len(text) else ""
            if not (_symbol(before) and _symbol(after)):
                continue
        out.append(ch)
    return "".join(out)


def _symbol(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch) == "So"


def clean_lines(value: object) -> list[str]:
    """Multi-line text (a message body) as clean lines."""
    text = "" if value is None else str(value)
    return [clean(line) for line in text.replace("\r\n", "\n").split("\n")]


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON escapes astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


# json.dumps already escapes C0 controls inside strings, so a raw newline in
# its output is indentation; every other unsafe character is inside a string
_UNSAFE_IN_JSON = re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f", 1))


def dumps_json(data: Any, *, indent: int | None = None) -> str:
    """JSON whose text holds no unsafe character: each is a ``\\uXXXX``
    escape, so the data is exact for a program and inert in a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(_escape, text)


def fit(value: object, width: int) -> str:
    """*value*, cleaned, in exactly *width* terminal cells: cut with … or padded."""
    text = clean(value)
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def cells(value: object) -> int:
    """How many terminal cells *value* takes once cleaned."""
    return cell_len(clean(value))


def column_widths(total: int, fixed: dict[str, int], weights: dict[str, int], *, gap: int, minimum: int = 6) -> dict[str, int]:
    """Widths for columns that share *total* cells (less *gap* per column):
    the fixed ones get theirs, the rest share what is left by weight (each
    at least *minimum*)."""
    spare = total - sum(fixed.values()) - gap * (len(fixed) + len(weights))
    share = sum(weights.values()) or 1
    return fixed | {name: max(minimum, spare * weight // share) for name, weight in weights.items()}
