"""Each rule lives in one function (step 11): a test that greps the code
for restatements, so a second copy cannot grow back unnoticed.

- how a patient is named (initials on a shared screen): ``person_name``;
- whether Telehealth is on (the type's flag exactly true): ``telehealth_state``;
- which channel reaches a patient (``reminder_type``): ``tui/domain/contact.py``;
- how a time or date is written: ``tui/domain/clock.py``;
- what staff read for a failure: ``failure_words``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted([*ROOT.glob("tui/**/*.py"), *ROOT.glob("widgets/**/*.py")])
NOT_SHOWN = ("tui/sandbox/", "tui/cliniko/models.py", "tui/cliniko/filters.py")

RULES = {
    "naming a patient (initials)": (r"\binitials\(", {"tui/domain/wording.py"}),
    # today --json passes Cliniko's raw flag on, as data
    "the Telehealth flag": (r"\.telehealth_enabled\b", {"tui/domain/eligibility.py", "tui/cli_commands/today.py"}),
    "the channel a patient prefers": (r"\.reminder_type\b", {"tui/domain/contact.py"}),
    "writing a time or a date": (r"strftime\(|:%[HMabdYAB]", {"tui/domain/clock.py", "tui/domain/local_ways.py",
                                                               "tui/services/audit_file.py"}),
    "a failure in staff's words": (r"type\(exc\)\.__name__", {"tui/services/failure.py", "tui/services/audit_file.py",
                                                               "tui/services/delivery/service.py",
                                                               "tui/services/delivery/email.py",
                                                               "tui/services/day_loader.py", "tui/services/pin.py",
                                                               "tui/config.py"}),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_the_rule_is_stated_once(rule):
    pattern, homes = RULES[rule]
    found = []
    for path in CODE:
        where = path.relative_to(ROOT).as_posix()
        if where.startswith(NOT_SHOWN) or where in homes:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line) and not line.lstrip().startswith("#"):
                found.append(f"{where}:{n}: {line.strip()}")
    assert found == [], f"{rule} restated outside {sorted(homes)}"
