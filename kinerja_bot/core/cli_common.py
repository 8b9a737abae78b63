"""What every admin CLI command shares: its messages, its error type, a database to work on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook

TEXTS = TextBook(
    "cli",
    {
        "db_upgraded": ("url",),
        "config_error": ("message",),
        "texts_error": ("message",),
        "db_not_migrated": ("detail",),
        "db_error": ("detail",),
        "unknown_unit": ("kode",),
        "unknown_nip": ("nip",),
        "activation_written": ("count", "file", "skipped"),
        "activation_none": (),
        "bot_username_missing": (),
        "file_missing": ("file",),
        "folder_missing": ("folder",),
    },
    html=False,
)


class CliError(Exception):
    """An error the admin can fix; printed as one line, exit status 1."""


async def with_database(settings: Settings, work: Callable[[Database], Awaitable[Any]]) -> Any:
    """Run `work` with a database that is disposed afterwards."""
    database = Database(settings.database_url)
    try:
        return await work(database)
    finally:
        await database.dispose()


async def bot_username(settings: Settings) -> str:
    """BOT_USERNAME if set, else ask Telegram (getMe) with the token."""
    if settings.bot_username:
        return settings.bot_username
    if settings.telegram_bot_token is None:
        raise CliError(TEXTS.get("bot_username_missing"))
    # Imported here: python-telegram-bot takes a second to import, and most commands never
    # talk to Telegram.
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.base_url)
    try:
        async with bot:
            return bot.username
    except TelegramError:
        raise CliError(TEXTS.get("bot_username_missing")) from None
