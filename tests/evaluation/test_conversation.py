"""End to end through the fake Bot API: /nilai (atasan), /evaluasi and /laporansaya (ASN)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from kinerja_bot.analysis.render import plain
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Evaluation, Unit, id_of, utcnow
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.periods import PeriodError, format_date_id, parse_period, wib_today
from kinerja_bot.core.rules.predikat import (
    BERAKHLAK,
    PREDIKAT_MATRIX,
    OrganisationRating,
    Rating,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import COMMON_TEXTS
from kinerja_bot.core.texts import Markup
from kinerja_bot.core.vocabulary import status_label
from kinerja_bot.evaluation.handlers import TEXTS
from kinerja_bot.evaluation.service import (
    NOTE_MAX_CHARS,
    offered_periods,
    save_evaluation,
    set_organisation_rating,
)
from kinerja_bot.exports.handlers import TEXTS as FILES
from kinerja_bot.exports.texts import TEXTS as EXPORT_TEXTS
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.records import SentMessage
from tests.analysis.factories import add_progress
from tests.conftest import RunningBot, running_bot
from tests.factories import add_employee, add_indicator, add_unit

ATASAN, SITI, OUTSIDER = 8100001, 8100002, 8100003
PERIOD = "2026-Q2"
TITLE = parse_period(PERIOD).title
RATING_CODE = {Rating.DI_ATAS: "atas", Rating.SESUAI: "sesuai", Rating.DI_BAWAH: "bawah"}


@dataclass
class Team:
    unit: Unit
    atasan: Employee
    siti: Employee
    budi: Employee
    outsider: Employee


async def team(database: Database) -> Team:
    """An atasan with two subordinates; Siti exceeds both main targets (suggestion: Di Atas)."""
    unit = await add_unit(database, "BIDANG", "Bidang Pelayanan")
    atasan = await add_employee(
        database, unit, nama="Hendra Gunawan", jabatan="Kepala Bidang", telegram_id=ATASAN
    )
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", atasan=atasan, telegram_id=SITI
    )
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan)
    boss = await add_employee(database, unit, nama="Atasan Lain")
    outsider = await add_employee(
        database, unit, nama="Orang Lain", atasan=boss, telegram_id=OUTSIDER
    )
    dokumen = await add_indicator(database, siti, nama="Dokumen terbit", target=365, tahun=2026)
    layanan = await add_indicator(
        database, siti, nama="Layanan tepat waktu", target=90, tahun=2026, cara_hitung="terakhir"
    )
    await add_progress(database, dokumen, 200, date(2026, 6, 1))  # 110 % of 181 due
    await add_progress(database, layanan, 95, date(2026, 6, 1))  # 105,6 %
    return Team(unit, atasan, siti, budi, outsider)


def linked(api: FakeBotAPI, *users: int) -> None:
    """These users have talked to the bot before (they activated), so it can write to them."""
    for user in users:
        api.user(user)


def rating_label(rating: Rating, suggested: Rating | None = None) -> str:
    label = TEXTS.get(f"tombol_rating_{RATING_CODE[rating]}")
    return TEXTS.get("tombol_saran", label=label) if rating is suggested else label


async def press(bot: RunningBot, user: int, message: SentMessage, label: str) -> SentMessage:
    """Press a button and return the next message to that user."""
    bot.api.press_button(user, message, label=label)
    return await bot.api.next_message(user)


async def open_employee(bot: RunningBot, name: str) -> SentMessage:
    """/nilai for the period, then the employee's button (rated or not): the basis message."""
    (listing,) = await bot.say(ATASAN, f"/nilai {PERIOD}")
    (label,) = [label for label in listing.button_labels if name in label]
    return await press(bot, ATASAN, listing, label)


