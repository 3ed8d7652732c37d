"""Callback data and inline keyboards. Callback data carries short codes only (64-byte limit)."""

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.programmes import Programme

LANGUAGE_NAMES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}


class ProgrammeCb(CallbackData, prefix="p"):
    code: str


class AccountCb(CallbackData, prefix="a"):
    """Account actions inside one programme: register, recover, resend, mobile, resume, restart."""

    action: str
    code: str


class LanguageCb(CallbackData, prefix="l"):
    locale: str


def programmes(available: list[Programme]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in available:
        builder.button(text=_(item.name), callback_data=ProgrammeCb(code=item.code))
    builder.adjust(1)
    return builder.as_markup()


def account_entry(code: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Register a new account"), callback_data=AccountCb(action="register", code=code))
    builder.button(text=_("Forgot password"), callback_data=AccountCb(action="recover", code=code))
    builder.adjust(1)
    return builder.as_markup()


def recover_only(code: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Forgot password"), callback_data=AccountCb(action="recover", code=code))
    return builder.as_markup()


def code_sent(code: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Resend the code"), callback_data=AccountCb(action="resend", code=code))
    builder.button(text=_("Change the mobile number"), callback_data=AccountCb(action="mobile", code=code))
    builder.adjust(1)
    return builder.as_markup()


def resume_or_restart(code: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Continue where I stopped"), callback_data=AccountCb(action="resume", code=code))
    builder.button(text=_("Start over"), callback_data=AccountCb(action="restart", code=code))
    builder.adjust(1)
    return builder.as_markup()


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageCb(locale=locale))
    builder.adjust(3)
    return builder.as_markup()
