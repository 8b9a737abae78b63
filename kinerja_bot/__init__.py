"""Kinerja Bot: performance management of ASN and citizen satisfaction, as a Telegram bot."""

__version__ = "0.1.0"

import os

# Opt in to PTB's future API now: RetryAfter.retry_after is a timedelta (the int form is
# deprecated and warns on every 429).
os.environ.setdefault("PTB_TIMEDELTA", "1")
