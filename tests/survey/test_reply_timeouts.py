"""A reply that timed out but was delivered: the user sees the next step and can act on it.

The survey edits the question in place with the next question's buttons. Before, a timed-out
edit failed the step: the conversation stayed at the question before, and the error handler
put that question's buttons back under the next question's text, with "galat".
"""

from __future__ import annotations

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import COMMON_TEXTS
from kinerja_bot.survey.texts import questionnaire
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from tests.conftest import RunningBot, running_bot
from tests.survey.conftest import CITIZEN, City, tap


def on_screen(message: SentMessage, step: int) -> bool:
    """The message shows question `step` (1-based) with its own answers as buttons."""
    question = questionnaire()[step - 1]
    return question.text in message.plain_text and message.button_labels[
        : len(question.labels)
    ] == list(question.labels)


async def test_a_timed_out_edit_that_arrived_moves_the_survey_on(
    bot: RunningBot, city: City
) -> None:
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    bot.api.inject_fault("editMessageText", "timeout", chat_id=CITIZEN)
    shown = await tap(bot, CITIZEN, question, questionnaire()[0].labels[3])
    await bot.handled.wait(bot.api.last_update_id)  # the timeout, the repeat: all done
    assert on_screen(shown, 2)

    shown = await tap(bot, CITIZEN, shown, questionnaire()[1].labels[3])
    assert on_screen(shown, 3)  # the conversation had moved on with the screen
    assert [m.plain_text for m in bot.api.sent_to(CITIZEN)] == [shown.plain_text]  # no error


async def test_when_the_repeat_times_out_too_no_stale_keyboard_comes_back(
    settings: Settings, database: Database, api: FakeBotAPI, city: City
) -> None:
    async with running_bot(settings, database, api) as bot:
        (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
        api.inject_fault("editMessageText", "timeout", chat_id=CITIZEN, times=2)
        api.press_button(CITIZEN, question, label=questionnaire()[0].labels[3])
        (told,) = await api.wait_for_messages(CITIZEN, timeout=30)
    assert told.plain_text == COMMON_TEXTS.get("koneksi_lambat")
    assert on_screen(question, 2)  # what arrived stays, with its own buttons


async def test_a_press_answered_before_a_restart_still_moves_the_survey_on(
    bot: RunningBot, city: City
) -> None:
    """After a kill, the inbox hands the bot a press again that was answered before: Telegram
    refuses a second answer, which must not fail the step."""
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    pressed = bot.api.press_button(CITIZEN, question, label=questionnaire()[0].labels[3])
    await bot.api.call("answerCallbackQuery", {"callback_query_id": pressed["id"]})
    await bot.handled.wait(bot.api.last_update_id)
    assert on_screen(question, 2)
    assert [m.plain_text for m in bot.api.sent_to(CITIZEN)] == [question.plain_text]


async def test_a_press_whose_answer_fails_still_moves_the_survey_on(
    bot: RunningBot, city: City
) -> None:
    """Answering the press (its spinner) is a courtesy: a 502 on it must not fail the step."""
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    bot.api.inject_fault("answerCallbackQuery", 502)
    bot.api.press_button(CITIZEN, question, label=questionnaire()[0].labels[3])
    await bot.handled.wait(bot.api.last_update_id)
    assert on_screen(question, 2)
    assert [m.plain_text for m in bot.api.sent_to(CITIZEN)] == [question.plain_text]  # no error
