"""One home for the words every feature shares: the categories of a report's kendala and
dukungan, the competency types, and the on-track status of an indicator. The codes are here;
the labels are in `percakapan/kosakata.yaml`; the status colours of the charts in
`core/charts.py`."""

from __future__ import annotations

from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.texts import TextBook

OBSTACLE_CATEGORIES = (
    "sdm",
    "anggaran",
    "sarana-prasarana",
    "regulasi-sop",
    "koordinasi",
    "teknologi-informasi",
    "lainnya",
)
SUPPORT_CATEGORIES = ("pelatihan", "bimbingan", "sarana", "anggaran", "koordinasi", "lainnya")
# A report's notes: kendala (obstacles) and dukungan (support it needs), each with categories.
CATEGORIES = {"kendala": OBSTACLE_CATEGORIES, "dukungan": SUPPORT_CATEGORIES}

WORDS = TextBook(
    "kosakata",
    {"status_tidak_ada": ()},
    data=("kategori_kendala", "kategori_dukungan", "kompetensi", "status"),
)


def category_label(kind: str, code: str | None) -> str:
    """The label of a `kendala` or `dukungan` category code (the code itself if unknown)."""
    labels: dict[str, str] = WORDS.data(f"kategori_{kind}")
    return labels.get(code or "", code or "")


def competency_label(code: str) -> str:
    """`Teknis`, `Manajerial`, `Sosial-kultural` for a CompetencyType code (else the code)."""
    labels: dict[str, str] = WORDS.data("kompetensi")
    return labels.get(code, code)


def status_label(status: OnTrackStatus | None) -> str:
    """`🟢 sesuai jadwal`, …; or that it cannot be computed yet."""
    labels: dict[str, str] = WORDS.data("status")
    return labels[status.value] if status is not None else WORDS.get("status_tidak_ada")
