"""同等学力申硕 提交学位申请 (seed 003 §八): the table 已申报学科信息 and the form 学位申请.

The table is one message: a line per application (年度 · 学科门类 · 学科名称 · 学位授予单位 · 申请状态)
and, per row, only the operations its state allows (修改, 删除, 提交申请, 取消申请), plus 新增申请.
删除, 提交申请 and 取消申请 ask for confirmation first. Buttons carry the application's id; the domain
treats another account's id as not found, so a forged or stale press gets the reason.

新增申请 and 修改 run on the form engine: the seed's fields in order, with the cascades province →
degree-granting unit and 申请学位类型 → 学科门类 → 学科名称 (a changed earlier answer drops the later
ones it no longer allows), 学号 and 班级 only for people already studying at the unit, a review page,
and 保存, which checks every rule (domain/degree_applications.py) and adds or edits the application.
"""

import dataclasses
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import forms, render
from dialogs.forms import YES, Answers, Context, Field, Form, choice, dependent_choice, text, yes_no
from dialogs.profile_fields import MENUS, answer_is, catalog_options, from_catalog, month
from dialogs.turn import Turn
from domain import choices, fields, profiles
from domain import degree_applications as applications
from domain.clock import BEIJING
from domain.degree_applications import (
    ADMIN_RANK_OFFICIAL_NAMES,
    APPLICANT_CATEGORY_OFFICIAL_NAMES,
    DEGREE_TYPE_OFFICIAL_NAMES,
    TECH_RANK_OFFICIAL_NAMES,
    WORK_UNIT_NATURE_OFFICIAL_NAMES,
    ApplicationRow,
    DegreeApplicationForm,
    DegreeType,
    Operation,
    degree_catalog,
)
from domain.model import Account, DegreeApplicationState
from domain.problems import Problem
from domain.registration import account_of
from domain.text import N_

DEGREE = applications.DEGREE
ENTRY = "applications"  # the menu entry's key (the form's section is "application")

STATE_LABELS: dict[DegreeApplicationState, str] = {
    DegreeApplicationState.SAVED: N_("saved (已保存)"),
    DegreeApplicationState.SUBMITTED: N_("submitted (已提交)"),
    DegreeApplicationState.CANCELLED: N_("cancelled (已取消)"),
}
OPERATION_LABELS: dict[Operation, str] = {
    Operation.EDIT: N_("Modify #{number} (修改)"),
    Operation.DELETE: N_("Delete #{number} (删除)"),
    Operation.SUBMIT: N_("Submit #{number} (提交申请)"),
    Operation.CANCEL: N_("Cancel #{number} (取消申请)"),
}
CHOOSE_A_BUTTON = N_("Choose one of the buttons.")


class ApplicationCb(CallbackData, prefix="da"):
    """table; add (新增申请); edit, delete, submit, cancel (id: the application; delete, submit and
    cancel ask first, then come back confirmed); menu (back to 学位申请)."""

    action: str
    id: int = 0
    confirmed: bool = False


# ---------------------------------------------------------------------------------------------------
# The form 学位申请


def _official(names: Mapping[Any, str]) -> forms.Options:
    """A short list whose options are the platform's own (Chinese) names."""
    return lambda: [(str(member), name) for member, name in names.items()]


def _province_name(code: str) -> str:
    found = choices.provinces().by_code.get(code)
    return found.name_zh if found else code


def _unit_provinces() -> list[tuple[str, str]]:
    """Only the provinces that have degree-granting units."""
    return [(code, _province_name(code)) for code in degree_catalog().unit_provinces()]


def _units(answers: Answers) -> list[tuple[str, str]]:
    return [(u.code, u.name_zh) for u in degree_catalog().units_in(str(answers.get("province", "")))]


def _unit_name(code: str) -> str:
    found = degree_catalog().unit(code)
    return found.name_zh if found else code


def _degree_type(answers: Answers) -> DegreeType | None:
    value = str(answers.get("degree_type", ""))
    return DegreeType(value) if value in set(DegreeType) else None


