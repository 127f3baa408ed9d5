"""Fault × phase: each fault during the initial load and a refresh (through
the console with Pilot) and during a send (the delivery service), against
the sandbox over loopback. The outcomes are printed as a table at the end of
`make test` (and written to fault-matrix.md)."""

import pytest

from frontdesk.cliniko.governor import RateGovernor

from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.services.delivery.errors import DeliveryError

from conftest import settle
from console_helpers import Heard, eligible

MATRIX: dict[tuple[str, str], str] = {}

# fault → (sandbox fault kind, times) or a special name
FAULTS = {
    "429 + X-RateLimit-Reset": ("429_reset", 1),
    "429 + Retry-After": ("429_retry_after", 1),
    "429 with neither header": ("429_none", 1),
    "429 + Retry-After: 1e999": ("429_retry_after_inf", 1),
    "429 + X-RateLimit-Reset: inf": ("429_reset_inf", 1),
    "429 + Retry-After: soon-ish": ("429_retry_after_text", 1),
    "429 + reset in 11 days": ("429_reset_far", 1),
    "500": ("500", 1),
    "502": ("502", 1),
    "503 (persistent)": ("503", 20),
    "timeout": ("timeout", 1),
    "connection refused": ("refused", 0),
    "reset mid-body": ("reset", 1),
    "truncated JSON": ("truncated", 1),
    "non-JSON body": ("not_json", 1),
    "200 with an HTML page": ("html", 1),
    "slowloris body (a byte at a time)": ("slowloris", 20),
    "gzip bomb (256 MB inflated)": ("gzip_bomb", 20),
    "unknown fields": ("unknown_fields", 1),
    "missing optional fields": ("missing_optional", 1),
    "telehealth_enabled null": ("null_flag", 1),
    "type archived/deleted (404)": ("type_gone", 0),
    "appointment cancelled before send": ("cancelled", 0),
    "key revoked (401)": ("revoked", 0),
    "403 (role)": ("403", 20),
    "links.next to another host": ("foreign_next", 1),
    "links.next loops forever": ("endless_next", 50),
    "total_entries 100,000,000": ("huge_total", 20),
    "fewer rows than total_entries": ("short_list", 20),
}

LOADED, REFRESHED, SENT = "loaded", "refreshed", "sent"
DETAIL = "no request: details come from loaded data"


def failed(reason: str) -> str:
    return f"failed: {reason}"


def kept(reason: str) -> str:
    return f"last data kept: {reason}"


def refused(reason: str) -> str:
    return f"nothing sent: {reason}"


