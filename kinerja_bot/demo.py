"""`kinerja-bot demo`: a realistic Tangerang Selatan data set, loaded idempotently.

Five OPD with sub-units, 45 staff in atasan chains, Renstra-style indicators, services at the
counters, a year to date of progress reports with obstacles and training needs, supervisor feedback
and citizen survey responses. Organisation data goes through the same import as the admin's
files; history rows carry fixed keys so a second run adds nothing.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.cli_common import with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Appreciation,
    CompetencyAssessment,
    CompetencyType,
    Employee,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    Indicator,
    LearningRecord,
    LearningStatus,
    ProgressReport,
    Service,
    SurveyResponse,
    TrainingOffer,
    Unit,
    UnitRole,
    UnitRoleKind,
    id_of,
)
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import PeriodKind, current_period, week_start
from kinerja_bot.core.rules.skm import UNSUR_CODES
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.survey_tally import record_response
from kinerja_bot.core.texts import TextBook
from kinerja_bot.development.rules import jp_from_minutes
from kinerja_bot.importing import import_rows

TEXTS = TextBook(
    "demo",
    {
        "selesai": (
            "unit",
            "pegawai",
            "indikator",
            "layanan",
            "laporan",
            "survei",
            "pelatihan",
            "pendaftaran",
            "kegiatan",
            "apresiasi",
            "kompetensi",
            "akun",
        )
    },
    html=False,
)

WIB = timedelta(hours=7)
WIB_ZONE = timezone(WIB)
# Demo Telegram accounts, so `kinerja-bot chat --telegram-id N` acts as a linked ASN at once.
DEMO_ACCOUNTS = {100001: "DISDUKCAPIL-PIAK", 100002: "DISDUKCAPIL", 100003: "PKM-PAMULANG"}

UNITS: tuple[tuple[str, str, str], ...] = (
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", ""),
    ("DISDUKCAPIL-PIAK", "Bidang Pelayanan Pendaftaran Penduduk", "DISDUKCAPIL"),
    ("DISDUKCAPIL-CAPIL", "Bidang Pelayanan Pencatatan Sipil", "DISDUKCAPIL"),
    ("DINKES", "Dinas Kesehatan", ""),
    ("PKM-PAMULANG", "UPTD Puskesmas Pamulang", "DINKES"),
    ("PKM-PONDOKAREN", "UPTD Puskesmas Pondok Aren", "DINKES"),
    ("DINDIKBUD", "Dinas Pendidikan dan Kebudayaan", ""),
    ("DINDIKBUD-SD", "Bidang Pembinaan Sekolah Dasar", "DINDIKBUD"),
    ("DINDIKBUD-BUD", "Bidang Kebudayaan", "DINDIKBUD"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", ""),
    ("DPMPTSP-IZIN", "Bidang Pelayanan Perizinan", "DPMPTSP"),
    ("DPMPTSP-MPP", "Mal Pelayanan Publik Serpong", "DPMPTSP"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", ""),
    ("BKPSDM-PKA", "Bidang Penilaian Kinerja Aparatur", "BKPSDM"),
    ("BKPSDM-PKASN", "Bidang Pengembangan Kompetensi ASN", "BKPSDM"),
)

# How residents name each OPD (the `singkatan` column of `impor unit`).
SHORT_NAMES = {
    "DISDUKCAPIL": "Disdukcapil",
    "DINKES": "Dinkes",
    "DINDIKBUD": "Dindikbud",
    "DPMPTSP": "DPMPTSP",
    "BKPSDM": "BKPSDM",
}

FIRST_NAMES = (
    "Siti",
    "Budi",
    "Rina",
    "Ahmad",
    "Dewi",
    "Agus",
    "Fitri",
    "Hendra",
    "Nurul",
    "Yusuf",
    "Ratna",
    "Dedi",
    "Lestari",
    "Iwan",
    "Maya",
    "Rizki",
    "Wulan",
    "Bambang",
    "Indah",
    "Fajar",
)
LAST_NAMES = (
    "Rahmawati",
    "Santoso",
    "Marlina",
    "Fauzi",
    "Kartika",
    "Setiawan",
    "Handayani",
    "Gunawan",
    "Aini",
    "Hidayat",
    "Sari",
    "Kurniawan",
    "Puspita",
    "Saputra",
    "Anggraini",
    "Pratama",
)

# Per OPD: (head's title, per sub-unit head title, staff titles) and its indicators
# (nama, aspek, satuan, target, arah, cara_hitung, rhk, iku_unit).
Indicator_ = tuple[str, str, str, float, str, str, str, str]
OPD_INDICATORS: dict[str, tuple[Indicator_, ...]] = {
    "DISDUKCAPIL": (
        (
            "Jumlah dokumen KTP-el yang dicetak",
            "kuantitas",
            "dokumen",
            24000,
            "naik",
            "kumulatif",
            "Terlayaninya penerbitan dokumen kependudukan",
            "Persentase penduduk wajib KTP yang memiliki KTP-el",
        ),
        (
            "Jumlah akta kelahiran yang diterbitkan",
            "kuantitas",
            "akta",
            18000,
            "naik",
            "kumulatif",
            "Terlayaninya pencatatan sipil",
            "Persentase anak yang memiliki akta kelahiran",
        ),
        (
            "Rata-rata waktu penerbitan Kartu Keluarga",
            "waktu",
            "hari",
            3,
            "turun",
            "terakhir",
            "Pelayanan administrasi kependudukan yang cepat",
            "Indeks Kepuasan Masyarakat",
        ),
    ),
    "DINKES": (
        (
            "Cakupan imunisasi dasar lengkap",
            "kualitas",
            "%",
            95,
            "naik",
            "terakhir",
            "Meningkatnya cakupan layanan kesehatan dasar",
            "Angka kematian bayi",
        ),
        (
            "Jumlah kunjungan rawat jalan yang dilayani",
            "kuantitas",
            "kunjungan",
            36000,
            "naik",
            "kumulatif",
            "Terlayaninya kunjungan pasien",
            "Indeks Kepuasan Masyarakat",
        ),
        (
            "Rata-rata waktu tunggu pendaftaran pasien",
            "waktu",
            "menit",
            15,
            "turun",
            "terakhir",
            "Pelayanan puskesmas yang cepat",
            "Indeks Kepuasan Masyarakat",
        ),
    ),
    "DINDIKBUD": (
        (
            "Jumlah guru SD yang mengikuti pelatihan kurikulum",
            "kuantitas",
            "orang",
            1200,
            "naik",
            "kumulatif",
            "Meningkatnya kompetensi pendidik",
            "Rata-rata nilai asesmen nasional",
        ),
        (
            "Angka partisipasi murni SD",
            "kualitas",
            "%",
            98.5,
            "naik",
            "terakhir",
            "Meningkatnya akses pendidikan dasar",
            "Angka partisipasi murni",
        ),
        (
            "Jumlah kegiatan pelestarian budaya Betawi dan Sunda",
            "kuantitas",
            "kegiatan",
            24,
            "naik",
            "kumulatif",
            "Lestarinya kebudayaan daerah",
            "Indeks pembangunan kebudayaan",
        ),
    ),
    "DPMPTSP": (
        (
            "Jumlah izin yang diterbitkan tepat waktu",
            "kuantitas",
            "izin",
            9000,
            "naik",
            "kumulatif",
            "Terlayaninya perizinan berusaha",
            "Persentase izin tepat waktu",
        ),
        (
            "Rata-rata waktu penyelesaian PBG",
            "waktu",
            "hari",
            14,
            "turun",
            "terakhir",
            "Perizinan bangunan yang cepat",
            "Indeks Kepuasan Masyarakat",
        ),
        (
            "Nilai realisasi investasi yang difasilitasi",
            "biaya",
            "miliar rupiah",
            1250.5,
            "naik",
            "kumulatif",
            "Meningkatnya investasi daerah",
            "Nilai realisasi investasi",
        ),
    ),
    "BKPSDM": (
        (
            "Persentase ASN yang menyusun SKP tepat waktu",
            "kualitas",
            "%",
            100,
            "naik",
            "terakhir",
            "Terkelolanya kinerja ASN",
            "Indeks sistem merit",
        ),
        (
            "Jumlah ASN yang mengikuti pengembangan kompetensi",
            "kuantitas",
            "orang",
            3000,
            "naik",
            "kumulatif",
            "Meningkatnya kompetensi ASN",
            "Indeks profesionalitas ASN",
        ),
    ),
}

SERVICES: tuple[tuple[str, str, str], ...] = (
    ("DUKCAPIL-KTP", "Perekaman dan Pencetakan KTP-el", "DISDUKCAPIL-PIAK"),
    ("DUKCAPIL-KK", "Penerbitan Kartu Keluarga", "DISDUKCAPIL-PIAK"),
    ("DUKCAPIL-AKTA", "Penerbitan Akta Kelahiran", "DISDUKCAPIL-CAPIL"),
    ("PKM-PAMULANG-UMUM", "Poli Umum Puskesmas Pamulang", "PKM-PAMULANG"),
    ("PKM-PONDOKAREN-KIA", "Pelayanan KIA Puskesmas Pondok Aren", "PKM-PONDOKAREN"),
    ("DPMPTSP-PBG", "Persetujuan Bangunan Gedung (PBG)", "DPMPTSP-IZIN"),
    ("MPP-NIB", "Pendampingan NIB di Mal Pelayanan Publik", "DPMPTSP-MPP"),
    ("DINDIKBUD-LEGALISIR", "Legalisir Ijazah", "DINDIKBUD-SD"),
)

# Yearly service users per service (the SKM population for the sample size).
YEARLY_USERS = (52000, 18000, 21000, 30000, 9000, 2400, 6000, 3500)

OBSTACLES = (
    ("sdm", "Petugas loket kurang saat jam sibuk"),
    ("sarana-prasarana", "Printer blanko sering macet"),
    ("teknologi-informasi", "Jaringan SIAK lambat pada pagi hari"),
    ("koordinasi", "Data dari kelurahan terlambat masuk"),
    ("anggaran", "Anggaran kegiatan belum cair"),
)
SUPPORT = (
    ("pelatihan", "Pelatihan pelayanan prima"),
    ("pelatihan", "Pelatihan analisis data dengan spreadsheet"),
    ("sarana", "Tambahan perangkat komputer di loket"),
)
# The training catalog: (kode, nama, penyelenggara, jenis, bentuk, jp, kompetensi, kata_kunci,
# unsur, days from today to the start, days it lasts, kuota).
CATALOG = (
    ("PLT-PRIMA", "Pelayanan Prima", "BPSDM Provinsi Banten", "klasikal", "pelatihan", "24",
     "sosial-kultural", "pelayanan prima;komunikasi;etika pelayanan", "U7;U6", 12, 3, "25"),
    ("PLT-SHEET", "Analisis Data dengan Spreadsheet", "LAN RI (ASN Unggul)", "nonklasikal",
     "e-learning", "16", "teknis", "spreadsheet;analisis data;excel", "", 6, 14, ""),
    ("PLT-SIAK", "Bimtek Aplikasi SIAK Terpusat", "Ditjen Dukcapil Kemendagri", "klasikal",
     "bimbingan teknis", "32", "teknis", "siak;kependudukan;ktp-el;dokumen", "U6", 9, 4, "2"),
    ("PLT-SOP", "Penyederhanaan Proses Bisnis dan SOP", "BKPSDM Kota Tangerang Selatan",
     "klasikal", "workshop", "20", "manajerial", "sop;proses bisnis;waktu layanan", "U2;U3",
     20, 2, "30"),
    ("PLT-ARSIP", "Manajemen Arsip Digital", "ANRI", "nonklasikal", "e-learning", "24",
     "teknis", "arsip;kearsipan;digitalisasi", "", -60, 10, ""),
    ("PLT-COACH", "Coaching Kepemimpinan Pengawas", "BKPSDM Kota Tangerang Selatan",
     "nonklasikal", "coaching", "12", "manajerial", "kepemimpinan;coaching", "", -120, 30, "15"),
    ("PLT-ETIKA", "Etika dan Komunikasi Pelayanan", "BKPSDM Kota Tangerang Selatan",
     "klasikal", "pelatihan", "16", "sosial-kultural", "etika pelayanan;komunikasi;keluhan",
     "U7;U8", -45, 2, "30"),
)  # fmt: skip
# Development in the PIAK unit, so /pengembangan and /tim show every state: (staff index in
# the unit — 0 is its head, -1 the demo account 100001 — offer, enrolment status, reason).
ENROLMENTS = (
    (-1, "PLT-SHEET", EnrolmentStatus.PENDING, None),
    (-1, "PLT-ARSIP", EnrolmentStatus.COMPLETED, None),
    (2, "PLT-PRIMA", EnrolmentStatus.APPROVED, None),
    (2, "PLT-SIAK", EnrolmentStatus.PENDING, None),
    # A course for SKM unsur (U7, U8): the analysis shows the unit's score before and after.
    (2, "PLT-ETIKA", EnrolmentStatus.COMPLETED, None),
    (1, "PLT-SIAK", EnrolmentStatus.APPROVED, None),
    (1, "PLT-SOP", EnrolmentStatus.DECLINED, "Bergantian: triwulan ini giliran rekan seksi lain."),
    (0, "PLT-COACH", EnrolmentStatus.COMPLETED, None),
)
# Learning outside the catalog: (staff index in PIAK, name, minutes, verified?).
SELF_LEARNING = (
    (1, "Webinar Literasi Digital ASN", 360, True),
    (2, "E-learning Keamanan Data Kependudukan", 100, False),
)
APPRECIATION = (
    (-1, "Terima kasih, laporan KTP-el minggu ini lengkap dengan bukti dukung."),
    (1, "Antrean pagi tertangani dengan baik, terima kasih."),
)
# /kompetensi (Format B.1.9) of the current quarter by the PIAK head: (staff index in PIAK,
# score per CompetencyType in order teknis, manajerial, sosial-kultural). Scores below 3 are
# the competency gaps the AKPK sheet shows.
COMPETENCY_SCORES = (
    (-1, (4, 3, 4)),
    (1, (2, 3, 3)),
    (2, (3, 2, 4)),
)
COMPETENCY_REASONS = {
    1: "Masih memerlukan pendampingan penuh.",
    2: "Perlu bimbingan pada sebagian besar tugas.",
    3: "Memenuhi standar jabatan.",
    4: "Di atas standar, mampu membimbing rekan.",
    5: "Menjadi rujukan di unit.",
}
FEEDBACK = (
    "Terima kasih, capaian minggu ini baik. Pertahankan.",
    "Tolong lampirkan bukti dukung yang lebih lengkap minggu depan.",
    "Capaian masih di bawah target triwulan, mari kita bahas di rapat Senin.",
)


@dataclass(frozen=True)
class DemoPerson:
    nip: str
    nama: str
    jabatan: str
    unit_kode: str
    atasan_nip: str


def make_nip(born_year: int, sequence: int, sex: int) -> str:
    """A well-formed NIP: birth date, appointment (year, month), sex, sequence."""
    born = f"{born_year}{(sequence % 12) + 1:02d}{(sequence % 27) + 1:02d}"
    appointed = f"{born_year + 24}{(sequence % 12) + 1:02d}"
    return f"{born}{appointed}{sex}{sequence:03d}"


def build_people() -> list[DemoPerson]:
    """Heads of OPD, heads of sub-units under them, and three staff per sub-unit."""
    people: list[DemoPerson] = []
    sequence = 0

    def person(title: str, unit: str, atasan: str) -> DemoPerson:
        nonlocal sequence
        sequence += 1
        first = FIRST_NAMES[sequence % len(FIRST_NAMES)]
        last = LAST_NAMES[(sequence * 7) % len(LAST_NAMES)]
        sex = (
            2
            if first
            in {
                "Siti",
                "Rina",
                "Dewi",
                "Fitri",
                "Nurul",
                "Ratna",
                "Lestari",
                "Maya",
                "Wulan",
                "Indah",
            }
            else 1
        )
        created = DemoPerson(
            make_nip(1970 + sequence % 25, sequence, sex), f"{first} {last}", title, unit, atasan
        )
        people.append(created)
        return created

    for kode, nama, parent in UNITS:
        if parent:
            continue
        head = person(f"Kepala {nama}", kode, "")
        for sub_kode, sub_nama, sub_parent in UNITS:
            if sub_parent != kode:
                continue
            sub_head = person(f"Kepala {sub_nama}", sub_kode, head.nip)
            for title in ("Analis Kebijakan", "Pranata Komputer", "Pengadministrasi Umum"):
                person(title, sub_kode, sub_head.nip)
    return people


def organisation_rows(people: list[DemoPerson], year: int) -> dict[str, list[dict[str, str]]]:
    opd_of = {kode: (parent or kode) for kode, _, parent in UNITS}
    indicators: list[dict[str, str]] = []
    for person in people:
        for number, spec in enumerate(OPD_INDICATORS[opd_of[person.unit_kode]], start=1):
            nama, aspek, satuan, target, arah, cara, rhk, iku = spec
            share = (
                1 if person.atasan_nip == "" else 4 if person.jabatan.startswith("Kepala") else 12
            )
            own_target = target if arah == "turun" or cara == "terakhir" else round(target / share)
            indicators.append(
                {
                    "kode": f"IKI-{person.nip[-6:]}-{number}",
                    "nip": person.nip,
                    "tahun": str(year),
                    "rhk": rhk,
                    "nama": nama,
                    "aspek": aspek,
                    "satuan": satuan,
                    "target": format_number_id(own_target, 2, trim=True),
                    "arah": arah,
                    "cara_hitung": cara,
                    "jenis": "utama" if number < 3 else "tambahan",
                    "iku_unit": iku,
                }
            )
    return {
        "unit": [
            {"kode": k, "nama": n, "induk_kode": p, "singkatan": SHORT_NAMES.get(k, "")}
            for k, n, p in UNITS
        ],
        "pegawai": [
            {
                "nip": p.nip,
                "nama": p.nama,
                "jabatan": p.jabatan,
                "unit_kode": p.unit_kode,
                "atasan_nip": p.atasan_nip,
            }
            for p in people
        ],
        "indikator": indicators,
        "layanan": [
            {"kode": k, "nama": n, "unit_kode": u, "pengguna_per_tahun": str(users)}
            for (k, n, u), users in zip(SERVICES, YEARLY_USERS, strict=True)
        ],
    }


def realisation(indicator: Indicator, rng: random.Random) -> float:
    """A plausible weekly value: a weekly share of the target, or a level near it."""
    if indicator.cara_hitung == "terakhir":
        drift = rng.uniform(-0.15, 0.1) if indicator.arah == "naik" else rng.uniform(-0.1, 0.4)
        return round(indicator.target * (1 + drift), 1)
    weekly = indicator.target / 52
    return float(max(0, round(weekly * rng.uniform(0.7, 1.5))))


async def add_history(database: Database, now: datetime) -> tuple[int, int]:
    """Reports with feedback for the last weeks, and survey responses; only what is missing.
    Nothing is dated after `now`: a report later today, feedback on it tomorrow or a survey
    answered this afternoon would be the demo lying about the future."""
    today = now.astimezone(WIB_ZONE).date()
    reports = responses = 0
    async with database.session() as session:
        known = set(
            (
                await session.exec(
                    select(ProgressReport.submission_key).where(
                        col(ProgressReport.submission_key).like("demo-%")
                    )
                )
            ).all()
        )
        rows = (await session.exec(select(Indicator, Employee).join(Employee))).all()
        # Every week of the year so far (this one up to today), so year-to-date achievement
        # is meaningful.
        for weeks_ago in range((week_start(today) - date(today.year, 1, 1)).days // 7, -1, -1):
            monday = week_start(today) - timedelta(weeks=weeks_ago)
            for indicator, employee in rows:
                key = f"demo-{indicator.kode}-{monday.isoformat()}"
                # Most staff report most weeks; some lag, which the summaries should show.
                # Seeded by the key, so each report's fate is the same on every run.
                rng = random.Random(key)
                day = monday + timedelta(days=rng.randint(0, 4))
                if key in known or rng.random() > 0.9 or day > today:
                    continue
                at = datetime.combine(day, time(9 + rng.randint(0, 7)), tzinfo=UTC) - WIB
                if at > now:
                    continue
                obstacle = rng.choice(OBSTACLES) if rng.random() < 0.3 else None
                support = rng.choice(SUPPORT) if rng.random() < 0.2 else None
                report = ProgressReport(
                    indicator_id=id_of(indicator),
                    employee_id=id_of(employee),
                    week_start=monday,
                    realisasi=realisation(indicator, rng),
                    submitted_at=at,
                    updated_at=at,
                    submission_key=key,
                    kendala_kategori=obstacle[0] if obstacle else None,
                    kendala=obstacle[1] if obstacle else None,
                    dukungan_kategori=support[0] if support else None,
                    dukungan=support[1] if support else None,
                )
                session.add(report)
                reports += 1
                if employee.atasan_id is not None and rng.random() < 0.25:
                    await session.flush()
                    session.add(
                        Feedback(
                            report_id=id_of(report),
                            author_id=employee.atasan_id,
                            text=rng.choice(FEEDBACK),
                            created_at=min(at + timedelta(days=1), now),
                        )
                    )
        services = (await session.exec(select(Service))).all()
        known_responses = set(
            (
                await session.exec(
                    select(SurveyResponse.respondent_hash).where(
                        col(SurveyResponse.respondent_hash).like("demo-%")
                    )
                )
            ).all()
        )
        for service in services:
            rng = random.Random(service.kode)
            leaning = rng.uniform(2.6, 3.6)
            for number in range(40):
                marker = f"demo-{service.kode}-{number}"
                if marker in known_responses:
                    continue
                at = datetime.combine(
                    today - timedelta(days=rng.randint(0, 60)), time(3), tzinfo=UTC
                )
                if at > now:  # this morning's answers, before the office opened
                    at -= timedelta(days=1)
                response = SurveyResponse(
                    service_id=id_of(service), submitted_at=at, respondent_hash=marker
                )
                scores = {
                    unsur: min(4, max(1, round(rng.gauss(leaning, 0.6)))) for unsur in UNSUR_CODES
                }
                await record_response(session, response, scores)
                responses += 1
    return reports, responses


async def link_demo_accounts(database: Database, people: list[DemoPerson]) -> list[str]:
    """Link one person of a few units to fixed Telegram ids (skipping ids already in use)."""
    linked: list[str] = []
    async with database.session() as session:
        for telegram_id, unit_kode in DEMO_ACCOUNTS.items():
            in_unit = [p for p in people if p.unit_kode == unit_kode]
            chosen = in_unit[0] if unit_kode == "DISDUKCAPIL" else in_unit[-1]
            taken = (
                await session.exec(select(Employee).where(Employee.telegram_id == telegram_id))
            ).first()
            employee = (
                await session.exec(select(Employee).where(Employee.nip == chosen.nip))
            ).one()
            if taken is None and employee.telegram_id is None:
                employee.telegram_id = telegram_id
                employee.linked_at = datetime.now(UTC)
                session.add(employee)
            linked.append(f"{telegram_id} = {chosen.nama} ({chosen.jabatan})")
    return linked


async def assign_roles(database: Database, people: list[DemoPerson]) -> None:
    """Heads of units (kepala) and one complaint handler per unit with services."""
    wanted: list[tuple[str, str, str]] = []
    for kode, _, _ in UNITS:
        in_unit = [p for p in people if p.unit_kode == kode]
        if in_unit:
            wanted.append((kode, in_unit[0].nip, UnitRoleKind.HEAD))
        if any(unit == kode for _, _, unit in SERVICES) and len(in_unit) > 1:
            wanted.append((kode, in_unit[1].nip, UnitRoleKind.COMPLAINT_HANDLER))
    async with database.session() as session:
        units = {u.kode: id_of(u) for u in (await session.exec(select(Unit))).all()}
        staff = {e.nip: id_of(e) for e in (await session.exec(select(Employee))).all()}
        existing = {
            (r.unit_id, r.employee_id, r.role) for r in (await session.exec(select(UnitRole))).all()
        }
        for kode, nip, role in wanted:
            key = (units[kode], staff[nip], str(role))
            if key not in existing:
                session.add(UnitRole(unit_id=key[0], employee_id=key[1], role=key[2]))


def catalog_rows(today: date) -> list[dict[str, str]]:
    """The catalog as an admin would import it, with dates around today."""
    rows = []
    for (
        kode,
        nama,
        org,
        jenis,
        bentuk,
        jp,
        kompetensi,
        topics,
        unsur,
        start,
        days,
        kuota,
    ) in CATALOG:
        first = today + timedelta(days=start)
        last = first + timedelta(days=days - 1)
        rows.append(
            {
                "kode": kode,
                "nama": nama,
                "penyelenggara": org,
                "jenis": jenis,
                "bentuk": bentuk,
                "jp": jp,
                "kompetensi": kompetensi,
                "kata_kunci": topics,
                "unsur": unsur,
                "mulai": f"{first.day}-{first.month}-{first.year}",
                "selesai": f"{last.day}-{last.month}-{last.year}",
                "kuota": kuota,
                "tautan": "",
            }
        )
    return rows


async def add_development(
    database: Database, people: list[DemoPerson], now: datetime
) -> tuple[int, int, int, int]:
    """Enrolments in every state, certificates, learning outside the catalog, appreciation
    and /kompetensi scores in the PIAK unit (someone over 20 JP, someone under), and a
    waiting list; learning, thanks and scores within the current quarter, so the quarterly
    analysis and the AKPK sheet show them. Only what is missing. Returns the enrolments,
    learning records, appreciation and competency scores added."""
    piak = [p for p in people if p.unit_kode == "DISDUKCAPIL-PIAK"]
    capil = [p for p in people if p.unit_kode == "DISDUKCAPIL-CAPIL"]
    async with database.session() as session:
        staff = {e.nip: e for e in (await session.exec(select(Employee))).all()}
        certificates = set(
            (
                await session.exec(
                    select(LearningRecord.certificate_file_id).where(
                        col(LearningRecord.certificate_file_id).like("demo-%")
                    )
                )
            ).all()
        )
        wanted = [(piak[i], kode, status, reason) for i, kode, status, reason in ENROLMENTS]
        wanted.append((capil[-1], "PLT-SIAK", EnrolmentStatus.WAITING_LIST, None))
        enrolments, certified = await _demo_enrolments(session, staff, wanted, certificates, now)
        piak_staff = [staff[p.nip] for p in piak]
        learned = _demo_self_learning(session, piak_staff, certificates, now)
        thanked = await _demo_appreciation(session, piak_staff, now)
        scored = await _demo_competency(session, piak_staff, now)
    return enrolments, certified + learned, thanked, scored


async def _demo_enrolments(
    session: AsyncSession,
    staff: dict[str, Employee],
    wanted: list[tuple[DemoPerson, str, EnrolmentStatus, str | None]],
    certificates: set[str],
    now: datetime,
) -> tuple[int, int]:
    """The enrolments not there yet, a certificate for each completed one."""
    offers = {o.kode: o for o in (await session.exec(select(TrainingOffer))).all()}
    enrolled = {(e.offer_id, e.employee_id) for e in (await session.exec(select(Enrolment))).all()}
    added, certified = 0, 0
    for person, kode, status, reason in wanted:
        employee, offer = staff[person.nip], offers[kode]
        if (id_of(offer), id_of(employee)) in enrolled:
            continue
        # Asked 20 days before the start, at the latest two days ago: decided the day after.
        asked = min(
            datetime.combine(offer.mulai - timedelta(days=20), time(2), tzinfo=UTC),
            now - timedelta(days=2),
        )
        decided = status in (
            EnrolmentStatus.APPROVED,
            EnrolmentStatus.DECLINED,
            EnrolmentStatus.COMPLETED,
        )
        enrolment = Enrolment(
            offer_id=id_of(offer),
            employee_id=id_of(employee),
            status=status,
            requested_at=asked,
            submitted_at=None if status == EnrolmentStatus.WAITING_LIST else asked,
            decided_at=asked + timedelta(days=1) if decided else None,
            decided_by_id=employee.atasan_id if decided else None,
            reason=reason,
        )
        session.add(enrolment)
        added += 1
        certificate = f"demo-sertifikat-{kode}-{person.nip}"
        if status == EnrolmentStatus.COMPLETED and certificate not in certificates:
            await session.flush()
            session.add(
                LearningRecord(
                    employee_id=id_of(employee),
                    enrolment_id=id_of(enrolment),
                    nama=offer.nama,
                    jenis=offer.jenis,
                    jp=offer.jp,
                    completed_on=offer.selesai,
                    certificate_file_id=certificate,
                    certificate_kind="document",
                    certificate_name=f"sertifikat-{kode.lower()}.pdf",
                    status=LearningStatus.VERIFIED,
                    created_at=min(datetime.combine(offer.selesai, time(3), tzinfo=UTC), now),
                )
            )
            certified += 1
    return added, certified


def _demo_self_learning(
    session: AsyncSession, piak: list[Employee], certificates: set[str], now: datetime
) -> int:
    """Learning outside the catalog (minutes ÷ 45), one verified by the atasan, one waiting;
    completed this quarter (a month ago, or the quarter's first day)."""
    today = now.astimezone(WIB_ZONE).date()
    done = max(today - timedelta(days=30), current_period(PeriodKind.QUARTER, today).start)
    recorded = min(datetime.combine(done, time(3), tzinfo=UTC), now)
    added = 0
    for index, nama, minutes, verified in SELF_LEARNING:
        employee = piak[index]
        certificate = f"demo-sertifikat-mandiri-{employee.nip}-{minutes}"
        if certificate in certificates:
            continue
        session.add(
            LearningRecord(
                employee_id=id_of(employee),
                nama=nama,
                jenis="nonklasikal",
                jp=jp_from_minutes(minutes),
                minutes=minutes,
                completed_on=done,
                certificate_file_id=certificate,
                certificate_kind="photo",
                status=LearningStatus.VERIFIED if verified else LearningStatus.PENDING,
                verified_by_id=employee.atasan_id if verified else None,
                verified_at=now if verified else None,
                created_at=recorded,
            )
        )
        added += 1
    return added


async def _demo_appreciation(session: AsyncSession, piak: list[Employee], now: datetime) -> int:
    """Thanks from the unit's head, one a day back from today within the quarter, on the days
    not yet covered."""
    today = now.astimezone(WIB_ZONE).date()
    first = current_period(PeriodKind.QUARTER, today).start
    head = piak[0]
    given = {
        (a.receiver_id, a.given_on)
        for a in (
            await session.exec(select(Appreciation).where(Appreciation.giver_id == head.id))
        ).all()
    }
    added = 0
    for days_ago, (index, note) in enumerate(APPRECIATION):
        receiver = piak[index]
        day = max(today - timedelta(days=days_ago), first)
        if (id_of(receiver), day) in given:
            continue
        session.add(
            Appreciation(
                giver_id=id_of(head),
                receiver_id=id_of(receiver),
                week_start=week_start(day),
                note=note,
                given_on=day,
                created_at=min(datetime.combine(day, time(3), tzinfo=UTC), now),
            )
        )
        added += 1
    return added


async def _demo_competency(session: AsyncSession, piak: list[Employee], now: datetime) -> int:
    """The PIAK head's /kompetensi scores of the current quarter, for people not yet scored."""
    period = current_period(PeriodKind.QUARTER, now.astimezone(WIB_ZONE).date()).label
    head = piak[0]
    scored = set(
        (
            await session.exec(
                select(CompetencyAssessment.employee_id).where(
                    CompetencyAssessment.period == period
                )
            )
        ).all()
    )
    added = 0
    for index, scores in COMPETENCY_SCORES:
        employee = piak[index]
        if employee.id in scored:
            continue
        for kompetensi, score in zip(CompetencyType, scores, strict=True):
            session.add(
                CompetencyAssessment(
                    employee_id=id_of(employee),
                    period=period,
                    kompetensi=kompetensi.value,
                    score=score,
                    reason=COMPETENCY_REASONS[score],
                    decided_by_id=id_of(head),
                    decided_at=now,
                )
            )
            added += 1
    return added


async def load_demo(database: Database, today: date, now: datetime | None = None) -> str:
    """Load everything as of `now` (default: noon WIB of `today`); returns the summary."""
    now = now or datetime.combine(today, time(12), tzinfo=WIB_ZONE)
    people = build_people()
    counts: dict[str, int] = {}
    for kind, rows in organisation_rows(people, today.year).items():
        await import_rows(database, kind, rows)
        counts[kind] = len(rows)
    reports, responses = await add_history(database, now)
    catalog = catalog_rows(today)
    await import_rows(database, "pelatihan", catalog)
    enrolments, learning, thanks, scores = await add_development(database, people, now)
    await assign_roles(database, people)
    accounts = await link_demo_accounts(database, people)
    return TEXTS.get(
        "selesai",
        unit=counts["unit"],
        pegawai=counts["pegawai"],
        indikator=counts["indikator"],
        layanan=counts["layanan"],
        laporan=reports,
        survei=responses,
        pelatihan=len(catalog),
        pendaftaran=enrolments,
        kegiatan=learning,
        apresiasi=thanks,
        kompetensi=scores,
        akun="\n".join(f"  {line}" for line in accounts),
    )


def demo_command(settings: Settings) -> None:
    now = datetime.now(UTC)

    async def work(database: Database) -> str:
        return await load_demo(database, now.astimezone(settings.tz).date(), now)

    print(asyncio.run(with_database(settings, work)))
