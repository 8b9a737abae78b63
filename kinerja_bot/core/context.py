"""The callback context of every handler: `context.db` and `context.settings` are at hand."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from kinerja_bot.core.db import Database
from kinerja_bot.core.outbox import Courier
from kinerja_bot.core.settings import Settings

DATABASE_KEY = "database"
SETTINGS_KEY = "settings"
INBOX_KEY = "inbox"  # core.inbox.Inbox: the updates received and whether they were handled
COURIER_KEY = "courier"  # core.outbox.Courier: sends the notices handlers queue


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus the process's database and settings (kept in bot_data).

    PTB builds one context per update and hands it to every handler that runs for it, so what
    is learnt about the update once (who is talking: `kinerja_bot.core.people`) is kept here.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_of_update: Any = None

    @property
    def db(self) -> Database:
        database: Database = self.application.bot_data[DATABASE_KEY]
        return database

    @property
    def settings(self) -> Settings:
        settings: Settings = self.application.bot_data[SETTINGS_KEY]
        return settings

    def send_queued_notices(self) -> None:
        """After a commit that queued a notice (`outbox.queue_notice`): send it now."""
        courier: Courier = self.application.bot_data[COURIER_KEY]
        courier.wake()


KinerjaApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
