"""Who may use a handler, said once as a decorator instead of a prologue in every callback.

    @only(is_asn, refuse_with(TEXTS, "bukan_pegawai"))
    async def show_performance(update, context, person): ...

The decorated callback gets the person behind the update (looked up once per update, see
`kinerja_bot.core.people`); everybody else gets the refusal, which answers a pressed button too
so that no button spins forever.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.people import Person, current_person
from kinerja_bot.core.telegram_ui import COMMON_TEXTS, answer_with, reply, take_press
from kinerja_bot.core.texts import ALERT_LIMIT, TextBook

R = TypeVar("R")
PersonCallback = Callable[[Update, BotContext, Person], Awaitable[R]]
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, R]]


def is_asn(person: Person) -> bool:
    return person.employee is not None


def is_atasan(person: Person) -> bool:
    """Leads people: has subordinates, or heads a unit."""
    return person.has_subordinates or bool(person.head_of_units)


def is_head_or_admin(person: Person) -> bool:
    return person.is_admin or bool(person.head_of_units)


def anyone(person: Person) -> bool:
    return True


def only(allowed: Callable[[Person], bool], refuse: Callback[R]) -> Callable[..., Callback[R]]:
    """Run the callback for people `allowed` accepts, with the person; refuse everybody else."""

    def decorate(callback: PersonCallback[R]) -> Callback[R]:
        @functools.wraps(callback)
        async def guarded(update: Update, context: BotContext) -> R:
            person = await current_person(update, context)
            if person is None or not allowed(person):
                return await refuse(update, context)
            return await callback(update, context, person)

        return guarded

    return decorate


def refuse_with(book: TextBook, key: str, result: Any = None) -> Callback[Any]:
    """A refusal that answers the press (if any) and says `key` in the chat."""

    async def refuse(update: Update, context: BotContext) -> Any:
        await take_press(update)
        await reply(update, book.get(key))
        return result

    return refuse


def alert_with(book: TextBook, key: str, result: Any = None) -> Callback[Any]:
    """A refusal for buttons: a pop-up on the pressed button, nothing in the chat."""

    async def refuse(update: Update, context: BotContext) -> Any:
        if update.callback_query is not None:
            await update.callback_query.answer(book.get(key)[:ALERT_LIMIT], show_alert=True)
        return result

    return refuse


def stray_input_fallbacks(
    prefix: str, book: TextBook, busy_key: str
) -> list[BaseHandler[Update, BotContext, Any]]:
    """The last fallbacks of a conversation led by buttons (`prefix:` callback data): a button
    of an earlier step gets a pop-up and changes nothing, another command is told this
    conversation is open (`busy_key` in `book`), anything else is asked to press a button."""
    return [
        CallbackQueryHandler(
            alert_with(COMMON_TEXTS, "peringatan_tombol_langkah_lalu"), pattern=f"^{prefix}:"
        ),
        MessageHandler(filters.COMMAND, answer_with(book, busy_key)),
        MessageHandler(~filters.COMMAND, answer_with(COMMON_TEXTS, "pilih_tombol")),
    ]
