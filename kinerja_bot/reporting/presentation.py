"""One way to present a report and an indicator's progress, wherever they are shown: /lapor,
/kinerja, /tim, the weekly summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kinerja_bot.core.models import Evidence, Feedback
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.core.telegram_ui import shorten
from kinerja_bot.core.vocabulary import category_label, direction_mark, status_label
from kinerja_bot.reporting.progress import IndicatorProgress
from kinerja_bot.reporting.texts import FILE_TEXTS, PROGRESS_TEXTS, TEXTS


def describe_evidence(evidence: Mapping[str, Any] | None) -> str:
    if not evidence:
        return TEXTS.get("tidak_ada")
    if evidence["kind"] == "foto":
        return TEXTS.get("bukti_foto")
    if evidence["kind"] == "dokumen":
        return TEXTS.get("bukti_dokumen", nama=evidence.get("file_name") or "-")
    key = "bukti_tautan" if evidence["kind"] == "tautan" else "bukti_teks"
    return TEXTS.get(key, isi=shorten(evidence.get("content") or "", 200))


def describe_note(kind: str, code: str | None, text: str | None) -> str:
    """A kendala or dukungan (`kind`) with its category, or that there is none."""
    if not code:
        return TEXTS.get("tidak_ada")
    return TEXTS.get("dengan_kategori", kategori=category_label(kind, code), isi=text or "-")


def wib_date(moment: datetime) -> str:
    return format_date_id(wib_today(moment))


def describe(progress: IndicatorProgress) -> str:
    """One indicator's standing, as every journey words it."""
    indicator = progress.indicator
    mark = direction_mark(indicator.arah)
    return PROGRESS_TEXTS.get(
        "indikator",
        nama=indicator.nama,
        jenis=indicator.jenis,
        arah=f" · {mark}" if mark else "",
        target=format_number_id(indicator.target, 2, trim=True),
        realisasi=(
            "-"
            if progress.realisation is None
            else format_number_id(progress.realisation, 2, trim=True)
        ),
        satuan=indicator.satuan,
        capaian=(
            PROGRESS_TEXTS.get("belum_terukur")
            if progress.achievement_pct is None
            else format_percent_id(progress.achievement_pct, 2)
        ),
        status=status_label(progress.status),
        terakhir=(
            wib_date(progress.last_report_at)
            if progress.last_report_at
            else PROGRESS_TEXTS.get("belum_ada_laporan")
        ),
    )


def achievement_label(progress: IndicatorProgress) -> str:
    """The short achievement shown on buttons: `45,2%` or `–`."""
    if progress.achievement_pct is None:
        return "–"
    return format_percent_id(progress.achievement_pct, 1, trim=True)


def evidence_in_words(evidence: Evidence) -> str:
    """One piece of bukti dukung in a file (spreadsheets): a photo with its date, a file name,
    a link, a text."""
    day = wib_today(evidence.created_at).strftime("%d/%m/%Y")
    if evidence.kind == "foto":
        return FILE_TEXTS.get("bukti_foto", tanggal=day)
    if evidence.kind == "dokumen":
        return FILE_TEXTS.get("bukti_dokumen", nama=evidence.file_name or "-", tanggal=day)
    if evidence.kind == "tautan":
        return FILE_TEXTS.get("bukti_tautan", isi=evidence.content or "-")
    return FILE_TEXTS.get("bukti_teks", isi=evidence.content or "-")


def feedback_in_words(feedback: Feedback, author: str) -> str:
    day = wib_today(feedback.created_at).strftime("%d/%m/%Y")
    return FILE_TEXTS.get("umpan_balik", tanggal=day, nama=author, teks=feedback.text)
