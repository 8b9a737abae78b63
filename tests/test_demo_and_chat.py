"""The demo data set (realistic, idempotent) and the terminal chat on top of it."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Date, func
from sqlmodel import SQLModel, col, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Appreciation,
    CompetencyAssessment,
    Employee,
    Feedback,
    Indicator,
    LearningRecord,
    ProgressReport,
    Service,
    SurveyResponse,
    TrainingOffer,
    Unit,
    UnitRole,
    UTCDateTime,
)
from kinerja_bot.core.rules.periods import PeriodKind, current_period
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import COMMON_TEXTS as COMMON
from kinerja_bot.demo import DEMO_ACCOUNTS, load_demo
from kinerja_bot.privacy.handlers import EXPORT_FILE
from kinerja_bot.reporting.texts import TEXTS as REPORT_TEXTS
from kinerja_bot.team.handlers import TEXTS as TEAM_TEXTS
from kinerja_bot.terminal_chat import TEXTS as CHAT_TEXTS
from kinerja_bot.terminal_chat import render, render_answer, run_chat
from kinerja_bot.testing.fake_bot_api import SentMessage

TODAY = date(2026, 11, 28)
WIB = timezone(timedelta(hours=7))
# Dates that name what is planned, not what happened: they may lie ahead.
PLANNED = {
    ("trainingoffer", "mulai"),
    ("trainingoffer", "selesai"),
    ("complaint", "due_date"),
    ("complaint", "verify_by"),
    ("followupaction", "tenggat"),
    ("activationcode", "expires_at"),
    ("leave", "first_day"),
    ("leave", "last_day"),
}
# Tables of the organisation and the catalog, stamped with the clock when imported.
IMPORTED = {"unit", "employee", "indicator", "service", "unitrole", "trainingoffer"}


def typed(monkeypatch: pytest.MonkeyPatch, entries: Iterable[str]) -> None:
    """The person at the terminal types these lines, then Ctrl-D."""
    lines = iter(entries)

    def fake_input(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", fake_input)


async def count(database: Database, model: type) -> int:
    async with database.session() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def test_demo_is_realistic_and_idempotent(database: Database) -> None:
    await load_demo(database, TODAY)
    first = {
        m.__name__: await count(database, m)
        for m in (Unit, Employee, Indicator, Service, ProgressReport, Feedback, SurveyResponse)
    }
    assert first["Unit"] >= 10 and 35 <= first["Employee"] <= 50
    assert first["Indicator"] >= 2 * first["Employee"]
    assert first["ProgressReport"] > 200 and first["Feedback"] > 0
    assert first["SurveyResponse"] >= 5 * first["Service"]

    async with database.session() as session:
        units = {u.kode for u in (await session.exec(select(Unit))).all()}
        with_atasan = (
            await session.exec(select(func.count()).where(col(Employee.atasan_id).is_not(None)))
        ).one()
        linked = (
            await session.exec(
                select(Employee.telegram_id).where(col(Employee.telegram_id).is_not(None))
            )
        ).all()
    assert {"DISDUKCAPIL", "DINKES", "DINDIKBUD", "DPMPTSP"} <= units
    assert with_atasan == first["Employee"] - 5  # only the five heads of OPD have no atasan
    assert sorted(linked) == sorted(DEMO_ACCOUNTS)
    async with database.session() as session:
        roles = (await session.exec(select(UnitRole))).all()
        populations = (await session.exec(select(Service.pengguna_per_tahun))).all()
    assert sum(r.role == "kepala" for r in roles) == first["Unit"]
    assert sum(r.role == "pengelola_pengaduan" for r in roles) >= 5
    assert all(p and p > 0 for p in populations)

    summary = await load_demo(database, TODAY)
    async with database.session() as session:
        assert len((await session.exec(select(UnitRole))).all()) == len(roles)
    again = {
        m.__name__: await count(database, m)
        for m in (Unit, Employee, Indicator, Service, ProgressReport, Feedback, SurveyResponse)
    }
    assert again == first
    assert "0 laporan kemajuan dan 0 respons survei" in summary


async def test_terminal_chat_shows_replies_as_plain_text(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load_demo(database, TODAY)
    typed(monkeypatch, ["/start", "/bantuan", ":berkas /tidak/ada.pdf", ":keluar"])
    await run_chat(settings, 100001, "Demo")
    out = capsys.readouterr().out
    assert "🤖 Halo, " in out and "Akun Anda sudah tertaut" in out
    assert "Bantuan Kinerja Bot" in out and "<b>" not in out
    assert "Berkas '/tidak/ada.pdf' tidak ditemukan." in out
    assert out.rstrip().endswith("Chat selesai.")


def test_terminal_rendering_numbers_buttons_and_names_attachments() -> None:
    markup = {
        "inline_keyboard": [
            [
                {"text": "Kirim", "callback_data": "lapor:kirim"},
                {"text": "Batal", "callback_data": "lapor:batal"},
            ]
        ]
    }
    text = SentMessage(1, 1, "text", "<b>Ringkasan</b>", "HTML", markup, 0, plain_text="Ringkasan")
    assert render(text, 1).splitlines()[1:] == ["🤖 Ringkasan", "   [1] Kirim", "   [2] Batal"]
    photo = SentMessage(1, 2, "photo", "Grafik", "HTML", None, 0, plain_text="Grafik")
    assert render(photo, 1).splitlines()[1] == f"🤖 {CHAT_TEXTS.get('lampiran_photo')} Grafik"


async def test_terminal_chat_without_a_token_runs_the_survey_and_shows_edits(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load_demo(database, TODAY)
    typed(monkeypatch, ["/survei", "1", "1"])
    tokenless = settings.model_copy(update={"telegram_bot_token": None})
    await run_chat(tokenless, 424242, "Rudi")
    out = capsys.readouterr().out
    assert "Pilih layanan yang Anda terima" in out  # the unit list, edited in place
    assert "Pertanyaan 1/9" in out
    assert "Maaf, terjadi kesalahan" not in out


async def test_a_number_typed_while_the_bot_waits_for_text_is_text(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    await load_demo(database, TODAY)
    # "1" presses the first indicator (the latest message has buttons); "12" answers the
    # number step, which has none: once taken as button 12 ("no such button"), now the
    # report goes on to the evidence step. "#1" then presses Lewati, ":teks 5" is text.
    typed(monkeypatch, ["/lapor", "1", "12", "#1", ":teks 5"])
    await run_chat(settings, 100001, "Agus", tmp_path)
    out = capsys.readouterr().out
    assert CHAT_TEXTS.get("tidak_ada_tombol") not in out
    assert REPORT_TEXTS.get("minta_bukti") in out
    after_evidence = out.split(REPORT_TEXTS.get("minta_bukti"))[-1]
    assert "Sarana-prasarana" in after_evidence  # Lewati pressed: the obstacle step
    assert "#3 selalu menekan tombol 3" in out  # the help says how to disambiguate


async def test_a_number_after_a_hint_still_presses_the_buttons_the_hint_points_to(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    await load_demo(database, TODAY)
    # Typing at the indicator list gets "press a button"; "1" then presses the first
    # indicator (it was sent as text to a step that takes none), and "abc" at the number
    # step gets an error without buttons: "12" after it is still the number.
    typed(monkeypatch, ["/lapor", "halo", "1", "abc", "12"])
    await run_chat(settings, 100001, "Agus", tmp_path)
    out = capsys.readouterr().out
    assert out.count(COMMON.get("pilih_tombol")) == 1
    assert REPORT_TEXTS.get("minta_bukti") in out


async def test_a_second_chat_on_the_same_database_is_answered(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The inbox remembers the update ids of the first chat; the second must not look like
    its repeats (it was once answered with silence)."""
    await load_demo(database, TODAY)
    for _ in range(2):
        typed(monkeypatch, ["/bantuan"])
        await run_chat(settings, 100001, "Agus", tmp_path)
        assert "Bantuan Kinerja Bot" in capsys.readouterr().out


