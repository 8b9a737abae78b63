"""Build the Telegram application: settings, database, persistence, handlers, lifecycle."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from kinerja_bot import activation, general
from kinerja_bot.analysis.handlers import build_analysis_handlers
from kinerja_bot.commands import menu
from kinerja_bot.complaints.handlers import build_complaint_handlers
from kinerja_bot.config import Settings
from kinerja_bot.context import DATABASE_KEY, SETTINGS_KEY, BotContext, KinerjaApplication
from kinerja_bot.db import Database
from kinerja_bot.evaluation.handlers import build_evaluation_handlers
from kinerja_bot.flood_control import FLOOD_GROUP, FloodHandler, PatientRateLimiter
from kinerja_bot.persistence import DatabasePersistence
from kinerja_bot.privacy.handlers import build_privacy_handlers
from kinerja_bot.reminders.handlers import build_reminder_handlers
from kinerja_bot.reporting.handlers import build_reporting_handlers
from kinerja_bot.reporting.overview import build_overview_handlers
from kinerja_bot.scheduling.registry import schedule_all
from kinerja_bot.survey.handlers import build_survey_handlers
from kinerja_bot.survey.reports import build_ikm_handlers
from kinerja_bot.team.handlers import build_team_handlers
from kinerja_bot.texts import TextBook
from kinerja_bot.update_processing import PerUserOrderedProcessor

log = logging.getLogger(__name__)

# Runs after every other group: what a handler changed is on disk before the next update.
PERSIST_GROUP = 1000


def register_handlers(application: KinerjaApplication) -> None:
    """Every handler, in order. Within group 0 the first match wins, so:

    1. features with deep links and conversations come first, each owning its commands;
    2. the general commands next (/start without payload, /bantuan, /batal outside a journey);
    3. then the fallbacks: unknown commands, stray messages, buttons nothing handles any more.
    """
    for handler in activation.build_activation_handlers():
        application.add_handler(handler)
    # Team first: while an atasan or ASN writes feedback, their text belongs to that thread.
    for handler in build_team_handlers():
        application.add_handler(handler)
    # Reminders: /cuti, the snooze button, deleting declared leave.
    for handler in build_reminder_handlers():
        application.add_handler(handler)
    # Reporting: corrections, /lapor, then /kinerja.
    for handler in build_reporting_handlers():
        application.add_handler(handler)
    for handler in build_overview_handlers():
        application.add_handler(handler)
    # Evaluation: the /nilai conversation, then /evaluasi and /laporansaya (files); /analisis.
    for handler in build_evaluation_handlers():
        application.add_handler(handler)
    for handler in build_analysis_handlers():
        application.add_handler(handler)
    # Citizens: /privasi, /datasaya, /hapusdata; tickets (answering, /tiket, replies); the
    # survey with its deep link /start layanan-KODE (before the general /start); /ikm.
    for handler in build_privacy_handlers():
        application.add_handler(handler)
    for handler in build_complaint_handlers():
        application.add_handler(handler)
    for handler in build_survey_handlers():
        application.add_handler(handler)
    for handler in build_ikm_handlers():
        application.add_handler(handler)
    # Flood control runs before every feature, in its own group (see flood_control.py).
    application.add_handler(FloodHandler(application.bot_data[SETTINGS_KEY]), group=FLOOD_GROUP)

    application.add_handler(CommandHandler("start", general.start))
    application.add_handler(CommandHandler("bantuan", general.help_command))
    application.add_handler(CommandHandler("help", general.help_command))
    application.add_handler(CommandHandler("batal", general.cancel_outside_conversation))

    application.add_handler(MessageHandler(filters.COMMAND, general.unknown_command))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, general.stray_message)
    )
    application.add_handler(CallbackQueryHandler(general.stale_button))

    application.add_handler(TypeHandler(Update, persist_now), group=PERSIST_GROUP)
    application.add_error_handler(general.error_handler)


async def persist_now(update: Update, context: BotContext) -> None:
    """Write conversation states and drafts now instead of at the next interval."""
    await context.application.update_persistence()


async def post_init(application: KinerjaApplication) -> None:
    """Register the command menu with Telegram; book the scheduled jobs (and catch up)."""
    await application.bot.set_my_commands(menu())
    schedule_all(application, application.bot_data[SETTINGS_KEY])


async def post_shutdown(application: KinerjaApplication) -> None:
    """Close the database pool."""
    database: Database = application.bot_data[DATABASE_KEY]
    await database.dispose()


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    database: Database | None = None,
    token: str | None = None,
    rate_limit: bool = True,
) -> KinerjaApplication:
    """The whole bot; `request` injects a fake transport (tests, terminal chat)."""
    TextBook.validate_all()
    database = database or Database(settings.database_url, settings.database_timeouts)
    secret = token or (
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    )
    if not secret:
        raise ValueError("a bot token is needed to build the application")
    processor = PerUserOrderedProcessor()
    builder: Any = (
        ApplicationBuilder()
        .token(secret)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .context_types(ContextTypes(context=BotContext))
        .persistence(DatabasePersistence(database))
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if rate_limit:
        # Replies wait their turn, never dropped; a user kept waiting is told it is busy.
        builder = builder.rate_limiter(PatientRateLimiter(awaiting_reply=processor.is_busy))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: KinerjaApplication = builder.build()
    application.bot_data[DATABASE_KEY] = database
    application.bot_data[SETTINGS_KEY] = settings
    register_handlers(application)
    return application
