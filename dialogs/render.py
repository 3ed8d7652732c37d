"""Turning domain answers into text in the applicant's language."""

from datetime import datetime
from decimal import Decimal

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_currency, get_currency_precision

from domain.clock import BEIJING
from domain.problems import Problem


def problem(item: Problem) -> str:
    """A refusal: the translated reason, then an example of a right answer."""
    text = _(item.message).format(**item.params)
    if item.example:
        text += "\n" + _("Example: {example}").format(example=_(item.example))
    return text


def problems(items: list[Problem]) -> str:
    return "\n".join(f"• {problem(item)}" for item in items)


def beijing_time(moment: datetime) -> str:
    return _("{time} Beijing time").format(time=moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"))


def progress(step: int, total: int) -> str:
    return _("Step {step}/{total}").format(step=step, total=total)


def money(amount: int, currency: str) -> str:
    """An amount in the currency's smallest unit (Telegram's, e.g. 分), as the applicant's language
    writes it: ¥40.00, CN¥40.00."""
    value = Decimal(amount).scaleb(-get_currency_precision(currency))
    return format_currency(value, currency, locale=get_i18n().current_locale)
