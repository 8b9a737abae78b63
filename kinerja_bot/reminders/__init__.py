"""Pengingat: reminding linked ASN who have not reported this week (at most twice a week,
never on weekends, holidays or their leave), snoozing a reminder, and declaring leave (/cuti).

`service` holds the queries, `jobs` the scheduled runs, `handlers` the buttons and /cuti.
"""
