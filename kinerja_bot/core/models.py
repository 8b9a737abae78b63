"""The data model of the whole product (SQLModel tables; schema changes go through Alembic).

Times are stored as UTC and come back timezone-aware; shown to users in WIB.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def id_of(row: Any) -> int:
    """The primary key of a row that has been flushed (SQLModel types it as optional)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet; flush the session first")
    return int(row.id)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp kept in UTC on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def timestamp(*, nullable: bool = False, index: bool = False) -> Any:
    column: Column[datetime] = Column(UTCDateTime(), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


def telegram_id_column(*, unique: bool = False, index: bool = False, nullable: bool = True) -> Any:
    return Field(
        default=None, sa_column=Column(BigInteger, unique=unique, index=index, nullable=nullable)
    )


# Named constraints, so that SQLite's batch migrations can find them again.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Direction(StrEnum):
    HIGHER_IS_BETTER = "naik"
    LOWER_IS_BETTER = "turun"


class Aggregation(StrEnum):
    CUMULATIVE = "kumulatif"
    LATEST = "terakhir"


class IndicatorKind(StrEnum):
    MAIN = "utama"
    ADDITIONAL = "tambahan"


class Aspect(StrEnum):
    QUANTITY = "kuantitas"
    QUALITY = "kualitas"
    TIME = "waktu"
    COST = "biaya"


class UnitRoleKind(StrEnum):
    HEAD = "kepala"
    COMPLAINT_HANDLER = "pengelola_pengaduan"


class ComplaintStatus(StrEnum):
    RECEIVED = "DITERIMA"
    IN_PROGRESS = "DIPROSES"
    ANSWERED = "DIJAWAB"
    CLOSED = "SELESAI"
    REOPENED = "DIBUKA KEMBALI"


class DeliveryStatus(StrEnum):
    PENDING = "menunggu"
    SENDING = "mengirim"
    SENT = "terkirim"
    FAILED = "gagal"
    BLOCKED = "diblokir"
    SKIPPED = "dilewati"  # no longer needed when its time came (e.g. reported meanwhile)


class LearningRoute(StrEnum):
    """Jalur pengembangan kompetensi (PerLAN 10/2018)."""

    CLASSROOM = "klasikal"
    NON_CLASSROOM = "nonklasikal"


class CompetencyType(StrEnum):
    TECHNICAL = "teknis"
    MANAGERIAL = "manajerial"
    SOCIO_CULTURAL = "sosial-kultural"


class EnrolmentStatus(StrEnum):
    PENDING = "menunggu"  # waiting for the atasan's decision
    WAITING_LIST = "daftar_tunggu"  # the offer was full; moves up when a place frees
    APPROVED = "disetujui"
    DECLINED = "ditolak"
    CANCELLED = "dibatalkan"
    COMPLETED = "selesai"


class LearningStatus(StrEnum):
    PENDING = "menunggu"  # learning outside the catalog, waiting for the atasan's verification
    VERIFIED = "diverifikasi"
    DECLINED = "ditolak"


# --- Organisation -------------------------------------------------------------------------


class Unit(SQLModel, table=True):
    """An OPD or one of its sub-units (bidang, seksi, UPTD, puskesmas)."""

    id: int | None = Field(default=None, primary_key=True)
    kode: str = Field(max_length=32, unique=True, index=True)
    nama: str = Field(max_length=200)
    # The name residents know an OPD by ("Disdukcapil"); citizens see it before a sub-unit's
    # name (`organisation.citizen_unit_names`).
    singkatan: str | None = Field(default=None, max_length=40)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class Employee(SQLModel, table=True):
    """An ASN (PNS or PPPK); `telegram_id` is set once the account is activated."""

    id: int | None = Field(default=None, primary_key=True)
    nip: str = Field(max_length=18, min_length=18, unique=True, index=True)
    nama: str = Field(max_length=200)
    jabatan: str = Field(max_length=200)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    atasan_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    telegram_id: int | None = telegram_id_column(unique=True)
    linked_at: datetime | None = timestamp(nullable=True)
    active: bool = True
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class UnitRole(SQLModel, table=True):
    """A role an employee holds for a unit: its head, or a complaint handler."""

    __table_args__ = (UniqueConstraint("unit_id", "employee_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    role: str = Field(max_length=32)
    created_at: datetime = timestamp()


class ActivationCode(SQLModel, table=True):
    """A one-time activation code; only its hash is kept. A newer code voids older ones."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True)
    voided_at: datetime | None = timestamp(nullable=True)


class ActivationFailure(SQLModel, table=True):
    """A wrong activation attempt, kept to throttle guessing across restarts."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = telegram_id_column(index=True, nullable=False)
    at: datetime = timestamp(index=True)


# --- Performance (SKP) --------------------------------------------------------------------


class Indicator(SQLModel, table=True):
    """A yearly individual indicator (IKI) under a result plan (RHK)."""

    __table_args__ = (UniqueConstraint("kode", "tahun"),)

    id: int | None = Field(default=None, primary_key=True)
    kode: str = Field(max_length=64, index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    tahun: int = Field(index=True)
    rhk: str = Field(sa_column=Column(Text, nullable=False))
    nama: str = Field(sa_column=Column(Text, nullable=False))
    aspek: str = Field(max_length=16)
    satuan: str = Field(max_length=64)
    target: float
    arah: str = Field(max_length=8, default=Direction.HIGHER_IS_BETTER)
    cara_hitung: str = Field(max_length=16, default=Aggregation.CUMULATIVE)
    jenis: str = Field(max_length=16, default=IndicatorKind.MAIN)
    iku_unit: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class ProgressReport(SQLModel, table=True):
    """A progress report (laporan kemajuan) on one indicator; `week_start` is its Monday (WIB)."""

    __table_args__ = (Index("ix_progressreport_employee_week", "employee_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    week_start: date = Field(index=True)
    realisasi: float
    kendala_kategori: str | None = Field(default=None, max_length=32)
    kendala: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    dukungan_kategori: str | None = Field(default=None, max_length=32)
    dukungan: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1
    submitted_at: datetime = timestamp(index=True)
    updated_at: datetime = timestamp()
    acknowledged_at: datetime | None = timestamp(nullable=True)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="employee.id")
    # Lets a retried submission be recognised instead of saved twice.
    submission_key: str | None = Field(default=None, max_length=64, unique=True)


class Evidence(SQLModel, table=True):
    """Bukti dukung of a report: a Telegram file (id, name, type, size), a link or a text."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="progressreport.id", index=True)
    kind: str = Field(max_length=16)
    telegram_file_id: str | None = Field(default=None, max_length=255)
    file_name: str | None = Field(default=None, max_length=255)
    mime_type: str | None = Field(default=None, max_length=128)
    file_size: int | None = None
    content: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = timestamp()


class ReportVersion(SQLModel, table=True):
    """One edit of a sent report: who changed what, and when."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="progressreport.id", index=True)
    version: int
    changed_by_id: int = Field(foreign_key="employee.id")
    changed_at: datetime = timestamp()
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Feedback(SQLModel, table=True):
    """Umpan balik berkelanjutan: a thread of messages between atasan and ASN on a report."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="progressreport.id", index=True)
    author_id: int = Field(foreign_key="employee.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp(index=True)
    # The update that created it (`telegram_ui.update_key`): handled again after a kill, the
    # same update finds this row instead of adding another.
    update_key: str | None = Field(default=None, max_length=32, unique=True)


class LeaveKind(StrEnum):
    """Why an ASN is away (labels in `percakapan/kosakata.yaml`, `jenis_cuti`)."""

    ANNUAL = "tahunan"
    SICK = "sakit"
    OFFICIAL_TRAVEL = "dinas_luar"
    OTHER = "lainnya"


class Leave(SQLModel, table=True):
    """Cuti: days (inclusive, WIB) on which an ASN gets no reminders, whatever the kind."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    first_day: date
    last_day: date
    # Leave recorded before kinds were asked is `lainnya`: nobody said which it was.
    kind: str = Field(
        default=LeaveKind.OTHER,
        max_length=16,
        sa_column_kwargs={"server_default": LeaveKind.OTHER.value},
    )
    created_at: datetime = timestamp()


class Evaluation(SQLModel, table=True):
    """The periodic evaluation of one ASN: the atasan's ratings and the resulting predikat."""

    __table_args__ = (UniqueConstraint("employee_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    period: str = Field(max_length=16, index=True)
    suggested_result_rating: str | None = Field(default=None, max_length=32)
    result_rating: str = Field(max_length=32)
    behaviour_rating: str = Field(max_length=32)
    # Per BerAKHLAK value: its code → the atasan's note.
    behaviour_notes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    predikat: str = Field(max_length=32)
    decided_by_id: int = Field(foreign_key="employee.id")
    decided_at: datetime = timestamp()


class UnitRating(SQLModel, table=True):
    """A unit's own predikat kinerja organisasi of one year (frames its predikat distribution)."""

    __table_args__ = (UniqueConstraint("unit_id", "tahun"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    tahun: int
    rating: str = Field(max_length=32)
    updated_at: datetime = timestamp()


# --- Citizens (SKM, complaints) -----------------------------------------------------------


class Service(SQLModel, table=True):
    """A public service (layanan) of a unit, rated by citizens."""

    id: int | None = Field(default=None, primary_key=True)
    kode: str = Field(max_length=32, unique=True, index=True)
    nama: str = Field(max_length=200)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    # Yearly number of service users, the population for the SKM sample size (Krejcie & Morgan).
    pengguna_per_tahun: int | None = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class SurveyChannel(StrEnum):
    """Where an SKM response was collected."""

    TELEGRAM = "telegram"
    PAPER = "kertas"
    OTHER = "lainnya"


class SurveyResponse(SQLModel, table=True):
    """One anonymous SKM response: no Telegram id or name, only a salted daily-limit hash."""

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    submitted_at: datetime = timestamp(index=True)
    channel: str = Field(
        default=SurveyChannel.TELEGRAM,
        max_length=16,
        sa_column_kwargs={"server_default": SurveyChannel.TELEGRAM.value},
    )
    # An imported questionnaire's fingerprint (importing the same file again adds nothing), or
    # that of the update that sent a Telegram response (`survey.service.submission_fingerprint`:
    # the update handled again after a kill adds nothing).
    fingerprint: str | None = Field(default=None, max_length=64, unique=True)
    respondent_hash: str | None = Field(default=None, max_length=64, index=True)
    jenis_kelamin: str | None = Field(default=None, max_length=16)
    usia: str | None = Field(default=None, max_length=16)
    pendidikan: str | None = Field(default=None, max_length=32)
    pekerjaan: str | None = Field(default=None, max_length=32)
    saran: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SurveyAnswer(SQLModel, table=True):
    """The score (1–4) of one unsur in one response, keyed by unsur code."""

    __table_args__ = (UniqueConstraint("response_id", "unsur"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="surveyresponse.id", index=True)
    unsur: str = Field(max_length=8)
    score: int = Field(ge=1, le=4)


class SurveyTally(SQLModel, table=True):
    """Responses per quarter-hour (UTC), service and channel: the IKM reads these instead of
    the answers (see `core.survey_tally`). Aggregates only, nothing about a person."""

    __table_args__ = {"sqlite_with_rowid": False}

    bucket: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    channel: str = Field(max_length=16, primary_key=True)
    respondents: int


class SurveyScoreTally(SQLModel, table=True):
    """Per quarter-hour (UTC), service, channel and unsur: the sum and the number of scores."""

    # Stored in key order on SQLite, so a period's rows are read in one sweep of the table
    # (about 400,000 rows a year) instead of an index plus a lookup per row.
    __table_args__ = {"sqlite_with_rowid": False}

    bucket: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    channel: str = Field(max_length=16, primary_key=True)
    unsur: str = Field(max_length=8, primary_key=True)
    score_sum: int
    score_count: int


class Complaint(SQLModel, table=True):
    """A complaint ticket; `chat_id` only with the citizen's recorded consent."""

    id: int | None = Field(default=None, primary_key=True)
    nomor: str = Field(max_length=32, unique=True, index=True)
    # None: "lainnya", a complaint about the unit that fits none of its listed services (/adu).
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    response_id: int | None = Field(default=None, foreign_key="surveyresponse.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16, default=ComplaintStatus.RECEIVED, index=True)
    chat_id: int | None = telegram_id_column()
    consent_id: int | None = Field(default=None, foreign_key="consent.id")
    # The Telegram file_id of a photo sent with the complaint (/adu): it may show a face, so it
    # is cleared with the chat id (erasure, retention).
    photo_file_id: str | None = Field(default=None, max_length=255)
    created_at: datetime = timestamp()
    # SP4N-LAPOR!: verified (taken up, DIPROSES) within 3 working days of receipt; the 5 working
    # days of follow-up run from when the ticket reached the unit (`reached_unit_at`).
    verify_by: date | None = None
    reached_unit_at: datetime | None = timestamp(nullable=True)
    due_date: date
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime | None = timestamp(nullable=True)
    answered_by_id: int | None = Field(default=None, foreign_key="employee.id")
    closed_at: datetime | None = timestamp(nullable=True)
    escalated_at: datetime | None = timestamp(nullable=True)
    # The update that created it (`telegram_ui.update_key`): handled again after a kill, the
    # same update finds this row instead of adding another.
    update_key: str | None = Field(default=None, max_length=32, unique=True)


class ComplaintEvent(SQLModel, table=True):
    """The status history of a ticket."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    status: str = Field(max_length=16)
    at: datetime = timestamp()
    by_employee_id: int | None = Field(default=None, foreign_key="employee.id")
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FollowUpStatus(StrEnum):
    PLANNED = "direncanakan"
    IN_PROGRESS = "berjalan"
    DONE = "selesai"


class FollowUpAction(SQLModel, table=True):
    """One action of a unit's rencana tindak lanjut (RTL) on a weak SKM unsur of a period."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: str = Field(max_length=16, index=True)
    unsur: str = Field(max_length=8)
    tindakan: str = Field(sa_column=Column(Text, nullable=False))
    # Who carries it out, e.g. "Kepala Seksi Pelayanan"; kept off the public site.
    penanggung_jawab: str = Field(max_length=200)
    tenggat: date
    status: str = Field(max_length=16, default=FollowUpStatus.PLANNED)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    done_at: datetime | None = timestamp(nullable=True)
    # The update that created it (`telegram_ui.update_key`): handled again after a kill, the
    # same update finds this row instead of adding another.
    update_key: str | None = Field(default=None, max_length=32, unique=True)


class Consent(SQLModel, table=True):
    """Consent to keep personal data (UU 27/2022): who, for what, which text version, when."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = telegram_id_column(index=True)
    purpose: str = Field(max_length=32)
    text_version: str = Field(max_length=32)
    given_at: datetime = timestamp()
    withdrawn_at: datetime | None = timestamp(nullable=True)


# --- Competency development and recognition ------------------------------------------------


class TrainingOffer(SQLModel, table=True):
    """An offer of the training catalog (`kinerja-bot impor pelatihan`); `kuota` None: no limit.

    `kata_kunci` and `unsur` keep the imported ';'-separated lists as written.
    """

    id: int | None = Field(default=None, primary_key=True)
    kode: str = Field(max_length=32, unique=True, index=True)
    nama: str = Field(max_length=200)
    penyelenggara: str = Field(max_length=200)
    jenis: str = Field(max_length=16)
    bentuk: str = Field(max_length=64)
    jp: float
    kompetensi: str = Field(max_length=32)
    kata_kunci: str = Field(sa_column=Column(Text, nullable=False))
    unsur: str | None = Field(default=None, max_length=64)
    mulai: date
    selesai: date
    kuota: int | None = None
    tautan: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class Enrolment(SQLModel, table=True):
    """An ASN's enrolment in an offer, from request to the atasan's decision and completion."""

    __table_args__ = (UniqueConstraint("offer_id", "employee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="trainingoffer.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    status: str = Field(max_length=16, default=EnrolmentStatus.PENDING, index=True)
    requested_at: datetime = timestamp()
    # When the request reached the atasan (at once, or when it left the waiting list).
    submitted_at: datetime | None = timestamp(nullable=True)
    decided_at: datetime | None = timestamp(nullable=True)
    decided_by_id: int | None = Field(default=None, foreign_key="employee.id")
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class LearningRecord(SQLModel, table=True):
    """Completed learning: a catalog course (JP from the offer) or learning outside the catalog
    (JP = minutes / 45, verified by the atasan); the certificate is kept as a Telegram file."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    enrolment_id: int | None = Field(default=None, foreign_key="enrolment.id", unique=True)
    nama: str = Field(max_length=200)
    jenis: str = Field(max_length=16)
    jp: float
    minutes: int | None = None
    completed_on: date = Field(index=True)
    certificate_file_id: str = Field(max_length=255)
    certificate_kind: str = Field(max_length=16)  # photo | document
    certificate_name: str | None = Field(default=None, max_length=255)
    status: str = Field(max_length=16, default=LearningStatus.VERIFIED)
    verified_by_id: int | None = Field(default=None, foreign_key="employee.id")
    verified_at: datetime | None = timestamp(nullable=True)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = timestamp()


class Appreciation(SQLModel, table=True):
    """Apresiasi: thanks from an atasan or unit head for a report or a week; one per pair a day."""

    __table_args__ = (UniqueConstraint("giver_id", "receiver_id", "given_on"),)

    id: int | None = Field(default=None, primary_key=True)
    giver_id: int = Field(foreign_key="employee.id", index=True)
    receiver_id: int = Field(foreign_key="employee.id", index=True)
    report_id: int | None = Field(default=None, foreign_key="progressreport.id")
    week_start: date
    note: str = Field(sa_column=Column(Text, nullable=False))
    given_on: date  # WIB
    created_at: datetime = timestamp(index=True)


class CompetencyAssessment(SQLModel, table=True):
    """The atasan's score of one competency of an ASN for a period (PermenPANRB 6/2022,
    Format B.1.9): 1–5 with the reason; evaluated again, the row is replaced."""

    __table_args__ = (UniqueConstraint("employee_id", "period", "kompetensi"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    period: str = Field(max_length=16, index=True)
    kompetensi: str = Field(max_length=32)  # a CompetencyType
    score: int
    reason: str = Field(sa_column=Column(Text, nullable=False))
    decided_by_id: int = Field(foreign_key="employee.id")
    decided_at: datetime = timestamp()


# --- Plumbing ------------------------------------------------------------------------------


class Delivery(SQLModel, table=True):
    """One scheduled message per (job, period, recipient); each of its parts is claimed just
    before it is sent and recorded once Telegram has accepted it."""

    __table_args__ = (UniqueConstraint("job", "period", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)
    period: str = Field(max_length=32)
    chat_id: int = telegram_id_column(nullable=False)
    status: str = Field(max_length=16, default=DeliveryStatus.PENDING)
    attempts: int = 0
    # Parts (text messages, then the photo) Telegram has accepted, in order; a rerun goes on
    # from the first part not yet accepted.
    parts_sent: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    message_id: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = timestamp()
    # Set when a sender takes one part, just before sending it; a row left "mengirim" longer
    # than one request can take was interrupted.
    claimed_at: datetime | None = timestamp(nullable=True)
    sent_at: datetime | None = timestamp(nullable=True)
    # A notice queued by a handler in its own transaction (`outbox.queue`): {"parts": [...]}.
    # Scheduled jobs compose their messages at send time and leave it empty.
    content: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ConversationState(SQLModel, table=True):
    """The state of an unfinished conversation, so a restart continues where the user was."""

    __table_args__ = (UniqueConstraint("name", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    key: str = Field(max_length=128)
    state: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = timestamp()


class UserData(SQLModel, table=True):
    """Per-user conversation drafts (PTB user_data), persisted across restarts."""

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = timestamp()


class InboxUpdate(SQLModel, table=True):
    """A Telegram update as it arrived, until it has been handled (see core/inbox.py); then
    only its id, so that the same update arriving again is recognised."""

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime = timestamp()
    done_at: datetime | None = timestamp(nullable=True, index=True)
