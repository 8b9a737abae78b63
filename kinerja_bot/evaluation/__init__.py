"""Periodic evaluation: /nilai (atasan rate their subordinates). `service` holds the rules on
the database, `handlers` the Telegram side (`build_evaluation_handlers`); /kompetensi (the
atasan's competency scores, Format B.1.9) is `competency` and `competency_handlers`. An ASN's
own files (/evaluasi, /laporansaya) and the evaluation pack spreadsheet are in `exports`.
See docs/evaluation.md."""

from kinerja_bot.evaluation.competency import competency_scores_for
from kinerja_bot.evaluation.service import (
    NotAnEvaluationPeriod,
    assessment_date,
    evaluations_for,
    parse_evaluation_period,
    save_evaluation,
    suggestion,
    target_to_date,
)

__all__ = [
    "NotAnEvaluationPeriod",
    "assessment_date",
    "competency_scores_for",
    "evaluations_for",
    "parse_evaluation_period",
    "save_evaluation",
    "suggestion",
    "target_to_date",
]
