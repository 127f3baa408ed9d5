import asyncio

import pytest
from hypothesis import given, settings, strategies as st

from frontdesk.cliniko.governor import RateGovernor, governor_for_key


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sent: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def _burst(gov: RateGovernor, t: FakeTime, n: int) -> None:
    for _ in range(n):
        await gov.acquire()
        t.sent.append(t.now)


def _max_in_window(times: list[float], window: float) -> int:
    best = 0
    for i, start in enumerate(times):
        best = max(best, sum(1 for x in times[i:] if x - start < window - 1e-6))
    return best


async def test_never_more_than_limit_in_any_window():
    t = FakeTime()
    gov = RateGovernor(limit=200, clock=t.clock, sleep=t.sleep)
    await _burst(gov, t, 650)
    assert _max_in_window(t.sent, 60.0) == 200
    assert t.sent[199] == 1000.0 and t.sent[200] == 1060.0


@settings(max_examples=30, deadline=None)
@given(limit=st.integers(1, 20), gaps=st.lists(st.floats(0, 30), min_size=1, max_size=80))
def test_window_property_with_idle_gaps(limit, gaps):
    async def run():
        t = FakeTime()
        gov = RateGovernor(limit=limit, window=60.0, clock=t.clock, sleep=t.sleep)
        for gap in gaps:
            t.now += gap
            await gov.acquire()
            t.sent.append(t.now)
        return t.sent

    sent = asyncio.run(run())
    assert _max_in_window(sent, 60.0) <= limit


async def test_concurrent_callers_share_the_budget():
    t = FakeTime()
    gov = RateGovernor(limit=5, window=60.0, clock=t.clock, sleep=t.sleep)

    async def one():
        await gov.acquire()
        t.sent.append(t.now)

    await asyncio.gather(*(one() for _ in range(12)))
    assert _max_in_window(sorted(t.sent), 60.0) <= 5


async def test_block_for_holds_everyone_back():
    t = FakeTime()
    gov = RateGovernor(limit=200, clock=t.clock, sleep=t.sleep)
    gov.block_for(7.5)
    await gov.acquire()
    assert t.now == pytest.approx(1007.5)


def test_one_governor_per_key():
    assert governor_for_key("a-au1") is governor_for_key("a-au1")
    assert governor_for_key("a-au1") is not governor_for_key("b-au1")
