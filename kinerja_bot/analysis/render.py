"""Turning a NeedsReport into what people read: Telegram messages (HTML), plain text for the
terminal, one row of words per need for the spreadsheet, and a bar chart of the top needs."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kinerja_bot.analysis.needs import (
    IndicatorEvidence,
    Level,
    Need,
    NeedKind,
    NeedsReport,
    ObstacleEvidence,
    SkmEvidence,
    SupportEvidence,
    UnitNeeds,
    need_signal,
)
from kinerja_bot.core.charts import AMBER, RED, Bar, bar_chart_png
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE
from kinerja_bot.core.texts import MESSAGE_LIMIT, Markup, TextBook
from kinerja_bot.core.vocabulary import OBSTACLE_CATEGORIES, SUPPORT_CATEGORIES
from kinerja_bot.core.vocabulary import category_label as vocabulary_label
from kinerja_bot.development import CatalogOffer, Match, rank, reason_of

__all__ = [
    "TEXTS",
    "NeedTexts",
    "category_label",
    "need_texts",
    "needs_chart_png",
    "plain",
    "proposed_offers",
    "render_needs_chart",
    "render_needs_report",
]

_LEVEL_KEYS = tuple(f"{prefix}_{level.value}" for prefix in ("tingkat", "ikon") for level in Level)
TEXTS = TextBook(
    "analisis",
    {
        "judul": ("periode", "cakupan", "tanggal"),
        "cakupan_kota": (),
        "cakupan_unit": ("unit",),
        "unit": ("nomor", "unit", "pegawai", "melapor", "responden"),
        "kebutuhan": ("nomor", "ikon", "jenis", "subjek", "tingkat", "bukti", "saran"),
        "lainnya": ("jumlah",),
        "tanpa_kebutuhan": ("unit",),
        "tidak_ada_kebutuhan": (),
        "ringkasan_tingkat": ("tinggi", "sedang", "rendah"),
        "ringkasan_unit": ("nomor", "unit", "jumlah", "ikon", "teratas"),
        "ringkasan_petunjuk": (),
        "ringkasan_petunjuk_lampiran": (),
        "halaman": ("halaman", "jumlah"),
        "tombol_unit": ("nomor", "unit"),
        "ringkas_kebutuhan": ("nomor", "ikon", "jenis", "subjek", "tingkat"),
        "tombol_kebutuhan": ("nomor", "ikon", "subjek"),
        "petunjuk_unit": (),
        "kebutuhan_unit": ("unit",),
        "kembali_daftar": (),
        "kembali_unit": ("unit",),
        "tombol_apresiasi": (),
        "tombol_efek": (),
        "tombol_xlsx": (),
        "tombol_sebelumnya": (),
        "tombol_berikutnya": (),
        "terpotong": (),
        **{key: () for key in _LEVEL_KEYS},
        **{f"jenis_{kind.value}": () for kind in NeedKind},
        "bukti_indikator": ("jumlah", "pemegang", "tertinggal", "daftar"),
        "bukti_indikator_kendala": ("jumlah", "pemegang", "tertinggal", "daftar", "kendala"),
        "bukti_kendala": ("laporan", "jumlah", "minggu", "daftar", "contoh"),
        "bukti_dukungan": ("permintaan", "jumlah", "daftar", "rincian"),
        "bukti_skm": ("nrr", "mutu", "responden", "rendah", "persen", "layanan"),
        "orang_capaian": ("nama", "persen"),
        "rincian": ("teks", "jumlah"),
        "contoh": ("teks",),
        "daftar_lainnya": ("daftar", "jumlah"),
        "tidak_ada_contoh": (),
        "skm_subjek": ("kode", "nama"),
        "aksi_indikator": (),
        "aksi_indikator_kendala": ("kendala",),
        **{f"aksi_kendala_{code}": () for code in OBSTACLE_CATEGORIES},
        **{f"aksi_dukungan_{code}": () for code in SUPPORT_CATEGORIES},
        **{f"aksi_skm_{code}": () for code in UNSUR_BY_CODE},
        "grafik_judul": ("periode",),
        "grafik_sumbu": (),
        "grafik_label": ("unit", "jenis", "subjek"),
        "grafik_keterangan": ("periode",),
        "bukan_kepala": (),
        "periode_salah": ("pesan",),
        "unit_di_luar": ("kode",),
        "pelatihan_cocok": ("daftar",),
        "pelatihan_baris": ("nama", "kode", "mulai", "alasan"),
        "tombol_tawarkan": ("nomor", "kode", "jumlah"),
        "tawaran": ("unit", "subjek", "nama", "penyelenggara", "jp", "mulai", "selesai"),
        "tombol_daftar_tawaran": (),
        "tawaran_terkirim": ("nama", "terkirim", "sudah", "tak_terjangkau"),
        "sudah_ditawarkan": ("nama",),
        "peringatan_bukan_kepala": (),
        "apresiasi_judul": ("periode",),
        "apresiasi_unit": ("unit", "jumlah"),
        "apresiasi": ("pemberi", "penerima", "tanggal", "catatan"),
        "apresiasi_lainnya": ("jumlah",),
        "apresiasi_kosong": (),
        "efek_judul": ("periode",),
        "efek_pengembangan": ("nama", "pelatihan", "tanggal", "kaitan"),
        "efek_indikator": ("indikator", "sebelum", "sesudah"),
        "efek_unsur": ("kode", "unsur", "sebelum", "n_sebelum", "sesudah", "n_sesudah"),
        "efek_kaitan_permintaan": (),
        "efek_kaitan_indikator": (),
        "efek_tanpa_angka": (),
        "efek_kosong": (),
        "berprestasi_judul": ("unit", "periode"),
        "berprestasi_orang": (
            "nama",
            "nip",
            "indikator",
            "terendah",
            "apresiasi",
            "pengembangan",
            "jp",
        ),
        "berprestasi_kosong": (),
        "berprestasi_ikm": ("ikm",),
        "berprestasi_ikm_belum": (),
    },
)

# How many needs per unit the chat message lists (the export lists all), how many names are
# named in one piece of evidence, and how many needs the chart shows.
NEEDS_PER_UNIT = 5
NAMES_SHOWN = 5
CHART_BARS = 10
# How many catalog offers are proposed for one need.
OFFERS_PER_NEED = 3
# How many thanks are quoted per unit (the count covers all).
APPRECIATION_PER_UNIT = 5
LEVEL_COLORS = {Level.TINGGI: RED, Level.SEDANG: AMBER, Level.RENDAH: "#F0E442"}


def plain(text: str) -> str:
    """An HTML text of the bot as plain text, for the terminal and spreadsheets."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def category_label(kind: NeedKind, code: str) -> str:
    """The label of an obstacle or support category code (the code if unknown)."""
    return vocabulary_label("kendala" if kind is NeedKind.OBSTACLE else "dukungan", code)


