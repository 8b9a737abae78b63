"""SKM: unsur by code, NRR, IKM, mutu, the regulation's worked example, sample adequacy."""

from __future__ import annotations

import pytest

from kinerja_bot.core.rules.skm import (
    MIN_RESPONSES_FOR_SCORE,
    UNSUR,
    UNSUR_BY_CODE,
    UNSUR_CODES,
    Mutu,
    compute_ikm,
    ikm,
    ikm_unrounded,
    mutu,
    nrr,
    required_sample,
    sample_adequate,
    unsur_below_b,
    unsur_grade,
    weakest_unsur,
)

# PermenPANRB 14/2017 worked example: 29 respondents, score sums per unsur U1…U9.
EXAMPLE_SUMS = {
    "U1": 105,
    "U2": 101,
    "U3": 100,
    "U4": 116,
    "U5": 102,
    "U6": 105,
    "U7": 106,
    "U8": 105,
    "U9": 115,
}
EXAMPLE_RESPONDENTS = 29


def example_responses() -> list[dict[str, int]]:
    """29 concrete responses with the example's sums: sum − 87 respondents gave a 4, others 3."""
    responses = []
    for respondent in range(EXAMPLE_RESPONDENTS):
        fours = {code: total - 3 * EXAMPLE_RESPONDENTS for code, total in EXAMPLE_SUMS.items()}
        responses.append({code: 4 if respondent < fours[code] else 3 for code in UNSUR_CODES})
    return responses


def uniform_responses(count: int, score: int) -> list[dict[str, int]]:
    return [dict.fromkeys(UNSUR_CODES, score) for _ in range(count)]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("U1", "Persyaratan"),
        ("U2", "Sistem, Mekanisme, dan Prosedur"),
        ("U3", "Waktu Penyelesaian"),
        ("U4", "Biaya/Tarif"),
        ("U5", "Produk Spesifikasi Jenis Pelayanan"),
        ("U6", "Kompetensi Pelaksana"),
        ("U7", "Perilaku Pelaksana"),
        ("U8", "Penanganan Pengaduan, Saran dan Masukan"),
        ("U9", "Sarana dan Prasarana"),
    ],
)
def test_unsur_names_by_code(code: str, name: str) -> None:
    assert UNSUR_BY_CODE[code].name == name


def test_there_are_nine_unsur_in_code_order() -> None:
    assert UNSUR_CODES == ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
    assert len(UNSUR) == 9


