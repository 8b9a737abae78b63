"""Lapor kemajuan: an ASN reports progress on their indicators (/lapor), corrects a sent report,
and sees where they stand (/kinerja).

`progress` sums reports into achievement, `service` holds the rules on the database,
`handlers` the /lapor and correction conversations, `overview` the /kinerja pages,
`presentation` the one way a report and its progress are worded everywhere.
"""

from kinerja_bot.reporting.presentation import (
    describe,
    describe_evidence,
    describe_note,
    evidence_in_words,
    feedback_in_words,
)
from kinerja_bot.reporting.progress import (
    IndicatorProgress,
    indicator_progress,
    indicator_progress_on_days,
)

__all__ = [
    "IndicatorProgress",
    "describe",
    "describe_evidence",
    "describe_note",
    "evidence_in_words",
    "feedback_in_words",
    "indicator_progress",
    "indicator_progress_on_days",
]
