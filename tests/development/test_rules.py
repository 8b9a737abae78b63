"""The JP rules: minutes ÷ 45, only verified learning of the year counts, the text bar."""

from __future__ import annotations

from datetime import date

import pytest

from kinerja_bot.core.models import LearningStatus
from kinerja_bot.development.rules import (
    CountedLearning,
    has_place,
    jp_bar,
    jp_from_minutes,
    jp_total,
    meets_target,
    nudge_season,
    open_for_enrolment,
)


@pytest.mark.parametrize(
    ("minutes", "jp"), [(45, 1), (90, 2), (100, 2.22), (30, 0.67), (900, 20), (68, 1.51)]
)
def test_jp_from_minutes(minutes: int, jp: float) -> None:
    assert jp_from_minutes(minutes) == jp


def test_jp_from_minutes_refuses_nothing() -> None:
    with pytest.raises(ValueError):
        jp_from_minutes(0)


def test_only_verified_learning_of_the_year_counts() -> None:
    records = [
        CountedLearning(12, LearningStatus.VERIFIED, date(2026, 3, 1)),
        CountedLearning(2.22, LearningStatus.VERIFIED, date(2026, 11, 30)),
        CountedLearning(8, LearningStatus.PENDING, date(2026, 5, 1)),
        CountedLearning(8, LearningStatus.DECLINED, date(2026, 5, 1)),
        CountedLearning(30, LearningStatus.VERIFIED, date(2025, 12, 31)),
    ]
    assert jp_total(records, 2026) == 14.22
    assert not meets_target(14.22)
    assert meets_target(20)


@pytest.mark.parametrize(
    ("total", "bar"),
    [
        (0, "▱▱▱▱▱▱▱▱▱▱ 0/20 JP"),
        (8, "▰▰▰▰▱▱▱▱▱▱ 8/20 JP"),
        (14.22, "▰▰▰▰▰▰▰▱▱▱ 14,22/20 JP"),
        (19.99, "▰▰▰▰▰▰▰▰▰▱ 19,99/20 JP"),
        (32, "▰▰▰▰▰▰▰▰▰▰ 32/20 JP"),
    ],
)
def test_bar(total: float, bar: str) -> None:
    assert jp_bar(total) == bar


def test_quota_enrolment_window_and_nudge_season() -> None:
    assert has_place(None, 500)
    assert has_place(2, 1)
    assert not has_place(2, 2)
    assert open_for_enrolment(date(2026, 12, 7), date(2026, 12, 6))
    assert not open_for_enrolment(date(2026, 12, 7), date(2026, 12, 7))
    assert not nudge_season(date(2026, 6, 30))
    assert nudge_season(date(2026, 7, 1))
