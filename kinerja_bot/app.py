"""Build the Telegram application: settings, database, persistence, handlers, lifecycle."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.constants import ParseMode
from telegram.error import BadRequest, TimedOut
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from kinerja_bot import activation, general
from kinerja_bot.analysis.handlers import build_analysis_handlers
from kinerja_bot.complaints.handlers import build_complaint_handlers
from kinerja_bot.core.collector import settle_after_start
from kinerja_bot.core.commands import menu
from kinerja_bot.core.context import (
    DATABASE_KEY,
    INBOX_KEY,
    SETTINGS_KEY,
    BotContext,
    KinerjaApplication,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.flood_control import FLOOD_GROUP, FloodHandler, PatientRateLimiter
from kinerja_bot.core.inbox import Inbox, repeat_of
from kinerja_bot.core.persistence import DatabasePersistence, UserDrafts
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import ANSWER_UNREAD
from kinerja_bot.core.texts import TextBook
from kinerja_bot.core.update_processing import PerUserOrderedProcessor
from kinerja_bot.development.handlers import build_development_handlers
from kinerja_bot.evaluation.competency_handlers import build_competency_handlers
from kinerja_bot.evaluation.handlers import build_evaluation_handlers
from kinerja_bot.exports.handlers import build_export_handlers
from kinerja_bot.ikm.followup.handlers import build_followup_handlers
from kinerja_bot.ikm.handlers import build_ikm_handlers
from kinerja_bot.leave.handlers import build_leave_handlers
from kinerja_bot.privacy.handlers import build_privacy_handlers
from kinerja_bot.recognition.handlers import build_recognition_handlers
from kinerja_bot.reminders.handlers import build_reminder_handlers
from kinerja_bot.reporting.handlers import build_reporting_handlers
from kinerja_bot.reporting.overview import build_overview_handlers
from kinerja_bot.scheduling.registry import add_courier, schedule_all
from kinerja_bot.survey.handlers import build_survey_handlers
from kinerja_bot.team.handlers import build_team_handlers
from kinerja_bot.transparency.command import EmbeddedSite, start_embedded_site

# bot_data key of the public site served by the bot process (WEB_PORT).
SITE_KEY = "public_site"

log = logging.getLogger(__name__)

# Runs before every other group (flood control included): chats and edits no feature may see.
INTAKE_GROUP = -200
# Runs after every other group: what a handler changed is on disk before the next update.
PERSIST_GROUP = 1000


def read_update(data: object, bot: ExtBot[Any]) -> Update | None:
    """One update from Telegram's JSON, or None (logged once, without its content) when the
    library cannot read it: one strange update must not stop everyone else's."""
    try:
        return Update.de_json(data, bot)  # type: ignore[arg-type]
    except Exception as error:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        log.warning("Skipped update %s: unreadable (%s)", update_id, type(error).__name__)
        return None


# Calls the handlers make that are repeated once when their answer times out: a step whose
# reply timed out would otherwise stay where it was while the user already sees the next one.
REPEATED_AFTER_TIMEOUT = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "deleteMessage",
    }
)
# Telegram's refusals of a repeat whose first call was carried out.
ALREADY_DONE = ("not modified", "query is too old", "query id is invalid", "not found")


def already_done(error: BadRequest) -> bool:
    """Whether Telegram refused a call because what it asks for is the case already."""
    return any(sign in str(error).lower() for sign in ALREADY_DONE)


