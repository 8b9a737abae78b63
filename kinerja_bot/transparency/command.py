"""`kinerja-bot web [--host H] [--port P]`: serve the public transparency site with uvicorn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.transparency.site import build_site


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


class EmbeddedServer(uvicorn.Server):
    """uvicorn inside the bot's event loop: the bot owns the process's signals."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class EmbeddedSite:
    server: EmbeddedServer
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def start_embedded_site(database: Database, settings: Settings, port: int) -> EmbeddedSite:
    """Serve the site on WEB_HOST:port from the running event loop, sharing the bot's database
    pool; returns once it listens (raises if the port cannot be bound)."""
    config = uvicorn.Config(
        build_site(database, settings), host=settings.web_host, port=port, log_level="warning"
    )
    server = EmbeddedServer(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError(f"the transparency site did not start on port {port}")
        await asyncio.sleep(0.01)
    return EmbeddedSite(server, task)


def web_command(settings: Settings, *, host: str, port: int) -> None:
    uvicorn.run(site_application(settings), host=host, port=port, log_level="info")
