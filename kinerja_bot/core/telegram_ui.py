"""Small Telegram helpers shared by every journey: keyboards, button presses, safe sends."""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ConversationHandler, TypeHandler
from telegram.warnings import PTBUserWarning

from kinerja_bot.core.drafts import DraftMismatch
from kinerja_bot.core.idle_conversations import IdleClosingConversation
from kinerja_bot.core.texts import CALLBACK_DATA_LIMIT, TextBook

log = logging.getLogger(__name__)

PAGE_SIZE = 8
T = TypeVar("T")

# Words every journey shares: leaving a conversation, a timed-out one, a stale button, an error.
COMMON_TEXTS = TextBook(
    "umum",
    {
        "start_warga": ("nama", "perintah"),
        "start_pegawai": ("nama", "perintah"),
        "bantuan": ("perintah",),
        "batal_kosong": (),
        "batal_selesai": (),
        "perintah_tidak_dikenal": ("perintah",),
        "teks_tidak_dipahami": (),
        "mau_mengadu": (),
        "tombol_adu": (),
        "pilih_tombol": (),
        "peringatan_tombol_usang": (),
        "peringatan_tombol_langkah_lalu": (),
        "habis_waktu": (),
        "galat": (),
        "hanya_chat_pribadi": ("tautan",),
        "peringatan_hanya_chat_pribadi": (),
        "pesan_diubah": (),
        "gangguan": (),
        "sesi_terputus": (),
        "koneksi_lambat": (),
    },
    data=("kata_pengaduan",),
)

Button = tuple[str, str]  # (label, callback data)

# True while a call whose answer nobody reads is on its way (`unread`): the bot
# (`app.IntakeBot`) leaves Telegram's answer unread and the call returns True. Reading the
# message sent or edited into PTB's objects cost more CPU than anything else in a reply.
ANSWER_UNREAD = ContextVar("answer_unread", default=False)


