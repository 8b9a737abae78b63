"""WEB_PORT: the bot process serves the public site too, from its own event loop."""

from __future__ import annotations

import socket

import httpx

from kinerja_bot.app import SITE_KEY, build_application, start_public_site
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.transparency.site import TEXTS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_bot_serves_the_site_when_web_port_is_set(
    settings: Settings, database: Database
) -> None:
    quiet = build_application(settings, database=database)
    await start_public_site(quiet)
    assert SITE_KEY not in quiet.bot_data

    port = free_port()
    application = build_application(
        settings.model_copy(update={"web_port": port}), database=database
    )
    await start_public_site(application)
    site = application.bot_data.pop(SITE_KEY)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/")
        assert response.status_code == 200
        assert TEXTS.get("judul_situs") in response.text
    finally:
        await site.stop()
