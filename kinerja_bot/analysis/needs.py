"""Needs analysis (analisis kebutuhan organisasi): per unit and period, what the organisation
needs, ranked, each need with its evidence and a suggested action.

Four sources (DESIGN §3 "Needs analysis"):
- indicators behind their pro-rata target (`reporting.progress`, as of the period's end or
  today), grouped per indicator name within the unit;
- obstacle categories (kendala) that recur across people or weeks;
- support and training asked for (dukungan), counted by category, with who asked;
- SKM unsur whose NRR grades below B, mapped to a capacity-building action.

Ranking within a unit: level (Tinggi, Sedang, Rendah) from per-source rules, then breadth
(the share of the people concerned), then the number of people, then the source order above.
The rules and their reasons are in docs/analysis.md. Everything here is a plain function on a
session; `render.py` turns a report into texts and a chart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.analysis.effect import DevelopmentEffect, development_effects
from kinerja_bot.analysis.sources import (
    LoadedResponse,
    employees_in,
    group_by_service,
    group_by_unit,
    load_responses,
    reports_in,
    scope_of,
    summarise_skm,
    units_in,
)
from kinerja_bot.core.models import Employee, ProgressReport, Unit, id_of
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.periods import Period
from kinerja_bot.core.rules.skm import (
    MIN_RESPONSES_FOR_SCORE,
    UNSUR_BY_CODE,
    Mutu,
    unsur_below_b,
    unsur_grade,
)
from kinerja_bot.core.vocabulary import OBSTACLE_CATEGORIES, SUPPORT_CATEGORIES
from kinerja_bot.development import DEVELOPMENT_REQUESTS, CatalogOffer, NeedSignal, open_catalog
from kinerja_bot.recognition.service import Given, appreciation_for
from kinerja_bot.reporting import (
    IndicatorProgress,
    indicator_progress,
)

__all__ = [
    "IndicatorEvidence",
    "Level",
    "Need",
    "NeedKind",
    "NeedsReport",
    "ObstacleEvidence",
    "SkmEvidence",
    "SupportEvidence",
    "UnitNeeds",
    "build_needs_report",
    "build_needs_report_for_units",
    "need_signal",
]

# How many example texts of an obstacle, and how many distinct requests, are quoted.
EXAMPLES = 2


class NeedKind(StrEnum):
    """Where a need comes from; the order of the members breaks ties in the ranking."""

    INDICATOR = "indikator"
    SKM = "skm"
    OBSTACLE = "kendala"
    SUPPORT = "dukungan"


_KIND_ORDER = {kind: position for position, kind in enumerate(NeedKind)}


class Level(IntEnum):
    """How urgent a need is (tingkat): the first key of the ranking."""

    RENDAH = 1
    SEDANG = 2
    TINGGI = 3


@dataclass(frozen=True)
class IndicatorEvidence:
    """Holders of one indicator (by name) in the unit and those behind the pro-rata target."""

    satuan: str
    holders: int
    lagging: int  # status tertinggal
    behind: tuple[tuple[str, float], ...]  # (name, capaian vs pro-rata) of everyone behind
    top_obstacle: str | None  # the obstacle category named by most of the people behind


@dataclass(frozen=True)
class ObstacleEvidence:
    reports: int
    people: tuple[str, ...]
    weeks: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SupportEvidence:
    requests: int
    people: tuple[str, ...]
    details: tuple[tuple[str, int], ...]  # (what was asked, how many times), most asked first


@dataclass(frozen=True)
class SkmEvidence:
    nrr: float
    grade: Mutu
    respondents: int
    low_answers: int
    services: tuple[str, ...]


Evidence = IndicatorEvidence | ObstacleEvidence | SupportEvidence | SkmEvidence


@dataclass(frozen=True)
class Need:
    """One need of a unit. `subject` is the indicator name, the category code or the unsur
    code; `count` of `base` people (or SKM answers) are concerned; `action` is the key of the
    suggested action in percakapan/analisis.yaml."""

    kind: NeedKind
    subject: str
    level: Level
    count: int
    base: int
    action: str
    evidence: Evidence
    # The employees (ids) a course offered for this need goes to: the holders behind on the
    # indicator, or those who asked for training; nobody for SKM unsur and obstacles.
    concerned: tuple[int, ...] = ()

    @property
    def breadth(self) -> float:
        """The share (0–1) of the people, or SKM answers, concerned."""
        return self.count / self.base if self.base else 0.0

    @property
    def rank_key(self) -> tuple[int, float, int, int, str]:
        """Sort key, most urgent first."""
        return (-self.level, -self.breadth, -self.count, _KIND_ORDER[self.kind], self.subject)


@dataclass(frozen=True)
class UnitNeeds:
    """The ranked needs of one unit, with the numbers they were measured on."""

    unit: Unit
    staff: int
    reporting_staff: int
    respondents: int
    needs: tuple[Need, ...]
    # Apresiasi the unit's own staff received in the period, oldest first.
    appreciation: tuple[Given, ...] = ()

    @property
    def rank_key(self) -> tuple[int, int, str]:
        """Units with the most urgent needs first, then by code."""
        top = self.needs[0].level if self.needs else 0
        urgent = sum(1 for need in self.needs if need.level == top)
        return (-top, -urgent, self.unit.kode)


@dataclass(frozen=True)
class NeedsReport:
    """The needs of every unit in scope for one period. `roots` are the units whose trees were
    analysed; none means the whole city."""

    period: Period
    as_of: date
    roots: tuple[Unit, ...]
    units: tuple[UnitNeeds, ...]
    # The training catalog still open on the day of the analysis, to propose offers per need.
    offers: tuple[CatalogOffer, ...] = ()
    # Completed development tied to a need, with its indicators before and after.
    effects: tuple[DevelopmentEffect, ...] = ()

    @property
    def with_needs(self) -> list[UnitNeeds]:
        return [unit for unit in self.units if unit.needs]

    @property
    def without_needs(self) -> list[UnitNeeds]:
        return [unit for unit in self.units if not unit.needs]

    def top(self, limit: int) -> list[tuple[UnitNeeds, Need]]:
        """The most urgent needs across all units."""
        pairs = [(unit, need) for unit in self.units for need in unit.needs]
        pairs.sort(key=lambda pair: (pair[1].rank_key, pair[0].unit.kode))
        return pairs[:limit]


# --- Building ------------------------------------------------------------------------------------


async def build_needs_report(
    session: AsyncSession, unit_id: int | None, period: Period, *, today: date
) -> NeedsReport:
    """The needs of a unit and its sub-units (or of every unit when `unit_id` is None)."""
    scope = await scope_of(session, unit_id)
    root = None if unit_id is None else await session.get(Unit, unit_id)
    return await _build(session, scope, (root,) if root else (), period, today)


async def build_needs_report_for_units(
    session: AsyncSession, unit_ids: Iterable[int], period: Period, *, today: date
) -> NeedsReport:
    """The needs of several unit trees at once (a head of more than one unit)."""
    wanted = set(unit_ids)
    scope: set[int] = set()
    for unit_id in wanted:
        scope |= (await scope_of(session, unit_id)) or set()
    roots = tuple(unit for unit in await units_in(session, scope) if id_of(unit) in wanted)
    return await _build(session, scope, roots, period, today)


async def _build(
    session: AsyncSession,
    scope: set[int] | None,
    roots: tuple[Unit, ...],
    period: Period,
    today: date,
) -> NeedsReport:
    as_of = min(period.end, today)
    units = await units_in(session, scope)
    employees = await employees_in(session, scope)
    employee_ids = [id_of(e) for e in employees]
    progress = await indicator_progress(session, employee_ids, period.start.year, as_of)
    reports = await reports_in(session, period, employee_ids)
    responses = await load_responses(session, period, scope)

    staff_by_unit: dict[int, list[Employee]] = defaultdict(list)
    for employee in employees:
        staff_by_unit[employee.unit_id].append(employee)
    names = {id_of(e): e.nama for e in employees}
    unit_of = {id_of(e): e.unit_id for e in employees}
    reports_by_unit: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        reports_by_unit[unit_of[report.employee_id]].append(report)
    responses_by_unit = group_by_unit(responses)

    result = []
    for unit in units:
        unit_id = id_of(unit)
        staff = staff_by_unit.get(unit_id, [])
        unit_reports = reports_by_unit.get(unit_id, [])
        reporting = len({r.employee_id for r in unit_reports})
        unit_responses = responses_by_unit.get(unit_id, [])
        needs = [
            *indicator_needs([p for e in staff for p in progress[id_of(e)]], names, unit_reports),
            *skm_needs(unit_responses),
            *obstacle_needs(unit_reports, names, reporting),
            *support_needs(unit_reports, names, reporting),
        ]
        needs.sort(key=lambda need: need.rank_key)
        staff_ids = [id_of(e) for e in staff]
        thanks = await appreciation_for(session, staff_ids, period.start, as_of)
        result.append(
            UnitNeeds(unit, len(staff), reporting, len(unit_responses), tuple(needs), tuple(thanks))
        )
    result.sort(key=lambda unit_needs: unit_needs.rank_key)
    offers = tuple(await open_catalog(session, today))
    effects = tuple(await development_effects(session, employees, progress, period, as_of))
    return NeedsReport(period, as_of, roots, tuple(result), offers, effects)


def need_signal(need: Need) -> NeedSignal | None:
    """What a need says to the training catalog: a lagging indicator by its name, training or
    coaching asked for by the requests' words, a weak SKM unsur by its code and name. Obstacles
    and other support (sarana, anggaran, …) are not matched: a course does not answer them."""
    evidence = need.evidence
    if isinstance(evidence, IndicatorEvidence):
        return NeedSignal(need.subject)
    if isinstance(evidence, SupportEvidence) and need.subject in DEVELOPMENT_REQUESTS:
        return NeedSignal(" ; ".join(text for text, _ in evidence.details))
    if isinstance(evidence, SkmEvidence):
        return NeedSignal(UNSUR_BY_CODE[need.subject].name, (need.subject,))
    return None


def indicator_needs(
    progress: Sequence[IndicatorProgress],
    names: dict[int, str],
    reports: Sequence[ProgressReport],
) -> list[Need]:
    """One need per indicator name with holders behind their pro-rata target.

    Behind = status tertinggal or perlu perhatian. Tinggi when at least half of the holders
    with a status are tertinggal, Sedang when any is, Rendah when they only need attention.
    """
    groups: dict[str, list[IndicatorProgress]] = defaultdict(list)
    for item in progress:
        if item.status is not None:
            groups[item.indicator.nama].append(item)
    # Obstacle categories named on each indicator, once per person (not per report).
    obstacles_by_indicator: dict[int, set[str]] = defaultdict(set)
    for report in reports:
        if report.kendala_kategori:
            obstacles_by_indicator[report.indicator_id].add(report.kendala_kategori)
    needs = []
    for name, items in groups.items():
        behind = [i for i in items if i.status is not OnTrackStatus.SESUAI_JADWAL]
        if not behind:
            continue
        lagging = sum(1 for i in behind if i.status is OnTrackStatus.TERTINGGAL)
        if lagging * 2 >= len(items):
            level = Level.TINGGI
        elif lagging:
            level = Level.SEDANG
        else:
            level = Level.RENDAH
        obstacles: Counter[str] = Counter()
        for item in behind:  # each indicator belongs to one person
            obstacles.update(obstacles_by_indicator[id_of(item.indicator)])
        top_obstacle = _most_common(obstacles)
        needs.append(
            Need(
                kind=NeedKind.INDICATOR,
                subject=name,
                level=level,
                count=len(behind),
                base=len(items),
                action="aksi_indikator_kendala" if top_obstacle else "aksi_indikator",
                evidence=IndicatorEvidence(
                    satuan=behind[0].indicator.satuan,
                    holders=len(items),
                    lagging=lagging,
                    behind=tuple(
                        sorted(
                            (
                                (names.get(i.indicator.employee_id, "-"), i.prorata_pct or 0.0)
                                for i in behind
                            ),
                            key=lambda pair: (pair[1], pair[0]),
                        )
                    ),
                    top_obstacle=top_obstacle,
                ),
                concerned=tuple(sorted({i.indicator.employee_id for i in behind})),
            )
        )
    return needs


def _most_common(counter: Counter[str]) -> str | None:
    """The most frequent key; ties go to the first in alphabetical order (stable output)."""
    if not counter:
        return None
    return min(counter, key=lambda key: (-counter[key], key))


def _level_by_people(people: int, reporting: int) -> Level:
    """Tinggi: at least 2 people and at least half of the unit's reporting staff; Sedang: at
    least 2 people; Rendah: one person."""
    if people >= 2 and people * 2 >= reporting:
        return Level.TINGGI
    return Level.SEDANG if people >= 2 else Level.RENDAH


def obstacle_needs(
    reports: Sequence[ProgressReport], names: dict[int, str], reporting: int
) -> list[Need]:
    """Obstacle categories that recur: named by at least 2 people, or in at least 2 weeks."""
    by_category: dict[str, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        if report.kendala_kategori:
            by_category[report.kendala_kategori].append(report)
    needs = []
    for code, items in by_category.items():
        people = sorted({r.employee_id for r in items}, key=lambda e: names.get(e, ""))
        weeks = len({r.week_start for r in items})
        if len(people) < 2 and weeks < 2:
            continue
        level = _level_by_people(len(people), reporting)
        if level is Level.RENDAH:  # one person, but week after week
            level = Level.SEDANG
        examples = _most_frequent_texts(r.kendala for r in items)
        needs.append(
            Need(
                kind=NeedKind.OBSTACLE,
                subject=code,
                level=level,
                count=len(people),
                base=reporting,
                action=f"aksi_kendala_{code if code in OBSTACLE_CATEGORIES else 'lainnya'}",
                evidence=ObstacleEvidence(
                    reports=len(items),
                    people=tuple(names.get(e, "-") for e in people),
                    weeks=weeks,
                    examples=tuple(text for text, _ in examples[:EXAMPLES]),
                ),
            )
        )
    return needs


def support_needs(
    reports: Sequence[ProgressReport], names: dict[int, str], reporting: int
) -> list[Need]:
    """Every support category asked for, with who asked and what; one request is a need too."""
    by_category: dict[str, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        if report.dukungan_kategori:
            by_category[report.dukungan_kategori].append(report)
    needs = []
    for code, items in by_category.items():
        people = sorted({r.employee_id for r in items}, key=lambda e: names.get(e, ""))
        needs.append(
            Need(
                kind=NeedKind.SUPPORT,
                subject=code,
                level=_level_by_people(len(people), reporting),
                count=len(people),
                base=reporting,
                action=f"aksi_dukungan_{code if code in SUPPORT_CATEGORIES else 'lainnya'}",
                evidence=SupportEvidence(
                    requests=len(items),
                    people=tuple(names.get(e, "-") for e in people),
                    details=tuple(_most_frequent_texts(r.dukungan for r in items)[:3]),
                ),
                concerned=tuple(sorted(people)),
            )
        )
    return needs


def _most_frequent_texts(texts: Iterable[str | None]) -> list[tuple[str, int]]:
    counts = Counter(text.strip() for text in texts if text and text.strip())
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def skm_needs(responses: Sequence[LoadedResponse]) -> list[Need]:
    """SKM unsur of the unit's services whose NRR grades C (Sedang) or D (Tinggi).

    Only with at least MIN_RESPONSES_FOR_SCORE responses, the same floor as the IKM itself.
    Breadth is the share of that unsur's answers that scored 1 or 2.
    """
    summary = summarise_skm(responses)
    if summary.result.respondents < MIN_RESPONSES_FOR_SCORE:
        return []
    by_service = group_by_service(responses)
    needs = []
    for code in unsur_below_b(summary.result.nrr):
        nrr = summary.result.nrr[code]
        grade = unsur_grade(nrr)
        weak_services = sorted(
            items[0].service.nama
            for items in by_service.values()
            if (service_nrr := summarise_skm(items).result.nrr.get(code)) is not None
            and unsur_grade(service_nrr) in (Mutu.C, Mutu.D)
        )
        needs.append(
            Need(
                kind=NeedKind.SKM,
                subject=code,
                level=Level.TINGGI if grade is Mutu.D else Level.SEDANG,
                count=summary.low_answers.get(code, 0),
                base=summary.answers.get(code, 0),
                action=f"aksi_skm_{code}",
                evidence=SkmEvidence(
                    nrr=nrr,
                    grade=grade,
                    respondents=summary.result.respondents,
                    low_answers=summary.low_answers.get(code, 0),
                    services=tuple(weak_services),
                ),
            )
        )
    return needs
