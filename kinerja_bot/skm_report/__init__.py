"""Laporan Hasil SKM: the printable report of a unit's survey in a period, following the
KemenPANRB template (BAB I–V, lampiran, signature block) — `kinerja-bot laporan-skm`.

`content` gathers the figures from the database, `pdf` lays them out with reportlab (text as
text, the chart as vector graphics), `command` is the CLI.
"""
