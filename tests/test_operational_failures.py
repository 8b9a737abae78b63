"""Operational failures of `make run` (bot.py) and the CLI, run as the operator runs them (a
subprocess): exactly one clear line on stderr, no traceback, an exit status other than 0."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.migrate import upgrade
from kinerja_bot.runner import TEXTS as RUNNER_TEXTS
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.transports import FakeBotAPIServer

ROOT = Path(__file__).resolve().parent.parent
WRONG_TOKEN = "999999:AAH-not-the-fake-apis-token"


MARK = "\x00"


def before(key: str, **values: str) -> str:
    """A CLI text up to the placeholder given as MARK (the rest is the system's own words)."""
    return CLI_TEXTS.get(key, **values).split(MARK)[0]


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TELEGRAM_BOT_TOKEN", "BOT_USERNAME", "TELEGRAM_BASE_URL")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kinerja.db'}"
    return env | values


async def run(command: list[str], tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run in a thread: the fake Bot API answers on this test's event loop meanwhile."""
    return await asyncio.to_thread(run_now, command, tmp_path, env)


def run_now(command: list[str], tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    finished = subprocess.run(
        command,
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in finished.stderr
    return finished.returncode, finished.stderr.strip().splitlines()


BOT = [sys.executable, str(ROOT / "bot.py")]
CLI = [sys.executable, "-m", "kinerja_bot"]


async def test_bot_with_a_refused_token_says_so_in_one_line(tmp_path: Path) -> None:
    api = FakeBotAPI()
    async with FakeBotAPIServer(api) as server:
        env = environment(
            tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, TELEGRAM_BASE_URL=server.base_url
        )
        code, lines = await run(BOT, tmp_path, env)
    assert code != 0
    assert lines == [RUNNER_TEXTS.get("token_rejected")]
    assert WRONG_TOKEN.split(":")[1] not in "".join(lines)


def test_bot_without_telegram_says_so_in_one_line(tmp_path: Path) -> None:
    port = closed_port()
    base = f"http://127.0.0.1:{port}/bot"
    env = environment(tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, TELEGRAM_BASE_URL=base)
    code, lines = run_now(BOT, tmp_path, env)
    assert code != 0
    assert lines == [RUNNER_TEXTS.get("telegram_unreachable", alamat=f"127.0.0.1:{port}")]


async def test_cli_links_without_telegram_name_the_problem(tmp_path: Path) -> None:
    """`aktivasi` asks Telegram for the bot's name when BOT_USERNAME is not set."""
    await asyncio.to_thread(upgrade, f"sqlite:///{tmp_path / 'kinerja.db'}")
    api = FakeBotAPI()
    async with FakeBotAPIServer(api) as server:
        refused = environment(
            tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, TELEGRAM_BASE_URL=server.base_url
        )
        refused_code, refused_lines = await run([*CLI, "aktivasi"], tmp_path, refused)
    offline = environment(
        tmp_path,
        TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
    )
    offline_code, offline_lines = await run([*CLI, "aktivasi"], tmp_path, offline)
    assert refused_code != 0 and offline_code != 0
    assert refused_lines == [CLI_TEXTS.get("token_rejected")]
    assert offline_lines == [CLI_TEXTS.get("telegram_unreachable")]
    assert not (tmp_path / "kode-aktivasi.csv").exists()


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:///{tmp}/tidak-ada/kinerja.db", "postgresql://postgres@127.0.0.1:{port}/kinerja"],
    ids=["sqlite-folder-missing", "postgresql-refused"],
)
def test_cli_on_a_database_it_cannot_reach_says_so_in_one_line(
    tmp_path: Path, database_url: str
) -> None:
    url = database_url.format(tmp=tmp_path, port=closed_port())
    code, lines = run_now([*CLI, "ikm"], tmp_path, environment(tmp_path, DATABASE_URL=url))
    assert code != 0
    assert len(lines) == 1
    assert lines[0].startswith(before("db_error", detail=MARK))


def test_cli_on_an_unmigrated_database_names_the_command(tmp_path: Path) -> None:
    code, lines = run_now([*CLI, "analisis"], tmp_path, environment(tmp_path))
    assert code != 0
    assert lines == [CLI_TEXTS.get("db_not_migrated", detail="")]


@pytest.mark.parametrize(
    "command",
    [
        ["ekspor", "laporan", "--periode", "2026-Q4", "-o", "hasil.csv"],
        ["aktivasi", "-o", "hasil.pdf"],
        ["qr", "--unit", "X", "-o", "hasil.pdf"],
        ["laporan-skm", "--periode", "2026", "--unit", "X", "-o", "hasil.pdf"],
    ],
    ids=["ekspor", "aktivasi", "qr", "laporan-skm"],
)
def test_a_file_that_cannot_be_written_is_one_line_before_any_work(
    tmp_path: Path, command: list[str]
) -> None:
    upgrade(f"sqlite:///{tmp_path / 'kinerja.db'}")
    target = tmp_path / command[-1]
    target.mkdir()  # a folder where the file should go: it cannot be written
    env = environment(tmp_path, BOT_USERNAME="KinerjaTangselBot")
    code, lines = run_now([*CLI, *command[:-1], str(target)], tmp_path, env)
    assert code != 0
    assert len(lines) == 1
    assert lines[0].startswith(before("file_unwritable", file=str(target), alasan=MARK))
