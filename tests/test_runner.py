"""Starting the bot: a missing token stops at once with help; secrets never reach the log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kinerja_bot.runner import RedactingFormatter

ROOT = Path(__file__).resolve().parent.parent


def test_without_token_the_bot_explains_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in finished.stderr
    assert "@BotFather" in finished.stderr
    assert "make chat" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert not (tmp_path / "x.db").exists()  # stopped before touching the database


def test_a_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, TELEGRAM_BOT_TOKEN="1:x", TZ_NAME="Mars/Olympus")
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert finished.stderr.strip().splitlines() == [
        "Konfigurasi salah: TZ_NAME: zona waktu 'Mars/Olympus' tidak dikenal (contoh: Asia/Jakarta)"
    ]


def test_token_is_redacted_from_messages_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    token = "123456:AAH-secret-token"
    formatter = RedactingFormatter("%(message)s", [token])
    try:
        raise ConnectionError(f"POST https://api.telegram.org/bot{token}/getUpdates failed")
    except ConnectionError:
        record = logging.LogRecord(
            "httpx", logging.ERROR, __file__, 1, "calling %s", (f"bot{token}",), sys.exc_info()
        )
    text = formatter.format(record)
    assert token not in text
    assert "bot[RAHASIA]/getUpdates" in text
