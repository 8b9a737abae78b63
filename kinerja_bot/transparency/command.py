"""`kinerja-bot web [--host H] [--port P]`: serve the public transparency site with uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.transparency.site import build_site

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def site_application(settings: Settings) -> ASGIApp:
    """The site with its own database, opened and closed with the server."""
    database = Database(settings.database_url)
    site = build_site(database, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await database.dispose()

    site.router.lifespan_context = lifespan
    return site


def web_command(settings: Settings, *, host: str, port: int) -> None:
    uvicorn.run(site_application(settings), host=host, port=port, log_level="info")
