"""Progress reports as plain functions on a session: drafts checked, reports saved once,
corrections versioned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Employee,
    Evidence,
    Feedback,
    Indicator,
    ProgressReport,
    ReportVersion,
    id_of,
)
from kinerja_bot.core.rules.numbers import NumberFormatError, parse_number
from kinerja_bot.core.rules.periods import week_start, wib_today
from kinerja_bot.reporting.drafts import EvidenceDraft, ReportDraft

# A realisation over 1000 × the yearly target is a typo (an extra 000), not an achievement.
ABSURD_FACTOR = 1000
# A sent report may be corrected until the atasan acknowledges it, or for this long.
EDIT_WINDOW = timedelta(hours=48)
TEXT_LIMIT = 1000
EDITABLE_FIELDS = ("realisasi", "kendala", "dukungan")


class RealisationProblem(StrEnum):
    NOT_A_NUMBER = "bukan_angka"
    NEGATIVE = "negatif"
    ABSURD = "tidak_wajar"


@dataclass(frozen=True)
class RealisationCheck:
    value: float | None = None
    problem: RealisationProblem | None = None
    reason: str = ""


def check_realisation(text: str, target: float) -> RealisationCheck:
    """Read a typed realisation (Indonesian formats) and refuse the impossible."""
    try:
        value = parse_number(text)
    except NumberFormatError as error:
        return RealisationCheck(problem=RealisationProblem.NOT_A_NUMBER, reason=error.reason)
    if value < 0:
        return RealisationCheck(problem=RealisationProblem.NEGATIVE)
    if target > 0 and value > ABSURD_FACTOR * target:
        return RealisationCheck(problem=RealisationProblem.ABSURD)
    return RealisationCheck(value=value)


def evidence_from_text(text: str) -> EvidenceDraft:
    """Typed evidence: a link when it looks like one, else a note."""
    stripped = text.strip()
    kind = "tautan" if stripped.lower().startswith(("http://", "https://")) else "teks"
    return {"kind": kind, "content": stripped}


async def own_indicator(
    session: AsyncSession, employee: Employee, indicator_id: int
) -> Indicator | None:
    """The indicator if it is this employee's; None for anybody else's (forged buttons)."""
    indicator = await session.get(Indicator, indicator_id)
    if indicator is None or indicator.employee_id != employee.id:
        return None
    return indicator


async def current_indicators(
    session: AsyncSession, employee: Employee, year: int
) -> list[Indicator]:
    statement = (
        select(Indicator)
        .where(Indicator.employee_id == employee.id, Indicator.tahun == year)
        .order_by(col(Indicator.jenis).desc(), col(Indicator.kode))
    )
    return list((await session.exec(statement)).all())


class SubmitOutcome(StrEnum):
    SAVED = "tersimpan"
    ALREADY_SAVED = "sudah_tersimpan"
    NOT_YOURS = "bukan_milik"


@dataclass(frozen=True)
class Submitted:
    outcome: SubmitOutcome
    report: ProgressReport | None = None


async def submit_report(
    session: AsyncSession, employee: Employee, draft: ReportDraft, now: datetime
) -> Submitted:
    """Save a finished draft once: a retried Kirim finds the report saved the first time."""
    key = str(draft["id"])
    existing = (
        await session.exec(select(ProgressReport).where(ProgressReport.submission_key == key))
    ).first()
    if existing is not None:
        return Submitted(SubmitOutcome.ALREADY_SAVED, existing)
    indicator = await own_indicator(session, employee, draft["indicator_id"])
    if indicator is None:
        return Submitted(SubmitOutcome.NOT_YOURS)
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
    if report.acknowledged_at is not None:
        return report, EditRefusal.ACKNOWLEDGED
    if now - report.submitted_at > EDIT_WINDOW:
        return report, EditRefusal.TOO_LATE
    return report, None


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
    old = getattr(report, field)
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
            changes={field: [old, value]},
        )
    )
    return report, None


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
