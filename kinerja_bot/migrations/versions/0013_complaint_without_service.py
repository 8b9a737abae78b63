"""A complaint without a service ("lainnya" in /adu): complaint.service_id nullable

Revision ID: 0013_complaint_without_service
Revises: 0012_complaint_photo
Create Date: 2026-12-07 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_complaint_without_service"
down_revision: str | None = "0012_complaint_photo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.alter_column("service_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A ticket filed under "lainnya" has no service to fall back to; dropping citizens'
    # complaints silently would be worse than refusing, so the downgrade says what to do.
    bind = op.get_bind()
    without = bind.execute(
        sa.text("SELECT count(*) FROM complaint WHERE service_id IS NULL")
    ).scalar_one()
    if without:
        raise RuntimeError(
            f"{without} complaint(s) have no service ('lainnya'); give them a service "
            "(UPDATE complaint SET service_id = …) before downgrading"
        )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.alter_column("service_id", existing_type=sa.Integer(), nullable=False)