def _categories(answers: Answers) -> list[tuple[str, str]]:
    degree_type = _degree_type(answers)
    if degree_type is None:
        return []
    return [(c.code, c.name_zh) for c in degree_catalog().categories_for(degree_type)]


def _category_name(code: str) -> str:
    found = degree_catalog().category(code)
    return found.name_zh if found else code


def _disciplines(answers: Answers) -> list[tuple[str, str]]:
    degree_type = _degree_type(answers)
    if degree_type is None:
        return []
    found = degree_catalog().disciplines_in(str(answers.get("category", "")), degree_type)
    return [(d.code, d.name_zh) for d in found]


def _discipline_name(code: str) -> str:
    found = degree_catalog().discipline(code)
    return f"{found.name_zh} ({found.code})" if found else code


def _choose_again(options: list[tuple[str, str]]) -> Problem:
    return Problem(CHOOSE_A_BUTTON, example=options[0][1] if options else None)


def _unit(raw: str, answers: Answers, today: date) -> object:
    """A unit of the chosen province; one typed from another province gets the domain's reason."""
    province = str(answers.get("province", ""))
    unit = degree_catalog().find_unit(raw)
    if unit is None:
        return _choose_again(_units(answers))
    if unit.province != province:
        return Problem(
            applications.UNIT_NOT_IN_PROVINCE, {"unit": unit.name_zh, "province": _province_name(province)}
        )
    return unit.code


def _discipline(raw: str, answers: Answers, today: date) -> object:
    """A discipline of the chosen 门类 and 申请学位类型; another one gets the domain's reason."""
    catalog, category = degree_catalog(), str(answers.get("category", ""))
    degree_type = _degree_type(answers)
    found = catalog.find_discipline(raw, category, degree_type) or catalog.find_discipline(raw)
    if found is None:
        return _choose_again(_disciplines(answers))
    names = {"discipline": found.name_zh, "code": found.code}
    if found.category_code != category:
        return Problem(
            applications.DISCIPLINE_NOT_IN_CATEGORY, {**names, "category": _category_name(category)}
        )
    if degree_type is not None and found.degree_type is not degree_type:
        official = DEGREE_TYPE_OFFICIAL_NAMES
        return Problem(
            applications.DISCIPLINE_NOT_OF_TYPE,
            {**names, "discipline_type": official[found.degree_type], "degree_type": official[degree_type]},
        )
    return found.code


def _warning(answers: Answers) -> str | None:
    """Seed 003 §八: 临床医学, 口腔医学 and 中医 professional degrees are shown the warning."""
    code, degree_type = str(answers.get("discipline", "")), _degree_type(answers)
    return (
        applications.PROFESSIONAL_WARNING
        if applications.needs_professional_warning(code, degree_type)
        else None
    )


def _student_number(raw: str) -> object:
    number = "".join(unicodedata.normalize("NFKC", raw).split())
    if number and number.isascii() and number.isalnum() and len(number) <= applications.STUDENT_NUMBER_MAX:
        return number
    return Problem(
        applications.STUDENT_NUMBER_INVALID,
        {
            "field": applications.FIELD_OFFICIAL_NAMES["student_number"],
            "max": applications.STUDENT_NUMBER_MAX,
        },
        applications.EXAMPLE_STUDENT_NUMBER,
    )


def _text(key: str, example: str) -> Callable[[str], object]:
    return lambda raw: fields.parse_text(raw, max_length=applications.MAX_LENGTHS[key], example=example)


def _form_of(answers: Answers) -> DegreeApplicationForm:
    """The engine's answers (of applicable fields only) as the domain's form."""
    return DegreeApplicationForm(
        **{key: str(answers.get(key, "")) for key in FORM_KEYS},
        studying_at_unit=answers.get("studying") == YES,
    )


def _answers_of(form: DegreeApplicationForm) -> Answers:
    """A stored application's answers, to start 修改 from."""
    answers: Answers = {key: getattr(form, key) for key in FORM_KEYS}
    answers["studying"] = YES if form.studying_at_unit else forms.NO
    return {key: value for key, value in answers.items() if value != "" or key == "department"}


