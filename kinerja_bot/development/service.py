"""Competency development on the database: plain functions taking a session.

Every function that acts on an id from a button checks that it belongs to the person pressing:
an enrolment or learning record is the ASN's own, a decision is its owner's atasan's. A refusal
is a `Refused` with the key of the alert to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Employee,
    Enrolment,
    EnrolmentStatus,
    LearningRecord,
    LearningRoute,
    LearningStatus,
    ProgressReport,
    TrainingOffer,
    id_of,
)
from kinerja_bot.core.rules.periods import WIB, wib_today
from kinerja_bot.core.rules.workdays import add_working_days, working_days_between
from kinerja_bot.development.matching import (
    CatalogOffer,
    Match,
    NeedSignal,
    rank_for_all,
    split_list,
)
from kinerja_bot.development.rules import (
    CANCELLABLE,
    HOLDS_A_PLACE,
    JP_PER_YEAR,
    STANDING,
    WAITING_WORKING_DAYS,
    CountedLearning,
    has_place,
    jp_from_minutes,
    jp_total,
    open_for_enrolment,
)

# Support categories of /lapor that ask for development (reporting's SUPPORT_CATEGORIES).
DEVELOPMENT_REQUESTS = ("pelatihan", "bimbingan")
REQUESTS_SHOWN = 5
TITLE_LIMIT = 200
REASON_LIMIT = 500


class Refused(Exception):
    """An action that is not allowed; `key` names the alert of the `pengembangan` book."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Certificate:
    """A certificate sent in chat: a photo or a document (PDF), kept by its Telegram file id."""

    file_id: str
    kind: str  # photo | document
    name: str | None = None


def catalog_offer(offer: TrainingOffer) -> CatalogOffer:
    return CatalogOffer(
        id_of(offer),
        offer.kode,
        offer.nama,
        split_list(offer.kata_kunci),
        split_list(offer.unsur),
        offer.mulai,
        offer.jenis,
        offer.jp,
    )


async def upcoming_offers(session: AsyncSession, today: date) -> list[TrainingOffer]:
    """Offers still open for enrolment, soonest first."""
    statement = (
        select(TrainingOffer)
        .where(TrainingOffer.mulai > today)
        .order_by(col(TrainingOffer.mulai), col(TrainingOffer.kode))
    )
    return list((await session.exec(statement)).all())


async def open_catalog(session: AsyncSession, today: date) -> list[CatalogOffer]:
    """The offers still open for enrolment, as matching sees them."""
    return [catalog_offer(offer) for offer in await upcoming_offers(session, today)]


async def training_requests(session: AsyncSession, employee_id: int, year: int) -> list[str]:
    """What this person asked for in /lapor this year (training or coaching), newest first,
    each text once."""
    found = await requests_by_person(session, [employee_id], year)
    return found.get(employee_id, [])[:REQUESTS_SHOWN]


async def requests_by_person(
    session: AsyncSession, employee_ids: Sequence[int], year: int
) -> dict[int, list[str]]:
    """Training and coaching asked for in /lapor in `year` (WIB), per person, newest first,
    each text once."""
    rows = await session.exec(
        select(ProgressReport.employee_id, ProgressReport.dukungan)
        .where(
            col(ProgressReport.employee_id).in_(list(employee_ids)),
            col(ProgressReport.dukungan_kategori).in_(DEVELOPMENT_REQUESTS),
            col(ProgressReport.dukungan).is_not(None),
            ProgressReport.submitted_at >= datetime(year, 1, 1, tzinfo=WIB),
            ProgressReport.submitted_at < datetime(year + 1, 1, 1, tzinfo=WIB),
        )
        .order_by(col(ProgressReport.submitted_at).desc(), col(ProgressReport.id).desc())
    )
    found: dict[int, dict[str, None]] = {}
    for employee_id, text in rows.all():
        if text and text.strip():
            found.setdefault(employee_id, {})[text.strip()] = None
    return {employee_id: list(texts) for employee_id, texts in found.items()}


