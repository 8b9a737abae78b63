"""`python bot.py`: check the configuration, migrate, then poll or serve the webhook."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from itertools import count
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import tornado.httpserver
import tornado.web
from sqlalchemy.exc import DBAPIError
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import ConfigError, Settings, get_settings
from kinerja_bot.core.texts import TextBook, TextError

if TYPE_CHECKING:
    from kinerja_bot.core.context import KinerjaApplication

TEXTS = TextBook(
    "runner",
    {
        "token_missing": (),
        "token_rejected": (),
        "telegram_unreachable": ("alamat",),
        "db_error": ("detail",),
    },
    html=False,
)

log = logging.getLogger("kinerja_bot")

# Telegram's updates are a few kB; a body above this is refused before it is read.
WEBHOOK_BODY_LIMIT = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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
    # APScheduler logs a line for every job it books and runs (three run every minute): noise.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic's chatter (plugins, dialect) hides what matters; `serve` logs what was applied.
    logging.getLogger("alembic").setLevel(logging.WARNING)


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


@tornado.web.stream_request_body
class WebhookReceiver(tornado.web.RequestHandler):
    """Telegram's POSTs in webhook mode. Checked in the cheapest order: the secret header and
    the declared size before any byte of the body is read, then JSON, then the update."""

    def initialize(self, bot_application: KinerjaApplication, secret: str) -> None:
        self.bot_application = bot_application
        self.secret = secret
        self.body = bytearray()

    def prepare(self) -> None:
        if self.request.method != "POST":
            raise tornado.web.HTTPError(405)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(403)
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > WEBHOOK_BODY_LIMIT:
            raise tornado.web.HTTPError(413)
        # A chunked body declares no size: the server's max_body_size closes it when too big.

    def data_received(self, chunk: bytes) -> None:
        self.body += chunk

    async def post(self) -> None:
        from kinerja_bot.app import read_update
        from kinerja_bot.core.context import INBOX_KEY
        from kinerja_bot.core.inbox import Inbox

        try:
            data = json.loads(self.body)
        except ValueError:
            raise tornado.web.HTTPError(400) from None
        update = read_update(data, self.bot_application.bot)
        if update is None:
            raise tornado.web.HTTPError(400)
        # In the inbox before Telegram gets its 200; an update the inbox already had (Telegram
        # sends it again when it did not get the 200) is not handled again.
        inbox: Inbox = self.bot_application.bot_data[INBOX_KEY]
        if update.update_id in await inbox.receive([data]):
            await self.bot_application.update_queue.put(update)

    def log_exception(self, *exc_info: object) -> None:
        """Refusals are answered with their status; nothing of the request goes to the log."""


def webhook_server(
    application: KinerjaApplication, settings: Settings
) -> tornado.httpserver.HTTPServer:
    """The HTTP server for WEBHOOK_URL's path (call `.listen(port, address)` to start it)."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    path = urlparse(str(settings.webhook_url)).path.rstrip("/")
    receiver = tornado.web.Application(
        [
            (
                re.escape(path) + "/?",
                WebhookReceiver,
                {
                    "bot_application": application,
                    "secret": settings.webhook_secret.get_secret_value(),
                },
            )
        ],
        log_function=lambda handler: None,
    )
    return tornado.httpserver.HTTPServer(receiver, max_body_size=WEBHOOK_BODY_LIMIT)


async def run_webhook(application: KinerjaApplication, settings: Settings) -> None:
    """Webhook mode until SIGINT/SIGTERM: register WEBHOOK_URL, serve it on
    WEBHOOK_LISTEN:WEBHOOK_PORT, then stop like PTB's run_* (post_init, post_shutdown)."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    server = webhook_server(application, settings)
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.bot.set_webhook(
            str(settings.webhook_url),
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        await application.start()
        server.listen(settings.webhook_port, address=settings.webhook_listen)
        log.info("Webhook mode on %s:%s", settings.webhook_listen, settings.webhook_port)
        await stopping.wait()
        server.stop()
        await server.close_all_connections()
        await application.stop()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def check_telegram(settings: Settings) -> None:
    """Ask Telegram who the bot is (getMe) before anything else: a refused token or an
    unreachable Bot API is then one line, not PTB's retry loop with its traceback."""
    assert settings.telegram_bot_token is not None
    async with Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.base_url):
        pass


def main() -> None:
    settings = load_or_exit()
    configure_logging(settings)
    try:
        serve(settings)
    except InvalidToken:
        # Its message quotes the whole token: the details go through the redacting log only.
        log.debug("Telegram rejected the token", exc_info=True)
        sys.exit(TEXTS.get("token_rejected"))
    except NetworkError:
        log.debug("Telegram unreachable", exc_info=True)
        sys.exit(TEXTS.get("telegram_unreachable", alamat=urlparse(settings.base_url).netloc))
    except DBAPIError as error:
        # E.g. a migration refused by the database; the driver's first line, never the SQL.
        log.debug("database error at start", exc_info=True)
        detail = next(iter(str(error.orig).splitlines()), type(error.orig).__name__)
        sys.exit(TEXTS.get("db_error", detail=detail[:200]))
    except Exception:
        # The traceback goes through the redacting formatter, not Python's own printer.
        log.critical("The bot stopped because of an error", exc_info=True)
        sys.exit(1)


def serve(settings: Settings) -> None:
    """Check Telegram, wait for the database, migrate, then long polling, or the webhook
    when WEBHOOK_URL is set."""
    from kinerja_bot.app import build_application
    from kinerja_bot.core.migrate import upgrade

    asyncio.run(check_telegram(settings))
    asyncio.run(wait_for_database(settings))
    applied = upgrade(settings.database_url)
    if applied:
        log.info("Database migrated: %s", ", ".join(r.split(":")[0] for r in applied))
    application = build_application(settings)
    if settings.webhook_url is not None:
        asyncio.run(run_webhook(application, settings))
    else:
        log.info("Long polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
