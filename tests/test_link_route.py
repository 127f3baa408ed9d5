"""The patient link's route through the code, measured from the outside.

A patient link is a bearer secret, so every frontdesk function that is
handed it (or what carries it: the attendee's JSON row, its model, its
view, and that view as shown) is named here, found by profiling a real load and send. A new
function that touches it fails this test until someone has read it and
added it: the route cannot grow unseen."""

import sys
import threading
from pathlib import Path

from frontdesk.cliniko.models import Attendee
from frontdesk.domain.links import PatientLink
from frontdesk.services.day import AttendeeView
from frontdesk.services.shown import ShownAttendee

from conftest import settle
from console_helpers import eligible, open_send

ROOT = Path(__file__).resolve().parent.parent
OURS = (str(ROOT / "tui"), str(ROOT / "widgets"))


def _carries(value, url: str) -> bool:
    if isinstance(value, PatientLink):
        return value.url == url
    if isinstance(value, str):
        return value == url
    if isinstance(value, dict):
        return value.get("telehealth_url") == url
    if isinstance(value, Attendee):
        return value.telehealth_url == url
    if isinstance(value, ShownAttendee):
        value = value.view
    if isinstance(value, AttendeeView):
        return value.link is not None and value.link.url == url
    return False


class Route:
    def __init__(self, url: str) -> None:
        self.url = url
        self.calls: list[str] = []

    def __call__(self, frame, event, arg):
        if event != "call" or not frame.f_code.co_filename.startswith(OURS):
            return
        code = frame.f_code
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        given = [frame.f_locals.get(n) for n in names if n not in ("self", "cls")]
        if any(_carries(v, self.url) for v in given):
            where = f"{Path(code.co_filename).stem}.{code.co_qualname}"
            if where not in self.calls:
                self.calls.append(where)


#: in the order a load and one send first hand them the link
ROUTE = (
    # Cliniko's answer becomes a model, and the model a view with a PatientLink
    "models.ClinikoModel._resolve_relations",
    "models._empty_none",
    "day.Day.attendees_of.<locals>.<lambda>",
    "day.Day._attendee_view",
    "links.patient_link",
    "links._match",
    # the rules read it (may it be sent?) and the link panel shows it, masked
    "eligibility.attendee_active",
    "day.AppointmentView.decision",
    "eligibility.decide",
    "eligibility.send_eligibility",
    "eligibility._link_refusal",
    "link_panel.LinkPanel._patient_text",
    "link_panel.LinkPanel._shown_link",
    "link_panel.LinkPanel._notes",
    # s: the send flow plans and confirms; the service sends
    "send_flow.SendFlow.start",
    "send_flow.SendFlow.plan",
    "send_flow.SendFlow.previous_note",
    "service.DeliveryService.previous_sends",
    "send_flow.SendFlow._confirmed",
    "service.DeliveryService.send",
    # after the checks, in the service: the fresh re-read, the message, the memo
    "service.DeliveryService._send",
    "service.DeliveryService._reread",
    "reread.reread",
    "service.DeliveryService.compose",
    "message.render",
    "message.MessageValues.as_dict",
    "service.DeliveryService._memo",
)


async def test_every_function_handed_the_patient_link_is_known(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        url = eligible(app).primary_attendee().link.url
    route = Route(url)
    sys.setprofile(route)
    threading.setprofile(route)
    try:
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await open_send(app, pilot, eligible(app))
            await pilot.press("y")
            await settle(pilot)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    assert len(mail.received) == 1 and url in mail.received[0].body("plain")  # the send happened
    assert set(route.calls) == set(ROUTE), f"new: {set(route.calls) - set(ROUTE)}, gone: {set(ROUTE) - set(route.calls)}"
    # the service first gets the link after staff's "y", never from the list or the panel directly
    first_service = min(n for n, call in enumerate(route.calls) if call.startswith("service."))
    assert route.calls.index("send_flow.SendFlow.start") < first_service
