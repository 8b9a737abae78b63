"""Privasi (UU 27/2022): /privasi, /datasaya, /hapusdata, consent records and retention.

`service` works on the database (consent, export, erasure, `purge_expired_personal_data`),
`handlers` is the Telegram side, `jobs` the retention job and `kinerja-bot retensi`.
"""

from kinerja_bot.privacy.service import (
    PURPOSE_COMPLAINT_CONTACT,
    PURPOSE_SURVEY_PROFILE,
    record_consent,
)

__all__ = ["PURPOSE_COMPLAINT_CONTACT", "PURPOSE_SURVEY_PROFILE", "record_consent"]
