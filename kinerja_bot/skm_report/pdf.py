"""The Laporan Hasil SKM as a PDF (reportlab): A4, text as text, the NRR chart as vector
graphics, tables that continue over pages with their header repeated.

Layout of the KemenPANRB template: cover; BAB I Pendahuluan; BAB II Pengumpulan Data (method,
period, sample); BAB III Hasil Pengolahan (NRR per unsur, IKM, per service); BAB IV Analisis
(strongest/weakest unsur, RTL, trend); BAB V Kesimpulan with the unit head's signature block;
lampiran: the conversion table and the respondent × unsur matrix. CPU work: call it off the
event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kinerja_bot.core.printing import pdf_fonts
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.rules.skm import (
    MIN_RESPONSES_FOR_SCORE,
    UNSUR,
    UNSUR_CODES,
    IkmResult,
    unsur_grade,
)
from kinerja_bot.core.texts import TextBook
from kinerja_bot.skm_report.content import ReportContent

TEXTS = TextBook(
    "laporan_skm",
    {
        "judul": (),
        "sampul_unit": ("unit",),
        "sampul_periode": ("periode",),
        "sampul_pemda": (),
        "bab1": (),
        "latar_judul": (),
        "latar": ("unit", "periode"),
        "tujuan_judul": (),
        "tujuan": ("unit",),
        "lingkup_judul": (),
        "lingkup": ("jumlah", "daftar"),
        "bab2": (),
        "metode_judul": (),
        "metode": ("kanal",),
        "waktu_judul": (),
        "waktu": ("periode", "mulai", "selesai"),
        "sampel_judul": (),
        "sampel": ("responden", "dasar", "minimal", "cukup"),
        "dasar_populasi": ("populasi",),
        "dasar_tidak_diketahui": (),
        "sampel_cukup": (),
        "sampel_kurang": (),
        "bab3": (),
        "unsur_judul": (),
        "tabel_kode": (),
        "tabel_unsur": (),
        "tabel_nrr": (),
        "tabel_tertimbang": (),
        "tabel_mutu": (),
        "ikm_nilai": ("unit", "ikm", "mutu", "mutu_nama"),
        "ikm_tertahan": ("unit", "alasan"),
        "alasan_responden": ("minimal",),
        "alasan_unsur": ("unsur",),
        "grafik_judul": (),
        "layanan_judul": (),
        "tabel_layanan": (),
        "tabel_responden": (),
        "tabel_ikm": (),
        "belum": (),
        "bab4": (),
        "kuat_lemah_judul": (),
        "kuat_lemah": ("kuat", "nrr_kuat", "lemah", "nrr_lemah"),
        "di_bawah_b": ("daftar",),
        "tidak_di_bawah_b": (),
        "rtl_judul": (),
        "rtl_kosong": (),
        "tabel_tindakan": (),
        "tabel_pj": (),
        "tabel_tenggat": (),
        "tabel_status": (),
        "tren_judul": (),
        "tren_naik": ("selisih", "sebelum", "periode_sebelum"),
        "tren_turun": ("selisih", "sebelum", "periode_sebelum"),
        "tren_tetap": ("periode_sebelum",),
        "tren_tanpa": ("periode_sebelum",),
        "bab5": (),
        "kesimpulan_nilai": ("unit", "periode", "mutu", "mutu_nama", "ikm", "responden"),
        "kesimpulan_tertahan": ("unit", "periode"),
        "kesimpulan_rtl": ("lemah", "jumlah"),
        "kesimpulan_sampel": ("cukup", "minimal"),
        "ttd_tempat": ("tanggal",),
        "ttd_jabatan": ("jabatan",),
        "ttd_nip": ("nip",),
        "ttd_kosong": (),
        "lampiran": (),
        "konversi_judul": (),
        "konversi_persepsi": (),
        "konversi_interval": (),
        "konversi_ikm": (),
        "konversi_mutu": (),
        "konversi_kinerja": (),
        "matriks_judul": (),
        "matriks_no": (),
        "matriks_jumlah": (),
        "matriks_nrr": (),
        "matriks_kosong": (),
        "berkas_ditulis": ("unit", "periode", "file", "halaman"),
        "akhiran_salah": ("akhiran",),
    },
    html=False,
)

# PermenPANRB 14/2017, lampiran: nilai persepsi, NI, NIK, mutu, kinerja unit pelayanan.
CONVERSION_ROWS = (
    ("1", "1,00 – 2,5996", "25,00 – 64,99", "D", "Tidak baik"),
    ("2", "2,60 – 3,064", "65,00 – 76,60", "C", "Kurang baik"),
    ("3", "3,0644 – 3,532", "76,61 – 88,30", "B", "Baik"),
    ("4", "3,5324 – 4,00", "88,31 – 100,00", "A", "Sangat baik"),
)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
    ]
)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = pdf_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "isi", parent=base["BodyText"], fontName=regular, fontSize=10.5, leading=15
    )
    return {
        "body": body,
        "cell": ParagraphStyle("sel", parent=body, fontSize=9, leading=11),
        "title": ParagraphStyle(
            "judul", parent=body, fontName=bold, fontSize=18, leading=24, alignment=1
        ),
        "cover": ParagraphStyle("sampul", parent=body, fontSize=13, leading=18, alignment=1),
        "chapter": ParagraphStyle(
            "bab", parent=body, fontName=bold, fontSize=13, leading=18, spaceBefore=12, alignment=1
        ),
        "section": ParagraphStyle(
            "subbab", parent=body, fontName=bold, fontSize=11, leading=15, spaceBefore=8
        ),
        "sign": ParagraphStyle("ttd", parent=body, leftIndent=9 * cm),
        "sign_bold": ParagraphStyle("ttd_nama", parent=body, fontName=bold, leftIndent=9 * cm),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _n(value: float, decimals: int) -> str:
    return format_number_id(value, decimals)


def withheld_reason(result: IkmResult) -> str:
    if result.too_few_respondents:
        return TEXTS.get("alasan_responden", minimal=MIN_RESPONSES_FOR_SCORE)
    return TEXTS.get("alasan_unsur", unsur=", ".join(result.unanswered))


def nrr_chart(result: IkmResult, font: str) -> Drawing:
    """NRR per unsur as vertical bars on the 1–4 scale (vector, not an image)."""
    drawing = Drawing(16 * cm, 7 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, 1.2 * cm, 14 * cm, 5 * cm
    chart.data = [[result.nrr.get(code, 0.0) for code in UNSUR_CODES]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 4, 1
    chart.valueAxis.labels.fontName = font
    chart.categoryAxis.categoryNames = list(UNSUR_CODES)
    chart.categoryAxis.labels.fontName = font
    chart.bars[0].fillColor = colors.HexColor("#0b4f8a")
    chart.barLabelFormat = lambda value: _n(value, 2)
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(1.2 * cm, 0.2 * cm, TEXTS.get("grafik_judul"), fontName=font, fontSize=9))
    return drawing


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Table:
    table = Table([list(row) for row in rows], colWidths=list(widths), repeatRows=1)
    table.setStyle(GRID)
    return table


@dataclass
class Story:
    """The report being written: what it is about, its styles, and the flowables so far."""

    content: ReportContent
    today: date
    styles: dict[str, ParagraphStyle]
    font: str
    parts: list[Any] = field(default_factory=list)

    @property
    def result(self) -> IkmResult:
        return self.content.total.result

    @property
    def adequacy(self) -> str:
        return TEXTS.get("sampel_cukup" if self.content.total.adequate else "sampel_kurang")

    def text(self, text: str, style: str = "body") -> None:
        self.parts.append(_p(text, self.styles[style]))

    def chapter(self, key: str) -> None:
        self.text(TEXTS.get(key), "chapter")

    def section(self, key: str, text: str | None = None) -> None:
        self.text(TEXTS.get(key), "section")
        if text is not None:
            self.text(text)

    def table(self, rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> None:
        self.parts.append(_table(rows, widths))


def _cover(story: Story) -> None:
    content = story.content
    story.parts += [Spacer(1, 5 * cm)]
    story.text(TEXTS.get("judul"), "title")
    story.parts += [Spacer(1, 1 * cm)]
    story.text(TEXTS.get("sampul_unit", unit=content.unit.nama), "cover")
    story.text(TEXTS.get("sampul_periode", periode=content.period.title), "cover")
    story.parts += [Spacer(1, 6 * cm)]
    story.text(TEXTS.get("sampul_pemda"), "cover")
    story.text(str(content.period.end.year), "cover")
    story.parts.append(PageBreak())


def _introduction(story: Story) -> None:
    """BAB I Pendahuluan: background, purpose, scope (the services)."""
    content = story.content
    unit, period = content.unit.nama, content.period.title
    story.chapter("bab1")
    story.section("latar_judul", TEXTS.get("latar", unit=unit, periode=period))
    story.section("tujuan_judul", TEXTS.get("tujuan", unit=unit))
    names = ", ".join(f"{r.nama} ({r.kode})" for r in content.services) or "-"
    story.section("lingkup_judul", TEXTS.get("lingkup", jumlah=len(content.services), daftar=names))


def _data_collection(story: Story) -> None:
    """BAB II Pengumpulan Data: method and channels, period, sample size."""
    content, total = story.content, story.content.total
    story.chapter("bab2")
    channels = ", ".join(f"{name} {n}" for name, n in content.channels.items()) or "-"
    story.section("metode_judul", TEXTS.get("metode", kanal=channels))
    dates = TEXTS.get(
        "waktu",
        periode=content.period.title,
        mulai=format_date_id(content.period.start),
        selesai=format_date_id(content.period.end),
    )
    story.section("waktu_judul", dates)
    basis = (
        TEXTS.get("dasar_populasi", populasi=_n(total.population, 0))
        if total.population is not None
        else TEXTS.get("dasar_tidak_diketahui")
    )
    sample = TEXTS.get(
        "sampel",
        responden=_n(story.result.respondents, 0),
        dasar=basis,
        minimal=_n(total.required, 0),
        cukup=story.adequacy,
    )
    story.section("sampel_judul", sample)


def _results(story: Story) -> None:
    """BAB III Hasil Pengolahan: NRR per unsur, the IKM (or why it is withheld), per service."""
    result, unit = story.result, story.content.unit.nama
    story.parts.append(PageBreak())
    story.chapter("bab3")
    story.section("unsur_judul")
    header = [TEXTS.get(k) for k in ("tabel_kode", "tabel_unsur", "tabel_nrr", "tabel_tertimbang")]
    rows: list[list[Any]] = [[*header, TEXTS.get("tabel_mutu")]]
    for unsur in UNSUR:
        value = result.nrr.get(unsur.code)
        rows.append(
            [
                unsur.code,
                _p(unsur.name, story.styles["cell"]),
                _n(value, 3) if value is not None else "-",
                _n(value / len(UNSUR), 3) if value is not None else "-",
                unsur_grade(value).value if value is not None else "-",
            ]
        )
    story.table(rows, [1.3 * cm, 7.2 * cm, 2 * cm, 3 * cm, 1.6 * cm])
    if result.ikm is not None and result.mutu is not None:
        verdict = TEXTS.get(
            "ikm_nilai",
            unit=unit,
            ikm=_n(result.ikm, 2),
            mutu=result.mutu.value,
            mutu_nama=result.mutu.label,
        )
    else:
        verdict = TEXTS.get("ikm_tertahan", unit=unit, alasan=withheld_reason(result))
    story.parts.append(Spacer(1, 0.3 * cm))
    story.text(verdict)
    if result.nrr:
        story.parts.append(nrr_chart(result, story.font))
    _per_service(story)


def _per_service(story: Story) -> None:
    story.section("layanan_judul")
    keys = ("tabel_layanan", "tabel_responden", "tabel_ikm", "tabel_mutu")
    rows: list[list[Any]] = [[TEXTS.get(k) for k in keys]]
    for each in story.content.services:
        shown = each.result
        rows.append(
            [
                _p(f"{each.nama} ({each.kode})", story.styles["cell"]),
                _n(shown.respondents, 0),
                _n(shown.ikm, 2) if shown.ikm is not None else TEXTS.get("belum"),
                f"{shown.mutu.value} ({shown.mutu.label})" if shown.mutu else "-",
            ]
        )
    story.table(rows, [8 * cm, 2.5 * cm, 3 * cm, 3 * cm])


def _analysis(story: Story) -> None:
    """BAB IV Analisis: strongest and weakest unsur, the RTL, the trend."""
    story.chapter("bab4")
    _strongest_and_weakest(story)
    _followup_plan(story)
    _trend(story)


def _strongest_and_weakest(story: Story) -> None:
    result = story.result
    story.section("kuat_lemah_judul")
    if not result.nrr:
        return
    strongest = max(UNSUR_CODES, key=lambda c: (result.nrr.get(c, -1), -int(c[1:])))
    weakest = min((c for c in UNSUR_CODES if c in result.nrr), key=lambda c: result.nrr[c])
    names_by_code = {u.code: u.name for u in UNSUR}
    story.text(
        TEXTS.get(
            "kuat_lemah",
            kuat=f"{strongest} {names_by_code[strongest]}",
            nrr_kuat=_n(result.nrr[strongest], 3),
            lemah=f"{weakest} {names_by_code[weakest]}",
            nrr_lemah=_n(result.nrr[weakest], 3),
        )
    )
    below = [c for c in UNSUR_CODES if c in result.nrr and unsur_grade(result.nrr[c]).value in "CD"]
    story.text(
        TEXTS.get("di_bawah_b", daftar=", ".join(below)) if below else TEXTS.get("tidak_di_bawah_b")
    )


def _followup_plan(story: Story) -> None:
    story.section("rtl_judul")
    if not story.content.actions:
        story.text(TEXTS.get("rtl_kosong"))
        return
    keys = ("tabel_kode", "tabel_tindakan", "tabel_pj", "tabel_tenggat", "tabel_status")
    rows: list[list[Any]] = [[TEXTS.get(k) for k in keys]]
    for action in story.content.actions:
        rows.append(
            [
                action.unsur,
                _p(action.tindakan, story.styles["cell"]),
                _p(action.penanggung_jawab, story.styles["cell"]),
                format_date_id(action.tenggat),
                action.status,
            ]
        )
    story.table(rows, [1.3 * cm, 6.5 * cm, 3.7 * cm, 2.8 * cm, 2.3 * cm])


def _trend(story: Story) -> None:
    """Against the previous period of the same length."""
    current = story.result.ikm
    before = story.content.previous_total.result.ikm
    label = story.content.previous.title
    if before is None or current is None:
        trend = TEXTS.get("tren_tanpa", periode_sebelum=label)
    elif round(current - before, 2) == 0:
        trend = TEXTS.get("tren_tetap", periode_sebelum=label)
    else:
        key = "tren_naik" if current > before else "tren_turun"
        trend = TEXTS.get(
            key, selisih=_n(abs(current - before), 2), sebelum=_n(before, 2), periode_sebelum=label
        )
    story.section("tren_judul", trend)


def _conclusion(story: Story) -> None:
    """BAB V Kesimpulan, then the signature block of the unit head."""
    content, result = story.content, story.result
    unit, period = content.unit.nama, content.period.title
    story.chapter("bab5")
    if result.ikm is not None and result.mutu is not None:
        story.text(
            TEXTS.get(
                "kesimpulan_nilai",
                unit=unit,
                periode=period,
                mutu=result.mutu.value,
                mutu_nama=result.mutu.label,
                ikm=_n(result.ikm, 2),
                responden=_n(result.respondents, 0),
            )
        )
        if result.weakest_unsur is not None:
            lemah, jumlah = result.weakest_unsur, len(content.actions)
            story.text(TEXTS.get("kesimpulan_rtl", lemah=lemah, jumlah=jumlah))
    else:
        story.text(TEXTS.get("kesimpulan_tertahan", unit=unit, periode=period))
    minimal = _n(content.total.required, 0)
    story.text(TEXTS.get("kesimpulan_sampel", cukup=story.adequacy, minimal=minimal))
    _signature(story)


def _signature(story: Story) -> None:
    s = story.styles
    signature: list[Any] = [Spacer(1, 1 * cm)]
    signature.append(_p(TEXTS.get("ttd_tempat", tanggal=format_date_id(story.today)), s["sign"]))
    who = story.content.signatory
    if who is not None:
        signature += [
            _p(TEXTS.get("ttd_jabatan", jabatan=who.jabatan), s["sign"]),
            Spacer(1, 2 * cm),
            _p(who.nama, s["sign_bold"]),
            _p(TEXTS.get("ttd_nip", nip=who.nip), s["sign"]),
        ]
    else:
        signature.append(_p(TEXTS.get("ttd_kosong"), s["sign"]))
    story.parts.append(KeepTogether(signature))


def _appendix(story: Story) -> None:
    """Lampiran: the conversion table and the respondent × unsur matrix."""
    story.parts.append(PageBreak())
    story.text(TEXTS.get("lampiran"), "chapter")
    story.section("konversi_judul")
    keys = (
        "konversi_persepsi",
        "konversi_interval",
        "konversi_ikm",
        "konversi_mutu",
        "konversi_kinerja",
    )
    conversion: list[list[Any]] = [[_p(TEXTS.get(k), story.styles["cell"]) for k in keys]]
    conversion += [list(row) for row in CONVERSION_ROWS]
    story.table(conversion, [2.6 * cm, 3.6 * cm, 3.6 * cm, 2.6 * cm, 3.6 * cm])
    _matrix(story)


def _matrix(story: Story) -> None:
    story.section("matriks_judul")
    content, result = story.content, story.result
    if not content.matrix:
        story.text(TEXTS.get("matriks_kosong"))
        return
    matrix: list[list[Any]] = [[TEXTS.get("matriks_no"), *UNSUR_CODES]]
    for number, scores in enumerate(content.matrix, 1):
        matrix.append([number, *("" if v is None else v for v in scores)])
    sums = [sum(v for v in column if v is not None) for column in zip(*content.matrix, strict=True)]
    matrix.append([TEXTS.get("matriks_jumlah"), *sums])
    nrr = (_n(result.nrr[c], 3) if c in result.nrr else "-" for c in UNSUR_CODES)
    matrix.append([TEXTS.get("matriks_nrr"), *nrr])
    story.table(matrix, [2.6 * cm] + [1.55 * cm] * len(UNSUR_CODES))


# The KemenPANRB template, in order: cover, BAB I–V (with the signature), lampiran.
CHAPTERS: tuple[Callable[[Story], None], ...] = (
    _cover,
    _introduction,
    _data_collection,
    _results,
    _analysis,
    _conclusion,
    _appendix,
)


def build_story(content: ReportContent, today: date) -> list[Any]:
    regular, _ = pdf_fonts()
    story = Story(content, today, _styles(), regular)
    for chapter in CHAPTERS:
        chapter(story)
    return story.parts


def write_report(path: Path, content: ReportContent, today: date) -> int:
    """Write the PDF; returns its number of pages."""
    regular, _ = pdf_fonts()
    pages = [0]

    def number_page(canvas: Any, document: Any) -> None:
        pages[0] = document.page
        canvas.setFont(regular, 8)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, str(document.page))

    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"{TEXTS.get('judul')} — {content.unit.nama} — {content.period.title}",
        author=content.unit.nama,
    )
    document.build(build_story(content, today), onFirstPage=number_page, onLaterPages=number_page)
    return pages[0]
