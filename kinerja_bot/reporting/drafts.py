"""The drafts of /lapor and of a correction, as they are kept between updates.

Keys are English, except where a key holds a model column of the same name (`satuan`,
`target`, `cara_hitung`, `realisasi`, `kendala`, `kendala_kategori`, `dukungan`,
`dukungan_kategori`): those keep the column's Indonesian name (see docs/architecture.md).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from kinerja_bot.core.drafts import DraftSlot


class EvidenceDraft(TypedDict):
    """Bukti dukung as the Evidence row will hold it."""

    kind: str  # foto | dokumen | tautan | teks
    telegram_file_id: NotRequired[str]
    file_name: NotRequired[str | None]
    mime_type: NotRequired[str | None]
    file_size: NotRequired[int | None]
    content: NotRequired[str]


class ThisWeekDraft(TypedDict):
    """The report already sent this week on the chosen indicator."""

    report_id: int
    realisasi: float
    sent_on: str  # its date, as shown
    editable: bool  # not yet read by the atasan and within the correction window


class ReportDraft(TypedDict):
    """A /lapor report being written; filled step by step."""

    id: str  # the submission key: a retried Kirim saves it once
    step: int
    changing: NotRequired[bool]  # Ubah: after the answer, back to the summary
    indicator_id: NotRequired[int]
    indicator_name: NotRequired[str]
    satuan: NotRequired[str]
    target: NotRequired[float]
    target_text: NotRequired[str]
    cara_hitung: NotRequired[str]
    arah: NotRequired[str]
    realisasi_to_date: NotRequired[str]
    realisation_before: NotRequired[float | None]  # to date, before this report
    this_week: NotRequired[ThisWeekDraft]
    merge: NotRequired[str]  # with this_week: "ganti" (replace) or "tambah" (add to it)
    realisasi: NotRequired[float]
    evidence: NotRequired[EvidenceDraft | None]
    kendala_kategori: NotRequired[str | None]
    kendala: NotRequired[str | None]
    dukungan_kategori: NotRequired[str | None]
    dukungan: NotRequired[str | None]


class CorrectionDraft(TypedDict):
    """Koreksi laporan: which report, and which field once chosen."""

    report_id: int
    satuan: str
    field: NotRequired[str]


REPORT_DRAFT = DraftSlot[ReportDraft]("lapor.v2")
CORRECTION_DRAFT = DraftSlot[CorrectionDraft]("koreksi.v2")
