"""Settings from the environment and an optional .env file.

A missing or malformed setting stops start-up with one clear line (see ``load_settings``), never a
traceback: the operator reading it is not necessarily a Python developer.
"""

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.helpline import DEFAULT_HOURS, StaffHours, parse_hours
from domain.problems import Problem

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = PROJECT_ROOT / "locales"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'baoming.sqlite3'}"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, description="Telegram bot token; empty = sandbox")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, description="SQLAlchemy async URL")
    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR, description="Where the bot keeps its files (uploads under files/)"
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    # The help line (issue 8); None: no hand-off in chat, /help's phone numbers instead.
    helpline_chat_id: int | None = Field(
        default=None, description="Telegram id of the help-line staff group (a negative number)"
    )
    helpline_hours: str = Field(
        default=DEFAULT_HOURS,
        description="When help-line staff answer, Beijing time, e.g. Mon-Fri 08:30-12:00,14:30-17:30",
    )
    telegram_api_url: str | None = Field(
        default=None, description="Base URL of a self-hosted Bot API server (default: api.telegram.org)"
    )
    sms_sender: str = Field(
        default="sandbox",
        description="sandbox (codes kept in the sandbox inbox) or module:Class of a provider",
    )
    education_verifier: str = Field(
        default="imported-records",
        description="验证学籍/学历: imported-records (baoming records import) or module:Class of another",
    )
    payment_provider_token: SecretStr | None = Field(
        default=None,
        description="Telegram Payments provider token (@BotFather → Payments); the sandbox uses a test one",
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for activation and recovery mail")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port")
    smtp_security: str = Field(default="starttls", description="none, starttls or tls")
    smtp_username: str | None = Field(default=None, description="SMTP log-in, if the server wants one")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    smtp_from: str = Field(default="noreply@baoming.invalid", description="Sender address of the bot's mail")
    housekeeping_interval: float = Field(
        default=600, gt=0, description="Seconds between clean-ups of accounts never activated"
    )
    # The outbox sender (bot/notifier.py); Telegram allows about 30 messages/s overall and 1/s per
    # chat (AIOGRAM-NOTES.md §3): the defaults leave headroom.
    notifier_rate: float = Field(default=25.0, gt=0, description="Messages per second, all chats together")
    notifier_chat_interval: float = Field(
        default=1.0, ge=0, description="Seconds between two messages to one chat"
    )
    notifier_in_flight: int = Field(
        default=50, ge=1, le=1000, description="Messages claimed and in flight at once (network latency)"
    )
    notifier_max_attempts: int = Field(
        default=5, ge=1, description="Sends tried on server and network errors before a message fails"
    )
    notifier_retry_delay: float = Field(
        default=5.0, gt=0, description="Seconds before the first retry; doubled for every next one"
    )
    notifier_poll_interval: float = Field(
        default=2.0, gt=0, description="Seconds between looks for messages that fell due"
    )
    sandbox_host: str = Field(default="127.0.0.1", description="Where the sandbox emulator listens")
    sandbox_port: int = Field(default=0, ge=0, le=65535, description="Emulator port; 0 = any free port")
    sandbox_clock: str | None = Field(
        default=None, description="Sandbox start time, e.g. 2027-04-16T09:00 (Beijing time)"
    )

    @property
    def files_dir(self) -> Path:
        """The root of the uploaded files' store (bot/files.py)."""
        return self.data_dir / "files"

    @property
    def staff_hours(self) -> StaffHours:
        hours = parse_hours(self.helpline_hours)
        assert isinstance(hours, StaffHours)  # checked when the settings were read
        return hours

    @field_validator("helpline_hours")
    @classmethod
    def _hours_shape(cls, value: str) -> str:
        if isinstance(parse_hours(value), Problem):
            raise ValueError("expected e.g. Mon-Fri 08:30-12:00,14:30-17:30 (Beijing time)")
        return value

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_token_means_sandbox(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or len(secret) < 10:
                raise ValueError("expected the form 123456789:AAE... given by @BotFather")
        return value

    @field_validator("payment_provider_token", mode="before")
    @classmethod
    def _empty_payment_token_means_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("education_verifier")
    @classmethod
    def _verifier_shape(cls, value: str) -> str:
        module, separator, name = value.partition(":")
        if value != "imported-records" and not (separator and module and name.isidentifier()):
            raise ValueError("expected imported-records or module:Class")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("smtp_security")
    @classmethod
    def _known_security(cls, value: str) -> str:
        if value not in {"none", "starttls", "tls"}:
            raise ValueError("expected none, starttls or tls")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///PATH or postgresql+asyncpg://...")
        return value


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation error into one ConfigError line per the first bad field."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"configuration error: {name}: {reason}") from None


def unopenable_database(error: Exception) -> ConfigError:
    """The one line for a database that cannot be opened or migrated (a path, a permission, a server)."""
    reason = str(getattr(error, "orig", None) or error)
    return ConfigError(f"configuration error: DATABASE_URL: cannot open the database ({reason})")
