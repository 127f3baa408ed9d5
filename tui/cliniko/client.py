"""Async Cliniko API client: auth, headers, pagination, retries, rate limits.

One shared ``httpx.AsyncClient`` per ``ClinikoClient``. No UI imports. Error
messages and log lines carry the method, the path (never the query string or
host credentials) and the status, so neither the key nor a patient link can
leak through them.
"""

from __future__ import annotations

import asyncio
import email.utils
import json as jsonlib
import logging
import math
import random
import re
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from tui import __version__
from tui.cliniko.errors import (
    AuthenticationError,
    ClinikoError,
    ConfigurationError,
    IncompleteListError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from tui.cliniko.filters import Q
from tui.cliniko.governor import RateGovernor, governor_for_key
from tui.cliniko.models import User
from tui.cliniko.shard import parse_key, resolve_base_url

log = logging.getLogger("frontdesk.cliniko")

EMAIL = re.compile(r"^[^@\s()<>]+@[^@\s()<>]+\.[A-Za-z]{2,}$")
PER_PAGE = 100
#: a list longer than this many pages is refused, whatever total_entries says
MAX_PAGES = 200
#: pages in a row that bring no new row before a list counts as looping
STALE_PAGES = 3
MAX_BODY_BYTES = 32 * 1024 * 1024
Sleep = Callable[[float], Awaitable[None]]


def user_agent(contact_email: str | None) -> str:
    if not contact_email or not contact_email.strip():
        raise ConfigurationError(
            "A contact email is required: Cliniko blocks API clients that do not give one. "
            "Set FRONTDESK_CONTACT_EMAIL or contact_email in the config file."
        )
    if not EMAIL.match(contact_email.strip()):
        raise ConfigurationError(f"The contact email '{contact_email.strip()}' is not a valid email address.")
    return f"frontdesk/{__version__} ({contact_email.strip()})"


def _what(path: str) -> str:
    first = urlsplit(path).path.strip("/").split("/")
    if first and first[0] == "v1":
        first = first[1:]
    name = first[0] if first else "record"
    return name.replace("_", " ")


class ClinikoClient:
    def __init__(
        self,
        api_key: str,
        contact_email: str | None,
        *,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        governor: RateGovernor | None = None,
        requests_per_minute: int = 200,
        timeout: float = 10.0,
        deadline: float = 30.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_pages: int = MAX_PAGES,
        max_concurrency: int = 16,
        retries: int = 3,
        max_rate_wait: float = 65.0,
        sleep: Sleep = asyncio.sleep,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.shard = parse_key(api_key).shard
        self.base_url = resolve_base_url(api_key, base_url)
        self._base = urlsplit(self.base_url)
        self.governor = governor or governor_for_key(api_key, requests_per_minute)
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.max_pages = max_pages
        self.retries = retries
        self.max_rate_wait = max_rate_wait
        self.max_concurrency = max_concurrency
        self._sleep = sleep
        self._wall = wall_clock
        self._rng = rng or random.Random()
        self._semaphore: asyncio.Semaphore | None = None
        self.request_count = 0
        self._http = httpx.AsyncClient(
            auth=httpx.BasicAuth(api_key, ""),
            # only encodings frontdesk decodes itself, within the size cap
            headers={"Accept": "application/json", "Accept-Encoding": "gzip, deflate",
                     "User-Agent": user_agent(contact_email)},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            transport=transport,
            verify=True,
        )

    async def __aenter__(self) -> "ClinikoClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- single requests ---------------------------------------------------

    def _url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            self._check_same_origin(path_or_url)
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def _check_same_origin(self, url: str) -> None:
        parts = urlsplit(url)
        if (parts.scheme, parts.hostname, parts.port) != (
            self._base.scheme,
            self._base.hostname,
            self._base.port,
        ):
            raise ProtocolError(
                "Cliniko sent a page link to another server; frontdesk did not follow it "
                "(your API key is only ever sent to your own Cliniko shard)."
            )

    def _limit(self) -> asyncio.Semaphore:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.max_concurrency)
        return self._semaphore

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        """One call, retried where safe. All its attempts together get
        ``deadline`` seconds on the network (time spent waiting for the rate
        governor or backing off does not count), so a server that answers a
        byte at a time cannot hold a screen for longer."""
        url = self._url(path)
        what = _what(path)
        safe_to_retry = method.upper() == "GET"
        attempt = 0
        spent = 0.0
        loop = asyncio.get_running_loop()
        while True:
            await self.governor.acquire()
            started = loop.time()
            try:
                async with self._limit():
                    self.request_count += 1
                    started = loop.time()
                    remaining = self.deadline - spent
                    async with asyncio.timeout(max(remaining, 0.001)):
                        response, body = await self._exchange(method, url, params, json)
            except TimeoutError:
                spent = self.deadline
                failure: ClinikoError = NetworkError(f"Cliniko did not finish answering within {self.deadline:g} s")
            except httpx.TimeoutException:
                failure = NetworkError("Cliniko did not answer in time")
            except httpx.TransportError as exc:
                failure = NetworkError(_transport_reason(exc))
            else:
                log.debug("%s %s -> %s in %.0f ms", method, urlsplit(url).path, response.status_code,
                          (loop.time() - started) * 1000)
                if response.status_code == 429:
                    wait = _rate_wait(response, self._wall())
                    if wait is None:
                        wait = self._backoff(attempt + 1) * 2
                    if attempt >= self.retries + 2 or wait > self.max_rate_wait:
                        raise RateLimitedError(wait)
                    self.governor.block_for(wait)
                    attempt += 1
                    continue
                if response.status_code >= 500:
                    failure = ServerError(response.status_code)
                else:
                    return self._decode(response, body, what)
            finally:
                spent += loop.time() - started
            if not safe_to_retry or attempt >= self.retries or spent >= self.deadline:
                raise failure
            attempt += 1
            await self._sleep(self._backoff(attempt))

    async def _exchange(
        self, method: str, url: str, params: list[tuple[str, str]] | None, json: Any
    ) -> tuple[httpx.Response, bytes]:
        """One request and its whole body, decoded here within
        ``max_body_bytes`` (a small gzip body can inflate to gigabytes). The
        body is kept here, not on the response: httpx's request/response
        objects sit in reference cycles, and a body cached on them (~140 KB a
        page) would live until the next full garbage collection."""
        request = self._http.build_request(method, url, params=params, json=json)
        response = await self._http.send(request, stream=True)
        try:
            body = await _read_body(response, self.max_body_bytes)
        finally:
            await response.aclose()
        return response, body

    def _backoff(self, attempt: int) -> float:
        return min(8.0, 0.25 * 2 ** (attempt - 1)) * (0.5 + self._rng.random())

    def _decode(self, response: httpx.Response, body: bytes, what: str) -> dict[str, Any]:
        status = response.status_code
        if status == 204:
            return {}
        if status in (301, 302, 303, 307, 308):
            raise ProtocolError(
                f"Cliniko redirected the request ({status}); check the shard at the end of "
                "your API key or the configured base URL."
            )
        if status == 401:
            raise AuthenticationError()
        if status == 403:
            raise PermissionDeniedError(what)
        if status == 404:
            raise NotFoundError(what.rstrip("s") if what.endswith("s") else what)
        if status == 422:
            answer = self._json(response, body)
            errors = answer.get("errors") if isinstance(answer, dict) else None
            raise ValidationError(
                {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}
            )
        if status >= 400:
            raise ClinikoError(f"Cliniko rejected the request for {what} ({status}).")
        data = self._json(response, body)
        if not isinstance(data, dict):
            raise ProtocolError(f"Cliniko sent an unexpected answer for {what}.")
        return data

    @staticmethod
    def _json(response: httpx.Response, body: bytes) -> Any:
        ctype = response.headers.get("content-type", "")
        if "html" in ctype:
            raise ProtocolError("Cliniko sent a web page instead of data (is the base URL right?).")
        try:
            return jsonlib.loads(body)
        except ValueError:
            raise ProtocolError("Cliniko sent a reply frontdesk could not read (not JSON).") from None

    async def get(self, path: str, params: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        return await self.request("GET", path, params=params)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.request("POST", path, json=body)

    # -- lists -------------------------------------------------------------

    async def pages(
        self,
        path: str,
        resource: str,
        q: Q | None = None,
        *,
        extra: list[tuple[str, str]] | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Yield each page's rows as it arrives; raise after the last one if
        fewer distinct rows came than Cliniko's ``total_entries`` says.

        Page 1 first; if ``total_entries`` says more, the rest are fetched
        concurrently (as many at a time as the client allows) and yielded as
        they land; without it ``links.next`` is followed in turn. Every next
        link gets ``per_page=100`` (and this call's filters, if it lost them).
        A row seen twice counts once, the newer ``updated_at`` winning. Lists
        longer than ``max_pages`` and links that loop are refused.
        """
        what = resource.replace("_", " ")
        params = [("per_page", str(PER_PAGE))] + (q.params() if q else []) + (extra or [])
        tally = _Tally()
        first = await self.get(path, params)
        total = _total(first)
        if total is not None and total > self.max_pages * PER_PAGE:
            raise ProtocolError(
                f"Cliniko says there are {total:,} {what}: more than frontdesk loads at once "
                f"({self.max_pages * PER_PAGE:,}). Nothing past the first page was read."
            )
        yield tally.fresh(_rows(first, resource))
        next_url = _next(first)
        if next_url is not None:
            next_url = self._follow(next_url, params)
            if total is not None:
                async for rows in self._numbered_pages(next_url, math.ceil(total / PER_PAGE), resource):
                    yield tally.fresh(rows)
            else:
                async for rows in self._linked_pages(next_url, params, resource, tally):
                    yield rows
        if total is not None and tally.count < total:
            raise IncompleteListError(tally.count, total, what)

    async def _numbered_pages(self, next_url: str, last: int, resource: str) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages 2..last, a bounded number in flight, in the order they land."""
        if last < 2:
            return
        numbers = iter(range(2, last + 1))
        landed: asyncio.Queue[dict[str, Any] | Exception] = asyncio.Queue()

        async def fetch() -> None:
            for n in numbers:  # shared: each fetcher takes the next page number
                try:
                    page = await self.get(_with_page(next_url, n))
                except Exception as exc:  # noqa: BLE001 - handed to the reader below
                    await landed.put(exc)
                    return
                await landed.put(page)

        fetchers = [asyncio.ensure_future(fetch()) for _ in range(min(self.max_concurrency, last - 1))]
        try:
            for _ in range(last - 1):
                page = await landed.get()
                if isinstance(page, Exception):
                    raise page
                yield _rows(page, resource)
        finally:
            for fetcher in fetchers:
                fetcher.cancel()

    async def _linked_pages(
        self, next_url: str | None, params: list[tuple[str, str]], resource: str, tally: "_Tally"
    ) -> AsyncIterator[list[dict[str, Any]]]:
        seen: set[str] = set()
        pages, stale = 1, 0
        while next_url:
            if next_url in seen:
                raise ProtocolError(f"Cliniko's page links for {resource.replace('_', ' ')} go round in a loop; "
                                    "frontdesk stopped following them.")
            pages += 1
            if pages > self.max_pages:
                raise ProtocolError(f"Cliniko's list of {resource.replace('_', ' ')} runs past "
                                    f"{self.max_pages} pages; frontdesk stopped reading it.")
            seen.add(next_url)
            page = await self.get(next_url)
            before = tally.count
            yield tally.fresh(_rows(page, resource))
            stale = stale + 1 if tally.count == before else 0
            if stale >= STALE_PAGES:
                raise ProtocolError(f"Cliniko kept sending pages of {resource.replace('_', ' ')} with nothing "
                                    "new; frontdesk stopped following them.")
            nxt = _next(page)
            next_url = self._follow(nxt, params) if nxt else None

    def _follow(self, next_url: str, params: list[tuple[str, str]]) -> str:
        """A next link, checked to be on our own server, with ``per_page``
        and this call's other parameters (filters, sort) where it lacks them."""
        self._check_same_origin(next_url)
        parts = urlsplit(next_url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "per_page"]
        present = {k for k, _ in query}
        query += [("per_page", str(PER_PAGE))]
        query += [(k, v) for k, v in params if k != "per_page" and k not in present]
        return urlunsplit(parts._replace(query=urlencode(query)))

    async def list_all(
        self,
        path: str,
        resource: str,
        q: Q | None = None,
        *,
        extra: list[tuple[str, str]] | None = None,
        shortfalls: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Every row of a list. A list shorter than Cliniko said raises
        :class:`IncompleteListError`, or, given *shortfalls*, is noted there
        and what arrived is returned."""
        rows: dict[str, dict[str, Any]] = {}
        unreadable: list[dict[str, Any]] = []
        try:
            async for page in self.pages(path, resource, q, extra=extra):
                for row in page:
                    rid = row.get("id")
                    if isinstance(rid, (str, int)) and not isinstance(rid, bool):
                        rows[str(rid)] = row  # a row sent again is newer: it replaces the first
                    else:
                        unreadable.append(row)
        except IncompleteListError as exc:
            if shortfalls is None:
                raise
            shortfalls.append(str(exc))
        return [*rows.values(), *unreadable]

    # -- resources ---------------------------------------------------------

    async def current_user(self) -> User:
        data = await self.get("/user")
        try:
            return User.model_validate(data)
        except Exception:
            raise ProtocolError("Cliniko's answer for the current user could not be read.") from None


class _Tally:
    """The distinct rows of one list so far: a row seen again is passed on
    only when its ``updated_at`` is newer (the newest wins downstream)."""

    def __init__(self) -> None:
        self._updated: dict[str, str] = {}

    @property
    def count(self) -> int:
        return len(self._updated)

    def fresh(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            rid = row.get("id")
            if not isinstance(rid, (str, int)) or isinstance(rid, bool):
                out.append(row)  # unreadable: the models reject and report it
                continue
            key, updated = str(rid), str(row.get("updated_at") or "")
            if key in self._updated and updated <= self._updated[key]:
                continue
            self._updated[key] = updated
            out.append(row)
        return out


def _total(page: dict[str, Any]) -> int | None:
    total = page.get("total_entries")
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


def _finite(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _rate_wait(response: httpx.Response, wall: float) -> float | None:
    """Seconds a 429 asks for, from ``X-RateLimit-Reset`` (epoch seconds) or
    ``Retry-After`` (seconds or an HTTP date); None when neither is usable
    (missing, garbage, infinite)."""
    reset = _finite(response.headers.get("X-RateLimit-Reset"))
    if reset is not None:
        return max(0.0, reset - wall)
    retry_after = response.headers.get("Retry-After")
    seconds = _finite(retry_after)
    if seconds is not None:
        return max(0.0, seconds)
    if retry_after:
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is not None and when.tzinfo is not None:
            return max(0.0, when.timestamp() - wall)
    return None


async def _read_body(response: httpx.Response, cap: int) -> bytes:
    """The body, decoded (identity, gzip or deflate) and never more than *cap* bytes."""
    too_big = ProtocolError(f"Cliniko's answer was larger than {cap // (1024 * 1024)} MB; frontdesk stopped reading it.")
    length = _finite(response.headers.get("content-length"))
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        if length is not None and length > cap:
            raise too_big
        decoder = None
    elif encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    else:
        raise ProtocolError("Cliniko sent an answer in an encoding frontdesk does not read.")
    if response.is_stream_consumed:  # a transport that answered with the whole body (tests' mocks)
        if len(response.content) > cap:
            raise too_big
        return response.content
    out = bytearray()
    try:
        async for chunk in response.aiter_raw():
            if decoder is None:
                out += chunk
            else:
                data = chunk
                while data:
                    out += decoder.decompress(data, cap + 1 - len(out))
                    data = decoder.unconsumed_tail
                    if len(out) > cap:
                        break
            if len(out) > cap:
                raise too_big
    except zlib.error:
        raise ProtocolError("Cliniko sent a compressed answer that could not be read.") from None
    return bytes(out)


def _rows(page: dict[str, Any], resource: str) -> list[dict[str, Any]]:
    rows = page.get(resource)
    if not isinstance(rows, list):
        raise ProtocolError(f"Cliniko's list of {resource.replace('_', ' ')} is missing from its answer.")
    return [row for row in rows if isinstance(row, dict)]


def _next(page: dict[str, Any]) -> str | None:
    links = page.get("links")
    nxt = links.get("next") if isinstance(links, dict) else None
    return nxt if isinstance(nxt, str) and nxt else None


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    query.append(("page", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "could not connect to Cliniko (offline, or the address is wrong)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection to Cliniko dropped mid-answer"
    return "the connection to Cliniko failed"
