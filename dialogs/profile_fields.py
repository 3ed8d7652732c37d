"""What the profile forms share (dialogs/gd_profile.py, tj_profile.py, degree_profile.py): field
builders (choices from enums and catalogs, dates and months, suggestions from the ID number) and a
programme's menu of modules, each with where it stands."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import forms, render
from dialogs.forms import Answers, Field, Form, Known, choice, text
from dialogs.turn import Turn
from domain import choices, dates, fields, identity, profiles
from domain.masking import mask_mobile
from domain.phones import parse_mobile
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


# ---------------------------------------------------------------------------------------------------
# Fields that several programmes ask the same way

SEX = choice(
    "sex",
    N_("Sex"),
    N_("Your sex:"),
    labels(SEXES),
    suggest=lambda answers, known: found.sex.value if (found := resident_id_of(known)) else None,
)
ETHNICITY = catalog_choice(
    "ethnicity", N_("Ethnic group"), N_("Your ethnic group (民族):"), choices.ethnicities
)
POLITICAL_STATUS = catalog_choice(
    "political_status",
    N_("Political status"),
    N_("Your political status (政治面貌):"),
    choices.political_statuses,
)
PROVINCE = catalog_choice(
    "province",
    N_("Province of household registration"),
    N_("The province of your household registration (户籍所在地):"),
    choices.provinces,
)
MOBILE = text(
    "mobile",
    N_("Mobile"),
    N_("Your mobile number (11 digits):"),
    parse_mobile,
    suggest=lambda answers, known: known.get("mobile") or None,
    show=mask_mobile,
)
ADDRESS = text("address", N_("Postal address"), N_("Your postal address:"), fields.parse_address)
POSTCODE = text(
    "postcode", N_("Postcode"), N_("The 6-digit postcode of this address:"), fields.parse_postcode
)


# ---------------------------------------------------------------------------------------------------
# A programme's menu of modules


class ModuleCb(CallbackData, prefix="m"):
    programme: str
    section: str


@dataclass(frozen=True)
class Extra:
    """A menu entry that is not a form (上传电子照片): its own line and its own step."""

    key: str
    name: str  # message id
    line: Callable[[Turn], Awaitable[tuple[str, str]]]  # the mark and the line of the menu and /status
    open: Callable[[Turn], Awaitable[None]]


@dataclass(frozen=True)
class Menu:
    """The modules of a programme as a menu: each with its state and a button that opens it."""

    programme: str
    forms: tuple[Form, ...]
    intro: str  # message id
    known: Callable[[Turn], Awaitable[Known]]  # the account's values for suggestions; {} without one
    names: Mapping[str, str] = field(default_factory=dict)  # menu names by section (message ids)
    columns: int = 2
    all_done: str | None = None  # message id said when every module is complete
    extras: tuple[Extra, ...] = ()  # shown before the forms, in the seed's order
    after: tuple[Extra, ...] = ()  # shown after them (学员报名 follows the profile)

    async def statuses(self, turn: Turn) -> list[profiles.ModuleStatus] | profiles.NoAccount:
        modules = [form.module for form in self.forms]
        return await profiles.status(turn.uow, turn.clock, turn.user_id, self.programme, modules)

    async def show(self, turn: Turn, note: str | None = None) -> None:
        statuses = await self.statuses(turn)
        if isinstance(statuses, profiles.NoAccount):
            await turn.say(_("This chat no longer holds the account. Log in again with /start."))
            return
        lines = [*([note] if note else []), _(self.intro)]
        builder = InlineKeyboardBuilder()
        lines += [await self._entry(turn, builder, extra) for extra in self.extras]
        for form, status in zip(self.forms, statuses, strict=True):
            mark, line = module_line(form, status)
            lines.append(line)
            name = _(self.names.get(form.module.section, form.title))
            section = ModuleCb(programme=self.programme, section=form.module.section)
            builder.button(text=f"{mark} {name}", callback_data=section)
        lines += [await self._entry(turn, builder, extra) for extra in self.after]
        builder.adjust(self.columns)
        if self.all_done and all(status.complete for status in statuses):
            lines.append(_(self.all_done))
        await turn.say("\n".join(lines), builder.as_markup())

    async def _entry(self, turn: Turn, builder: InlineKeyboardBuilder, extra: Extra) -> str:
        mark, line = await extra.line(turn)
        entry = ModuleCb(programme=self.programme, section=extra.key)
        builder.button(text=f"{mark} {_(extra.name)}", callback_data=entry)
        return line

    async def status_lines(self, turn: Turn) -> list[str]:
        """The modules' lines of /status, indented under the account's line."""
        statuses = await self.statuses(turn)
        if isinstance(statuses, profiles.NoAccount):
            return []
        extras = [(await extra.line(turn))[1] for extra in self.extras]
        modules = [module_line(form, status)[1] for form, status in zip(self.forms, statuses, strict=True)]
        after = [(await extra.line(turn))[1] for extra in self.after]
        return ["    " + line for line in extras + modules + after]


MENUS: dict[str, Menu] = {}


def menu(new: Menu) -> Menu:
    MENUS[new.programme] = new
    return new


def get_router() -> Router:
    router = Router(name="profile-menus")

    @router.callback_query(ModuleCb.filter())
    async def on_module(query: CallbackQuery, callback_data: ModuleCb, turn: Turn) -> None:
        chosen = MENUS.get(callback_data.programme)
        extra = (
            next((e for e in chosen.extras + chosen.after if e.key == callback_data.section), None)
            if chosen
            else None
        )
        form = forms.FORMS.get(f"{callback_data.programme}:{callback_data.section}")
        known = await chosen.known(turn) if chosen else {}
        if (form is None and extra is None) or not known:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        if extra is not None:
            await extra.open(turn)
        elif form is not None:
            await forms.open_form(turn, form, known)

    return router
