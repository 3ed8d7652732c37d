"""Field builders the profile forms share (dialogs/gd_profile.py, tj_profile.py, degree_profile.py):
choices from enums and catalogs, dates and months, suggestions from the ID number, and the line that
says where a module stands."""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from aiogram.utils.i18n import gettext as _

from dialogs import forms, render
from dialogs.forms import Answers, Field, Form, Known, choice
from domain import choices, dates, fields, identity, profiles
from domain.problems import Problem
from domain.text import N_


def labels(labels: Mapping[Any, str]) -> forms.Options:
    return lambda: [(str(value), _(label)) for value, label in labels.items()]


def catalog_options(catalog: Callable[[], choices.Catalog]) -> forms.Options:
    return lambda: [(item.code, item.name_zh) for item in catalog().items()]


def from_catalog(catalog: Callable[[], choices.Catalog]) -> forms.Parse:
    def parse(raw: str, answers: Answers, today: date) -> object:
        found = catalog().parse(raw)
        return found if isinstance(found, Problem) else found.code

    return parse


def catalog_choice(key: str, label: str, question: str, catalog: Callable[[], choices.Catalog]) -> Field:
    return choice(key, label, question, catalog_options(catalog), parse=from_catalog(catalog))


def month(*, allow_future: bool = False) -> forms.Parse:
    def parse(raw: str, answers: Answers, today: date) -> object:
        parsed = dates.parse_month(raw, today, allow_future=allow_future)
        return parsed if isinstance(parsed, Problem) else dates.format_month(parsed)

    return parse


def birth_date(raw: str, answers: Answers, today: date) -> object:
    day = dates.parse_date(raw, today)
    return day if isinstance(day, Problem) else dates.format_date(day)


def resident_id_of(known: Known) -> identity.ResidentId | None:
    # The number was checked at registration; date.max only keeps the wall clock out of it.
    parsed = identity.parse_resident_id(known.get("id_number", ""), date.max)
    return None if isinstance(parsed, Problem) else parsed


def short_text(example: str) -> Callable[[str], object]:
    return lambda raw: fields.parse_text(raw, example=example)


def answer_is(key: str, value: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(key) == value


SEXES = {identity.Sex.MALE: N_("male"), identity.Sex.FEMALE: N_("female")}


def module_line(form: Form, status: profiles.ModuleStatus) -> tuple[str, str]:
    """The mark and the line of one module, as the menu and /status show it."""
    if status.complete:
        return "✅", _("✅ {module}: complete").format(module=_(form.title))
    if not status.saved:
        return "⬜", _("⬜ {module}: not filled in yet").format(module=_(form.title))
    first = render.problem(status.problems[0]).split("\n")[0]
    return "⚠️", _("⚠️ {module}: not complete: {reason}").format(module=_(form.title), reason=first)