class IntakeBot(ExtBot[Any]):
    """The bot, whose getUpdates reads each update on its own and stores the batch in the
    inbox before PTB sees it.

    PTB reads a batch as a whole: one unreadable update fails the batch, the offset never moves
    past it and the same batch is fetched again and again. Here an unreadable update becomes a
    bare `{"update_id": …}` (nothing handles it), so the offset moves on and the rest is served.
    The batch is in the inbox before PTB can confirm it (core/inbox.py); an update the inbox
    already had is passed on empty (`repeat_of`). Each update is read once, here: PTB's own
    `get_updates` would read the whole batch again.
    """

    def __init__(self, *args: Any, inbox: Inbox, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.inbox = inbox

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 (PTB's signature)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """PTB's request (`Bot.get_updates`: a long poll waits `timeout` on top of the read
        timeout of the getUpdates request), then the batch read update by update."""
        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._request[0].read_timeout
        poll = timeout.total_seconds() if isinstance(timeout, timedelta) else timeout or 0
        result = await self._post(
            "getUpdates",
            {
                "timeout": timeout,
                "offset": offset,
                "limit": limit,
                "allowed_updates": allowed_updates,
            },
            read_timeout=(read_timeout or 0) + poll,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        batch: list[tuple[dict[str, Any], Update | None]] = []
        for item in result if isinstance(result, list) else []:
            if isinstance(item, dict) and isinstance(item.get("update_id"), int):
                update = read_update(item, self)
                bare = {"update_id": item["update_id"]}
                batch.append((item if update is not None else bare, update))
        new = await self.inbox.receive(item for item, _ in batch)
        updates: list[Update] = []
        for item, update in batch:
            if item["update_id"] not in new:
                updates.append(Update.de_json(repeat_of(item["update_id"]), self))
            else:
                updates.append(update if update is not None else Update.de_json(item, self))
        for update in updates:
            self.insert_callback_data(update)  # as ExtBot.get_updates does
        return tuple(updates)

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        try:
            result = await super()._post(endpoint, *args, **kwargs)
        except TimedOut:
            if endpoint not in REPEATED_AFTER_TIMEOUT:
                raise
            result = await self._repeat(endpoint, *args, **kwargs)
        except BadRequest as error:
            # A press answered already (before a restart that handles its update again) or
            # too old to answer: the answer is a courtesy, the step itself goes on.
            if endpoint != "answerCallbackQuery" or not already_done(error):
                raise
            result = True
        # An answer nobody reads (`telegram_ui.unread`): True is what PTB's sending and editing
        # methods hand back as is, without reading a Message.
        return True if ANSWER_UNREAD.get() else result

    async def _repeat(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        """A call whose answer timed out, once more. It may well have been carried out: then
        Telegram refuses the repeat of an edit ("not modified"), of an answer to a press or of
        a deletion, which means done; a message may reach the user twice."""
        log.info("%s timed out: sent once more", endpoint)
        try:
            return await super()._post(endpoint, *args, **kwargs)
        except BadRequest as error:
            if endpoint != "sendMessage" and already_done(error):
                return True
            raise


def register_handlers(application: KinerjaApplication) -> None:
    """Every handler, in order. Within group 0 the first match wins, so:

    1. features with deep links and conversations come first, each owning its commands;
    2. the general commands next (/start without payload, /bantuan, /batal outside a journey);
    3. then the fallbacks: unknown commands, stray messages, buttons nothing handles any more.
    Before all of them, in INTAKE_GROUP: groups and channels get nothing personal, edited
    messages drive nothing (general.only_private_messages).
    """
    application.add_handler(TypeHandler(Update, general.only_private_messages), group=INTAKE_GROUP)
    for handler in activation.build_activation_handlers():
        application.add_handler(handler)
    # Team first: while an atasan or ASN writes feedback, their text belongs to that thread;
    # then appreciation, written from the team's pages.
    for handler in build_team_handlers():
        application.add_handler(handler)
    for handler in build_recognition_handlers():
        application.add_handler(handler)
    # Leave (/cuti, deleting declared leave), then the reminder's snooze button.
    for handler in build_leave_handlers():
        application.add_handler(handler)
    for handler in build_reminder_handlers():
        application.add_handler(handler)
    # Reporting: corrections, /lapor, then /kinerja.
    for handler in build_reporting_handlers():
        application.add_handler(handler)
    for handler in build_overview_handlers():
        application.add_handler(handler)
    # Evaluation: the /nilai and /kompetensi conversations, then /evaluasi and /laporansaya
    # (files); /analisis.
    for handler in build_evaluation_handlers():
        application.add_handler(handler)
    for handler in build_competency_handlers():
        application.add_handler(handler)
    for handler in build_export_handlers():
        application.add_handler(handler)
    for handler in build_analysis_handlers():
        application.add_handler(handler)
    # Competency development: /pengembangan, enrolment decisions, certificates.
    for handler in build_development_handlers():
        application.add_handler(handler)
    # Citizens: /privasi, /datasaya, /hapusdata; tickets (answering, /tiket, replies); the
    # survey with its deep link /start layanan-KODE (before the general /start); /ikm; /rtl.
    for handler in build_privacy_handlers():
        application.add_handler(handler)
    for handler in build_complaint_handlers():
        application.add_handler(handler)
    for handler in build_survey_handlers():
        application.add_handler(handler)
    for handler in build_ikm_handlers():
        application.add_handler(handler)
    for handler in build_followup_handlers():
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
    """Write conversation states and drafts now instead of at the next interval.

    PTB marks an update's user data for writing only after every group has run, i.e. after
    this handler: without marking it here, the new state would be written with the draft of
    the update before, and a kill in between would restart the conversation with a draft
    that does not fit its state."""
    if update.effective_user is not None:
        context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    await context.application.update_persistence()


async def post_init(application: KinerjaApplication) -> None:
    """Queue the updates left unfinished by the last run (before anything new is fetched);
    register the command menu with Telegram; book the scheduled jobs (and catch up); serve
    the public site too when WEB_PORT is set; then, start-up complete, tune the cycle
    collector (`collector.settle_after_start`)."""
    await refeed(application)
    await application.bot.set_my_commands(menu())
    schedule_all(application, application.bot_data[SETTINGS_KEY])
    await start_public_site(application)
    settle_after_start()


async def refeed(application: KinerjaApplication) -> None:
    """The inbox's unfinished updates, oldest first, to be handled before new ones."""
    inbox: Inbox = application.bot_data[INBOX_KEY]
    unfinished = await inbox.unfinished()
    for data in unfinished:
        update = read_update(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
    if unfinished:
        log.info("%d updates left unfinished by the last run are handled again", len(unfinished))


async def post_shutdown(application: KinerjaApplication) -> None:
    """Stop the public site, close the database pool."""
    site: EmbeddedSite | None = application.bot_data.pop(SITE_KEY, None)
    if site is not None:
        await site.stop()
    database: Database = application.bot_data[DATABASE_KEY]
    await database.dispose()


async def start_public_site(application: KinerjaApplication) -> None:
    """With WEB_PORT set, the bot process serves the transparency site as well."""
    settings: Settings = application.bot_data[SETTINGS_KEY]
    if settings.web_port is not None:
        application.bot_data[SITE_KEY] = await start_embedded_site(
            application.bot_data[DATABASE_KEY], settings, settings.web_port
        )


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
    inbox = Inbox(database)
    processor = PerUserOrderedProcessor(inbox=inbox)
    bot = IntakeBot(
        secret,
        base_url=settings.base_url,
        base_file_url=settings.base_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz),
        # PTB's own defaults: a pool for concurrent replies, one connection for getUpdates.
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(),
        # Replies wait their turn, never dropped; a user kept waiting is told it is busy.
        rate_limiter=PatientRateLimiter(awaiting_reply=processor.is_busy) if rate_limit else None,
        inbox=inbox,
    )
    builder: Any = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext, user_data=UserDrafts))
        .persistence(DatabasePersistence(database))
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    application: KinerjaApplication = builder.build()
    application.bot_data[DATABASE_KEY] = database
    application.bot_data[SETTINGS_KEY] = settings
    application.bot_data[INBOX_KEY] = inbox
    add_courier(application)
    register_handlers(application)
    return application
