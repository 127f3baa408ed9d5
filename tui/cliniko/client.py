"""Async Cliniko API client: auth, headers, retries, deadlines, rate limits
(lists are read by :mod:`frontdesk.cliniko.paging`, bodies by :mod:`frontdesk.cliniko.wire`).

One shared ``httpx.AsyncClient`` per ``ClinikoClient``. No UI imports. Error
messages and log lines carry the method, the path (never the query string or
host credentials) and the status, so neither the key nor a patient link can
leak through them.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from frontdesk import __version__
from frontdesk.cliniko.errors import (
    AuthenticationError,
    ClinikoError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from frontdesk.cliniko import paging
from frontdesk.cliniko.filters import Q
from frontdesk.cliniko.governor import RateGovernor, governor_for_key
from frontdesk.cliniko.models import User
from frontdesk.cliniko.paging import MAX_PAGES
from frontdesk.cliniko.shard import parse_key, resolve_base_url
from frontdesk.cliniko.wire import MAX_BODY_BYTES, rate_wait, read_body, transport_reason

log = logging.getLogger("frontdesk.cliniko")

EMAIL = re.compile(r"^[^@\s()<>]+@[^@\s()<>]+\.[A-Za-z]{2,}$")
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
            self.check_same_origin(path_or_url)
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def check_same_origin(self, url: str) -> None:
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
                failure = NetworkError(transport_reason(exc))
            else:
                log.debug("%s %s -> %s in %.0f ms", method, urlsplit(url).path, response.status_code,
                          (loop.time() - started) * 1000)
                if response.status_code == 429:
                    wait = rate_wait(response, self._wall())
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
            body = await read_body(response, self.max_body_bytes)
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

    async def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """One PATCH, never retried blindly (like a POST)."""
        return await self.request("PATCH", path, json=body)

    # -- lists -------------------------------------------------------------

    def pages(self, path: str, resource: str, q: Q | None = None, *,
              extra: list[tuple[str, str]] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """Each page's rows as it arrives (see :mod:`frontdesk.cliniko.paging`)."""
        return paging.pages(self, path, resource, q, extra=extra)

    async def list_all(self, path: str, resource: str, q: Q | None = None, *,
                       extra: list[tuple[str, str]] | None = None,
                       shortfalls: list[str] | None = None) -> list[dict[str, Any]]:
        return await paging.list_all(self, path, resource, q, extra=extra, shortfalls=shortfalls)

    async def current_user(self) -> User:
        data = await self.get("/user")
        try:
            return User.model_validate(data)
        except Exception:
            raise ProtocolError("Cliniko's answer for the current user could not be read.") from None
