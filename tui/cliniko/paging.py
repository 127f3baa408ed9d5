"""Reading Cliniko's lists: every page, nothing lost, nothing endless.

``per_page=100`` (and the call's filters) go on every next link; rows are
counted after de-duplicating ids (the newest ``updated_at`` wins) against
``total_entries``, and a shortfall is an error; pages past ``max_pages``,
links that loop and pages that bring nothing new are refused.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from frontdesk.cliniko.errors import IncompleteListError, ProtocolError
from frontdesk.cliniko.filters import Q

class PageSource(Protocol):
    """What paging needs of a client (:class:`frontdesk.cliniko.client.ClinikoClient` is the one)."""

    max_pages: int
    max_concurrency: int

    async def get(self, path: str, params: list[tuple[str, str]] | None = None) -> dict[str, Any]: ...

    def check_same_origin(self, url: str) -> None: ...


PER_PAGE = 100
#: a list longer than this many pages is refused, whatever total_entries says
MAX_PAGES = 200
#: pages in a row that bring no new row before a list counts as looping
STALE_PAGES = 3


async def pages(
    client: PageSource,
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
    first = await client.get(path, params)
    total = _total(first)
    if total is not None and total > client.max_pages * PER_PAGE:
        raise ProtocolError(
            f"Cliniko says there are {total:,} {what}: more than frontdesk loads at once "
            f"({client.max_pages * PER_PAGE:,}). Nothing past the first page was read."
        )
    yield tally.fresh(_rows(first, resource))
    next_url = _next(first)
    if next_url is not None:
        next_url = _follow(client, next_url, params)
        if total is not None:
            async for rows in _numbered_pages(client, next_url, math.ceil(total / PER_PAGE), resource):
                yield tally.fresh(rows)
        else:
            async for rows in _linked_pages(client, next_url, params, resource, tally):
                yield rows
    if total is not None and tally.count < total:
        raise IncompleteListError(tally.count, total, what)


async def _numbered_pages(
    client: PageSource, next_url: str, last: int, resource: str
) -> AsyncIterator[list[dict[str, Any]]]:
    """Pages 2..last, a bounded number in flight, in the order they land."""
    if last < 2:
        return
    numbers = iter(range(2, last + 1))
    landed: asyncio.Queue[dict[str, Any] | Exception] = asyncio.Queue()

    async def fetch() -> None:
        for n in numbers:  # shared: each fetcher takes the next page number
            try:
                page = await client.get(_with_page(next_url, n))
            except Exception as exc:  # noqa: BLE001 - handed to the reader below
                await landed.put(exc)
                return
            await landed.put(page)

    fetchers = [asyncio.ensure_future(fetch()) for _ in range(min(client.max_concurrency, last - 1))]
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
    client: PageSource, next_url: str | None, params: list[tuple[str, str]], resource: str, tally: "_Tally"
) -> AsyncIterator[list[dict[str, Any]]]:
    seen: set[str] = set()
    pages, stale = 1, 0
    while next_url:
        if next_url in seen:
            raise ProtocolError(f"Cliniko's page links for {resource.replace('_', ' ')} go round in a loop; "
                                "frontdesk stopped following them.")
        pages += 1
        if pages > client.max_pages:
            raise ProtocolError(f"Cliniko's list of {resource.replace('_', ' ')} runs past "
                                f"{client.max_pages} pages; frontdesk stopped reading it.")
        seen.add(next_url)
        page = await client.get(next_url)
        before = tally.count
        yield tally.fresh(_rows(page, resource))
        stale = stale + 1 if tally.count == before else 0
        if stale >= STALE_PAGES:
            raise ProtocolError(f"Cliniko kept sending pages of {resource.replace('_', ' ')} with nothing "
                                "new; frontdesk stopped following them.")
        nxt = _next(page)
        next_url = _follow(client, nxt, params) if nxt else None


def _follow(client: PageSource, next_url: str, params: list[tuple[str, str]]) -> str:
    """A next link, checked to be on our own server, with ``per_page``
    and this call's other parameters (filters, sort) where it lacks them."""
    client.check_same_origin(next_url)
    parts = urlsplit(next_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "per_page"]
    present = {k for k, _ in query}
    query += [("per_page", str(PER_PAGE))]
    query += [(k, v) for k, v in params if k != "per_page" and k not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


async def list_all(
    client: PageSource,
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
        async for page in pages(client, path, resource, q, extra=extra):
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


class _Tally:
    """The distinct rows of one list so far: a row seen again is passed on
    only when its ``updated_at`` is newer (the newest wins downstream)."""

    def __init__(self) -> None:
        self._updated: dict[str, str] = {}
        self._unreadable = 0  # rows without an id: they arrived (the models say they cannot be read)

    @property
    def count(self) -> int:
        return len(self._updated) + self._unreadable

    def fresh(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            rid = row.get("id")
            if not isinstance(rid, (str, int)) or isinstance(rid, bool):
                self._unreadable += 1
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
