"""End to end through the fake Bot API: /lapor from indicator to saved report, every bad input,
changing a part, cancelling, resuming, restarts and corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from kinerja_bot.core import telegram_ui
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    ConversationState,
    Employee,
    Evidence,
    Indicator,
    ProgressReport,
    ReportVersion,
    UserData,
    utcnow,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.reporting.texts import PROGRESS_TEXTS as KINERJA
from kinerja_bot.reporting.texts import TEXTS
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from tests.conftest import FakeClock, RunningBot, database_fails, idle_for, running_bot
from tests.factories import add_employee, add_indicator, add_unit

ASN = 7100001


@pytest.fixture
async def siti(database: Database) -> Employee:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    return await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=ASN)


@pytest.fixture
async def ktp(database: Database, siti: Employee) -> Indicator:
    return await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)


async def reports(database: Database) -> list[ProgressReport]:
    async with database.session() as session:
        return list((await session.exec(select(ProgressReport))).all())


async def press(
    bot: RunningBot, message: SentMessage, label: str, replies: int = 1
) -> list[SentMessage]:
    bot.api.press_button(ASN, message, label=label)
    return await bot.api.wait_for_messages(ASN, replies)


async def to_summary(bot: RunningBot, realisation: str = "1.150,5") -> SentMessage:
    """Walk /lapor with a realisation, a link, an obstacle and no support, to the summary."""
    (choose,) = await bot.say(ASN, "/lapor")
    await press(bot, choose, choose.button_labels[0])
    await bot.say(ASN, realisation)
    (ask_obstacle,) = await bot.say(ASN, "https://drive.example.go.id/bukti-ktp")
    await press(bot, ask_obstacle, "Sarana-prasarana")
    (ask_support,) = await bot.say(ASN, "Printer blanko macet dua hari")
    (summary,) = await press(bot, ask_support, TEXTS.get("tombol_tidak_ada"))
    return summary


async def test_the_whole_path_saves_one_report_and_shows_the_new_achievement(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    (choose,) = await bot.say(ASN, "/lapor")
    assert choose.button_labels == [
        TEXTS.get("tombol_indikator", nama="Jumlah KTP-el dicetak", capaian="0%")
    ]
    (ask_value,) = await press(bot, choose, choose.button_labels[0])
    assert "Target tahunan: 1.200 dokumen" in ask_value.plain_text
    assert "dalam dokumen" in ask_value.plain_text

    (ask_evidence,) = await bot.say(ASN, "120")
    assert ask_evidence.button_labels == [TEXTS.get("tombol_lewati")]
    bot.api.send_photo(ASN)
    ask_obstacle = await bot.api.next_message(ASN)
    assert "Tidak ada" in ask_obstacle.button_labels
    (ask_support,) = await press(bot, ask_obstacle, TEXTS.get("tombol_tidak_ada"))
    await press(bot, ask_support, "Pelatihan")
    (summary,) = await bot.say(ASN, "Pelatihan aplikasi SIAK terbaru")
    assert "Realisasi: 120 dokumen" in summary.plain_text
    assert "Bukti: foto" in summary.plain_text
    assert "Dukungan: Pelatihan — Pelatihan aplikasi SIAK terbaru" in summary.plain_text
    assert summary.button_labels == [
        TEXTS.get(k) for k in ("tombol_kirim", "tombol_ubah", "tombol_batal")
    ]

    (saved,) = await press(bot, summary, TEXTS.get("tombol_kirim"))
    assert saved.plain_text.startswith("✅ Laporan tersimpan.")
    assert "Realisasi: 120 dokumen" in saved.plain_text
    assert "Capaian: 10,00%" in saved.plain_text
    assert saved.button_labels == [TEXTS.get("tombol_koreksi")]

    (report,) = await reports(database)
    assert report.realisasi == 120
    assert report.dukungan_kategori == "pelatihan" and report.kendala_kategori is None
    async with database.session() as session:
        (evidence,) = (await session.exec(select(Evidence))).all()
    assert evidence.kind == "foto" and evidence.telegram_file_id and evidence.file_size


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("dua belas", "bukan_angka"),
        ("1,2,3", "bukan_angka"),
        ("-5", "negatif"),
        ("1.200.001", "tidak_wajar"),
    ],
)
async def test_bad_realisation_gets_its_message_and_the_question_again(
    bot: RunningBot, database: Database, ktp: Indicator, typed: str, key: str
) -> None:
    (choose,) = await bot.say(ASN, "/lapor")
    await press(bot, choose, choose.button_labels[0])
    (answer,) = await bot.say(ASN, typed)
    prefix = TEXTS.get(key, alasan="\x00", nilai="\x00", target="\x00", satuan="\x00")
    assert answer.plain_text.startswith(prefix.split("\x00")[0].split("<")[0])
    (still_asking,) = await bot.say(ASN, "12,5")  # the same question is still open
    assert still_asking.plain_text == TEXTS.get("minta_bukti")


async def test_each_step_says_what_it_takes_a_button_or_typed_text(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    """A step that takes only a button does not ask for "teks atau tombol", nor the reverse."""
    (choose,) = await bot.say(ASN, "/lapor")
    (wrong,) = await bot.say(ASN, "KTP")
    assert wrong.plain_text == telegram_ui.COMMON_TEXTS.get("pilih_tombol")
    await press(bot, choose, choose.button_labels[0])
    bot.api.send_sticker(ASN)
    (wrong,) = await bot.api.wait_for_messages(ASN, 1)
    assert wrong.plain_text == TEXTS.get("jawab_dengan_teks")
    (ask_evidence,) = await bot.say(ASN, "120")  # both answers left the walk where it was
    assert ask_evidence.plain_text == TEXTS.get("minta_bukti")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12,5", 12.5),
        ("1.150", 1150),
        ("1.150,5", 1150.5),
        ("1150", 1150),
        ("48 dokumen", 48),  # the unit typed after the number
        ("24,5 Dokumen", 24.5),
    ],
)
async def test_indonesian_number_formats(
    bot: RunningBot, database: Database, ktp: Indicator, typed: str, value: float
) -> None:
    summary = await to_summary(bot, typed)
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    (report,) = await reports(database)
    assert report.realisasi == value


async def test_change_one_part_then_back_to_the_summary(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    summary = await to_summary(bot)
    assert "Kendala: Sarana-prasarana — Printer blanko macet dua hari" in summary.plain_text
    (which,) = await press(bot, summary, TEXTS.get("tombol_ubah"))
    await press(bot, which, TEXTS.get("tombol_ubah_realisasi"))
    (summary,) = await bot.say(ASN, "99")
    assert "Realisasi: 99 dokumen" in summary.plain_text
    assert "Kendala: Sarana-prasarana" in summary.plain_text  # the rest is kept
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    (report,) = await reports(database)
    assert report.realisasi == 99 and report.kendala == "Printer blanko macet dua hari"


async def test_cancel_saves_nothing_and_stale_buttons_are_harmless(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    summary = await to_summary(bot)
    (cancelled,) = await press(bot, summary, TEXTS.get("tombol_batal"))
    assert cancelled.plain_text == GENERAL.get("batal_selesai")
    assert await reports(database) == []
    # The old summary's Kirim button is gone from that message; a forged press is answered.
    query = bot.api.press_button(ASN, summary, "lapor:kirim", check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == GENERAL.get("peringatan_tombol_usang")
    assert await reports(database) == []


async def test_batal_command_and_a_second_lapor(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    (choose,) = await bot.say(ASN, "/lapor")
    await press(bot, choose, choose.button_labels[0])
    (offer,) = await bot.say(ASN, "/lapor")
    assert offer.plain_text == TEXTS.get("sedang_berjalan")
    (again,) = await press(bot, offer, TEXTS.get("tombol_lanjutkan"))
    assert "Target tahunan: 1.200 dokumen" in again.plain_text  # the open question, again
    (offer,) = await bot.say(ASN, "/lapor")
    (fresh,) = await press(bot, offer, TEXTS.get("tombol_mulai_ulang"))
    assert fresh.plain_text == TEXTS.get("pilih_indikator")
    (other,) = await bot.say(ASN, "/kinerja")
    assert other.plain_text == TEXTS.get("sedang_melapor")
    (done,) = await bot.say(ASN, "/batal")
    assert done.plain_text == GENERAL.get("batal_selesai")


async def test_someone_elses_indicator_cannot_be_reported(
    bot: RunningBot, database: Database, ktp: Indicator, siti: Employee
) -> None:
    unit = await add_unit(database, "DINKES")
    other = await add_employee(database, unit, nama="Budi Santoso")
    foreign = await add_indicator(database, other, nama="Cakupan imunisasi")
    (choose,) = await bot.say(ASN, "/lapor")
    bot.api.press_button(ASN, choose, f"lapor:ind:{foreign.id}", check=False)
    assert (await bot.api.next_message(ASN)).plain_text == TEXTS.get("bukan_milik")


async def test_last_years_indicator_cannot_be_reported(
    bot: RunningBot, database: Database, ktp: Indicator, siti: Employee
) -> None:
    last_year = await add_indicator(database, siti, tahun=ktp.tahun - 1, nama="Indikator lama")
    (choose,) = await bot.say(ASN, "/lapor")
    assert "Indikator lama" not in choose.button_labels
    bot.api.press_button(ASN, choose, f"lapor:ind:{last_year.id}", check=False)
    assert (await bot.api.next_message(ASN)).plain_text == TEXTS.get("bukan_milik")


async def test_only_linked_asn_may_report(bot: RunningBot, database: Database) -> None:
    (reply,) = await bot.say(ASN + 99, "/lapor")
    assert reply.plain_text == TEXTS.get("bukan_pegawai")
    (reply,) = await bot.say(ASN + 99, "/kinerja")
    assert reply.plain_text == KINERJA.get("bukan_pegawai")


async def test_a_restart_in_the_middle_continues_and_saves_once(
    settings: Settings, database: Database, api: FakeBotAPI, ktp: Indicator
) -> None:
    async with running_bot(settings, database, api) as first:
        (choose,) = await first.say(ASN, "/lapor")
        api.press_button(ASN, choose, label=choose.button_labels[0])
        await api.next_message(ASN)
        await first.say(ASN, "300")
    async with running_bot(settings, database, api) as second:
        (ask_obstacle,) = await second.say(ASN, "Foto kegiatan di arsip bidang")
        assert ask_obstacle.plain_text == TEXTS.get("minta_kendala")
        (ask_support,) = await press(second, ask_obstacle, TEXTS.get("tombol_tidak_ada"))
        (summary,) = await press(second, ask_support, TEXTS.get("tombol_tidak_ada"))
        assert "Realisasi: 300 dokumen" in summary.plain_text
        (saved,) = await press(second, summary, TEXTS.get("tombol_kirim"))
        assert "Capaian: 25,00%" in saved.plain_text
    assert first.errors == second.errors == []
    (report,) = await reports(database)
    assert report.realisasi == 300


async def test_a_retried_send_is_not_saved_twice(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    summary = await to_summary(bot, "10")
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    assert len(await reports(database)) == 1
    # Kirim pressed again on the same summary (e.g. a client retry) after it was handled.
    query = bot.api.press_button(ASN, summary, "lapor:kirim", check=False)
    await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert len(await reports(database)) == 1


async def correct(bot: RunningBot, saved: SentMessage, part: str, value: str) -> SentMessage:
    (which,) = await press(bot, saved, TEXTS.get("tombol_koreksi"))
    await press(bot, which, TEXTS.get(f"tombol_koreksi_{part}"))
    (done,) = await bot.say(ASN, value)
    return done


async def test_corrections_are_versioned_until_acknowledged_or_48_hours(
    bot: RunningBot, database: Database, ktp: Indicator, siti: Employee
) -> None:
    summary = await to_summary(bot, "100")
    (saved,) = await press(bot, summary, TEXTS.get("tombol_kirim"))
    done = await correct(bot, saved, "realisasi", "150")
    assert done.plain_text.startswith("✏️ Laporan diperbarui (versi 2).")
    assert "Realisasi: 150 dokumen" in done.plain_text
    (report,) = await reports(database)
    async with database.session() as session:
        (version,) = (await session.exec(select(ReportVersion))).all()
    assert report.realisasi == 150 and report.version == 2
    assert version.changes == {"realisasi": [100.0, 150.0]} and version.changed_by_id == siti.id

    async with database.session() as session:
        stored = await session.get(ProgressReport, report.id)
        assert stored is not None
        stored.submitted_at = utcnow() - timedelta(hours=49)
        session.add(stored)
    bot.api.press_button(ASN, saved, f"lapor:kor:{report.id}", check=False)
    refused = await bot.api.next_message(ASN)
    assert refused.plain_text.startswith("Laporan yang dikirim")
    assert "48 jam" in refused.plain_text

    async with database.session() as session:
        stored = await session.get(ProgressReport, report.id)
        assert stored is not None
        stored.submitted_at, stored.acknowledged_at = utcnow(), utcnow()
        session.add(stored)
    bot.api.press_button(ASN, saved, f"lapor:kor:{report.id}", check=False)
    assert (await bot.api.next_message(ASN)).plain_text == TEXTS.get("sudah_dibaca")


async def test_kinerja_lists_indicators_with_pages(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    for number in range(7):
        await add_indicator(
            database, siti, nama=f"Indikator nomor {number}", target=100, kode=f"IKI-P{number}"
        )
    (page,) = await bot.say(ASN, "/kinerja")
    assert "(halaman 1/2)" in page.plain_text
    assert page.plain_text.count("Capaian:") == 5
    assert page.button_labels == [KINERJA.get("tombol_berikutnya")]
    bot.api.press_button(ASN, page, label=KINERJA.get("tombol_berikutnya"))
    second = await bot.api.wait_until(
        lambda: next((m for m in bot.api.sent_to(ASN) if "(halaman 2/2)" in m.plain_text), None)
    )
    assert second.plain_text.count("Capaian:") == 2


async def test_an_idle_report_times_out_with_a_message(
    bot: RunningBot, database: Database, ktp: Indicator, idle_clock: FakeClock
) -> None:
    await bot.say(ASN, "/lapor")
    shown = len(bot.api.sent_to(ASN))
    await idle_for(bot, idle_clock, 29)
    assert len(bot.api.sent_to(ASN)) == shown  # not yet
    assert await stored_rows(database) == (["lapor"], [ASN])
    await idle_for(bot, idle_clock, 2)
    closed = await bot.api.next_message(ASN)
    assert closed.plain_text == GENERAL.get("habis_waktu")
    # The conversation and its draft are gone from the database too: a restart won't revive it.
    assert await stored_rows(database) == ([], [])
    (after,) = await bot.say(ASN, "120")
    assert after.plain_text == GENERAL.get("teks_tidak_dipahami")
    assert await reports(database) == []


async def stored_rows(database: Database) -> tuple[list[str], list[int]]:
    """The persisted conversations' names and the users with a stored draft."""
    async with database.session() as session:
        states = (await session.exec(select(ConversationState.name))).all()
        drafts = (await session.exec(select(UserData.user_id))).all()
    return list(states), list(drafts)


