"""Settings: a missing or malformed one stops start-up with one line naming it, never a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, Settings, load_settings

VARIABLES = set(Settings.model_fields)  # pydantic-settings reads them in any case
GOOD_TOKEN = "123456789:" + "A" * 35  # the shape of a real token, built so no scanner mistakes it for one


def without_our_variables(environ: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in environ.items() if name.lower() not in VARIABLES}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable of the developer's shell and no .env of the repository leaks into a test."""
    for name in os.environ.keys() - without_our_variables(dict(os.environ)).keys():
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def config_error(**environment: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        with pytest.raises(ConfigError) as caught:
            load_settings()
    return str(caught.value)


def test_without_any_setting_the_defaults_start_the_sandbox():
    settings = load_settings()

    assert settings.bot_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.log_level == "INFO"
    assert settings.sms_sender == "sandbox"
    assert (settings.sandbox_host, settings.sandbox_port) == ("127.0.0.1", 0)
    assert settings.helpline_chat_id is None


def test_an_empty_bot_token_means_the_sandbox(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", "")

    assert load_settings().bot_token is None


def test_a_well_formed_bot_token_is_kept_secret(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", GOOD_TOKEN)
    settings = load_settings()

    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == GOOD_TOKEN
    assert GOOD_TOKEN not in repr(settings)


def test_a_log_level_in_lower_case_is_understood(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")

    assert load_settings().log_level == "DEBUG"


def test_a_dotenv_file_in_the_working_directory_is_read(tmp_path):
    (tmp_path / ".env").write_text("LOG_LEVEL=WARNING\n", encoding="utf-8")

    assert load_settings().log_level == "WARNING"


@pytest.mark.parametrize("token", ["garbage", "987654321", "abc:AAEhBP0av28hTWh8ZnLL", "987654321:short"])
def test_a_malformed_bot_token_is_named_in_one_line_without_its_value(token):
    message = config_error(BOT_TOKEN=token)

    assert message.startswith("configuration error: BOT_TOKEN: ")
    assert "\n" not in message
    assert token not in message


def test_an_unknown_log_level_is_named_with_the_levels_accepted():
    message = config_error(LOG_LEVEL="verbose")

    assert message == "configuration error: LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR"


@pytest.mark.parametrize(
    "url", ["sqlite:///data/baoming.sqlite3", "postgresql://baoming:s3cret-pw@db.internal/baoming"]
)
def test_a_database_url_without_an_async_driver_is_named_without_its_password(url):
    message = config_error(DATABASE_URL=url)

    assert message.startswith("configuration error: DATABASE_URL: expected sqlite+aiosqlite")
    assert "\n" not in message
    assert "s3cret-pw" not in message


@pytest.mark.parametrize(
    ("variable", "value"), [("HELPLINE_CHAT_ID", "the-staff-group"), ("SANDBOX_PORT", "70000")]
)
def test_any_other_malformed_setting_is_named_in_one_line(variable, value):
    message = config_error(**{variable: value})

    assert message.startswith(f"configuration error: {variable}: ")
    assert "\n" not in message


def test_the_command_stops_on_a_malformed_token_with_one_line_and_no_traceback(tmp_path):
    environment = without_our_variables(dict(os.environ)) | {"BOT_TOKEN": "garbage"}

    finished = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "configuration error: BOT_TOKEN: expected the form 123456789:AAE... given by @BotFather"
    ]
    assert "Traceback" not in finished.stderr + finished.stdout
