"""Sessions wait for a connection as long as the database makes progress (core/db.py, Turns):
a burst queues, a stuck database is given up on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kinerja_bot.core.db import Turns


class Periods:
    """Periods of patience that end when the test says so, not by the clock."""

    def __init__(self) -> None:
        self.running: list[asyncio.Event] = []
        self.started = asyncio.Event()

    async def sleep(self, _seconds: float) -> None:
        ended = asyncio.Event()
        self.running.append(ended)
        self.started.set()
        await ended.wait()

    async def end(self) -> None:
        """End the period under way (once a waiter has started one)."""
        await self.started.wait()
        self.started.clear()
        self.running.pop().set()
        for _ in range(5):  # the waiter looks at what happened meanwhile
            await asyncio.sleep(0)


class Held:
    """A session holding its turn until released."""

    def __init__(self, turns: Turns) -> None:
        self.release = asyncio.Event()
        self.inside = asyncio.Event()
        self.task = asyncio.create_task(self._hold(turns))

    async def _hold(self, turns: Turns) -> None:
        async with turns.turn():
            self.inside.set()
            await self.release.wait()


@pytest.fixture
def periods() -> Periods:
    return Periods()


@pytest.fixture
async def turns(periods: Periods) -> AsyncIterator[Turns]:
    yield Turns(1, 2.0, sleep=periods.sleep)


async def waiting(turns: Turns) -> tuple[asyncio.Task[None], asyncio.Event]:
    inside = asyncio.Event()

    async def session() -> None:
        async with turns.turn():
            inside.set()

    task = asyncio.create_task(session())
    await asyncio.sleep(0)
    return task, inside


async def test_a_session_waits_its_turn_while_others_finish(turns: Turns, periods: Periods) -> None:
    first = Held(turns)
    await first.inside.wait()
    second = Held(turns)  # queued before the session under test
    late, inside = await waiting(turns)

    first.release.set()
    await second.inside.wait()
    await periods.end()  # a whole period passed, but a session finished in it: wait on
    assert not late.done()

    second.release.set()
    await late
    assert inside.is_set()


async def test_a_session_gives_up_when_no_session_finishes_for_a_whole_period(
    turns: Turns, periods: Periods
) -> None:
    stuck = Held(turns)
    await stuck.inside.wait()
    late, inside = await waiting(turns)

    await periods.end()
    with pytest.raises(TimeoutError):
        await late
    assert not inside.is_set()

    stuck.release.set()  # the turn it gave up was not taken: the next session gets one
    await stuck.task
    again, inside = await waiting(turns)
    await again
    assert inside.is_set()


async def test_a_nested_session_does_not_wait_for_its_own_task(turns: Turns) -> None:
    async with turns.turn(), turns.turn():
        pass
    again, inside = await waiting(turns)
    await again
    assert inside.is_set()
