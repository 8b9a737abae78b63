"""The evaluation pack: per ASN, one sheet shaped like the official evaluation form
(Evaluasi Kinerja Pegawai, lampiran PermenPANRB 6/2022), ready to copy into e-Kinerja, after a
recap sheet with everyone's ratings and predikat.

Form sections, top to bottom: title and period; the employee and the pejabat penilai kinerja;
HASIL KERJA (A. utama, B. tambahan): RHK pimpinan yang diintervensi, RHK, aspek, IKI, satuan,
yearly target, target due by the assessment date, realisasi berdasarkan bukti dukung, capaian,
the evidence, and the continuous feedback given on the period's reports; rating hasil kerja
(and the bot's suggestion); PERILAKU KERJA: the 7 BerAKHLAK values with the atasan's note;
rating perilaku kerja; predikat kinerja; the atasan's competency evaluation of the period
(/kompetensi, Format B.1.9: each competency 1–5 with the reason); place, date and the assessor.

Achievement numbers come from `reporting.progress` as of the assessment date (the end of the
period, or today while it runs); see docs/evaluation.md.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.analysis.sources import Scope, employees_in, reports_in, wib_date
from kinerja_bot.core.db import private_file
from kinerja_bot.core.models import (
    CompetencyAssessment,
    Employee,
    Evaluation,
    IndicatorKind,
    Unit,
    id_of,
)
from kinerja_bot.core.rules.periods import Period, format_date_id
from kinerja_bot.core.rules.predikat import BERAKHLAK, Rating
from kinerja_bot.core.vocabulary import competency_label
from kinerja_bot.evaluation import (
    assessment_date,
    competency_scores_for,
    evaluations_for,
    suggestion,
    target_to_date,
)
from kinerja_bot.exports.datasets import (
    evidence_by_report,
    feedback_by_report,
)
from kinerja_bot.exports.texts import TEXTS
from kinerja_bot.exports.workbook import (
    Cell,
    Column,
    Kind,
    Table,
    fill_sheet,
    new_workbook,
    output_format,
    sheet_title,
    write_csv,
)
from kinerja_bot.reporting import (
    IndicatorProgress,
    evidence_in_words,
    feedback_in_words,
    indicator_progress,
)

__all__ = [
    "RECAP_COLUMNS",
    "EvaluationPack",
    "PackIndicator",
    "evaluation_packs",
    "evaluation_xlsx_bytes",
    "recap_table",
    "write_evaluation_file",
    "write_evaluation_xlsx",
]

RECAP_COLUMNS = (
    Column("nip"),
    Column("nama"),
    Column("jabatan"),
    Column("unit"),
    Column("periode"),
    Column("saran_rating_hasil"),
    Column("rating_hasil"),
    Column("rating_perilaku"),
    Column("predikat"),
    Column("penilai"),
    Column("dinilai_pada", Kind.DATETIME),
)


@dataclass(frozen=True)
class PackIndicator:
    """One indicator on the form: progress as of the assessment date, with the target due by
    then and the evidence and feedback of the period's reports, in words."""

    progress: IndicatorProgress
    target_to_date: float
    evidence: tuple[str, ...]
    feedback: tuple[str, ...]


@dataclass(frozen=True)
class EvaluationPack:
    """Everything on one employee's form. `assessor` is who decided the rating, or the
    employee's atasan while nobody has."""

    employee: Employee
    unit: Unit
    assessor: Employee | None
    assessor_unit: Unit | None
    period: Period
    as_of: date
    indicators: tuple[PackIndicator, ...]
    evaluation: Evaluation | None
    suggested: Rating | None
    competencies: tuple[CompetencyAssessment, ...] = ()


async def _employees(
    session: AsyncSession, scope: Scope, employee_ids: Iterable[int] | None
) -> list[Employee]:
    """The active employees in scope, or exactly `employee_ids`, by unit and name."""
    if employee_ids is None:
        return await employees_in(session, scope)
    statement = (
        select(Employee)
        .where(col(Employee.id).in_(list(employee_ids)))
        .order_by(col(Employee.unit_id), col(Employee.nama))
    )
    return list((await session.exec(statement)).all())


