"""Progress reports as plain functions on a session: drafts checked, reports saved once,
corrections versioned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Aggregation,
    Direction,
    Employee,
    Evidence,
    Feedback,
    Indicator,
    ProgressReport,
    ReportVersion,
    id_of,
)
from kinerja_bot.core.rules.numbers import NumberFormatError, parse_quantity
from kinerja_bot.core.rules.periods import week_start, wib_today
from kinerja_bot.core.rules.plausibility import Doubt, doubt
from kinerja_bot.reporting.drafts import EvidenceDraft, ReportDraft

# A realisation over 1000 × the yearly target is a typo (an extra 000), not an achievement.
ABSURD_FACTOR = 1000
# A sent report may be corrected until the atasan acknowledges it, or for this long.
EDIT_WINDOW = timedelta(hours=48)
TEXT_LIMIT = 1000
EDITABLE_FIELDS = ("realisasi", "kendala", "dukungan")
# The parts of a report a new one for the same week replaces (or, when adding, sets if given).
NOTE_FIELDS = ("kendala_kategori", "kendala", "dukungan_kategori", "dukungan")


class Merge(StrEnum):
    """What a second report on an indicator in the same week does to the first."""

    REPLACE = "ganti"
    ADD = "tambah"


class RealisationProblem(StrEnum):
    NOT_A_NUMBER = "bukan_angka"
    NEGATIVE = "negatif"
    ABSURD = "tidak_wajar"


@dataclass(frozen=True)
class RealisationCheck:
    value: float | None = None
    problem: RealisationProblem | None = None
    reason: str = ""


def check_realisation(text: str, target: float, unit: str) -> RealisationCheck:
    """Read a typed realisation (Indonesian formats, the unit may follow) and refuse the
    impossible; the merely unlikely is asked about at the summary (`draft_doubt`)."""
    try:
        value = parse_quantity(text, unit)
    except NumberFormatError as error:
        return RealisationCheck(problem=RealisationProblem.NOT_A_NUMBER, reason=error.reason)
    if value < 0:
        return RealisationCheck(problem=RealisationProblem.NEGATIVE)
    if target > 0 and value > ABSURD_FACTOR * target:
        return RealisationCheck(problem=RealisationProblem.ABSURD)
    return RealisationCheck(value=value)


def merge_offers(aggregation: str, editable: bool) -> list[Merge]:
    """What may be done with this week's report: replace it by a new version while it can
    still be corrected; add to it for a count (a percentage or level is never summed). Once
    it cannot be changed, a new report is kept beside it, which for a count adds to the
    realisation and for a level becomes the latest value, i.e. replaces it."""
    cumulative = Aggregation(aggregation) is Aggregation.CUMULATIVE
    offers = [Merge.REPLACE] if editable or not cumulative else []
    return [*offers, Merge.ADD] if cumulative else offers


def draft_doubt(draft: ReportDraft) -> Doubt | None:
    """Why the draft's realisation deserves a "Yakin?", counting this week's earlier report."""
    typed, merge = draft["realisasi"], draft.get("merge")
    earlier = draft["this_week"]["realisasi"] if "this_week" in draft else 0.0
    week_value = typed + earlier if merge == Merge.ADD else typed
    if Aggregation(draft["cara_hitung"]) is Aggregation.CUMULATIVE:
        before = draft.get("realisation_before") or 0.0
        replaced = earlier if merge == Merge.REPLACE else 0.0
        after = before - replaced + typed
    else:
        after = typed
    return doubt(
        typed,
        unit=draft["satuan"],
        target=draft["target"],
        aggregation=Aggregation(draft["cara_hitung"]),
        direction=Direction(draft.get("arah", Direction.HIGHER_IS_BETTER)),
        week_value=week_value,
        realisation_after=after,
    )


def evidence_from_text(text: str) -> EvidenceDraft:
    """Typed evidence: a link when it looks like one, else a note."""
    stripped = text.strip()
    kind = "tautan" if stripped.lower().startswith(("http://", "https://")) else "teks"
    return {"kind": kind, "content": stripped}


# Statements of every /lapor, built once with parameters (building one and its cache key at
# every call cost more Python than running it).
_OWN_INDICATOR = select(Indicator).where(
    col(Indicator.id) == bindparam("indicator_id"),
    col(Indicator.employee_id) == bindparam("employee_id"),
)
_THIS_WEEKS_REPORT = (
    select(ProgressReport)
    .where(
        col(ProgressReport.employee_id) == bindparam("employee_id"),
        col(ProgressReport.indicator_id) == bindparam("indicator_id"),
        col(ProgressReport.week_start) == bindparam("week_start"),
    )
    .order_by(col(ProgressReport.submitted_at).desc(), col(ProgressReport.id).desc())
    .limit(1)
)
_SUBMITTED_AS = select(ProgressReport).where(
    col(ProgressReport.submission_key) == bindparam("submission_key")
)


async def own_indicator(
    session: AsyncSession, employee: Employee, indicator_id: int
) -> Indicator | None:
    """The indicator if it is this employee's; None for anybody else's (forged buttons)."""
    params = {"indicator_id": indicator_id, "employee_id": employee.id}
    return (await session.exec(_OWN_INDICATOR, params=params)).first()


async def this_weeks_report(
    session: AsyncSession, employee: Employee, indicator_id: int, now: datetime
) -> tuple[ProgressReport | None, bool]:
    """The latest report this week (WIB, Monday to Sunday) on the indicator, and whether it can
    still be corrected."""
    params = {
        "employee_id": employee.id,
        "indicator_id": indicator_id,
        "week_start": week_start(wib_today(now)),
    }
    report = (await session.exec(_THIS_WEEKS_REPORT, params=params)).first()
    if report is None:
        return None, False
    return report, edit_refusal(report, now) is None


class SubmitOutcome(StrEnum):
    SAVED = "tersimpan"
    REVISED = "koreksi_tersimpan"  # this week's report, as a new version
    ALREADY_SAVED = "sudah_tersimpan"
    NOT_YOURS = "bukan_milik"
    LOCKED = "terkunci"  # replacing a count that can no longer be corrected


@dataclass(frozen=True)
class Submitted:
    outcome: SubmitOutcome
    report: ProgressReport | None = None


async def submit_report(
    session: AsyncSession, employee: Employee, draft: ReportDraft, now: datetime
) -> Submitted:
    """Save a finished draft once: a retried Kirim finds the report saved the first time."""
    key = str(draft["id"])
    existing = (await session.exec(_SUBMITTED_AS, params={"submission_key": key})).first()
    if existing is not None:
        return Submitted(SubmitOutcome.ALREADY_SAVED, existing)
    indicator = await own_indicator(session, employee, draft["indicator_id"])
    if indicator is None:
        return Submitted(SubmitOutcome.NOT_YOURS)
    if "merge" in draft and "this_week" in draft:
        try:
            merged = await merge_into_week(session, employee, draft, now)
        except IntegrityError:
            # The same draft merged twice at once: the other request did it.
            await session.rollback()
            return await submit_report(session, employee, draft, now)
        if merged is not None:
            return merged
    report = ProgressReport(
        indicator_id=id_of(indicator),
        employee_id=id_of(employee),
        week_start=week_start(wib_today(now)),
        realisasi=draft["realisasi"],
        kendala_kategori=draft.get("kendala_kategori"),
        kendala=draft.get("kendala"),
        dukungan_kategori=draft.get("dukungan_kategori"),
        dukungan=draft.get("dukungan"),
        submitted_at=now,
        updated_at=now,
        submission_key=key,
    )
    session.add(report)
    try:
        await session.flush()
    except IntegrityError:
        # The same draft sent twice at once: the other request saved it.
        await session.rollback()
        return await submit_report(session, employee, draft, now)
    evidence = draft.get("evidence")
    if evidence:
        session.add(evidence_row(id_of(report), evidence, now))
    return Submitted(SubmitOutcome.SAVED, report)


async def merge_into_week(
    session: AsyncSession, employee: Employee, draft: ReportDraft, now: datetime
) -> Submitted | None:
    """Replace or add to this week's report as a new version of it; None when it can no longer
    be changed and a report beside it does what was asked (see `merge_offers`)."""
    merge, key = Merge(draft["merge"]), str(draft["id"])
    report, refusal = await editable_report(session, employee, draft["this_week"]["report_id"], now)
    if report is None or refusal is not None:
        if merge is Merge.REPLACE and draft["cara_hitung"] == Aggregation.CUMULATIVE:
            return Submitted(SubmitOutcome.LOCKED)
        return None
    value = draft["realisasi"] + (report.realisasi if merge is Merge.ADD else 0.0)
    changes: dict[str, Any] = {"realisasi": value}
    for field in NOTE_FIELDS:
        new = draft.get(field)
        if merge is Merge.REPLACE or new is not None:
            changes[field] = new
    revise_report(session, employee, report, changes, now)
    # The draft's key now names this version: a retried Kirim finds it and adds nothing twice.
    report.submission_key = key
    await session.flush()
    evidence = draft.get("evidence")
    if evidence:
        session.add(evidence_row(id_of(report), evidence, now))
    return Submitted(SubmitOutcome.REVISED, report)


def evidence_row(report_id: int, evidence: EvidenceDraft, now: datetime) -> Evidence:
    return Evidence(
        report_id=report_id,
        kind=evidence["kind"],
        telegram_file_id=evidence.get("telegram_file_id"),
        file_name=evidence.get("file_name"),
        mime_type=evidence.get("mime_type"),
        file_size=evidence.get("file_size"),
        content=evidence.get("content"),
        created_at=now,
    )


class EditRefusal(StrEnum):
    NOT_YOURS = "bukan_milik"
    ACKNOWLEDGED = "sudah_dibaca"
    TOO_LATE = "lewat_batas"


async def editable_report(
    session: AsyncSession, employee: Employee, report_id: int, now: datetime
) -> tuple[ProgressReport | None, EditRefusal | None]:
    """The report if this employee may still correct it, else the reason why not."""
    report = await session.get(ProgressReport, report_id)
    if report is None or report.employee_id != employee.id:
        return None, EditRefusal.NOT_YOURS
    return report, edit_refusal(report, now)


def edit_refusal(report: ProgressReport, now: datetime) -> EditRefusal | None:
    """Why its author may no longer correct the report; None while they may."""
    if report.acknowledged_at is not None:
        return EditRefusal.ACKNOWLEDGED
    if now - report.submitted_at > EDIT_WINDOW:
        return EditRefusal.TOO_LATE
    return None


async def correct_report(
    session: AsyncSession,
    employee: Employee,
    report_id: int,
    field: str,
    value: Any,
    now: datetime,
) -> tuple[ProgressReport | None, EditRefusal | None]:
    """Change one field of a sent report, keeping the old value in a new version row."""
    report, refusal = await editable_report(session, employee, report_id, now)
    if report is None or refusal is not None:
        return report, refusal
    if field not in EDITABLE_FIELDS:
        raise ValueError(f"{field} cannot be corrected")
    revise_report(session, employee, report, {field: value}, now)
    return report, None


def revise_report(
    session: AsyncSession,
    employee: Employee,
    report: ProgressReport,
    changes: dict[str, Any],
    now: datetime,
) -> None:
    """Apply `changes` as the report's next version; the version row keeps each old value."""
    kept = {field: [getattr(report, field), value] for field, value in changes.items()}
    for field, value in changes.items():
        setattr(report, field, value)
    report.version += 1
    report.updated_at = now
    session.add(report)
    session.add(
        ReportVersion(
            report_id=id_of(report),
            version=report.version,
            changed_by_id=id_of(employee),
            changed_at=now,
            changes={field: old_new for field, old_new in kept.items() if old_new[0] != old_new[1]},
        )
    )


async def latest_feedback(
    session: AsyncSession, employee: Employee
) -> dict[int, tuple[Feedback, Employee]]:
    """The newest feedback from someone else on each of this employee's indicators."""
    rows = (
        await session.exec(
            select(Feedback, ProgressReport, Employee)
            .join(ProgressReport, col(Feedback.report_id) == col(ProgressReport.id))
            .join(Employee, col(Feedback.author_id) == col(Employee.id))
            .where(ProgressReport.employee_id == employee.id, Feedback.author_id != employee.id)
            .order_by(col(Feedback.created_at))
        )
    ).all()
    return {report.indicator_id: (feedback, author) for feedback, report, author in rows}
