"""The patient link's route through the code, measured from the outside.

A patient link is a bearer secret, so every frontdesk function that is
handed it (or what carries it: the attendee's JSON row, its model, its
view, and that view as shown) is named here, found by profiling a real load and send. A new
function that touches it fails this test until someone has read it and
added it: the route cannot grow unseen."""

import asyncio
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from textual.message import Message

from frontdesk.cliniko.models import Attendee
from frontdesk.domain.links import PatientLink
from frontdesk.services.day import AttendeeView
from frontdesk.services.shown import ShownAttendee

from conftest import settle
from console_helpers import eligible, open_send

ROOT = Path(__file__).resolve().parent.parent
OURS = (str(ROOT / "tui"), str(ROOT / "widgets"))


def _carries(value, url: str, depth: int = 3) -> bool:
    """The link itself, or something holding it: a JSON page or row (or a
    list of them), a model, a view."""
    if isinstance(value, PatientLink):
        return value.url == url
    if isinstance(value, str):
        return value == url
    if isinstance(value, dict):
        return value.get("telehealth_url") == url or depth > 0 and any(
            _carries(v, url, depth - 1) for v in value.values() if isinstance(v, (list, dict)))
    if isinstance(value, (list, tuple)) and depth > 0:
        return any(_carries(v, url, depth - 1) for v in value)
    if isinstance(value, Attendee):
        return value.telehealth_url == url
    if isinstance(value, ShownAttendee):
        value = value.view
    if isinstance(value, Message):  # a message about an attendee (SendRequested, …)
        value = getattr(value, "attendee", None)
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
    # Cliniko's pages, their rows, the models
    "paging._total", "paging._rows", "paging._Tally.fresh", "paging._next",
    "day_rows.parse_rows", "models.ClinikoModel._resolve_relations", "models._empty_none",
    # the day's view: the PatientLink is made (or refused)
    "day.Day.attendees_of.<locals>.<lambda>", "day.Day._attendee_view", "links.patient_link", "links._match",
    # the rules read it (may it be sent? late?) and the link panel shows it, masked
    "eligibility.attendee_active", "day.AppointmentView.decision", "eligibility.decide",
    "eligibility.send_eligibility", "eligibility._link_refusal", "arrival.late_attendees",
    "link_panel.LinkPanel._patient_text", "link_panel.LinkPanel._shown_link", "link_panel.LinkPanel._notes",
    # s: the panel's message, the send flow (plan, earlier sends, confirmation), the service
    "link_routes.LinkRoutes.on_link_panel_send_requested", "send_flow.SendFlow.start", "send_flow.SendFlow.plan",
    "send_plan.send_plan",
    "send_flow.SendFlow.previous_note", "service.DeliveryService.previous_sends",
    "service.DeliveryService.previous_send", "send_flow.SendFlow._confirmed",
    "send_flow.SendFlow._send", "service.DeliveryService.send",
    # inside the service: the fresh re-read, the message, the memo, the audit row (in a worker thread)
    "service.DeliveryService._send", "service.DeliveryService._reread", "reread.reread",
    "service.DeliveryService.compose", "message.render", "message.MessageValues.as_dict",
    "service.DeliveryService._memo", "service.DeliveryService._record",
)

#: the calls that hand the link on toward the patient (the rest only read it):
#: eight hand-offs, each into a module not yet left behind
HAND_ON = (
    "paging._rows", "day_rows.parse_rows", "day.Day._attendee_view", "links.patient_link",
    "link_routes.LinkRoutes.on_link_panel_send_requested", "send_flow.SendFlow.start",
    "send_flow.SendFlow._confirmed", "send_flow.SendFlow._send", "service.DeliveryService.send",
)


async def test_every_function_handed_the_patient_link_is_known(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        url = eligible(app).primary_attendee().link.url
    route = Route(url)
    sys.setprofile(route)
    threading.setprofile(route)  # threads started from now on: a fresh pool for asyncio.to_thread
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor())
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
    order = [route.calls.index(call) for call in HAND_ON]
    assert order == sorted(order)  # met in this order
    modules = [call.split(".")[0] for call in HAND_ON]
    assert all(m not in modules[:n] or modules[n - 1] == m for n, m in enumerate(modules))  # no way back
    # the service first gets the link after staff's "y", never from the list or the panel directly
    first_service = min(n for n, call in enumerate(route.calls) if call.startswith("service."))
    assert route.calls.index("send_flow.SendFlow.start") < first_service