def _names(items: Sequence[str]) -> Markup:
    """The first NAMES_SHOWN of some HTML pieces, and how many more there are."""
    shown = Markup(", ".join(items[:NAMES_SHOWN]))
    if len(items) <= NAMES_SHOWN:
        return shown
    return Markup(TEXTS.get("daftar_lainnya", daftar=shown, jumlah=len(items) - NAMES_SHOWN))


def _escaped(names: Sequence[str]) -> list[str]:
    return [html.escape(name, quote=False) for name in names]


@dataclass(frozen=True)
class NeedTexts:
    """The words of one need, HTML-escaped: kind, subject, level, evidence, action."""

    jenis: str
    subjek: str
    tingkat: str
    ikon: str
    bukti: str
    saran: str


def need_texts(need: Need) -> NeedTexts:
    """Everything said about one need, for the chat, the terminal and the spreadsheet."""
    evidence = need.evidence
    saran_values: dict[str, str] = {}
    if isinstance(evidence, IndicatorEvidence):
        subject = html.escape(need.subject, quote=False)
        daftar = _names(
            [
                TEXTS.get("orang_capaian", nama=name, persen=format_percent_id(pct, 1))
                for name, pct in evidence.behind
            ]
        )
        values = {
            "jumlah": need.count,
            "pemegang": evidence.holders,
            "tertinggal": evidence.lagging,
            "daftar": daftar,
        }
        if evidence.top_obstacle:
            kendala = category_label(NeedKind.OBSTACLE, evidence.top_obstacle)
            bukti = TEXTS.get("bukti_indikator_kendala", kendala=kendala, **values)
            saran_values["kendala"] = kendala
        else:
            bukti = TEXTS.get("bukti_indikator", **values)
    elif isinstance(evidence, ObstacleEvidence):
        subject = html.escape(category_label(need.kind, need.subject), quote=False)
        examples = [TEXTS.get("contoh", teks=text) for text in evidence.examples]
        bukti = TEXTS.get(
            "bukti_kendala",
            laporan=evidence.reports,
            jumlah=need.count,
            minggu=evidence.weeks,
            daftar=_names(_escaped(evidence.people)),
            contoh=Markup("; ".join(examples) or TEXTS.get("tidak_ada_contoh")),
        )
    elif isinstance(evidence, SupportEvidence):
        subject = html.escape(category_label(need.kind, need.subject), quote=False)
        details = [TEXTS.get("rincian", teks=text, jumlah=n) for text, n in evidence.details]
        bukti = TEXTS.get(
            "bukti_dukungan",
            permintaan=evidence.requests,
            jumlah=need.count,
            daftar=_names(_escaped(evidence.people)),
            rincian=Markup("; ".join(details) or TEXTS.get("tidak_ada_contoh")),
        )
    else:
        assert isinstance(evidence, SkmEvidence)
        unsur = UNSUR_BY_CODE[need.subject]
        subject = TEXTS.get("skm_subjek", kode=unsur.code, nama=unsur.name)
        bukti = TEXTS.get(
            "bukti_skm",
            nrr=format_number_id(evidence.nrr, 2),
            mutu=evidence.grade.value,
            responden=evidence.respondents,
            rendah=evidence.low_answers,
            persen=format_percent_id(need.breadth * 100, 1),
            layanan=", ".join(evidence.services) or "-",
        )
    return NeedTexts(
        jenis=TEXTS.get(f"jenis_{need.kind.value}"),
        subjek=subject,
        tingkat=TEXTS.get(f"tingkat_{need.level.value}"),
        ikon=TEXTS.get(f"ikon_{need.level.value}"),
        bukti=bukti,
        saran=TEXTS.get(need.action, **saran_values),
    )


