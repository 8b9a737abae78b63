"""doubt: which realisations are asked about before saving (issue 11, item 1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_bot.core.models import Aggregation, Direction
from kinerja_bot.core.rules.plausibility import Reason, doubt

UP, DOWN = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
SUM, LEVEL = Aggregation.CUMULATIVE, Aggregation.LATEST


def ask(
    value: float,
    *,
    unit: str = "dokumen",
    target: float = 1200,
    aggregation: Aggregation = SUM,
    direction: Direction = UP,
    week_value: float | None = None,
    realisation_after: float | None = None,
) -> Reason | None:
    found = doubt(
        value,
        unit=unit,
        target=target,
        aggregation=aggregation,
        direction=direction,
        week_value=value if week_value is None else week_value,
        realisation_after=value if realisation_after is None else realisation_after,
    )
    return None if found is None else found.reason


@pytest.mark.parametrize(
    ("value", "unit", "target", "aggregation", "expected"),
    [
        (85, "%", 90, LEVEL, None),
        (100, "%", 90, LEVEL, None),
        (100.5, "%", 90, LEVEL, Reason.PERCENT_OVER_100),
        (850, "persen", 90, LEVEL, Reason.PERCENT_OVER_100),
        (850, " Persen ", 90, LEVEL, Reason.PERCENT_OVER_100),
        (120, "dokumen", 1200, SUM, None),
        (1200, "dokumen", 1200, SUM, None),
        (1201, "dokumen", 1200, SUM, Reason.WEEK_OVER_YEAR),
        (12000, "dokumen", 1200, SUM, Reason.WEEK_OVER_YEAR),
        (150, "orang", 100, LEVEL, None),  # a level of exactly 150 %
        (151, "orang", 100, LEVEL, Reason.ACHIEVEMENT_OVER_150),
    ],
)
def test_the_three_reasons(
    value: float, unit: str, target: float, aggregation: Aggregation, expected: Reason | None
) -> None:
    assert ask(value, unit=unit, target=target, aggregation=aggregation) is expected


def test_a_week_adding_to_the_earlier_report_counts_the_week_as_a_whole() -> None:
    found = doubt(
        700,
        unit="dokumen",
        target=1200,
        aggregation=SUM,
        direction=UP,
        week_value=1300,
        realisation_after=1300,
    )
    assert found is not None and found.reason is Reason.WEEK_OVER_YEAR
    assert found.figure == 1300  # the week's whole value is the one repeated


def test_the_achievement_is_of_the_realisation_to_date() -> None:
    # 100 this week is ordinary, but it takes the year to 1.900 of 1.200 (158 %).
    found = doubt(
        100,
        unit="dokumen",
        target=1200,
        aggregation=SUM,
        direction=UP,
        week_value=100,
        realisation_after=1900,
    )
    assert found is not None and found.reason is Reason.ACHIEVEMENT_OVER_150
    assert found.achievement_pct == pytest.approx(1900 / 1200 * 100)


def test_lower_is_better_is_not_doubted_for_being_good() -> None:
    # At most 12 late permits a year: a week of 0 is 200 % and the ordinary good case.
    assert ask(0, target=12, direction=DOWN) is None
    assert ask(5, unit="menit", target=30, aggregation=LEVEL, direction=DOWN) is None
    # but a week above the whole yearly ceiling still is a likely slip
    assert ask(120, target=12, direction=DOWN) is Reason.WEEK_OVER_YEAR


def test_a_target_of_zero_has_no_achievement_to_doubt() -> None:
    assert ask(5, target=0) is None


@given(
    value=st.floats(0, 1e6),
    target=st.floats(0.01, 1e6),
    aggregation=st.sampled_from([SUM, LEVEL]),
)
def test_never_asks_about_a_figure_within_the_plain_bounds(
    value: float, target: float, aggregation: Aggregation
) -> None:
    within = value <= target and value * 100 / target <= 150
    if within:
        assert ask(value, target=target, aggregation=aggregation) is None
