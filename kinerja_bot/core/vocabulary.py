"""One home for the words every feature shares: the categories of a report's kendala and
dukungan, the kinds of leave, the competency types, the on-track status of an indicator, and
the service of a complaint filed under "lainnya".
The codes are here; the labels are in `percakapan/kosakata.yaml`; the status colours of the
charts in `core/charts.py`."""

from __future__ import annotations

from collections.abc import Mapping

from kinerja_bot.core.models import Direction
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
    {
        "status_tidak_ada": (),
        "arah_turun": (),
        "arah_turun_penjelasan": (),
        "layanan_lainnya": (),
    },
    data=(
        "kategori_kendala",
        "kategori_dukungan",
        "jenis_cuti",
        "kompetensi",
        "status",
        "status_ikon",
    ),
)


def category_label(kind: str, code: str | None) -> str:
    """The label of a `kendala` or `dukungan` category code (the code itself if unknown)."""
    labels: dict[str, str] = WORDS.data(f"kategori_{kind}")
    return labels.get(code or "", code or "")


def leave_kind_label(code: str) -> str:
    """`cuti tahunan`, `sakit`, `dinas luar`, `lainnya` (the code itself if unknown)."""
    labels: dict[str, str] = WORDS.data("jenis_cuti")
    return labels.get(code, code)


def competency_label(code: str) -> str:
    """`Teknis`, `Manajerial`, `Sosial-kultural` for a CompetencyType code (else the code)."""
    labels: dict[str, str] = WORDS.data("kompetensi")
    return labels.get(code, code)


def status_label(status: OnTrackStatus | None) -> str:
    """`🟢 sesuai jadwal`, …; or that it cannot be computed yet."""
    if status is None:
        return WORDS.get("status_tidak_ada")
    words: dict[str, str] = WORDS.data("status")
    return f"{status_icon(status)} {words[status.value]}"


def status_icon(status: OnTrackStatus) -> str:
    icons: dict[str, str] = WORDS.data("status_ikon")
    return icons[status.value]


def status_legend() -> str:
    """`🟢 sesuai jadwal · 🟡 perlu perhatian · 🔴 tertinggal`: what the colours of counts mean."""
    return " · ".join(status_label(status) for status in OnTrackStatus)


def status_counts(counts: Mapping[OnTrackStatus, int]) -> str:
    """`🟢 3 🟡 1 🔴 0`: how many indicators have each status (missing ones count 0)."""
    return " ".join(f"{status_icon(status)} {counts.get(status, 0)}" for status in OnTrackStatus)


def direction_mark(direction: str) -> str:
    """After a lower-is-better indicator's target: `↓ makin rendah makin baik`; else empty."""
    return WORDS.get("arah_turun") if direction == Direction.LOWER_IS_BETTER else ""


def complaint_service_label(service_name: str | None) -> str:
    """A ticket's service as every view names it: its name, or `lainnya` for a complaint about
    the unit that fits none of its listed services (`/adu` → Lainnya, no service kept)."""
    return service_name if service_name is not None else WORDS.get("layanan_lainnya")
