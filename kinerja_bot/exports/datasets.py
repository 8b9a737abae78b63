"""The tables of `kinerja-bot ekspor laporan|skm|tiket|analisis` and of /laporansaya, built as
plain functions on a session. Writing them to a file is `workbook.py`'s job."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.analysis.berprestasi import PersonEvidence
from kinerja_bot.analysis.needs import NeedsReport
from kinerja_bot.analysis.render import need_texts, plain
from kinerja_bot.analysis.sources import (
    LoadedResponse,
    Scope,
    employees_in,
    group_by_service,
    group_by_unit,
    load_responses,
    period_window,
    reports_in,
    summarise_skm,
    units_in,
    wib_date,
)
from kinerja_bot.core.models import (
    CompetencyType,
    Complaint,
    Employee,
    Evidence,
    Feedback,
    Indicator,
    LearningStatus,
    Service,
    Unit,
    id_of,
)
from kinerja_bot.core.rules.formatting import format_percent_id
from kinerja_bot.core.rules.periods import Period
from kinerja_bot.core.rules.skm import (
    UNSUR,
    UNSUR_BY_CODE,
    IkmResult,
    required_sample,
    sample_adequate,
)
from kinerja_bot.core.vocabulary import (
    category_label,
    competency_label,
    complaint_service_label,
)
from kinerja_bot.development import JP_PER_YEAR, PersonYear, competency_gaps, meets_target
from kinerja_bot.exports.texts import TEXTS
from kinerja_bot.exports.workbook import Cell, Column, Kind, Table
from kinerja_bot.reporting import evidence_in_words, feedback_in_words

__all__ = [
    "described_development",
    "development_tables",
    "needs_table",
    "reports_table",
    "skm_tables",
    "tickets_table",
]

C = Column
REPORT_COLUMNS = (
    C("minggu", Kind.DATE),
    C("nip"),
    C("nama"),
    C("jabatan"),
    C("unit"),
    C("kode_iki"),
    C("rhk", wrap=True),
    C("indikator", wrap=True),
    C("jenis"),
    C("satuan"),
    C("target", Kind.NUMBER),
    C("realisasi", Kind.NUMBER),
    C("bukti", wrap=True),
    C("kategori_kendala"),
    C("kendala", wrap=True),
    C("kategori_dukungan"),
    C("dukungan", wrap=True),
    C("dikirim", Kind.DATETIME),
    C("versi", Kind.INTEGER),
    C("umpan_balik", wrap=True),
)
_NRR_COLUMNS = tuple(C("nrr", Kind.NUMBER, values={"kode": u.code, "nama": u.name}) for u in UNSUR)
SKM_SERVICE_COLUMNS = (
    C("kode_layanan"),
    C("layanan"),
    C("unit_kode"),
    C("unit"),
    C("responden", Kind.INTEGER),
    *_NRR_COLUMNS,
    C("ikm", Kind.NUMBER),
    C("mutu"),
    C("kinerja_pelayanan"),
    C("unsur_terlemah"),
    C("pengguna_per_tahun", Kind.INTEGER),
    C("sampel_minimal", Kind.INTEGER),
    C("kecukupan_sampel"),
)
SKM_UNIT_COLUMNS = (
    C("unit_kode"),
    C("unit"),
    C("responden", Kind.INTEGER),
    *_NRR_COLUMNS,
    C("ikm", Kind.NUMBER),
    C("mutu"),
    C("kinerja_pelayanan"),
    C("unsur_terlemah"),
)
SKM_ANSWER_COLUMNS = (
    C("waktu_isi", Kind.DATETIME),
    C("kode_layanan"),
    C("layanan"),
    C("unit"),
    *(C("skor", Kind.INTEGER, values={"kode": u.code, "nama": u.name}) for u in UNSUR),
    C("jenis_kelamin"),
    C("usia"),
    C("pendidikan"),
    C("pekerjaan"),
    C("saran", wrap=True),
)
TICKET_COLUMNS = (
    C("nomor"),
    C("status"),
    C("unit"),
    C("layanan"),
    C("diterima", Kind.DATETIME),
    C("batas_tindak_lanjut", Kind.DATE),
    C("dijawab", Kind.DATETIME),
    C("ditutup", Kind.DATETIME),
    C("tepat_waktu"),
    C("dieskalasi", Kind.DATETIME),
    C("isi", wrap=True),
    C("jawaban", wrap=True),
)
NEEDS_COLUMNS = (
    C("unit_kode"),
    C("unit"),
    C("peringkat", Kind.INTEGER),
    C("tingkat"),
    C("jenis_kebutuhan"),
    C("kebutuhan"),
    C("cakupan", Kind.NUMBER),
    C("jumlah_terkait", Kind.INTEGER),
    C("dasar", Kind.INTEGER),
    C("bukti", wrap=True),
    C("saran_tindak_lanjut", wrap=True),
)


async def evidence_by_report(
    session: AsyncSession, report_ids: Sequence[int]
) -> dict[int, list[Evidence]]:
    found: dict[int, list[Evidence]] = defaultdict(list)
    for chunk in _chunks(report_ids):
        rows = (
            await session.exec(
                select(Evidence)
                .where(col(Evidence.report_id).in_(chunk))
                .order_by(col(Evidence.created_at), col(Evidence.id))
            )
        ).all()
        for row in rows:
            found[row.report_id].append(row)
    return found


async def feedback_by_report(
    session: AsyncSession, report_ids: Sequence[int]
) -> dict[int, list[tuple[Feedback, str]]]:
    """Feedback on these reports with its author's name, oldest first."""
    found: dict[int, list[tuple[Feedback, str]]] = defaultdict(list)
    for chunk in _chunks(report_ids):
        rows = (
            await session.exec(
                select(Feedback, Employee.nama)
                .join(Employee, col(Employee.id) == col(Feedback.author_id))
                .where(col(Feedback.report_id).in_(chunk))
                .order_by(col(Feedback.created_at), col(Feedback.id))
            )
        ).all()
        for feedback, author in rows:
            found[feedback.report_id].append((feedback, author))
    return found


