"""The update inbox: updates stored before Telegram is told they arrived

Revision ID: 0011_update_inbox
Revises: 0010_ikm_daily_tally
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kinerja_bot.core.models

revision: str = "0011_update_inbox"
down_revision: str | None = "0010_ikm_daily_tally"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inboxupdate",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column(
            "received_at", kinerja_bot.core.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("done_at", kinerja_bot.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inboxupdate")),
    )
    with op.batch_alter_table("inboxupdate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inboxupdate_done_at"), ["done_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inboxupdate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inboxupdate_done_at"))
    op.drop_table("inboxupdate")
