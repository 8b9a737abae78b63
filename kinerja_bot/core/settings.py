"""Settings from the environment and `.env` (DESIGN.md §4), validated into one clear message."""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AnyHttpUrl,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from kinerja_bot.core.db import Timeouts
from kinerja_bot.core.timetable import Schedule, parse_time, parse_weekly

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _weekly(value: object) -> object:
    return parse_weekly(value) if isinstance(value, str) else value


def _time_of_day(value: object) -> object:
    return parse_time(value) if isinstance(value, str) else value


# Schedules are read once, here: the rest of the bot gets them parsed. NoDecode: the text is
# ours to read, not JSON (pydantic-settings would try JSON for a structured type).
WeeklySchedule = Annotated[Schedule, NoDecode, BeforeValidator(_weekly)]
TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]


class ConfigError(Exception):
    """A setting has a value the bot cannot use; the message names the variable."""


class Settings(BaseSettings):
    """Every environment variable of the bot; the names are the contract of DESIGN.md §4."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_BASE_URL)
    database_url: str = "sqlite:///kinerja_bot.db"
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # Loopback: the reverse proxy of deploy/ is the only way in (0.0.0.0 inside a container).
    webhook_listen: str = Field(default="127.0.0.1", min_length=1)
    admin_telegram_ids: Annotated[tuple[int, ...], NoDecode] = ()
    tz_name: str = "Asia/Jakarta"
    # Extras (documented in .env.example): the bot's @username for t.me links, and code lifetime.
    bot_username: str | None = None
    activation_code_days: int = Field(default=14, ge=1, le=365)
    # Citizens (survey, complaints, privacy, flood control; see docs/citizens.md).
    survey_daily_limit: int = Field(default=1, ge=1, le=50)
    respondent_hash_secret: SecretStr | None = None
    personal_data_retention_days: int = Field(default=90, ge=1, le=3650)
    user_message_limit: int = Field(default=60, ge=1, le=10000)
    user_message_window_seconds: int = Field(default=30, ge=1, le=3600)
    # Seconds the bot waits for the database before asking the user to try again (see db.py):
    # a pool wait plus one statement stays under 5 s.
    database_connect_timeout: float = Field(default=2, gt=0, le=60)
    database_statement_timeout: float = Field(default=2, gt=0, le=600)
    database_pool_timeout: float = Field(default=2, gt=0, le=60)

    # Schedules in TZ_NAME time (see docs/scheduling.md): weekly slots or a time of day.
    schedule_reminders: WeeklySchedule = parse_weekly("kamis 09:00, jumat 14:00")
    schedule_summary: WeeklySchedule = parse_weekly("jumat 16:00")
    schedule_escalation: TimeOfDay = time(8, 0)
    schedule_ikm_digest: TimeOfDay = time(8, 0)
    schedule_analysis: TimeOfDay = time(8, 0)
    # Competency development: course-start and waiting-enrolment reminders (working days), the
    # monthly nudge under 20 JP (first working day of the month, from July).
    schedule_development: TimeOfDay = time(8, 0)
    schedule_rtl_reminders: WeeklySchedule = parse_weekly("senin 08:00")
    snooze_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # The public transparency site served by the bot process too (docs/transparency.md).
    web_port: int | None = Field(default=None, ge=1, le=65535)
    web_host: str = "127.0.0.1"

    @field_validator(
        "telegram_bot_token",
        "webhook_secret",
        "webhook_url",
        "respondent_hash_secret",
        "web_port",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"'{part}' bukan id Telegram (harus angka)")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("tz_name")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"zona waktu '{value}' tidak dikenal (contoh: Asia/Jakarta)") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("gunakan sqlite:///FILE atau postgresql://USER@HOST/DB")
        return value

    @field_validator("bot_username")
    @classmethod
    def _strip_at(cls, value: str | None) -> str | None:
        return value.lstrip("@") if value else None

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("hanya huruf, angka, _ dan -, 1–256 karakter (aturan Telegram)")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET wajib diisi jika WEBHOOK_URL diisi")
        return self

    @property
    def database_timeouts(self) -> Timeouts:
        return Timeouts(
            connect=self.database_connect_timeout,
            statement=self.database_statement_timeout,
            pool=self.database_pool_timeout,
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def base_url(self) -> str:
        return str(self.telegram_base_url).rstrip("/")

    @property
    def base_file_url(self) -> str:
        """The file URL that matches the API URL: `.../bot` becomes `.../file/bot`."""
        base = self.base_url
        if base.endswith("/bot"):
            return base[: -len("bot")] + "file/bot"
        return base + "/file/bot"

    def is_admin(self, telegram_id: int) -> bool:
        return telegram_id in self.admin_telegram_ids


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    reason = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:  # a rule across variables names them in its own message
        return f"Konfigurasi salah: {reason}"
    return f"Konfigurasi salah: {str(first['loc'][0]).upper()}: {reason}"


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning a validation error into a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use (never at import time)."""
    return load_settings()
