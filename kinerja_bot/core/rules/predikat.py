"""Predikat kinerja: ratings, the 3×3 matrix, a suggested result rating and distribution checks.

Source: PermenPANRB 6/2022 (pengelolaan kinerja pegawai ASN) and its lampiran: rating hasil
kerja × rating perilaku kerja → predikat kinerja; the BerAKHLAK core values. The pattern of
predikat distribution that follows the organisation's own rating comes from SE MenPANRB 3/2023
(Surat Edaran on the pola distribusi predikat kinerja pegawai). The bot only suggests; the
atasan (pejabat penilai kinerja) decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kinerja_bot.core.models import IndicatorKind

__all__ = [
    "BERAKHLAK",
    "DISTRIBUTION_RULES",
    "EXCEEDS_ABOVE_PCT",
    "MEETS_MIN_PCT",
    "PREDIKAT_MATRIX",
    "DistributionRule",
    "DistributionWarning",
    "IndicatorAchievement",
    "OrganisationRating",
    "Predikat",
    "Rating",
    "distribution_warning",
    "predikat",
    "suggest_result_rating",
]


class Rating(StrEnum):
    """Rating hasil kerja or rating perilaku kerja (PermenPANRB 6/2022)."""

    DI_ATAS = "Di Atas Ekspektasi"
    SESUAI = "Sesuai Ekspektasi"
    DI_BAWAH = "Di Bawah Ekspektasi"


class Predikat(StrEnum):
    """Predikat kinerja pegawai (PermenPANRB 6/2022), best first."""

    SANGAT_BAIK = "Sangat Baik"
    BAIK = "Baik"
    BUTUH_PERBAIKAN = "Butuh Perbaikan"
    KURANG = "Kurang/Misconduct"
    SANGAT_KURANG = "Sangat Kurang"


class OrganisationRating(StrEnum):
    """Predikat kinerja organisasi of a unit, which frames its employees' distribution."""

    ISTIMEWA = "Istimewa"
    BAIK = "Baik"
    BUTUH_PERBAIKAN = "Butuh Perbaikan"  # also written "Butuh Perbaikan/Cukup"
    KURANG = "Kurang"
    SANGAT_KURANG = "Sangat Kurang"


# (rating hasil kerja, rating perilaku kerja) → predikat; PermenPANRB 6/2022, lampiran.
PREDIKAT_MATRIX: Mapping[tuple[Rating, Rating], Predikat] = {
    (Rating.DI_ATAS, Rating.DI_ATAS): Predikat.SANGAT_BAIK,
    (Rating.DI_ATAS, Rating.SESUAI): Predikat.BAIK,
    (Rating.DI_ATAS, Rating.DI_BAWAH): Predikat.KURANG,
    (Rating.SESUAI, Rating.DI_ATAS): Predikat.BAIK,
    (Rating.SESUAI, Rating.SESUAI): Predikat.BAIK,
    (Rating.SESUAI, Rating.DI_BAWAH): Predikat.KURANG,
    (Rating.DI_BAWAH, Rating.DI_ATAS): Predikat.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.SESUAI): Predikat.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.DI_BAWAH): Predikat.SANGAT_KURANG,
}

# The 7 core values of ASN behaviour (BerAKHLAK), in their official order: (code, name).
# Source: SE MenPANRB 20/2021 (core values ASN), used as perilaku kerja by PermenPANRB 6/2022.
BERAKHLAK: tuple[tuple[str, str], ...] = (
    ("berorientasi_pelayanan", "Berorientasi Pelayanan"),
    ("akuntabel", "Akuntabel"),
    ("kompeten", "Kompeten"),
    ("harmonis", "Harmonis"),
    ("loyal", "Loyal"),
    ("adaptif", "Adaptif"),
    ("kolaboratif", "Kolaboratif"),
)


