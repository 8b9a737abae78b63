"""Periodic evaluation: /nilai (atasan rate their subordinates), /evaluasi and /laporansaya
(an ASN's own files). `service` holds the rules on the database, `handlers` the Telegram side
(`build_evaluation_handlers`). See docs/evaluation.md."""
