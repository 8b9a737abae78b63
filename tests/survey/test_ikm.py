"""IKM from stored responses: the 29-respondent example, too few answers, periods, unit trees,
`kinerja-bot ikm` and /ikm for unit heads and admins."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Service, SurveyResponse, id_of, utcnow
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import WIB, current_period, parse_period
from kinerja_bot.core.rules.skm import MIN_RESPONSES_FOR_SCORE, UNSUR_BY_CODE, UNSUR_CODES, Mutu
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.core.survey_tally import record_response
from kinerja_bot.ikm.tally import ikm_by_unit, ikm_for_unit_tree
from kinerja_bot.ikm.texts import CLI_TEXTS as CLI_BOOK
from kinerja_bot.ikm.texts import TEXTS
from tests.conftest import RunningBot
from tests.survey.conftest import ADMIN, CITIZEN, HEAD, OUTSIDER, City, tap

# DESIGN §3: 29 respondents, score sums per unsur U1…U9 → IKM 91.48, A.
EXAMPLE_SUMS = (105, 101, 100, 116, 102, 105, 106, 105, 115)
RESPONDENTS = 29


def example_responses() -> list[dict[str, int]]:
    """29 concrete responses with the example's sums: (sum − 87) fours, the rest threes."""
    responses: list[dict[str, int]] = [{} for _ in range(RESPONDENTS)]
    for code, total in zip(UNSUR_CODES, EXAMPLE_SUMS, strict=True):
        fours = total - 3 * RESPONDENTS
        for index, response in enumerate(responses):
            response[code] = 4 if index < fours else 3
    return responses


async def store(
    database: Database, service: Service, responses: list[dict[str, int]], at: datetime
) -> None:
    async with database.session() as session:
        for scores in responses:
            response = SurveyResponse(service_id=id_of(service), submitted_at=at)
            await record_response(session, response, scores)


def this_year() -> str:
    return str(utcnow().astimezone(WIB).year)


def noon_today() -> datetime:
    return datetime.combine(utcnow().astimezone(WIB).date(), datetime.min.time(), WIB).replace(
        hour=12
    )


async def test_the_29_respondent_example(database: Database, city: City) -> None:
    await store(database, city.ktp, example_responses(), noon_today())
    period = parse_period(this_year())
    async with database.session() as session:
        report = await ikm_by_unit(session, period, WIB)
    by_kode = {rating.kode: rating for unit in report for rating in unit.services}
    result = by_kode["L-KTP"].result
    assert result.respondents == RESPONDENTS
    assert result.ikm == 91.48 and result.mutu is Mutu.A
    for code, total in zip(UNSUR_CODES, EXAMPLE_SUMS, strict=True):
        assert result.nrr[code] == total / RESPONDENTS
    # 100 users a year need 80 respondents (Krejcie & Morgan).
    assert by_kode["L-KTP"].required == 80 and not by_kode["L-KTP"].adequate
    assert by_kode["L-KK"].result.respondents == 0 and by_kode["L-KK"].result.ikm is None


async def test_fewer_than_five_responses_give_no_score(database: Database, city: City) -> None:
    await store(database, city.kk, example_responses()[: MIN_RESPONSES_FOR_SCORE - 1], noon_today())
    async with database.session() as session:
        report = await ikm_by_unit(session, parse_period(this_year()), WIB)
    (disdukcapil,) = [u for u in report if u.unit.kode == "DISDUKCAPIL"]
    kk = {r.kode: r for r in disdukcapil.services}["L-KK"]
    assert kk.result.ikm is None and kk.result.mutu is None
    # Unknown yearly users: the large-population minimum applies.
    assert kk.population is None and kk.required == 384


async def test_only_the_period_counts(database: Database, city: City) -> None:
    await store(database, city.ktp, example_responses(), datetime(2026, 3, 31, 5, tzinfo=UTC))
    await store(database, city.ktp, example_responses()[:5], datetime(2026, 4, 1, 5, tzinfo=UTC))
    async with database.session() as session:
        q1 = await ikm_by_unit(session, parse_period("2026-Q1"), WIB, service_kode="L-KTP")
        q2 = await ikm_by_unit(session, parse_period("2026-Q2"), WIB, service_kode="L-KTP")
    assert q1[0].services[0].result.respondents == 29
    assert q2[0].services[0].result.respondents == 5


async def test_a_unit_tree_pools_its_services(database: Database, city: City) -> None:
    at = noon_today()
    await store(database, city.pkm, example_responses(), at)
    period = parse_period(this_year())
    async with database.session() as session:
        tree = await ikm_for_unit_tree(session, period, id_of(city.dinkes), WIB)
    assert tree is not None
    assert tree.result.respondents == 29 and tree.result.ikm == 91.48


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BOT_USERNAME", "KinerjaTangselBot")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run_cli(*args: str) -> None:
    await asyncio.to_thread(main, list(args))