def scope_text(report: NeedsReport) -> str:
    """Whose needs these are: the city, or the named units with their sub-units."""
    if not report.roots:
        return TEXTS.get("cakupan_kota")
    return TEXTS.get("cakupan_unit", unit=", ".join(unit.nama for unit in report.roots))


def proposed_offers(need: Need, offers: Sequence[CatalogOffer]) -> list[Match]:
    """The catalog offers proposed for a need, best first."""
    signal = need_signal(need)
    return rank(signal, offers, limit=OFFERS_PER_NEED) if signal and offers else []


def offers_text(need: Need, offers: Sequence[CatalogOffer]) -> str | None:
    """The best catalog offers for a need, each with why it matched; None when none does."""
    matches = proposed_offers(need, offers)
    if not matches:
        return None
    lines = [
        TEXTS.get(
            "pelatihan_baris",
            nama=m.offer.nama,
            kode=m.offer.kode,
            mulai=format_date_id(m.offer.mulai),
            alasan=reason_of(m),
        )
        for m in matches
    ]
    return TEXTS.get("pelatihan_cocok", daftar=Markup("\n".join(lines)))


def _unit_block(
    number: int, unit: UnitNeeds, per_unit: int | None, offers: Sequence[CatalogOffer]
) -> list[str]:
    lines = [
        TEXTS.get(
            "unit",
            nomor=number,
            unit=unit.unit.nama,
            pegawai=unit.staff,
            melapor=unit.reporting_staff,
            responden=unit.respondents,
        )
    ]
    shown = unit.needs if per_unit is None else unit.needs[:per_unit]
    for position, need in enumerate(shown, start=1):
        words = need_texts(need)
        lines.append(
            TEXTS.get(
                "kebutuhan",
                nomor=position,
                ikon=Markup(words.ikon),
                jenis=Markup(words.jenis),
                subjek=Markup(words.subjek),
                tingkat=Markup(words.tingkat),
                bukti=Markup(words.bukti),
                saran=Markup(words.saran),
            )
        )
        if (proposed := offers_text(need, offers)) is not None:
            lines.append(proposed)
    if len(unit.needs) > len(shown):
        lines.append(TEXTS.get("lainnya", jumlah=len(unit.needs) - len(shown)))
    return lines


def appreciation_block(report: NeedsReport) -> str:
    """Apresiasi given in the period, per unit (the units whose staff received any)."""
    lines = [TEXTS.get("apresiasi_judul", periode=report.period.title)]
    thanked = sorted(
        (unit for unit in report.units if unit.appreciation), key=lambda u: u.unit.kode
    )
    for unit in thanked:
        lines.append(
            TEXTS.get("apresiasi_unit", unit=unit.unit.nama, jumlah=len(unit.appreciation))
        )
        lines += [
            TEXTS.get(
                "apresiasi",
                pemberi=given.giver,
                penerima=given.receiver,
                tanggal=format_date_id(given.given_on),
                catatan=given.note,
            )
            for given in unit.appreciation[:APPRECIATION_PER_UNIT]
        ]
        if len(unit.appreciation) > APPRECIATION_PER_UNIT:
            lines.append(
                TEXTS.get(
                    "apresiasi_lainnya", jumlah=len(unit.appreciation) - APPRECIATION_PER_UNIT
                )
            )
    if not thanked:
        lines.append(TEXTS.get("apresiasi_kosong"))
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return TEXTS.get("efek_tanpa_angka") if value is None else format_percent_id(value, 1)


