"""Ringkasan: the weekly summary to every atasan (text and chart), the monthly IKM digest to
unit heads, complaint escalation, and the quarterly needs analysis delivery."""
