"""update_key on complaint, feedback and followupaction

The update that created the row: handled again after a kill, it finds the row instead of
adding another.

Revision ID: 0015_update_keys
Revises: 0014_delivery_content
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015_update_keys"
down_revision: str | None = "0014_delivery_content"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("complaint", "feedback", "followupaction")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("update_key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
            )
            batch_op.create_unique_constraint(f"uq_{table}_update_key", ["update_key"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_update_key", type_="unique")
            batch_op.drop_column("update_key")
