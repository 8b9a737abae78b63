"""Running tallies of the SKM survey, so that an IKM never has to read the answers.

Every writer of responses (the bot's survey, the paper import, the demo) stores them through
`record_response` or `add_to_tallies`, in the same transaction as the responses: per
quarter-hour of UTC, service and channel the number of respondents (`SurveyTally`), and per
unsur the sum and the number of scores (`SurveyScoreTally`). A period of local dates starts and
ends at local midnight, which is a whole quarter-hour of UTC in every time zone, so summing the
buckets of a period gives exactly the sums of its answers (responses are stored at noon of
their day, so in practice a day has one bucket per service and channel).

The tallies are aggregates without anything about a person; deleting a response (nothing does
today: responses are anonymous) would not change them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    SurveyAnswer,
    SurveyResponse,
    SurveyScoreTally,
    SurveyTally,
    id_of,
)

BUCKET_SECONDS = 15 * 60


@dataclass(frozen=True)
class Counted:
    """What the tallies need of one response."""

    service_id: int
    submitted_at: datetime
    channel: str
    scores: Mapping[str, int]


def bucket_of(moment: datetime) -> datetime:
    """The start of the quarter-hour of UTC that `moment` falls in."""
    seconds = int(moment.astimezone(UTC).timestamp())
    return datetime.fromtimestamp(seconds - seconds % BUCKET_SECONDS, UTC)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


async def add_to_tallies(
    connection: AsyncConnection | AsyncSession, responses: Iterable[Counted]
) -> None:
    """Add responses to the tallies (summed here first, then one upsert per bucket row)."""
    respondents: dict[tuple[datetime, int, str], int] = defaultdict(int)
    scores: dict[tuple[datetime, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for response in responses:
        key = (bucket_of(response.submitted_at), response.service_id, response.channel)
        respondents[key] += 1
        for unsur, score in response.scores.items():
            pair = scores[(*key, unsur)]
            pair[0] += int(score)
            pair[1] += 1
    if not respondents:
        return
    if isinstance(connection, AsyncSession):
        connection = await connection.connection()
    columns = ("bucket", "service_id", "channel")
    await _upsert(
        connection,
        _table(SurveyTally),
        columns,
        ("respondents",),
        [
            {**dict(zip(columns, key, strict=True)), "respondents": n}
            for key, n in respondents.items()
        ],
    )
    keys = (*columns, "unsur")
    await _upsert(
        connection,
        _table(SurveyScoreTally),
        keys,
        ("score_sum", "score_count"),
        [
            {**dict(zip(keys, key, strict=True)), "score_sum": total, "score_count": count}
            for key, (total, count) in scores.items()
        ],
    )


async def _upsert(
    connection: AsyncConnection,
    table: Table,
    keys: tuple[str, ...],
    added: tuple[str, ...],
    rows: list[dict[str, Any]],
) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n: concurrent writers add up."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + literal_column(f"excluded.{name}") for name in added},
    )
    await connection.execute(statement, rows)


async def record_response(
    session: AsyncSession, response: SurveyResponse, scores: Mapping[str, int]
) -> SurveyResponse:
    """Store one response, its answers keyed by unsur code, and count it in the tallies."""
    session.add(response)
    await session.flush()
    session.add_all(
        SurveyAnswer(response_id=id_of(response), unsur=code, score=int(score))
        for code, score in sorted(scores.items())
    )
    await session.flush()
    await add_to_tallies(
        session,
        [Counted(response.service_id, response.submitted_at, response.channel, scores)],
    )
    return response
