"""Survei Kepuasan Masyarakat (SKM): unsur, NRR, IKM, mutu pelayanan and sample adequacy.

Source: PermenPANRB 14/2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara
Pelayanan Publik), its lampiran with the 9 unsur, the 1–4 answer scale, the weighted-mean
formula, the conversion table to mutu A–D and the Krejcie & Morgan sample table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kinerja_bot.core.rules.formatting import round_half_up

__all__ = [
    "IKM_DECIMALS",
    "MIN_RESPONSES_FOR_SCORE",
    "NOT_ENOUGH_DATA_LABEL",
    "SCORE_MAX",
    "SCORE_MIN",
    "UNSUR",
    "UNSUR_BY_CODE",
    "UNSUR_CODES",
    "IkmResult",
    "Mutu",
    "Unsur",
    "compute_ikm",
    "ikm",
    "ikm_unrounded",
    "mutu",
    "nrr",
    "nrr_by_unsur",
    "required_sample",
    "result_from_means",
    "sample_adequate",
    "unsur_below_b",
    "unsur_grade",
    "weakest_unsur",
]

SCORE_MIN = 1
SCORE_MAX = 4
IKM_DECIMALS = 2
# Fewer responses than this give no IKM: the bot says "belum cukup data" instead.
MIN_RESPONSES_FOR_SCORE = 5
NOT_ENOUGH_DATA_LABEL = "belum cukup data"


@dataclass(frozen=True)
class Unsur:
    """One SKM element: its code, its name and the four answer labels for scores 1, 2, 3, 4."""

    code: str
    name: str
    answer_labels: tuple[str, str, str, str]


# The 9 unsur of PermenPANRB 14/2017, lampiran, keyed by code (never by position). The
# regulation lists Penanganan Pengaduan (h) before Sarana dan Prasarana (i), while its own
# sample questionnaire, and most published SKM tools and spreadsheets, ask about sarana as
# question 8 and pengaduan as question 9: reading answers by position would swap U8 and U9.
# Answer labels follow the sample questionnaire of the same lampiran.
UNSUR: tuple[Unsur, ...] = (
    Unsur("U1", "Persyaratan", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur(
        "U2",
        "Sistem, Mekanisme, dan Prosedur",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    Unsur("U3", "Waktu Penyelesaian", ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    Unsur("U4", "Biaya/Tarif", ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    Unsur(
        "U5",
        "Produk Spesifikasi Jenis Pelayanan",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Unsur(
        "U6",
        "Kompetensi Pelaksana",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    Unsur(
        "U7",
        "Perilaku Pelaksana",
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
    ),
    Unsur(
        "U8",
        "Penanganan Pengaduan, Saran dan Masukan",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
    ),
    Unsur("U9", "Sarana dan Prasarana", ("Buruk", "Cukup", "Baik", "Sangat Baik")),
)
UNSUR_BY_CODE: Mapping[str, Unsur] = {u.code: u for u in UNSUR}
UNSUR_CODES: tuple[str, ...] = tuple(u.code for u in UNSUR)


class Mutu(StrEnum):
    """Mutu pelayanan (service quality grade) of PermenPANRB 14/2017's conversion table."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        """The kinerja unit pelayanan name of the grade, e.g. "Sangat Baik" for A."""
        return _MUTU_LABELS[self]


_MUTU_LABELS = {
    Mutu.A: "Sangat Baik",
    Mutu.B: "Baik",
    Mutu.C: "Kurang Baik",
    Mutu.D: "Tidak Baik",
}

# Lower bounds of the conversion table (nilai interval konversi, IKM 25–100), best first.
_IKM_LOWER_BOUNDS: tuple[tuple[float, Mutu], ...] = (
    (88.31, Mutu.A),
    (76.61, Mutu.B),
    (65.00, Mutu.C),
)
# Lower bounds of the same table on the 1–4 scale (nilai interval, NI), for one unsur's NRR:
# 3.5324–4.00 A, 3.0644–3.532 B, 2.60–3.064 C, 1.00–2.5996 D.
_NRR_LOWER_BOUNDS: tuple[tuple[float, Mutu], ...] = (
    (3.5324, Mutu.A),
    (3.0644, Mutu.B),
    (2.60, Mutu.C),
)


def _check_code(code: str) -> None:
    if code not in UNSUR_BY_CODE:
        raise ValueError(f"unknown SKM unsur code {code!r}; expected one of {UNSUR_CODES}")