async def _people_and_units(
    session: AsyncSession, employees: list[Employee], evaluations: dict[int, Evaluation]
) -> tuple[dict[int, Employee], dict[int, Unit]]:
    """The employees with their atasan and assessors, and all of their units, by id."""
    people_ids = {e.atasan_id for e in employees if e.atasan_id} | {
        ev.decided_by_id for ev in evaluations.values()
    }
    found = await session.exec(select(Employee).where(col(Employee.id).in_(people_ids)))
    people = {id_of(p): p for p in found.all()} | {id_of(e): e for e in employees}
    unit_ids = {p.unit_id for p in people.values()}
    units = await session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))
    return people, {id_of(u): u for u in units.all()}


async def _notes_by_indicator(
    session: AsyncSession, period: Period, employee_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Evidence and feedback of the period's reports, described, per indicator."""
    reports = await reports_in(session, period, employee_ids)
    report_ids = [id_of(r) for r in reports]
    evidence = await evidence_by_report(session, report_ids)
    feedback = await feedback_by_report(session, report_ids)
    evidence_by_indicator: dict[int, list[str]] = defaultdict(list)
    feedback_by_indicator: dict[int, list[str]] = defaultdict(list)
    for report in reports:
        evidence_by_indicator[report.indicator_id] += [
            evidence_in_words(e) for e in evidence[id_of(report)]
        ]
        feedback_by_indicator[report.indicator_id] += [
            feedback_in_words(f, author) for f, author in feedback[id_of(report)]
        ]
    return evidence_by_indicator, feedback_by_indicator


async def evaluation_packs(
    session: AsyncSession,
    period: Period,
    *,
    today: date,
    scope: Scope = None,
    employee_ids: Iterable[int] | None = None,
) -> list[EvaluationPack]:
    """The packs of the active employees in scope (or exactly `employee_ids`), by unit and name."""
    employees = await _employees(session, scope, employee_ids)
    if not employees:
        return []
    ids = [id_of(e) for e in employees]
    as_of = assessment_date(period, today)
    progress = await indicator_progress(session, ids, period.start.year, as_of)
    evaluations = await evaluations_for(session, ids, period.label)
    competencies = await competency_scores_for(session, ids, period.label)
    people, units = await _people_and_units(session, employees, evaluations)
    evidence_by_indicator, feedback_by_indicator = await _notes_by_indicator(session, period, ids)

    packs = []
    units_order = {unit_id: unit.kode for unit_id, unit in units.items()}
    for employee in sorted(employees, key=lambda e: (units_order[e.unit_id], e.nama, e.nip)):
        employee_id = id_of(employee)
        evaluation = evaluations.get(employee_id)
        assessor_id = evaluation.decided_by_id if evaluation else employee.atasan_id
        assessor = people.get(assessor_id) if assessor_id else None
        items = progress[employee_id]
        suggested = (
            Rating(evaluation.suggested_result_rating)
            if evaluation and evaluation.suggested_result_rating
            else (None if evaluation else suggestion(items))
        )
        packs.append(
            EvaluationPack(
                employee=employee,
                unit=units[employee.unit_id],
                assessor=assessor,
                assessor_unit=units.get(assessor.unit_id) if assessor else None,
                period=period,
                as_of=as_of,
                indicators=tuple(
                    PackIndicator(
                        progress=item,
                        target_to_date=target_to_date(item, as_of),
                        evidence=tuple(evidence_by_indicator[id_of(item.indicator)]),
                        feedback=tuple(feedback_by_indicator[id_of(item.indicator)]),
                    )
                    for item in items
                ),
                evaluation=evaluation,
                suggested=suggested,
                competencies=tuple(competencies.get(employee_id, [])),
            )
        )
    return packs


# --- The recap ---------------------------------------------------------------------------------


def recap_table(packs: Sequence[EvaluationPack]) -> Table:
    rows: list[Sequence[Cell]] = []
    for pack in packs:
        evaluation = pack.evaluation
        rows.append(
            (
                pack.employee.nip,
                pack.employee.nama,
                pack.employee.jabatan,
                pack.unit.nama,
                pack.period.title,
                pack.suggested.value if pack.suggested else None,
                evaluation.result_rating if evaluation else None,
                evaluation.behaviour_rating if evaluation else None,
                evaluation.predikat if evaluation else TEXTS.get("form_belum_dinilai"),
                pack.assessor.nama if pack.assessor else None,
                evaluation.decided_at if evaluation else None,
            )
        )
    return Table("rekap_evaluasi", RECAP_COLUMNS, rows)


# --- The form ----------------------------------------------------------------------------------

# Columns A–L of the form and their widths.
FORM_WIDTHS = (5, 28, 28, 12, 34, 12, 14, 14, 16, 12, 30, 42)
LAST = "L"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
NUMBER = "#,##0.00"


class FormWriter:
    """Writes the form row by row into one sheet."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 0

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def put(
        self,
        column: str,
        value: Any,
        *,
        until: str | None = None,
        bold: bool = False,
        box: bool = True,
        fill: bool = False,
        number_format: str | None = None,
        center: bool = False,
    ) -> None:
        """Write a value into the current row at `column`, merged through `until`."""
        cell = self.sheet[f"{column}{self.row}"]
        cell.value = value
        cell.alignment = (
            Alignment(wrap_text=True, vertical="center", horizontal="center")
            if center
            else TOP_WRAP
        )
        if bold:
            cell.font = Font(bold=True)
        if number_format:
            cell.number_format = number_format
        span = f"{column}{self.row}:{until or column}{self.row}"
        if until and until != column:
            self.sheet.merge_cells(span)
        for row_cells in self.sheet[span]:
            for part in row_cells:
                if box:
                    part.border = BOX
                if fill:
                    part.fill = SECTION_FILL

    def section(self, text: str) -> None:
        self.next_row()
        self.put("A", text, until=LAST, bold=True, fill=True)

    def blank(self) -> None:
        self.next_row()


def _rating(value: str | None) -> str:
    return value or TEXTS.get("form_belum_dinilai")


def fill_form(sheet: Worksheet, pack: EvaluationPack) -> None:
    """Write one employee's evaluation form into an empty sheet, section by section."""
    for index, width in enumerate(FORM_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    form = FormWriter(sheet)
    for section in FORM_SECTIONS:
        section(form, pack)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _heading(form: FormWriter, pack: EvaluationPack) -> None:
    """Title, period, agency and the period's dates."""
    period = pack.period
    form.next_row()
    form.put("A", TEXTS.get("form_judul"), until=LAST, bold=True, box=False, center=True)
    form.next_row()
    title = TEXTS.get("form_periode", periode=period.title.upper())
    form.put("A", title, until=LAST, bold=True, box=False, center=True)
    form.next_row()
    form.put("A", TEXTS.get("form_instansi"), until="F", bold=True, box=False)
    dates = TEXTS.get(
        "form_masa", mulai=format_date_id(period.start), selesai=format_date_id(period.end)
    )
    form.put("G", dates, until=LAST, box=False)
    form.blank()


def _identities(form: FormWriter, pack: EvaluationPack) -> None:
    """The employee and the assessor side by side: name, NIP, jabatan, unit."""
    form.next_row()
    form.put("A", TEXTS.get("form_no"), bold=True, fill=True)
    form.put("B", TEXTS.get("form_pegawai"), until="E", bold=True, fill=True)
    form.put("F", TEXTS.get("form_no"), bold=True, fill=True)
    form.put("G", TEXTS.get("form_penilai"), until=LAST, bold=True, fill=True)
    assessor, assessor_unit = pack.assessor, pack.assessor_unit
    identity = (
        ("form_nama", pack.employee.nama, assessor.nama if assessor else None),
        ("form_nip", pack.employee.nip, assessor.nip if assessor else None),
        ("form_jabatan", pack.employee.jabatan, assessor.jabatan if assessor else None),
        ("form_unit", pack.unit.nama, assessor_unit.nama if assessor_unit else None),
    )
    for number, (label, own, theirs) in enumerate(identity, start=1):
        form.next_row()
        form.put("A", number)
        form.put("B", TEXTS.get(label))
        form.put("C", own, until="E")
        form.put("F", number)
        form.put("G", TEXTS.get(label))
        form.put("H", theirs or TEXTS.get("kosong"), until=LAST)
    form.blank()


def _results(form: FormWriter, pack: EvaluationPack) -> None:
    """Hasil kerja: the indicators (utama, then tambahan) and the result rating."""
    form.section(TEXTS.get("form_hasil_kerja"))
    day = format_date_id(pack.as_of)
    headers = (
        TEXTS.get("form_no"),
        TEXTS.get("form_kol_rhk_atasan"),
        TEXTS.get("form_kol_rhk"),
        TEXTS.get("form_kol_aspek"),
        TEXTS.get("form_kol_iki"),
        TEXTS.get("form_kol_satuan"),
        TEXTS.get("form_kol_target"),
        TEXTS.get("form_kol_target_periode", tanggal=day),
        TEXTS.get("form_kol_realisasi", tanggal=day),
        TEXTS.get("form_kol_capaian"),
        TEXTS.get("form_kol_bukti"),
        TEXTS.get("form_kol_umpan_balik"),
    )
    form.next_row()
    for index, header in enumerate(headers):
        form.put(chr(ord("A") + index), header, bold=True, fill=True, center=True)
    if not pack.indicators:
        form.next_row()
        form.put("A", TEXTS.get("form_tanpa_indikator"), until=LAST)
    sections = (IndicatorKind.MAIN, "form_utama"), (IndicatorKind.ADDITIONAL, "form_tambahan")
    for kind, label in sections if pack.indicators else ():
        items = [i for i in pack.indicators if i.progress.indicator.jenis == kind]
        form.next_row()
        form.put("A", TEXTS.get(label), until=LAST, bold=True)
        for number, item in enumerate(items, start=1):
            _indicator_row(form, number, item)
    evaluation = pack.evaluation
    _rating_row(form, "form_rating_hasil", evaluation.result_rating if evaluation else None)
    form.next_row()
    form.put("A", TEXTS.get("form_saran_hasil"), until="I")
    form.put("J", pack.suggested.value if pack.suggested else TEXTS.get("kosong"), until=LAST)
    form.blank()


def _behaviour(form: FormWriter, pack: EvaluationPack) -> None:
    """Perilaku kerja: a note per BerAKHLAK value, the behaviour rating, then the predikat."""
    form.section(TEXTS.get("form_perilaku_kerja"))
    form.next_row()
    form.put("A", TEXTS.get("form_no"), bold=True, fill=True, center=True)
    form.put("B", TEXTS.get("form_kol_perilaku"), until="E", bold=True, fill=True, center=True)
    form.put("F", TEXTS.get("form_kol_catatan"), until=LAST, bold=True, fill=True, center=True)
    evaluation = pack.evaluation
    notes = evaluation.behaviour_notes if evaluation else {}
    for number, (code, name) in enumerate(BERAKHLAK, start=1):
        form.next_row()
        form.put("A", number)
        form.put("B", name, until="E")
        form.put("F", notes.get(code) or TEXTS.get("kosong"), until=LAST)
    _rating_row(form, "form_rating_perilaku", evaluation.behaviour_rating if evaluation else None)
    form.blank()
    _rating_row(form, "form_predikat", evaluation.predikat if evaluation else None, fill_label=True)
    form.blank()


def _competencies(form: FormWriter, pack: EvaluationPack) -> None:
    """The atasan's competency evaluation of the period: score and reason per competency."""
    form.section(TEXTS.get("form_kompetensi"))
    form.next_row()
    form.put("A", TEXTS.get("form_no"), bold=True, fill=True, center=True)
    form.put("B", TEXTS.get("form_kol_kompetensi"), until="C", bold=True, fill=True, center=True)
    form.put("D", TEXTS.get("form_kol_nilai"), bold=True, fill=True, center=True)
    form.put("E", TEXTS.get("form_kol_alasan"), until=LAST, bold=True, fill=True, center=True)
    if not pack.competencies:
        form.next_row()
        form.put("A", TEXTS.get("form_tanpa_kompetensi"), until=LAST)
    for number, row in enumerate(pack.competencies, start=1):
        form.next_row()
        form.put("A", number)
        form.put("B", competency_label(row.kompetensi), until="C")
        form.put("D", row.score, center=True)
        form.put("E", row.reason, until=LAST)
    form.blank()


def _rating_row(
    form: FormWriter, label: str, value: str | None, *, fill_label: bool = False
) -> None:
    form.next_row()
    form.put("A", TEXTS.get(label), until="I", bold=True, fill=fill_label)
    form.put("J", _rating(value), until=LAST, bold=True)


def _signature(form: FormWriter, pack: EvaluationPack) -> None:
    """Place, date, the assessor's title, name and NIP."""
    evaluation, assessor = pack.evaluation, pack.assessor
    signed = wib_date(evaluation.decided_at) if evaluation else pack.as_of
    for text in (
        TEXTS.get("form_tempat_tanggal", tanggal=format_date_id(signed)),
        TEXTS.get("form_pejabat"),
        "",
        "",
        assessor.nama if assessor else TEXTS.get("kosong"),
        TEXTS.get("form_nip_pejabat", nip=assessor.nip) if assessor else "",
    ):
        form.next_row()
        form.put("J", text or None, until=LAST, box=False)


# The form's sections, top to bottom (the layout of the SKP evaluation form).
FORM_SECTIONS: tuple[Callable[[FormWriter, EvaluationPack], None], ...] = (
    _heading,
    _identities,
    _results,
    _behaviour,
    _competencies,
    _signature,
)


def _indicator_row(form: FormWriter, number: int, item: PackIndicator) -> None:
    indicator = item.progress.indicator
    form.next_row()
    form.put("A", number)
    form.put("B", indicator.iku_unit or TEXTS.get("kosong"))
    form.put("C", indicator.rhk)
    form.put("D", indicator.aspek)
    form.put("E", indicator.nama)
    form.put("F", indicator.satuan)
    form.put("G", indicator.target, number_format=NUMBER)
    form.put("H", item.target_to_date, number_format=NUMBER)
    form.put("I", item.progress.realisation, number_format=NUMBER)
    form.put("J", item.progress.prorata_pct, number_format=NUMBER)
    form.put("K", "\n".join(item.evidence) or TEXTS.get("kosong"))
    form.put("L", "\n".join(item.feedback) or TEXTS.get("kosong"))


# --- Files -------------------------------------------------------------------------------------


def write_evaluation_xlsx(target: Path | IO[bytes], packs: Sequence[EvaluationPack]) -> None:
    """The recap sheet, then one form sheet per employee named by NIP."""
    workbook = new_workbook()
    taken: set[str] = set()
    recap = recap_table(packs)
    fill_sheet(workbook.create_sheet(sheet_title(recap.title, taken)), recap)
    for pack in packs:
        fill_form(workbook.create_sheet(sheet_title(pack.employee.nip, taken)), pack)
    workbook.save(private_file(target) if isinstance(target, Path) else target)


def evaluation_xlsx_bytes(packs: Sequence[EvaluationPack]) -> bytes:
    buffer = io.BytesIO()
    write_evaluation_xlsx(buffer, packs)
    return buffer.getvalue()


def write_evaluation_file(path: Path, packs: Sequence[EvaluationPack]) -> None:
    """.xlsx: recap and forms; .csv: the recap (a CSV file has a single table)."""
    if output_format(path) == "xlsx":
        write_evaluation_xlsx(path, packs)
    else:
        write_csv(path, recap_table(packs))
