"""Whether a typed realisation is plausible, before it is saved (issue 11, item 1).

Nothing here refuses a value: a figure far beyond the usual is asked about once ("Yakin?"),
because a slip of the thumb (an extra 0, a count typed into a percentage) is far likelier
than a real jump, and a wrong figure reaches the atasan and the unit's summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kinerja_bot.core.models import Aggregation, Direction
from kinerja_bot.core.rules.achievement import achievement_pct
from kinerja_bot.core.rules.numbers import is_percent_unit

__all__ = ["IMPLAUSIBLE_ACHIEVEMENT_PCT", "Doubt", "Reason", "doubt"]

# Above this achievement (against the yearly target) a figure is asked about.
IMPLAUSIBLE_ACHIEVEMENT_PCT = 150.0
PERCENT_CEILING = 100.0


class Reason(StrEnum):
    """Why a figure is asked about; the value is the key of its question in `lapor.yaml`."""

    PERCENT_OVER_100 = "yakin_persen"
    WEEK_OVER_YEAR = "yakin_minggu"
    ACHIEVEMENT_OVER_150 = "yakin_capaian"


@dataclass(frozen=True)
class Doubt:
    reason: Reason
    figure: float  # the figure to repeat: the week's whole value for WEEK_OVER_YEAR
    achievement_pct: float | None  # against the yearly target, with this figure counted


def doubt(
    value: float,
    *,
    unit: str,
    target: float,
    aggregation: Aggregation,
    direction: Direction,
    week_value: float,
    realisation_after: float,
) -> Doubt | None:
    """The first reason to ask "Yakin?" about a realisation, or None when it looks ordinary.

    `value` is the figure typed; `week_value` what the week's report will hold (the figure, or
    the figure added to this week's earlier report); `realisation_after` the realisation to date
    once it is saved. Checked in this order: a percentage over 100 (`unit` is `%` or `persen`);
    for a cumulative indicator, one week above the whole yearly target; an achievement over
    IMPLAUSIBLE_ACHIEVEMENT_PCT. The last is for higher-is-better indicators only: a
    lower-is-better one (at most 12 late permits a year) is at 200 % with every week of 0,
    which is the good and ordinary case, not a slip.
    """
    pct = achievement_pct(realisation_after, target, direction)
    if is_percent_unit(unit) and value > PERCENT_CEILING:
        return Doubt(Reason.PERCENT_OVER_100, value, pct)
    if Aggregation(aggregation) is Aggregation.CUMULATIVE and target > 0 and week_value > target:
        return Doubt(Reason.WEEK_OVER_YEAR, week_value, pct)
    higher_is_better = Direction(direction) is Direction.HIGHER_IS_BETTER
    if higher_is_better and pct is not None and pct > IMPLAUSIBLE_ACHIEVEMENT_PCT:
        return Doubt(Reason.ACHIEVEMENT_OVER_150, value, pct)
    return None
