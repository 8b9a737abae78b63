"""Predikat kinerja: the 3×3 matrix, the suggested result rating, BerAKHLAK, distribution."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from kinerja_bot.core.models import IndicatorKind
from kinerja_bot.core.rules.predikat import (
    BERAKHLAK,
    IndicatorAchievement,
    OrganisationRating,
    Predikat,
    Rating,
    distribution_warning,
    predikat,
    suggest_result_rating,
)

ATAS, SESUAI, BAWAH = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
SB, B, BP, K, SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected", "shown"),
    [
        (ATAS, ATAS, SB, "Sangat Baik"),
        (ATAS, SESUAI, B, "Baik"),
        (ATAS, BAWAH, K, "Kurang/Misconduct"),
        (SESUAI, ATAS, B, "Baik"),
        (SESUAI, SESUAI, B, "Baik"),
        (SESUAI, BAWAH, K, "Kurang/Misconduct"),
        (BAWAH, ATAS, BP, "Butuh Perbaikan"),
        (BAWAH, SESUAI, BP, "Butuh Perbaikan"),
        (BAWAH, BAWAH, SK, "Sangat Kurang"),
    ],
)
def test_predikat_matrix(hasil: Rating, perilaku: Rating, expected: Predikat, shown: str) -> None:
    assert predikat(hasil, perilaku) is expected
    assert predikat(hasil, perilaku) == shown


def test_predikat_accepts_stored_rating_texts() -> None:
    assert predikat("Di Atas Ekspektasi", "Sesuai Ekspektasi") is Predikat.BAIK  # type: ignore[arg-type]


def test_rating_texts() -> None:
    assert [r.value for r in Rating] == [
        "Di Atas Ekspektasi",
        "Sesuai Ekspektasi",
        "Di Bawah Ekspektasi",
    ]


def main(*pcts: float | None) -> list[IndicatorAchievement]:
    return [IndicatorAchievement(IndicatorKind.MAIN, pct) for pct in pcts]


def extra(*pcts: float | None) -> list[IndicatorAchievement]:
    return [IndicatorAchievement(IndicatorKind.ADDITIONAL, pct) for pct in pcts]


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        # Every main indicator met, none above: Sesuai.
        (main(100, 100, 100), SESUAI),
        # More than half of the main ones above 100 %, none below: Di Atas.
        (main(120, 105, 100), ATAS),
        (main(130), ATAS),
        (main(101, 101, 101), ATAS),
        # One main indicator below 100 %: Di Bawah, however good the rest.
        (main(150, 150, 99.9), BAWAH),
        (main(50), BAWAH),
        # Exactly half above: Sesuai, unless an additional indicator was met.
        (main(120, 100), SESUAI),
        (main(120, 100) + extra(100), ATAS),
        (main(120, 100) + extra(80), SESUAI),
        # Additional indicators never lift a main shortfall nor lower a rating.
        (main(90) + extra(200, 200), BAWAH),
        (main(120, 110) + extra(10), ATAS),
        (main(100) + extra(150), SESUAI),  # 0 of 1 above is not half
        # Unmeasurable main indicators (target 0) are left out.
        (main(None, 100), SESUAI),
        (main(None, 120), ATAS),
        # Nothing to judge: no suggestion.
        ([], None),
        (extra(120), None),
        (main(None), None),
        # Stored kind strings work too.
        ([IndicatorAchievement("utama", 100)], SESUAI),  # type: ignore[arg-type]
    ],
)
def test_suggest_result_rating(
    indicators: list[IndicatorAchievement], expected: Rating | None
) -> None:
    assert suggest_result_rating(indicators) == expected


def test_berakhlak_values_in_order() -> None:
    assert [name for _, name in BERAKHLAK] == [
        "Berorientasi Pelayanan",
        "Akuntabel",
        "Kompeten",
        "Harmonis",
        "Loyal",
        "Adaptif",
        "Kolaboratif",
    ]
    codes = [code for code, _ in BERAKHLAK]
    assert len(set(codes)) == 7
    assert all(code.isascii() and code.islower() for code in codes)


def broken(unit_rating: OrganisationRating | str, counts: Mapping[object, int]) -> list[str]:
    return [w.rule.text for w in distribution_warning(unit_rating, counts)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("unit_rating", "counts", "expected"),
    [
        # Istimewa: most (50–70 %) Sangat Baik.
        (OrganisationRating.ISTIMEWA, {SB: 6, B: 4}, []),
        (
            OrganisationRating.ISTIMEWA,
            {SB: 8, B: 2},
            ["Sebagian besar (50–70%) pegawai berpredikat Sangat Baik"],
        ),
        (
            OrganisationRating.ISTIMEWA,
            {SB: 2, B: 8},
            ["Sebagian besar (50–70%) pegawai berpredikat Sangat Baik"],
        ),
        # Baik: most Baik, and someone Butuh Perbaikan or Kurang.
        (OrganisationRating.BAIK, {SB: 2, B: 7, BP: 1}, []),
        (OrganisationRating.BAIK, {SB: 3, B: 6, K: 1}, []),
        (
            OrganisationRating.BAIK,
            {SB: 3, B: 7},
            ["Harus ada pegawai berpredikat Butuh Perbaikan dan/atau Kurang/Misconduct"],
        ),
        (
            OrganisationRating.BAIK,
            {B: 10},
            [
                "Sebagian besar (50–70%) pegawai berpredikat Baik",
                "Harus ada pegawai berpredikat Butuh Perbaikan dan/atau Kurang/Misconduct",
            ],
        ),
        # Butuh Perbaikan: at least 60 % BP, at most 10 % SB.
        (OrganisationRating.BUTUH_PERBAIKAN, {BP: 6, B: 3, SB: 1}, []),
        (
            OrganisationRating.BUTUH_PERBAIKAN,
            {BP: 6, B: 2, SB: 2},
            ["Paling banyak 10% pegawai berpredikat Sangat Baik"],
        ),
        (
            OrganisationRating.BUTUH_PERBAIKAN,
            {BP: 5, B: 5},
            ["Minimal 60% pegawai berpredikat Butuh Perbaikan"],
        ),
        # Kurang: at least 60 % K, at least 10 % BP, at most 10 % SB.
        (OrganisationRating.KURANG, {K: 6, BP: 1, B: 2, SB: 1}, []),
        (
            OrganisationRating.KURANG,
            {K: 7, B: 3},
            ["Minimal 10% pegawai berpredikat Butuh Perbaikan"],
        ),
        # Sangat Kurang: at least 60 % SK, at least 10 % K and/or BP, no SB.
        (OrganisationRating.SANGAT_KURANG, {SK: 6, K: 1, B: 3}, []),
        (
            OrganisationRating.SANGAT_KURANG,
            {SK: 6, B: 3, SB: 1},
            [
                "Minimal 10% pegawai berpredikat Kurang/Misconduct dan/atau Butuh Perbaikan",
                "Tidak ada pegawai berpredikat Sangat Baik",
            ],
        ),
        # Stored strings as keys and as the unit rating.
        ("Butuh Perbaikan", {"Butuh Perbaikan": 6, "Baik": 4}, []),
    ],
)
def test_distribution_warning(
    unit_rating: OrganisationRating, counts: Mapping[object, int], expected: list[str]
) -> None:
    assert broken(unit_rating, counts) == expected


def test_distribution_warning_reports_the_actual_share() -> None:
    (warning,) = distribution_warning(OrganisationRating.ISTIMEWA, {SB: 8, B: 2})
    assert (warning.count, warning.total, warning.share) == (8, 10, 0.8)
    assert warning.rule.max_share == 0.7


@pytest.mark.parametrize(
    ("unit_rating", "counts"),
    [
        (OrganisationRating.BAIK, {}),  # nobody rated yet
        (OrganisationRating.BAIK, {B: 0}),
        ("Luar Biasa", {B: 3}),  # unknown unit rating
        (OrganisationRating.BAIK, {"Istimewa": 3, None: 2, B: -4}),  # junk keys and counts
    ],
)
def test_distribution_warning_never_raises(
    unit_rating: OrganisationRating | str, counts: Mapping[object, int]
) -> None:
    assert distribution_warning(unit_rating, counts) == []  # type: ignore[arg-type]
