"""`kinerja-bot predikat-unit KODE TAHUN [PREDIKAT]`: record or show a unit's own predikat
kinerja organisasi of a year, which frames the predikat distribution check (SE MenPANRB
3/2023)."""

from __future__ import annotations

import asyncio

from kinerja_bot.core.cli_common import TEXTS as COMMON_CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.core.organisation import unit_by_kode
from kinerja_bot.core.rules.predikat import OrganisationRating
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.evaluation.service import organisation_rating, set_organisation_rating

TEXTS = TextBook(
    "predikat_unit_cli",
    {
        "tercatat": ("unit", "tahun", "predikat"),
        "belum_ada": ("unit", "tahun"),
        "predikat_salah": ("predikat", "pilihan"),
    },
    html=False,
)


def parse_rating(text: str) -> OrganisationRating:
    """A rating written in any letter case, e.g. `baik` or `Butuh Perbaikan`."""
    for rating in OrganisationRating:
        if rating.value.lower() == " ".join(text.split()).lower():
            return rating
    choices = ", ".join(rating.value for rating in OrganisationRating)
    raise CliError(TEXTS.get("predikat_salah", predikat=text, pilihan=choices))


def unit_rating_command(settings: Settings, *, unit: str, tahun: int, predikat: str | None) -> None:
    """Record the rating when one is given; print the unit's rating of the year."""
    rating = parse_rating(predikat) if predikat is not None else None

    async def work(database: Database) -> tuple[str, OrganisationRating | None]:
        async with database.session() as session:
            found = await unit_by_kode(session, unit)
            if found is None:
                raise CliError(COMMON_CLI_TEXTS.get("unknown_unit", kode=unit))
            if rating is not None:
                await set_organisation_rating(session, id_of(found), tahun, rating)
            return found.nama, await organisation_rating(session, id_of(found), tahun)

    nama, stored = asyncio.run(with_database(settings, work))
    if stored is None:
        print(TEXTS.get("belum_ada", unit=nama, tahun=tahun))
    else:
        print(TEXTS.get("tercatat", unit=nama, tahun=tahun, predikat=stored.value))
