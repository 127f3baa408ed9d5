"""The sandbox: a fake Cliniko API that behaves like the real one.

An ASGI app (Starlette request/response objects) over a seeded
:class:`~frontdesk.sandbox.seed.Store`. See README "The sandbox" for what it
reproduces and the choices it makes where Cliniko's behaviour is undocumented.
"""

from __future__ import annotations

import asyncio
import base64
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from frontdesk.sandbox.clock import Clock, iso_z, system_clock
from frontdesk.sandbox.faults import DISTORTIONS, FaultPlan
from frontdesk.sandbox.misbehave import Misbehaviour
from frontdesk.sandbox.reads import ReadRoutes
from frontdesk.sandbox.sms_gateway import SmsGateway
from frontdesk.sandbox.writes import WriteRoutes
from frontdesk.sandbox.query import FilterError
from frontdesk.sandbox.render import render
from frontdesk.sandbox.seed import DEMO, ClinicSize, Store, build_store

DEMO_SMS_SID = "AC" + "0" * 31 + "1"
DEMO_SMS_TOKEN = "sandbox-sms-token"
UA = re.compile(r"^.+ \([^@\s()]+@[^@\s()]+\.[A-Za-z]{2,}\)$")
LISTABLE = {
    "individual_appointments", "group_appointments", "attendees", "appointment_types",
    "patients", "practitioners", "businesses", "communications", "users", "unavailable_blocks",
}
CANCEL_REASONS = {10: "Feeling Better", 20: "Condition Worse", 30: "Sick", 31: "COVID-19 related",
                  40: "Away", 50: "Other", 60: "Work"}


@dataclass
class SandboxOptions:
    rate_limit: int = 200
    rate_window: float = 60.0
    strict_user_agent: bool = True
    user_agent_reject_status: int = 403
    hide_cancelled: bool = True
    hide_archived: bool = True
    redirect_unsharded: bool = True


@dataclass
class RequestRecord:
    method: str
    path: str
    query: str
    status: int = 0
    received: float = field(default_factory=time.perf_counter)
    user_agent: str = ""


@dataclass
class _Budget:
    started: float
    count: int = 0


