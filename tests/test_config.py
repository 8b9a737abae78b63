"""Configuration: the contract's variables, and one clear line for each bad value."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from kinerja_bot.core.settings import ConfigError, load_settings


def settings_from(monkeypatch: pytest.MonkeyPatch, **env: str):  # type: ignore[no-untyped-def]
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "DATABASE_URL",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_PORT",
        "WEBHOOK_LISTEN",
        "ADMIN_TELEGRAM_IDS",
        "TZ_NAME",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from(monkeypatch)
    assert settings.telegram_bot_token is None
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite:///kinerja_bot.db"
    assert settings.webhook_url is None
    assert settings.webhook_listen == "127.0.0.1"  # behind the reverse proxy only
    assert settings.tz_name == "Asia/Jakarta"
    assert settings.admin_telegram_ids == ()


def test_every_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from(
        monkeypatch,
        TELEGRAM_BOT_TOKEN="123:ABC",
        TELEGRAM_BASE_URL="http://127.0.0.1:8081/bot",
        DATABASE_URL="postgresql://kinerja@db:5432/kinerja",
        WEBHOOK_URL="https://bot.tangerangselatankota.go.id/telegram/hook",
        WEBHOOK_SECRET="s3cret_token-1",
        WEBHOOK_PORT="9000",
        WEBHOOK_LISTEN="0.0.0.0",
        ADMIN_TELEGRAM_IDS="111, 222,333",
        TZ_NAME="Asia/Makassar",
    )
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:ABC"
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.database_url.startswith("postgresql://")
    assert str(settings.webhook_url).endswith("/telegram/hook")
    assert settings.webhook_port == 9000
    assert settings.webhook_listen == "0.0.0.0"
    assert settings.admin_telegram_ids == (111, 222, 333)
    assert settings.is_admin(222) and not settings.is_admin(444)
    assert str(settings.tz) == "Asia/Makassar"


def test_schedules_are_read_from_the_environment_already_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_from(
        monkeypatch,
        SCHEDULE_REMINDERS="rabu 09:00, jumat 14:30",
        SCHEDULE_SUMMARY="jumat 16:00",
        SCHEDULE_RTL_REMINDERS="senin 08:00",
        SCHEDULE_ESCALATION="07:30",
    )
    assert settings.schedule_reminders.slots == ((2, time(9, 0)), (4, time(14, 30)))
    assert settings.schedule_rtl_reminders.slots == ((0, time(8, 0)),)
    assert settings.schedule_escalation == time(7, 30)


def test_the_example_env_file_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """What an operator copies to .env starts the bot (every schedule in it is readable)."""
    example = Path(__file__).resolve().parents[1] / ".env.example"
    settings = load_settings(_env_file=example, telegram_bot_token="123:ABC")
    assert settings.schedule_summary.slots == ((4, time(16, 0)),)


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ADMIN_TELEGRAM_IDS", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_TELEGRAM_IDS=42\n")
    assert load_settings(_env_file=env_file).admin_telegram_ids == (42,)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TELEGRAM_BASE_URL", "not a url", "TELEGRAM_BASE_URL"),
        ("TZ_NAME", "Asia/Bandung", "zona waktu 'Asia/Bandung' tidak dikenal"),
        ("ADMIN_TELEGRAM_IDS", "123,abc", "'abc' bukan id Telegram"),
        ("WEBHOOK_PORT", "seventy", "WEBHOOK_PORT"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL"),
        ("WEBHOOK_URL", "https://example.org/hook", "WEBHOOK_SECRET wajib diisi"),
        ("SCHEDULE_REMINDERS", "kamis 9 pagi", "SCHEDULE_REMINDERS"),
        ("SCHEDULE_ANALYSIS", "25:00", "SCHEDULE_ANALYSIS"),
    ],
)
def test_bad_value_gives_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from(monkeypatch, **{variable: value})
    message = str(caught.value)
    assert message.startswith("Konfigurasi salah:")
    assert expected in message
    assert "\n" not in message
    assert "Traceback" not in message


def test_webhook_secret_must_follow_telegram_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        settings_from(monkeypatch, WEBHOOK_URL="https://x.org/h", WEBHOOK_SECRET="has space")
