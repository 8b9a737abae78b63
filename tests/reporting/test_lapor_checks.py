"""Issue 11, items 1 and 2, through the fake Bot API: an unlikely figure is asked about
("Yakin?") before it is saved, and a second report on an indicator in the same week replaces
or adds to the first (a new version) instead of being stored beside it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, ProgressReport, ReportVersion, utcnow
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.plausibility import Reason
from kinerja_bot.reporting.texts import TEXTS
from kinerja_bot.testing.fake_bot_api import SentMessage
from kinerja_bot.testing.formatting import parse_html
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_report, add_unit

ASN = 7100002
SEND = [TEXTS.get(k) for k in ("tombol_kirim", "tombol_ubah", "tombol_batal")]
DOUBT = [TEXTS.get("tombol_yakin"), TEXTS.get("tombol_ubah_angka"), TEXTS.get("tombol_batal")]


@pytest.fixture
async def siti(database: Database) -> Employee:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    return await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=ASN)


async def reports(database: Database) -> list[ProgressReport]:
    async with database.session() as session:
        return list((await session.exec(select(ProgressReport))).all())


async def press(bot: RunningBot, message: SentMessage, label: str) -> SentMessage:
    bot.api.press_button(ASN, message, label=label)
    (answer,) = await bot.api.wait_for_messages(ASN, 1)
    return answer


async def summary_after(bot: RunningBot, typed: str) -> SentMessage:
    """From the realisation question (already asked) to the summary: no evidence, no notes."""
    (ask_evidence,) = await bot.say(ASN, typed)
    ask_obstacle = await press(bot, ask_evidence, TEXTS.get("tombol_lewati"))
    ask_support = await press(bot, ask_obstacle, TEXTS.get("tombol_tidak_ada"))
    return await press(bot, ask_support, TEXTS.get("tombol_tidak_ada"))


async def choose(bot: RunningBot) -> SentMessage:
    (indicators,) = await bot.say(ASN, "/lapor")
    return await press(bot, indicators, indicators.button_labels[0])


@pytest.mark.parametrize(
    ("satuan", "target", "cara_hitung", "typed", "value", "reason"),
    [
        ("%", 90, "terakhir", "850", 850, Reason.PERCENT_OVER_100),
        ("dokumen", 1200, "kumulatif", "12.000", 12000, Reason.WEEK_OVER_YEAR),
        ("orang", 40, "terakhir", "80 orang", 80, Reason.ACHIEVEMENT_OVER_150),
    ],
)
async def test_an_unlikely_figure_asks_yakin_and_yes_saves_it(
    bot: RunningBot,
    database: Database,
    siti: Employee,
    satuan: str,
    target: float,
    cara_hitung: str,
    typed: str,
    value: float,
    reason: Reason,
) -> None:
    await add_indicator(database, siti, satuan=satuan, target=target, cara_hitung=cara_hitung)
    await choose(bot)
    summary = await summary_after(bot, typed)
    # Before: the summary offered Kirim and saved 850 % at once. Now it asks, figure repeated.
    assert summary.button_labels == DOUBT
    question = TEXTS.get(
        reason,
        nilai=format_number_id(value, 2, trim=True),
        satuan=satuan,
        target=format_number_id(target, 2, trim=True),
        capaian=format_percent_id(value / target * 100, 1, trim=True),
    )
    assert parse_html(question)[0] in summary.plain_text
    assert TEXTS.get("tanya_kirim") not in summary.plain_text
    assert await reports(database) == []
    saved = await press(bot, summary, TEXTS.get("tombol_yakin"))
    assert saved.plain_text.startswith("✅ Laporan tersimpan.")
    (report,) = await reports(database)  # nothing real is refused
    assert report.realisasi == value


async def test_ubah_angka_goes_back_to_the_figure_and_an_ordinary_one_is_sent_as_usual(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    await add_indicator(database, siti, satuan="%", target=90, cara_hitung="terakhir")
    await choose(bot)
    summary = await summary_after(bot, "850")
    ask_again = await press(bot, summary, TEXTS.get("tombol_ubah_angka"))
    assert "Berapa" in ask_again.plain_text and ask_again.button_labels == []
    (summary,) = await bot.say(ASN, "85 %")  # the unit after the number is fine
    assert summary.button_labels == SEND
    assert "Realisasi: 85 %" in summary.plain_text
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    (report,) = await reports(database)
    assert report.realisasi == 85


async def test_a_foreign_word_after_the_number_is_refused_not_misread(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    await add_indicator(database, siti)
    await choose(bot)
    (refused,) = await bot.say(ASN, "1,5 juta")
    assert refused.plain_text.startswith("Itu belum bisa saya baca sebagai angka")
    assert "dokumen" in refused.plain_text


async def test_same_indicator_twice_in_a_week_adds_to_the_report_as_a_new_version(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    ktp = await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    first = await add_report(database, ktp, 120, kendala=None)
    offer = await choose(bot)
    # Before: straight to the figure, and a second row for the same week.
    assert "Minggu ini Anda sudah melaporkan" in offer.plain_text
    assert "120 dokumen" in offer.plain_text
    assert offer.button_labels == [
        TEXTS.get("tombol_ganti"),
        TEXTS.get("tombol_tambah"),
        TEXTS.get("tombol_batal"),
    ]
    await press(bot, offer, TEXTS.get("tombol_tambah"))
    summary = await summary_after(bot, "30")
    assert "Realisasi: 30 dokumen (ditambahkan ke laporan minggu ini: 120 → 150 dokumen)" in (
        summary.plain_text
    )
    saved = await press(bot, summary, TEXTS.get("tombol_kirim"))
    assert saved.plain_text.startswith("✏️ Laporan diperbarui (versi 2).")
    assert "Realisasi: 150 dokumen" in saved.plain_text
    (report,) = await reports(database)
    assert report.id == first.id and report.realisasi == 150 and report.version == 2
    async with database.session() as session:
        (version,) = (await session.exec(select(ReportVersion))).all()
    assert version.changes == {"realisasi": [120.0, 150.0]}
    # A retried Kirim adds nothing twice.
    query = bot.api.press_button(ASN, summary, "lapor:kirim", check=False)
    await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    (report,) = await reports(database)
    assert report.realisasi == 150 and report.version == 2


async def test_replacing_a_percentage_report_offers_no_sum(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    rate = await add_indicator(
        database, siti, nama="Kepuasan layanan", satuan="%", target=90, cara_hitung="terakhir"
    )
    await add_report(database, rate, 80)
    offer = await choose(bot)
    assert offer.button_labels == [TEXTS.get("tombol_ganti"), TEXTS.get("tombol_batal")]
    await press(bot, offer, TEXTS.get("tombol_ganti"))
    (ask_evidence,) = await bot.say(ASN, "88")
    ask_obstacle = await press(bot, ask_evidence, TEXTS.get("tombol_lewati"))
    ask_support = await press(bot, ask_obstacle, TEXTS.get("tombol_tidak_ada"))
    summary = await press(bot, ask_support, TEXTS.get("tombol_tidak_ada"))
    assert "(mengganti laporan minggu ini: 80 → 88 %)" in summary.plain_text
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    (report,) = await reports(database)
    assert report.realisasi == 88 and report.version == 2
    assert report.kendala_kategori is None  # replaced: the new report said Tidak ada


async def test_a_report_the_atasan_has_read_is_kept_and_the_addition_stored_beside_it(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    ktp = await add_indicator(database, siti, target=1200)
    first = await add_report(database, ktp, 120, at=utcnow() - timedelta(minutes=5))
    async with database.session() as session:
        stored = await session.get(ProgressReport, first.id)
        assert stored is not None
        stored.acknowledged_at = utcnow()
        session.add(stored)
    offer = await choose(bot)
    assert "sudah dibaca atasan" in offer.plain_text
    assert offer.button_labels == [TEXTS.get("tombol_tambah"), TEXTS.get("tombol_batal")]
    await press(bot, offer, TEXTS.get("tombol_tambah"))
    summary = await summary_after(bot, "30")
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    rows = sorted(await reports(database), key=lambda r: r.submitted_at)
    assert [(r.realisasi, r.version) for r in rows] == [(120, 1), (30, 1)]


async def test_the_same_week_question_survives_a_second_lapor(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    ktp = await add_indicator(database, siti, target=1200)
    await add_report(database, ktp, 120)
    offer = await choose(bot)
    (resume,) = await bot.say(ASN, "/lapor")
    again = await press(bot, resume, TEXTS.get("tombol_lanjutkan"))
    assert again.plain_text == offer.plain_text
    assert again.button_labels == offer.button_labels
