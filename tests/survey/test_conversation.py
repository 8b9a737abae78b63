"""End to end through the fake Bot API: /survei by menu and by deep link, back, skip, limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from pydantic import SecretStr
from sqlmodel import col, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Consent, SurveyAnswer, SurveyResponse, utcnow
from kinerja_bot.core.rules.periods import WIB, format_date_id
from kinerja_bot.core.settings import Settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.privacy.service import PURPOSE_SURVEY_PROFILE
from kinerja_bot.survey.service import PAGE_SIZE
from kinerja_bot.survey.texts import TEXTS, profile_questions, questionnaire
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, RunningBot, idle_for, running_bot
from tests.factories import add_unit
from tests.survey.conftest import (
    CITIZEN,
    City,
    add_service,
    alert_for,
    all_scores,
    answer_all,
    tap,
)


async def responses(database: Database) -> list[tuple[SurveyResponse, dict[str, int]]]:
    async with database.session() as session:
        rows = (await session.exec(select(SurveyResponse).order_by(col(SurveyResponse.id)))).all()
        result = []
        for row in rows:
            answers = (
                await session.exec(select(SurveyAnswer).where(SurveyAnswer.response_id == row.id))
            ).all()
            result.append((row, {a.unsur: a.score for a in answers}))
    return result


def question_header(step: int) -> str:
    return f"Pertanyaan {step}/{len(questionnaire())}"


async def test_survey_by_menu_with_pages_back_and_skips(
    bot: RunningBot, database: Database, city: City
) -> None:
    # Enough units for two pages; "Unit Zebra" sorts onto the second one.
    for number in range(PAGE_SIZE):
        extra = await add_unit(database, f"KEC-{number}", f"Kecamatan Contoh {number}")
        await add_service(database, extra, f"KEC-{number}-L")
    zebra = await add_unit(database, "ZEBRA", "Unit Zebra Pelayanan")
    await add_service(database, zebra, "ZEBRA-L", "Layanan Zebra")

    (menu,) = await bot.say(CITIZEN, "/survei")
    assert menu.plain_text.startswith("Survei Kepuasan Masyarakat")
    assert "Unit Zebra Pelayanan" not in menu.button_labels
    assert len([label for label in menu.button_labels if "▶" not in label]) == PAGE_SIZE
    page = await tap(bot, CITIZEN, menu, TEXTS.get("tombol_berikutnya"))
    page = await tap(bot, CITIZEN, page, "Unit Zebra Pelayanan")
    assert "Unit Zebra Pelayanan" in page.plain_text
    question = await tap(bot, CITIZEN, page, "Layanan Zebra")

    first = questionnaire()[0]
    assert question_header(1) in question.plain_text
    assert first.text in question.plain_text
    assert question.button_labels == list(first.labels)  # no "Kembali" on the first question
    question = await tap(bot, CITIZEN, question, first.labels[3])
    assert question_header(2) in question.plain_text
    assert TEXTS.get("tombol_kembali") in question.button_labels
    question = await tap(bot, CITIZEN, question, TEXTS.get("tombol_kembali"))
    assert question_header(1) in question.plain_text
    scores = all_scores(4) | {first.unsur: 3}  # the first answer is changed on the way back
    intro = await answer_all(bot, CITIZEN, question, scores)
    assert intro.plain_text.startswith("Terima kasih, semua pertanyaan sudah dijawab")

    prompt = await tap(bot, CITIZEN, intro, TEXTS.get("tombol_lewati"))
    assert "Ada saran atau pengaduan" in prompt.plain_text
    done = await tap(bot, CITIZEN, prompt, TEXTS.get("tombol_lewati"))
    assert done.plain_text == TEXTS.get("terima_kasih", layanan="Layanan Zebra").replace(
        "<b>", ""
    ).replace("</b>", "")
    assert done.button_labels == []

    ((response, answers),) = await responses(database)
    assert answers == scores
    assert (response.jenis_kelamin, response.usia, response.saran) == (None, None, None)
    assert re.fullmatch(r"[0-9a-f]{64}", response.respondent_hash or "")
    # Stored as noon of the WIB day: not the moment of the answer.
    assert response.submitted_at.astimezone(WIB).time() == time(12)
    assert response.submitted_at.astimezone(WIB).date() == utcnow().astimezone(WIB).date()
    assert str(CITIZEN) not in repr(response)


async def test_deep_link_with_profile_and_a_suggestion(
    bot: RunningBot, database: Database, city: City
) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    assert "Perekaman KTP-el" in question.plain_text
    assert question_header(1) in question.plain_text
    assert TEXTS.get("catatan_anonim") in question.plain_text
    intro = await answer_all(bot, CITIZEN, question, all_scores(3))

    step = await tap(bot, CITIZEN, intro, TEXTS.get("tombol_isi_profil"))
    chosen = {}
    for number, profile_question in enumerate(profile_questions()):
        assert profile_question.text in step.plain_text
        option = profile_question.options[-1]
        chosen[profile_question.column] = option.kode
        step = await tap(bot, CITIZEN, step, option.label)
        if number < len(profile_questions()) - 1:
            assert f"({number + 2}/{len(profile_questions())})" in step.plain_text
    assert "Ada saran atau pengaduan" in step.plain_text

    (offer,) = await bot.say(CITIZEN, "Antrean <panjang> & AC mati")
    assert offer.plain_text.startswith("Terima kasih, penilaian dan pesan Anda sudah tersimpan")
    assert step.button_labels == []  # "Lewati" is gone from the prompt
    done = await tap(bot, CITIZEN, offer, TEXTS.get("tombol_tidak_perlu"))
    assert done.plain_text.startswith("Terima kasih! Penilaian Anda untuk layanan Perekaman KTP-el")

    ((response, answers),) = await responses(database)
    assert answers == all_scores(3)
    assert response.saran == "Antrean <panjang> & AC mati"
    assert {
        "jenis_kelamin": response.jenis_kelamin,
        "usia": response.usia,
        "pendidikan": response.pendidikan,
        "pekerjaan": response.pekerjaan,
    } == chosen
    async with database.session() as session:
        (consent,) = (await session.exec(select(Consent))).all()
    assert consent.purpose == PURPOSE_SURVEY_PROFILE
    assert consent.text_version == TEXTS.get("profil_ajakan_versi")
    assert consent.telegram_id is None  # the profile is anonymous, so is its consent


async def test_an_unknown_code_says_so_and_offers_the_list(bot: RunningBot, city: City) -> None:
    (reply,) = await bot.say(CITIZEN, "/start layanan-HILANG")
    assert reply.plain_text.startswith("Kode layanan HILANG tidak dikenal.")
    # Units by the names residents know: the OPD's short name, a sub-unit after it. A unit
    # without services of its own (Dinkes) is not listed; its sub-unit is.
    assert reply.button_labels == ["Dinkes — UPTD Puskesmas Pamulang", "Disdukcapil"]
    assert "/adu" in reply.plain_text  # the survey's intro points to the direct complaint
    services = await tap(bot, CITIZEN, reply, "Disdukcapil")
    assert services.button_labels == [
        "Penerbitan Kartu Keluarga",
        "Perekaman KTP-el",
        TEXTS.get("tombol_unit_lain"),
    ]


async def test_codes_are_matched_without_regard_to_case(bot: RunningBot, city: City) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-l-ktp")
    assert "Perekaman KTP-el" in question.plain_text


async def test_one_response_per_service_per_day(
    bot: RunningBot, database: Database, city: City
) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    intro = await answer_all(bot, CITIZEN, question, all_scores(4))
    prompt = await tap(bot, CITIZEN, intro, TEXTS.get("tombol_lewati"))
    await tap(bot, CITIZEN, prompt, TEXTS.get("tombol_lewati"))

    (again,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    tomorrow = utcnow().astimezone(WIB).date() + timedelta(days=1)
    expected = TEXTS.get(
        "sudah_menilai",
        layanan="Perekaman KTP-el",
        batas=1,
        tanggal=format_date_id(tomorrow, with_weekday=True),
    )
    assert again.plain_text == expected.replace("<b>", "").replace("</b>", "")
    # Another service the same day is fine.
    (other,) = await bot.say(CITIZEN, "/start layanan-L-KK")
    assert question_header(1) in other.plain_text
    assert len(await responses(database)) == 1


async def test_the_daily_limit_is_a_setting(
    settings: Settings, database: Database, api: FakeBotAPI, city: City
) -> None:
    two_a_day = settings.model_copy(update={"survey_daily_limit": 2})
    async with running_bot(two_a_day, database, api) as bot:
        for _ in range(2):
            (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
            intro = await answer_all(bot, CITIZEN, question, all_scores(4))
            prompt = await tap(bot, CITIZEN, intro, TEXTS.get("tombol_lewati"))
            await tap(bot, CITIZEN, prompt, TEXTS.get("tombol_lewati"))
        (refused,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
        assert "batas 2 kali per layanan per hari" in refused.plain_text
    assert bot.errors == []
    hashes = {response.respondent_hash for response, _ in await responses(database)}
    assert len(hashes) == 1  # the same person, service and day


async def test_hashes_of_different_days_differ(settings: Settings) -> None:
    from kinerja_bot.survey.service import respondent_hash, respondent_key

    key = respondent_key(settings)
    today = utcnow().astimezone(WIB).date()
    same = respondent_hash(key, CITIZEN, 1, today)
    assert same == respondent_hash(key, CITIZEN, 1, today)
    assert same != respondent_hash(key, CITIZEN, 1, today + timedelta(days=1))
    assert same != respondent_hash(key, CITIZEN, 2, today)
    other_key = settings.model_copy(update={"respondent_hash_secret": SecretStr("lain")})
    assert same != respondent_hash(respondent_key(other_key), CITIZEN, 1, today)


async def test_strays_batal_and_stale_buttons(
    bot: RunningBot, database: Database, city: City
) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    question = await tap(bot, CITIZEN, question, questionnaire()[0].labels[0])
    (reply,) = await bot.say(CITIZEN, "apa ini?")
    assert reply.plain_text == TEXTS.get("pakai_tombol")
    (reply,) = await bot.say(CITIZEN, "/bantuan")
    assert reply.plain_text == TEXTS.get("sedang_survei")
    # A button of an earlier question no longer counts.
    alert = await alert_for(bot, CITIZEN, question, "svy:a:0:4")
    assert alert == GENERAL.get("peringatan_tombol_usang")
    (reply,) = await bot.say(CITIZEN, "/batal")
    assert reply.plain_text == TEXTS.get("batal_survei")
    assert await responses(database) == []
    # After /batal, the survey's buttons are answered as stale.
    alert = await alert_for(bot, CITIZEN, question, "svy:a:1:1")
    assert alert == GENERAL.get("peringatan_tombol_usang")


async def test_a_running_survey_is_restarted_by_a_new_link(bot: RunningBot, city: City) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    await tap(bot, CITIZEN, question, questionnaire()[0].labels[0])
    (other,) = await bot.say(CITIZEN, "/start layanan-L-KK")
    assert "Penerbitan Kartu Keluarga" in other.plain_text
    assert question_header(1) in other.plain_text


async def test_the_survey_survives_a_restart(
    settings: Settings, database: Database, api: FakeBotAPI, city: City
) -> None:
    async with running_bot(settings, database, api) as first:
        (question,) = await first.say(CITIZEN, "/start layanan-L-KTP")
        for score_index in (0, 1, 2):
            question = await tap(first, CITIZEN, question, questionnaire()[score_index].labels[1])
    async with running_bot(settings, database, api) as second:
        question = await tap(second, CITIZEN, question, questionnaire()[3].labels[1])
        assert question_header(5) in question.plain_text
        rest = {q.unsur: 2 for q in questionnaire()}
        for q in questionnaire()[4:]:
            question = await tap(second, CITIZEN, question, q.labels[rest[q.unsur] - 1])
        prompt = await tap(second, CITIZEN, question, TEXTS.get("tombol_lewati"))
        await tap(second, CITIZEN, prompt, TEXTS.get("tombol_lewati"))
    assert first.errors == second.errors == []
    ((_, answers),) = await responses(database)
    assert answers == all_scores(2)


async def test_a_too_long_suggestion_is_refused(bot: RunningBot, city: City) -> None:
    from kinerja_bot.survey.service import SUGGESTION_MAX_CHARS

    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    intro = await answer_all(bot, CITIZEN, question, all_scores(4))
    await tap(bot, CITIZEN, intro, TEXTS.get("tombol_lewati"))
    text = "x" * (SUGGESTION_MAX_CHARS + 1)
    (reply,) = await bot.say(CITIZEN, text)
    assert reply.plain_text == TEXTS.get(
        "terlalu_panjang", panjang=len(text), batas=SUGGESTION_MAX_CHARS
    )
    bot.api.send_photo(CITIZEN)
    assert (await bot.api.next_message(CITIZEN)).plain_text == TEXTS.get("bukan_teks")


def test_noon_is_the_same_date_in_wib_and_utc() -> None:
    from kinerja_bot.survey.service import anonymous_timestamp

    day = datetime(2026, 11, 28, tzinfo=UTC).date()
    stamp = anonymous_timestamp(day, WIB)
    assert stamp.astimezone(UTC).date() == stamp.astimezone(WIB).date() == day


async def test_an_idle_survey_is_closed_with_a_message(
    bot: RunningBot, city: City, idle_clock: FakeClock
) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    question = await tap(bot, CITIZEN, question, questionnaire()[0].labels[2])
    await idle_for(bot, idle_clock, 31)
    closed = await bot.api.next_message(CITIZEN)
    assert closed.plain_text == TEXTS.get("habis_waktu")
    alert = await alert_for(bot, CITIZEN, question, "svy:a:1:2")
    assert alert == GENERAL.get("peringatan_tombol_usang")