def _check_score(code: str, score: int) -> None:
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"SKM score for {code} must be an integer 1–4, got {score!r}")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(f"SKM score for {code} must be 1–4, got {score}")


def nrr(scores: Iterable[int]) -> float | None:
    """Return the nilai rata-rata (NRR) of one unsur: the mean of its 1–4 scores, unrounded.

    None when there is no score. Source: PermenPANRB 14/2017, lampiran: NRR per unsur = total
    nilai persepsi per unsur / total kuesioner yang terisi.
    """
    values = list(scores)
    if not values:
        return None
    return sum(values) / len(values)


def ikm_unrounded(nrr_by_unsur: Mapping[str, float]) -> float:
    """Return the IKM at full precision: Σ (NRR × bobot) × 25, bobot = 1 / number of unsur.

    With the 9 unsur the bobot is 1/9 (the regulation's "0,111" is that fraction, not a
    rounded weight: rounding it would move the index). Source: PermenPANRB 14/2017, lampiran.
    """
    if not nrr_by_unsur:
        raise ValueError("IKM needs the NRR of at least one unsur")
    for code in nrr_by_unsur:
        _check_code(code)
    # Σ (NRR × 1/n) computed as (Σ NRR) / n: the same sum with one division, less float noise.
    return math.fsum(nrr_by_unsur.values()) / len(nrr_by_unsur) * 25


def ikm(nrr_by_unsur: Mapping[str, float]) -> float:
    """Return the IKM (25–100) rounded half-up to 2 decimals, the value shown and graded.

    Only the result is rounded; NRR and weights keep full precision (see `ikm_unrounded`).
    Source: PermenPANRB 14/2017, lampiran (IKM unit pelayanan = Σ NRR tertimbang × 25).
    """
    return round_half_up(ikm_unrounded(nrr_by_unsur), IKM_DECIMALS)


def mutu(ikm_value: float) -> Mutu:
    """Return the mutu pelayanan of a rounded IKM value (25–100).

    ≥ 88.31 A (Sangat Baik), ≥ 76.61 B (Baik), ≥ 65.00 C (Kurang Baik), else D (Tidak Baik).
    Source: PermenPANRB 14/2017, lampiran, tabel nilai persepsi, interval dan konversi.
    """
    for lower, grade in _IKM_LOWER_BOUNDS:
        if ikm_value >= lower:
            return grade
    return Mutu.D


def unsur_grade(nrr_value: float) -> Mutu:
    """Return the letter of one unsur's NRR on the 1–4 scale, from the same conversion table.

    ≥ 3.5324 A, ≥ 3.0644 B, ≥ 2.60 C, else D; an NRR in a gap of the printed table (e.g.
    3.0642, between 3.064 and 3.0644) takes the lower letter. Used to flag "unsur below B" in
    the needs analysis. Source: PermenPANRB 14/2017, lampiran (nilai interval).
    """
    for lower, grade in _NRR_LOWER_BOUNDS:
        if nrr_value >= lower:
            return grade
    return Mutu.D


def unsur_below_b(nrr_by_unsur: Mapping[str, float]) -> tuple[str, ...]:
    """Return the codes of unsur whose NRR grades C or D, in code order (U1 … U9).

    Source: PermenPANRB 14/2017 (units follow up on weak unsur); DESIGN §3 needs analysis.
    """
    return tuple(
        code
        for code in UNSUR_CODES
        if code in nrr_by_unsur and unsur_grade(nrr_by_unsur[code]) in (Mutu.C, Mutu.D)
    )


def weakest_unsur(nrr_by_unsur: Mapping[str, float]) -> str | None:
    """Return the code of the unsur with the lowest NRR (ties: the lowest code), or None.

    Source: PermenPANRB 14/2017 (the lowest-scoring unsur is the first to improve).
    """
    present = [code for code in UNSUR_CODES if code in nrr_by_unsur]
    if not present:
        return None
    return min(present, key=lambda code: nrr_by_unsur[code])


def nrr_by_unsur(responses: Iterable[Mapping[str, int]]) -> tuple[int, dict[str, float]]:
    """Return (number of responses, NRR per unsur code) from responses keyed by unsur code.

    A response may skip an unsur: that unsur's NRR is the mean over the responses that answered
    it, and an unsur nobody answered is left out. Unknown codes and scores outside 1–4 raise
    ValueError. Source: PermenPANRB 14/2017, lampiran (NRR per unsur).
    """
    totals = dict.fromkeys(UNSUR_CODES, 0)
    counts = dict.fromkeys(UNSUR_CODES, 0)
    respondents = 0
    for response in responses:
        respondents += 1
        for code, score in response.items():
            _check_code(code)
            _check_score(code, score)
            totals[code] += score
            counts[code] += 1
    means = {code: totals[code] / counts[code] for code in UNSUR_CODES if counts[code]}
    return respondents, means


