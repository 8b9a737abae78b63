"""Choosing a public service in two pages — unit, then its services — as the survey and /adu
both ask a citizen. Units are named the way residents know them (`citizen_unit_names`).

The journey's own book holds the words: `pilih_unit` (halaman, jumlah), `pilih_layanan` (unit,
halaman, jumlah), `tombol_unit_lain`, `tombol_sebelumnya`, `tombol_berikutnya`. Callback data:
`<prefix>:up:<page>` (a page of units), `<prefix>:u:<unit>`, `<prefix>:sp:<unit>:<page>` (a page
of its services), `<prefix>:s:<service>`, and `<prefix>:o:<unit>` for a journey that offers
"none of these" under the services (`other`, /adu's "Lainnya").
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Unit, id_of
from kinerja_bot.core.organisation import (
    citizen_unit_names,
    services_of_unit,
    units_with_services,
)
from kinerja_bot.core.telegram_ui import Button, keyboard, page_row, paginate, shorten
from kinerja_bot.core.texts import TextBook

__all__ = ["LABEL_CHARS", "service_page", "unit_page"]

LABEL_CHARS = 60


async def unit_page(
    database: Database, book: TextBook, prefix: str, page: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    """One page of the units offering a service, by their citizen names; None when none does."""
    async with database.session() as session:
        units = await units_with_services(session)
        names = await citizen_unit_names(session)
    if not units:
        return None
    units.sort(key=lambda unit: names[id_of(unit)].casefold())
    items, page, pages = paginate(units, page)
    rows: list[list[Button]] = [
        [(shorten(names[id_of(u)], LABEL_CHARS), f"{prefix}:u:{id_of(u)}")] for u in items
    ]
    if nav := page_row(book, page, pages, f"{prefix}:up:{{}}"):
        rows.append(nav)
    return book.get("pilih_unit", halaman=page + 1, jumlah=pages), keyboard(rows)


async def service_page(
    database: Database,
    book: TextBook,
    prefix: str,
    unit_id: int,
    page: int,
    *,
    other: str | None = None,
) -> tuple[str, InlineKeyboardMarkup] | None:
    """One page of a unit's services, with ◀ back to the units; None without any. `other`
    labels a button for a matter that fits none of them, on every page."""
    async with database.session() as session:
        unit = await session.get(Unit, unit_id)
        services = await services_of_unit(session, unit_id)
        names = await citizen_unit_names(session) if unit is not None else {}
    if unit is None or not services:
        return None
    items, page, pages = paginate(services, page)
    rows: list[list[Button]] = [
        [(shorten(s.nama, LABEL_CHARS), f"{prefix}:s:{id_of(s)}")] for s in items
    ]
    if nav := page_row(book, page, pages, f"{prefix}:sp:{unit_id}:{{}}"):
        rows.append(nav)
    if other is not None:
        rows.append([(other, f"{prefix}:o:{unit_id}")])
    rows.append([(book.get("tombol_unit_lain"), f"{prefix}:up:0")])
    text = book.get("pilih_layanan", unit=names[unit_id], halaman=page + 1, jumlah=pages)
    return text, keyboard(rows)
