"""General handlers: /start without payload, /bantuan, /batal outside a conversation, fallbacks,
stale buttons and the one error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from kinerja_bot.commands import command_list
from kinerja_bot.context import BotContext
from kinerja_bot.db import is_unavailable
from kinerja_bot.people import Person, identify
from kinerja_bot.texts import TextBook

log = logging.getLogger(__name__)

TEXTS = TextBook(
    "umum",
    {
        "start_warga": ("nama", "perintah"),
        "start_pegawai": ("nama", "perintah"),
        "bantuan": ("perintah",),
        "batal_kosong": (),
        "batal_selesai": (),
        "perintah_tidak_dikenal": ("perintah",),
        "teks_tidak_dipahami": (),
        "peringatan_tombol_usang": (),
        "habis_waktu": (),
        "galat": (),
        "gangguan": (),
    },
)


async def current_person(update: Update, context: BotContext) -> Person | None:
    """The person behind this update, or None for updates without a user."""
    if update.effective_user is None:
        return None
    async with context.db.session() as session:
        return await identify(session, update.effective_user.id, context.settings)


async def start(update: Update, context: BotContext) -> None:
    """Greet the user and list what they can do."""
    person = await current_person(update, context)
    if person is None or update.effective_message is None or update.effective_user is None:
        return
    if person.employee is not None:
        text = TEXTS.get("start_pegawai", nama=person.employee.nama, perintah=command_list(person))
    else:
        text = TEXTS.get(
            "start_warga", nama=update.effective_user.first_name, perintah=command_list(person)
        )
    await update.effective_message.reply_text(text)


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this user can use."""
    person = await current_person(update, context)
    if person is None or update.effective_message is None:
        return
    await update.effective_message.reply_text(TEXTS.get("bantuan", perintah=command_list(person)))


async def cancel_outside_conversation(update: Update, context: BotContext) -> None:
    """/batal when nothing is running."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(TEXTS.get("batal_kosong"))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Point to /bantuan for a command the bot does not know."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(TEXTS.get("perintah_tidak_dikenal", perintah=command[:64]))


async def stray_message(update: Update, context: BotContext) -> None:
    """Answer text or media that no conversation is waiting for."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(TEXTS.get("teks_tidak_dipahami"))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message that nothing handles any more: answer politely."""
    if update.callback_query is not None:
        await update.callback_query.answer(TEXTS.get("peringatan_tombol_usang"), show_alert=True)


async def conversation_timed_out(update: Update, context: BotContext) -> None:
    """Tell the user an idle conversation was closed."""
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, TEXTS.get("habis_waktu"))


def describe(update: object) -> str:
    """A short, token-free description of an update for the log."""
    if not isinstance(update, Update):
        return repr(update)[:200]
    user = update.effective_user.id if update.effective_user else None
    chat = update.effective_chat.id if update.effective_chat else None
    if update.callback_query is not None:
        what = f"callback={update.callback_query.data!r}"
    elif update.effective_message is not None and update.effective_message.text:
        what = f"text={update.effective_message.text[:80]!r}"
    else:
        what = "other"
    return f"update_id={update.update_id} user={user} chat={chat} {what}"


async def error_handler(update: object, context: BotContext) -> None:
    """Log the error with its update; tell the user something went wrong, never the traceback."""
    log.error("Error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        # A database that does not answer in time is passing trouble, not a bug of ours.
        key = "gangguan" if context.error and is_unavailable(context.error) else "galat"
        await context.bot.send_message(update.effective_chat.id, TEXTS.get(key))
    except TelegramError:
        log.warning("Could not tell chat %s about the error", update.effective_chat.id)
