"""Scheduled work: when jobs run (`timetable`), delivering their messages exactly once within
Telegram's limits (`delivery`), the jobs registered in PTB's JobQueue (`registry`), and the
admin CLI to run or list them (`commands`)."""