async def rate(
    bot: RunningBot,
    basis: SentMessage,
    hasil: Rating,
    perilaku: Rating,
    *,
    suggested: Rating | None = Rating.DI_ATAS,
    notes: tuple[str | None, ...] = (None,) * 7,
) -> SentMessage:
    """From the basis message to the summary: ratings, and a note (or Lewati) per value."""
    question = await press(bot, ATASAN, basis, rating_label(hasil, suggested))
    for note in notes:
        if note is None:
            question = await press(bot, ATASAN, question, TEXTS.get("tombol_lewati"))
        else:
            (question,) = await bot.say(ATASAN, note)
    return await press(bot, ATASAN, question, rating_label(perilaku))


def note_question(number: int, nama: str = "Siti Rahmawati") -> str:
    return TEXTS.get(
        "minta_catatan",
        nomor=number,
        nilai=BERAKHLAK[number - 1][1],
        nama=nama,
        batas=NOTE_MAX_CHARS,
    )


def predikat_line(predikat: str) -> str:
    """The line of the summary that names the predikat, as the user reads it."""
    (line,) = [ln for ln in TEXTS._load()["ringkasan"].splitlines() if "{predikat}" in ln]
    return plain(line.format(predikat=predikat))


async def evaluation_of(database: Database, employee: Employee) -> Evaluation | None:
    async with database.session() as session:
        return (
            await session.exec(select(Evaluation).where(Evaluation.employee_id == employee.id))
        ).first()


