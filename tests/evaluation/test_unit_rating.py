"""`kinerja-bot predikat-unit`: a unit's own predikat kinerja organisasi per year."""

from __future__ import annotations

import pytest

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.core.rules.predikat import OrganisationRating
from kinerja_bot.evaluation.service import organisation_rating
from kinerja_bot.evaluation.unit_rating import TEXTS
from tests.factories import add_unit
from tests.survey.test_ikm import cli_env, run_cli  # noqa: F401  (cli_env: a fixture)


async def test_record_and_show_a_units_rating(
    database: Database,
    cli_env: None,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    unit = await add_unit(database, "BIDANG", "Bidang Pelayanan")
    await run_cli("predikat-unit", "BIDANG", "2026")
    assert capsys.readouterr().out.strip() == TEXTS.get(
        "belum_ada", unit="Bidang Pelayanan", tahun=2026
    )
    await run_cli("predikat-unit", "BIDANG", "2026", "butuh perbaikan")
    await run_cli("predikat-unit", "BIDANG", "2026", "Baik")  # replaced, not added
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == TEXTS.get("tercatat", unit="Bidang Pelayanan", tahun=2026, predikat="Baik")
    async with database.session() as session:
        assert await organisation_rating(session, id_of(unit), 2026) is OrganisationRating.BAIK
        assert await organisation_rating(session, id_of(unit), 2025) is None
    with pytest.raises(SystemExit, match="Predikat 'Hebat' tidak dikenal"):
        await run_cli("predikat-unit", "BIDANG", "2026", "Hebat")
    with pytest.raises(SystemExit, match="Unit dengan kode 'NOPE' tidak ditemukan"):
        await run_cli("predikat-unit", "NOPE", "2026")
