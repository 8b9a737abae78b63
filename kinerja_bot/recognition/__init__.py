"""Apresiasi: an atasan or unit head thanks a person for a report or a week.

See docs/development.md.
"""
