"""The sandbox: a fake Cliniko API that behaves like the real one.

An ASGI app (Starlette request/response objects) over a seeded
:class:`~tui.sandbox.seed.Store`. See README "The sandbox" for what it
reproduces and the choices it makes where Cliniko's behaviour is undocumented.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from tui.sandbox.clock import Clock, iso_z, system_clock
from tui.sandbox.faults import DISTORTIONS, FaultPlan
from tui.sandbox.hostile import gzip_bomb, huge_body, trickle
from tui.sandbox.query import BY_ID_FILTERS, FilterError, clamp_per_page, parse_filters, sort_rows, visible
from tui.sandbox.render import render
from tui.sandbox.seed import DEMO, ClinicSize, Store, build_store

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


@dataclass
class _Budget:
    started: float
    count: int = 0


class Sandbox:
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
        record = RequestRecord(request.method, request.url.path, request.url.query)
        with self._lock:
            self.requests.append(record)
        response = await self._respond(request, record, send)
        if response is not None:
            record.status = response.status_code
            await response(scope, receive, send)

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
                count = sum(1 for r in self.requests if r.path.startswith("/v1/"))
                if request.method == "POST":
                    self.requests.clear()
            return JSONResponse({"requests": count, "memos": len(self.memos()), "sms": len(self.sms_outbox)})
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

    async def _fault(self, kind: str, request: Request, send) -> Response | None:
        if kind in {"500", "502", "503"}:
            return PlainTextResponse("Internal Server Error", status_code=int(kind))
        if kind == "timeout":
            await asyncio.sleep(self.faults.timeout_seconds)
            return PlainTextResponse("Gateway Timeout", status_code=504)
        if kind == "html":
            return Response("<html><body><h1>We're sorry, but something went wrong.</h1></body></html>",
                            status_code=200, media_type="text/html")
        if kind == "not_json":
            return Response("this is not json", status_code=200, media_type="application/json")
        if kind == "truncated":
            return Response('{"individual_appointments": [{"id": "13', status_code=200,
                            media_type="application/json")
        if kind == "reset":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"5000")]})
            await send({"type": "http.response.body", "body": b'{"individual_appointments": [', "more_body": True})
            raise ConnectionResetError("sandbox: connection dropped mid-body")
        if kind == "429_reset":
            return JSONResponse({"message": "Too Many Requests"}, status_code=429,
                                headers={"X-RateLimit-Reset": str(int(self._wall()) + 1)})
        if kind == "429_retry_after":
            return JSONResponse({"message": "Too Many Requests"}, status_code=429, headers={"Retry-After": "1"})
        if kind == "429_none":
            return JSONResponse({"message": "Too Many Requests"}, status_code=429)
        odd_429 = {"429_retry_after_inf": {"Retry-After": "1e999"}, "429_reset_inf": {"X-RateLimit-Reset": "inf"},
                   "429_retry_after_text": {"Retry-After": "soon-ish"},
                   "429_reset_far": {"X-RateLimit-Reset": str(int(self._wall()) + 10**6)}}
        if kind in odd_429:
            return JSONResponse({"message": "Too Many Requests"}, status_code=429, headers=odd_429[kind])
        if kind == "slowloris":
            return StreamingResponse(trickle(self.faults.trickle_seconds), media_type="application/json")
        if kind == "gzip_bomb":
            return Response(gzip_bomb(), media_type="application/json", headers={"content-encoding": "gzip"})
        if kind == "huge_body":
            return StreamingResponse(huge_body(), media_type="application/json")
        if kind == "401":
            return PlainTextResponse("HTTP Basic: Access denied.\n", status_code=401)
        if kind == "403":
            return JSONResponse({"message": "Forbidden"}, status_code=403)
        if kind == "404":
            return JSONResponse({"message": "Not found"}, status_code=404)
        return None

    def _distort(self, response: Response, kind: str) -> Response:
        if response.status_code != 200:
            return response
        data = json.loads(response.body)
        wrapped = "total_entries" in data  # a list answer, or one record
        rows = next((v for v in data.values() if isinstance(v, list)), []) if wrapped else [data]
        if kind == "unknown_fields":
            for row in rows:
                row["surprise_field"] = {"nested": [1, 2, 3]}
        elif kind == "missing_optional":
            for row in rows:
                for name in ("notes", "patient_name", "email_reminder_sent", "cancellation_url", "time_zone", "email"):
                    row.pop(name, None)
        elif kind == "null_flag":
            for row in rows:
                if "telehealth_enabled" in row:
                    row["telehealth_enabled"] = None
        elif kind == "foreign_next":
            data.setdefault("links", {})["next"] = "https://evil.example.com/v1/steal?page=2"
            data["total_entries"] = max(data.get("total_entries", 0), 101)
        elif wrapped:
            _distort_pages(data, kind)
        return JSONResponse(data, status_code=200)

    # -- a Twilio-compatible SMS gateway (for the demo and tests) --------------

    async def sms_gateway(self, request: Request) -> Response:
        """``POST /twilio/2010-04-01/Accounts/{sid}/Messages.json``; Basic auth
        ``sid:token``; form fields To, From, Body; 201 with a message sid."""
        parts = request.url.path.strip("/").split("/")
        if request.method != "POST" or len(parts) != 5 or parts[4] != "Messages.json":
            return JSONResponse({"code": 20404, "message": "The requested resource was not found"}, status_code=404)
        sid = parts[3]
        header = request.headers.get("authorization", "")
        try:
            user, _, token = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            user, token = "", ""
        if user != sid or token != self.sms_credentials.get(sid):
            return JSONResponse({"code": 20003, "message": "Authenticate"}, status_code=401)
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        to, sender, body = form.get("To"), form.get("From"), form.get("Body")
        if not to:
            return JSONResponse({"code": 21604, "message": "A 'To' phone number is required."}, status_code=400)
        if not re.match(r"^\+[1-9]\d{6,14}$", str(to)):
            return JSONResponse({"code": 21211, "message": f"The 'To' number {to} is not a valid phone number."}, status_code=400)
        if not body:
            return JSONResponse({"code": 21602, "message": "Message body is required."}, status_code=400)
        with self._lock:
            message_sid = f"SM{len(self.sms_outbox) + 1:032x}"
            record = {"sid": message_sid, "to": str(to), "from": str(sender), "body": str(body),
                      "status": "queued", "date_created": iso_z(self.clock())}
            self.sms_outbox.append(record)
        return JSONResponse(record | {"account_sid": sid}, status_code=201)

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
        if len(parts) == 3:
            return await self._member_action(request, resource, parts[1], parts[2], api)
        return JSONResponse({"message": "Not found"}, status_code=404)

    def _settings(self, parts: list[str], user_id: str) -> Response:
        account = {"id": "1", "name": "Harbour Health", "country": "Australia", "country_code": "AU",
                   "currency_symbol": "$", "subdomain": self.store.subdomain, "time_zone_support": True}
        public = {"account": account, "terminology": {"patient": "patient"}}
        if parts == ["settings", "public"]:
            return JSONResponse(public)
        if self.store.users[user_id]["role"] not in {"administrator"}:
            return JSONResponse({"message": "Forbidden"}, status_code=403)
        return JSONResponse({**public, "reminders": {"default_reminder_type": "SMS & Email"},
                             "sms": {"replies_supported": False}})

    def _hide_for(self, resource: str) -> tuple[str, ...]:
        hide = ["deleted_at"]
        if self.options.hide_archived:
            hide.append("archived_at")
        if self.options.hide_cancelled and resource in {"individual_appointments", "attendees", "bookings"}:
            hide.append("cancelled_at")
        return tuple(hide)

    def _get_visible(self, resource: str, rid: str, request: Request, row: dict[str, Any] | None = None) -> dict[str, Any]:
        """One record by id. Like a list, it hides what the endpoint hides by
        default (cancelled, archived, deleted: 404) unless ``q[]=field:*``
        asks for it; only the spec's by-id filters are accepted."""
        row = self.store.resource(resource)[rid] if row is None else row
        filters = parse_filters(resource, request.query_params.getlist("q[]"), BY_ID_FILTERS)
        if not visible(row, filters, self._hide_for(resource)):
            raise KeyError(rid)
        return row

    def _list(self, request: Request, resource: str, rows, api: str, *, filter_as: str | None = None) -> Response:
        params = request.query_params
        filters = parse_filters(filter_as or resource, params.getlist("q[]"))
        hide = self._hide_for(filter_as or resource)
        with self._lock:
            matched = [r for r in rows if visible(r, filters, hide)]
        matched = sort_rows(matched, params.get("sort"))
        per_page = clamp_per_page(params.get("per_page"))
        try:
            page = max(1, int(params.get("page") or 1))
        except ValueError:
            raise FilterError("page must be a number") from None
        chunk = matched[(page - 1) * per_page: page * per_page]
        # like the spec's examples (and Cliniko in the wild, #16): the links
        # keep the filters but not per_page, so a client following them as
        # they are reads pages of the default 50
        kept = [(k, v) for k, v in params.multi_items() if k not in ("page", "per_page")]
        base = f"{api}/{request.url.path.split('/v1/', 1)[1]}"

        def page_url(n: int) -> str:
            return f"{base}?{urlencode(kept + [('page', str(n))])}"

        links = {"self": page_url(page)}
        if page * per_page < len(matched):
            links["next"] = page_url(page + 1)
        if page > 1:
            links["previous"] = page_url(page - 1)
        key = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        render_as = filter_as or resource
        body = [self._render_any(render_as, r, api) for r in chunk]
        return JSONResponse({key: body, "total_entries": len(matched), "links": links})

    def _render_any(self, resource: str, row: dict[str, Any], api: str) -> dict[str, Any]:
        if resource == "bookings":
            kind = row["_kind"]
            out = render(kind, {k: v for k, v in row.items() if k != "_kind"}, api)
            out["links"] = {"self": f"{api}/bookings/{row['id']}"}
            return out
        return render(resource, row, api)

    def _bookings(self, request: Request, parts: list[str], api: str) -> Response:
        store = self.store
        rows = (
            [{**r, "_kind": "individual_appointments"} for r in store.individual_appointments.values()]
            + [{**r, "_kind": "group_appointments"} for r in store.group_appointments.values()]
            + [{**r, "_kind": "unavailable_blocks"} for r in store.unavailable_blocks.values()]
        )
        if len(parts) == 2:
            row = next((r for r in rows if r["id"] == parts[1]), None)
            if row is None:
                raise KeyError(parts[1])
            return JSONResponse(self._render_any("bookings", self._get_visible("bookings", parts[1], request, row), api))
        return self._list(request, "bookings", rows, api, filter_as="bookings")

    async def _member_action(self, request: Request, resource: str, rid: str, action: str, api: str) -> Response:
        store = self.store
        method = request.method
        if action == "attendees" and method == "GET" and resource in {"individual_appointments", "group_appointments"}:
            parent = store.resource(resource)[rid]
            if not visible(parent, [], ("deleted_at", "archived_at")):
                raise KeyError(rid)
            rows = [a for a in store.attendees.values() if a["booking_id"] == rid]
            return self._list(request, "attendees", rows, api)
        if action == "cancel" and method == "PATCH" and resource in {"individual_appointments", "attendees"}:
            row = store.resource(resource)[rid]
            body = await _json_body(request)
            reason = body.get("cancellation_reason")
            if reason in (None, ""):
                return _invalid({"cancellation_reason": "can’t be blank"})
            if reason not in CANCEL_REASONS:
                return _invalid({"cancellation_reason": "is not included in the list"})
            if resource == "attendees":
                booking = store.group_appointments.get(row["booking_id"])
                if booking is None:
                    return _invalid({"base": "only group attendees can be cancelled"})
            with self._lock:
                self._cancel(row, reason, body.get("cancellation_note"))
            return Response(status_code=204)
        if action == "archive" and method == "POST" and resource in {
            "individual_appointments", "group_appointments", "attendees", "appointment_types", "patients"
        }:
            row = store.resource(resource)[rid]
            with self._lock:
                now = iso_z(self.clock())
                row["archived_at"] = now
                row["updated_at"] = now
            return Response(status_code=204)
        if action == "conflicts" and method == "GET":
            store.resource(resource)[rid]
            return JSONResponse({"conflicts": {"exist": False}})
        return JSONResponse({"message": "Not found"}, status_code=404)

    def _cancel(self, row: dict[str, Any], reason: int, note: str | None) -> None:
        now = iso_z(self.clock())
        row.update(cancelled_at=now, updated_at=now, cancellation_reason=reason,
                   cancellation_reason_description=CANCEL_REASONS.get(reason, "Other"),
                   cancellation_note=note)

    async def _patch_type(self, request: Request, rid: str, api: str) -> Response:
        row = self.store.appointment_types[rid]
        body = await _json_body(request)
        if "telehealth_enabled" in body:
            value = body["telehealth_enabled"]
            if value is not None and not isinstance(value, bool):
                return _invalid({"telehealth_enabled": "is not a boolean"})
            self.set_telehealth(rid, value)
        return JSONResponse(render("appointment_types", row, api))

    async def _create(self, request: Request, resource: str, api: str) -> Response:
        body = await _json_body(request)
        if resource == "communications":
            return self._create_memo(body, api)
        if resource == "attendees":
            errors = {f: "can’t be blank" for f in ("booking_id", "patient_id") if not body.get(f)}
            if errors:
                return _invalid(errors)
            return _invalid({"booking_id": "is full or not a group appointment"})
        return JSONResponse({"message": "Not found"}, status_code=404)

    def _create_memo(self, body: dict[str, Any], api: str) -> Response:
        errors: dict[str, str] = {}
        if body.get("category_code", 12) != 12:
            errors["category_code"] = "only memos (12) can be created"
        if not body.get("patient_id"):
            errors["patient_id"] = "can’t be blank"
        elif str(body["patient_id"]) not in self.store.patients:
            errors["patient_id"] = "does not exist"
        if body.get("type_code") not in (1, 2, 3, 4):
            errors["type_code"] = "is not included in the list"
        if body.get("direction_code", 1) not in (1, 2):
            errors["direction_code"] = "is not included in the list"
        if not body.get("content"):
            errors["content"] = "can’t be blank"
        if errors:
            return _invalid(errors)
        with self._lock:
            now = self.clock()
            rid = str(int(max(self.store.communications, default="1390010000000000000")) + 1)
            row = {
                "id": rid, "created_at": iso_z(now), "updated_at": iso_z(now), "archived_at": None,
                "deleted_at": None, "category": "Memo", "category_code": 12,
                "type": {1: "SMS", 2: "Email", 3: "Phone call", 4: "Other"}[body["type_code"]],
                "type_code": body["type_code"], "direction_code": body.get("direction_code", 1),
                "direction_description": "Sent" if body.get("direction_code", 1) == 1 else "Received",
                "from": body.get("from"), "to": body.get("to"), "content": body["content"],
                "confidential": body.get("confidential"), "patient_id": str(body["patient_id"]),
                "_posted": True,
            }
            self.store.communications[rid] = row
        return JSONResponse(render("communications", row, api), status_code=201)