async def _save(turn: Turn, answers: Answers, context: Context) -> str | list[Problem]:
    """保存: every rule at once (check_form), then 新增申请 or 修改 in the domain."""
    account = await account_of(turn.uow, turn.user_id, DEGREE)
    if account is None:
        return [Problem(N_("This chat no longer holds the account. Log in again with /start."))]
    now = turn.clock.now()
    form = _form_of(answers)
    problems = applications.check_form(form, now.astimezone(BEIJING).date())
    if problems:
        return problems
    editing = int(context.get("application_id", 0))
    if editing:
        saved = await applications.edit(turn.uow, account, editing, form, now)
    else:
        saved = await applications.add(turn.uow, account, form, now)
    if isinstance(saved, Problem):
        return [saved]
    return _("Saved (已保存): {discipline} at {unit}. Press 提交申请 when it is right.").format(
        discipline=saved.discipline_name, unit=saved.unit_name
    )


async def _after_save(turn: Turn, note: str) -> None:
    await show_table(turn, note)


APPLICATION = forms.register(
    Form(
        DEGREE,
        profiles.Module("application"),
        N_("Degree application (学位申请)"),
        (
            choice(
                "province",
                N_("Province of the degree-granting unit"),
                N_("The province of the degree-granting unit (学位授予单位所在省市地区):"),
                _unit_provinces,
            ),
            dependent_choice(
                "unit",
                N_("Degree-granting unit"),
                N_("The degree-granting unit (学位授予单位):"),
                _units,
                _unit_name,
                parse=_unit,
            ),
            choice(
                "degree_type",
                N_("Degree type"),
                N_(
                    "The type of degree (申请学位类型): 学术型学位 (a 一级学科) or 专业学位 "
                    "(a 专业学位类别). 临床医学, 口腔医学 and 中医 master's professional degrees "
                    "are 专业学位."
                ),
                _official(DEGREE_TYPE_OFFICIAL_NAMES),
            ),
            dependent_choice(
                "category",
                N_("Discipline category"),
                N_("The discipline category (申请学位学科门类):"),
                _categories,
                _category_name,
            ),
            dependent_choice(
                "discipline",
                N_("Discipline"),
                N_("The discipline (申请学位学科名称):"),
                _disciplines,
                _discipline_name,
                parse=_discipline,
                note=_warning,
            ),
            choice(
                "applicant_category",
                N_("Applicant category"),
                N_("Your applicant category (申请人类别):"),
                _official(APPLICANT_CATEGORY_OFFICIAL_NAMES),
            ),
            Field(
                "application_month",
                N_("Application month"),
                N_("The month of the online application (网上学位申请年月), as YYYYMM:"),
                parse=month(),
                suggest=lambda answers, known: known.get("this_month") or None,
            ),
            yes_no(
                "studying",
                N_("Already studying at the unit"),
                N_("Are you already studying at this degree-granting unit (已在学位授予单位在读)?"),
            ),
            text(
                "student_number",
                N_("Student number"),
                N_("Your student number at the unit (学号):"),
                _student_number,
                when=answer_is("studying", YES),
            ),
            text(
                "class_name",
                N_("Class"),
                N_("Your class at the unit (班级):"),
                _text("class_name", "2023级土木工程硕士班"),
                when=answer_is("studying", YES),
            ),
            text(
                "department",
                N_("School or department"),
                N_("The school or department (院系) at the unit, if you know it; otherwise press Skip:"),
                _text("department", "土木工程学院"),
                optional=True,
            ),
            choice(
                "work_province",
                N_("Province of the employer"),
                N_("The province of your employer (工作单位所在省市):"),
                catalog_options(choices.provinces),
                parse=from_catalog(choices.provinces),
                # Most applicants work in the province of the unit.
                suggest=lambda answers, known: answers.get("province") or None,
            ),
            text(
                "work_unit",
                N_("Name of the employer"),
                N_("The name of your employer (工作单位名称):"),
                _text("work_unit", "武汉市第一医院"),
            ),
            choice(
                "work_unit_nature",
                N_("Nature of the employer"),
                N_("The nature of your employer (工作单位性质):"),
                _official(WORK_UNIT_NATURE_OFFICIAL_NAMES),
            ),
            choice(
                "admin_rank",
                N_("Administrative rank"),
                N_("Your administrative rank (行政职务级别):"),
                _official(ADMIN_RANK_OFFICIAL_NAMES),
            ),
            choice(
                "tech_rank",
                N_("Technical rank"),
                N_("Your technical rank (技术职务级别):"),
                _official(TECH_RANK_OFFICIAL_NAMES),
            ),
        ),
        done=_after_save,
        save=_save,
    )
)
# The form's text answers share the domain form's names; studying_at_unit is the yes/no "studying".
FORM_KEYS = tuple(f.name for f in dataclasses.fields(DegreeApplicationForm) if f.name != "studying_at_unit")


