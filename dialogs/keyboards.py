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
    """Account actions inside one programme: register, recover, resend, mobile, resume, restart,
    and use_name / use_id / use_mobile (reuse a field another account knows; never the value)."""

    action: str
    code: str


class LanguageCb(CallbackData, prefix="l"):
    locale: str


class DegreeCb(CallbackData, prefix="d"):
    """同等学力申硕 registration: agree, disagree, region, id_type, mobile (use it as a phone), edit,
    field (the one to edit), submit, resend, email (correct it). ``value`` is a code from a fixed
    list (a region, an ID type, a field name) and is checked against that list when pressed."""

    action: str
    value: str = ""


def degree_actions(*actions: tuple[str, str, str], columns: int = 1) -> InlineKeyboardMarkup:
    """Buttons (label, action, value) of the 同等学力申硕 dialogs."""
    builder = InlineKeyboardBuilder()
    for label, action, value in actions:
        builder.button(text=label, callback_data=DegreeCb(action=action, value=value))
    builder.adjust(columns)
    return builder.as_markup()


def programmes(available: list[Programme]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in available:
        builder.button(text=_(item.name), callback_data=ProgrammeCb(code=item.code))
    builder.adjust(1)
    return builder.as_markup()


def _account_actions(code: str, *actions: tuple[str, str]) -> InlineKeyboardMarkup:
    """One button per row, each an account action (label, action) in the programme ``code``."""
    builder = InlineKeyboardBuilder()
    for label, action in actions:
        builder.button(text=label, callback_data=AccountCb(action=action, code=code))
    builder.adjust(1)
    return builder.as_markup()


def account_entry(code: str) -> InlineKeyboardMarkup:
    return _account_actions(
        code,
        (_("Register a new account"), "register"),
        (_("Log in"), "login"),
        (_("Forgot password"), "recover"),
    )


def log_in_or_recover(code: str) -> InlineKeyboardMarkup:
    return _account_actions(code, (_("Log in"), "login"), (_("Forgot password"), "recover"))


def password_or_code(code: str) -> InlineKeyboardMarkup:
    return _account_actions(code, (_("Log in with an SMS code instead"), "login_sms"))


def code_sent(code: str) -> InlineKeyboardMarkup:
    return _account_actions(code, (_("Resend the code"), "resend"), (_("Change the mobile number"), "mobile"))


def reuse(code: str, label: str, action: str) -> InlineKeyboardMarkup:
    """One button offering a value another account of the chat knows; the data names only the action."""
    return _account_actions(code, (label, action))


def resume_or_restart(code: str) -> InlineKeyboardMarkup:
    return _account_actions(code, (_("Continue where I stopped"), "resume"), (_("Start over"), "restart"))


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageCb(locale=locale))
    builder.adjust(3)
    return builder.as_markup()


def open_programme(code: str) -> InlineKeyboardMarkup:
    """One button that opens a programme where the applicant stands (a notice's way back in)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Open"), callback_data=ProgrammeCb(code=code))
    return builder.as_markup()
