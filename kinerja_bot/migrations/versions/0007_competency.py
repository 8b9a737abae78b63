"""The atasan's competency evaluation (PermenPANRB 6/2022, Format B.1.9)

Revision ID: 0007_competency
Revises: 0006_development
Create Date: 2026-11-30 06:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kinerja_bot.core.models

revision: str = "0007_competency"
down_revision: str | None = "0006_development"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "competencyassessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kompetensi", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", kinerja_bot.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["employee.id"],
            name=op.f("fk_competencyassessment_decided_by_id_employee"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_competencyassessment_employee_id_employee"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competencyassessment")),
        sa.UniqueConstraint(
            "employee_id", "period", "kompetensi", name=op.f("uq_competencyassessment_employee_id")
        ),
    )
    with op.batch_alter_table("competencyassessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competencyassessment_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_competencyassessment_period"), ["period"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("competencyassessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competencyassessment_period"))
        batch_op.drop_index(batch_op.f("ix_competencyassessment_employee_id"))
    op.drop_table("competencyassessment")
