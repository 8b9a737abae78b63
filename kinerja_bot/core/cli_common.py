"""What every admin CLI command shares: its messages, its error type, a database to work on."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook

TEXTS = TextBook(
    "cli",
    {
        "db_upgraded": ("url", "jumlah"),
        "db_revision": ("revisi",),
        "db_current": ("url",),
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
        "file_unwritable": ("file", "alasan"),
        "db_folder_missing": ("folder",),
        "activation_bad_suffix": ("file",),
        "telegram_unreachable": (),
        "token_rejected": (),
    },
    html=False,
)


class CliError(Exception):
    """An error the admin can fix; printed as one line, exit status 1."""


def writable(target: Path) -> Path:
    """`target`, once it is known it can be written (its folder exists and accepts the file);
    else a CliError naming it. Checked before the work, so nothing is done for a file that
    then fails; the probe leaves no file behind."""
    if not target.parent.is_dir():
        raise CliError(TEXTS.get("folder_missing", folder=str(target.parent)))
    existed = target.exists()
    try:
        with target.open("ab"):
            pass
    except OSError as error:
        raise CliError(unwritable(target, error)) from None
    if not existed:
        target.unlink()
    return target


def unwritable(target: Path | str, error: OSError) -> str:
    """The one line for a file that cannot be written."""
    return TEXTS.get("file_unwritable", file=str(target), alasan=error.strerror or str(error))


def database_folder_exists(database_url: str) -> None:
    """A SQLite file in a folder that does not exist is named here, in one line, before the
    driver tries: aiosqlite's failed connect would leave its worker thread to complain about
    the closed event loop after the CLI has answered."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    folder = Path(url.database).parent
    if not folder.is_dir():
        raise CliError(TEXTS.get("db_folder_missing", folder=str(folder)))


async def with_database(settings: Settings, work: Callable[[Database], Awaitable[Any]]) -> Any:
    """Run `work` with a database that is disposed afterwards."""
    database_folder_exists(settings.database_url)
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
    except TelegramError as error:
        raise CliError(telegram_failure(error) or TEXTS.get("bot_username_missing")) from None


def telegram_failure(error: BaseException) -> str | None:
    """The one line for Telegram refusing the token or being unreachable, else None.
    python-telegram-bot is looked at only when something already imported it: an error of
    it cannot have happened otherwise, and importing it costs a second of start-up."""
    if "telegram" not in sys.modules:
        return None
    from telegram.error import InvalidToken, NetworkError

    if isinstance(error, InvalidToken):
        return TEXTS.get("token_rejected")
    if isinstance(error, NetworkError):
        return TEXTS.get("telegram_unreachable")
    return None
