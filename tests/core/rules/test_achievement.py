"""Achievement %, realisation to date, pro-rata targets and the on-track status a user sees."""

from __future__ import annotations

from datetime import date

import pytest

from kinerja_bot.core.models import Aggregation, Direction
from kinerja_bot.core.rules.achievement import (
    NEEDS_ATTENTION_MIN_PCT,
    ON_TRACK_MIN_PCT,
    OnTrackStatus,
    achievement_pct,
    elapsed_fraction,
    prorata_achievement_pct,
    prorata_target,
    realisation_to_date,
    status,
    status_from_pct,
)

UP, DOWN = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
CUM, LVL = Aggregation.CUMULATIVE, Aggregation.LATEST
OK, ATTN, BEHIND = (
    OnTrackStatus.SESUAI_JADWAL,
    OnTrackStatus.PERLU_PERHATIAN,
    OnTrackStatus.TERTINGGAL,
)


@pytest.mark.parametrize(
    ("realisasi", "target", "direction", "expected"),
    [
        (50, 100, UP, 50.0),
        (100, 100, UP, 100.0),
        (120, 100, UP, 120.0),  # never capped
        (1250, 1000, "naik", 125.0),  # stored string values work too
        (0, 100, UP, 0.0),
        (30, 30, DOWN, 100.0),  # waiting time exactly on target
        (20, 30, DOWN, pytest.approx(133.333333)),  # faster than target
        (36, 30, DOWN, 80.0),  # 20 % slower
        (60, 30, DOWN, 0.0),  # twice the target
        (70, 30, DOWN, 0.0),  # worse than twice: shown as 0 %, never negative
        (0, 5, "turun", 200.0),
    ],
)
def test_achievement_pct(
    realisasi: float, target: float, direction: Direction, expected: float
) -> None:
    assert achievement_pct(realisasi, target, direction) == expected


@pytest.mark.parametrize("direction", [UP, DOWN])
@pytest.mark.parametrize("target", [0, -5])
def test_achievement_pct_without_positive_target_is_not_measurable(
    direction: Direction, target: float
) -> None:
    assert achievement_pct(0, target, direction) is None
    assert achievement_pct(3, target, direction) is None


@pytest.mark.parametrize(
    ("values", "aggregation", "expected"),
    [
        ([5, 3, 2], CUM, 10.0),
        ([12.5], CUM, 12.5),
        ([], CUM, 0.0),  # nothing reported: nothing achieved
        ([80, 85, 90], LVL, 90.0),
        ([90, 85], "terakhir", 85.0),  # the latest, not the best
        ([], LVL, None),  # a level with no report is unknown
    ],
)
def test_realisation_to_date(
    values: list[float], aggregation: Aggregation, expected: float | None
) -> None:
    latest = values[-1] if values else None
    assert realisation_to_date(sum(values), latest, aggregation) == expected


@pytest.mark.parametrize(
    ("as_of", "year", "expected"),
    [
        (date(2026, 1, 1), 2026, 1 / 365),
        (date(2026, 7, 2), 2026, 183 / 365),
        (date(2026, 12, 31), 2026, 1.0),
        (date(2025, 12, 31), 2026, 0.0),
        (date(2027, 1, 5), 2026, 1.0),
        (date(2028, 2, 29), 2028, 60 / 366),  # leap year
    ],
)
def test_elapsed_fraction(as_of: date, year: int, expected: float) -> None:
    assert elapsed_fraction(as_of, year) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("target", "as_of", "aggregation", "direction", "expected"),
    [
        (365, date(2026, 1, 1), CUM, UP, 1.0),
        (365, date(2026, 3, 1), CUM, UP, 60.0),
        (365, date(2026, 12, 31), CUM, UP, 365.0),
        (1200, date(2026, 6, 30), CUM, UP, pytest.approx(595.068493)),
        (12, date(2026, 7, 2), CUM, DOWN, pytest.approx(6.016438)),  # a yearly ceiling
        (95, date(2026, 1, 1), LVL, UP, 95.0),  # a % level is expected all year
        (30, date(2026, 6, 30), LVL, DOWN, 30.0),
    ],
)
def test_prorata_target(
    target: float,
    as_of: date,
    aggregation: Aggregation,
    direction: Direction,
    expected: float,
) -> None:
    assert prorata_target(target, as_of, 2026, aggregation, direction) == expected


