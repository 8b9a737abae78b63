"""The questionnaire in percakapan/survei.yaml: every unsur once, its four labels pinned."""

from __future__ import annotations

import pytest

from kinerja_bot.core.models import SurveyResponse
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE, UNSUR_CODES
from kinerja_bot.survey.texts import PROFILE_COLUMNS, profile_questions, questionnaire

# The four labels for scores 1–4 of each unsur, from DESIGN §3 and the sample questionnaire
# of PermenPANRB 14/2017 (the same lists as rules/skm.py).
PINNED = {
    "U1": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "U2": ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    "U3": ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    "U4": ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    "U5": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "U6": ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    "U7": (
        "Tidak sopan dan ramah",
        "Kurang sopan dan ramah",
        "Sopan dan ramah",
        "Sangat sopan dan ramah",
    ),
    "U8": (
        "Tidak ada",
        "Ada tetapi tidak berfungsi",
        "Berfungsi kurang maksimal",
        "Dikelola dengan baik",
    ),
    "U9": ("Buruk", "Cukup", "Baik", "Sangat Baik"),
}


@pytest.mark.parametrize("code", UNSUR_CODES)
def test_each_label_list_is_pinned_to_its_unsur(code: str) -> None:
    (question,) = [q for q in questionnaire() if q.unsur == code]
    assert question.labels == PINNED[code]
    assert question.labels == UNSUR_BY_CODE[code].answer_labels


def test_every_unsur_is_asked_once_sarana_before_pengaduan() -> None:
    codes = [q.unsur for q in questionnaire()]
    assert sorted(codes) == list(UNSUR_CODES)
    # As in the regulation's sample questionnaire: sarana 8th, pengaduan 9th (keyed by code).
    assert codes[7:] == ["U9", "U8"]


def test_profile_codes_fit_their_columns_and_buttons() -> None:
    columns = SurveyResponse.__table__.c  # type: ignore[attr-defined]
    assert tuple(q.column for q in profile_questions()) == PROFILE_COLUMNS
    for question in profile_questions():
        assert len(question.options) <= 8
        for option in question.options:
            assert len(option.kode) <= columns[question.column].type.length
            assert len(option.label) <= 64
