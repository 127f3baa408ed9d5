"""This desk's stable id: named in every memo frontdesk posts, so a memo can
be told apart as this desk's own or another desk's.

A desk is one data folder (one person's frontdesk on one computer). The id
is random, kept in the folder's ``desk-id`` file (0600); when the folder
cannot be written the id is None and memos say no desk, so no memo is ever
called "another desk's" on a guess.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from frontdesk.paths import write_private_text

FILE = "desk-id"
_VALID = re.compile(r"[0-9a-f]{12}")


def desk_id(folder: Path) -> str | None:
    path = folder / FILE
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        text = ""
    if _VALID.fullmatch(text):
        return text
    fresh = uuid.uuid4().hex[:12]
    try:
        write_private_text(path, fresh + "\n")
    except OSError:
        return None
    return fresh
