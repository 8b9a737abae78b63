"""Conversations left idle for 30 minutes are closed: the user is told, the state is dropped.

PTB's own `conversation_timeout` books an APScheduler job at every step of every
conversation (and removes the one before), and keeps that job and the step's whole update in
memory per user: 4.5 % of the conversation benchmark's samples (docs/performance.md, 14).
Here a step only notes the time (`IdleClosingConversation.handle_update`), and one job a
minute (`close_idle_conversations`, booked by `kinerja_bot.scheduling`) closes what has been
idle longer, the way PTB's `ConversationHandler._trigger_timeout` does: the TIMEOUT handlers
run, then the conversation ends. Unlike PTB's jobs, it runs in the user's turn
(`PerUserOrderedProcessor.in_turn`), is written to persistence at once, ends the
conversation even when telling the user failed (blocked bot), and also closes the
conversations restored at start: their 30 minutes start at the first check after the start
(PTB never closed those).
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Bot, Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import Application, ConversationHandler
from telegram.ext._utils.types import ConversationKey

from kinerja_bot.core.update_processing import PerUserOrderedProcessor, ordering_key

CONVERSATION_TIMEOUT = timedelta(minutes=30)
# How often idle conversations are looked for: one closes 30 to 31 minutes after its last step.
IDLE_CHECK_SECONDS = 60
# The time a step is noted at and compared with; tests move a fake one.
clock: Callable[[], float] = time.monotonic


def open_conversations(
    handler: ConversationHandler[Any],
) -> MutableMapping[ConversationKey, object]:
    """The handler's open conversations, key → state; removing a key ends that conversation.

    PTB has no public way to see or end a conversation outside an update, so this is the one
    place that reaches into ConversationHandler: `_conversations`, which PTB's own timeout ends
    a conversation in. Once persistence is set up it is a TrackingDict, so a removed key is
    deleted from the database by the next `update_persistence`. If a PTB upgrade changes it,
    tests/core/test_idle_conversations.py fails."""
    return handler._conversations


class IdleClosingConversation(ConversationHandler[Any]):
    """A ConversationHandler whose conversations close after CONVERSATION_TIMEOUT idle: give it
    TIMEOUT handlers (`ConversationHandler.TIMEOUT` state) and no `conversation_timeout`."""

    __slots__ = ("_idle_since",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._idle_since: dict[ConversationKey, float] = {}  # clock() at the last step

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, Any, Any, Any, Any, Any],
        check_result: Any,
        context: Any,
    ) -> object | None:
        """The step; then its clock starts, unless the step ended the conversation. A step that
        failed leaves the conversation where it was, idle from now."""
        key: ConversationKey = check_result[1]
        try:
            return await super().handle_update(update, application, check_result, context)
        finally:
            if key in open_conversations(self):
                self._idle_since[key] = clock()
            else:
                self._idle_since.pop(key, None)

    def idle(self, cutoff: float, now: float) -> list[ConversationKey]:
        """The open conversations whose last step was before `cutoff`. One without a step in
        this process (restored at start) counts from `now`, the first time it is seen."""
        return [
            key
            for key in open_conversations(self)
            if self._idle_since.setdefault(key, now) <= cutoff
        ]

    async def close_if_idle(
        self,
        key: ConversationKey,
        update: Update,
        application: Application[Any, Any, Any, Any, Any, Any],
        cutoff: float,
    ) -> None:
        """What PTB's `_trigger_timeout` does, unless the user took a step or the conversation
        ended since it was found idle: the TIMEOUT handlers run with `update`, then the
        conversation ends, written to persistence with the drafts the handlers dropped."""
        conversations = open_conversations(self)
        if key not in conversations or self._idle_since.get(key, cutoff) > cutoff:
            return
        context = application.context_types.context.from_update(update, application)
        try:
            for handler in self.states.get(self.TIMEOUT, []):
                check = handler.check_update(update)
                if check is not None and check is not False:
                    await handler.handle_update(update, application, check, context)
        except Exception as error:
            # The user could not be told (a blocked bot): the conversation ends all the same.
            await application.process_error(update=None, error=error)
        finally:
            conversations.pop(key, None)
            self._idle_since.pop(key, None)
            if update.effective_user is not None:
                application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
            await application.update_persistence()


def stand_in(key: ConversationKey, bot: Bot) -> Update:
    """The update the TIMEOUT handlers get: PTB kept each conversation's last update for them,
    30 minutes of memory per user; they only need the chat and the user, which the key names
    (per chat and user; conversations run in private chats only, general.only_private_messages).
    """
    chat_id, user_id = key
    chat = Chat(int(chat_id), ChatType.PRIVATE)
    message = Message(
        message_id=0,
        date=datetime.now(UTC),
        chat=chat,
        from_user=User(int(user_id), "", is_bot=False),
    )
    for part in (chat, message):
        part.set_bot(bot)
    return Update(update_id=0, message=message)


async def close_idle_conversations(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Close every conversation idle for CONVERSATION_TIMEOUT, one after the other, each in
    its user's turn."""
    now = clock()
    cutoff = now - CONVERSATION_TIMEOUT.total_seconds()
    processor = application.update_processor
    assert isinstance(processor, PerUserOrderedProcessor)  # app.build_application's
    for handlers in application.handlers.values():
        for handler in handlers:
            if not isinstance(handler, IdleClosingConversation):
                continue
            for key in handler.idle(cutoff, now):
                update = stand_in(key, application.bot)
                user = ordering_key(update)
                assert user is not None
                await processor.in_turn(
                    user, handler.close_if_idle(key, update, application, cutoff)
                )
