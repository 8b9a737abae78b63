"""Evaluation as plain functions: periods, the basis and suggestion, saving, distribution."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Evaluation, id_of
from kinerja_bot.core.rules.periods import PeriodError, parse_period
from kinerja_bot.core.rules.predikat import OrganisationRating, Predikat, Rating
from kinerja_bot.evaluation.service import (
    BERAKHLAK_CODES,
    NotAnEvaluationPeriod,
    distribution_check,
    evaluation_basis,
    offered_periods,
    parse_evaluation_period,
    save_evaluation,
    set_organisation_rating,
    subordinate,
    subordinates,
    target_to_date,
)
from tests.analysis.factories import add_progress
from tests.factories import add_employee, add_indicator, add_unit

NOW = datetime(2026, 7, 3, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("today", "labels"),
    [
        (date(2026, 11, 28), ["2026-Q3", "2026-Q4", "2026"]),
        (date(2027, 1, 10), ["2026-Q4", "2027-Q1", "2026"]),
        (date(2026, 5, 1), ["2026-Q1", "2026-Q2"]),
        (date(2026, 7, 1), ["2026-Q2", "2026-Q3"]),
    ],
)
def test_offered_periods(today: date, labels: list[str]) -> None:
    assert [p.label for p in offered_periods(today)] == labels


def test_evaluation_periods_are_quarters_and_years() -> None:
    assert parse_evaluation_period(" 2026-q3 ").label == "2026-Q3"
    assert parse_evaluation_period("2026").label == "2026"
    for text in ("2026-11", "2026-W48"):
        with pytest.raises(NotAnEvaluationPeriod):
            parse_evaluation_period(text)
    with pytest.raises(PeriodError):
        parse_evaluation_period("2026-Q5")


async def team(database: Database) -> tuple[Employee, Employee, Employee, Employee]:
    unit = await add_unit(database, "BIDANG", "Bidang Pelayanan")
    atasan = await add_employee(database, unit, nama="Hendra Gunawan", jabatan="Kepala Bidang")
    siti = await add_employee(database, unit, nama="Siti Rahmawati", atasan=atasan)
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan)
    other = await add_employee(database, unit, nama="Orang Lain")
    return atasan, siti, budi, other


async def test_subordinates_are_checked_against_the_database(database: Database) -> None:
    atasan, siti, budi, other = await team(database)
    async with database.session() as session:
        assert [e.nama for e in await subordinates(session, id_of(atasan))] == [
            "Budi Santoso",
            "Siti Rahmawati",
        ]
        assert await subordinate(session, id_of(atasan), id_of(other)) is None
        assert await subordinate(session, id_of(atasan), 999999) is None
        found = await subordinate(session, id_of(atasan), id_of(siti))
        assert found is not None and found.nama == "Siti Rahmawati"
        budi_row = await session.get(Employee, id_of(budi))
        assert budi_row is not None
        budi_row.active = False
        session.add(budi_row)
    async with database.session() as session:
        assert await subordinate(session, id_of(atasan), id_of(budi)) is None


@pytest.mark.parametrize(
    ("first", "second", "extra", "expected"),
    [
        (200, 95, None, Rating.DI_ATAS),  # 110 % and 105,6 %: all met, most above
        (181, 90, None, Rating.SESUAI),  # exactly 100 % each
        (200, 90, None, Rating.SESUAI),  # half above, no additional indicator met
        (200, 90, 10, Rating.DI_ATAS),  # half above, an additional indicator tips it
        (150, 99, 10, Rating.DI_BAWAH),  # a main indicator below its pro-rata target
    ],
)
async def test_basis_suggests_from_achievement_against_the_prorata_target(
    database: Database, first: float, second: float, extra: float | None, expected: Rating
) -> None:
    _, siti, _, _ = await team(database)
    # Cumulative, 365 a year: 181 due by 30 June. Level: 90 (%) all year.
    dokumen = await add_indicator(database, siti, nama="Dokumen", target=365, tahun=2026)
    layanan = await add_indicator(
        database, siti, nama="Layanan", target=90, tahun=2026, cara_hitung="terakhir"
    )
    tambahan = await add_indicator(
        database, siti, nama="Inovasi", target=10, tahun=2026, jenis="tambahan"
    )
    await add_progress(database, dokumen, first, date(2026, 6, 1))
    await add_progress(database, layanan, second, date(2026, 6, 1))
    if extra is not None:
        await add_progress(database, tambahan, extra, date(2026, 6, 1))
    # A report after the period does not count for it.
    await add_progress(database, dokumen, 1000, date(2026, 7, 6))
    async with database.session() as session:
        basis = await evaluation_basis(session, siti, parse_period("2026-Q2"), date(2026, 11, 28))
    assert basis.as_of == date(2026, 6, 30)
    assert basis.suggested is expected
    by_name = {item.indicator.nama: item for item in basis.progress}
    assert target_to_date(by_name["Dokumen"], basis.as_of) == pytest.approx(181)
    assert target_to_date(by_name["Layanan"], basis.as_of) == 90


async def test_a_running_period_is_measured_today(database: Database) -> None:
    _, siti, _, _ = await team(database)
    await add_indicator(database, siti, target=365, tahun=2026)
    async with database.session() as session:
        basis = await evaluation_basis(session, siti, parse_period("2026-Q4"), date(2026, 11, 28))
    assert basis.as_of == date(2026, 11, 28)
    assert basis.suggested is Rating.DI_BAWAH  # nothing reported: 0 %
    assert basis.existing is None


async def test_saving_twice_replaces_the_decision(database: Database) -> None:
    atasan, siti, _, _ = await team(database)
    period = parse_period("2026-Q2")
    async with database.session() as session:
        first = await save_evaluation(
            session,
            employee_id=id_of(siti),
            period=period,
            suggested=Rating.DI_ATAS,
            result_rating=Rating.DI_ATAS,
            behaviour_rating=Rating.DI_ATAS,
            notes={"akuntabel": "Laporan selalu tepat waktu"},
            decided_by_id=id_of(atasan),
            now=NOW,
        )
    assert first.predikat == Predikat.SANGAT_BAIK
    async with database.session() as session:
        await save_evaluation(
            session,
            employee_id=id_of(siti),
            period=period,
            suggested=None,
            result_rating=Rating.SESUAI,
            behaviour_rating=Rating.DI_BAWAH,
            notes={},
            decided_by_id=id_of(atasan),
            now=NOW,
        )
    async with database.session() as session:
        rows = (await session.exec(select(Evaluation))).all()
        row = await session.get(Evaluation, id_of(first))
    assert len(rows) == 1 and row is not None
    assert (row.result_rating, row.behaviour_rating, row.predikat) == (
        "Sesuai Ekspektasi",
        "Di Bawah Ekspektasi",
        "Kurang/Misconduct",
    )
    assert row.suggested_result_rating is None
    assert list(row.behaviour_notes) == list(BERAKHLAK_CODES)
    assert set(row.behaviour_notes.values()) == {""}


async def test_distribution_counts_the_unit_and_the_pending_decision(database: Database) -> None:
    atasan, siti, budi, other = await team(database)
    period = parse_period("2026-Q2")
    async with database.session() as session:
        await set_organisation_rating(session, siti.unit_id, 2026, OrganisationRating.BAIK)
        for employee in (siti, budi, atasan):
            await save_evaluation(
                session,
                employee_id=id_of(employee),
                period=period,
                suggested=None,
                result_rating=Rating.SESUAI,
                behaviour_rating=Rating.SESUAI,
                notes={},
                decided_by_id=id_of(atasan),
                now=NOW,
            )
        check = await distribution_check(session, siti.unit_id, period.label)
        assert check.rating is OrganisationRating.BAIK
        assert (check.evaluated, check.headcount) == (3, 4)
        assert check.counts == {Predikat.BAIK: 3}
        # 3 of 4 evaluated: silent until the whole unit is rated.
        assert not check.complete and check.warnings == []

        everyone = await distribution_check(
            session, siti.unit_id, period.label, pending=(id_of(other), Predikat.BAIK)
        )
        # All 4 Baik (over 70 %), and nobody Butuh Perbaikan or Kurang: both rules broken.
        assert everyone.complete
        assert [w.rule.min_share for w in everyone.warnings] == [0.5, None]
        pending = await distribution_check(
            session, siti.unit_id, period.label, pending=(id_of(other), Predikat.BUTUH_PERBAIKAN)
        )
        # 3 of 4 Baik (75 %, over 70 %) but one Butuh Perbaikan: one rule broken.
        assert [w.rule.min_share for w in pending.warnings] == [0.5]
        replaced = await distribution_check(
            session, siti.unit_id, period.label, pending=(id_of(siti), Predikat.BUTUH_PERBAIKAN)
        )
        assert replaced.evaluated == 3 and replaced.counts == {
            Predikat.BAIK: 2,
            Predikat.BUTUH_PERBAIKAN: 1,
        }
        # Another period has nothing yet.
        empty = await distribution_check(session, siti.unit_id, "2026-Q3")
        assert empty.evaluated == 0 and empty.warnings == []


async def test_distribution_is_silent_without_the_units_own_rating(database: Database) -> None:
    atasan, siti, budi, other = await team(database)
    period = parse_period("2026")
    async with database.session() as session:
        for employee in (siti, budi, atasan, other):
            await save_evaluation(
                session,
                employee_id=id_of(employee),
                period=period,
                suggested=None,
                result_rating=Rating.SESUAI,
                behaviour_rating=Rating.SESUAI,
                notes={},
                decided_by_id=id_of(atasan),
                now=NOW,
            )
        check = await distribution_check(session, siti.unit_id, period.label)
        assert check.complete and check.rating is None and check.warnings == []
        # The rating of another year does not count.
        await set_organisation_rating(session, siti.unit_id, 2025, OrganisationRating.BAIK)
        assert (await distribution_check(session, siti.unit_id, period.label)).warnings == []
        await set_organisation_rating(session, siti.unit_id, 2026, OrganisationRating.ISTIMEWA)
        check = await distribution_check(session, siti.unit_id, period.label)
        assert check.rating is OrganisationRating.ISTIMEWA and len(check.warnings) == 1
