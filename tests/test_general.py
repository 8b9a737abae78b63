"""The general behaviour of the running bot: menu, help, fallbacks, stale buttons, errors,
and concurrent processing that keeps each user's order."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from kinerja_bot.app import post_init
from kinerja_bot.core.collector import YOUNG_THRESHOLD
from kinerja_bot.core.commands import COMMANDS
from kinerja_bot.core.commands import TEXTS as COMMAND_TEXTS
from kinerja_bot.general import TEXTS
from tests.conftest import RunningBot

USER = 6660001


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """post_init tunes the process's cycle collector: the rest of the test run keeps Python's."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


async def test_start_up_registers_the_menu_and_settles_the_collector(
    bot: RunningBot, collector_restored: None
) -> None:
    await post_init(bot.application)
    menu = bot.api.my_commands()
    assert [c["command"] for c in menu] == [c.name for c in COMMANDS]
    assert menu[0]["description"] == COMMAND_TEXTS.get("start")
    # What start-up built is never walked again; the young generation is collected less often.
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


async def test_help_unknown_command_and_stray_text(bot: RunningBot) -> None:
    (reply,) = await bot.say(USER, "/bantuan")
    assert "/daftar — " + COMMAND_TEXTS.get("daftar") in reply.plain_text
    (reply,) = await bot.say(USER, "/terbang sekarang")
    assert reply.plain_text == TEXTS.get("perintah_tidak_dikenal", perintah="/terbang")
    (reply,) = await bot.say(USER, "apa kabar?")
    assert reply.plain_text == TEXTS.get("teks_tidak_dipahami")


async def test_user_text_is_escaped_when_echoed(bot: RunningBot) -> None:
    (reply,) = await bot.say(USER, "/<b>&x")
    assert reply.plain_text == TEXTS.get("perintah_tidak_dikenal", perintah="/<b>&x").replace(
        "&lt;", "<"
    ).replace("&gt;", ">").replace("&amp;", "&")


async def test_a_stale_button_gets_a_polite_answer(bot: RunningBot) -> None:
    (reply,) = await bot.say(USER, "/start")
    bot.api.press_button(USER, reply, "lapor:lama:123", check=False)
    answered = await bot.api.wait_until(lambda: bot.api.answered_callbacks)
    assert answered[0]["text"] == TEXTS.get("peringatan_tombol_usang")
    assert answered[0]["show_alert"] is True


async def test_an_error_is_logged_and_the_user_gets_no_traceback(bot: RunningBot) -> None:
    async def broken(update: Update, context: object) -> None:
        raise RuntimeError("database on fire")

    bot.application.add_handler(CommandHandler("rusak", broken), group=-1)
    (reply,) = await bot.say(USER, "/rusak")
    assert reply.plain_text == TEXTS.get("galat")
    assert "database on fire" not in reply.plain_text
    await bot.api.wait_until(lambda: bot.errors)
    assert [type(e) for e in bot.errors] == [RuntimeError]
    bot.errors.clear()  # expected here; the fixture fails tests on any other error


async def test_the_error_message_is_sent_again_when_telegram_fails_it(bot: RunningBot) -> None:
    """The error message is the only word the user gets: a 502 on it (after a 502 on the reply
    itself) must not leave them without an answer (the soak's "unanswered users")."""
    bot.api.inject_fault("sendMessage", 502, times=2)  # the reply, then the first notice
    (told,) = await bot.say(USER, "/bantuan", replies=1)
    assert told.plain_text == TEXTS.get("galat")
    await bot.api.wait_until(lambda: bot.errors)
    assert [type(e).__name__ for e in bot.errors] == ["NetworkError"]
    bot.errors.clear()  # expected here; the fixture fails tests on any other error


async def test_users_run_concurrently_and_each_user_in_order(bot: RunningBot) -> None:
    release_first = asyncio.Event()
    events: list[str] = []

    async def record(update: Update, context: object) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        label = f"{update.effective_user.id}:{update.effective_message.text}"
        events.append(f"start {label}")
        if update.effective_message.text == "/lambat":
            await release_first.wait()
        events.append(f"end {label}")

    bot.application.add_handler(CommandHandler(["lambat", "cepat"], record), group=-1)
    slow_user, other_user = USER, USER + 1
    bot.api.send_text(slow_user, "/lambat")
    bot.api.send_text(slow_user, "/cepat")
    bot.api.send_text(other_user, "/cepat")
    # The other user is served while the slow user's first update is still running...
    await bot.api.wait_until(lambda: f"end {other_user}:/cepat" in events)
    assert f"end {slow_user}:/lambat" not in events
    # ...and the slow user's second update has not overtaken their first.
    assert f"start {slow_user}:/cepat" not in events
    release_first.set()
    await bot.api.wait_until(lambda: f"end {slow_user}:/cepat" in events)
    slow = [e for e in events if e.split()[1].startswith(str(slow_user))]
    assert slow == [
        f"start {slow_user}:/lambat",
        f"end {slow_user}:/lambat",
        f"start {slow_user}:/cepat",
        f"end {slow_user}:/cepat",
    ]
