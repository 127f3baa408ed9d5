"""The layers are enforced: `make test` runs import-linter, and a
deliberate wrong-way import (a domain rule reaching up to a service, a
service importing Textual) breaks the build."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

LINT = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"], cwd=tree,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the code as it installs (tui/ as frontdesk, widgets/ inside
    it), to break on purpose."""
    for source, installed in (("tui", "frontdesk"), ("widgets", "frontdesk/widgets")):
        shutil.copytree(ROOT / source, tmp_path / installed, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_as_it_is_keeps_every_contract(tree):
    done = _lint(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


@pytest.mark.parametrize("module, wrong, broken", [
    ("frontdesk/domain/eligibility.py", "import frontdesk.services.session", "The Cliniko client and the domain rules"),
    ("frontdesk/services/day.py", "import textual.widgets", "Textual only in the console"),
    ("frontdesk/widgets/link_panel.py", "import frontdesk.sandbox.seed", "The sandbox only from the CLI's demo wiring"),
    ("frontdesk/cliniko/models.py", "import frontdesk.widgets.text", "Layers: screens over widgets"),
])
def test_a_wrong_way_import_breaks_the_build(tree, module, wrong, broken):
    path = tree / module
    path.write_text(path.read_text() + f"\n{wrong}  # a deliberate wrong-way import\n")
    done = _lint(tree)
    assert done.returncode != 0
    assert f"{broken}" in done.stdout and "BROKEN" in done.stdout


def test_files_stay_small_and_the_console_screen_composes():
    """Step 7's house rules: one concern per file (none over 400 lines), and
    the console screen composes and routes (its class under 250 lines)."""
    long = {str(p.relative_to(ROOT)): n for folder in ("tui", "widgets", "tests") for p in (ROOT / folder).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
    source = (ROOT / "tui" / "screens" / "main.py").read_text().splitlines()
    start = next(n for n, line in enumerate(source) if line.startswith("class MainScreen"))
    end = next((n for n, line in enumerate(source[start + 1:], start + 1) if line and not line[0].isspace()),
               len(source))
    assert end - start < 250, f"MainScreen is {end - start} lines"


def test_the_console_state_needs_no_terminal():
    """console_state.py says "No Textual here": it is so (its header words
    live in frontdesk.domain.sync_words)."""
    import subprocess
    import sys

    probe = "import sys, frontdesk.screens.console_state; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_one_class_is_called_cliniko_client():
    found = [str(p.relative_to(ROOT)) for p in (ROOT / "tui").rglob("*.py") if "class ClinikoClient" in p.read_text()]
    assert found == ["tui/cliniko/client.py"]


HELPERS = ("send_flow", "link_actions", "arrival_flow", "row_watch")


def test_the_consoles_helpers_get_no_widget_of_the_screen():
    """SendFlow, LinkActions, ArrivalFlow and RowWatch get the screen as a
    Host: what it knows and ways to tell, ask, run and report, never a widget
    or a private method; their only change, a new Day, the screen swaps in."""
    import typing

    from textual.widget import Widget

    from frontdesk.screens.console import Console, Host

    def get_protocol_members(protocol: type) -> set[str]:
        own = [c for c in protocol.__mro__ if c.__module__ == protocol.__module__]
        return {n for c in own for n in (*vars(c), *getattr(c, "__annotations__", {})) if not n.startswith("__")
                and n not in ("_is_protocol", "_is_runtime_protocol", "_abc_impl")}

    members = get_protocol_members(Host)
    assert {"say", "swap_day", "post_message"} <= members and not any(n.startswith("_") for n in members)
    hints = typing.get_type_hints(Host)
    assert not any(isinstance(t, type) and issubclass(t, Widget) for t in hints.values())
    assert {"links", "table"}.isdisjoint(members) and {"links", "table"} <= get_protocol_members(Console)
    for helper in HELPERS:
        code = (ROOT / "tui" / "screens" / f"{helper}.py").read_text()
        assert "screen: Host" in code, helper
        for reach in (r"screen\.links\b", r"screen\.table\b", "query_one", "appointment_changed", r"state\.loaded\("):
            assert not re.search(reach, code), f"{helper} reaches for {reach}"


#: the only places a screen may take a function from below: how a time is written, the account's words
WORD_MODULES = {"frontdesk.domain.clock", "frontdesk.domain.terms"}


def test_screens_decide_nothing_themselves():
    """From the rules and the client a screen takes types, constants and
    words (how a time is written, the account's terms), never a function
    that decides: those are reached through views and services. The
    console's pure state (console_state.py) is where the screen's rules
    meet its data, without a terminal."""
    import ast

    found = []
    for path in sorted((ROOT / "tui" / "screens").glob("*.py")):
        if path.name == "console_state.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                    ("frontdesk.domain", "frontdesk.cliniko")):
                continue
            found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                      if node.module not in WORD_MODULES and not a.name[0].isupper()]
    assert found == []
