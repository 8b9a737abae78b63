"""Pengaduan: complaint tickets with deadlines in working days, their follow-up, unit roles.

`service` holds the rules on the database (numbers, statuses, `close_stale_tickets`,
`overdue_tickets`), `handlers` the Telegram side (/tiket, answering, the citizen's reply),
`jobs` the auto-close job, `roles` the `kinerja-bot peran` command.
"""
