"""Forged callback data: a number that no id can be (beyond PostgreSQL's integer, beyond
SQLite's 64 bits, not ASCII digits) is refused before any query, and the press is answered
politely, as a stale button is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from telegram import CallbackQuery, Update, User

from kinerja_bot.core.db import Database
from kinerja_bot.core.telegram_ui import CALLBACK_INT_MAX, callback_int
from kinerja_bot.general import TEXTS as GENERAL
from tests.conftest import RunningBot
from tests.survey.conftest import CITIZEN, HEAD, City, alert_for
from tests.survey.conftest import city as city

TOO_BIG = (str(CALLBACK_INT_MAX + 1), "9" * 20)
# Every button that carries a number, pressed by someone it could be meant for.
STAFF_BUTTONS = (
    "tkt:v:{}",
    "tkt:p:{}",
    "tkt:t:{}",
    "tkt:tt:{}",
    "tkt:j:{}",
    "tkt:l:{}",
    "tim:org:{}",
    "tim:baca:{}",
    "tim:ingat:{}",
    "tim:ub:{}",
    "ub:balas:{}",
    "kin:hal:{}",
    "cuti:hapus:{}",
    "lapor:kor:{}",
)
CITIZEN_BUTTONS = ("tkt:ok:{}", "tkt:no:{}")
SURVEY_BUTTONS = ("svy:up:{}", "svy:u:{}", "svy:sp:{}:0", "svy:sp:1:{}", "svy:s:{}")


def update_with(data: str) -> Update:
    user = User(1, "Uji", is_bot=False)
    query = CallbackQuery("1", user, chat_instance="1", data=data)
    return Update(1, callback_query=query)


@pytest.mark.parametrize(
    ("data", "position", "number"),
    [
        ("tkt:v:42", -1, 42),
        ("svy:sp:3:0", -2, 3),
        (f"tkt:v:{CALLBACK_INT_MAX}", -1, CALLBACK_INT_MAX),
        (f"tkt:v:{CALLBACK_INT_MAX + 1}", -1, None),
        ("tkt:v:" + "9" * 30, -1, None),
        ("tkt:v:٣", -1, None),  # an Arabic-Indic digit matches \d, but is no id
        ("tkt:v:-1", -1, None),
        ("tkt:v:", -1, None),
        ("tkt", -3, None),
    ],
)
def test_callback_numbers_are_plain_and_in_range(
    data: str, position: int, number: int | None
) -> None:
    assert callback_int(update_with(data), position) == number


@pytest.fixture
def queried_numbers(database: Database) -> Iterator[list[int]]:
    """Every integer the bot sends to the database while the test runs."""
    seen: list[int] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        seen.extend(v for v in values if isinstance(v, int) and not isinstance(v, bool))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def test_forged_numbers_are_refused_before_any_query(
    bot: RunningBot, city: City, queried_numbers: list[int]
) -> None:
    stale = GENERAL.get("peringatan_tombol_usang")
    for user in (HEAD, CITIZEN):
        bot.api.user(user)
    (head_message,) = await bot.say(HEAD, "/bantuan")
    (citizen_message,) = await bot.say(CITIZEN, "/bantuan")
    (survey,) = await bot.say(CITIZEN, "/survei")
    presses = [(HEAD, head_message, button) for button in STAFF_BUTTONS]
    presses += [(CITIZEN, citizen_message, button) for button in CITIZEN_BUTTONS]
    presses += [(CITIZEN, survey, button) for button in SURVEY_BUTTONS]
    for user, message, button in presses:
        for number in TOO_BIG:
            alert = await alert_for(bot, user, message, button.format(number))
            assert alert == stale, (button, number)
    assert [n for n in queried_numbers if n > CALLBACK_INT_MAX and n not in (HEAD, CITIZEN)] == []