# ---------------------------------------------------------------------------------------------------
# The table 已申报学科信息


def _button(
    builder: InlineKeyboardBuilder, label: str, action: str, id: int = 0, confirmed: bool = False
) -> None:
    builder.button(text=label, callback_data=ApplicationCb(action=action, id=id, confirmed=confirmed))


def row_line(number: int, row: ApplicationRow) -> str:
    return _("{number}. {year} · {category} · {discipline} · {unit} · {state}").format(
        number=number,
        year=row.year,
        category=row.category_name,
        discipline=row.discipline_name,
        unit=row.unit_name,
        state=_(STATE_LABELS[row.state]),
    )


async def _account(turn: Turn) -> Account | None:
    account = await account_of(turn.uow, turn.user_id, DEGREE)
    if account is None or not account.is_active:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return None
    return account


async def show_table(turn: Turn, note: str | None = None) -> None:
    """已申报学科信息 with each row's operations, and 新增申请."""
    account = await _account(turn)
    if account is None:
        return
    rows = await applications.applications_of(turn.uow, account)
    lines = [*([note] if note else []), _("Your degree applications (已申报学科信息):")]
    builder = InlineKeyboardBuilder()
    widths = []
    for number, row in enumerate(rows, start=1):
        lines.append(row_line(number, row))
        for operation in row.operations:
            _button(builder, _(OPERATION_LABELS[operation]).format(number=number), operation.value, row.id)
        widths.append(len(row.operations))
    if not rows:
        lines.append(_("No applications yet (没有申报的学科!)."))
    if any(row.warning and row.state is DegreeApplicationState.SAVED for row in rows):
        lines.append(f"⚠️ {_(applications.PROFESSIONAL_WARNING)}")
    _button(builder, _("New application (新增申请)"), "add")
    _button(builder, _("Back to 学位申请"), "menu")
    builder.adjust(*[width for width in widths if width], 1, 1)
    await turn.say("\n".join(lines), builder.as_markup())


async def menu_line(turn: Turn) -> tuple[str, str]:
    """The mark and the line of 提交学位申请 in the menu 学位申请 and /status."""
    account = await account_of(turn.uow, turn.user_id, DEGREE)
    rows = await applications.applications_of(turn.uow, account) if account is not None else []
    counts = {state: sum(1 for row in rows if row.state is state) for state in DegreeApplicationState}
    if counts[DegreeApplicationState.SUBMITTED]:
        mark = "✅"
    elif counts[DegreeApplicationState.SAVED]:
        mark = "⏳"
    else:
        mark = "⬜"
    if not rows:
        return mark, _("{mark} Degree applications (提交学位申请): none yet").format(mark=mark)
    parts = [
        _("{count} {state}").format(count=count, state=_(STATE_LABELS[state]))
        for state, count in counts.items()
        if count
    ]
    return mark, _("{mark} Degree applications (提交学位申请): {states}").format(
        mark=mark, states=", ".join(parts)
    )


async def next_step(turn: Turn) -> str | None:
    """/status: a saved application waits for 提交申请; without any live one, 新增申请."""
    account = await account_of(turn.uow, turn.user_id, DEGREE)
    if account is None:
        return None
    rows = await applications.applications_of(turn.uow, account)
    if any(row.state is DegreeApplicationState.SAVED for row in rows):
        return _("Next: submit your degree application (提交申请).")
    if not any(row.state.live for row in rows):
        return _("Next: add a degree application (新增申请).")
    return None


