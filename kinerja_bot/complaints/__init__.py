"""Pengaduan: complaint tickets with deadlines in working days, their follow-up, unit roles.

`service` holds the rules on the database (numbers, statuses, `close_stale_tickets`,
`overdue_tickets`), `filing` files a ticket and notifies the unit (used by the survey too),
`direct` the `/adu` conversation (a complaint without the survey), `closing` tells the citizen
a ticket is closed (with the reopen button), `handlers` the Telegram side (/tiket, answering,
the citizen's reply and reopening), `escalation` and `jobs` the scheduled work, `roles` the
`kinerja-bot peran` command.
"""

from kinerja_bot.complaints.direct import START_BUTTON as DIRECT_COMPLAINT_BUTTON
from kinerja_bot.complaints.filing import (
    consent_version,
    contact_consent_view,
    file_ticket,
    low_score_note,
    ticket_filed_text,
)
from kinerja_bot.complaints.service import COMPLAINT_MAX_CHARS, OverdueTicket, overdue_tickets

__all__ = [
    "COMPLAINT_MAX_CHARS",
    "DIRECT_COMPLAINT_BUTTON",
    "OverdueTicket",
    "consent_version",
    "contact_consent_view",
    "file_ticket",
    "low_score_note",
    "overdue_tickets",
    "ticket_filed_text",
]