def _chunks(ids: Sequence[int], size: int = 5000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _category(kind: str, code: str | None) -> str | None:
    return category_label(kind, code) if code else None


# --- Progress reports ------------------------------------------------------------------------


async def reports_table(
    session: AsyncSession,
    period: Period,
    *,
    scope: Scope = None,
    employee_id: int | None = None,
) -> Table:
    """Every progress report of the period (by the Monday of its week), one row each."""
    if employee_id is not None:
        employee = await session.get(Employee, employee_id)
        employees = [employee] if employee is not None else []
    else:
        employees = await employees_in(session, scope)
    by_id = {id_of(e): e for e in employees}
    reports = await reports_in(session, period, by_id)
    indicators = {
        id_of(i): i
        for i in (
            await session.exec(
                select(Indicator).where(col(Indicator.id).in_({r.indicator_id for r in reports}))
            )
        ).all()
    }
    units = {id_of(u): u for u in await units_in(session, {e.unit_id for e in employees})}
    report_ids = [id_of(r) for r in reports]
    evidence = await evidence_by_report(session, report_ids)
    feedback = await feedback_by_report(session, report_ids)
    reports.sort(
        key=lambda r: (
            units[by_id[r.employee_id].unit_id].kode,
            by_id[r.employee_id].nama,
            r.week_start,
            indicators[r.indicator_id].kode,
            r.submitted_at,
        )
    )
    rows: list[Sequence[Cell]] = []
    for report in reports:
        employee = by_id[report.employee_id]
        indicator = indicators[report.indicator_id]
        rows.append(
            (
                report.week_start,
                employee.nip,
                employee.nama,
                employee.jabatan,
                units[employee.unit_id].nama,
                indicator.kode,
                indicator.rhk,
                indicator.nama,
                indicator.jenis,
                indicator.satuan,
                indicator.target,
                report.realisasi,
                "\n".join(evidence_in_words(e) for e in evidence[id_of(report)]) or None,
                _category("kendala", report.kendala_kategori),
                report.kendala,
                _category("dukungan", report.dukungan_kategori),
                report.dukungan,
                report.submitted_at,
                report.version,
                "\n".join(feedback_in_words(f, a) for f, a in feedback[id_of(report)]) or None,
            )
        )
    return Table("laporan", REPORT_COLUMNS, rows)


# --- SKM ---------------------------------------------------------------------------------------


def _unsur_text(code: str | None) -> str | None:
    if code is None:
        return None
    return TEXTS.get("unsur", kode=code, nama=UNSUR_BY_CODE[code].name)


def _withheld_reason(result: IkmResult) -> str:
    if result.too_few_respondents:
        return TEXTS.get("belum_cukup_data")
    return TEXTS.get("unsur_tanpa_jawaban", unsur=", ".join(result.unanswered))


def _skm_cells(responses: Sequence[LoadedResponse]) -> list[Cell]:
    """Respondents, NRR U1–U9 (full precision), IKM, mutu, its label and the weakest unsur."""
    result = summarise_skm(responses).result
    nrr: list[Cell] = [result.nrr.get(u.code) for u in UNSUR]
    return [
        result.respondents,
        *nrr,
        result.ikm,
        result.mutu.value if result.mutu else None,
        result.mutu.label if result.mutu else _withheld_reason(result),
        _unsur_text(result.weakest_unsur),
    ]


async def skm_tables(session: AsyncSession, period: Period, *, scope: Scope = None) -> list[Table]:
    """Three sheets: per service (with sample adequacy), per unit, and every response."""
    responses = await load_responses(session, period, scope)
    units = {id_of(u): u for u in await units_in(session, scope)}
    statement = select(Service).order_by(col(Service.kode))
    if scope is not None:
        statement = statement.where(col(Service.unit_id).in_(list(scope)))
    services = (await session.exec(statement)).all()
    by_service = group_by_service(responses)
    by_unit = group_by_unit(responses)

    service_rows: list[Sequence[Cell]] = []
    for service in services:
        group = by_service.get(id_of(service), [])
        unit = units[service.unit_id]
        population = service.pengguna_per_tahun
        service_rows.append(
            (
                service.kode,
                service.nama,
                unit.kode,
                unit.nama,
                *_skm_cells(group),
                population,
                required_sample(population),
                TEXTS.get(
                    "sampel_cukup"
                    if sample_adequate(len(group), population)
                    else "sampel_belum_cukup"
                ),
            )
        )
    unit_rows: list[Sequence[Cell]] = [
        (unit.kode, unit.nama, *_skm_cells(by_unit[unit_id]))
        for unit_id, unit in sorted(units.items(), key=lambda pair: pair[1].kode)
        if unit_id in by_unit
    ]
    answer_rows: list[Sequence[Cell]] = [
        (
            item.response.submitted_at,
            item.service.kode,
            item.service.nama,
            units[item.service.unit_id].nama,
            *(item.scores.get(u.code) for u in UNSUR),
            item.response.jenis_kelamin,
            item.response.usia,
            item.response.pendidikan,
            item.response.pekerjaan,
            item.response.saran,
        )
        for item in responses
    ]
    return [
        Table("skm_layanan", SKM_SERVICE_COLUMNS, service_rows),
        Table("skm_unit", SKM_UNIT_COLUMNS, unit_rows),
        Table("skm_jawaban", SKM_ANSWER_COLUMNS, answer_rows),
    ]


# --- Complaints --------------------------------------------------------------------------------


def on_time(complaint: Complaint, today: date) -> str:
    """Whether the follow-up came by its due date: Ya / Tidak / belum jatuh tempo."""
    if complaint.answered_at is not None:
        return TEXTS.get("ya" if wib_date(complaint.answered_at) <= complaint.due_date else "tidak")
    return TEXTS.get("tidak" if today > complaint.due_date else "belum_jatuh_tempo")


async def tickets_table(
    session: AsyncSession, period: Period, *, scope: Scope = None, today: date
) -> Table:
    """Every complaint received in the period (WIB), oldest first."""
    start, end = period_window(period)
    statement = (
        select(Complaint, Service, Unit)
        .outerjoin(Service, col(Service.id) == col(Complaint.service_id))
        .join(Unit, col(Unit.id) == col(Complaint.unit_id))
        .where(col(Complaint.created_at) >= start, col(Complaint.created_at) < end)
        .order_by(col(Complaint.created_at), col(Complaint.id))
    )
    if scope is not None:
        statement = statement.where(col(Complaint.unit_id).in_(list(scope)))
    rows: list[Sequence[Cell]] = [
        (
            complaint.nomor,
            complaint.status,
            unit.nama,
            complaint_service_label(service.nama if service is not None else None),
            complaint.created_at,
            complaint.due_date,
            complaint.answered_at,
            complaint.closed_at,
            on_time(complaint, today),
            complaint.escalated_at,
            complaint.text,
            complaint.answer,
        )
        for complaint, service, unit in (await session.exec(statement)).all()
    ]
    return Table("tiket", TICKET_COLUMNS, rows)


# --- Needs analysis ------------------------------------------------------------------------------


def needs_table(report: NeedsReport) -> Table:
    """Every need of every unit, in the report's order, with its evidence and action."""
    rows: list[Sequence[Cell]] = []
    for unit in report.units:
        for rank, need in enumerate(unit.needs, start=1):
            words = need_texts(need)
            rows.append(
                (
                    unit.unit.kode,
                    unit.unit.nama,
                    rank,
                    plain(words.tingkat),
                    plain(words.jenis),
                    plain(words.subjek),
                    need.breadth * 100,
                    need.count,
                    need.base,
                    plain(words.bukti),
                    plain(words.saran),
                )
            )
    return Table("analisis", NEEDS_COLUMNS, rows)


BERPRESTASI_COLUMNS = (
    C("unit"),
    C("nama"),
    C("nip"),
    C("indikator_sesuai_jadwal", Kind.INTEGER),
    C("capaian_terendah", Kind.NUMBER),
    C("apresiasi", Kind.INTEGER),
    C("pengembangan_selesai", Kind.INTEGER),
    C("jp", Kind.NUMBER),
    C("ikm_unit", Kind.NUMBER),
)


def berprestasi_table(candidates: Iterable[PersonEvidence]) -> Table:
    """The ASN berprestasi candidates with their evidence, unit by unit (alphabetical)."""
    rows: list[Sequence[Cell]] = [
        (
            p.unit,
            p.nama,
            p.nip,
            p.on_track,
            p.lowest_pct,
            p.appreciation,
            p.developments,
            p.jp,
            p.unit_ikm,
        )
        for p in candidates
    ]
    return Table("berprestasi", BERPRESTASI_COLUMNS, rows)


# --- Competency development ------------------------------------------------------------------

DEVELOPMENT_PEOPLE_COLUMNS = (
    C("nip"),
    C("nama"),
    C("jabatan"),
    C("unit_kode"),
    C("unit"),
    C("total_jp", Kind.NUMBER),
    C("memenuhi_20_jp"),
    C("jumlah_kegiatan", Kind.INTEGER),
)
# The riwayat diklat record BKPSDM uploads to SIASN: one row per activity.
DEVELOPMENT_ACTIVITY_COLUMNS = (
    C("nip"),
    C("nama"),
    C("kegiatan"),
    C("jalur"),
    C("bentuk"),
    C("penyelenggara"),
    C("tanggal_mulai", Kind.DATE),
    C("tanggal_selesai", Kind.DATE),
    C("jp", Kind.NUMBER),
    C("menit", Kind.INTEGER),
    C("status_verifikasi"),
    C("sertifikat"),
)
AKPK_COLUMNS = (
    C("nip"),
    C("nama"),
    C("jabatan"),
    C("nilai_kompetensi", wrap=True),
    C("kesenjangan_kompetensi", wrap=True),
    C("kesenjangan_kinerja", wrap=True),
    C("usulan_pengembangan", wrap=True),
    C("jalur_usulan"),
    C("jp_usulan", Kind.NUMBER),
    C("total_jp", Kind.NUMBER),
    C("kekurangan_jp", Kind.NUMBER),
)
_LEARNING_STATUS = {
    LearningStatus.VERIFIED: "status_diverifikasi",
    LearningStatus.PENDING: "status_menunggu",
    LearningStatus.DECLINED: "status_ditolak",
}


COMPETENCY_ORDER = {kind.value: index for index, kind in enumerate(CompetencyType)}


def _scores_in_words(scores: dict[str, int]) -> str:
    return "; ".join(
        TEXTS.get("nilai_kompetensi", kompetensi=competency_label(kind), nilai=score)
        for kind, score in sorted(scores.items(), key=lambda item: COMPETENCY_ORDER[item[0]])
    )


def described_development(person: PersonYear) -> tuple[str, str, str, str]:
    """The AKPK words of one person: competency scores, competency gap (scores below the
    standard, then the person's own requests), performance gap, proposed offer."""
    scores = _scores_in_words(person.competencies)
    gaps = _scores_in_words(competency_gaps(person.competencies))
    competency = "; ".join(part for part in (gaps, *person.requests) if part)
    performance = "; ".join(
        TEXTS.get(
            "kesenjangan_indikator",
            indikator=name,
            persen=format_percent_id(pct, 1) if pct is not None else TEXTS.get("kosong"),
        )
        for name, pct in person.behind
    )
    proposal = person.proposal
    offered = f"{proposal.offer.nama} [{proposal.offer.kode}]" if proposal else ""
    return scores, competency, performance, offered


def development_tables(people: Sequence[PersonYear]) -> list[Table]:
    """JP per ASN, every activity, then one AKPK sheet per unit (in unit order)."""
    totals = Table("pengembangan_asn", DEVELOPMENT_PEOPLE_COLUMNS)
    activities = Table("pengembangan_kegiatan", DEVELOPMENT_ACTIVITY_COLUMNS)
    akpk: dict[str, Table] = {}
    for person in people:
        employee, unit = person.employee, person.unit
        totals.rows.append(
            (
                employee.nip,
                employee.nama,
                employee.jabatan,
                unit.kode,
                unit.nama,
                person.total,
                TEXTS.get("ya" if meets_target(person.total) else "tidak"),
                len(person.activities),
            )
        )
        for activity in person.activities:
            record, offer = activity.record, activity.offer
            activities.rows.append(
                (
                    employee.nip,
                    employee.nama,
                    record.nama,
                    record.jenis,
                    offer.bentuk if offer else None,
                    offer.penyelenggara if offer else None,
                    offer.mulai if offer else record.completed_on,
                    offer.selesai if offer else record.completed_on,
                    record.jp,
                    record.minutes,
                    TEXTS.get(_LEARNING_STATUS[LearningStatus(record.status)]),
                    record.certificate_file_id,
                )
            )
        sheet = akpk.setdefault(
            unit.kode, Table("akpk", AKPK_COLUMNS, title_values={"unit": unit.kode})
        )
        scores, competency, performance, offered = described_development(person)
        proposal = person.proposal
        sheet.rows.append(
            (
                employee.nip,
                employee.nama,
                employee.jabatan,
                scores or None,
                competency or None,
                performance or None,
                offered or None,
                proposal.offer.jenis if proposal else None,
                proposal.offer.jp if proposal else None,
                person.total,
                max(0.0, JP_PER_YEAR - person.total),
            )
        )
    return [totals, activities, *akpk.values()]
