"""The applicant's language: the Telegram client's by default, the one chosen with /language after."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.middlewares import locale_from_client
from domain.accounts import SUPPORTED_LOCALES, choose_locale, choose_reminders, identify
from domain.model import Channel
from tests.fakes import FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    "code", ["zh-CN", "zh-cn", "zh-hans", "zh-Hans", "zh-Hans-CN", "zh_CN", "zh", "zh-SG"]
)
def test_a_simplified_chinese_client_gets_simplified_chinese(code):
    assert locale_from_client(code) == "zh_Hans"


@pytest.mark.parametrize("code", ["zh-TW", "zh-HK", "zh-MO", "zh-hant", "zh-Hant-TW", "zh_TW"])
def test_a_traditional_chinese_client_gets_traditional_chinese(code):
    assert locale_from_client(code) == "zh_Hant"


@pytest.mark.parametrize("code", ["en", "en-US", "ru", "ja", "", None])
def test_any_other_client_gets_english(code):
    assert locale_from_client(code) == "en"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
async def user_id(uow: FakeUnitOfWork) -> int:
    user = await identify(uow, FixedClock(NOW), Channel.TELEGRAM, "1001")
    assert user.id is not None
    return user.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_a_chosen_language_is_remembered(uow, user_id, locale):
    assert await choose_locale(uow, user_id, locale) is True

    stored = uow.stored_user(user_id)
    assert stored is not None and stored.locale == locale


@pytest.mark.parametrize("locale", ["fr", "zh-CN", "zh_hans", ""])
async def test_an_unknown_language_is_refused_and_the_choice_kept(uow, user_id, locale):
    await choose_locale(uow, user_id, "zh_Hant")

    assert await choose_locale(uow, user_id, locale) is False

    stored = uow.stored_user(user_id)
    assert stored is not None and stored.locale == "zh_Hant"


async def test_a_language_for_an_unknown_user_is_refused(uow):
    assert await choose_locale(uow, 999, "en") is False


async def test_messages_the_bot_starts_follow_the_last_client_language_unless_one_was_chosen(uow):
    clock = FixedClock(NOW)
    user = await identify(uow, clock, Channel.TELEGRAM, "2002", "zh_Hant")
    assert user.language("zh_Hans") == "zh_Hant"

    user = await identify(uow, clock, Channel.TELEGRAM, "2002", "en")  # the app's language changed
    assert user.language("zh_Hans") == "en"

    await choose_locale(uow, user.id or 0, "zh_Hans")
    user = await identify(uow, clock, Channel.TELEGRAM, "2002", "en")
    assert user.language("en") == "zh_Hans"


async def test_without_any_language_known_the_default_is_used(uow):
    user = await identify(uow, FixedClock(NOW), Channel.TELEGRAM, "3003")
    assert user.language("zh_Hans") == "zh_Hans"


# ----- /settings: reminders and quiet hours, the applicant's other preferences


async def test_reminders_are_turned_off_and_on_and_quiet_hours_chosen(uow, user_id):
    assert (await choose_reminders(uow, user_id, on=False)) is not None
    assert await choose_reminders(uow, user_id, quiet_hours="23-07") is not None

    stored = uow.stored_user(user_id)
    assert stored is not None and stored.reminders_off and stored.quiet_hours == "23-07"

    await choose_reminders(uow, user_id, on=True)
    assert not uow.stored_user(user_id).reminders_off


@pytest.mark.parametrize("forged", ["99-99", "22:00-08:00", "", "drop table"])
async def test_malformed_quiet_hours_are_refused_and_the_choice_kept(uow, user_id, forged):
    await choose_reminders(uow, user_id, quiet_hours="21-07")

    assert await choose_reminders(uow, user_id, quiet_hours=forged) is None

    stored = uow.stored_user(user_id)
    assert stored is not None and stored.quiet_hours == "21-07"