async def test_the_cli_prints_services_units_and_sample_adequacy(
    database: Database, city: City, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await store(database, city.ktp, example_responses(), noon_today())
    await store(database, city.kk, example_responses()[:6], noon_today())
    await run_cli("ikm", "--periode", this_year(), "--unit", "DISDUKCAPIL")
    out = capsys.readouterr().out
    period = parse_period(this_year())
    assert out.startswith(CLI_BOOK.get("ikm_judul", periode=period.title))
    assert CLI_BOOK.get("ikm_layanan", layanan="Perekaman KTP-el", kode="L-KTP") in out
    assert CLI_BOOK.get("ikm_nilai", ikm="91,48", mutu="A", mutu_nama="Sangat Baik") in out
    basis = CLI_BOOK.get("ikm_dasar_populasi", populasi="100")
    assert CLI_BOOK.get("ikm_sampel_kurang", minimal="80", dasar=basis) in out
    nrr_u4 = format_number_id(116 / 29, 2)
    assert CLI_BOOK.get("ikm_unsur", kode="U4", nama=UNSUR_BY_CODE["U4"].name, nrr=nrr_u4) in out
    assert CLI_BOOK.get("ikm_responden", responden="35") in out  # the whole unit
    assert CLI_BOOK.get("ikm_total_unit") in out
    assert "Dinas Kesehatan" not in out


async def test_the_cli_says_belum_cukup_data_and_refuses_bad_input(
    database: Database, city: City, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await store(database, city.kk, example_responses()[:2], noon_today())
    await run_cli("ikm", "--layanan", "L-KK")
    out = capsys.readouterr().out
    assert CLI_BOOK.get("ikm_belum_cukup", minimal=MIN_RESPONSES_FOR_SCORE) in out
    assert CLI_BOOK.get("ikm_unsur_judul") not in out
    assert "Perekaman KTP-el" not in out
    with pytest.raises(SystemExit, match="Periode '2026-13' tidak dikenal"):
        await run_cli("ikm", "--periode", "2026-13")
    with pytest.raises(SystemExit, match="Layanan dengan kode 'NOPE' tidak ditemukan"):
        await run_cli("ikm", "--layanan", "NOPE")
    with pytest.raises(SystemExit, match="Unit dengan kode 'NOPE' tidak ditemukan"):
        await run_cli("ikm", "--unit", "NOPE")


async def test_an_unsur_without_answers_is_not_published(
    bot: RunningBot,
    database: Database,
    city: City,
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    without_u9 = [{c: s for c, s in r.items() if c != "U9"} for r in example_responses()]
    await store(database, city.ktp, without_u9, noon_today())

    await run_cli("ikm", "--layanan", "L-KTP")
    out = capsys.readouterr().out
    assert CLI_BOOK.get("ikm_unsur_kosong", unsur="U9") in out
    assert CLI_BOOK.get("ikm_unsur_judul") not in out
    assert "IKM: 9" not in out  # no number at all, not even the index over 8 unsur

    (reply,) = await bot.say(HEAD, "/ikm")
    assert TEXTS.get("ikm_ringkas_unsur_kosong") in reply.plain_text
    units = await tap(bot, HEAD, reply, "Dinas Kependudukan dan Pencatatan Sipil")
    service = await tap(bot, HEAD, units, "Perekaman KTP-el")
    assert plain(TEXTS.get("ikm_unsur_kosong", unsur="U9")) in service.plain_text
    (reply,) = await bot.say(ADMIN, "/ikm")
    assert TEXTS.get("ikm_ringkas_unsur_kosong") in reply.plain_text


async def test_semester_periods_in_the_cli(
    database: Database, city: City, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    year = int(this_year())
    await store(database, city.ktp, example_responses(), datetime(year, 6, 30, 12, tzinfo=WIB))
    await store(database, city.ktp, example_responses()[:7], datetime(year, 7, 1, 9, tzinfo=WIB))
    await run_cli("ikm", "--periode", f"{year}-S1", "--layanan", "L-KTP")
    out = capsys.readouterr().out
    assert out.startswith(CLI_BOOK.get("ikm_judul", periode=f"Semester I {year}"))
    assert CLI_BOOK.get("ikm_responden", responden="29") in out
    await run_cli("ikm", "--periode", f"{year}-s2", "--layanan", "L-KTP")
    assert CLI_BOOK.get("ikm_responden", responden="7") in capsys.readouterr().out


def plain(html: str) -> str:
    return html.replace("<b>", "").replace("</b>", "")


async def test_ikm_in_the_bot_for_heads_and_admins(
    bot: RunningBot, database: Database, city: City
) -> None:
    await store(database, city.ktp, example_responses(), noon_today())
    period = current_period("tahun", date.today())

    (reply,) = await bot.say(CITIZEN, "/ikm")
    assert reply.plain_text == TEXTS.get("ikm_tidak_berhak")

    (reply,) = await bot.say(HEAD, "/ikm")
    assert reply.plain_text.startswith(plain(TEXTS.get("ikm_judul", periode=period.title)))
    # One screen: a line per unit with its button (no detail, no command to type), the file.
    assert (
        "Dinas Kependudukan dan Pencatatan Sipil (DISDUKCAPIL): 29 responden — IKM 91,48 (A)"
        in (reply.plain_text)
    )
    assert "Poli Umum" not in reply.plain_text and "Puskesmas" not in reply.plain_text
    assert "/ikm" not in reply.plain_text and TEXTS.get("ikm_unsur_judul") not in reply.plain_text
    assert reply.button_labels == [
        "Dinas Kependudukan dan Pencatatan Sipil",
        TEXTS.get("tombol_xlsx"),
    ]
    # A unit: its services; a service: everything, with NRR; ◀ back at each level.
    unit = await tap(bot, HEAD, reply, "Dinas Kependudukan dan Pencatatan Sipil")
    assert "Perekaman KTP-el (L-KTP): 29 responden — IKM 91,48 (A)" in unit.plain_text
    assert unit.button_labels == [
        "Penerbitan Kartu Keluarga",
        "Perekaman KTP-el",
        "◀ " + TEXTS.get("kembali_daftar"),
    ]
    service = await tap(bot, HEAD, unit, "Perekaman KTP-el")
    assert plain(TEXTS.get("ikm_nilai", ikm="91,48", mutu="A", mutu_nama="Sangat Baik")) in (
        service.plain_text
    )
    assert TEXTS.get("ikm_unsur_judul") in service.plain_text
    back = "◀ " + TEXTS.get("kembali_unit", unit="Dinas Kependudukan dan Pencatatan Sipil")
    unit = await tap(bot, HEAD, service, back)
    assert unit.button_labels[-1] == "◀ " + TEXTS.get("kembali_daftar")
    listing = await tap(bot, HEAD, unit, "◀ " + TEXTS.get("kembali_daftar"))
    assert listing.text == reply.text
    # The spreadsheet `kinerja-bot ekspor skm` writes, for their units only.
    sheet = await tap(bot, HEAD, listing, TEXTS.get("tombol_xlsx"))
    assert sheet.kind == "document" and sheet.file_id is not None
    workbook = load_workbook(io.BytesIO(bot.api.files[sheet.file_id].content))
    per_service = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in per_service} == {"L-KK", "L-KTP"}
    # A forged press for another unit is refused.
    query = bot.api.press_button(
        HEAD, listing, f"ikm:u:{period.label}:{city.dinkes.id}:{city.dinkes.id}", check=False
    )
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_bukan_wewenang")

    (reply,) = await bot.say(HEAD, "/ikm DINKES")
    assert reply.plain_text == plain(TEXTS.get("ikm_unit_bukan_wewenang", kode="DINKES"))
    (reply,) = await bot.say(HEAD, "/ikm 2026-13")
    assert "Periode '2026-13' tidak dikenal" in reply.plain_text

    (reply,) = await bot.say(ADMIN, "/ikm")
    assert "Dinas Kependudukan dan Pencatatan Sipil (DISDUKCAPIL): 29 responden" in reply.plain_text
    assert "UPTD Puskesmas Pamulang (PKM-PAMULANG): 0 responden" in reply.plain_text
    (reply,) = await bot.say(ADMIN, f"/ikm {period.label} DINKES")
    assert "UPTD Puskesmas Pamulang (PKM-PAMULANG): 0 responden" in reply.plain_text
    unit = await tap(bot, ADMIN, reply, "UPTD Puskesmas Pamulang")
    service = await tap(bot, ADMIN, unit, "Poli Umum Puskesmas Pamulang")
    assert (
        plain(TEXTS.get("ikm_belum_cukup", minimal=MIN_RESPONSES_FOR_SCORE)) in service.plain_text
    )

    (reply,) = await bot.say(OUTSIDER, "/ikm")  # a complaint handler is not a unit head
    assert reply.plain_text == TEXTS.get("ikm_tidak_berhak")
