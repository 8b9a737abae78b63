"""/kompetensi (PermenPANRB 6/2022, Format B.1.9): the atasan scores each competency of a
subordinate 1–5 with a reason; the ASN receives the scores. The rule `scored` is pure."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import CompetencyAssessment, CompetencyType, Employee, id_of
from kinerja_bot.core.rules.periods import parse_period
from kinerja_bot.core.vocabulary import competency_label
from kinerja_bot.evaluation.competency import (
    REASON_MAX_CHARS,
    CompetencyScore,
    IncompleteAssessment,
    scored,
)
from kinerja_bot.evaluation.competency_handlers import TEXTS, described
from kinerja_bot.general import TEXTS as GENERAL
from tests.conftest import RunningBot
from tests.evaluation.test_conversation import ATASAN, OUTSIDER, PERIOD, SITI, linked, press, team

TITLE = parse_period(PERIOD).title
ANSWERS = {
    CompetencyType.TECHNICAL: (4, "Menguasai aplikasi SIAK"),
    CompetencyType.MANAGERIAL: (3, "Perlu belajar menyusun jadwal tim"),
    CompetencyType.SOCIO_CULTURAL: (5, "Ramah & sabar kepada warga <semua>"),
}


def test_scored_needs_every_competency_with_a_score_and_a_reason() -> None:
    scores = {kind.value: score for kind, (score, _) in ANSWERS.items()}
    reasons = {kind.value: f"  {reason} " for kind, (_, reason) in ANSWERS.items()}
    assert scored(scores, reasons) == [
        CompetencyScore(kind, score, reason) for kind, (score, reason) in ANSWERS.items()
    ]
    for broken_scores, broken_reasons in (
        ({**scores, "teknis": 6}, reasons),
        ({**scores, "teknis": 0}, reasons),
        ({k: v for k, v in scores.items() if k != "manajerial"}, reasons),
        (scores, {**reasons, "sosial-kultural": "   "}),
        (scores, {**reasons, "teknis": "x" * (REASON_MAX_CHARS + 1)}),
    ):
        with pytest.raises(IncompleteAssessment):
            scored(broken_scores, broken_reasons)


async def saved_rows(database: Database, employee: Employee) -> list[CompetencyAssessment]:
    async with database.session() as session:
        statement = (
            select(CompetencyAssessment)
            .where(CompetencyAssessment.employee_id == employee.id)
            .order_by(col(CompetencyAssessment.id))
        )
        return list((await session.exec(statement)).all())


async def test_an_atasan_scores_a_subordinate_and_the_asn_receives_it(
    bot: RunningBot, database: Database
) -> None:
    data = await team(database)
    linked(bot.api, SITI)
    (listing,) = await bot.say(ATASAN, f"/kompetensi {PERIOD}")
    assert listing.text == TEXTS.get("pilih_pegawai", periode=TITLE)
    assert listing.button_labels == ["Budi Santoso", "Siti Rahmawati"]

    question = await press(bot, ATASAN, listing, "Siti Rahmawati")
    for number, (kind, (score, reason)) in enumerate(ANSWERS.items(), start=1):
        assert question.text == TEXTS.get(
            "tanya_skor",
            nama="Siti Rahmawati",
            nomor=number,
            jumlah=3,
            kompetensi=competency_label(kind),
        )
        assert question.button_labels == ["1", "2", "3", "4", "5"]
        asked = await press(bot, ATASAN, question, str(score))
        assert asked.text == TEXTS.get(
            "tanya_alasan", kompetensi=competency_label(kind), skor=score, batas=REASON_MAX_CHARS
        )
        if number == 1:  # a photo where the reason is typed: told to type it, not to press
            bot.api.send_photo(ATASAN)
            told = await bot.api.next_message(ATASAN)
            assert told.plain_text == TEXTS.get("alasan_teks")
        (question,) = await bot.say(ATASAN, reason)
    summary = question
    expected = [CompetencyScore(kind, score, reason) for kind, (score, reason) in ANSWERS.items()]
    assert summary.text == TEXTS.get(
        "ringkasan", periode=TITLE, nama="Siti Rahmawati", rincian=described(expected)
    )
    assert "Ramah &amp; sabar kepada warga &lt;semua&gt;" in str(described(expected))
    assert await saved_rows(database, data.siti) == []

    saved = await press(bot, ATASAN, summary, TEXTS.get("tombol_simpan"))
    assert saved.text == TEXTS.get("tersimpan", nama="Siti Rahmawati", periode=TITLE)
    told = await bot.api.next_message(SITI)
    assert told.text == TEXTS.get(
        "diterima", periode=TITLE, atasan="Hendra Gunawan", rincian=described(expected)
    )
    rows = await saved_rows(database, data.siti)
    assert [(r.kompetensi, r.score, r.reason, r.period) for r in rows] == [
        (kind.value, score, reason, PERIOD) for kind, (score, reason) in ANSWERS.items()
    ]
    assert {r.decided_by_id for r in rows} == {id_of(data.atasan)}

    # Scored again for the same period: the rows are replaced, not added.
    (listing,) = await bot.say(ATASAN, f"/kompetensi {PERIOD}")
    question = await press(bot, ATASAN, listing, "Siti Rahmawati")
    for _ in ANSWERS:
        await press(bot, ATASAN, question, "2")
        (question,) = await bot.say(ATASAN, "Menurun")
    await press(bot, ATASAN, question, TEXTS.get("tombol_simpan"))
    rows = await saved_rows(database, data.siti)
    assert [(r.score, r.reason) for r in rows] == [(2, "Menurun")] * 3


async def test_batal_on_the_summary_saves_nothing(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    (listing,) = await bot.say(ATASAN, f"/kompetensi {PERIOD}")
    question = await press(bot, ATASAN, listing, "Budi Santoso")
    for _ in ANSWERS:
        await press(bot, ATASAN, question, "3")
        (question,) = await bot.say(ATASAN, "Cukup")
    dropped = await press(bot, ATASAN, question, TEXTS.get("tombol_batal"))
    assert dropped.text == TEXTS.get("dibatalkan")
    assert await saved_rows(database, data.budi) == []


async def test_someone_who_is_not_an_atasan_is_refused(bot: RunningBot, database: Database) -> None:
    await team(database)
    (refusal,) = await bot.say(SITI, "/kompetensi")
    assert refusal.text == TEXTS.get("bukan_atasan")
    (refusal,) = await bot.say(OUTSIDER, f"/kompetensi {PERIOD}")
    assert refusal.text == TEXTS.get("bukan_atasan")


async def test_a_forged_press_for_someone_elses_subordinate_is_refused(
    bot: RunningBot, database: Database
) -> None:
    data = await team(database)
    (listing,) = await bot.say(ATASAN, f"/kompetensi {PERIOD}")
    query = bot.api.press_button(ATASAN, listing, f"komp:e:{id_of(data.outsider)}", check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_bukan_bawahan")
    assert bot.api.unread(ATASAN) == []

    # Siti moves to another atasan before the scores are saved: Simpan is refused.
    question = await press(bot, ATASAN, listing, "Siti Rahmawati")
    for _ in ANSWERS:
        await press(bot, ATASAN, question, "4")
        (question,) = await bot.say(ATASAN, "Baik")
    async with database.session() as session:
        siti = await session.get(Employee, data.siti.id)
        assert siti is not None
        siti.atasan_id = data.outsider.atasan_id
        session.add(siti)
    query = bot.api.press_button(ATASAN, question, label=TEXTS.get("tombol_simpan"))
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_bukan_bawahan")
    assert await saved_rows(database, data.siti) == []

    # Outside the conversation a forged press is a stale button.
    query = bot.api.press_button(OUTSIDER, listing, f"komp:e:{id_of(data.siti)}", check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == GENERAL.get("peringatan_tombol_usang")