def _score(value: float | None) -> str:
    return TEXTS.get("efek_tanpa_angka") if value is None else format_number_id(value, 2)


def effect_block(report: NeedsReport) -> str:
    """Completed development tied to a need: its indicators before and after, labelled as an
    association (the heading says so), never as proof."""
    lines = [TEXTS.get("efek_judul", periode=report.period.title)]
    for effect in report.effects:
        kaitan = "efek_kaitan_permintaan" if effect.asked_for_it else "efek_kaitan_indikator"
        lines.append(
            TEXTS.get(
                "efek_pengembangan",
                nama=effect.person,
                pelatihan=effect.course,
                tanggal=format_date_id(effect.completed_on),
                kaitan=TEXTS.get(kaitan),
            )
        )
        lines += [
            TEXTS.get(
                "efek_indikator",
                indikator=change.name,
                sebelum=_pct(change.before_pct),
                sesudah=_pct(change.after_pct),
            )
            for change in effect.changes
        ]
        lines += [
            TEXTS.get(
                "efek_unsur",
                kode=change.code,
                unsur=change.name,
                sebelum=_score(change.before),
                n_sebelum=change.answered_before,
                sesudah=_score(change.after),
                n_sesudah=change.answered_after,
            )
            for change in effect.unsur
        ]
    if not report.effects:
        lines.append(TEXTS.get("efek_kosong"))
    return "\n".join(lines)


def render_needs_report(
    report: NeedsReport,
    *,
    per_unit: int | None = NEEDS_PER_UNIT,
    limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """The report as Telegram messages (HTML, each within `limit` characters).

    `per_unit` caps the needs listed per unit (None: all, as in the terminal).
    """
    heading = TEXTS.get(
        "judul",
        periode=report.period.title,
        cakupan=scope_text(report),
        tanggal=format_date_id(report.as_of),
    )
    blocks = [heading]
    if not report.with_needs:
        blocks.append(TEXTS.get("tidak_ada_kebutuhan"))
    for number, unit in enumerate(report.with_needs, start=1):
        blocks.append("\n".join(_unit_block(number, unit, per_unit, report.offers)))
    if report.with_needs and report.without_needs:
        names = ", ".join(unit.unit.nama for unit in report.without_needs)
        blocks.append(TEXTS.get("tanpa_kebutuhan", unit=names))
    blocks.append(appreciation_block(report))
    blocks.append(effect_block(report))
    return _pack(blocks, limit)


def _pack(blocks: Sequence[str], limit: int) -> list[str]:
    """Join blocks with blank lines into as few messages as fit; split an oversized block by
    lines (and a line over the limit by characters, which real data never reaches)."""
    pieces: list[str] = []
    for block in blocks:
        if len(block) <= limit:
            pieces.append(block)
            continue
        for line in block.split("\n"):
            pieces.extend(line[i : i + limit] for i in range(0, max(len(line), 1), limit))
    messages: list[str] = []
    for piece in pieces:
        if messages and len(messages[-1]) + 2 + len(piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def chart_bars(report: NeedsReport, limit: int = CHART_BARS) -> list[Bar]:
    bars = []
    for unit, need in report.top(limit):
        words = need_texts(need)
        label = TEXTS.get(
            "grafik_label",
            unit=unit.unit.kode,
            jenis=Markup(words.jenis),
            subjek=Markup(words.subjek),
        )
        bars.append(
            Bar(
                label=plain(label),
                value=need.breadth * 100,
                color=LEVEL_COLORS[need.level],
                note=format_percent_id(need.breadth * 100, 0),
            )
        )
    return bars


def needs_chart_png(report: NeedsReport) -> bytes | None:
    """A bar chart of the top needs (breadth, coloured by level); None when there are none.
    Blocking: use `render_needs_chart` on the event loop."""
    bars = chart_bars(report)
    if not bars:
        return None
    levels = sorted({need.level for _, need in report.top(CHART_BARS)}, reverse=True)
    return bar_chart_png(
        bars,
        title=plain(TEXTS.get("grafik_judul", periode=report.period.title)),
        value_label=TEXTS.get("grafik_sumbu"),
        legend=[(LEVEL_COLORS[level], TEXTS.get(f"tingkat_{level.value}")) for level in levels],
    )


async def render_needs_chart(report: NeedsReport) -> bytes | None:
    """`needs_chart_png` in a worker thread."""
    return await asyncio.to_thread(needs_chart_png, report)
