"""The needs analysis proposes catalog offers per need, ranked and explained, on a data set
where the right offer is known (`known_needs_data`)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from kinerja_bot.analysis.needs import build_needs_report
from kinerja_bot.analysis.render import plain, render_needs_report
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import TrainingOffer, id_of
from kinerja_bot.core.rules.periods import parse_period
from kinerja_bot.core.settings import Settings, get_settings
from tests.analysis.factories import PERIOD, TODAY, known_needs_data

# (kode, nama, kata_kunci, unsur, mulai)
CATALOG = [
    ("PLT-PRIMA", "Pelayanan Prima", "pelayanan prima;etika pelayanan", "U7;U6", date(2027, 1, 11)),
    ("PLT-LOKET", "Kompetensi Teknis Petugas Loket", "loket", "U6", date(2027, 1, 18)),
    ("PLT-DOK", "Manajemen Dokumen Kependudukan", "dokumen;arsip", None, date(2027, 2, 1)),
    ("PLT-PROSES", "Penyederhanaan Proses", "waktu layanan;SOP", "U3;U2", date(2027, 2, 8)),
    ("PLT-EXCEL", "Analisis Data dengan Excel", "excel", None, date(2027, 1, 4)),
    ("PLT-LALU", "Pelayanan Prima Angkatan I", "pelayanan prima", "U6", date(2026, 3, 2)),
]


async def add_catalog(database: Database) -> None:
    async with database.session() as session:
        for kode, nama, topics, unsur, start in CATALOG:
            session.add(
                TrainingOffer(
                    kode=kode,
                    nama=nama,
                    penyelenggara="BPSDM Provinsi Banten",
                    jenis="klasikal",
                    bentuk="pelatihan",
                    jp=24,
                    kompetensi="teknis",
                    kata_kunci=topics,
                    unsur=unsur,
                    mulai=start,
                    selesai=start,
                    kuota=30,
                )
            )


def proposals(text: str) -> dict[str, list[str]]:
    """For each need heading of the plain report, the offer lines proposed under it."""
    found: dict[str, list[str]] = {}
    heading, in_offers = "", False
    for line in text.splitlines():
        if line[:2] in {f"{n})" for n in range(1, 10)}:
            heading, in_offers = line.split(" · ")[0], False
            found[heading] = []
        elif line.startswith("📘"):
            in_offers = True
        elif in_offers and line.startswith("• "):
            found[heading].append(line)
        else:
            in_offers = False
    return found


async def test_each_need_gets_the_offers_that_fit_with_why(database: Database) -> None:
    data = await known_needs_data(database)
    await add_catalog(database)
    async with database.session() as session:
        report = await build_needs_report(
            session, id_of(data.bidang), parse_period(PERIOD), today=TODAY
        )
    text = "\n\n".join(plain(t) for t in render_needs_report(report, per_unit=None))
    offers = proposals(text)
    assert offers["1) 🔴 Unsur SKM di bawah mutu B: U6 Kompetensi Pelaksana"] == [
        "• Pelayanan Prima [PLT-PRIMA], mulai 11 Januari 2027 — cocok: unsur SKM U6",
        "• Kompetensi Teknis Petugas Loket [PLT-LOKET], mulai 18 Januari 2027 — cocok: "
        "unsur SKM U6",
    ]
    assert offers["2) 🔴 Indikator di bawah target: Jumlah dokumen"] == [
        "• Manajemen Dokumen Kependudukan [PLT-DOK], mulai 1 Februari 2027 — cocok: topik dokumen"
    ]
    assert offers["4) 🔴 Dukungan diminta: Pelatihan"] == [
        "• Pelayanan Prima [PLT-PRIMA], mulai 11 Januari 2027 — cocok: topik pelayanan prima"
    ]
    assert offers["6) 🟠 Unsur SKM di bawah mutu B: U3 Waktu Penyelesaian"] == [
        "• Penyederhanaan Proses [PLT-PROSES], mulai 8 Februari 2027 — cocok: kata waktu; "
        "unsur SKM U3"
    ]
    assert offers["7) 🟡 Indikator di bawah target: Waktu layanan"] == [
        "• Penyederhanaan Proses [PLT-PROSES], mulai 8 Februari 2027 — cocok: topik waktu layanan"
    ]
    # Obstacles and non-training support are not answered by a course.
    assert offers["3) 🔴 Kendala berulang: SDM"] == []
    assert offers["8) 🟡 Dukungan diminta: Sarana"] == []
    assert "PLT-EXCEL" not in text and "PLT-LALU" not in text  # unrelated, or already started


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_the_cli_shows_the_proposals(
    database: Database, cli_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from kinerja_bot.cli import main

    await known_needs_data(database)
    await add_catalog(database)
    await asyncio.to_thread(main, ["analisis", "--periode", PERIOD, "--unit", "BIDANG"])
    printed = capsys.readouterr().out
    assert "📘 Pelatihan yang cocok (katalog):" in printed
    assert "Manajemen Dokumen Kependudukan [PLT-DOK]" in printed
