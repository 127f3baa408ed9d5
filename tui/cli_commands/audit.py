"""``frontdesk audit``: this desk's audit entries for IT, as text, CSV or
JSON (see :mod:`frontdesk.services.audit_export`)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from frontdesk.services.audit_export import Span, as_csv, as_json, as_text, read_export


def iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD (e.g. 2026-11-30)") from None


def audit_output(path: Path, args: argparse.Namespace) -> tuple[str, str]:
    """(what goes to stdout, the one-line summary for stderr)."""
    rows = read_export(path, Span(args.start, args.end))
    text = as_csv(rows) if args.csv else as_json(rows) if args.json else as_text(rows)
    span = f"{args.start or 'the first entry'} to {args.end or 'now'}"
    where = f"{path}" if path.exists() else f"{path} (no log yet: nothing recorded on this desk)"
    return text, f"{len(rows)} audit entr{'y' if len(rows) == 1 else 'ies'} from {span}, read from {where}."
