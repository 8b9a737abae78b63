"""leave kind: cuti tahunan, sakit, dinas luar, lainnya (issue 11, item 4)

Revision ID: 0009_leave_kind
Revises: 0008_unit_short_name
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009_leave_kind"
down_revision: str | None = "0008_unit_short_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                server_default="lainnya",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.drop_column("kind")
