"""What the quarterly analysis adds to the needs: the appreciation each unit's staff received,
and the effect of completed development tied to a need (before/after, as an association)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from kinerja_bot.analysis.effect import (
    IndicatorChange,
    UnsurChange,
    linked_changes,
    unsur_changes,
)
from kinerja_bot.analysis.needs import build_needs_report
from kinerja_bot.analysis.render import TEXTS, render_needs_report
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Appreciation,
    Employee,
    Enrolment,
    EnrolmentStatus,
    Indicator,
    LearningRecord,
    LearningStatus,
    Service,
    TrainingOffer,
    id_of,
)
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import format_date_id, parse_period
from kinerja_bot.reporting import IndicatorProgress
from tests.analysis.factories import PERIOD, TODAY, add_response, known_needs_data, scores, wib
from tests.factories import add_employee


async def thank(
    database: Database, giver: Employee, receiver: Employee, day: date, note: str
) -> None:
    async with database.session() as session:
        session.add(
            Appreciation(
                giver_id=id_of(giver),
                receiver_id=id_of(receiver),
                week_start=day,
                note=note,
                given_on=day,
                created_at=wib(day),
            )
        )


async def test_the_analysis_lists_appreciation_given_in_the_period_per_unit(
    database: Database,
) -> None:
    known = await known_needs_data(database)
    ani, budi, *_ = known.staff
    await thank(database, ani, budi, date(2026, 5, 12), "Antrean beres <cepat>")
    await thank(database, budi, ani, date(2026, 3, 31), "Kuartal lalu")  # before the period
    async with database.session() as session:
        report = await build_needs_report(session, None, parse_period(PERIOD), today=TODAY)
    text = "\n\n".join(render_needs_report(report))

    assert TEXTS.get("apresiasi_judul", periode=parse_period(PERIOD).title) in text
    assert TEXTS.get("apresiasi_unit", unit="Bidang Pelayanan", jumlah=1) in text
    line = TEXTS.get(
        "apresiasi",
        pemberi=ani.nama,
        penerima=budi.nama,
        tanggal=format_date_id(date(2026, 5, 12)),
        catatan="Antrean beres <cepat>",
    )
    assert line in text and "&lt;cepat&gt;" in line
    assert "Kuartal lalu" not in text
    assert TEXTS.get("apresiasi_kosong") not in text


async def test_a_period_without_appreciation_says_so(database: Database) -> None:
    await known_needs_data(database)
    async with database.session() as session:
        report = await build_needs_report(session, None, parse_period(PERIOD), today=TODAY)
    assert TEXTS.get("apresiasi_kosong") in "\n\n".join(render_needs_report(report))


async def complete(
    database: Database,
    employee: Employee,
    course: str,
    day: date,
    status: LearningStatus = LearningStatus.VERIFIED,
) -> None:
    async with database.session() as session:
        session.add(
            LearningRecord(
                employee_id=id_of(employee),
                nama=course,
                jenis="klasikal",
                jp=8,
                completed_on=day,
                certificate_file_id="file-1",
                certificate_kind="document",
                status=status,
            )
        )


async def test_completed_development_tied_to_a_need_shows_before_and_after(
    database: Database,
) -> None:
    known = await known_needs_data(database)
    _, budi, _, dodi = known.staff
    # Dodi is behind on "Jumlah dokumen" (600 of 1810 due) and asked for nothing.
    await complete(database, dodi, "Manajemen Arsip", date(2026, 5, 20))
    # Budi asked for "Pelatihan pelayanan prima" in /lapor on 5 May.
    await complete(database, budi, "Pelayanan Prima", date(2026, 6, 1))
    # Not counted: a record waiting for verification, and one tied to no need (no indicators).
    await complete(database, dodi, "Belum diverifikasi", date(2026, 6, 2), LearningStatus.PENDING)
    newcomer = await add_employee(database, known.tenang, nama="Eko Baru")
    await complete(database, newcomer, "Orientasi", date(2026, 6, 3))
    async with database.session() as session:
        report = await build_needs_report(session, None, parse_period(PERIOD), today=TODAY)
    text = "\n\n".join(render_needs_report(report))

    assert TEXTS.get("efek_judul", periode=parse_period(PERIOD).title) in text
    assert "asosiasi, bukan bukti" in text
    dodi_line = TEXTS.get(
        "efek_pengembangan",
        nama=dodi.nama,
        pelatihan="Manajemen Arsip",
        tanggal=format_date_id(date(2026, 5, 20)),
        kaitan=TEXTS.get("efek_kaitan_indikator"),
    )
    budi_line = TEXTS.get(
        "efek_pengembangan",
        nama=budi.nama,
        pelatihan="Pelayanan Prima",
        tanggal=format_date_id(date(2026, 6, 1)),
        kaitan=TEXTS.get("efek_kaitan_permintaan"),
    )
    assert text.index(dodi_line) < text.index(budi_line)
    dodi_effect, budi_effect = report.effects
    # Dodi: only the lagging indicator; 600 done as of 19 May and still 600 at 30 June.
    (dokumen,) = dodi_effect.changes
    assert dokumen.name == "Jumlah dokumen"
    assert dokumen.before_pct is not None and dokumen.after_pct is not None
    assert dokumen.after_pct < dokumen.before_pct  # no report after the course: it fell behind
    assert (
        TEXTS.get(
            "efek_indikator",
            indikator="Jumlah dokumen",
            sebelum=format_percent_id(dokumen.before_pct, 1),
            sesudah=format_percent_id(dokumen.after_pct, 1),
        )
        in text
    )
    # Budi asked for it: every indicator of his with a status is linked.
    assert sorted(c.name for c in budi_effect.changes) == ["Jumlah dokumen", "Waktu layanan"]
    assert "Belum diverifikasi" not in text and "Orientasi" not in text
    assert TEXTS.get("efek_kosong") not in text


def progress(
    indicator_id: int, status: OnTrackStatus | None, pct: float | None
) -> IndicatorProgress:
    indicator = Indicator(
        id=indicator_id,
        kode=f"I{indicator_id}",
        employee_id=1,
        tahun=2026,
        rhk="-",
        nama=f"I{indicator_id}",
        aspek="kuantitas",
        satuan="x",
        target=1,
    )
    return IndicatorProgress(indicator, None, None, pct, status, 0, None, None)


def test_linked_indicators_are_the_lagging_ones_unless_the_person_asked() -> None:
    before = [
        progress(1, OnTrackStatus.TERTINGGAL, 40.0),
        progress(2, OnTrackStatus.SESUAI_JADWAL, 100.0),
        progress(3, None, None),  # no target yet: never linked
    ]
    after = [progress(1, OnTrackStatus.PERLU_PERHATIAN, 85.0)]
    assert linked_changes(before, after, asked_for_it=False) == (IndicatorChange("I1", 40.0, 85.0),)
    assert linked_changes(before, after, asked_for_it=True) == (
        IndicatorChange("I1", 40.0, 85.0),
        IndicatorChange("I2", 100.0, None),
    )
    assert linked_changes(before[1:], after, asked_for_it=False) == ()


async def complete_course(
    database: Database, employee: Employee, kode: str, unsur: str, day: date
) -> None:
    """A catalog course that strengthens `unsur`, enrolled in and completed on `day`."""
    async with database.session() as session:
        offer = TrainingOffer(
            kode=kode,
            nama=f"Kursus {kode}",
            penyelenggara="BPSDM",
            jenis="klasikal",
            bentuk="pelatihan",
            jp=8,
            kompetensi="sosial-kultural",
            kata_kunci="pelayanan",
            unsur=unsur,
            mulai=day - timedelta(days=2),
            selesai=day,
        )
        session.add(offer)
        await session.flush()
        enrolment = Enrolment(
            offer_id=id_of(offer), employee_id=id_of(employee), status=EnrolmentStatus.COMPLETED
        )
        session.add(enrolment)
        await session.flush()
        session.add(
            LearningRecord(
                employee_id=id_of(employee),
                enrolment_id=id_of(enrolment),
                nama=offer.nama,
                jenis="klasikal",
                jp=8,
                completed_on=day,
                certificate_file_id="file-2",
                certificate_kind="document",
                status=LearningStatus.VERIFIED,
            )
        )


async def test_a_course_for_an_skm_unsur_shows_the_units_score_before_and_after(
    database: Database,
) -> None:
    known = await known_needs_data(database)
    # Gita has no indicators: only the unsur tie the course to a need of her unit (BIDANG,
    # whose 10 answers of 1–10 May score U6 Kompetensi Pelaksana 2, i.e. 50,00).
    gita = await add_employee(database, known.bidang, nama="Gita Baru")
    await complete_course(database, gita, "PLT-U6", "U6; u9", date(2026, 6, 1))
    async with database.session() as session:
        service = (await session.exec(select(Service))).one()
    for day in range(5):  # after the course: five answers scoring U6 3 (75,00)
        await add_response(database, service, scores(4, U6=3), wib(date(2026, 6, 5 + day)))
    async with database.session() as session:
        report = await build_needs_report(session, None, parse_period(PERIOD), today=TODAY)
    text = "\n\n".join(render_needs_report(report))

    (effect,) = [e for e in report.effects if e.person == "Gita Baru"]
    assert effect.changes == ()
    assert effect.unsur == (
        UnsurChange("U6", "Kompetensi Pelaksana", 50.0, 75.0, 10, 5),
        UnsurChange("U9", "Sarana dan Prasarana", 100.0, 100.0, 10, 5),
    )
    assert "asosiasi, bukan bukti" in text
    assert (
        TEXTS.get(
            "efek_unsur",
            kode="U6",
            unsur="Kompetensi Pelaksana",
            sebelum=format_number_id(50.0, 2),
            n_sebelum=10,
            sesudah=format_number_id(75.0, 2),
            n_sesudah=5,
        )
        in text
    )


def test_unsur_scores_need_enough_answers_and_skip_what_nobody_answered() -> None:
    before = [{"U6": 2}] * 4 + [{"U6": 3}]
    after = [{"U6": 4}] * 4  # four answers: not a survey yet
    assert unsur_changes(["U6", "U7"], before, after) == (
        UnsurChange("U6", "Kompetensi Pelaksana", 55.0, None, 5, 4),
    )
    assert unsur_changes(["U6"], [], []) == ()