async def test_an_atasan_rates_a_subordinate(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    linked(bot.api, SITI)
    (listing,) = await bot.say(ATASAN, f"/nilai {PERIOD}")
    assert listing.text == TEXTS.get("pilih_pegawai", periode=TITLE, dinilai=0, jumlah=2)
    assert listing.button_labels == [
        TEXTS.get("tombol_pegawai", nama="Budi Santoso"),
        TEXTS.get("tombol_pegawai", nama="Siti Rahmawati"),
        TEXTS.get("tombol_selesai"),
    ]

    basis = await press(bot, ATASAN, listing, TEXTS.get("tombol_pegawai", nama="Siti Rahmawati"))
    lines = [
        TEXTS.get(
            "baris_indikator",
            nama=nama,
            jenis=TEXTS.get("jenis_utama"),
            realisasi=realisasi,
            target=target,
            satuan="dokumen",
            capaian=capaian,
            status=status_label(OnTrackStatus.SESUAI_JADWAL),
        )
        for nama, realisasi, target, capaian in (
            ("Dokumen terbit", "200", "181", "110,50%"),  # 200 of the 181 due by 30 June
            ("Layanan tepat waktu", "95", "90", "105,56%"),
        )
    ]
    assert basis.text == TEXTS.get(
        "dasar_penilaian",
        nama="Siti Rahmawati",
        jabatan=data.siti.jabatan,
        periode=TITLE,
        tanggal=format_date_id(date(2026, 6, 30)),
        indikator=Markup("\n".join(lines)),
        saran=rating_label(Rating.DI_ATAS),
        alasan=TEXTS.get("alasan_atas"),
        sebelumnya="",
    )
    back = "◀ " + TEXTS.get("kembali_bawahan")
    assert basis.button_labels == [
        rating_label(Rating.DI_ATAS, Rating.DI_ATAS),
        rating_label(Rating.SESUAI),
        rating_label(Rating.DI_BAWAH),
        back,
    ]
    # ◀ back to the team keeps nothing; the person can be chosen again.
    again = await press(bot, ATASAN, basis, back)
    assert again.text == listing.text
    basis = await press(bot, ATASAN, again, TEXTS.get("tombol_pegawai", nama="Siti Rahmawati"))

    question = await press(bot, ATASAN, basis, rating_label(Rating.DI_ATAS, Rating.DI_ATAS))
    assert question.text == note_question(1)
    (question,) = await bot.say(ATASAN, "Ramah & sigap melayani warga di loket.")
    assert question.text == note_question(2)
    question = await press(bot, ATASAN, question, TEXTS.get("tombol_lewati"))
    for _ in range(5):
        (question,) = await bot.say(ATASAN, "Baik.")
    assert question.text == TEXTS.get("minta_rating_perilaku", nama="Siti Rahmawati")
    summary = await press(bot, ATASAN, question, rating_label(Rating.SESUAI))

    notes = ["Ramah & sigap melayani warga di loket.", None, *["Baik."] * 5]
    # 1 of 5 rated, and no rating of the unit recorded: the distribution check stays silent.
    assert summary.text == TEXTS.get(
        "ringkasan",
        periode=TITLE,
        nama="Siti Rahmawati",
        nip=data.siti.nip,
        hasil=rating_label(Rating.DI_ATAS),
        saran=rating_label(Rating.DI_ATAS),
        perilaku=rating_label(Rating.SESUAI),
        catatan=Markup(
            "\n".join(
                TEXTS.get("baris_catatan", nilai=name, catatan=note or TEXTS.get("tanpa_catatan"))
                for (_, name), note in zip(BERAKHLAK, notes, strict=True)
            )
        ),
        predikat="Baik",  # Di Atas × Sesuai
        distribusi=Markup(""),
    )
    assert summary.button_labels == [
        TEXTS.get("tombol_simpan"),
        TEXTS.get("tombol_ubah"),
        TEXTS.get("tombol_batal"),
    ]

    bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
    saved, listing = await bot.api.wait_for_messages(ATASAN, 2)
    saved_text = TEXTS.get("tersimpan", nama="Siti Rahmawati", periode=TITLE, predikat="Baik")
    assert saved.text == saved_text
    assert listing.button_labels[1] == TEXTS.get(
        "tombol_pegawai_dinilai", nama="Siti Rahmawati", predikat="Baik"
    )
    told = await bot.api.next_message(SITI)
    assert told.text == TEXTS.get(
        "penilaian_diterima",
        atasan="Hendra Gunawan",
        periode=TITLE,
        hasil="Di Atas Ekspektasi",
        perilaku="Sesuai Ekspektasi",
        predikat="Baik",
        kode=PERIOD,
    )

    row = await evaluation_of(database, data.siti)
    assert row is not None
    assert (row.period, row.suggested_result_rating, row.result_rating, row.behaviour_rating) == (
        PERIOD,
        "Di Atas Ekspektasi",
        "Di Atas Ekspektasi",
        "Sesuai Ekspektasi",
    )
    assert row.predikat == "Baik" and row.decided_by_id == data.atasan.id
    assert row.behaviour_notes["berorientasi_pelayanan"] == notes[0]
    assert row.behaviour_notes["akuntabel"] == ""
    assert list(row.behaviour_notes) == [code for code, _ in BERAKHLAK]

    done = await press(bot, ATASAN, listing, TEXTS.get("tombol_selesai"))
    assert done.plain_text == TEXTS.get("selesai", periode=TITLE, dinilai=1, jumlah=2)


@pytest.mark.parametrize(("hasil", "perilaku"), list(PREDIKAT_MATRIX))
async def test_each_cell_of_the_matrix(
    bot: RunningBot, database: Database, hasil: Rating, perilaku: Rating
) -> None:
    data = await team(database)
    expected = PREDIKAT_MATRIX[hasil, perilaku]
    basis = await open_employee(bot, "Budi Santoso")
    # Budi has no indicator: no suggestion, no star.
    assert TEXTS.get("alasan_tidak_ada") in basis.plain_text
    summary = await rate(bot, basis, hasil, perilaku, suggested=None)
    assert predikat_line(expected.value) in summary.plain_text.splitlines()
    bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
    saved, _ = await bot.api.wait_for_messages(ATASAN, 2)
    assert saved.text is not None
    assert saved.text.startswith(
        TEXTS.get("tersimpan", nama="Budi Santoso", periode=TITLE, predikat=expected.value)
    )
    row = await evaluation_of(database, data.budi)
    assert row is not None
    assert (row.result_rating, row.behaviour_rating, row.predikat) == (
        hasil.value,
        perilaku.value,
        expected.value,
    )


async def test_rating_again_replaces_the_decision(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    for perilaku, expected in ((Rating.DI_ATAS, "Baik"), (Rating.DI_BAWAH, "Kurang/Misconduct")):
        basis = await open_employee(bot, "Budi Santoso")
        summary = await rate(bot, basis, Rating.SESUAI, perilaku, suggested=None)
        bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
        _, listing = await bot.api.wait_for_messages(ATASAN, 2)
        assert TEXTS.get("tombol_pegawai_dinilai", nama="Budi Santoso", predikat=expected) in (
            listing.button_labels
        )
        await bot.say(ATASAN, "/batal")
    async with database.session() as session:
        rows = (await session.exec(select(Evaluation))).all()
    assert [(r.employee_id, r.predikat) for r in rows] == [(data.budi.id, "Kurang/Misconduct")]


async def test_the_distribution_warning_waits_for_the_units_last_rating(
    bot: RunningBot, database: Database
) -> None:
    """Unit rated Istimewa; everyone Baik breaks its pattern — but only once all five of the
    unit are rated is that said, at the last one's summary and after saving it."""
    data = await team(database)
    period = parse_period(PERIOD)
    async with database.session() as session:
        await set_organisation_rating(session, data.unit.id, 2026, OrganisationRating.ISTIMEWA)
        boss = (await session.exec(select(Employee).where(Employee.nama == "Atasan Lain"))).one()
        for employee in (data.atasan, boss, data.outsider):  # rated by their own atasan
            await save_evaluation(
                session,
                employee_id=id_of(employee),
                period=period,
                suggested=None,
                result_rating=Rating.SESUAI,
                behaviour_rating=Rating.SESUAI,
                notes={},
                decided_by_id=id_of(boss),
                now=utcnow(),
            )
    warning_start = plain(TEXTS._load()["distribusi_peringatan"].split("{unit}")[0])

    basis = await open_employee(bot, "Siti Rahmawati")
    summary = await rate(bot, basis, Rating.SESUAI, Rating.SESUAI)
    assert warning_start not in summary.plain_text  # 4 of 5: not yet
    bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
    saved, listing = await bot.api.wait_for_messages(ATASAN, 2)
    assert warning_start not in saved.plain_text

    budi = await press(bot, ATASAN, listing, TEXTS.get("tombol_pegawai", nama="Budi Santoso"))
    summary = await rate(bot, budi, Rating.SESUAI, Rating.SESUAI, suggested=None)
    assert warning_start in summary.plain_text  # the last one: the pattern is known
    assert "5 dari 5 pegawai sudah dinilai" in summary.plain_text
    bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
    saved, _ = await bot.api.wait_for_messages(ATASAN, 2)
    assert warning_start in saved.plain_text


async def test_forged_and_outdated_presses_are_refused(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    (listing,) = await bot.say(ATASAN, f"/nilai {PERIOD}")
    query = bot.api.press_button(ATASAN, listing, f"nilai:e:{id_of(data.outsider)}", check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_bukan_bawahan")
    assert bot.api.unread(ATASAN) == []

    # Someone who is nobody's atasan forges a press too: same refusal.
    query = bot.api.press_button(OUTSIDER, listing, f"nilai:e:{id_of(data.siti)}", check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == GENERAL.get("peringatan_tombol_usang")

    # Siti moves to another atasan while she is being rated: the rating is refused.
    basis = await press(bot, ATASAN, listing, TEXTS.get("tombol_pegawai", nama="Siti Rahmawati"))
    async with database.session() as session:
        siti = await session.get(Employee, data.siti.id)
        assert siti is not None
        siti.atasan_id = data.outsider.atasan_id
        session.add(siti)
    query = bot.api.press_button(ATASAN, basis, label=rating_label(Rating.SESUAI))
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_bukan_bawahan")
    assert await evaluation_of(database, data.siti) is None

    # A button from an earlier step answers politely and changes nothing.
    query = bot.api.press_button(ATASAN, listing, f"nilai:e:{id_of(data.budi)}", check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == COMMON_TEXTS.get("peringatan_tombol_langkah_lalu")


async def test_who_may_rate_and_which_periods(bot: RunningBot, database: Database) -> None:
    await team(database)
    (reply,) = await bot.say(SITI, "/nilai")
    assert reply.plain_text == TEXTS.get("bukan_atasan")
    (reply,) = await bot.say(9999, "/nilai")  # a citizen
    assert reply.plain_text == TEXTS.get("bukan_atasan")
    (reply,) = await bot.say(ATASAN, "/nilai 2026-11")
    assert reply.plain_text == TEXTS.get("bukan_periode_evaluasi", periode="2026-11")
    (reply,) = await bot.say(ATASAN, "/nilai 2026-Q5")
    assert reply.plain_text == TEXTS.get("periode_salah", pesan=str(PeriodError("2026-Q5")))

    (reply,) = await bot.say(ATASAN, "/nilai")
    periods = offered_periods(wib_today())
    assert reply.button_labels == [TEXTS.get("tombol_periode", judul=p.title) for p in periods]
    listing = await press(bot, ATASAN, reply, reply.button_labels[0])
    assert listing.text == TEXTS.get("pilih_pegawai", periode=periods[0].title, dinilai=0, jumlah=2)


async def test_change_cancel_and_stray_input(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    basis = await open_employee(bot, "Siti Rahmawati")
    (reply,) = await bot.say(ATASAN, "Sesuai saja")  # typed where a button is expected
    assert reply.plain_text == COMMON_TEXTS.get("pilih_tombol")
    (reply,) = await bot.say(ATASAN, "/bantuan")
    assert reply.plain_text == TEXTS.get("sedang_menilai")

    question = await press(bot, ATASAN, basis, rating_label(Rating.DI_BAWAH))
    (reply,) = await bot.say(ATASAN, "x" * (NOTE_MAX_CHARS + 1))
    assert reply.plain_text == TEXTS.get(
        "catatan_terlalu_panjang", panjang=NOTE_MAX_CHARS + 1, batas=NOTE_MAX_CHARS
    )
    bot.api.send_photo(ATASAN)  # the note is typed (or skipped), never a photo
    assert (await bot.api.next_message(ATASAN)).plain_text == TEXTS.get("catatan_teks")
    summary = await rate_from_note(bot, question, Rating.DI_ATAS)
    assert predikat_line("Butuh Perbaikan") in summary.plain_text.splitlines()

    basis = await press(bot, ATASAN, summary, TEXTS.get("tombol_ubah"))  # start Siti again
    summary = await rate(bot, basis, Rating.SESUAI, Rating.SESUAI)
    bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_batal"))
    dropped, listing = await bot.api.wait_for_messages(ATASAN, 2)
    assert dropped.plain_text == TEXTS.get("dibatalkan_pegawai", nama="Siti Rahmawati")
    assert listing.button_labels[1] == TEXTS.get("tombol_pegawai", nama="Siti Rahmawati")
    (reply,) = await bot.say(ATASAN, "/batal")
    assert reply.plain_text == TEXTS.get("batal")
    assert await evaluation_of(database, data.siti) is None
    (reply,) = await bot.say(ATASAN, "/batal")
    assert reply.plain_text == GENERAL.get("batal_kosong")


async def rate_from_note(bot: RunningBot, question: SentMessage, perilaku: Rating) -> SentMessage:
    """Skip the remaining notes, then rate behaviour; returns the summary."""
    while TEXTS.get("tombol_lewati") in question.button_labels:
        question = await press(bot, ATASAN, question, TEXTS.get("tombol_lewati"))
    return await press(bot, ATASAN, question, rating_label(perilaku))


async def test_a_rating_survives_a_restart(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    data = await team(database)
    async with running_bot(settings, database, api) as bot:
        basis = await open_employee(bot, "Siti Rahmawati")
        question = await press(bot, ATASAN, basis, rating_label(Rating.DI_ATAS, Rating.DI_ATAS))
        (question,) = await bot.say(ATASAN, "Sigap.")
        assert bot.errors == []
    async with running_bot(settings, database, api) as bot:
        summary = await rate_from_note(bot, question, Rating.DI_ATAS)
        assert predikat_line("Sangat Baik") in summary.plain_text.splitlines()
        bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
        await bot.api.wait_for_messages(ATASAN, 2)
        assert bot.errors == []
    row = await evaluation_of(database, data.siti)
    assert row is not None and row.behaviour_notes["berorientasi_pelayanan"] == "Sigap."


def workbook_of(api: FakeBotAPI, message: SentMessage) -> openpyxl.Workbook:
    assert message.kind == "document" and message.file_id is not None
    return openpyxl.load_workbook(io.BytesIO(api.files[message.file_id].content))


async def test_an_asn_downloads_their_evaluation_pack(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    linked(bot.api, SITI)
    (reply,) = await bot.say(9999, "/evaluasi")
    assert reply.plain_text == FILES.get("bukan_pegawai")

    (document,) = await bot.say(SITI, f"/evaluasi {PERIOD}")
    assert document.plain_text == FILES.get(
        "evaluasi_keterangan",
        periode=TITLE,
        nama="Siti Rahmawati",
        status=FILES.get("evaluasi_status_belum"),
    )
    assert bot.api.files[document.file_id or ""].file_name == (
        f"evaluasi-{data.siti.nip}-{PERIOD}.xlsx"
    )
    workbook = workbook_of(bot.api, document)
    assert workbook.sheetnames == [EXPORT_TEXTS.get("lembar_rekap_evaluasi"), data.siti.nip]
    assert workbook.worksheets[0]["I2"].value == EXPORT_TEXTS.get("form_belum_dinilai")

    basis = await open_employee(bot, "Siti Rahmawati")
    summary = await rate(bot, basis, Rating.DI_ATAS, Rating.DI_ATAS)
    bot.api.press_button(ATASAN, summary, label=TEXTS.get("tombol_simpan"))
    await bot.api.wait_for_messages(ATASAN, 2)
    await bot.api.next_message(SITI)  # the news of the rating

    (document,) = await bot.say(SITI, "/evaluasi")  # the latest period she was rated for
    assert FILES.get("evaluasi_status_dinilai", predikat="Sangat Baik") in document.plain_text
    recap = workbook_of(bot.api, document).worksheets[0]
    assert [cell.value for cell in recap[2]][:9] == [
        data.siti.nip,
        "Siti Rahmawati",
        data.siti.jabatan,
        "Bidang Pelayanan",
        TITLE,
        "Di Atas Ekspektasi",
        "Di Atas Ekspektasi",
        "Di Atas Ekspektasi",
        "Sangat Baik",
    ]


async def test_an_asn_downloads_their_reports(bot: RunningBot, database: Database) -> None:
    data = await team(database)
    (reply,) = await bot.say(SITI, "/laporansaya 2026-Q1")
    assert reply.plain_text == FILES.get(
        "laporansaya_kosong", periode=parse_period("2026-Q1").title
    )
    (reply,) = await bot.say(SITI, "/laporansaya 2026-13")
    assert reply.plain_text == FILES.get("periode_salah", pesan=str(PeriodError("2026-13")))

    (document,) = await bot.say(SITI, "/laporansaya 2026")
    assert document.plain_text == FILES.get(
        "laporansaya_keterangan", periode=parse_period("2026").title, jumlah=2
    )
    sheet = workbook_of(bot.api, document).worksheets[0]
    assert sheet.max_row == 3
    assert {sheet.cell(row, 2).value for row in (2, 3)} == {data.siti.nip}
    assert sorted(sheet.cell(row, 12).value for row in (2, 3)) == [95, 200]


@pytest.mark.parametrize("command", ["/evaluasi", "/laporansaya"])
async def test_files_are_only_for_linked_staff(bot: RunningBot, command: str) -> None:
    (reply,) = await bot.say(424242, command)
    assert reply.plain_text == FILES.get("bukan_pegawai")