@pytest.mark.parametrize(
    ("realisasi", "target", "as_of", "aggregation", "direction", "expected"),
    [
        # 1,200 documents a year; by 30 June 595 are due.
        (600, 1200, date(2026, 6, 30), CUM, UP, OK),
        (500, 1200, date(2026, 6, 30), CUM, UP, ATTN),
        (400, 1200, date(2026, 6, 30), CUM, UP, BEHIND),
        (0, 1200, date(2026, 6, 30), CUM, UP, BEHIND),  # no report all half-year
        # Exactly on the thresholds: 60 due by 1 March.
        (60, 365, date(2026, 3, 1), CUM, UP, OK),
        (48, 365, date(2026, 3, 1), CUM, UP, ATTN),  # 80 %
        (47.9, 365, date(2026, 3, 1), CUM, UP, BEHIND),
        # Above target all year is still on track (no cap).
        (1500, 1200, date(2026, 12, 31), CUM, UP, OK),
        # A service level of 95 %.
        (96, 95, date(2026, 3, 31), LVL, UP, OK),
        (80, 95, date(2026, 3, 31), LVL, UP, ATTN),
        (70, 95, date(2026, 3, 31), LVL, UP, BEHIND),
        # Waiting time of at most 30 minutes (lower is better).
        (28, 30, date(2026, 5, 4), LVL, DOWN, OK),
        (33, 30, date(2026, 5, 4), LVL, DOWN, ATTN),
        (36, 30, date(2026, 5, 4), LVL, DOWN, ATTN),
        (37, 30, date(2026, 5, 4), LVL, DOWN, BEHIND),
        # At most 12 late permits a year; about 6 allowed by 2 July.
        (4, 12, date(2026, 7, 2), CUM, DOWN, OK),
        (7, 12, date(2026, 7, 2), CUM, DOWN, ATTN),
        (9, 12, date(2026, 7, 2), CUM, DOWN, BEHIND),
    ],
)
def test_status(
    realisasi: float,
    target: float,
    as_of: date,
    aggregation: Aggregation,
    direction: Direction,
    expected: OnTrackStatus,
) -> None:
    result = status(
        realisasi, target, as_of=as_of, year=2026, aggregation=aggregation, direction=direction
    )
    assert result == expected


@pytest.mark.parametrize(
    ("realisasi", "target", "as_of", "aggregation"),
    [
        (None, 95, date(2026, 3, 31), LVL),  # level indicator without any report
        (5, 0, date(2026, 3, 31), CUM),  # target 0: no percentage
        (5, 100, date(2025, 12, 31), CUM),  # the year has not started
    ],
)
def test_status_not_judgeable(
    realisasi: float | None, target: float, as_of: date, aggregation: Aggregation
) -> None:
    assert (
        status(realisasi, target, as_of=as_of, year=2026, aggregation=aggregation, direction=UP)
        is None
    )


def test_status_ignores_float_noise_at_the_threshold() -> None:
    # 0.1 + 0.2 is 0.30000000000000004: meeting it with 0.3 is 99.99999999999999 %.
    result = status(
        0.3, 0.1 + 0.2, as_of=date(2026, 6, 1), year=2026, aggregation=LVL, direction=UP
    )
    assert result == OK


def test_prorata_achievement_pct_is_shown_uncapped() -> None:
    pct = prorata_achievement_pct(
        120, 365, as_of=date(2026, 3, 1), year=2026, aggregation=CUM, direction=UP
    )
    assert pct == pytest.approx(200.0)


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (ON_TRACK_MIN_PCT, OK),
        (250.0, OK),
        (99.99, ATTN),
        (NEEDS_ATTENTION_MIN_PCT, ATTN),
        (79.99, BEHIND),
        (0.0, BEHIND),
    ],
)
def test_status_from_pct(pct: float, expected: OnTrackStatus) -> None:
    assert status_from_pct(pct) == expected


def test_status_texts() -> None:
    assert [s.value for s in OnTrackStatus] == ["sesuai jadwal", "perlu perhatian", "tertinggal"]
