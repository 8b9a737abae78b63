"""The shared vocabulary: every code has its one label, and every status reads the same."""

from __future__ import annotations

from kinerja_bot.core.models import CompetencyType
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.texts import percakapan_dir
from kinerja_bot.core.vocabulary import (
    CATEGORIES,
    WORDS,
    category_label,
    competency_label,
    status_counts,
    status_label,
    status_legend,
)


def test_every_category_code_has_a_label_and_no_label_is_left_over() -> None:
    for kind, codes in CATEGORIES.items():
        labels: dict[str, str] = WORDS.data(f"kategori_{kind}")
        assert set(labels) == set(codes)
        assert all(category_label(kind, code) == labels[code] for code in codes)


def test_an_unknown_code_is_shown_as_it_is_stored() -> None:
    assert category_label("kendala", "banjir") == "banjir"


def test_every_status_has_its_colour_word_and_none_reads_as_not_yet_computable() -> None:
    labels = [status_label(status) for status in OnTrackStatus]
    assert labels == ["🟢 sesuai jadwal", "🟡 perlu perhatian", "🔴 tertinggal"]
    assert status_label(None) == WORDS.get("status_tidak_ada")


def test_a_status_is_its_colour_and_its_word_from_one_mapping() -> None:
    words: dict[str, str] = WORDS.data("status")
    icons: dict[str, str] = WORDS.data("status_ikon")
    assert set(words) == set(icons) == {status.value for status in OnTrackStatus}
    for status in OnTrackStatus:
        assert status_label(status) == f"{icons[status.value]} {words[status.value]}"
    assert status_legend() == " · ".join(status_label(status) for status in OnTrackStatus)
    counts = {OnTrackStatus.SESUAI_JADWAL: 3, OnTrackStatus.TERTINGGAL: 1}
    assert status_counts(counts) == " ".join(
        f"{icons[s.value]} {counts.get(s, 0)}" for s in OnTrackStatus
    )


def test_no_other_text_spells_a_status_colour_itself() -> None:
    """/tim and the weekly summary used to write 🟢 🟡 🔴 in their own texts."""
    green = WORDS.data("status_ikon")[OnTrackStatus.SESUAI_JADWAL.value]
    spelled = [
        path.name
        for path in percakapan_dir().glob("*.yaml")
        if path.name != "kosakata.yaml" and green in path.read_text(encoding="utf-8")
    ]
    assert spelled == []


def test_every_competency_type_has_its_one_label() -> None:
    labels: dict[str, str] = WORDS.data("kompetensi")
    assert set(labels) == {kind.value for kind in CompetencyType}
    assert all(competency_label(kind) == labels[kind.value] for kind in CompetencyType)


def test_no_other_text_copies_a_shared_label() -> None:
    """Status words and the distinctive category labels live in kosakata.yaml only: a copy
    elsewhere (a legend, a prompt) would drift from what the buttons and reports say."""
    shared = [status_label(status) for status in OnTrackStatus] + [
        label
        for kind in CATEGORIES
        for label in WORDS.data(f"kategori_{kind}").values()
        if not label.isalpha()  # "Sarana-prasarana", "Regulasi/SOP", "Teknologi informasi"
    ]
    copies = [
        f"{path.name}: {label}"
        for path in sorted(percakapan_dir().glob("*.yaml"))
        if path.name != "kosakata.yaml"
        for label in shared
        if label in path.read_text(encoding="utf-8")
    ]
    assert copies == []
