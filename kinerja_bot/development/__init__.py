"""Pengembangan kompetensi: the training catalog, /pengembangan (JP against 20, enrolment, the
atasan's decision, completion with a certificate), its reminders and its export. See
docs/development.md.

`rules` holds the JP rules (pure).
"""