class Sandbox(ReadRoutes, WriteRoutes, Misbehaviour, SmsGateway):
    def __init__(
        self,
        *,
        clock: Clock = system_clock,
        size: ClinicSize = DEMO,
        seed: int = 7,
        options: SandboxOptions | None = None,
        faults: FaultPlan | None = None,
        store: Store | None = None,
        wall_clock=time.time,
    ) -> None:
        self.clock = clock
        self.store = store or build_store(clock(), size, seed)
        self.options = options or SandboxOptions()
        self.faults = faults or FaultPlan()
        self.requests: list[RequestRecord] = []
        self._budgets: dict[str, _Budget] = {}
        self._wall = wall_clock
        self._lock = threading.RLock()
        #: the fake SMS gateway's accounts (sid → token) and what it accepted
        self.sms_credentials: dict[str, str] = {DEMO_SMS_SID: DEMO_SMS_TOKEN}
        self.sms_outbox: list[dict[str, str]] = []

    # -- inspection helpers for tests and the demo ---------------------------

    def memos(self) -> list[dict[str, Any]]:
        return [c for c in self.store.communications.values() if c.get("_posted")]

    def request_count(self, path_prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.path.startswith("/v1" + path_prefix))

    def round_trips(self, records: list[RequestRecord] | None = None) -> int:
        """Sequential waves of requests: one that arrives less than half the
        injected latency after a wave began was sent alongside it."""
        gap = max(0.02, self.faults.latency / 2)
        waves, started = 0, None
        for at in sorted(r.received for r in (self.requests if records is None else records)):
            if started is None or at - started >= gap:
                waves, started = waves + 1, at
        return waves

    def set_telehealth(self, type_id: str, enabled: bool | None) -> None:
        """Flip a type's flag as a clinic admin would (links stay unchanged)."""
        with self._lock:
            row = self.store.appointment_types[type_id]
            row["telehealth_enabled"] = enabled
            row["updated_at"] = iso_z(self.clock())

    def cancel_appointment(self, appointment_id: str, reason: int = 50) -> None:
        with self._lock:
            self._cancel(self.store.individual_appointments[appointment_id], reason, None)

    # -- ASGI ----------------------------------------------------------------

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        record = RequestRecord(request.method, request.url.path, request.url.query,
                               user_agent=request.headers.get("user-agent", ""))
        with self._lock:
            self.requests.append(record)
        try:
            response = await self._respond(request, record, send)
            if response is not None:
                record.status = response.status_code
                await response(scope, receive, send)
        except asyncio.CancelledError:  # the server is stopping (Ctrl-C): say so, no traceback
            record.status = 503
            await JSONResponse({"message": "The sandbox is stopping."}, status_code=503)(scope, receive, send)

    async def _respond(self, request: Request, record: RequestRecord, send) -> Response | None:
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        host = request.headers.get("host", "")
        if self.options.redirect_unsharded and host.split(":")[0] == "api.cliniko.com":
            target = f"https://api.{self.store.shard}.cliniko.com{request.url.path}"
            return Response(status_code=301, headers={"Location": target})
        if request.url.path == "/_sandbox/stats":
            # not Cliniko: lets an out-of-process benchmark count requests
            with self._lock:
                api = [r for r in self.requests if r.path.startswith("/v1/")]
                if request.method == "POST":
                    self.requests.clear()
            return JSONResponse({"requests": len(api), "round_trips": self.round_trips(api),
                                 "memos": len(self.memos()), "sms": len(self.sms_outbox)})
        if request.url.path.startswith("/twilio/"):
            fault = self.faults.pick(request.method, request.url.path)
            if fault:
                injected = await self._fault(fault, request, send)
                if injected is not None:
                    return injected
            return await self.sms_gateway(request)
        if not request.url.path.startswith("/v1/"):
            return JSONResponse({"message": "Not found"}, status_code=404)
        user_id = self._authenticate(request)
        if user_id is None:
            return PlainTextResponse("HTTP Basic: Access denied.\n", status_code=401)
        if self.options.strict_user_agent and not UA.match(request.headers.get("user-agent", "")):
            return JSONResponse(
                {"message": "Requests need a User-Agent of the form 'App name (contact@email)'"},
                status_code=self.options.user_agent_reject_status,
            )
        limited = self._rate_limit(user_id)
        if limited is not None:
            return limited
        fault = self.faults.pick(request.method, request.url.path)
        if fault == "slow":  # answers normally, a little late
            await asyncio.sleep(0.4)
            fault = None
        if fault:
            injected = await self._fault(fault, request, send)
            if injected is not None or fault in {"reset"}:
                return injected
        try:
            response = await self._route(request, user_id)
        except FilterError as exc:
            return JSONResponse({"message": f"Invalid filter: {exc}"}, status_code=400)
        except KeyError:
            return JSONResponse({"message": "Not found"}, status_code=404)
        if fault in DISTORTIONS:
            response = self._distort(response, fault)
        return response

    def _authenticate(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            username = base64.b64decode(header[6:]).decode().split(":", 1)[0]
        except (ValueError, UnicodeDecodeError):
            return None
        body, _, suffix = username.rpartition("-")
        if not body:
            body, suffix = username, ""
        if suffix and suffix != self.store.shard:
            return None  # a key for another shard: shards don't know each other
        return self.store.keys.get(body)

    def _rate_limit(self, user_id: str) -> Response | None:
        now = self._wall()
        with self._lock:
            budget = self._budgets.get(user_id)
            if budget is None or now - budget.started >= self.options.rate_window:
                budget = self._budgets[user_id] = _Budget(started=now)
            budget.count += 1
            if budget.count <= self.options.rate_limit:
                return None
            reset = int(budget.started + self.options.rate_window) + 1
        return JSONResponse({"message": "Too Many Requests"}, status_code=429,
                            headers={"X-RateLimit-Reset": str(reset)})

    # -- routing ---------------------------------------------------------------

    async def _route(self, request: Request, user_id: str) -> Response:
        parts = request.url.path.strip("/").split("/")[1:]
        method = request.method
        api = f"{request.url.scheme}://{request.url.netloc}/v1"
        store = self.store
        if parts == ["user"] and method == "GET":
            return JSONResponse(render("users", store.users[user_id], api))
        if parts[0] == "settings" and method == "GET":
            return self._settings(parts, user_id)
        if parts[0] == "bookings" and method == "GET":
            return self._bookings(request, parts, api)
        resource = parts[0]
        if len(parts) == 1 and method == "GET" and resource in LISTABLE:
            return self._list(request, resource, store.resource(resource).values(), api)
        if len(parts) == 1 and method == "POST":
            return await self._create(request, resource, api)
        if len(parts) == 2 and method == "GET" and resource in LISTABLE:
            row = self._get_visible(resource, parts[1], request)
            return JSONResponse(render(resource, row, api))
        if len(parts) == 2 and method == "PATCH" and resource == "appointment_types":
            return await self._patch_type(request, parts[1], api)
        if len(parts) == 2 and method == "PATCH" and resource in ("individual_appointments", "attendees"):
            return await self._patch_arrival(request, resource, parts[1], api, user_id)
        if len(parts) == 3:
            return await self._member_action(request, resource, parts[1], parts[2], api)
        return JSONResponse({"message": "Not found"}, status_code=404)

