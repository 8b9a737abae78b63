"""Survei Kepuasan Masyarakat: the survey journey, IKM reports and QR codes for the counters.

`service` and `ikm` work on the database, `handlers` is the Telegram conversation (/survei,
/start layanan-KODE), `reports` the IKM report of /ikm and `kinerja-bot ikm`, `qr` the QR
codes of `kinerja-bot qr`.
"""

from kinerja_bot.survey.qr import survey_link
from kinerja_bot.survey.texts import PROFILE_COLUMNS, profile_questions

__all__ = ["PROFILE_COLUMNS", "profile_questions", "survey_link"]