async def test_chat_shows_alerts_saves_files_and_notes_failures_in_one_line(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    await load_demo(database, TODAY)
    # The unit head reminds Agus (account 100001), whom this fake Telegram does not know:
    # the bot logs the failed delivery and answers the press with an alert.
    typed(monkeypatch, ["/tim", "3", "1", "1", "/lapor", "/batal", "#1", "/datasaya"])
    await run_chat(settings, 100002, "Budi", tmp_path / "berkas")
    captured = capsys.readouterr()
    out = captured.out
    assert "Traceback" not in out + captured.err
    note = CHAT_TEXTS.get("catatan", teks="could not deliver to chat 100001 (Chat not found)")
    assert note in out.splitlines()
    alert = TEAM_TEXTS.get("peringatan_gagal_terkirim")
    assert render_answer({"text": alert, "show_alert": True}) in out.splitlines()
    stale = CHAT_TEXTS.get("peringatan", teks=COMMON.get("peringatan_tombol_usang"))
    assert stale in out.splitlines()  # "#1" pressed the indicator list /batal left behind
    saved = saved_files(tmp_path / "berkas")
    assert [path.name.split("-", 1)[1] for path in saved] == [EXPORT_FILE]
    assert b'"nip"' in saved[0].read_bytes().lower()
    assert CHAT_TEXTS.get("disimpan", path=str(saved[0])) in out.splitlines()


def saved_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_pop_ups_and_alerts_read_differently() -> None:
    assert render_answer({"text": "Tersimpan"}) == CHAT_TEXTS.get("popup", teks="Tersimpan")
    alert = render_answer({"text": "Tidak boleh", "show_alert": True})
    assert alert == CHAT_TEXTS.get("peringatan", teks="Tidak boleh")
    assert render_answer({}) is None


async def dated_after(database: Database, now: datetime, skip: Collection[str] = ()) -> list[str]:
    """Every date and timestamp column of every table whose latest value is after `now`
    (dates: after today in WIB)."""
    today = now.astimezone(WIB).date()
    found = []
    async with database.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip:
                continue
            for column in table.columns:
                if (table.name, column.name) in PLANNED:
                    continue
                if isinstance(column.type, UTCDateTime):
                    bound: date | datetime = now
                elif isinstance(column.type, Date):
                    bound = today
                else:
                    continue
                latest = (await session.exec(select(func.max(column)))).one()
                if latest is not None and latest > bound:
                    found.append(f"{table.name}.{column.name} = {latest}")
    return found


async def test_demo_data_never_lies_about_the_future(database: Database) -> None:
    now = datetime.now(UTC)
    await load_demo(database, now.astimezone(WIB).date(), now)
    assert await dated_after(database, datetime.now(UTC)) == []


async def test_demo_at_a_quarters_first_morning_stays_in_the_past_and_in_the_quarter(
    database: Database,
) -> None:
    # 07:30 WIB on 1 October: the office has not opened, the quarter is an hour old.
    now = datetime(2026, 10, 1, 7, 30, tzinfo=WIB)
    await load_demo(database, now.date(), now)
    assert await dated_after(database, now, skip=IMPORTED) == []
    quarter = current_period(PeriodKind.QUARTER, now.date())
    async with database.session() as session:
        thanked = (await session.exec(select(Appreciation.given_on))).all()
        learned = (
            await session.exec(
                select(LearningRecord.completed_on).where(
                    col(LearningRecord.enrolment_id).is_(None)
                )
            )
        ).all()
        scored = (await session.exec(select(CompetencyAssessment))).all()
        offers = (await session.exec(select(TrainingOffer))).all()
    assert thanked and all(day in quarter for day in thanked)
    assert learned and all(day in quarter for day in learned)
    assert {row.period for row in scored} == {quarter.label}
    assert {row.score for row in scored} >= {2, 3, 4}  # gaps (below 3) and strengths
    assert any(offer.mulai > now.date() for offer in offers)  # the catalog plans ahead
