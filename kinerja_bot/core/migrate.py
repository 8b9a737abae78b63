"""Schema migrations (Alembic), callable from the CLI, the bot's start and tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> list[str]:
    """Bring the database to `revision` (blocking: call it off the event loop). Returns the
    revisions applied, oldest first ("0007_competency <message>"), empty when already there."""
    config = alembic_config(database_url)
    command.upgrade(config, revision)
    return list(config.attributes.get("applied", []))
