"""Small builders for test data, written straight to the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Employee,
    Indicator,
    ProgressReport,
    TrainingOffer,
    Unit,
    id_of,
    utcnow,
)
from kinerja_bot.core.rules.periods import week_start, wib_today

_sequence = count(1)


def make_nip(
    sequence: int, *, born: str = "19850412", appointed: str = "201001", sex: int = 1
) -> str:
    """A well-formed 18-digit NIP: birth date, appointment month, sex, 3-digit sequence."""
    return f"{born}{appointed}{sex}{sequence % 1000:03d}"


async def add_unit(
    database: Database,
    kode: str = "DISDUKCAPIL",
    nama: str | None = None,
    parent: Unit | None = None,
) -> Unit:
    async with database.session() as session:
        unit = Unit(kode=kode, nama=nama or f"Unit {kode}", parent_id=parent.id if parent else None)
        session.add(unit)
        await session.flush()
        return unit


async def add_employee(
    database: Database,
    unit: Unit,
    *,
    nama: str = "Siti Rahmawati",
    nip: str | None = None,
    jabatan: str = "Analis Kependudukan",
    atasan: Employee | None = None,
    telegram_id: int | None = None,
) -> Employee:
    async with database.session() as session:
        assert unit.id is not None
        employee = Employee(
            nip=nip or make_nip(next(_sequence)),
            nama=nama,
            jabatan=jabatan,
            unit_id=unit.id,
            atasan_id=atasan.id if atasan else None,
            telegram_id=telegram_id,
        )
        session.add(employee)
        await session.flush()
        return employee


async def add_indicator(
    database: Database,
    employee: Employee,
    *,
    kode: str | None = None,
    nama: str = "Jumlah dokumen KTP-el yang dicetak",
    satuan: str = "dokumen",
    target: float = 1200,
    tahun: int | None = None,
    arah: str = "naik",
    cara_hitung: str = "kumulatif",
    jenis: str = "utama",
) -> Indicator:
    async with database.session() as session:
        indicator = Indicator(
            kode=kode or f"IKI-{next(_sequence):06d}",  # zero-padded: codes sort in the order made
            employee_id=id_of(employee),
            tahun=tahun or wib_today().year,
            rhk="Terlayaninya penerbitan dokumen kependudukan",
            nama=nama,
            aspek="kuantitas",
            satuan=satuan,
            target=target,
            arah=arah,
            cara_hitung=cara_hitung,
            jenis=jenis,
        )
        session.add(indicator)
        await session.flush()
        return indicator


# The obstacle a report carries unless a test says otherwise.
LOKET_KURANG = ("sdm", "Petugas loket kurang")


async def add_report(
    database: Database,
    indicator: Indicator,
    realisasi: float,
    *,
    at: datetime | None = None,
    kendala: tuple[str, str] | None = LOKET_KURANG,
    dukungan: tuple[str, str] | None = None,
) -> ProgressReport:
    """A report sent at `at` (default now), in that moment's reporting week."""
    moment = at or utcnow()
    async with database.session() as session:
        report = ProgressReport(
            indicator_id=id_of(indicator),
            employee_id=indicator.employee_id,
            week_start=week_start(wib_today(moment)),
            realisasi=realisasi,
            kendala_kategori=kendala[0] if kendala else None,
            kendala=kendala[1] if kendala else None,
            dukungan_kategori=dukungan[0] if dukungan else None,
            dukungan=dukungan[1] if dukungan else None,
            submitted_at=moment,
            updated_at=moment,
        )
        session.add(report)
        await session.flush()
        return report


def training_offer(
    kode: str,
    nama: str,
    *,
    mulai: date,
    kata_kunci: str,
    jp: float = 24,
    kuota: int | None = None,
) -> TrainingOffer:
    """A classroom training offer of BPSDM Banten, two days from `mulai` (not stored)."""
    return TrainingOffer(
        kode=kode,
        nama=nama,
        penyelenggara="BPSDM Provinsi Banten",
        jenis="klasikal",
        bentuk="pelatihan",
        jp=jp,
        kompetensi="teknis",
        kata_kunci=kata_kunci,
        mulai=mulai,
        selesai=mulai + timedelta(days=2),
        kuota=kuota,
    )


async def add_offer(
    database: Database,
    kode: str,
    nama: str,
    *,
    kata_kunci: str,
    jp: float = 24,
    kuota: int | None = None,
    starts_in: int = 7,
) -> TrainingOffer:
    """`training_offer`, stored, starting `starts_in` days from today."""
    start = wib_today() + timedelta(days=starts_in)
    async with database.session() as session:
        offer = training_offer(kode, nama, mulai=start, kata_kunci=kata_kunci, jp=jp, kuota=kuota)
        session.add(offer)
        await session.flush()
        return offer
