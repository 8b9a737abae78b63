"""Kinerja Bot: performance management of ASN and citizen satisfaction, as a Telegram bot."""

__version__ = "0.1.0"
