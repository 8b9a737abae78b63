"""Ringkasan: the weekly summary to every atasan (text and chart): who reported, achievement,
lagging indicators, obstacles and support, the unit's IKM, open complaints. `weekly` builds and
sends it, `jobs` gives it its place in the timetable."""
