"""/kinerja explains lower-is-better indicators and computes their achievement the LKjIP way
(issue 11, item 3)."""

from __future__ import annotations

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Direction
from kinerja_bot.core.rules.achievement import achievement_pct
from kinerja_bot.core.rules.formatting import format_percent_id
from kinerja_bot.core.vocabulary import WORDS
from kinerja_bot.testing.formatting import parse_html
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_report, add_unit

ASN = 7100003


async def test_a_lower_is_better_indicator_is_marked_explained_and_scored_for_being_low(
    bot: RunningBot, database: Database
) -> None:
    unit = await add_unit(database, "DPMPTSP")
    siti = await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=ASN)
    waiting = await add_indicator(
        database,
        siti,
        nama="Rata-rata waktu tunggu izin",
        satuan="menit",
        target=30,
        arah="turun",
        cara_hitung="terakhir",
    )
    await add_report(database, waiting, 20)
    (page,) = await bot.say(ASN, "/kinerja")
    text = page.plain_text
    # Before: nothing said that 20 minutes against a target of 30 is good, nor why 133 %.
    assert f"Rata-rata waktu tunggu izin (utama) · {WORDS.get('arah_turun')}" in text
    assert parse_html(WORDS.get("arah_turun_penjelasan"))[0] in text
    expected = achievement_pct(20, 30, Direction.LOWER_IS_BETTER)
    assert expected is not None and expected > 100
    assert f"Capaian: {format_percent_id(expected, 2)}" in text


async def test_higher_is_better_pages_carry_no_explanation(
    bot: RunningBot, database: Database
) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=ASN)
    await add_indicator(database, siti, nama="Jumlah KTP-el dicetak")
    (page,) = await bot.say(ASN, "/kinerja")
    assert WORDS.get("arah_turun") not in page.plain_text
