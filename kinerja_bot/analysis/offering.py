"""A unit head offers a proposed course to the people concerned by one need, with one press.

The button names the unit, the period, the need (a short digest of its kind and subject) and
the offer; the press computes the analysis again on the server, so a forged or outdated button
finds no such need or no such proposal. Each person receives an offer at most once per offer
and need: the outbox's `Delivery` row (job `tawaran`, period `<offer>:<unit>:<need>`) is that
record. The recipient's *Daftar* button is /pengembangan's own (`pkb:daftar:<offer>`), so the
quota, the waiting list and the atasan's approval apply unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from kinerja_bot.analysis.needs import Need, NeedsReport, UnitNeeds, build_needs_report
from kinerja_bot.analysis.render import TEXTS, need_texts, proposed_offers
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, TrainingOffer, Unit, id_of
from kinerja_bot.core.outbox import DeliveryReport, Outgoing, deliver_all
from kinerja_bot.core.rules.periods import Period, format_date_id
from kinerja_bot.core.telegram_ui import Button, keyboard
from kinerja_bot.core.texts import BUTTON_LABEL_LIMIT, Markup
from kinerja_bot.development import format_jp

OFFER_JOB = "tawaran"
CALLBACK_PREFIX = "ana:tw"


def need_key(need: Need) -> str:
    """A short, stable name of a need within its unit (fits in callback data)."""
    return hashlib.sha1(f"{need.kind.value}|{need.subject}".encode()).hexdigest()[:8]


def offer_data(period: Period, unit_id: int, need: Need, offer_id: int) -> str:
    return f"{CALLBACK_PREFIX}:{unit_id}:{period.label}:{need_key(need)}:{offer_id}"


def need_offer_rows(report: NeedsReport, unit: UnitNeeds, need: Need) -> list[list[Button]]:
    """One button per course proposed for the need, offering it to the people concerned
    (none when the need concerns nobody by name, e.g. an SKM unsur)."""
    if not need.concerned:
        return []
    rows: list[list[Button]] = []
    for number, match in enumerate(proposed_offers(need, report.offers), start=1):
        label = TEXTS.get(
            "tombol_tawarkan", nomor=number, kode=match.offer.kode, jumlah=len(need.concerned)
        )
        data = offer_data(report.period, id_of(unit.unit), need, match.offer.offer_id)
        rows.append([(str(label)[:BUTTON_LABEL_LIMIT], data)])  # a long catalog code
    return rows


@dataclass(frozen=True)
class Proposal:
    """One offer for one need, found again on the server, with the people it goes to."""

    unit: Unit
    need: Need
    offer: TrainingOffer
    recipients: list[Employee]

    @property
    def record_key(self) -> str:
        """The outbox period of this offer and need (at most 32 characters)."""
        return f"{id_of(self.offer)}:{id_of(self.unit)}:{need_key(self.need)}"


async def find_proposal(
    session: AsyncSession, unit: Unit, period: Period, key: str, offer_id: int, *, today: date
) -> Proposal | None:
    """The need `key` of `unit` in `period` if the analysis still proposes `offer_id` for it."""
    report = await build_needs_report(session, id_of(unit), period, today=today)
    for unit_needs in report.units:
        if id_of(unit_needs.unit) != id_of(unit):
            continue
        for need in unit_needs.needs:
            proposed = {m.offer.offer_id for m in proposed_offers(need, report.offers)}
            if need_key(need) == key and offer_id in proposed and need.concerned:
                offer = await session.get(TrainingOffer, offer_id)
                if offer is None:
                    return None
                recipients = await session.exec(
                    select(Employee)
                    .where(col(Employee.id).in_(need.concerned))
                    .order_by(col(Employee.id))
                )
                return Proposal(unit, need, offer, list(recipients))
    return None


def offer_message(proposal: Proposal) -> tuple[str, list[list[Button]]]:
    offer = proposal.offer
    text = TEXTS.get(
        "tawaran",
        unit=proposal.unit.nama,
        subjek=Markup(need_texts(proposal.need).subjek),
        nama=offer.nama,
        penyelenggara=offer.penyelenggara,
        jp=format_jp(offer.jp),
        mulai=format_date_id(offer.mulai),
        selesai=format_date_id(offer.selesai),
    )
    return text, [[(str(TEXTS.get("tombol_daftar_tawaran")), f"pkb:daftar:{id_of(offer)}")]]


async def send_offer(
    bot: Bot, database: Database, proposal: Proposal
) -> tuple[DeliveryReport, int]:
    """Send the offer to everyone concerned not offered it yet; (the outbox's report, how many
    cannot be reached because they never joined the bot)."""
    text, rows = offer_message(proposal)
    reachable = [e.telegram_id for e in proposal.recipients if e.telegram_id is not None]
    messages = [Outgoing(chat_id, [text], keyboard(rows)) for chat_id in reachable]
    report = await deliver_all(bot, database, OFFER_JOB, proposal.record_key, messages)
    return report, len(proposal.recipients) - len(reachable)