def predikat(hasil: Rating, perilaku: Rating) -> Predikat:
    """Return the predikat kinerja for a rating hasil kerja and a rating perilaku kerja.

    Source: PermenPANRB 6/2022, lampiran (kurva/matriks predikat kinerja pegawai), as tabled
    in DESIGN §3: behaviour below expectation is Kurang/Misconduct whatever the result
    (Sangat Kurang when the result is also below); a result below expectation is Butuh
    Perbaikan unless behaviour is below too.
    """
    return PREDIKAT_MATRIX[(Rating(hasil), Rating(perilaku))]


# --- Suggested rating hasil kerja -------------------------------------------------------------

# A main indicator meets the expectation at or above this achievement (the agreed target).
MEETS_MIN_PCT = 100.0
# An indicator exceeds the expectation strictly above this achievement.
EXCEEDS_ABOVE_PCT = 100.0
_EPSILON = 1e-9


@dataclass(frozen=True)
class IndicatorAchievement:
    """One indicator's kind (utama/tambahan) and achievement in percent (None: not measurable)."""

    kind: IndicatorKind
    achievement_pct: float | None


def suggest_result_rating(indicators: Sequence[IndicatorAchievement]) -> Rating | None:
    """Suggest a rating hasil kerja from the achievements of the year's indicators.

    A bot rule, since PermenPANRB 6/2022 leaves the rating to the atasan's judgement of the
    achievements and evidence (docs/rules.md gives the reasons):
    - only measurable main (utama) indicators decide; none → None (no suggestion);
    - Di Bawah Ekspektasi when any main indicator is below 100 % (MEETS_MIN_PCT);
    - Di Atas Ekspektasi when all main indicators reach 100 % and more than half of them are
      above 100 % (EXCEEDS_ABOVE_PCT); when exactly half are above, one additional (tambahan)
      indicator at 100 % or more tips it to Di Atas;
    - otherwise Sesuai Ekspektasi.
    Additional indicators never lower the rating: extra work done is a plus, not a duty.
    """
    main = [
        i.achievement_pct
        for i in indicators
        if IndicatorKind(i.kind) is IndicatorKind.MAIN and i.achievement_pct is not None
    ]
    if not main:
        return None
    if any(pct + _EPSILON < MEETS_MIN_PCT for pct in main):
        return Rating.DI_BAWAH
    exceeding = sum(1 for pct in main if pct > EXCEEDS_ABOVE_PCT + _EPSILON)
    if exceeding * 2 > len(main):
        return Rating.DI_ATAS
    additional_met = any(
        IndicatorKind(i.kind) is IndicatorKind.ADDITIONAL
        and i.achievement_pct is not None
        and i.achievement_pct + _EPSILON >= MEETS_MIN_PCT
        for i in indicators
    )
    if exceeding * 2 == len(main) and additional_met:
        return Rating.DI_ATAS
    return Rating.SESUAI


# --- Distribution of predikat within a unit ---------------------------------------------------


@dataclass(frozen=True)
class DistributionRule:
    """A bound on the share of a unit's employees holding one of `predikats`.

    `min_share`/`max_share` are fractions (0.6 = 60 %), inclusive; `at_least_one` asks for at
    least one such employee ("harus ada"). `text` restates the rule in Indonesian.
    """

    predikats: frozenset[Predikat]
    text: str
    min_share: float | None = None
    max_share: float | None = None
    at_least_one: bool = False


@dataclass(frozen=True)
class DistributionWarning:
    """A distribution rule the unit's predikat counts break; shown to the atasan as advice."""

    unit_rating: OrganisationRating
    rule: DistributionRule
    count: int
    total: int

    @property
    def share(self) -> float:
        """The actual share (0–1) of employees holding one of the rule's predikat."""
        return self.count / self.total if self.total else 0.0


_SB, _B, _BP, _K, _SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)

