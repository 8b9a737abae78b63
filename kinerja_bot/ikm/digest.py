"""The monthly IKM digest to unit heads: each service of their unit tree, last month's IKM and
mutu, and the change from the month before."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import col, select

from kinerja_bot.core.models import Employee, Service, Unit, UnitRole, UnitRoleKind, id_of
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.outbox import (
    DeliveryReport,
    JobServices,
    Outgoing,
    deliver_all,
    split_blocks,
)
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import Period, PeriodKind, current_period
from kinerja_bot.core.rules.skm import IkmResult
from kinerja_bot.core.texts import TextBook
from kinerja_bot.ikm.followup import Progress, progress_of
from kinerja_bot.ikm.tally import result_from_tally, tallies

TEXTS = TextBook(
    "digest_ikm",
    {
        "judul": ("unit", "bulan"),
        "layanan": ("layanan", "ikm", "mutu", "responden", "perubahan"),
        "layanan_belum_cukup": ("layanan", "responden"),
        "layanan_unsur_kosong": ("layanan", "unsur", "responden"),
        "rtl": ("selesai", "jumlah", "persen"),
        "rtl_kosong": (),
        "naik": ("selisih",),
        "turun": ("selisih",),
        "tetap": (),
        "tanpa_pembanding": (),
        "tanpa_layanan": (),
    },
)

DIGEST_JOB = "digest-ikm"


def previous_month(today: date) -> Period:
    return current_period(PeriodKind.MONTH, today.replace(day=1) - timedelta(days=1))


def change_text(current: IkmResult, before: IkmResult | None) -> str:
    if before is None or before.ikm is None or current.ikm is None:
        return TEXTS.get("tanpa_pembanding")
    delta = round(current.ikm - before.ikm, 2)
    if delta == 0:
        return TEXTS.get("tetap")
    return TEXTS.get("naik" if delta > 0 else "turun", selisih=format_number_id(abs(delta), 2))


def withheld_line(layanan: str, result: IkmResult) -> str:
    """A service whose IKM may not be shown: too few responses, or an unsur nobody answered."""
    if result.too_few_respondents:
        return TEXTS.get("layanan_belum_cukup", layanan=layanan, responden=result.respondents)
    return TEXTS.get(
        "layanan_unsur_kosong",
        layanan=layanan,
        unsur=", ".join(result.unanswered),
        responden=result.respondents,
    )


def followup_line(progress: Progress) -> str:
    """The share of the unit's RTL actions done this year (PEKPPP scores it)."""
    if progress.share is None:
        return TEXTS.get("rtl_kosong")
    return TEXTS.get(
        "rtl",
        selesai=progress.done,
        jumlah=progress.total,
        persen=format_percent_id(progress.share * 100, 0),
    )


async def run_ikm_digest(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Send each unit head the IKM of their services for last month."""
    today = now.astimezone(services.settings.tz).date()
    month = previous_month(today)
    before = previous_month(month.start)
    messages: list[Outgoing] = []
    async with services.database.session() as session:
        heads = (
            await session.exec(
                select(UnitRole, Employee, Unit)
                .join(Employee, col(Employee.id) == col(UnitRole.employee_id))
                .join(Unit, col(Unit.id) == col(UnitRole.unit_id))
                .where(UnitRole.role == UnitRoleKind.HEAD, col(Employee.telegram_id).is_not(None))
                .order_by(col(Unit.kode))
            )
        ).all()
        for _, head, unit in heads:
            assert unit.id is not None and head.telegram_id is not None
            services_in_tree = (
                await session.exec(
                    select(Service)
                    .where(col(Service.unit_id).in_(await unit_tree_ids(session, unit.id)))
                    .order_by(col(Service.nama))
                )
            ).all()
            ids = [s.id for s in services_in_tree if s.id is not None]
            tz = services.settings.tz
            now_scores = await tallies(session, month, ids, tz)
            old_scores = await tallies(session, before, ids, tz)
            lines = [TEXTS.get("judul", unit=unit.nama, bulan=month.title)]
            for service in services_in_tree:
                result = result_from_tally(now_scores[id_of(service)])
                if result.ikm is None or result.mutu is None:
                    lines.append(withheld_line(service.nama, result))
                    continue
                earlier = result_from_tally(old_scores[id_of(service)])
                lines.append(
                    TEXTS.get(
                        "layanan",
                        layanan=service.nama,
                        ikm=format_number_id(result.ikm, 2),
                        mutu=f"{result.mutu.value} {result.mutu.label}",
                        responden=result.respondents,
                        perubahan=change_text(result, earlier),
                    )
                )
            if len(lines) == 1:
                lines.append(TEXTS.get("tanpa_layanan"))
            tree = await unit_tree_ids(session, unit.id)
            lines.append(followup_line(await progress_of(session, tree, month.start.year)))
            messages.append(Outgoing(head.telegram_id, split_blocks(lines)))
    return await deliver_all(
        services.bot,
        services.database,
        DIGEST_JOB,
        month.label,
        messages,
        force=force,
        pacer=services.pacer,
    )
