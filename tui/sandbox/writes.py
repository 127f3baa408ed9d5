"""The sandbox's writes: cancel, archive, a type's Telehealth flag,
arrivals, and memos (the only communications anyone can create; nothing is
ever sent)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from frontdesk.sandbox.clock import iso_z
from frontdesk.sandbox.query import visible
from frontdesk.sandbox.render import render

#: Cliniko roles that may change the diary; others (a bookkeeper) get 403
DIARY_WRITERS = {"administrator", "receptionist", "practitioner"}
#: what a PATCH may set here, per resource (fields not listed are ignored,
#: as Rails' strong parameters do); the flags are checked as JSON booleans
ARRIVAL_FIELDS = {"individual_appointments": ("patient_arrived", "did_not_arrive"), "attendees": ("arrived",)}

CANCEL_REASONS = {10: "Feeling Better", 20: "Condition Worse", 30: "Sick", 31: "COVID-19 related",
                  40: "Away", 50: "Other", 60: "Work"}


class WriteRoutes:
    """Part of :class:`~frontdesk.sandbox.server.Sandbox`."""

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

    async def _patch_arrival(self, request: Request, resource: str, rid: str, api: str, user_id: str) -> Response:
        """PATCH an individual appointment's ``patient_arrived`` /
        ``did_not_arrive`` (kept exclusive: setting one clears the other) and
        ``notes`` (the spec's request body), or a group attendee's ``arrived``. Archived or deleted rows are 404, a
        cancelled one 422, a role that may not change the diary 403."""
        if self.store.users.get(user_id, {}).get("role") not in DIARY_WRITERS:
            return JSONResponse({"message": "You do not have permission to change appointments"}, status_code=403)
        row = self.store.resource(resource)[rid]
        if row.get("archived_at") or row.get("deleted_at"):
            raise KeyError(rid)
        body = await _json_body(request)
        fields = ARRIVAL_FIELDS[resource]
        errors = {f: "is not a boolean" for f in fields if f in body and not isinstance(body[f], bool | None)}
        notes = resource == "individual_appointments" and "notes" in body
        if notes and not isinstance(body["notes"], str | None):
            errors["notes"] = "is not a string"
        if row.get("cancelled_at"):
            errors["base"] = "A cancelled appointment can’t be changed"
        if errors:
            return _invalid(errors)
        with self._lock:
            changes: dict[str, Any] = {f: bool(body[f]) for f in fields if f in body}
            if changes.get("patient_arrived"):
                changes.setdefault("did_not_arrive", False)
            if changes.get("did_not_arrive"):
                changes.setdefault("patient_arrived", False)
            if changes.get("patient_arrived") and changes.get("did_not_arrive"):
                return _invalid({"did_not_arrive": "can’t be set with patient_arrived"})
            if notes:
                changes["notes"] = body["notes"]
            row.update(changes, updated_at=iso_z(self.clock()))
        return JSONResponse(render(resource, row, api))

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


def _invalid(errors: dict[str, str]) -> Response:
    return JSONResponse({"message": "Validation Failed", "errors": errors}, status_code=422)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
