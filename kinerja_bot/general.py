"""General handlers: /start without payload, /bantuan, /batal outside a conversation, fallbacks,
stale buttons and the one error handler."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import ApplicationHandlerStop

from kinerja_bot.complaints import DIRECT_COMPLAINT_BUTTON
from kinerja_bot.core.commands import command_list
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.db import is_unavailable
from kinerja_bot.core.people import current_person
from kinerja_bot.core.telegram_ui import COMMON_TEXTS as TEXTS
from kinerja_bot.core.telegram_ui import keyboard

log = logging.getLogger(__name__)


# A group hears the private-chat notice at most this often, however busy it is.
GROUP_NOTICE_INTERVAL = 600.0


class GroupNotices:
    """When each group last heard the private-chat notice (in memory, per process)."""

    def __init__(
        self, interval: float = GROUP_NOTICE_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: dict[int, float] = {}

    def due(self, chat_id: int) -> bool:
        """True, and counted as told, if the chat has not heard the notice within the interval."""
        now = self.clock()
        if now - self._last.get(chat_id, -self.interval) < self.interval:
            return False
        if len(self._last) > 10_000:  # keep memory bounded: forget chats told long ago
            self._last = {c: t for c, t in self._last.items() if now - t < self.interval}
        self._last[chat_id] = now
        return True


GROUP_NOTICES = GroupNotices()


async def only_private_messages(update: Update, context: BotContext) -> None:
    """Let through only what may drive a feature: new messages and button presses in private
    chats (and updates without a chat). Everything else stops here (ApplicationHandlerStop):

    - groups and channels: nothing personal may be shown or asked there. A group message gets
      a short notice with a link to the private chat (at most once per GROUP_NOTICE_INTERVAL
      per group), a button in a group an alert; channel posts and the rest are ignored;
    - edited messages are not answers: a private edit gets one line saying so.
    """
    chat = update.effective_chat
    if chat is None or (chat.type == ChatType.PRIVATE and update.edited_message is None):
        return
    if chat.type == ChatType.PRIVATE:
        await context.bot.send_message(chat.id, TEXTS.get("pesan_diubah"))
    elif update.callback_query is not None:
        await update.callback_query.answer(
            TEXTS.get("peringatan_hanya_chat_pribadi"), show_alert=True
        )
    elif (
        update.message is not None
        and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
        and GROUP_NOTICES.due(chat.id)
    ):
        link = f"https://t.me/{context.bot.username}"
        await update.message.reply_text(TEXTS.get("hanya_chat_pribadi", tautan=link))
    raise ApplicationHandlerStop


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


def wants_to_complain(text: str, words: Iterable[str]) -> bool:
    """Whether a typed message says "I want to complain": one of `words` as a whole word."""
    typed = set(re.findall(r"\w+", text.casefold()))
    return any(word.casefold() in typed for word in words)


async def stray_message(update: Update, context: BotContext) -> None:
    """Answer text or media that no conversation is waiting for; "saya mau mengadu" and the
    like get /adu with its button instead of "not understood"."""
    message = update.effective_message
    if message is None:
        return
    if message.text and wants_to_complain(message.text, TEXTS.data("kata_pengaduan")):
        button = keyboard([[(TEXTS.get("tombol_adu"), DIRECT_COMPLAINT_BUTTON)]])
        await message.reply_text(TEXTS.get("mau_mengadu"), reply_markup=button)
        return
    await message.reply_text(TEXTS.get("teks_tidak_dipahami"))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message that nothing handles any more: answer politely."""
    if update.callback_query is not None:
        await update.callback_query.answer(TEXTS.get("peringatan_tombol_usang"), show_alert=True)


def describe(update: object) -> str:
    """What the log may say about an update: ids and its kind, never what the user typed
    (a NIP, a name, a phone number) nor a command's payload (an activation code)."""
    if not isinstance(update, Update):
        return type(update).__name__
    user = update.effective_user.id if update.effective_user else None
    chat = update.effective_chat.id if update.effective_chat else None
    message = update.effective_message
    if update.callback_query is not None:
        what = f"button={(update.callback_query.data or '').split(':')[0][:16]!r}"
    elif message is not None and message.text and message.text.startswith("/"):
        what = f"command={message.text.split()[0][:33]!r}"
    elif message is not None:
        what = "message"
    else:
        what = "other"
    return f"update_id={update.update_id} user={user} chat={chat} {what}"


async def error_handler(update: object, context: BotContext) -> None:
    """Log the error; tell the user something went wrong, never the traceback.

    A failed button press gets its keyboard back: the failed work was rolled back and the
    conversation did not move, so the same buttons (Kirim of a draft) work again. Not after a
    timeout: the reply (a repeat included, see app.IntakeBot) may have arrived and show the
    next step, under which the old keyboard would put the previous step's buttons; the user
    is asked to repeat the step instead.
    """
    log.error("Error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    timed_out = isinstance(context.error, TimedOut)
    query = update.callback_query
    if query is not None:
        await _quietly(query.answer())  # refused if the handler answered already: fine
        message = query.message
        if not timed_out and isinstance(message, Message) and message.reply_markup is not None:
            await _quietly(query.edit_message_reply_markup(message.reply_markup))
    # A database that does not answer in time is passing trouble, not a bug of ours.
    if context.error and is_unavailable(context.error):
        key = "gangguan"
    else:
        key = "koneksi_lambat" if timed_out else "galat"
    if not await _tell(context, update.effective_chat.id, TEXTS.get(key)):
        log.warning("Could not tell chat %s about the error", update.effective_chat.id)


# The error message is the only answer the user gets: when Telegram fails it (a 502), it is
# sent again after these pauses. Not after a timeout: that message most likely arrived (and
# was repeated once already, see app.IntakeBot).
TELL_AGAIN_AFTER = (0.5, 2.0)


async def _tell(context: BotContext, chat_id: int, text: str) -> bool:
    """Send the error message; False if it could not be delivered."""
    for pause in (0.0, *TELL_AGAIN_AFTER):
        await asyncio.sleep(pause)
        try:
            await context.bot.send_message(chat_id, text)
        except NetworkError as error:
            if isinstance(error, TimedOut):
                return False
        except TelegramError:
            return False
        else:
            return True
    return False


async def _quietly(call: Awaitable[object]) -> bool:
    """Await a Bot API call; False instead of an error (the error path must not fail)."""
    try:
        await call
    except TelegramError:
        return False
    return True
