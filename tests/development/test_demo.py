"""The demo data set covers competency development: a catalog, enrolments in every state,
certificates, a unit with people under and over 20 JP, appreciation; loaded idempotently."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from kinerja_bot.analysis.needs import build_needs_report
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Appreciation,
    Employee,
    Enrolment,
    EnrolmentStatus,
    LearningRecord,
    TrainingOffer,
    Unit,
    id_of,
)
from kinerja_bot.core.rules.periods import PeriodKind, current_period
from kinerja_bot.demo import load_demo
from kinerja_bot.development.service import development_year

TODAY = date(2026, 11, 28)


async def counts(database: Database) -> dict[str, int]:
    async with database.session() as session:
        return {
            model.__name__: (await session.exec(select(func.count()).select_from(model))).one()
            for model in (TrainingOffer, Enrolment, LearningRecord, Appreciation)
        }


async def test_the_demo_shows_the_whole_development_loop(database: Database) -> None:
    summary = await load_demo(database, TODAY)
    first = await counts(database)
    assert first["TrainingOffer"] == 7 and first["Appreciation"] == 2
    async with database.session() as session:
        statuses = set((await session.exec(select(Enrolment.status))).all())
        piak = (await session.exec(select(Unit).where(Unit.kode == "DISDUKCAPIL-PIAK"))).one()
        staff = (await session.exec(select(Employee).where(Employee.unit_id == piak.id))).all()
        totals = [(await development_year(session, id_of(e), 2026)).total for e in staff]
        certificates = (await session.exec(select(LearningRecord.certificate_file_id))).all()
    assert statuses == {str(s) for s in EnrolmentStatus} - {EnrolmentStatus.CANCELLED}
    assert any(total >= 20 for total in totals) and any(total < 20 for total in totals)
    assert all(c.startswith("demo-sertifikat-") for c in certificates)
    assert "katalog 7 pelatihan" in summary
    # The quarter's analysis of the unit shows a course's effect on its SKM unsur.
    async with database.session() as session:
        report = await build_needs_report(
            session, id_of(piak), current_period(PeriodKind.QUARTER, TODAY), today=TODAY
        )
    (etika,) = [e for e in report.effects if e.course == "Etika dan Komunikasi Pelayanan"]
    assert [change.code for change in etika.unsur] == ["U7", "U8"]
    assert all(c.answered_before and c.answered_after for c in etika.unsur)

    again = await load_demo(database, TODAY)
    assert await counts(database) == first
    assert (
        "ditambahkan 0 pendaftaran, 0 kegiatan belajar bersertifikat, 0 apresiasi dan 0 nilai"
        in again
    )
