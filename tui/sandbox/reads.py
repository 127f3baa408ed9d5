"""The sandbox's reads: settings, lists with Cliniko's wrappers and links,
records by id, and the mixed bookings feed; each hides what Cliniko hides."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from frontdesk.sandbox.query import BY_ID_FILTERS, FilterError, clamp_per_page, parse_filters, sort_rows, visible
from frontdesk.sandbox.render import render


class ReadRoutes:
    """Part of :class:`~frontdesk.sandbox.server.Sandbox`."""

    def _settings(self, parts: list[str], user_id: str) -> Response:
        country, code = self.store.country
        account = {"id": "1", "name": "Harbour Health", "country": country, "country_code": code,
                   "currency_symbol": "$", "subdomain": self.store.subdomain, "time_zone_support": True}
        public = {"account": account, "terminology": {"patient": self.store.patient_term}}
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
