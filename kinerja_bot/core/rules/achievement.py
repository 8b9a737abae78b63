"""Achievement (capaian) of an individual indicator and its on-track status.

Sources: PermenPANRB 6/2022 (pengelolaan kinerja pegawai ASN: targets, realisasi and continuous
monitoring), the LKjIP practice for lower-is-better indicators (PermenPANRB 53/2014 reports),
and DESIGN §3 "Achievement". Nothing here rounds: callers round only what they display.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from kinerja_bot.core.models import Aggregation, Direction

__all__ = [
    "NEEDS_ATTENTION_MIN_PCT",
    "ON_TRACK_MIN_PCT",
    "OnTrackStatus",
    "achievement_pct",
    "elapsed_fraction",
    "prorata_achievement_pct",
    "prorata_target",
    "realisation_to_date",
    "status",
    "status_from_pct",
]

# Achievement against the pro-rata target at or above which an indicator is on schedule.
ON_TRACK_MIN_PCT = 100.0
# At or above this (and below ON_TRACK_MIN_PCT) it needs attention; below it, it lags behind.
NEEDS_ATTENTION_MIN_PCT = 80.0

# Float noise (0.1 + 0.2 style) must not flip a status a user sees at a threshold.
_EPSILON = 1e-9


class OnTrackStatus(StrEnum):
    """Where an indicator stands against the part of its yearly target due by now."""

    SESUAI_JADWAL = "sesuai jadwal"
    PERLU_PERHATIAN = "perlu perhatian"
    TERTINGGAL = "tertinggal"


def achievement_pct(realisasi: float, target: float, direction: Direction) -> float | None:
    """Return the achievement (capaian) in percent, uncapped; None when not measurable.

    Higher-is-better (`naik`): realisasi / target × 100. Lower-is-better (`turun`, e.g. waiting
    time): the LKjIP form (2 × target − realisasi) / target × 100, so meeting the target exactly
    is 100 % and every unit below it adds as much as a unit above it would take away.
    Above 100 % stays above 100 % (DESIGN §3: never capped). The result is never negative: a
    lower-is-better realisasi of more than twice the target shows 0 %.
    A target of 0 or less cannot carry a ratio (a "zero findings" indicator has no percentage),
    so the result is None and callers show the realisasi itself.
    Sources: PermenPANRB 6/2022 (capaian = realisasi against target); LKjIP practice under
    PermenPANRB 53/2014 for indicators where lower is better.
    """
    if target <= 0:
        return None
    if Direction(direction) is Direction.LOWER_IS_BETTER:
        pct = (2 * target - realisasi) / target * 100
    else:
        pct = realisasi / target * 100
    return max(pct, 0.0)


def realisation_to_date(
    total: float, latest: float | None, aggregation: Aggregation
) -> float | None:
    """Return the realisasi to date of one indicator from its reports: `total`, the sum of
    their values oldest first, and `latest`, the newest one's value (None without a report).

    Cumulative (`kumulatif`, e.g. documents processed): the sum of all reports; with no report
    yet that is 0, since nothing has been achieved. Level (`terakhir`, e.g. a percentage or a
    waiting time): the latest report; with no report yet it is unknown, so None.
    Source: DESIGN §3 "Achievement" (sum of reports or latest report).
    """
    if Aggregation(aggregation) is Aggregation.CUMULATIVE:
        return float(total)
    return None if latest is None else float(latest)


def elapsed_fraction(as_of: date, year: int) -> float:
    """Return the share of `year` elapsed on `as_of`, counting days inclusively (0.0–1.0).

    1 January counts as one day gone (1/365); 31 December is the whole year. A date before
    the year gives 0.0 and one after it gives 1.0. Source: DESIGN §3 (pro-rata target for the
    elapsed part of the year).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    if as_of < first:
        return 0.0
    if as_of >= last:
        return 1.0
    return ((as_of - first).days + 1) / ((last - first).days + 1)


def prorata_target(
    target: float,
    as_of: date,
    year: int,
    aggregation: Aggregation,
    direction: Direction,
) -> float:
    """Return the part of the yearly target that is due by `as_of` (inclusive).

    Cumulative indicators: the yearly target × the elapsed share of the year, counted in days
    (see `elapsed_fraction`); the same for lower-is-better ones, whose yearly ceiling (e.g. at
    most 12 late permits) is spread the same way. Level indicators: the target itself, because
    a level (a percentage, a waiting time) is expected all year, not built up over it.
    `direction` is accepted so every caller passes the full indicator shape; it does not
    change the result. Source: DESIGN §3 "On-track compares with the pro-rata target".
    """
    Direction(direction)  # validates; see docstring
    if Aggregation(aggregation) is Aggregation.LATEST:
        return float(target)
    return target * elapsed_fraction(as_of, year)


def prorata_achievement_pct(
    realisasi: float | None,
    target: float,
    *,
    as_of: date,
    year: int,
    aggregation: Aggregation,
    direction: Direction,
) -> float | None:
    """Return the achievement against the pro-rata target (percent), None if not judgeable.

    Uses the same formula as `achievement_pct` (LKjIP form for lower-is-better), with the
    pro-rata target of `prorata_target` in place of the yearly one. None when there is no
    realisasi yet (a level indicator without reports) or no positive pro-rata target (target 0,
    or a date before the year starts). Source: DESIGN §3 "Achievement".
    """
    if realisasi is None:
        return None
    due = prorata_target(target, as_of, year, aggregation, direction)
    return achievement_pct(realisasi, due, direction)


def status_from_pct(pct_of_prorata: float) -> OnTrackStatus:
    """Map an achievement against the pro-rata target to an on-track status.

    ≥ ON_TRACK_MIN_PCT (100 %) → sesuai jadwal; ≥ NEEDS_ATTENTION_MIN_PCT (80 %) → perlu
    perhatian; below → tertinggal. The regulation sets no in-year thresholds: these are the
    bot's own, explained in docs/rules.md (Source: DESIGN §3 on-track status).
    """
    if pct_of_prorata + _EPSILON >= ON_TRACK_MIN_PCT:
        return OnTrackStatus.SESUAI_JADWAL
    if pct_of_prorata + _EPSILON >= NEEDS_ATTENTION_MIN_PCT:
        return OnTrackStatus.PERLU_PERHATIAN
    return OnTrackStatus.TERTINGGAL


def status(
    realisasi: float | None,
    target: float,
    *,
    as_of: date,
    year: int,
    aggregation: Aggregation,
    direction: Direction,
) -> OnTrackStatus | None:
    """Return the on-track status of an indicator on `as_of`, or None when it cannot be judged.

    Compares the realisasi to date with the pro-rata target (`prorata_achievement_pct`):
    higher-is-better and lower-is-better are treated alike because the LKjIP form already
    turns "lower" into a percentage where more is better. None when there is no realisasi yet
    for a level indicator, the target is 0, or the year has not started.
    Source: DESIGN §3 "On-track compares with the pro-rata target for the elapsed part of the
    year"; thresholds in docs/rules.md.
    """
    pct = prorata_achievement_pct(
        realisasi, target, as_of=as_of, year=year, aggregation=aggregation, direction=direction
    )
    if pct is None:
        return None
    return status_from_pct(pct)
