"""Exports to .xlsx and .csv (`kinerja-bot ekspor …`), the evaluation pack, and an ASN's own
files in chat (/evaluasi, /laporansaya: `handlers`). See docs/evaluation.md."""
