"""frontdesk: a keyboard-driven Cliniko reception console."""

import sys

__version__ = "0.1.0"

# httpx imports its optional command-line client (click, rich.progress,
# pygments) whenever those happen to be installed, and uvicorn brings click.
# frontdesk never runs it; blocking that import saves ~40 ms of every start.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
