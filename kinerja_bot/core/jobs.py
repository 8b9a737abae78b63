"""What a feature declares to have run on a schedule; `kinerja_bot.scheduling` books them all.

A feature lists its `ScheduledJob`s in its `jobs` module (`JOBS`) and its nightly upkeep
(`UPKEEP`); the composition root gathers them into one table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.outbox import DeliveryReport
from kinerja_bot.core.rules.periods import PeriodKind
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.timetable import Schedule


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # as typed in `kinerja-bot jalankan NAME`
    schedule: Callable[[Settings], Schedule]  # read from the (already parsed) settings
    period_kind: PeriodKind  # a missed run is caught up only while its period lasts
    run: Callable[..., Awaitable[DeliveryReport]]


# Nightly work that sends nothing on a schedule of its own (closing tickets, retention).
Upkeep = Callable[[BotContext], Awaitable[None]]
