"""The first day's load, started before the console has drawn itself.

Textual spends ~40 ms starting up (reading styles, composing screens) before
the console would ask for the day. The app starts the load as soon as its
event loop runs, and the console adopts it: the first requests are already
on the wire meanwhile. Nothing is fetched twice.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from frontdesk.domain.days import DayWanted
from frontdesk.services.day import Day
from frontdesk.services.day_loader import DayLoader, Progress


class EarlyLoad:
    def __init__(self, loader: DayLoader, requested: DayWanted | None, now: datetime) -> None:
        self.requested = requested
        self.business_id = loader.business_id
        self._day: Day | None = None
        self._listener: Progress | None = None
        #: the local date loading (today in the home location unless asked)
        self.dated: asyncio.Future[date] = asyncio.get_running_loop().create_future()
        self.task = asyncio.ensure_future(self._run(loader, now))

    async def _run(self, loader: DayLoader, now: datetime) -> Day:
        try:
            local_date = await loader.date_for(self.requested, now)
        except asyncio.CancelledError:
            self.dated.cancel()
            raise
        except Exception as exc:
            self.dated.set_exception(exc)
            raise
        self.dated.set_result(local_date)
        return await loader.load(local_date, on_progress=self._progress)

    def _progress(self, day: Day) -> None:
        self._day = day
        if self._listener is not None:
            self._listener(day)

    def serves(self, requested: DayWanted | None, business_id: str | None) -> bool:
        """Whether this is the load the console is about to ask for."""
        return requested == self.requested and business_id == self.business_id

    async def adopt(self, on_progress: Progress) -> Day:
        """Follow the load from here on; what arrived so far is passed on at once."""
        self._listener = on_progress
        if self._day is not None:
            on_progress(self._day)
        return await self.task

    def cancel(self) -> None:
        """Not adopted after all (another day asked for, or the app closing)."""
        for future in (self.task, self.dated):
            if not future.done():
                future.cancel()
            elif not future.cancelled():
                future.exception()  # a failure nobody will see: not worth a warning
