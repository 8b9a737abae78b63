"""Running tallies of the SKM survey (per quarter-hour, service, channel and unsur), backfilled

Revision ID: 0010_ikm_daily_tally
Revises: 0009_leave_kind
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kinerja_bot.core.models

revision: str = "0010_ikm_daily_tally"
down_revision: str | None = "0009_leave_kind"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The quarter-hour of UTC a response falls in, as `core.survey_tally.bucket_of` computes it;
# on SQLite in the text form SQLAlchemy stores datetimes in, so that comparisons still work.
BUCKET = {
    "postgresql": "to_timestamp(floor(extract(epoch from r.submitted_at) / 900) * 900)",
    "sqlite": "strftime('%Y-%m-%d %H:', r.submitted_at)"
    " || printf('%02d', CAST(strftime('%M', r.submitted_at) AS INTEGER) / 15 * 15)"
    " || ':' || '00.000000'",
}


def upgrade() -> None:
    op.create_table(
        "surveytally",
        sa.Column("bucket", kinerja_bot.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_surveytally_service_id_service")
        ),
        sa.PrimaryKeyConstraint("bucket", "service_id", "channel", name=op.f("pk_surveytally")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "surveyscoretally",
        sa.Column("bucket", kinerja_bot.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("unsur", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("score_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_surveyscoretally_service_id_service")
        ),
        sa.PrimaryKeyConstraint(
            "bucket", "service_id", "channel", "unsur", name=op.f("pk_surveyscoretally")
        ),
        sqlite_with_rowid=False,
    )
    bucket = BUCKET[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO surveytally (bucket, service_id, channel, respondents) "
        f"SELECT {bucket}, r.service_id, r.channel, count(*) FROM surveyresponse r "
        "GROUP BY 1, 2, 3"
    )
    op.execute(
        "INSERT INTO surveyscoretally "
        "(bucket, service_id, channel, unsur, score_sum, score_count) "
        f"SELECT {bucket}, r.service_id, r.channel, a.unsur, sum(a.score), count(a.score) "
        "FROM surveyanswer a JOIN surveyresponse r ON r.id = a.response_id "
        "GROUP BY 1, 2, 3, 4"
    )


def downgrade() -> None:
    op.drop_table("surveyscoretally")
    op.drop_table("surveytally")
