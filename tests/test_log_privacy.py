"""The log at INFO and above never holds what users typed, who they are, or the token.

The bot runs with the production logging (runner.configure_logging, to stderr) through
journeys and failure paths: /daftar with a typed NIP, a database failure while the NIP is
looked up, /lapor with a database failure at Kirim, a phone number as stray text and an update
the library cannot read. Then the whole log is searched (see docs/reliability.md)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.reporting.handlers import TEXTS as REPORTING
from kinerja_bot.runner import TEXTS as RUNNER
from kinerja_bot.runner import configure_logging
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.transports import FakeBotAPIServer
from tests.conftest import RunningBot, database_fails
from tests.factories import add_employee, add_indicator, add_unit

ROOT = Path(__file__).resolve().parent.parent
ASN = 8200001
NEWCOMER = 8200002
CITIZEN = 8200003
NIP = "198504122010012042"
OTHER_NIP = "199001012015031007"
PHONE = "0812-3456-7890"
OBSTACLE = "Printer blanko macet dua hari"


@pytest.fixture
def production_log(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[[], str]]:
    """The bot's own logging setup, writing to the captured stderr; restored afterwards."""
    root = logging.getLogger()
    noisy = [logging.getLogger(name) for name in ("httpx", "apscheduler")]
    saved = (list(root.handlers), root.level, [logger.level for logger in noisy])
    configure_logging(settings)
    try:
        yield lambda: capsys.readouterr().err
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for logger, level in zip(noisy, saved[2], strict=True):
            logger.setLevel(level)


def forbidden(token: str) -> list[str]:
    """What must never be in the log: NIPs, names, a phone number, typed text, the token."""
    return [
        NIP,
        OTHER_NIP,
        "Siti",
        "Rahmawati",
        "Budi",
        PHONE,
        PHONE.replace("-", ""),
        OBSTACLE,
        token,
        token.split(":")[1],
    ]


async def test_journeys_and_failures_leave_no_personal_data_in_the_log(
    production_log: Callable[[], str], bot: RunningBot, database: Database
) -> None:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    siti = await add_employee(database, unit, nama="Siti Rahmawati", nip=NIP, telegram_id=ASN)
    await add_employee(database, unit, nama="Budi Santoso", nip=OTHER_NIP)
    await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    bot.api.user(ASN, "Siti", last_name="Rahmawati", username="siti_rahmawati")
    bot.api.user(NEWCOMER, "Budi")

    # /daftar: a typed NIP, once while the database fails, then again.
    await bot.say(NEWCOMER, "/daftar")
    with database_fails(database, on="FROM employee"):
        (failed,) = await bot.say(NEWCOMER, OTHER_NIP)
    assert failed.plain_text == GENERAL.get("gangguan")
    await bot.say(NEWCOMER, OTHER_NIP)
    await bot.say(NEWCOMER, "/batal")

    # /lapor with an obstacle text; Kirim while the database fails.
    (choose,) = await bot.say(ASN, "/lapor")
    bot.api.press_button(ASN, choose, label=choose.button_labels[0])
    await bot.api.next_message(ASN)
    await bot.say(ASN, "12")
    (ask_obstacle,) = await bot.say(ASN, "https://drive.example.go.id/bukti")
    bot.api.press_button(ASN, ask_obstacle, label="Sarana-prasarana")
    await bot.api.next_message(ASN)
    (ask_support,) = await bot.say(ASN, OBSTACLE)
    bot.api.press_button(ASN, ask_support, label=REPORTING.get("tombol_tidak_ada"))
    summary = await bot.api.next_message(ASN)
    with database_fails(database, on="INSERT INTO progressreport"):
        bot.api.press_button(ASN, summary, label=REPORTING.get("tombol_kirim"))
        await bot.api.next_message(ASN)

    # A phone number as stray text, and an update PTB cannot read.
    await bot.say(CITIZEN, PHONE)
    bot.api.push_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": CITIZEN}, "text": NIP}}
    )
    await bot.say(CITIZEN, "/bantuan")

    log = production_log()
    assert "Error while handling" in log and "OperationalError" in log  # the failures are there
    assert "Skipped update" in log
    assert "Added job" not in log  # APScheduler's line for every job booked
    assert [word for word in forbidden(bot.api.token) if word in log] == []
    bot.errors.clear()  # the two database failures were meant


async def test_a_rejected_token_stops_with_a_clear_line_and_never_shows_the_token(
    tmp_path: Path, api: FakeBotAPI
) -> None:
    rejected = "999999:AAH-rejected-token-value"
    async with FakeBotAPIServer(api) as server:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": rejected,
            "TELEGRAM_BASE_URL": server.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    log = output.decode()
    assert process.returncode not in (0, None)
    assert RUNNER.get("token_rejected").strip() in log
    assert [word for word in forbidden(rejected) if word in log] == []