async def unread(call: Awaitable[object]) -> None:
    """Await a Bot API call (same request, same errors) without reading its answer."""
    token = ANSWER_UNREAD.set(True)
    try:
        await call
    finally:
        ANSWER_UNREAD.reset(token)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, data); data over 64 bytes is a bug, caught here."""
    for row in rows:
        for _, data in row:
            if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def one_per_row(buttons: Sequence[Button]) -> InlineKeyboardMarkup:
    return keyboard([[button] for button in buttons])


def page_row(book: TextBook, page: int, pages: int, data: str) -> list[Button]:
    """◀ / ▶ between pages (`tombol_sebelumnya`, `tombol_berikutnya` of the journey's book);
    `data` has a `{}` for the page number. Empty on a single page."""
    row: list[Button] = []
    if page > 0:
        row.append((book.get("tombol_sebelumnya"), data.format(page - 1)))
    if page < pages - 1:
        row.append((book.get("tombol_berikutnya"), data.format(page + 1)))
    return row


def back_button(label: str, data: str) -> list[Button]:
    """A row with one button back to where a drill-down came from ("◀ Tim Anda", "◀ Daftar
    unit"): every view below a list has one, so nobody has to type the command again."""
    return [(f"◀ {label}", data)]


def paginate(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int, int]:
    """The items of one page, the page number actually shown (clamped) and the page count."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return list(items[page * size : (page + 1) * size]), page, pages


def shorten(text: str, limit: int) -> str:
    """Cut a label to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def take_press(update: Update, alert: str | None = None) -> CallbackQuery | None:
    """Answer a button press and remove the keyboard, so the same button cannot be pressed twice.

    Without an alert both calls are courtesies (the spinner stops, the keyboard goes; every
    step checks its state anyway): Telegram failing one (a 502, a timeout repeated in vain)
    must not fail the step the user asked for. An alert is the answer itself and must arrive.
    """
    query = update.callback_query
    if query is None:
        return None
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return query
    await answer_quietly(query)
    if isinstance(query.message, Message) and query.message.reply_markup:
        try:
            await unread(query.edit_message_reply_markup(None))
        except TelegramError as error:
            log.info(
                "keyboard of message %s not removed (%s)",
                query.message.message_id,
                type(error).__name__,
            )
    return query


def update_key(update: Update) -> str:
    """The key of what this update creates, stored with it (the `update_key` columns): the
    same update handled again after a kill (core/inbox.py hands it back, with the
    conversation as it was before) finds what it created the first time."""
    return f"u{update.update_id}"


async def answer_quietly(query: CallbackQuery) -> None:
    """Stop a press's spinner; Telegram failing that (a 502, a timeout repeated in vain) does
    not fail the step the user asked for."""
    try:
        await query.answer()
    except TelegramError as error:
        log.info("press %s not answered (%s): the step goes on", query.id, type(error).__name__)


# Ids and page numbers in callback data fit a PostgreSQL integer; a bigger one was forged.
CALLBACK_INT_MAX = 2**31 - 1


def callback_int(update: Update, position: int = -1) -> int | None:
    """The number at `position` in `prefix:…:N` callback data, or None — answer the press as a
    stale button — unless it is a plain number from 0 to 2^31 - 1. Every number read from a
    button goes through here, so forged data never reaches a query."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    parts = query.data.split(":")
    if not -len(parts) <= position < len(parts):
        return None
    part = parts[position]
    if not (part.isascii() and part.isdigit()) or len(part) > len(str(CALLBACK_INT_MAX)):
        return None
    number = int(part)
    return number if number <= CALLBACK_INT_MAX else None


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A button press edits its own message (the journey stays in one place); text gets a reply."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await answer_quietly(query)
        await edit_pressed(query, text, markup)
    elif update.effective_chat is not None:
        await unread(update.effective_chat.send_message(text, reply_markup=markup))


async def edit_pressed(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message; showing it already (the same press handled again after a
    restart) is not a failure."""
    try:
        await unread(query.edit_message_text(text, reply_markup=markup))
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def stale(update: Update, alert: str | None = None) -> None:
    """Answer a press of a button that no longer fits where the user is."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            alert or COMMON_TEXTS.get("peringatan_tombol_usang"), show_alert=True
        )


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer in the chat the update came from (message or button press)."""
    if update.effective_chat is not None:
        await unread(update.effective_chat.send_message(text, reply_markup=markup))


async def send_to_person(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Deliver to another user; False (logged) if Telegram refuses, e.g. the bot was blocked."""
    try:
        await unread(bot.send_message(chat_id, text, reply_markup=markup))
    except Forbidden:
        log.info("chat %s has blocked the bot", chat_id)
        return False
    except TelegramError:
        log.warning("could not deliver to chat %s", chat_id, exc_info=True)
        return False
    return True


def answer_with(book: TextBook, key: str) -> Callable[[Update, Any], Coroutine[Any, Any, None]]:
    """A callback that only answers with one text (a conversation's "not now" fallbacks)."""

    async def answer(update: Update, context: Any) -> None:
        await take_press(update)
        await reply(update, book.get(key))

    return answer


def cancel_forgetting(
    *draft_keys: str, book: TextBook = COMMON_TEXTS, key: str = "batal_selesai"
) -> Callable[[Update, Any], Coroutine[Any, Any, int]]:
    """/batal inside a conversation: forget its drafts, say so, end the conversation."""

    async def cancel(update: Update, context: Any) -> int:
        if context.user_data is not None:
            for draft_key in draft_keys:
                context.user_data.pop(draft_key, None)
        await take_press(update)
        await reply(update, book.get(key))
        return ConversationHandler.END

    return cancel


async def conversation_timed_out(update: Update, context: Any) -> None:
    """Tell the user an idle conversation was closed."""
    if update.effective_chat is not None:
        await unread(
            context.bot.send_message(update.effective_chat.id, COMMON_TEXTS.get("habis_waktu"))
        )


def _ending_interrupted(
    callback: Callable[[Update, Any], Coroutine[Any, Any, Any]],
) -> Callable[[Update, Any], Coroutine[Any, Any, Any]]:
    """The callback; a draft that does not fit the step (`DraftMismatch`) ends the conversation
    with "start again" and is forgotten, instead of failing at every answer."""

    @functools.wraps(callback)
    async def run(update: Update, context: Any) -> Any:
        try:
            return await callback(update, context)
        except DraftMismatch as lost:
            log.warning("Draft %s lacked %s: the conversation starts again", lost.slot, lost)
            if context.user_data is not None:
                context.user_data.pop(lost.slot, None)
            if update.callback_query is not None:
                with contextlib.suppress(TelegramError):  # the handler may have answered it
                    await update.callback_query.answer()
            await reply(update, COMMON_TEXTS.get("sesi_terputus"))
            return ConversationHandler.END

    return run


def conversation(
    name: str,
    entry_points: list[Any],
    states: dict[object, list[Any]],
    fallbacks: list[Any],
    on_timeout: Any,
) -> ConversationHandler[Any]:
    """A persistent conversation keyed per user and chat, closed after 30 idle minutes with
    `on_timeout` (core/idle_conversations.py).

    Buttons are tracked per chat on purpose (per_message=False): each journey's callbacks
    check the state and the ownership of what a button names, so a button on an older message
    is answered safely. PTB warns about exactly that choice, so the warning is muted here only.
    """
    for handler in [*entry_points, *(h for step in states.values() for h in step), *fallbacks]:
        handler.callback = _ending_interrupted(handler.callback)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return IdleClosingConversation(
            entry_points=entry_points,
            states={**states, ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)]},
            fallbacks=fallbacks,
            name=name,
            persistent=True,
        )
