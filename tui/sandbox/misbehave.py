"""The sandbox misbehaving on purpose (see :mod:`frontdesk.sandbox.faults`):
answers replaced (5xx, timeouts, dropped connections, broken bodies, 429s
with odd headers, a trickled body, a gzip bomb, a huge body) or distorted
(unknown fields, a null flag, pagination that lies)."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from frontdesk.sandbox.hostile import gzip_bomb, huge_body, trickle


class Misbehaviour:
    """Part of :class:`~frontdesk.sandbox.server.Sandbox`."""

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
