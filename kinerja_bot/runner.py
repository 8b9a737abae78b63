"""`python bot.py`: check the configuration, migrate, then poll or serve the webhook."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from itertools import count
from typing import Any
from urllib.parse import urlparse

from telegram import Update

from kinerja_bot.config import ConfigError, Settings, get_settings
from kinerja_bot.db import Database
from kinerja_bot.texts import TextBook, TextError

TEXTS = TextBook("runner", {"token_missing": ()}, html=False)

log = logging.getLogger("kinerja_bot")


class RedactingFormatter(logging.Formatter):
    """Formats records, then removes the bot token and webhook secret from the whole text,
    tracebacks included (HTTP errors quote the request URL, which contains the token)."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "[RAHASIA]")
        return text


def configure_logging(settings: Settings) -> None:
    secrets = [
        s.get_secret_value()
        for s in (settings.telegram_bot_token, settings.webhook_secret)
        if s is not None
    ]
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    # httpx logs every request URL, and the token is part of the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def load_or_exit() -> Settings:
    """Settings and texts, or one clear line and exit status 2."""
    try:
        settings = get_settings()
        TextBook.validate_all()
    except (ConfigError, TextError) as error:
        sys.exit(str(error))
    if settings.telegram_bot_token is None:
        sys.exit(TEXTS.get("token_missing"))
    return settings


# Seconds between attempts to reach the database at start: quickly at first, then calmly.
RETRY_DELAYS = (1, 2, 5, 10, 30)


async def database_problem(settings: Settings) -> str | None:
    """None when the database answers within the bot's timeouts, else a one-line reason."""
    database = Database(settings.database_url, settings.database_timeouts)
    try:
        async with database.session() as session:
            await session.connection()
    except Exception as error:
        cause = getattr(error, "orig", None) or error  # the driver's own words, without SQL
        first_line = next(iter(str(cause).splitlines()), "")
        return (f"{type(cause).__name__}: {first_line}" if first_line else type(cause).__name__)[
            :200
        ]
    finally:
        await database.dispose()
    return None


async def wait_for_database(
    settings: Settings, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> None:
    """Return once the database answers; until then one log line per attempt, no traceback."""
    for attempt in count(1):
        problem = await database_problem(settings)
        if problem is None:
            return
        delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
        log.warning(
            "Database not reachable (attempt %d: %s); trying again in %d s", attempt, problem, delay
        )
        await sleep(delay)


def webhook_options(settings: Settings, *, listen: str = "0.0.0.0") -> dict[str, Any]:
    """Where the webhook listens (behind the reverse proxy of deploy/) and what it checks."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    url = str(settings.webhook_url)
    return {
        "listen": listen,
        "port": settings.webhook_port,
        "url_path": urlparse(url).path.lstrip("/"),
        "webhook_url": url,
        "secret_token": settings.webhook_secret.get_secret_value(),
    }


def main() -> None:
    settings = load_or_exit()
    configure_logging(settings)

    from kinerja_bot.app import build_application
    from kinerja_bot.migrate import upgrade

    asyncio.run(wait_for_database(settings))
    upgrade(settings.database_url)
    application = build_application(settings)
    if settings.webhook_url is not None:
        url = str(settings.webhook_url)
        log.info("Webhook mode on port %s", settings.webhook_port)
        application.run_webhook(
            listen="0.0.0.0",
            port=settings.webhook_port,
            url_path=urlparse(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=(
                settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            ),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("Long polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
