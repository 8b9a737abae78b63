"""The benchmarks' PostgreSQL database (BENCH_DATABASE_URL): emptied before each use."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from kinerja_bot.core.db import Database


def wipe(url: str) -> None:
    """Drop everything in the database's public schema: the benchmarks own it."""

    async def drop() -> None:
        database = Database(url)
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await database.dispose()

    asyncio.run(drop())
