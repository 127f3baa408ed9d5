"""The clinic's own word (step 12): Cliniko lets an account say "client"
where it says "patient"; frontdesk's own words follow everywhere staff read
them (labels, buttons, messages, help, CSV headers), the safety wording
keeps its meaning, and Cliniko's data is never rewritten."""

from __future__ import annotations

import csv
import io

import pytest

from frontdesk.cli import main
from frontdesk.domain.links import PATIENT_LABEL
from frontdesk.domain.terms import ours, term, use_term
from frontdesk.sandbox.seed import DEMO_KEY

from conftest import CONTACT, settle
from console_helpers import detail_text, eligible, links_text


@pytest.mark.parametrize(("text", "said"), [
    (PATIENT_LABEL, "CLIENT LINK — anyone with this link can join"),
    ("Send to patient", "Send to client"),
    ("Patient time", "Client time"),
    ("3 patients found", "3 clients found"),
    ("outpatient", "outpatient"),  # a whole word only
])
def test_our_words_take_the_accounts_term(text, said):
    use_term("client")
    assert ours(text) == said


@pytest.mark.parametrize("word", [None, "", "<b>x</b>", "client\nrm -rf", "a" * 40])
def test_a_missing_or_strange_term_keeps_patient(word):
    use_term(word)
    assert term() == "patient" and ours("Send to patient") == "Send to patient"


async def test_a_client_clinic_reads_client_everywhere_but_its_own_data(make_app, sandbox):
    sandbox.store.patient_term = "client"
    view_type = next(iter(sandbox.store.appointment_types.values()))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        view = eligible(app)
        type_id = view.appointment.appointment_type_id
        sandbox.store.appointment_types[type_id]["name"] = "New patient consult"  # Cliniko's data, as written
        await pilot.press("r")
        await settle(pilot)
        screen.select_appointment(view.id)
        await pilot.pause()
        shown = links_text(app)
        assert "CLIENT LINK — anyone with this link can join" in shown and "PATIENT LINK" not in shown
        assert str(screen.query_one("#send").label) == "Send to client"
        assert screen.table.cell(view.id, "time") and "Client" in screen.table.render_line(0).text
        assert "New patient consult" in detail_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        helped = " ".join(f"{d} {t}" for _, d, t in app.screen.rows)
        assert "client link" in helped and "patient" not in helped.lower()
    assert view_type


def test_the_day_sheet_header_uses_the_accounts_term(capsys, monkeypatch, server, sandbox):
    sandbox.store.patient_term = "client"
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)
    assert main(["today", "--csv", "--date", "2026-11-24"]) == 0
    header = next(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert "client" in header and "patient" not in header
