"""Where indicators stand, as /lapor, /kinerja and the summaries read it: the reports of each
indicator up to a day added up in time order (later weeks ignored, nothing of anybody else's),
each way of asking (several people, several days, one indicator) agreeing with the others, and
each in a fixed number of statements."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.reporting.progress import (
    indicator_progress,
    indicator_progress_on_days,
    single_indicator_progress,
)
from tests.conftest import counted_statements
from tests.factories import add_employee, add_indicator, add_report, add_unit

YEAR = 2026
AS_OF = date(2026, 6, 30)
EARLIER = date(2026, 3, 31)


def at(month: int, day: int, hour: int = 3) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=UTC)


async def test_each_way_of_asking_adds_up_the_same_reports(database: Database) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit, nama="Siti Rahmawati")
    budi = await add_employee(database, unit, nama="Budi Santoso")
    documents = await add_indicator(database, siti, nama="KTP-el dicetak", tahun=YEAR)
    waiting = await add_indicator(
        database, siti, nama="Waktu tunggu", cara_hitung="terakhir", arah="turun", target=30
    )
    await add_indicator(database, siti, nama="Tahun lalu", tahun=YEAR - 1)
    untouched = await add_indicator(database, budi, nama="Akta kelahiran", tahun=YEAR)
    await add_report(database, documents, 100, at=at(3, 2))
    await add_report(database, documents, 0.1, at=at(3, 3))  # same week, later
    second = await add_report(database, documents, 0.2, at=at(5, 4))
    await add_report(database, documents, 5000, at=at(8, 3))  # a week after AS_OF
    await add_report(database, waiting, 40, at=at(3, 9))
    latest_wait = await add_report(database, waiting, 25, at=at(6, 1))

    async with database.session() as session:
        with counted_statements(database) as statements:
            both = await indicator_progress(session, [id_of(siti), id_of(budi)], YEAR, AS_OF)
        assert len(statements) == 1
        on_days = await indicator_progress_on_days(
            session, {id_of(siti): [AS_OF, EARLIER], id_of(budi): [AS_OF]}, YEAR
        )
        with counted_statements(database) as statements:
            one = await single_indicator_progress(session, id_of(documents), AS_OF)
            missing = await single_indicator_progress(session, 10**9, AS_OF)
        assert len(statements) == 2

    # Main indicators before additional ones, then by code; last year's is not listed.
    assert [p.indicator.id for p in both[id_of(siti)]] == [documents.id, waiting.id]
    summed, latest = both[id_of(siti)]
    assert summed.realisation == 100 + 0.1 + 0.2  # in time order, as a float sum depends on it
    assert summed.report_count == 3 and summed.last_report_id == second.id
    assert latest.realisation == 25 and latest.report_count == 2
    assert latest.last_report_id == latest_wait.id
    assert latest.achievement_pct is not None and latest.achievement_pct > 100
    (nothing,) = both[id_of(budi)]
    assert nothing.indicator.id == untouched.id
    assert nothing.realisation == 0 and nothing.report_count == 0
    assert nothing.last_report_id is None and nothing.last_report_at is None

    assert on_days[(id_of(siti), AS_OF)] == both[id_of(siti)]
    assert on_days[(id_of(budi), AS_OF)] == both[id_of(budi)]
    earlier_sum, earlier_latest = on_days[(id_of(siti), EARLIER)]
    assert earlier_sum.realisation == 100 + 0.1 and earlier_sum.report_count == 2
    assert earlier_latest.realisation == 40 and earlier_latest.report_count == 1

    assert one == summed
    assert missing is None
