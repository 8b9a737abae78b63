"""`python bot.py`: check the configuration, migrate, then poll or serve the webhook."""

from __future__ import annotations

import logging
import sys
from typing import Any
from urllib.parse import urlparse

from telegram import Update

from kinerja_bot.core.settings import ConfigError, Settings, get_settings
from kinerja_bot.core.texts import TextBook, TextError

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
    from kinerja_bot.core.migrate import upgrade

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