UNREADABLE = "unreadable answer from Cliniko"
#: every cell's one expected outcome (the printed matrix shows the words behind it)
EXPECTED: dict[str, tuple[str, str, str]] = {
    "429 + X-RateLimit-Reset": (LOADED, REFRESHED, SENT),
    "429 + Retry-After": (LOADED, REFRESHED, SENT),
    "429 with neither header": (LOADED, REFRESHED, SENT),
    "429 + Retry-After: 1e999": (LOADED, REFRESHED, SENT),
    "429 + X-RateLimit-Reset: inf": (LOADED, REFRESHED, SENT),
    "429 + Retry-After: soon-ish": (LOADED, REFRESHED, SENT),
    "429 + reset in 11 days": (failed("rate limited"), kept("rate limited"), refused("rate limit was reached")),
    "500": (LOADED, REFRESHED, SENT),
    "502": (LOADED, REFRESHED, SENT),
    "503 (persistent)": (failed("Cliniko unavailable"), kept("Cliniko unavailable"), refused("server problem (503)")),
    "timeout": (LOADED, REFRESHED, SENT),
    "connection refused": (failed("offline"), kept("offline"), refused("could not connect to Cliniko")),
    "reset mid-body": (LOADED, REFRESHED, SENT),
    "truncated JSON": (failed(UNREADABLE), kept(UNREADABLE), refused("could not read (not JSON)")),
    "non-JSON body": (failed(UNREADABLE), kept(UNREADABLE), refused("could not read (not JSON)")),
    "200 with an HTML page": (failed(UNREADABLE), kept(UNREADABLE), refused("a web page instead of data")),
    "slowloris body (a byte at a time)": (failed("offline"), kept("offline"), refused("did not finish answering within 3 s")),
    "gzip bomb (256 MB inflated)": (failed(UNREADABLE), kept(UNREADABLE), refused("larger than 32 MB")),
    "unknown fields": (LOADED, REFRESHED, SENT),
    "missing optional fields": (LOADED, REFRESHED, SENT),
    "telehealth_enabled null": (LOADED + ", every type unknown → off", REFRESHED,
                                refused("Telehealth setting unknown for this type — treated as off")),
    "type archived/deleted (404)": (LOADED, REFRESHED, refused("Cliniko has no appointment type (404)")),
    "appointment cancelled before send": (LOADED, REFRESHED, refused("Appointment cancelled")),
    "key revoked (401)": (failed("API key rejected"), kept("API key rejected"), refused("API key rejected")),
    "403 (role)": (failed("not allowed"), kept("not allowed"), refused("not allowed to read attendees (403)")),
    "links.next to another host": (failed(UNREADABLE), kept(UNREADABLE), SENT),
    "links.next loops forever": (failed(UNREADABLE), kept(UNREADABLE), SENT),
    "total_entries 100,000,000": (failed(UNREADABLE), kept(UNREADABLE), SENT),
    "fewer rows than total_entries": (failed("Cliniko returned 63 of 64 individual appointments"),
                                      kept("Cliniko's answer came back short"), SENT),
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


def _fast(sandbox) -> dict:
    """Short waits: 1 s for each read (the timeout fault) and 3 s for a whole
    answer (the slowloris fault, a byte every 0.5 s, never trips the first).
    Returned as the client's options; the sandbox trickles at 0.5 s."""
    sandbox.faults.trickle_seconds = 0.5
    return dict(max_rate_wait=5, timeout=1.0, deadline=3, sleep=_instant,
                governor=RateGovernor(limit=200, sleep=_instant))


async def _instant(_):
    return None


def _load_outcome(app) -> str:
    screen = app.screen
    day = screen.day
    if day is not None and day.complete and not screen.state.failure:
        flags = {t.telehealth_enabled for t in day.appointment_types.values()}
        assert len(screen.views) == len(day.appointments) > 60
        return LOADED + (", every type unknown → off" if flags == {None} else "")
    assert app.heard.notes, "a failure must be told in a notification"
    header = _header(app)
    if screen.state.failure[0] == "incomplete":
        return failed(header.split(" · ")[-1].split(" — ")[0])
    return failed(header.split(" · ")[-1].split(" since ")[0])


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_during_load_and_refresh(fault, make_app, sandbox, server):
    expect_load, expect_refresh, _ = EXPECTED[fault]
    app = make_app(client_options=_fast(sandbox))
    app.heard = Heard()
    _arm(sandbox, server, fault, "load", client=app.session.client)
    async with app.run_test(size=(140, 40), message_hook=app.heard) as pilot:
        await settle(pilot)
        screen = app.screen
        MATRIX[(fault, "load")] = _load_outcome(app)
        assert app.is_running and isinstance(screen, type(app.screen))

        _heal(sandbox, server, app.session.client)
        await pilot.press("r")
        await settle(pilot)
        shown = len(screen.views)
        assert screen.day.complete and shown
        # details of the highlighted appointment: never fetched, so no fault can bite
        before = len(sandbox.requests)
        await pilot.press("j", "j", "k")
        assert len(sandbox.requests) == before and screen.current_view() is not None
        MATRIX[(fault, "detail")] = DETAIL
        app.heard.clear()
        _arm(sandbox, server, fault, "refresh", client=app.session.client)
        screen.refresh_changes()
        await settle(pilot)
        assert len(screen.views) == shown, "the last good data stays on screen"
        if screen.state.failure:
            assert app.heard.notes
            MATRIX[(fault, "refresh")] = kept(_header(app).split(" · ")[-1].split(" since ")[0])
        else:
            MATRIX[(fault, "refresh")] = REFRESHED
    assert MATRIX[(fault, "load")] == expect_load
    assert MATRIX[(fault, "refresh")] == expect_refresh


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_fault_during_send(fault, make_app, sandbox, server, mail):
    expected = EXPECTED[fault][2]
    app = make_app(client_options=_fast(sandbox))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        attendee = view.primary_attendee()
        channel = "email" if attendee.patient.email else "sms"
        _arm(sandbox, server, fault, "send", view, client=app.session.client)
        delivery = app.session.delivery
        try:
            await delivery.send(attendee.link, channel, kind=view.kind, practitioner=view.practitioner_name)
        except DeliveryError as exc:
            delivered = len(mail.received) + len(sandbox.sms_outbox)
            assert delivered == 0, "nothing is sent unless eligibility was re-confirmed"
            MATRIX[(fault, "send")] = refused(exc.message)
        else:
            assert len(mail.received) + len(sandbox.sms_outbox) == 1
            MATRIX[(fault, "send")] = SENT
        assert app.is_running
    outcome = MATRIX[(fault, "send")]
    if expected == SENT:
        assert outcome == SENT
    else:
        assert outcome.startswith("nothing sent: ") and expected.removeprefix("nothing sent: ") in outcome


def write_report(path) -> str:
    phases = ["load", "refresh", "detail", "send"]
    lines = ["| fault | " + " | ".join(phases) + " |", "|---|---|---|---|---|"]
    for fault in FAULTS:
        cells = [MATRIX.get((fault, p), "not run").replace("|", "/") for p in phases]
        lines.append(f"| {fault} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    path.write_text("# Fault matrix (written by `make test`)\n\n" + text)
    return text