def matching_offers(requests: Sequence[str], offers: Sequence[TrainingOffer]) -> list[Match]:
    return rank_for_all([NeedSignal(text) for text in requests], [catalog_offer(o) for o in offers])


async def places_taken(session: AsyncSession, offer_id: int) -> int:
    statement = select(func.count()).where(
        Enrolment.offer_id == offer_id, col(Enrolment.status).in_(HOLDS_A_PLACE)
    )
    return int((await session.exec(statement)).one())


async def standing_enrolments(session: AsyncSession, employee_id: int) -> dict[int, Enrolment]:
    """This person's enrolments that still stand, by offer id."""
    rows = await session.exec(
        select(Enrolment).where(
            Enrolment.employee_id == employee_id, col(Enrolment.status).in_(STANDING)
        )
    )
    return {e.offer_id: e for e in rows.all()}


@dataclass(frozen=True)
class Enrolled:
    enrolment: Enrolment
    offer: TrainingOffer
    atasan: Employee | None


async def enrol(
    session: AsyncSession, employee: Employee, offer_id: int, today: date, now: datetime
) -> Enrolled:
    """Ask for a place: pending the atasan's decision, or on the waiting list when full.

    The offer's row is locked (PostgreSQL) so two people cannot take its last place at once.
    """
    offer = (
        await session.exec(
            select(TrainingOffer).where(TrainingOffer.id == offer_id).with_for_update()
        )
    ).first()
    if offer is None:
        raise Refused("peringatan_tidak_ditemukan")
    if not open_for_enrolment(offer.mulai, today):
        raise Refused("peringatan_pendaftaran_tutup")
    enrolment = (
        await session.exec(
            select(Enrolment).where(
                Enrolment.offer_id == offer_id, Enrolment.employee_id == id_of(employee)
            )
        )
    ).first()
    if enrolment is not None and enrolment.status in STANDING:
        raise Refused("peringatan_sudah_terdaftar")
    full = not has_place(offer.kuota, await places_taken(session, offer_id))
    if enrolment is None:
        enrolment = Enrolment(offer_id=offer_id, employee_id=id_of(employee))
    enrolment.status = EnrolmentStatus.WAITING_LIST if full else EnrolmentStatus.PENDING
    enrolment.requested_at = now
    enrolment.submitted_at = None if full else now
    enrolment.decided_at = enrolment.decided_by_id = enrolment.reason = None
    session.add(enrolment)
    await session.flush()
    atasan = await session.get(Employee, employee.atasan_id) if employee.atasan_id else None
    return Enrolled(enrolment, offer, atasan)


@dataclass(frozen=True)
class Decided:
    enrolment: Enrolment
    offer: TrainingOffer
    owner: Employee
    promoted: Enrolled | None  # who moved up from the waiting list into the freed place


async def _owned_by_subordinate(
    session: AsyncSession, atasan: Employee, employee_id: int
) -> Employee:
    owner = await session.get(Employee, employee_id)
    if owner is None or owner.atasan_id != atasan.id:
        raise Refused("peringatan_bukan_bawahan")
    return owner


async def enrolment_for_decision(
    session: AsyncSession, atasan: Employee, enrolment_id: int
) -> tuple[Enrolment, TrainingOffer, Employee]:
    """A pending enrolment of one of this atasan's subordinates."""
    enrolment = await session.get(Enrolment, enrolment_id, with_for_update=True)
    if enrolment is None:
        raise Refused("peringatan_tidak_ditemukan")
    owner = await _owned_by_subordinate(session, atasan, enrolment.employee_id)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise Refused("peringatan_sudah_diputuskan")
    offer = await session.get(TrainingOffer, enrolment.offer_id)
    assert offer is not None
    return enrolment, offer, owner


