"""Killing bot.py while it handles an update: after a restart the update is handled, once.

PTB confirms a batch of updates (the next poll's offset) before handling it; without the inbox
an update fetched but unfinished at a SIGKILL is gone: Telegram will not send it again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import InboxUpdate
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.protocol import Reply, Upload
from kinerja_bot.testing.transports import FakeBotAPIServer

ROOT = Path(__file__).resolve().parents[2]
USER = 4545


class StallingAPI(FakeBotAPI):
    """Holds every sendMessage while `stalling`: the bot is in the middle of a handler."""

    def __init__(self) -> None:
        super().__init__()
        self.stalling = True
        self.stalled = 0

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Upload] | None = None,
    ) -> Reply:
        if self.stalling and self.spec.canonical(method) == "sendMessage":
            self.stalled += 1
            self._notify()
            await asyncio.Event().wait()  # never answered: the process is killed meanwhile
        return await super().call(method, params, files)


async def start_bot(server: FakeBotAPIServer, url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": server.api.token,
        "TELEGRAM_BASE_URL": server.base_url,
        "DATABASE_URL": url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def help_texts(api: FakeBotAPI) -> int:
    """The answers to /bantuan the user got (the user sends nothing else)."""
    return len(api.sent_to(USER))


async def test_an_update_fetched_and_unfinished_at_a_kill_is_handled_once_after_restart(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    api = StallingAPI()
    api.user(USER, "Rudi")
    async with FakeBotAPIServer(api) as server:
        first = await start_bot(server, url, tmp_path)
        try:
            await api.wait_until(lambda: api.my_commands(), timeout=60)
            api.send_text(USER, "/bantuan")
            asked = api.pending_updates[-1]
            # Fetched, confirmed to Telegram (the next poll's offset is past it), and being
            # answered when the process dies.
            await api.wait_until(lambda: api.stalled and not api.pending_updates, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert help_texts(api) == 0

        api.stalling = False
        second = await start_bot(server, url, tmp_path)
        try:
            await api.wait_until(lambda: help_texts(api) == 1, timeout=60)
            # The same update sent again (Telegram did not hear the confirmation) is not
            # handled again; the next one is.
            api.push_update(asked)
            api.send_text(USER, "/bantuan")
            await api.wait_until(lambda: help_texts(api) == 2, timeout=60)
        finally:
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), timeout=60) == 0

    first_answer, second_answer = api.sent_to(USER)
    assert first_answer.plain_text == second_answer.plain_text
    assert "/bantuan" in first_answer.plain_text
    database = Database(url)
    try:
        async with database.session() as session:
            rows = (await session.exec(select(InboxUpdate))).all()
    finally:
        await database.dispose()
    assert {row.update_id: row.done_at is not None for row in rows} == {
        asked["update_id"]: True,
        api.last_update_id: True,
    }
    assert all(row.data is None for row in rows)  # a handled update keeps only its id