# Pola distribusi predikat kinerja pegawai by predikat kinerja organisasi. Source: SE MenPANRB
# 3/2023 (the circular that sets the distribution pattern for PermenPANRB 6/2022's predikat);
# figures taken from a secondary restatement (see docs/rules.md).
# "Sebagian besar (maksimal 70 %)" is read as 50–70 % inclusive.
DISTRIBUTION_RULES: Mapping[OrganisationRating, tuple[DistributionRule, ...]] = {
    OrganisationRating.ISTIMEWA: (
        DistributionRule(
            frozenset({_SB}),
            "Sebagian besar (50–70%) pegawai berpredikat Sangat Baik",
            min_share=0.5,
            max_share=0.7,
        ),
    ),
    OrganisationRating.BAIK: (
        DistributionRule(
            frozenset({_B}),
            "Sebagian besar (50–70%) pegawai berpredikat Baik",
            min_share=0.5,
            max_share=0.7,
        ),
        DistributionRule(
            frozenset({_BP, _K}),
            "Harus ada pegawai berpredikat Butuh Perbaikan dan/atau Kurang/Misconduct",
            at_least_one=True,
        ),
    ),
    OrganisationRating.BUTUH_PERBAIKAN: (
        DistributionRule(
            frozenset({_BP}),
            "Minimal 60% pegawai berpredikat Butuh Perbaikan",
            min_share=0.6,
        ),
        DistributionRule(
            frozenset({_SB}),
            "Paling banyak 10% pegawai berpredikat Sangat Baik",
            max_share=0.1,
        ),
    ),
    OrganisationRating.KURANG: (
        DistributionRule(
            frozenset({_K}),
            "Minimal 60% pegawai berpredikat Kurang/Misconduct",
            min_share=0.6,
        ),
        DistributionRule(
            frozenset({_BP}),
            "Minimal 10% pegawai berpredikat Butuh Perbaikan",
            min_share=0.1,
        ),
        DistributionRule(
            frozenset({_SB}),
            "Paling banyak 10% pegawai berpredikat Sangat Baik",
            max_share=0.1,
        ),
    ),
    OrganisationRating.SANGAT_KURANG: (
        DistributionRule(
            frozenset({_SK}),
            "Minimal 60% pegawai berpredikat Sangat Kurang",
            min_share=0.6,
        ),
        DistributionRule(
            frozenset({_K, _BP}),
            "Minimal 10% pegawai berpredikat Kurang/Misconduct dan/atau Butuh Perbaikan",
            min_share=0.1,
        ),
        DistributionRule(
            frozenset({_SB}),
            "Tidak ada pegawai berpredikat Sangat Baik",
            max_share=0.0,
        ),
    ),
}


def _as_predikat(key: object) -> Predikat | None:
    if not isinstance(key, str):
        return None
    try:
        return Predikat(key)
    except ValueError:
        return None


def _breaks(rule: DistributionRule, count: int, total: int) -> bool:
    share = count / total
    if rule.at_least_one and count == 0:
        return True
    if rule.min_share is not None and share + _EPSILON < rule.min_share:
        return True
    return rule.max_share is not None and share > rule.max_share + _EPSILON


def distribution_warning(
    unit_rating: OrganisationRating | str,
    predikat_counts: Mapping[Predikat, int] | Mapping[str, int],
) -> list[DistributionWarning]:
    """Return the distribution rules that the unit's predikat counts break (empty when none).

    Advice for the atasan before the predikat are fixed, per SE MenPANRB 3/2023's pattern of
    distribution for the unit's own rating (DISTRIBUTION_RULES). Never raises: an unknown unit
    rating, unknown predikat names, negative counts or an empty unit give no warnings.
    """
    try:
        rating = OrganisationRating(unit_rating)
    except ValueError:
        return []
    counts: dict[Predikat, int] = dict.fromkeys(Predikat, 0)
    for key, value in predikat_counts.items():
        grade = _as_predikat(key)
        if grade is not None and isinstance(value, int) and value > 0:
            counts[grade] += value
    total = sum(counts.values())
    if total == 0:
        return []
    warnings = []
    for rule in DISTRIBUTION_RULES[rating]:
        count = sum(counts[p] for p in rule.predikats)
        if _breaks(rule, count, total):
            warnings.append(DistributionWarning(rating, rule, count, total))
    return warnings
