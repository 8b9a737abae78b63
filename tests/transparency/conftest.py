"""The citizen fixtures of tests/survey/conftest.py, shared here."""

from tests.survey.conftest import city  # noqa: F401  (a fixture, used by name)
