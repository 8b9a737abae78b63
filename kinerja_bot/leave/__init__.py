"""Cuti: an ASN declares days away (/cuti) so that reminders and summaries leave them be.

`service` works on the database (`on_leave` is what other features read), `handlers` is /cuti.
"""

from kinerja_bot.leave.service import on_leave

__all__ = ["on_leave"]
