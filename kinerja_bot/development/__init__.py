"""Pengembangan kompetensi: the training catalog, /pengembangan (JP against 20, enrolment, the
atasan's decision, completion with a certificate), its reminders and its export. See
docs/development.md.

`rules` holds the JP rules and `matching` the need-to-offer matching (both pure), `service`
the rules on the database, `handlers` the /pengembangan journey, `texts` its text book.

Declared services (read by other features): the open catalog and the matching, with the one
way a match is explained, for the needs analysis; the year per person (`akpk`) for the export;
the JP totals and their bar for the weekly summary and the /tim person page.
"""

from kinerja_bot.development.akpk import (
    Activity,
    PersonYear,
    competency_gaps,
    development_by_person,
)
from kinerja_bot.development.matching import CatalogOffer, Match, NeedSignal, rank
from kinerja_bot.development.rules import (
    JP_PER_YEAR,
    format_jp,
    jp_bar,
    meets_target,
    nudge_season,
)
from kinerja_bot.development.service import DEVELOPMENT_REQUESTS, jp_totals, open_catalog
from kinerja_bot.development.texts import reason_of

__all__ = [
    "DEVELOPMENT_REQUESTS",
    "JP_PER_YEAR",
    "Activity",
    "CatalogOffer",
    "Match",
    "NeedSignal",
    "PersonYear",
    "competency_gaps",
    "development_by_person",
    "format_jp",
    "jp_bar",
    "jp_totals",
    "meets_target",
    "nudge_season",
    "open_catalog",
    "rank",
    "reason_of",
]