async def decide_enrolment(
    session: AsyncSession,
    atasan: Employee,
    enrolment_id: int,
    *,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> Decided:
    """Approve, or decline with a reason; a declined place goes to the first on the waiting list."""
    enrolment, offer, owner = await enrolment_for_decision(session, atasan, enrolment_id)
    enrolment.status = EnrolmentStatus.APPROVED if approve else EnrolmentStatus.DECLINED
    enrolment.decided_at = now
    enrolment.decided_by_id = atasan.id
    enrolment.reason = None if approve else reason
    session.add(enrolment)
    await session.flush()
    promoted = None if approve else await promote_waiting(session, offer, now)
    return Decided(enrolment, offer, owner, promoted)


async def promote_waiting(
    session: AsyncSession, offer: TrainingOffer, now: datetime
) -> Enrolled | None:
    """The first on the waiting list takes a freed place and goes to their atasan."""
    if not has_place(offer.kuota, await places_taken(session, id_of(offer))):
        return None
    waiting = (
        await session.exec(
            select(Enrolment)
            .where(
                Enrolment.offer_id == offer.id,
                Enrolment.status == EnrolmentStatus.WAITING_LIST,
            )
            .order_by(col(Enrolment.requested_at), col(Enrolment.id))
            .limit(1)
        )
    ).first()
    if waiting is None:
        return None
    waiting.status = EnrolmentStatus.PENDING
    waiting.submitted_at = now
    session.add(waiting)
    owner = await session.get(Employee, waiting.employee_id)
    assert owner is not None
    atasan = await session.get(Employee, owner.atasan_id) if owner.atasan_id else None
    return Enrolled(waiting, offer, atasan)


@dataclass(frozen=True)
class Cancelled:
    offer: TrainingOffer
    atasan_to_tell: Employee | None  # who had the request before them, or had approved it
    promoted: Enrolled | None


async def cancel_enrolment(
    session: AsyncSession, employee: Employee, enrolment_id: int, today: date, now: datetime
) -> Cancelled:
    """The owner withdraws before the course starts; a held place goes to the waiting list."""
    enrolment = await session.get(Enrolment, enrolment_id, with_for_update=True)
    if enrolment is None or enrolment.employee_id != employee.id:
        raise Refused("peringatan_bukan_milik_anda")
    offer = await session.get(TrainingOffer, enrolment.offer_id)
    assert offer is not None
    if enrolment.status not in CANCELLABLE:
        raise Refused("peringatan_tidak_dapat_dibatalkan")
    if not open_for_enrolment(offer.mulai, today):
        raise Refused("peringatan_pendaftaran_tutup")
    had_the_request = enrolment.status != EnrolmentStatus.WAITING_LIST
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.decided_at = now
    session.add(enrolment)
    await session.flush()
    atasan = None
    if had_the_request and employee.atasan_id is not None:
        atasan = await session.get(Employee, employee.atasan_id)
    return Cancelled(offer, atasan, await promote_waiting(session, offer, now))


async def approved_enrolment(
    session: AsyncSession, employee: Employee, enrolment_id: int, today: date
) -> tuple[Enrolment, TrainingOffer]:
    """One of this person's own approved enrolments whose course has started."""
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.employee_id != employee.id:
        raise Refused("peringatan_bukan_milik_anda")
    if enrolment.status != EnrolmentStatus.APPROVED:
        raise Refused("peringatan_belum_disetujui")
    offer = await session.get(TrainingOffer, enrolment.offer_id)
    assert offer is not None
    if offer.mulai > today:
        raise Refused("peringatan_belum_mulai")
    return enrolment, offer


async def complete_enrolment(
    session: AsyncSession,
    employee: Employee,
    enrolment_id: int,
    certificate: Certificate,
    today: date,
) -> LearningRecord:
    """A catalog course done: its JP count at once (the atasan approved the enrolment)."""
    earlier = await recorded_with(session, employee, certificate)
    if earlier is not None:
        return earlier
    enrolment, offer = await approved_enrolment(session, employee, enrolment_id, today)
    enrolment.status = EnrolmentStatus.COMPLETED
    record = LearningRecord(
        employee_id=id_of(employee),
        enrolment_id=id_of(enrolment),
        nama=offer.nama,
        jenis=offer.jenis,
        jp=offer.jp,
        completed_on=min(today, offer.selesai),
        certificate_file_id=certificate.file_id,
        certificate_kind=certificate.kind,
        certificate_name=certificate.name,
        status=LearningStatus.VERIFIED,
    )
    session.add_all([enrolment, record])
    await session.flush()
    return record


async def record_outside_catalog(
    session: AsyncSession,
    employee: Employee,
    title: str,
    minutes: int,
    certificate: Certificate,
    today: date,
) -> tuple[LearningRecord, Employee | None]:
    """Learning outside the catalog (minutes ÷ 45 JP), waiting for the atasan's verification."""
    atasan = await session.get(Employee, employee.atasan_id) if employee.atasan_id else None
    earlier = await recorded_with(session, employee, certificate)
    if earlier is not None:
        return earlier, atasan
    record = LearningRecord(
        employee_id=id_of(employee),
        nama=title,
        jenis=LearningRoute.NON_CLASSROOM,
        jp=jp_from_minutes(minutes),
        minutes=minutes,
        completed_on=today,
        certificate_file_id=certificate.file_id,
        certificate_kind=certificate.kind,
        certificate_name=certificate.name,
        status=LearningStatus.PENDING,
    )
    session.add(record)
    await session.flush()
    return record, atasan


async def recorded_with(
    session: AsyncSession, employee: Employee, certificate: Certificate
) -> LearningRecord | None:
    """The learning this very certificate (its Telegram file id: the same message) recorded
    already: the update that sent it, handled again after a kill, records nothing twice."""
    rows = await session.exec(
        select(LearningRecord).where(
            LearningRecord.employee_id == employee.id,
            LearningRecord.certificate_file_id == certificate.file_id,
        )
    )
    return rows.first()


async def record_for_verification(
    session: AsyncSession, atasan: Employee, record_id: int
) -> tuple[LearningRecord, Employee]:
    record = await session.get(LearningRecord, record_id, with_for_update=True)
    if record is None:
        raise Refused("peringatan_tidak_ditemukan")
    owner = await _owned_by_subordinate(session, atasan, record.employee_id)
    if record.status != LearningStatus.PENDING:
        raise Refused("peringatan_sudah_diputuskan")
    return record, owner


async def verify_record(
    session: AsyncSession,
    atasan: Employee,
    record_id: int,
    *,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> tuple[LearningRecord, Employee]:
    record, owner = await record_for_verification(session, atasan, record_id)
    record.status = LearningStatus.VERIFIED if approve else LearningStatus.DECLINED
    record.verified_by_id = atasan.id
    record.verified_at = now
    record.reason = None if approve else reason
    session.add(record)
    await session.flush()
    return record, owner


@dataclass(frozen=True)
class Year:
    """One person's development in a year."""

    total: float
    records: list[LearningRecord]
    enrolments: list[tuple[Enrolment, TrainingOffer]]

    @property
    def approved(self) -> list[tuple[Enrolment, TrainingOffer]]:
        return [(e, o) for e, o in self.enrolments if e.status == EnrolmentStatus.APPROVED]


async def development_year(session: AsyncSession, employee_id: int, year: int) -> Year:
    records = list(
        (
            await session.exec(
                select(LearningRecord)
                .where(
                    LearningRecord.employee_id == employee_id,
                    col(LearningRecord.completed_on) >= date(year, 1, 1),
                    col(LearningRecord.completed_on) <= date(year, 12, 31),
                )
                .order_by(col(LearningRecord.completed_on), col(LearningRecord.id))
            )
        ).all()
    )
    enrolments = list(
        (
            await session.exec(
                select(Enrolment, TrainingOffer)
                .join(TrainingOffer, col(TrainingOffer.id) == Enrolment.offer_id)
                .where(
                    Enrolment.employee_id == employee_id,
                    col(TrainingOffer.mulai) >= date(year, 1, 1),
                    col(TrainingOffer.mulai) <= date(year, 12, 31),
                )
                .order_by(col(TrainingOffer.mulai), col(Enrolment.id))
            )
        ).all()
    )
    counted = [CountedLearning(r.jp, r.status, r.completed_on) for r in records]
    return Year(jp_total(counted, year), records, [(e, o) for e, o in enrolments])


# --- What the scheduled jobs look for -------------------------------------------------------


async def courses_starting_soon(
    session: AsyncSession, today: date
) -> list[tuple[Employee, TrainingOffer]]:
    """Approved participants of courses starting after today up to the next working day (so a
    course on Monday is announced on Friday), linked accounts only."""
    next_working_day = add_working_days(today, 1)
    rows = await session.exec(
        select(Employee, TrainingOffer)
        .join(Enrolment, col(Enrolment.employee_id) == Employee.id)
        .join(TrainingOffer, col(TrainingOffer.id) == Enrolment.offer_id)
        .where(
            Enrolment.status == EnrolmentStatus.APPROVED,
            TrainingOffer.mulai > today,
            TrainingOffer.mulai <= next_working_day,
            col(Employee.telegram_id).is_not(None),
            Employee.active,
        )
        .order_by(col(Employee.id), col(TrainingOffer.mulai))
    )
    return [(employee, offer) for employee, offer in rows.all()]


@dataclass(frozen=True)
class Waiting:
    enrolment: Enrolment
    offer: TrainingOffer
    owner: Employee
    atasan: Employee


async def waiting_too_long(session: AsyncSession, today: date) -> list[Waiting]:
    """Enrolments that have waited for the atasan's decision two working days or more."""
    rows = await session.exec(
        select(Enrolment, TrainingOffer, Employee)
        .join(TrainingOffer, col(TrainingOffer.id) == Enrolment.offer_id)
        .join(Employee, col(Employee.id) == Enrolment.employee_id)
        .where(Enrolment.status == EnrolmentStatus.PENDING, col(Employee.atasan_id).is_not(None))
        .order_by(col(Enrolment.id))
    )
    found = []
    for enrolment, offer, owner in rows.all():
        submitted = wib_today(enrolment.submitted_at or enrolment.requested_at)
        if working_days_between(submitted, today) < WAITING_WORKING_DAYS:
            continue
        atasan = await session.get(Employee, owner.atasan_id)
        if atasan is not None and atasan.telegram_id is not None and atasan.active:
            found.append(Waiting(enrolment, offer, owner, atasan))
    return found


async def jp_totals(
    session: AsyncSession, year: int, employee_ids: Sequence[int] | None = None
) -> dict[int, float]:
    """Counted JP of `year` per person (only people with some; others have 0)."""
    statement = select(LearningRecord.employee_id, func.sum(LearningRecord.jp)).where(
        LearningRecord.status == LearningStatus.VERIFIED,
        col(LearningRecord.completed_on) >= date(year, 1, 1),
        col(LearningRecord.completed_on) <= date(year, 12, 31),
    )
    if employee_ids is not None:
        statement = statement.where(col(LearningRecord.employee_id).in_(list(employee_ids)))
    rows = await session.exec(statement.group_by(col(LearningRecord.employee_id)))
    return {employee_id: round(float(total or 0), 2) for employee_id, total in rows.all()}


async def under_target(session: AsyncSession, year: int) -> list[tuple[Employee, float]]:
    """Linked, active employees whose counted JP this year are under 20, fewest first."""
    totals = await jp_totals(session, year)
    people = (
        await session.exec(
            select(Employee)
            .where(col(Employee.telegram_id).is_not(None), Employee.active)
            .order_by(col(Employee.id))
        )
    ).all()
    found = [(e, totals.get(id_of(e), 0.0)) for e in people]
    return sorted(
        [(e, total) for e, total in found if total < JP_PER_YEAR], key=lambda pair: pair[1]
    )
