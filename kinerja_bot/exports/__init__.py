"""Exports to .xlsx and .csv (`kinerja-bot ekspor …`) and the evaluation pack.
See docs/evaluation.md."""
