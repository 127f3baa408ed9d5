"""One practitioner's day: `P` in the console, `today --practitioner` on
the command line; the header (and the text table's title) says whose list
it is, and up next follows."""

from __future__ import annotations

import json

import pytest

from conftest import settle
from console_helpers import header_text, views
from frontdesk.cli import main
from frontdesk.cliniko.models import Practitioner
from frontdesk.domain.practitioners import PractitionerNotFound, match_practitioner, pick_practitioner
from frontdesk.screens.modals import PractitionerPicker
from frontdesk.widgets.up_next import UpNextStrip

NOW_ARG = "2026-11-24T10:05:00+11:00"
PEOPLE = {p.id: p for p in (Practitioner(id="1", display_name="Dr Amelia Hart"),
                            Practitioner(id="2", display_name="Dr Chloe Nguyen"),
                            Practitioner(id="3", first_name="Ben", last_name="Okafor"),
                            Practitioner(id="4", display_name="Dr Chloe Adams"))}


@pytest.mark.parametrize("wanted, ids", [
    ("2", ["2"]), ("dr chloe nguyen", ["2"]), ("nguyen", ["2"]), ("NGU", ["2"]), ("chloe n", ["2"]),
    ("  Ben   Okafor ", ["3"]), ("chloe", ["2", "4"]), ("dr", ["1", "2", "4"]), ("zed", []), ("", []),
])
def test_which_practitioner_staff_mean(wanted, ids):
    assert [p.id for p in match_practitioner(wanted, PEOPLE.values())] == ids


def test_several_or_none_are_listed():
    with pytest.raises(PractitionerNotFound, match="'chloe' matches 2 practitioners: 2 Dr Chloe Nguyen; 4 Dr Chloe"):
        pick_practitioner("chloe", PEOPLE)
    with pytest.raises(PractitionerNotFound, match="No practitioner matches 'zed'. The practitioners are: 3 Ben"):
        pick_practitioner("zed", PEOPLE)
    assert pick_practitioner("hart", PEOPLE).id == "1"


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_today_practitioner_json_and_table(capsys):
    code, out, _ = _run(capsys, "today", "--demo", "--json", "--now", NOW_ARG)
    everyone = json.loads(out)
    theirs = [a for a in everyone["appointments"] if a["practitioner"]["name"] == "Dr Chloe Nguyen"]
    assert code == 0 and 0 < len(theirs) < len(everyone["appointments"]) and everyone["practitioner"] is None
    code, out, _ = _run(capsys, "today", "--demo", "--json", "--now", NOW_ARG, "--practitioner", "nguyen")
    body = json.loads(out)
    assert code == 0 and body["practitioner"]["name"] == "Dr Chloe Nguyen"
    assert [a["id"] for a in body["appointments"]] == [a["id"] for a in theirs]
    code, out, _ = _run(capsys, "today", "--demo", "--now", NOW_ARG, "--practitioner", body["practitioner"]["id"],
                        "--width", "140")
    assert code == 0 and f"Dr Chloe Nguyen's list — {len(theirs)} appointments" in out.splitlines()[0]


def test_today_practitioner_that_names_several_says_who(capsys):
    code, out, err = _run(capsys, "today", "--demo", "--now", NOW_ARG, "--practitioner", "dr")
    assert code == 2 and out == ""
    assert "'dr' matches 3 practitioners:" in err and "Dr Chloe Nguyen" in err and "Traceback" not in err


async def test_p_shows_one_practitioners_day_and_back(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        everyone = [v.id for v in views(app)]
        await pilot.press("P")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PractitionerPicker)
        names = [str(option.prompt) for option in picker.query_one("#practitioners").options]
        assert names[0].startswith("All practitioners") and "◀ shown now" in names[0]
        chloe = next(n for n, name in enumerate(names) if name.startswith("Dr Chloe Nguyen · "))
        await pilot.press(*["down"] * chloe, "enter")
        await settle(pilot)
        shown = views(app)
        assert shown and {v.practitioner_name for v in shown} == {"Dr Chloe Nguyen"}
        assert len(shown) < len(everyone) and names[chloe].endswith(f"· {len(shown)} appointments")
        assert "Dr Chloe Nguyen's list" in header_text(app)
        upcoming = app.screen.query_one(UpNextStrip).upcoming
        assert upcoming is None or upcoming.view.practitioner_name == "Dr Chloe Nguyen"
        await pilot.press("right_square_bracket")  # the next day: still her list
        await settle(pilot)
        assert {v.practitioner_name for v in views(app)} <= {"Dr Chloe Nguyen"}
        assert "Dr Chloe Nguyen's list" in header_text(app)
        await pilot.press("t", "P")
        await settle(pilot)
        await pilot.press("home", "enter")
        await settle(pilot)
        assert [v.id for v in views(app)] == everyone and "'s list" not in header_text(app)