@dataclass(frozen=True)
class IkmResult:
    """The SKM result of one service or unit over one period.

    `ikm`, `ikm_unrounded`, `mutu` and `weakest_unsur` are None when the index may not be
    published: fewer than MIN_RESPONSES_FOR_SCORE responses ("belum cukup data"), or an unsur
    nobody answered (`unanswered` lists it: an IKM over fewer unsur is a different index, and
    PermenPANRB 14/2017 computes it over all of them). `nrr` is always filled.
    """

    respondents: int
    nrr: Mapping[str, float]
    ikm: float | None
    ikm_unrounded: float | None
    mutu: Mutu | None
    weakest_unsur: str | None
    unsur_below_b: tuple[str, ...] = field(default=())
    unanswered: tuple[str, ...] = field(default=())

    @property
    def enough_data(self) -> bool:
        """Whether the IKM may be published (enough responses, every unsur answered)."""
        return self.ikm is not None

    @property
    def too_few_respondents(self) -> bool:
        return self.respondents < MIN_RESPONSES_FOR_SCORE


def result_from_means(respondents: int, means: Mapping[str, float]) -> IkmResult:
    """The SKM result from the number of responses and the NRR per unsur code.

    Steps of PermenPANRB 14/2017, lampiran: weighted sum × 25, rounding of the result only,
    mutu from the conversion table. Withheld (no IKM, no mutu) with fewer than
    MIN_RESPONSES_FOR_SCORE responses (a bot rule: one or two answers are not a survey) or when
    an unsur has no answer at all (DESIGN §3 Publishing SKM: such an IKM is not published).
    """
    unanswered = tuple(code for code in UNSUR_CODES if code not in means)
    if respondents < MIN_RESPONSES_FOR_SCORE or unanswered:
        return IkmResult(respondents, means, None, None, None, None, unanswered=unanswered)
    raw = ikm_unrounded(means)
    shown = round_half_up(raw, IKM_DECIMALS)
    return IkmResult(
        respondents=respondents,
        nrr=means,
        ikm=shown,
        ikm_unrounded=raw,
        mutu=mutu(shown),
        weakest_unsur=weakest_unsur(means),
        unsur_below_b=unsur_below_b(means),
    )


def compute_ikm(responses: Iterable[Mapping[str, int]]) -> IkmResult:
    """Compute the full SKM result from responses, each a mapping unsur code → score 1–4
    (see `nrr_by_unsur` and `result_from_means`)."""
    return result_from_means(*nrr_by_unsur(responses))


# Krejcie & Morgan (1970), as adopted by PermenPANRB 14/2017: 95 % confidence, margin 5 %.
_CHI_SQUARE = 3.841
_PROPORTION = 0.5
_MARGIN = 0.05


def required_sample(population: int | None) -> int:
    """Return the minimum number of respondents for a population (Krejcie & Morgan).

    s = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)), χ² = 3.841, P = 0.5, d = 0.05, rounded to the
    nearest whole respondent (half up): that rounding reproduces every value of the published
    table (10 → 10, 50 → 44, 100 → 80, 500 → 217, 1,000 → 278, 10,000 → 370,
    100,000 → 383), where rounding up would give 45 for 50. A population of 0 or less needs 0;
    None (unknown or very large) gives the limit χ²P(1−P)/d² ≈ 384.
    Source: PermenPANRB 14/2017, lampiran (tabel Krejcie dan Morgan).
    """
    spread = _CHI_SQUARE * _PROPORTION * (1 - _PROPORTION)
    if population is None:
        return math.floor(spread / _MARGIN**2 + 0.5)
    if population <= 0:
        return 0
    sample = spread * population / (_MARGIN**2 * (population - 1) + spread)
    return math.floor(sample + 0.5)


def sample_adequate(respondents: int, population: int | None) -> bool:
    """Return whether `respondents` reaches the Krejcie & Morgan minimum ("responden cukup").

    Source: PermenPANRB 14/2017, lampiran (penentuan sampel); see `required_sample`.
    """
    return respondents >= required_sample(population)
