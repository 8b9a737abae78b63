"""Showing a step of a journey: edit the message whose button was pressed, or send a new one."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A button press edits its own message (the journey stays in one place); text gets a reply."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await query.answer()
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def stale(update: Update, alert: str) -> None:
    """Answer a press of a button that no longer fits where the user is."""
    if update.callback_query is not None:
        await update.callback_query.answer(alert, show_alert=True)


def too_long(text: str, limit: int) -> bool:
    return len(text) > limit
