"""Aktivasi: linking a Telegram account to an employee's NIP with a one-time code.

`service` holds the rules on the database, `handlers` the Telegram side (/start aktivasi-KODE,
/daftar), `issuing` the admin CLI that hands out codes.
"""

from kinerja_bot.activation.handlers import build_activation_handlers
from kinerja_bot.activation.issuing import activation_command

__all__ = ["activation_command", "build_activation_handlers"]
