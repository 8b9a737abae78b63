"""`kinerja-bot impor skm FILE`: paper questionnaires, their channel, all or nothing, no doubles."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, func, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import SurveyAnswer, SurveyResponse
from kinerja_bot.core.rules.skm import UNSUR_CODES
from kinerja_bot.ikm.texts import CLI_TEXTS as CLI_BOOK
from kinerja_bot.importing.messages import TEXTS as IMPORT_TEXTS
from tests.survey.conftest import City
from tests.survey.test_ikm import (  # noqa: F401  (cli_env is a fixture)
    cli_env,
    example_responses,
    noon_today,
    run_cli,
    store,
)
from tests.test_importing import line, write_csv

HEADER = [
    "layanan_kode",
    "tanggal",
    *(code.lower() for code in UNSUR_CODES),
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    "saran",
]


def questionnaire(tanggal: str, score: int = 3, **values: str) -> dict[str, str]:
    row = {"layanan_kode": "L-KK", "tanggal": tanggal}
    row.update({code.lower(): str(score) for code in UNSUR_CODES})
    row.update(values)
    return row


async def responses(database: Database) -> list[SurveyResponse]:
    async with database.session() as session:
        statement = select(SurveyResponse).order_by(col(SurveyResponse.id))
        return list((await session.exec(statement)).all())


async def answer_count(database: Database) -> int:
    async with database.session() as session:
        return int((await session.exec(select(func.count()).select_from(SurveyAnswer))).one())


async def test_paper_questionnaires_are_imported_once(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [
        questionnaire("5 Maret 2026", jenis_kelamin="Perempuan", usia="31-40", saran="Antre lama"),
        questionnaire("05/03/2026", pendidikan="sma", pekerjaan="Wirausaha"),
        questionnaire("6-3-2026", score=4),
        questionnaire("6-3-2026", score=4),  # a second respondent who answered the same
        questionnaire("2026-03-07", score=2, u9=""),  # U9 left blank on paper
    ]
    path = write_csv(tmp_path / "kertas.csv", rows, columns=HEADER)

    await run_cli("impor", "skm", str(path))
    assert capsys.readouterr().out.strip() == IMPORT_TEXTS.get("selesai_skm", baru=5, sudah_ada=0)
    stored = await responses(database)
    assert [r.channel for r in stored] == ["kertas"] * 5
    assert [r.submitted_at.date().isoformat() for r in stored] == [
        "2026-03-05",
        "2026-03-05",
        "2026-03-06",
        "2026-03-06",
        "2026-03-07",
    ]
    first = stored[0]
    assert (first.jenis_kelamin, first.usia, first.saran) == ("P", "31-40", "Antre lama")
    assert (stored[1].pendidikan, stored[1].pekerjaan) == ("SMA", "WIRAUSAHA")
    assert await answer_count(database) == 9 * 4 + 8

    await run_cli("impor", "skm", str(path))  # the same file again: nothing added
    assert capsys.readouterr().out.strip() == IMPORT_TEXTS.get("selesai_skm", baru=0, sudah_ada=5)
    assert len(await responses(database)) == 5
    assert await answer_count(database) == 9 * 4 + 8


async def test_a_bad_row_rejects_the_whole_file(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    rows = [
        questionnaire("5 Maret 2026"),
        questionnaire("31-02-2026"),
        questionnaire("5 Maret 2026", u3="5"),
        {**questionnaire("5 Maret 2026"), "layanan_kode": "L-NOPE"},
        questionnaire("5 Maret 2026", usia="tua"),
        {**questionnaire("5 Maret 2026"), **{code.lower(): "" for code in UNSUR_CODES}},
    ]
    path = write_csv(tmp_path / "kertas.csv", rows, columns=HEADER)
    with pytest.raises(SystemExit) as caught:
        await run_cli("impor", "skm", str(path))
    report = str(caught.value)
    assert line(3, "tanggal", "tanggal_salah", nilai="31-02-2026") in report
    assert line(4, "u3", "skor_salah", nilai="5") in report
    assert line(5, "layanan_kode", "layanan_tidak_dikenal", kode="L-NOPE") in report
    assert "Baris 6, kolom usia: 'tua' tidak dikenal" in report
    message = IMPORT_TEXTS.get("tanpa_jawaban")
    assert IMPORT_TEXTS.get("baris", baris=7, pesan=message) in report
    assert await responses(database) == []


async def test_the_ikm_combines_channels_and_shows_one_on_request(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await store(database, city.kk, example_responses(), noon_today())
    today = noon_today().date()
    rows = [questionnaire(f"{today:%d-%m-%Y}", score=1) for _ in range(6)]
    await run_cli("impor", "skm", str(write_csv(tmp_path / "k.csv", rows, columns=HEADER)))
    capsys.readouterr()

    await run_cli("ikm", "--layanan", "L-KK")
    assert CLI_BOOK.get("ikm_responden", responden="35") in capsys.readouterr().out
    await run_cli("ikm", "--layanan", "L-KK", "--kanal", "kertas")
    out = capsys.readouterr().out
    assert CLI_BOOK.get("ikm_kanal", kanal="kertas") in out
    assert CLI_BOOK.get("ikm_responden", responden="6") in out
    assert CLI_BOOK.get("ikm_nilai", ikm="25,00", mutu="D", mutu_nama="Tidak Baik") in out
    await run_cli("ikm", "--layanan", "L-KK", "--kanal", "telegram")
    assert CLI_BOOK.get("ikm_responden", responden="29") in capsys.readouterr().out