@pytest.mark.parametrize(
    ("code", "labels"),
    [
        ("U1", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
        ("U2", ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
        ("U3", ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
        ("U4", ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
        ("U5", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
        ("U6", ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
        (
            "U7",
            (
                "Tidak sopan dan ramah",
                "Kurang sopan dan ramah",
                "Sopan dan ramah",
                "Sangat sopan dan ramah",
            ),
        ),
        (
            "U8",
            (
                "Tidak ada",
                "Ada tetapi tidak berfungsi",
                "Berfungsi kurang maksimal",
                "Dikelola dengan baik",
            ),
        ),
        ("U9", ("Buruk", "Cukup", "Baik", "Sangat Baik")),
    ],
)
def test_answer_labels_are_pinned_to_their_unsur(code: str, labels: tuple[str, ...]) -> None:
    # Scores 1, 2, 3, 4 in this order.
    assert UNSUR_BY_CODE[code].answer_labels == labels


def test_worked_example_from_score_sums() -> None:
    nrr_by_unsur = {code: total / EXAMPLE_RESPONDENTS for code, total in EXAMPLE_SUMS.items()}
    assert ikm(nrr_by_unsur) == 91.48
    assert ikm_unrounded(nrr_by_unsur) == pytest.approx(23875 / 261)  # 91.4751
    assert mutu(ikm(nrr_by_unsur)) is Mutu.A
    assert mutu(ikm(nrr_by_unsur)).label == "Sangat Baik"


def test_worked_example_from_29_responses() -> None:
    responses = example_responses()
    sums = {code: sum(r[code] for r in responses) for code in UNSUR_CODES}
    assert sums == EXAMPLE_SUMS

    result = compute_ikm(responses)

    assert result.respondents == 29
    assert result.ikm == 91.48
    assert result.mutu is Mutu.A
    assert result.enough_data
    assert result.nrr["U4"] == 4.0
    assert result.nrr["U3"] == pytest.approx(3.448, abs=1e-3)
    assert result.weakest_unsur == "U3"  # Waktu Penyelesaian
    assert result.unsur_below_b == ()


def test_answers_are_read_by_code_not_by_position() -> None:
    shuffled = [dict(reversed(list(r.items()))) for r in example_responses()]
    assert compute_ikm(shuffled).nrr == compute_ikm(example_responses()).nrr
    # Swap what U8 and U9 received: the NRR follow the codes.
    swapped = [{**r, "U8": r["U9"], "U9": r["U8"]} for r in example_responses()]
    result = compute_ikm(swapped)
    assert result.nrr["U8"] == pytest.approx(115 / 29)
    assert result.nrr["U9"] == pytest.approx(105 / 29)


@pytest.mark.parametrize(
    ("value", "grade", "label"),
    [
        (100.0, Mutu.A, "Sangat Baik"),
        (88.31, Mutu.A, "Sangat Baik"),
        (88.30, Mutu.B, "Baik"),
        (76.61, Mutu.B, "Baik"),
        (76.60, Mutu.C, "Kurang Baik"),
        (65.00, Mutu.C, "Kurang Baik"),
        (64.99, Mutu.D, "Tidak Baik"),
        (25.0, Mutu.D, "Tidak Baik"),
    ],
)
def test_mutu_on_the_rounded_index(value: float, grade: Mutu, label: str) -> None:
    assert mutu(value) is grade
    assert mutu(value).label == label


@pytest.mark.parametrize(
    ("nrr_value", "grade"),
    [
        (4.0, Mutu.A),
        (3.5324, Mutu.A),
        (3.5323, Mutu.B),
        (3.0644, Mutu.B),
        (3.0642, Mutu.C),  # in the printed table's gap 3.064–3.0644: the lower letter
        (2.60, Mutu.C),
        (2.5999, Mutu.D),
        (1.0, Mutu.D),
    ],
)
def test_unsur_grade(nrr_value: float, grade: Mutu) -> None:
    assert unsur_grade(nrr_value) is grade


def test_only_the_result_is_rounded() -> None:
    # NRR 3.0644 everywhere is IKM 76.61 (B); NRR rounded first to 3.06 would give 76.50 (C).
    nrr_by_unsur = dict.fromkeys(UNSUR_CODES, 3.0644)
    assert ikm(nrr_by_unsur) == 76.61
    assert mutu(ikm(nrr_by_unsur)) is Mutu.B


def test_ikm_rounds_half_up() -> None:
    # 8 respondents, 9 answers of 4 and 63 of 3: NRR 3.125, IKM 78.125 → shown 78.13.
    responses = uniform_responses(8, 3)
    responses[0] = dict.fromkeys(UNSUR_CODES, 4)
    result = compute_ikm(responses)
    assert result.ikm_unrounded == pytest.approx(78.125)
    assert result.ikm == 78.13


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, None), (1, None), (MIN_RESPONSES_FOR_SCORE - 1, None), (MIN_RESPONSES_FOR_SCORE, 75.0)],
)
def test_too_few_responses_give_no_index(count: int, shown: float | None) -> None:
    result = compute_ikm(uniform_responses(count, 3))
    assert result.respondents == count
    assert result.ikm == shown
    assert result.enough_data is (shown is not None)
    if shown is None:
        assert result.mutu is None
        assert result.weakest_unsur is None


def test_weak_unsur_are_flagged_for_the_needs_analysis() -> None:
    responses = uniform_responses(10, 4)
    for response in responses[:6]:
        response["U6"] = 2  # Kompetensi Pelaksana: NRR 2.8 (C)
    for response in responses[:9]:
        response["U7"] = 1  # Perilaku Pelaksana: NRR 1.3 (D)
    result = compute_ikm(responses)
    assert result.unsur_below_b == ("U6", "U7")
    assert result.weakest_unsur == "U7"
    assert unsur_grade(result.nrr["U6"]) is Mutu.C


def test_partial_responses_average_over_answered_questions() -> None:
    responses = [*uniform_responses(4, 4), {"U1": 2}]
    result = compute_ikm(responses)
    assert result.respondents == 5
    assert result.nrr["U1"] == pytest.approx(3.6)  # (4 × 4 + 2) / 5
    assert result.nrr["U2"] == 4.0  # (4 × 4) / 4


def test_an_unsur_nobody_answered_withholds_the_index() -> None:
    # Enough respondents, but nobody answered U9: an IKM over 8 unsur is not the regulation's
    # index, so it is flagged and never published as a number (DESIGN §3 Publishing SKM).
    responses = [{code: 4 for code in UNSUR_CODES if code != "U9"} for _ in range(10)]
    result = compute_ikm(responses)
    assert result.respondents == 10
    assert result.unanswered == ("U9",)
    assert result.ikm is None
    assert result.mutu is None
    assert not result.enough_data
    assert not result.too_few_respondents
    assert result.nrr["U1"] == 4.0


def test_unsur_nobody_answered_is_left_out() -> None:
    assert nrr([]) is None
    assert weakest_unsur({}) is None
    assert unsur_below_b({"U1": 2.0, "U2": 3.9}) == ("U1",)


@pytest.mark.parametrize(
    "response",
    [{"U1": 5}, {"U1": 0}, {"U10": 3}, {"1": 3}, {"U1": 2.5}, {"U1": True}],
)
def test_invalid_answers_are_rejected(response: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        compute_ikm([response])


@pytest.mark.parametrize(
    ("population", "sample"),
    [
        (10, 10),
        (20, 19),
        (50, 44),
        (75, 63),
        (100, 80),
        (150, 108),
        (200, 132),
        (500, 217),
        (1_000, 278),
        (2_000, 322),
        (5_000, 357),
        (10_000, 370),
        (20_000, 377),
        (50_000, 381),
        (100_000, 383),
        (1_000_000, 384),
        (1, 1),
        (0, 0),
        (None, 384),  # unknown population: the large-population limit
    ],
)
def test_required_sample_matches_krejcie_morgan_table(population: int | None, sample: int) -> None:
    assert required_sample(population) == sample


@pytest.mark.parametrize(
    ("respondents", "population", "adequate"),
    [(80, 100, True), (79, 100, False), (278, 1_000, True), (277, 1_000, False), (384, None, True)],
)
def test_sample_adequate(respondents: int, population: int | None, adequate: bool) -> None:
    assert sample_adequate(respondents, population) is adequate