# ---------------------------------------------------------------------------------------------------
# The operations


def _confirmation(row: ApplicationRow, operation: Operation) -> str:
    names = {"discipline": row.discipline_name, "unit": row.unit_name}
    if operation is Operation.DELETE:
        return _("Delete the application for {discipline} at {unit} (删除)?").format(**names)
    if operation is Operation.SUBMIT:
        text = _(
            "Submit the application for {discipline} at {unit} (提交申请)? Once submitted it can no longer "
            "be modified or deleted."
        ).format(**names)
        return f"{text}\n⚠️ {_(applications.PROFESSIONAL_WARNING)}" if row.warning else text
    return _(
        "Cancel the application for {discipline} at {unit} (取消申请)? This cannot be undone. If you "
        "chose wrongly, cancel it and then add a new application (新增申请)."
    ).format(**names)


CONFIRM_LABELS: dict[Operation, str] = {
    Operation.DELETE: N_("Yes, delete it (删除)"),
    Operation.SUBMIT: N_("Yes, submit it (提交申请)"),
    Operation.CANCEL: N_("Yes, cancel it (取消申请)"),
}
DONE_NOTES: dict[Operation, str] = {
    Operation.DELETE: N_("Deleted: the application for {discipline} at {unit}."),
    Operation.SUBMIT: N_("Submitted (已提交): the application for {discipline} at {unit}."),
    Operation.CANCEL: N_(
        "Cancelled (已取消): the application for {discipline} at {unit}. Add a new application "
        "(新增申请) if needed."
    ),
}


async def _ask_first(turn: Turn, row: ApplicationRow, operation: Operation) -> None:
    builder = InlineKeyboardBuilder()
    _button(builder, _(CONFIRM_LABELS[operation]), operation.value, row.id, confirmed=True)
    _button(builder, _("No, back to the table"), "table")
    builder.adjust(1)
    await turn.say(_confirmation(row, operation), builder.as_markup())


async def _carry_out(turn: Turn, account: Account, row: ApplicationRow, operation: Operation) -> None:
    now = turn.clock.now()
    if operation is Operation.DELETE:
        done = await applications.delete(turn.uow, account, row.id)
    elif operation is Operation.SUBMIT:
        done = await applications.submit(turn.uow, account, row.id, now)
    else:
        done = await applications.cancel(turn.uow, account, row.id, now)
    if isinstance(done, Problem):
        await show_table(turn, render.problem(done))
        return
    names = {"discipline": done.discipline_name, "unit": done.unit_name}
    await show_table(turn, _(DONE_NOTES[operation]).format(**names))


async def _open_edit(turn: Turn, row: ApplicationRow) -> None:
    menu = MENUS[DEGREE]
    answers = _answers_of(applications.form_of(row.application))
    await forms.open_form(turn, APPLICATION, await menu.known(turn), answers, {"application_id": row.id})


async def open_new(turn: Turn) -> None:
    await forms.open_form(turn, APPLICATION, await MENUS[DEGREE].known(turn))


def get_router() -> Router:
    router = Router(name="degree-applications")

    @router.callback_query(ApplicationCb.filter())
    async def on_button(query: CallbackQuery, callback_data: ApplicationCb, turn: Turn) -> None:
        await query.answer()
        action = callback_data.action
        if action == "table":
            await show_table(turn)
            return
        if action == "menu":
            await MENUS[DEGREE].show(turn)
            return
        account = await _account(turn)
        if account is None:
            return
        if action == "add":
            await open_new(turn)
            return
        try:
            operation = Operation(action)
        except ValueError:
            await show_table(turn, _("This button is no longer active."))
            return
        # Only the account's own: another account's id is "no such application".
        row = await applications.application_of(turn.uow, account, callback_data.id)
        if isinstance(row, Problem):
            await show_table(turn, render.problem(row))
        elif (refusal := row.refusal(operation)) is not None:
            await show_table(turn, render.problem(refusal))
        elif operation is Operation.EDIT:
            await _open_edit(turn, row)
        elif callback_data.confirmed:
            await _carry_out(turn, account, row, operation)
        else:
            await _ask_first(turn, row, operation)

    return router
