"""Candidates for ASN berprestasi, per unit and quarter: advisory evidence for the unit head
(achievement against target, IKM of the unit's services, appreciation received, development
done), never a public ranking — the list is alphabetical and goes only to the unit's head
(the quarterly job `berprestasi`) and to an admin's export (`kinerja-bot ekspor berprestasi`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.analysis.render import TEXTS
from kinerja_bot.analysis.sources import (
    employees_in,
    load_responses,
    previous_quarter,
    scope_of,
    summarise_skm,
)
from kinerja_bot.core.models import (
    Employee,
    LearningRecord,
    LearningStatus,
    Unit,
    UnitRole,
    UnitRoleKind,
    id_of,
)
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Outgoing, deliver_all
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import Period
from kinerja_bot.recognition.service import appreciation_for
from kinerja_bot.reporting import indicator_progress

BERPRESTASI_JOB = "berprestasi"


@dataclass(frozen=True)
class PersonEvidence:
    """What speaks for one person in one period (achievement as of the period's end)."""

    nama: str
    nip: str
    unit: str
    indicators: int  # indicators with a pro-rata status
    on_track: int  # of them, sesuai jadwal
    lowest_pct: float | None  # the lowest pro-rata capaian among them
    appreciation: int  # apresiasi received in the period
    developments: int  # verified learning completed this year up to the period's end
    jp: float
    unit_ikm: float | None  # IKM of the unit's services in the period (None: not publishable)


def is_candidate(person: PersonEvidence) -> bool:
    """A candidate is on track on every indicator that has a target due (at least one), and
    was recognised (apresiasi) or developed (completed learning) — achievement alone is the
    job, the list is for those who also grow or are seen to do well. The unit's IKM is shown
    as context, not a condition: it is the unit's, not the person's."""
    return (
        person.indicators > 0
        and person.on_track == person.indicators
        and (person.appreciation > 0 or person.developments > 0)
    )


async def unit_candidates(
    session: AsyncSession,
    unit: Unit,
    period: Period,
    *,
    today: date,
    scope: set[int] | None = None,
) -> list[PersonEvidence]:
    """The candidates of a unit tree (or of the units in `scope`) for a period, alphabetical
    (never ranked)."""
    as_of = min(period.end, today)
    if scope is None:
        scope = await scope_of(session, id_of(unit)) or {id_of(unit)}
    employees = await employees_in(session, scope)
    ids = [id_of(e) for e in employees]
    progress = await indicator_progress(session, ids, period.start.year, as_of)
    skm = summarise_skm(await load_responses(session, period, scope))
    units = {
        id_of(u): u.nama
        for u in (await session.exec(select(Unit).where(col(Unit.id).in_(list(scope))))).all()
    }
    learning = (
        await session.exec(
            select(LearningRecord).where(
                col(LearningRecord.employee_id).in_(ids),
                LearningRecord.status == LearningStatus.VERIFIED,
                LearningRecord.completed_on >= date(period.start.year, 1, 1),
                LearningRecord.completed_on <= as_of,
            )
        )
    ).all()
    learned: dict[int, list[LearningRecord]] = defaultdict(list)
    for record in learning:
        learned[record.employee_id].append(record)
    # One query for the whole unit tree, not one per person.
    thanked = Counter(
        given.receiver_id for given in await appreciation_for(session, ids, period.start, as_of)
    )
    found = []
    for employee in employees:
        statuses = [p for p in progress.get(id_of(employee), []) if p.status is not None]
        mine = learned[id_of(employee)]
        person = PersonEvidence(
            nama=employee.nama,
            nip=employee.nip,
            unit=units.get(employee.unit_id, "-"),
            indicators=len(statuses),
            on_track=sum(1 for p in statuses if p.status is OnTrackStatus.SESUAI_JADWAL),
            lowest_pct=min((p.prorata_pct or 0.0 for p in statuses), default=None),
            appreciation=thanked[id_of(employee)],
            developments=len(mine),
            jp=sum(r.jp for r in mine),
            unit_ikm=skm.result.ikm,
        )
        if is_candidate(person):
            found.append(person)
    return sorted(found, key=lambda p: (p.nama, p.nip))


def render_candidates(unit: Unit, period: Period, candidates: Sequence[PersonEvidence]) -> str:
    lines = [TEXTS.get("berprestasi_judul", unit=unit.nama, periode=period.title)]
    lines += [
        TEXTS.get(
            "berprestasi_orang",
            nama=p.nama,
            nip=p.nip,
            indikator=p.indicators,
            terendah=format_percent_id(p.lowest_pct or 0.0, 1),
            apresiasi=p.appreciation,
            pengembangan=p.developments,
            jp=format_number_id(p.jp, 1),
        )
        for p in candidates
    ]
    if not candidates:
        return "\n".join([*lines, TEXTS.get("berprestasi_kosong")])
    # Every candidate of one list carries the same unit IKM (the list's scope).
    ikm = candidates[0].unit_ikm
    lines.append(
        TEXTS.get("berprestasi_ikm", ikm=format_number_id(ikm, 2))
        if ikm is not None
        else TEXTS.get("berprestasi_ikm_belum")
    )
    return "\n".join(lines)


async def run_berprestasi(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Send each unit head the candidates of their unit tree, once per quarter."""
    quarter = previous_quarter(now, services)
    today = now.astimezone(services.settings.tz).date()
    messages: list[Outgoing] = []
    async with services.database.session() as session:
        heads = (
            await session.exec(
                select(Employee.telegram_id, Unit)
                .join(UnitRole, col(UnitRole.employee_id) == col(Employee.id))
                .join(Unit, col(Unit.id) == col(UnitRole.unit_id))
                .where(UnitRole.role == UnitRoleKind.HEAD, col(Employee.telegram_id).is_not(None))
                .order_by(col(Employee.telegram_id), col(Unit.kode))
            )
        ).all()
        texts: dict[int, list[str]] = {}
        for chat_id, unit in heads:
            if chat_id is not None:
                candidates = await unit_candidates(session, unit, quarter, today=today)
                texts.setdefault(chat_id, []).append(render_candidates(unit, quarter, candidates))
        messages = [Outgoing(chat_id, parts) for chat_id, parts in sorted(texts.items())]
    return await deliver_all(
        services.bot,
        services.database,
        BERPRESTASI_JOB,
        quarter.label,
        messages,
        force=force,
        pacer=services.pacer,
    )
