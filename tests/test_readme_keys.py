"""README's key table and the console's bindings agree: every key README
promises is bound on the console screen, and every frontdesk action bound
there is in README's table."""

from __future__ import annotations

from pathlib import Path

from conftest import settle

README = Path(__file__).resolve().parents[1] / "README.md"
NAMES = {"/": "slash", "[": "left_square_bracket", "]": "right_square_bracket", ",": "comma",
         ".": "full_stop", "?": "question_mark", "↑": "up", "↓": "down", "esc": "escape"}
FOCUS_KEYS = {"tab", "shift+tab"}  # Textual's focus chain, not bindings


def readme_keys() -> set[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| key | action |") + 2
    keys: set[str] = set()
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cell = line.split("|")[1].strip()
        keys |= {NAMES.get(word, word) for word in cell.replace(" / ", " ").split()}
    return keys


async def test_every_readme_key_is_bound_and_every_action_documented(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bound = {key: active.binding for key, active in app.active_bindings.items()}
    documented = readme_keys()
    assert documented - FOCUS_KEYS <= set(bound), documented - FOCUS_KEYS - set(bound)
    ours = {key for key, binding in bound.items() if binding.id}
    assert ours <= documented, ours - documented
