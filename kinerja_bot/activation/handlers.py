"""Telegram side of activation: `/start aktivasi-<KODE>` and the `/daftar` conversation.

/daftar states: ASK_NIP → ASK_CODE → end. `/batal` leaves at any step.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, TypedDict

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.activation.service import (
    Outcome,
    Result,
    activate,
    check_nip,
    normalise_code,
    precheck,
)
from kinerja_bot.core.commands import command_list
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.models import Unit, utcnow
from kinerja_bot.core.people import forget_person, unit_of_work
from kinerja_bot.core.telegram_ui import (
    answer_with,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
)
from kinerja_bot.core.texts import TextBook

TEXTS = TextBook(
    "aktivasi",
    {
        "minta_nip": (),
        "minta_kode": (),
        "bukan_teks": (),
        "sedang_mendaftar": (),
        "berhasil": ("nama", "jabatan", "unit", "nip", "perintah"),
        Outcome.ACCOUNT_ALREADY_LINKED: ("nama", "nip"),
        Outcome.NIP_FORMAT: ("alasan",),
        Outcome.WRONG_CODE: ("sisa",),
        Outcome.USED_CODE: (),
        Outcome.EXPIRED_CODE: (),
        Outcome.REPLACED_CODE: (),
        Outcome.NIP_LINKED_ELSEWHERE: (),
        Outcome.THROTTLED: ("menit",),
    },
)

ASK_NIP, ASK_CODE = range(2)


class NipDraft(TypedDict):
    nip: str  # checked for its form only: whose it is is not told before the code matches


NIP_DRAFT = DraftSlot[NipDraft]("daftar_nip.v2")


def _minutes(wait: timedelta | None) -> int:
    return max(1, math.ceil((wait or timedelta()).total_seconds() / 60))


async def describe_result(result: Result, update: Update, context: BotContext) -> str:
    """The message for any activation outcome."""
    employee = result.employee
    if result.outcome is Outcome.LINKED and employee is not None:
        forget_person(context)  # just linked: an employee now, perhaps with a team
        async with unit_of_work(update, context) as (session, person):
            unit = await session.get(Unit, employee.unit_id)
        return TEXTS.get(
            "berhasil",
            nama=employee.nama,
            jabatan=employee.jabatan,
            unit=unit.nama if unit else "-",
            nip=employee.nip,
            perintah=command_list(person) if person is not None else "",
        )
    if result.outcome is Outcome.ACCOUNT_ALREADY_LINKED:
        return TEXTS.get(
            result.outcome,
            nama=employee.nama if employee else "-",
            nip=employee.nip if employee else "-",
        )
    return TEXTS.get(
        result.outcome, alasan=result.detail, sisa=result.tries_left, menit=_minutes(result.wait)
    )


async def start_with_code(update: Update, context: BotContext) -> None:
    """`/start aktivasi-<KODE>` from the link in the admin's CSV."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not context.args:
        return
    code = normalise_code(context.args[0].removeprefix("aktivasi-"))
    async with context.db.session() as session:
        result = await activate(session, user.id, code, utcnow())
    await message.reply_text(await describe_result(result, update, context))


async def ask_nip(update: Update, context: BotContext) -> int:
    """/daftar: refuse a linked or throttled account, else ask for the NIP."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return ConversationHandler.END
    async with context.db.session() as session:
        refusal = await precheck(session, user.id, utcnow())
    if refusal is not None:
        await message.reply_text(await describe_result(refusal, update, context))
        return ConversationHandler.END
    await message.reply_text(TEXTS.get("minta_nip"))
    return ASK_NIP


async def receive_nip(update: Update, context: BotContext) -> int:
    """Take the NIP (asking again on a format error), then ask for the code; nothing about
    the person is shown before both match."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return ASK_NIP
    async with context.db.session() as session:
        nip = await check_nip(session, user.id, message.text, utcnow())
    if isinstance(nip, Result):
        await message.reply_text(await describe_result(nip, update, context))
        return ASK_NIP if nip.outcome is Outcome.NIP_FORMAT else ConversationHandler.END
    NIP_DRAFT.new(context, {"nip": nip})
    await message.reply_text(TEXTS.get("minta_kode"))
    return ASK_CODE


async def receive_code(update: Update, context: BotContext) -> int:
    """Check the code against the NIP given; ask again only when it was simply wrong."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return ASK_CODE
    draft = NIP_DRAFT.get(context)
    nip = draft["nip"] if draft is not None else None
    async with context.db.session() as session:
        result = await activate(session, user.id, normalise_code(message.text), utcnow(), nip=nip)
    await message.reply_text(await describe_result(result, update, context))
    if result.outcome is Outcome.WRONG_CODE:
        return ASK_CODE
    NIP_DRAFT.drop(context)
    return ConversationHandler.END


def build_registration_conversation() -> ConversationHandler[BotContext]:
    """/daftar — states: ASK_NIP (typed NIP), ASK_CODE (typed activation code)."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "daftar",
        entry_points=[CommandHandler("daftar", ask_nip)],
        states={
            ASK_NIP: [MessageHandler(typed, receive_nip)],
            ASK_CODE: [MessageHandler(typed, receive_code)],
        },
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(NIP_DRAFT.key)),
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "sedang_mendaftar")),
            MessageHandler(~filters.COMMAND, answer_with(TEXTS, "bukan_teks")),
        ],
        on_timeout=conversation_timed_out,
    )


def build_activation_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The deep link first (it is a /start with a payload), then the /daftar conversation."""
    deep_link = CommandHandler(
        "start", start_with_code, filters=filters.Regex(r"^/start(@\w+)?\s+aktivasi-")
    )
    return [deep_link, build_registration_conversation()]
