"""Competency development rules (PP 11/2017 jo PP 17/2020 Pasal 203; PerLAN 10/2018): pure.

Every PNS is owed at least 20 JP (jam pelajaran) a year; 1 JP is 45 minutes. Only learning
that counts is summed: catalog courses completed with a certificate, and learning outside the
catalog once the atasan has verified it. JP are kept to two decimals (90 minutes = 2 JP,
100 minutes = 2,22 JP), never rounded up to reach the target.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kinerja_bot.core.models import EnrolmentStatus, LearningStatus
from kinerja_bot.core.rules.formatting import format_number_id, round_half_up

JP_PER_YEAR = 20
MINUTES_PER_JP = 45
# The shortest and longest self-recorded learning accepted in one record (minutes).
MIN_MINUTES = 15
MAX_MINUTES = 200 * MINUTES_PER_JP
BAR_WIDTH = 10
# From this month on, people under 20 JP are nudged and listed (the third quarter starts).
NUDGE_FROM_MONTH = 7
# The atasan is reminded of an enrolment waiting this many working days for a decision.
WAITING_WORKING_DAYS = 2
# Enrolments that still stand (a declined or cancelled one may be made again).
STANDING = (
    EnrolmentStatus.PENDING,
    EnrolmentStatus.WAITING_LIST,
    EnrolmentStatus.APPROVED,
    EnrolmentStatus.COMPLETED,
)
# Enrolments their owner may still cancel (before the course starts).
CANCELLABLE = (EnrolmentStatus.PENDING, EnrolmentStatus.WAITING_LIST, EnrolmentStatus.APPROVED)
# Enrolments that hold a place of an offer's quota.
HOLDS_A_PLACE = (EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED, EnrolmentStatus.COMPLETED)


def jp_from_minutes(minutes: int) -> float:
    """Minutes of learning outside the catalog as JP: minutes ÷ 45, two decimals."""
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    return round_half_up(minutes / MINUTES_PER_JP, 2)


@dataclass(frozen=True)
class CountedLearning:
    """What `jp_total` needs of a learning record."""

    jp: float
    status: str
    completed_on: date


def counts(status: str) -> bool:
    """Only verified learning counts towards the 20 JP."""
    return status == LearningStatus.VERIFIED


def jp_total(records: Iterable[CountedLearning], year: int) -> float:
    """The JP of `year` that count."""
    return round_half_up(
        sum(r.jp for r in records if counts(r.status) and r.completed_on.year == year), 2
    )


def meets_target(total: float) -> bool:
    return total >= JP_PER_YEAR


def jp_bar(total: float, target: int = JP_PER_YEAR, width: int = BAR_WIDTH) -> str:
    """A text bar for a chat: `▰▰▰▰▱▱▱▱▱▱ 8/20 JP`; full (never more) from the target on."""
    filled = min(width, int(total / target * width)) if target > 0 else width
    return "▰" * filled + "▱" * (width - filled) + f" {format_jp(total)}/{target} JP"


def format_jp(value: float) -> str:
    """`8.0` → `8`, `2.2222` → `2,22`."""
    return format_number_id(value, 2, trim=True)


def has_place(kuota: int | None, taken: int) -> bool:
    """Whether an offer with `kuota` places (None: no limit) and `taken` held has room."""
    return kuota is None or taken < kuota


def open_for_enrolment(mulai: date, today: date) -> bool:
    """Enrolment closes when the course starts."""
    return today < mulai


def nudge_season(today: date) -> bool:
    """From the third quarter, people under 20 JP get a monthly nudge."""
    return today.month >= NUDGE_FROM_MONTH
