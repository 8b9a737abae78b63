"""The demo data set (realistic, idempotent) and the terminal chat on top of it."""

from __future__ import annotations

import builtins
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Employee,
    Feedback,
    Indicator,
    ProgressReport,
    Service,
    SurveyResponse,
    Unit,
    UnitRole,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.demo import DEMO_ACCOUNTS, load_demo
from kinerja_bot.terminal_chat import TEXTS as CHAT_TEXTS
from kinerja_bot.terminal_chat import render, run_chat
from kinerja_bot.testing.fake_bot_api import SentMessage

TODAY = date(2026, 11, 28)


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
    lines = iter(["/start", "/bantuan", ":berkas /tidak/ada.pdf", ":keluar"])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", fake_input)
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
    lines = iter(["/survei", "1", "1"])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", fake_input)
    tokenless = settings.model_copy(update={"telegram_bot_token": None})
    await run_chat(tokenless, 424242, "Rudi")
    out = capsys.readouterr().out
    assert "Pilih layanan yang Anda terima" in out  # the unit list, edited in place
    assert "Pertanyaan 1/9" in out
    assert "Maaf, terjadi kesalahan" not in out
