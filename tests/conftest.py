"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from kinerja_bot import models  # noqa: F401  (registers the tables)
from kinerja_bot.config import Settings, load_settings
from kinerja_bot.db import Database

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")
_postgres_schema_ready = False


def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'test.db'}"


async def _fresh_schema(database: Database) -> None:
    global _postgres_schema_ready
    async with database.engine.begin() as connection:
        if ON_POSTGRES and _postgres_schema_ready:
            tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            await connection.run_sync(SQLModel.metadata.drop_all)
            await connection.run_sync(SQLModel.metadata.create_all)
            _postgres_schema_ready = ON_POSTGRES


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests: never read the developer's .env."""
    return load_settings(
        _env_file=None,
        database_url=database_url(tmp_path),
        telegram_bot_token="123456:TEST-TOKEN",
        admin_telegram_ids="900001",
        bot_username="KinerjaTangselBot",
    )


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    """An empty database with the current schema."""
    database = Database(settings.database_url)
    await _fresh_schema(database)
    try:
        yield database
    finally:
        await database.dispose()
