"""The schema that migrations build is the schema the models describe."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from kinerja_bot.core.db import Database
from kinerja_bot.core.migrate import upgrade
from tests.conftest import ON_POSTGRES


def _differences(connection) -> list:  # type: ignore[no-untyped-def]
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


async def test_migrations_match_models(database: Database, settings) -> None:  # type: ignore[no-untyped-def]
    async with database.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await asyncio.to_thread(upgrade, settings.database_url)
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
    if ON_POSTGRES:
        # Leave the schema as the other tests expect it (created from the models).
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP TABLE alembic_version"))