async def test_markup_characters_typed_by_the_user_are_shown_as_typed(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    name = 'Dokumen "KIA" & KK <baru>'
    await add_indicator(database, siti, nama=name)
    evidence = 'Foto <loket 3> & "antrian" > 20 orang'
    obstacle = 'Printer & scanner <rusak> sejak "Senin"'
    support = "Tinta & kertas <A4>"
    (choose,) = await bot.say(ASN, "/lapor")
    assert choose.button_labels == [TEXTS.get("tombol_indikator", nama=name, capaian="0%")]
    assert name in choose.button_labels[0]  # a label is plain text: nothing escaped
    await press(bot, choose, choose.button_labels[0])
    await bot.say(ASN, "120")
    (ask_obstacle,) = await bot.say(ASN, evidence)
    await press(bot, ask_obstacle, "Sarana-prasarana")
    (ask_support,) = await bot.say(ASN, obstacle)
    await press(bot, ask_support, "Anggaran")
    (summary,) = await bot.say(ASN, support)
    assert f"Indikator: {name}" in summary.plain_text
    assert f"Bukti: {evidence}" in summary.plain_text
    assert f"Kendala: Sarana-prasarana — {obstacle}" in summary.plain_text
    assert f"Dukungan: Anggaran — {support}" in summary.plain_text
    await press(bot, summary, TEXTS.get("tombol_kirim"))
    (report,) = await reports(database)
    assert (report.kendala, report.dukungan) == (obstacle, support)  # stored as typed


async def test_an_entity_the_user_typed_is_shown_as_typed(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    """The test-wide guard allows an entity on screen when the user typed that very text."""
    (choose,) = await bot.say(ASN, "/lapor")
    await press(bot, choose, choose.button_labels[0])
    await bot.say(ASN, "120")
    (ask_obstacle,) = await bot.say(ASN, "kode &amp; &lt;b&gt; dari sistem")
    (ask_support,) = await press(bot, ask_obstacle, TEXTS.get("tombol_tidak_ada"))
    (summary,) = await press(bot, ask_support, TEXTS.get("tombol_tidak_ada"))
    assert "Bukti: kode &amp; &lt;b&gt; dari sistem" in summary.plain_text


async def test_an_edited_answer_does_not_become_the_evidence(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    (choose,) = await bot.say(ASN, "/lapor")
    await press(bot, choose, choose.button_labels[0])
    realisation = bot.api.send_text(ASN, "5")
    (ask_evidence,) = await bot.api.wait_for_messages(ASN)
    assert ask_evidence.plain_text == TEXTS.get("minta_bukti")
    bot.api.edit_text(realisation, "500")
    (refused,) = await bot.api.wait_for_messages(ASN)
    assert refused.plain_text == GENERAL.get("pesan_diubah")
    (ask_obstacle,) = await bot.say(ASN, "Foto kegiatan di arsip bidang")
    assert ask_obstacle.plain_text == TEXTS.get("minta_kendala")
    (ask_support,) = await press(bot, ask_obstacle, TEXTS.get("tombol_tidak_ada"))
    (summary,) = await press(bot, ask_support, TEXTS.get("tombol_tidak_ada"))
    assert "Realisasi: 5 dokumen" in summary.plain_text
    assert "Bukti: Foto kegiatan di arsip bidang" in summary.plain_text


async def test_kirim_during_a_database_failure_says_so_and_can_be_pressed_again(
    bot: RunningBot, database: Database, ktp: Indicator
) -> None:
    summary = await to_summary(bot, "10")
    with database_fails(database, on="INSERT INTO progressreport") as failed:
        (told,) = await press(bot, summary, TEXTS.get("tombol_kirim"))
    assert failed and told.plain_text == GENERAL.get("gangguan")  # passing trouble: try again
    assert await reports(database) == []
    # The draft is still there and the summary has its buttons back: Kirim works now.
    assert summary.button_labels == [
        TEXTS.get(k) for k in ("tombol_kirim", "tombol_ubah", "tombol_batal")
    ]
    (saved,) = await press(bot, summary, TEXTS.get("tombol_kirim"))
    assert saved.plain_text.startswith("✅ Laporan tersimpan.")
    (report,) = await reports(database)
    assert report.realisasi == 10
    assert [type(e).__name__ for e in bot.errors] == ["OperationalError"]
    bot.errors.clear()  # expected here; the fixture fails tests on any other error


@pytest.mark.parametrize("method", ["answerCallbackQuery", "editMessageReplyMarkup"])
async def test_a_press_whose_courtesy_call_fails_still_moves_the_report_on(
    bot: RunningBot, ktp: Indicator, method: str
) -> None:
    """Answering a press (the spinner) and taking its keyboard away are courtesies: a 502 on
    either must not fail the step. Before, the soak's users were told "galat" and left with
    the indicator list or the evidence question without its buttons."""
    (choose,) = await bot.say(ASN, "/lapor")
    bot.api.inject_fault(method, 502)
    (ask_value,) = await press(bot, choose, choose.button_labels[0])
    assert "Target tahunan: 1.200 dokumen" in ask_value.plain_text
    (ask_evidence,) = await bot.say(ASN, "120")
    bot.api.inject_fault(method, 502)
    (ask_obstacle,) = await press(bot, ask_evidence, TEXTS.get("tombol_lewati"))
    assert TEXTS.get("tombol_tidak_ada") in ask_obstacle.button_labels
