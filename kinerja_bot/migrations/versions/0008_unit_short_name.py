"""A unit's short name as residents know it (singkatan, e.g. "Disdukcapil")

Revision ID: 0008_unit_short_name
Revises: 0007_competency
Create Date: 2026-11-30 07:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_unit_short_name"
down_revision: str | None = "0007_competency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit") as batch:
        batch.add_column(
            sa.Column("singkatan", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("singkatan")
