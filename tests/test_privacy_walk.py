"""Privacy mode (i) walked through every screen: no seeded patient's name
(first or last) is ever on screen — lists, panes, up next, the confirmation and its
preview, results, outbox, audit viewer, lookup, notifications, help."""

import html
import re

import pytest

from conftest import NOW, settle
from console_helpers import Heard, eligible, find, open_send
from test_late_and_next import a_video_call
from frontdesk.screens.lookup import LookupScreen


def on_screen(app) -> str:
    """Every character the terminal shows now (notifications included)."""
    svg = app.export_screenshot()
    text = re.sub(r"<[^>]+>", "", svg)
    return html.unescape(text).replace("\xa0", " ")


def patient_names(sandbox) -> set[str]:
    """Seeded patients' first names and surnames that are not also a word of
    a staff member, location or appointment type (those are not patients')."""
    store = sandbox.store
    other = " ".join([*(f"{u.get('first_name')} {u.get('last_name')}" for u in store.practitioners.values()),
                      *(str(b.get("business_name") or "") for b in store.businesses.values()),
                      *(str(t.get("name") or "") for t in store.appointment_types.values()),
                      "Rosa Delgado Sam Whitaker Harbour Health"])
    words = set(re.findall(r"[\w'’-]+", other))
    names = {p.get(k) for p in store.patients.values() for k in ("first_name", "preferred_first_name", "last_name")}
    return {n for n in names if n and n not in words}


@pytest.mark.parametrize("turned_on", ["with i", "from the config"])
async def test_no_patient_name_anywhere_with_privacy_on(make_app, sandbox, turned_on):
    a_video_call(sandbox, started_before=NOW)["patient_arrived"] = False  # a late patient: the nudge
    app = make_app(late_after_minutes=5, privacy_initials=turned_on == "from the config")
    seen: list[tuple[str, str]] = []
    heard = Heard()
    async with app.run_test(size=(140, 45), notifications=True, message_hook=heard) as pilot:
        await settle(pilot)
        if turned_on == "with i":
            assert "late for" in heard  # said in full before privacy was on: i takes it off the screen
            await pilot.press("i")
            await settle(pilot)
            heard.clear()

        def look(where: str) -> None:
            seen.append((where, on_screen(app)))

        look("the day list, up next")
        view = eligible(app)
        dialog = await open_send(app, pilot, view)
        look("send confirmation and preview")
        await pilot.press("y")
        await settle(pilot)
        look("sent notification")
        await pilot.press("c")
        await settle(pilot)  # the audit log is read or written off the UI loop
        look("copy notification")
        await pilot.press("d")
        await pilot.pause()
        look("details")
        await pilot.press("d")
        await pilot.press("o")
        await settle(pilot)  # the audit log is read or written off the UI loop
        look("outbox")
        await pilot.press("escape")
        await pilot.press("a")
        await settle(pilot)  # the audit log is read or written off the UI loop
        look("audit viewer")
        await pilot.press("escape")

        group = find(app, lambda v: v.kind == "group" and v.telehealth == "on" and v.appointment.ends_at > NOW
                     and sum(v.decision(a, NOW).allowed for a in v.attendees) > 1)
        dialog = await open_send(app, pilot, group)
        look("group links and details")
        await pilot.press("a")
        await pilot.pause()
        look("group confirmation, every attendee")
        await pilot.press("y")
        await settle(pilot)
        look("group results")
        await pilot.press("escape")
        await pilot.press("d")
        await pilot.pause()
        look("group details")
        await pilot.press("d")

        booked = find(app, lambda v: v.kind == "individual" and v.status == "booked" and v.telehealth == "on")
        app.screen.select_appointment(booked.id)
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        look("arrival question")
        if app.screen.query("#ask"):
            await pilot.press("y")
        await settle(pilot)
        look("arrival notification")

        patient = next(p for p in sandbox.store.patients.values() if p.get("date_of_birth") and not p.get("archived_at"))
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*patient["date_of_birth"])  # what is typed shows as typed
        await settle(pilot)
        look("lookup results")
        await pilot.press("down", "enter")
        await settle(pilot)
        look("lookup: one patient's days")
        await pilot.press("escape", "escape")
        await pilot.press("question_mark")
        await pilot.pause()
        look("help")
        del dialog

    assert turned_on == "with i" or "late for" in heard
    seen += [("notification", note) for note in heard.notes]
    names = patient_names(sandbox)
    assert len(names) > 20
    leaks = [(where, name) for where, text in seen for name in names if re.search(rf"\b{re.escape(name)}\b", text)]
    assert not leaks, leaks


async def test_the_same_walk_without_privacy_shows_names(make_app, sandbox):
    """The test above can fail: without privacy the surnames are there."""
    app = make_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(pilot)
        view = eligible(app)
        await open_send(app, pilot, view)
        text = on_screen(app)
    patient = view.primary_attendee().patient
    assert patient.last_name in text and f"Hi {patient.preferred_first_name or patient.first_name}," in text