def _distort_pages(data: dict[str, Any], kind: str) -> None:
    """Pagination that lies: links that loop or never end, a total in the
    hundreds of millions, a lost next link, a next link without the filters."""
    links = data.setdefault("links", {})
    self_url = links.get("self", "")
    page = int(dict(parse_qsl(urlsplit(self_url).query)).get("page", "1"))
    if kind == "endless_next":  # the same page, forever
        data.pop("total_entries", None)
        links["next"] = self_url
    elif kind == "endless_pages":  # always one more page, whatever is in it
        data.pop("total_entries", None)
        links["next"] = _with_page(self_url, page + 1)
    elif kind == "huge_total":
        data["total_entries"] = 100_000_000
        links["next"] = _with_page(self_url, page + 1)
    elif kind == "lose_next":  # total says more, but no way to get it
        links.pop("next", None)
    elif kind == "short_list":  # one row counted but never sent
        data["total_entries"] = data.get("total_entries", 0) + 1
    elif kind == "next_drops_filters" and "next" in links:
        links["next"] = urlunsplit(urlsplit(links["next"])._replace(query=f"page={page + 1}"))


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", str(page))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _invalid(errors: dict[str, str]) -> Response:
    return JSONResponse({"message": "Validation Failed", "errors": errors}, status_code=422)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

