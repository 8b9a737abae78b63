"""Alembic environment: runs migrations through the bot's async engine (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.migration import MigrationInfo
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from kinerja_bot.core import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from kinerja_bot.core.db import create_engine

target_metadata = SQLModel.metadata


def _record(ctx: Any, step: MigrationInfo, heads: Any, run_args: Any) -> None:
    """Note each applied revision in the config, so `db upgrade` can say what it did."""
    if step.is_upgrade:
        revision = step.up_revision
        context.config.attributes.setdefault("applied", []).append(
            f"{revision.revision}: {revision.doc}" if revision.doc else revision.revision
        )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        on_version_apply=_record,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


url = context.config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("sqlalchemy.url is not set; use `kinerja-bot db upgrade`")
if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online(url))
