"""Fault × phase: each fault during the initial load and a refresh (through
the console with Pilot) and during a send (the delivery service), against
the sandbox over loopback. The outcomes are printed as a table at the end of
`make test` (and written to fault-matrix.md)."""

import pytest

from tui.sandbox.seed import DEMO_KEY
from tui.services.delivery.errors import DeliveryError

from conftest import NOW, settle
from console_helpers import eligible

MATRIX: dict[tuple[str, str], str] = {}

# fault → (sandbox fault kind, times) or a special name
FAULTS = {
    "429 + X-RateLimit-Reset": ("429_reset", 1),
    "429 + Retry-After": ("429_retry_after", 1),
    "429 with neither header": ("429_none", 1),
    "500": ("500", 1),
    "502": ("502", 1),
    "503 (persistent)": ("503", 20),
    "timeout": ("timeout", 1),
    "connection refused": ("refused", 0),
    "reset mid-body": ("reset", 1),
    "truncated JSON": ("truncated", 1),
    "non-JSON body": ("not_json", 1),
    "200 with an HTML page": ("html", 1),
    "unknown fields": ("unknown_fields", 1),
    "missing optional fields": ("missing_optional", 1),
    "telehealth_enabled null": ("null_flag", 1),
    "type archived/deleted (404)": ("type_gone", 0),
    "appointment cancelled before send": ("cancelled", 0),
    "key revoked (401)": ("revoked", 0),
    "403 (role)": ("403", 20),
    "links.next to another host": ("foreign_next", 1),
}
PATHS = {"load": "/individual_appointments", "refresh": "/bookings"}


def _header(app) -> str:
    return str(app.screen.query_one("#header").render()).replace("\n", " · ")


def _dead_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens here: connection refused


def _heal(sandbox, server, client) -> None:
    """Undo the faults that are states rather than scripted answers."""
    sandbox.faults.clear()
    sandbox.store.keys[DEMO_KEY.rsplit("-", 1)[0]] = next(iter(sandbox.store.users))
    client.base_url = server.base_url


def _arm(sandbox, server, fault, phase, view=None, client=None):
    kind, times = FAULTS[fault]
    if kind == "refused":
        client.base_url = _dead_url()
    elif kind == "revoked":
        sandbox.store.keys.pop(DEMO_KEY.rsplit("-", 1)[0])
    elif kind == "null_flag":
        sandbox.faults.add("null_flag", path="/appointment_types", times=5)
    elif kind == "type_gone":
        type_id = view.appointment.appointment_type_id if view else next(iter(sandbox.store.appointment_types))
        sandbox.store.appointment_types[type_id]["archived_at"] = "2026-11-23T22:00:00Z"
        if phase == "send":
            sandbox.faults.add("404", path=f"/appointment_types/{type_id}", times=5)
    elif kind == "cancelled":
        if view is not None:
            sandbox.cancel_appointment(view.id)
        else:
            row = next(a for a in sandbox.store.individual_appointments.values() if not a["cancelled_at"])
            sandbox.cancel_appointment(row["id"])
    else:
        path = "/attendees/" if phase == "send" else PATHS[phase]
        sandbox.faults.add(kind, path=path, times=times)


def _fast(client):
    client.max_rate_wait = 5
    client._sleep = _instant


async def _instant(_):
    return None


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_during_load_and_refresh(fault, make_app, sandbox, server):
    app = make_app()
    _fast(app.session.client)
    app.session.client.governor._sleep = _instant
    _arm(sandbox, server, fault, "load", client=app.session.client)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        day = screen.day
        notes = [n.message for n in app._notifications]
        if day is not None and day.complete and not screen.offline_since:
            flags = {t.telehealth_enabled for t in day.appointment_types.values()}
            extra = " (all types read as unknown → off)" if flags == {None} else ""
            MATRIX[(fault, "load")] = f"loaded{extra}; {len(screen._views)} rows"
        else:
            assert notes, "a failure must be told in a notification"
            MATRIX[(fault, "load")] = f"shown: {_header(app).split(' · ')[-1]}"
        assert app.is_running and isinstance(screen, type(app.screen))

        _heal(sandbox, server, app.session.client)
        await pilot.press("r")
        await settle(pilot)
        shown = len(screen._views)
        assert screen.day.complete and shown
        # details of the highlighted appointment: never fetched, so no fault can bite
        before = len(sandbox.requests)
        await pilot.press("j", "j", "k")
        assert len(sandbox.requests) == before and screen.current_view() is not None
        MATRIX[(fault, "detail")] = "no request: details come from loaded data"
        app._notifications.clear()
        _arm(sandbox, server, fault, "refresh", client=app.session.client)
        screen.refresh_changes()
        await settle(pilot)
        assert len(screen._views) == shown, "the last good data stays on screen"
        if screen.offline_since:
            assert app._notifications
            MATRIX[(fault, "refresh")] = f"last data kept; {_header(app).split(' · ')[-1]}"
        else:
            MATRIX[(fault, "refresh")] = "refreshed (recovered or harmless)"


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_during_send(fault, make_app, sandbox, server, mail):
    app = make_app()
    _fast(app.session.client)
    app.session.client.governor._sleep = _instant
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        attendee = view.primary_attendee()
        channel = "email" if attendee.patient.email else "sms"
        _arm(sandbox, server, fault, "send", view, client=app.session.client)
        delivery = app.session.delivery
        try:
            outcome = await delivery.send(attendee.link, channel, kind=view.kind, practitioner=view.practitioner_name)
        except DeliveryError as exc:
            delivered = len(mail.received) + len(sandbox.sms_outbox)
            assert delivered == 0, "nothing is sent unless eligibility was re-confirmed"
            MATRIX[(fault, "send")] = f"nothing sent: {exc.message}"
        else:
            assert len(mail.received) + len(sandbox.sms_outbox) == 1
            MATRIX[(fault, "send")] = f"sent after re-check ({outcome.recipient})"
        assert app.is_running


def write_report(path) -> str:
    phases = ["load", "refresh", "detail", "send"]
    lines = ["| fault | " + " | ".join(phases) + " |", "|---|---|---|---|---|"]
    for fault in FAULTS:
        cells = [MATRIX.get((fault, p), "not run").replace("|", "/") for p in phases]
        lines.append(f"| {fault} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    path.write_text("# Fault matrix (written by `make test`)\n\n" + text)
    return text
