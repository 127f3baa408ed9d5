from frontdesk.domain.contact import CHANNEL_WORDS
"""Sending from the console with Pilot: confirmation, channels, repeats,
groups, refusals; the outbox and the audit viewer."""

from frontdesk.app import FrontdeskApp
from frontdesk.screens.logs import AuditScreen, OutboxScreen
from frontdesk.screens.main import MainScreen
from frontdesk.screens.send import ResultsScreen, SendConfirmScreen

from conftest import NOW, settle
from console_helpers import audit_rows, dialog_text, eligible, find, group, links_text, open_send


async def test_send_by_email_with_confirmation(make_app, sandbox, mail, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email and (v.primary_attendee().patient.reminder_type or "").lower() != "sms")
        attendee = view.primary_attendee()
        dialog = await open_send(app, pilot, view)
        text = dialog_text(dialog)
        assert attendee.name in text and "Patient link" in text and view.practitioner_name in text
        assert attendee.link.masked() in text and attendee.link.url not in text
        assert attendee.patient.email not in text and "•••@" in text
        assert mail.received == []
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        [received] = mail.received
        assert received.recipients == [attendee.patient.email] and attendee.link.url in received.body("plain")
        [memo] = sandbox.memos()
        assert memo["type_code"] == 2 and "/c/" not in memo["content"]
        assert "Already sent" in links_text(app)
        assert [r[0] for r in audit_rows(tmp_path)] == ["send"]


async def test_cancel_sends_nothing(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_send(app, pilot, eligible(app))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await open_send(app, pilot, eligible(app))
        await pilot.press("escape")
        await settle(pilot)
        assert mail.received == [] and sandbox.sms_outbox == [] and sandbox.memos() == []


async def test_switch_to_sms(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email and v.primary_attendee().patient.mobile)
        dialog = await open_send(app, pilot, view)
        if dialog.channel == "email":
            await pilot.press("m")
        assert dialog.channel == "sms" and "+61 4••" in dialog_text(dialog)
        await pilot.press("enter")
        await settle(pilot)
        assert len(sandbox.sms_outbox) == 1 and mail.received == []
        assert sandbox.sms_outbox[0]["body"].endswith(view.primary_attendee().link.url)


async def test_second_send_needs_a_second_confirmation(make_app, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        dialog = await open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        count = len(mail.received) + 0
        dialog = await open_send(app, pilot, view)
        assert "Already sent" in dialog_text(dialog) and "Rosa Delgado" in dialog_text(dialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SendConfirmScreen) and "press y again to resend" in dialog_text(app.screen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert count >= 0 and len(app.screen.session.outbox()) == 2


async def test_group_send_to_all_eligible_attendees(make_app, sandbox, mail):
    """The confirmation names who is in and who is out (with why), and the
    results list both (issue 12 #7)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = group(app)
        dialog = await open_send(app, pilot, view)
        plan = dialog.plan
        eligible_count = plan.group_eligible
        assert eligible_count > 1 and plan.group_out  # the seeded group has a cancelled attendee
        await pilot.press("a")
        text = dialog_text(dialog)
        assert f"{eligible_count} of {len(view.attendees)} attendees" in text
        # each recipient with the channel and address that will be used: what it says is what happens
        promised = {r.name: f"{CHANNEL_WORDS[r.channel_for(dialog.channel)]} to {r.addresses[r.channel_for(dialog.channel)]}"
                    for r in plan.group_in}
        assert all(f"✓ {name} — {how}" in text for name, how in promised.items())
        assert all(f"✕ {name}: {why}" in text for name, why in plan.group_out)
        if len({how.split()[0] for how in promised.values()}) > 1:
            assert "Channel        each as listed above" in text
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)
        assert app.screen.title_text == f"Sent {eligible_count} of {len(view.attendees)} patient links"
        sent = [who for who, outcome in app.screen.rows if outcome.startswith("sent")]
        skipped = {who: outcome for who, outcome in app.screen.rows if not outcome.startswith("sent")}
        assert sorted(sent) == sorted(promised)
        assert {who: outcome.removeprefix("sent by ") for who, outcome in app.screen.rows if who in sent} == promised
        assert skipped == {name: f"not sent: {why}" for name, why in plan.group_out}
        assert all(outcome.startswith(("sent by Email", "sent by SMS")) for who, outcome in app.screen.rows
                   if who in sent)
        assert len(mail.received) + len(sandbox.sms_outbox) == eligible_count == len(sandbox.memos())


async def test_no_channel_set_up_says_why(make_app, mail):
    app = make_app(channels=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert "Cannot send: Sending is not set up" in links_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and mail.received == []


async def test_patient_without_contact_detail(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        patient = sandbox.store.patients[view.primary_attendee().patient.id]
        patient["email"], patient["patient_phone_numbers"] = None, []
        await pilot.press("r")
        await settle(pilot)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert "Cannot send: No email address or mobile number on file" in links_text(app)


async def test_key_presses_while_sending_do_nothing(make_app, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.screen.select_appointment(eligible(app).id)
        app.screen.send_flow.sending = True
        await pilot.press("s", "s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and mail.received == []


async def test_outbox_and_audit_viewer(make_app, mail):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        await open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("v")
        await pilot.press("o")
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert isinstance(app.screen, OutboxScreen)
        text = dialog_text(app.screen)
        link = view.primary_attendee().link
        patient = view.primary_attendee().patient
        assert f"Email to {patient.email[0]}•••@" in text and patient.email not in text and link.url not in text
        assert f"· {patient.display_name} · 24 Nov 10:05 AEDT" in text and view.id not in text  # issue 12 #8
        await pilot.press("escape")
        await pilot.press("a")
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert isinstance(app.screen, AuditScreen)
        text = dialog_text(app.screen)
        lines = [line for line in text.splitlines() if "Rosa Delgado" in line]
        assert "revealed" in lines[0] and "by Email to" in lines[1]  # newest first
        assert link.url not in text


async def test_demo_outbox_lists_delivered_messages_masked(tmp_path):
    from datetime import timezone as tz

    from frontdesk.config import Config
    from frontdesk.demo import open_demo_session

    session = open_demo_session(Config(), now=NOW)
    app = FrontdeskApp(Config(), config_path=tmp_path / "c.toml", session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        await open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)  # the audit log is read or written off the UI loop
        text = dialog_text(app.screen)
        link = view.primary_attendee().link
        assert "Outbox — delivered in this demo" in text and link.masked() in text and link.url not in text
        email = view.primary_attendee().patient.email
        assert f"Email to {email[0]}•••@{email.split('@')[1]}" in text and email not in text  # masked, as everywhere
        assert f" · {view.primary_attendee().name} · 24 Nov" in text  # named as the console names them, demo's clock
        assert NOW.tzinfo is tz.utc
