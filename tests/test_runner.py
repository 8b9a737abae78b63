"""Starting the bot: a missing token stops at once with help; secrets never reach the log."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import AnyHttpUrl, SecretStr
from sqlalchemy.engine import make_url

from kinerja_bot.app import build_application
from kinerja_bot.core.context import KinerjaApplication
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.runner import (
    WEBHOOK_BODY_LIMIT,
    RedactingFormatter,
    wait_for_database,
    webhook_server,
)
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.stall import StallingProxy
from kinerja_bot.testing.transports import FakeBotAPIServer
from tests.conftest import ON_POSTGRES

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


HELP_UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 4242, "type": "private"},
        "from": {"id": 4242, "is_bot": False, "first_name": "Rudi"},
        "text": "/bantuan",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
    },
}
WEBHOOK_SECRET = "rahasia_webhook-1"


@dataclass
class Webhook:
    url: str
    port: int
    application: KinerjaApplication

    async def post(self, body: bytes, secret: str = WEBHOOK_SECRET) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
        async with httpx.AsyncClient() as client:
            return (await client.post(self.url, content=body, headers=headers)).status_code


@asynccontextmanager
async def serving_webhook(
    settings: Settings, database: Database, api: FakeBotAPI
) -> AsyncIterator[Webhook]:
    """The bot in webhook mode on a free loopback port, its updates from our own POSTs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeBotAPIServer(api) as server:
        hooked = settings.model_copy(
            update={
                "webhook_url": AnyHttpUrl("https://bot.tangerangselatankota.go.id/telegram/hook"),
                "webhook_secret": SecretStr(WEBHOOK_SECRET),
                "webhook_port": port,
                "telegram_base_url": AnyHttpUrl(server.base_url),
            }
        )
        app = build_application(hooked, database=database)
        receiver = webhook_server(app, hooked)
        async with app:
            await app.start()
            receiver.listen(port, address=hooked.webhook_listen)
            try:
                yield Webhook(f"http://127.0.0.1:{port}/telegram/hook", port, app)
            finally:
                receiver.stop()
                await receiver.close_all_connections()
                await app.stop()


async def test_webhook_mode_accepts_only_telegrams_secret(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    api.user(4242, "Rudi")
    body = json.dumps(HELP_UPDATE).encode()
    async with serving_webhook(settings, database, api) as hook:
        wrong = await hook.post(body, secret="salah")
        missing = await hook.post(body, secret="")
        right = await hook.post(body)
        reply = await api.next_message(4242)
    assert (wrong, missing, right) == (403, 403, 200)
    assert "Bantuan Kinerja Bot" in reply.plain_text


async def test_webhook_refuses_bad_bodies_with_400_and_serves_on(
    settings: Settings, database: Database, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.user(4242, "Rudi")
    unreadable = dict(HELP_UPDATE, message=dict(HELP_UPDATE["message"], **{"from": "Siti 1985"}))
    async with serving_webhook(settings, database, api) as hook:
        malformed = await hook.post(b'{"update_id": 1, "message": {')
        not_an_update = await hook.post(json.dumps(unreadable).encode())
        wrong_secret_first = await hook.post(b"{not json", secret="salah")
        right = await hook.post(json.dumps(HELP_UPDATE).encode())
        await api.next_message(4242)
    assert (malformed, not_an_update, wrong_secret_first, right) == (400, 400, 403, 200)
    assert "Siti 1985" not in caplog.text


async def test_webhook_refuses_a_big_body_before_reading_it(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    async with serving_webhook(settings, database, api) as hook:
        reader, writer = await asyncio.open_connection("127.0.0.1", hook.port)
        # Headers announcing 10 MB, and not one byte of the body: the answer comes anyway.
        writer.write(
            (
                "POST /telegram/hook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"X-Telegram-Bot-Api-Secret-Token: {WEBHOOK_SECRET}\r\n"
                "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=30)
        writer.close()
        just_below = await hook.post(b" " * (WEBHOOK_BODY_LIMIT - 2) + b"{}")
    assert status_line.split()[1] == b"413"
    assert just_below == 400  # read and parsed: an empty object is no update


async def test_bot_py_talks_to_the_configured_api_and_stops_cleanly(
    tmp_path: Path, settings: Settings, api: FakeBotAPI
) -> None:
    """The real entry point: migrates, polls TELEGRAM_BASE_URL, answers, stops on SIGTERM."""
    api.user(4343, "Rudi")
    async with FakeBotAPIServer(api) as server:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
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
        try:
            await api.wait_until(lambda: api.my_commands(), timeout=60)  # post_init ran
            api.send_text(4343, "/start")
            reply = await api.next_message(4343, timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert reply.plain_text.startswith("Halo, Rudi!")
    assert process.returncode == 0
    log = output.decode()
    assert "Traceback" not in log
    assert api.token not in log and api.token.split(":")[1] not in log


async def test_bot_py_serves_the_webhook_on_loopback_and_stops_cleanly(
    tmp_path: Path, settings: Settings, api: FakeBotAPI
) -> None:
    """The real entry point in webhook mode: registers the URL, answers a POST, stops on SIGTERM."""
    api.user(4242, "Rudi")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeBotAPIServer(api) as server:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_BASE_URL": server.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "WEBHOOK_URL": "https://bot.tangerangselatankota.go.id/telegram/hook",
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_PORT": str(port),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await api.wait_until(lambda: api.webhook_url, timeout=60)
            headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
            async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(retries=50)) as client:
                answer = await client.post(
                    f"http://127.0.0.1:{port}/telegram/hook", json=HELP_UPDATE, headers=headers
                )
            reply = await api.next_message(4242, timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert answer.status_code == 200
    assert "Bantuan Kinerja Bot" in reply.plain_text
    assert api.webhook_url == "https://bot.tangerangselatankota.go.id/telegram/hook"
    assert process.returncode == 0
    assert f"Webhook mode on 127.0.0.1:{port}" in output.decode()


async def test_the_bot_waits_for_a_database_that_is_down_with_one_line_per_attempt(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Unreachable at start: a missing SQLite folder, or a PostgreSQL server that hangs."""
    # The proxy stands in front of PostgreSQL; on SQLite it is not used.
    async with StallingProxy("127.0.0.1", make_url(settings.database_url).port or 5432) as proxy:
        if ON_POSTGRES:
            url = make_url(settings.database_url).set(host=proxy.host, port=proxy.port)
            proxy.stall()
            comes_back = proxy.resume
        else:
            url = make_url(f"sqlite:///{tmp_path / 'later' / 'bot.db'}")

            def comes_back() -> None:
                (tmp_path / "later").mkdir()

        waiting = settings.model_copy(
            update={
                "database_url": url.render_as_string(hide_password=False),
                "database_connect_timeout": 0.5,
            }
        )
        delays: list[float] = []

        async def sleep(seconds: float) -> None:
            delays.append(seconds)
            if len(delays) == 2:
                comes_back()

        with caplog.at_level(logging.INFO, logger="kinerja_bot"):
            await wait_for_database(waiting, sleep=sleep)
    assert delays == [1, 2]
    lines = [r for r in caplog.records if r.name == "kinerja_bot"]
    assert [r.getMessage().split(" (")[0] for r in lines] == ["Database not reachable"] * 2
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in lines)
