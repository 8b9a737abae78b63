"""The shared vocabulary: every code has its one label, and every status reads the same."""

from __future__ import annotations

from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.vocabulary import CATEGORIES, WORDS, category_label, status_label


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
