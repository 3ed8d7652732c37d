"""A small form engine: a form is a list of fields declared as data, each checked by domain/.

It asks one field per message with a progress line, offers choices as buttons (paged when long),
keeps every accepted answer at once (in the conversation's stored data), skips fields whose
condition does not hold, offers a suggestion where one is known, handles repeatable groups of
sub-fields (a list of records with add and delete), and ends with a review page: every answer with an
edit button, then 保存, which stores the module through domain/profiles.py and says whether it is
complete. /start asks the current question again after a pause or a restart.

A form that is not a profile module (a degree application) gives its own ``save``; its choices may
depend on earlier answers (``depends``), and an answer that a changed earlier answer makes invalid is
dropped and asked again.

Declaring a form: see dialogs/gd_profile.py, and dialogs/degree_applications.py for cascading
choices and a form of its own. Adding a field is one line in a form's ``fields`` (plus its
translations).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import render
from dialogs.prompts import Question, Step, ask
from dialogs.turn import Turn
from domain import profiles
from domain.problems import Problem
from domain.text import N_

if TYPE_CHECKING:  # dialogs.helpline imports dialogs.commands, which imports this module
    from dialogs.helpline import Helpline

YES, NO = "yes", "no"
PAGE_SIZE = 12  # choice buttons per page (three columns of four) ...
ONE_PAGE = 16  # ... unless they all fit on one page
MAX_TEXT = 200  # longer answers are cut before checking: no field of these forms is longer

Answers = dict[str, Any]
Known = dict[str, str]  # values known outside the form (the account's name, ID number, mobile)
Parse = Callable[[str, Answers, date], object]  # the value to keep, or a Problem
Options = Callable[[], Sequence[tuple[str, str]]]  # (code, label in the current language)
AnswerOptions = Callable[[Answers], Sequence[tuple[str, str]]]  # options that follow earlier answers
Context = dict[str, Any]  # what a form of its own keeps beside the answers (the record being edited)


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # message id: the field's name on the review page
    question: str  # message id
    parse: Parse | None = None
    options: Options | None = None  # a choice: buttons, paged when long; typing a label works too
    when: Callable[[Answers], bool] | None = None  # asked only when an earlier answer says so
    suggest: Callable[[Answers, Known], str | None] | None = None  # offered as a button, as if typed
    fields: tuple["Field", ...] = ()  # a repeatable group: the sub-fields of one record
    optional: bool = False
    show: Callable[[str], str] | None = None  # how the review shows the answer (masked, a label)
    # A choice whose options follow earlier answers (a cascade); an answer no longer among them is
    # dropped whenever an answer changes, so the field is asked again.
    depends: AnswerOptions | None = None
    # A message id said as soon as the answer is kept and again on the review page (a warning).
    note: Callable[[Answers], str | None] | None = None

    def applies(self, answers: Answers) -> bool:
        return self.when is None or self.when(answers)

    @property
    def is_group(self) -> bool:
        return bool(self.fields)

    @property
    def is_choice(self) -> bool:
        return self.options is not None or self.depends is not None

    def choices(self, answers: Answers) -> Sequence[tuple[str, str]]:
        if self.depends is not None:
            return self.depends(answers)
        return self.options() if self.options is not None else ()


@dataclass(frozen=True)
class Form:
    programme: str
    module: profiles.Module
    title: str  # message id
    fields: tuple[Field, ...]
    # What follows a complete save (the module menu), with the confirmation to show first.
    done: Callable[[Turn, str], Awaitable[None]] | None = None
    # Instead of storing a profile module: stores the answers (those of applicable fields) and
    # returns the confirmation for ``done``, or the refusals shown on the review page (nothing lost).
    save: Callable[[Turn, Answers, Context], Awaitable[str | list[Problem]]] | None = None

    @property
    def key(self) -> str:
        return f"{self.programme}:{self.module.section}"


FORMS: dict[str, Form] = {}


def register(form: Form) -> Form:
    FORMS[form.key] = form
    return form


# ---------------------------------------------------------------------------------------------------
# Declaring fields


def _choice_parse(options: Options) -> Parse:
    def parse(raw: str, answers: Answers, today: date) -> object:
        wanted = raw.strip().casefold()
        for code, label in options():
            if wanted in (code.casefold(), label.casefold()):
                return code
        return Problem(N_("Choose one of the buttons."), example=options()[0][1] if options() else None)

    return parse


def choice(key: str, label: str, question: str, options: Options, **extra: Any) -> Field:
    extra.setdefault("parse", _choice_parse(options))
    extra.setdefault("show", lambda code: dict(options()).get(code, code))
    return Field(key, label, question, options=options, **extra)


def _dependent_parse(options: AnswerOptions) -> Parse:
    def parse(raw: str, answers: Answers, today: date) -> object:
        return _choice_parse(lambda: options(answers))(raw, answers, today)

    return parse


def dependent_choice(
    key: str, label: str, question: str, options: AnswerOptions, show: Callable[[str], str], **extra: Any
) -> Field:
    """A choice among options that follow earlier answers; ``show`` names a code on its own (the
    review page has the answers, but a label must not change with them)."""
    extra.setdefault("parse", _dependent_parse(options))
    return Field(key, label, question, depends=options, show=show, **extra)


def yes_no(key: str, label: str, question: str, **extra: Any) -> Field:
    return choice(key, label, question, lambda: ((YES, _("Yes")), (NO, _("No"))), **extra)


def text(key: str, label: str, question: str, parse: Callable[[str], object], **extra: Any) -> Field:
    """A field whose answer needs nothing but itself to be checked."""
    return Field(key, label, question, parse=lambda raw, answers, today: parse(raw), **extra)


def group(key: str, label: str, question: str, fields: Sequence[Field], **extra: Any) -> Field:
    return Field(key, label, question, fields=tuple(fields), **extra)


# ---------------------------------------------------------------------------------------------------
# Where a form stands: everything lives in the conversation's data, so a restart loses nothing.


class FormState(StatesGroup):
    field = State()  # answering a field of the form
    records = State()  # the list of a group's records
    record_field = State()  # answering a sub-field of a new record
    review = State()


class FormCb(CallbackData, prefix="f"):
    """pick (value: an option code), page (value: page number), suggest, skip, add, delete (value:
    record number), done, edit (value: field key), save. Every value is checked when pressed."""

    action: str
    value: str = ""


FORM, ANSWERS, AT, RECORD, SUB, EDITING, PAGE, KNOWN, CONTEXT = (
    "form",
    "answers",
    "at",
    "record",
    "sub",
    "editing",
    "page",
    "known",
    "context",
)


def _form(data: dict[str, Any]) -> Form | None:
    return FORMS.get(str(data.get(FORM, "")))


def _field(form: Form, key: str) -> Field | None:
    return next((f for f in form.fields if f.key == key), None)


def _applicable(form: Form, answers: Answers) -> list[Field]:
    return [f for f in form.fields if f.applies(answers)]


def _next_field(form: Form, answers: Answers) -> Field | None:
    return next((f for f in _applicable(form, answers) if f.key not in answers), None)


def _still_valid(form: Form, answers: Answers) -> Answers:
    """The answers without those of cascading choices that earlier answers no longer offer; in the
    form's order, so that a dropped answer drops the ones that follow from it too."""
    kept = dict(answers)
    for f in form.fields:
        if f.depends is not None and f.key in kept and kept[f.key] not in dict(f.depends(kept)):
            del kept[f.key]
    return kept


def _position(data: dict[str, Any]) -> tuple[int, int]:
    form = _form(data)
    if form is None:
        return 1, 1
    fields = _applicable(form, data.get(ANSWERS, {}))
    keys = [f.key for f in fields]
    at = str(data.get(AT, ""))
    return (keys.index(at) + 1 if at in keys else len(keys) + 1), len(keys) + 1


def _shown(f: Field, value: object) -> str:
    if value in (None, ""):
        return _("(not given)")
    return f.show(str(value)) if f.show else str(value)


# ---------------------------------------------------------------------------------------------------
# Questions: pure functions of the stored data, so /start can ask them again.


def _button(label: str, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=FormCb(action=action, value=value).pack())


def _options_keyboard(f: Field, page: int, answers: Answers | None = None) -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    options = list(f.choices(answers or {}))
    size = len(options) if len(options) <= ONE_PAGE else PAGE_SIZE
    pages = max(1, -(-len(options) // max(size, 1)))
    page = min(max(page, 0), pages - 1)
    for code, label in options[page * size : (page + 1) * size]:
        builder.button(text=label, callback_data=FormCb(action="pick", value=code))
    builder.adjust(3 if len(options) > 6 else 2)
    if pages > 1:
        nav = InlineKeyboardBuilder()
        if page > 0:
            nav.add(_button(_("◀ Previous"), "page", str(page - 1)))
        if page < pages - 1:
            nav.add(_button(_("Next ▶"), "page", str(page + 1)))
        builder.attach(nav)
    return builder


def _field_question(f: Field, data: dict[str, Any], answers: Answers) -> Question:
    page = int(data.get(PAGE, 0))
    builder = _options_keyboard(f, page, answers) if f.is_choice else InlineKeyboardBuilder()
    suggestion = f.suggest(answers, data.get(KNOWN, {})) if f.suggest else None
    if suggestion:
        builder.row(_button(_("Use {value}").format(value=_shown(f, suggestion)), "suggest"))
    if f.optional:
        builder.row(_button(_("Skip"), "skip"))
    question = _(f.question)
    current = answers.get(f.key)
    if data.get(EDITING) and current not in (None, ""):
        question += "\n" + _("Now: {value}").format(value=_shown(f, current))
    return Question(question, builder.as_markup() if builder.buttons else None)


def _summary(group_field: Field, record: Answers) -> str:
    parts = [
        _shown(f, record.get(f.key)) for f in group_field.fields if f.applies(record) and record.get(f.key)
    ]
    return ", ".join(parts[:4])


def _records_question(f: Field, answers: Answers) -> Question:
    records = list(answers.get(f.key) or answers.get(_draft_key(f), []))
    lines = [_(f.question)]
    lines += [f"{number}. {_summary(f, record)}" for number, record in enumerate(records, start=1)]
    if not records:
        lines.append(_("(no records yet)"))
    builder = InlineKeyboardBuilder()
    builder.row(_button(_("➕ Add"), "add"))
    deletes = [
        _button(_("🗑 Delete {number}").format(number=n), "delete", str(n)) for n in range(1, len(records) + 1)
    ]
    for start in range(0, len(deletes), 3):
        builder.row(*deletes[start : start + 3])
    builder.row(_button(_("Done"), "done"))
    return Question("\n".join(lines), builder.as_markup())


def _review_question(form: Form, answers: Answers) -> Question:
    lines = [_("Check {module}:").format(module=_(form.title))]
    builder = InlineKeyboardBuilder()
    for f in _applicable(form, answers):
        if f.is_group:
            records = answers.get(f.key) or []
            lines.append(_("{label}: {count} records").format(label=_(f.label), count=len(records)))
            lines += [f"  {number}. {_summary(f, r)}" for number, r in enumerate(records, start=1)]
        else:
            lines.append(_("{label}: {value}").format(label=_(f.label), value=_shown(f, answers.get(f.key))))
        builder.button(text=f"✏️ {_(f.label)}", callback_data=FormCb(action="edit", value=f.key))
    lines += [f"⚠️ {note}" for note in _notes(form, answers)]
    builder.adjust(2)
    builder.row(_button(_("💾 Save"), "save"))
    return Question("\n".join(lines), builder.as_markup())


def _notes(form: Form, answers: Answers) -> list[str]:
    """The fields' notes that the answers call for, translated."""
    notes = (f.note(answers) for f in _applicable(form, answers) if f.note is not None)
    return [_(note) for note in notes if note]


def _question(data: dict[str, Any], state: str | None) -> Question:
    form = _form(data)
    if form is None:
        return Question(_("This form is no longer available. /start shows what you can do."))
    answers: Answers = data.get(ANSWERS, {})
    at = _field(form, str(data.get(AT, "")))
    if at is None or state == FormState.review.state:
        return _review_question(form, answers)
    if state == FormState.records.state:
        return _records_question(at, answers)
    if state == FormState.record_field.state:
        sub = next((f for f in at.fields if f.key == data.get(SUB)), at.fields[0])
        number = len(answers.get(_draft_key(at), [])) + 1
        inner = _field_question(sub, data, data.get(RECORD, {}))
        text = _("{group}, record {number}: {question}").format(
            group=_(at.label), number=number, question=inner.text
        )
        return Question(text, inner.keyboard)
    return _field_question(at, data, answers)


def _draft_key(f: Field) -> str:
    """The records of a group while its list is being edited (the answer exists once it is done)."""
    return f"{f.key}~draft"


def _question_of(state: State) -> Callable[[dict[str, Any]], Question]:
    return lambda data: _question(data, state.state)


FLOW_TITLE = N_("profile")
STEPS = {
    str(state.state): Step(state, 0, 0, _question_of(state), FLOW_TITLE, position=_position)
    for state in FormState.__states__
}


def step(state_name: str | None) -> Step | None:
    """The form question to ask again after /start, for commands.current_step."""
    return STEPS.get(state_name or "")


async def _ask(turn: Turn, state: State, note: str | None = None) -> None:
    await ask(turn.bot, turn.state, STEPS[str(state.state)], note)


# ---------------------------------------------------------------------------------------------------
# Moving through a form


async def open_form(
    turn: Turn, form: Form, known: Known, answers: Answers | None = None, context: Context | None = None
) -> None:
    """Start a module: from its saved answers (then the review page comes first) or from nothing.
    A form with its own ``save`` starts from ``answers`` instead, and keeps ``context`` for it."""
    if form.save is None:
        answers = await profiles.saved_answers(turn.uow, turn.user_id, form.programme, form.module.section)
    await turn.state.set_data(
        {
            "programme": form.programme,
            FORM: form.key,
            ANSWERS: answers or {},
            KNOWN: known,
            EDITING: bool(answers),
            CONTEXT: context or {},
        }
    )
    await _go_on(turn, intro=_(form.title))


async def _go_on(turn: Turn, note: str | None = None, intro: str | None = None) -> None:
    """Ask the first applicable field without an answer; the review page when there is none."""
    data = await turn.data()
    form = _form(data)
    if form is None:
        await turn.state.clear()
        await turn.say(_("This form is no longer available. /start shows what you can do."))
        return
    answers: Answers = data.get(ANSWERS, {})
    following = _next_field(form, answers)
    text = "\n\n".join(part for part in (intro, note) if part) or None
    if following is None:
        await turn.state.update_data({AT: "", PAGE: 0})
        await _ask(turn, FormState.review, text)
    elif following.is_group:
        await _open_group(turn, following, text)
    else:
        await turn.state.update_data({AT: following.key, PAGE: 0})
        await _ask(turn, FormState.field, text)


async def _open_group(turn: Turn, f: Field, note: str | None = None) -> None:
    answers: Answers = (await turn.data()).get(ANSWERS, {})
    draft = list(answers.get(f.key) or answers.get(_draft_key(f)) or [])
    answers = {k: v for k, v in answers.items() if k != f.key} | {_draft_key(f): draft}
    await turn.state.update_data({AT: f.key, ANSWERS: answers})
    await _ask(turn, FormState.records, note)


async def _keep(turn: Turn, key: str, value: object, note: str | None = None) -> None:
    data = await turn.data()
    answers: Answers = data.get(ANSWERS, {}) | {key: value}
    form = _form(data)
    if form is not None:
        answers = _still_valid(form, answers)
    await turn.state.update_data({ANSWERS: answers, PAGE: 0})
    await _go_on(turn, note)


async def _answer(turn: Turn, raw: str, helpline: "Helpline | None" = None) -> None:
    data = await turn.data()
    f = _at(data)
    if f is None or f.parse is None:
        await _go_on(turn)
        return
    answers: Answers = data.get(ANSWERS, {})
    value = f.parse(raw[:MAX_TEXT], answers, turn.clock.now().date())
    if isinstance(value, Problem):
        if helpline is not None and await helpline.answer_aside(turn, raw):
            await _ask(turn, FormState.field)  # a question answered: the field's question again
            return
        await turn.say(render.problem(value))
        return
    note = f.note(answers | {f.key: value}) if f.note else None
    await _keep(turn, f.key, value, f"⚠️ {_(note)}" if note else None)


async def _answer_sub(turn: Turn, raw: str, helpline: "Helpline | None" = None) -> None:
    data = await turn.data()
    group_field = _at(data)
    sub = next((f for f in group_field.fields if f.key == data.get(SUB)), None) if group_field else None
    if group_field is None or sub is None or sub.parse is None:
        await _go_on(turn)
        return
    record: Answers = dict(data.get(RECORD, {}))
    value = sub.parse(raw[:MAX_TEXT], record, turn.clock.now().date())
    if isinstance(value, Problem):
        if helpline is not None and await helpline.answer_aside(turn, raw):
            await _ask(turn, FormState.record_field)
            return
        await turn.say(render.problem(value))
        return
    record[sub.key] = value
    following = next((f for f in group_field.fields if f.applies(record) and f.key not in record), None)
    if following is not None:
        await turn.state.update_data({RECORD: record, SUB: following.key, PAGE: 0})
        await _ask(turn, FormState.record_field)
        return
    answers: Answers = data.get(ANSWERS, {})
    draft = [*answers.get(_draft_key(group_field), []), record]
    await turn.state.update_data({ANSWERS: answers | {_draft_key(group_field): draft}, RECORD: {}, SUB: ""})
    await _ask(turn, FormState.records, _("Record {number} added.").format(number=len(draft)))


def _at(data: dict[str, Any]) -> Field | None:
    """The field of the form being asked (a group, while its records are being edited)."""
    form = _form(data)
    return _field(form, str(data.get(AT, ""))) if form else None


def _current(data: dict[str, Any], state: str | None) -> Field | None:
    """The field (or sub-field) being asked."""
    f = _at(data)
    if f is not None and state == FormState.record_field.state:
        return next((s for s in f.fields if s.key == data.get(SUB)), None)
    return f


def get_router() -> Router:
    router = Router(name="forms")
    asking = StateFilter(FormState.field, FormState.record_field)

    # A text that fails the field's check but reads as a question is answered from the FAQ when it
    # is sure (``helpline``, absent where no help line is wired), and the field asked again.
    @router.message(FormState.field, F.text)
    async def on_answer(message: Message, turn: Turn, helpline: "Helpline | None" = None) -> None:
        await _answer(turn, message.text or "", helpline)

    @router.message(FormState.record_field, F.text)
    async def on_sub_answer(message: Message, turn: Turn, helpline: "Helpline | None" = None) -> None:
        await _answer_sub(turn, message.text or "", helpline)

    async def answer_with(turn: Turn, raw: str) -> None:
        if await turn.state.get_state() == FormState.record_field.state:
            await _answer_sub(turn, raw)
        else:
            await _answer(turn, raw)

    @router.callback_query(asking, FormCb.filter(F.action == "pick"))
    async def on_pick(query: CallbackQuery, callback_data: FormCb, turn: Turn) -> None:
        await query.answer()
        await answer_with(turn, callback_data.value)  # checked against the options like typed text

    @router.callback_query(asking, FormCb.filter(F.action == "page"))
    async def on_page(query: CallbackQuery, callback_data: FormCb, turn: Turn) -> None:
        await query.answer()
        page = int(callback_data.value) if callback_data.value.isdigit() else 0
        await turn.state.update_data({PAGE: page})
        in_record = await turn.state.get_state() == FormState.record_field.state
        await _ask(turn, FormState.record_field if in_record else FormState.field)

    @router.callback_query(asking, FormCb.filter(F.action == "suggest"))
    async def on_suggest(query: CallbackQuery, turn: Turn) -> None:
        data = await turn.data()
        state = await turn.state.get_state()
        f = _current(data, state)
        values = data.get(RECORD, {}) if state == FormState.record_field.state else data.get(ANSWERS, {})
        suggestion = f.suggest(values, data.get(KNOWN, {})) if f and f.suggest else None
        if suggestion is None:  # computed again here: the button carries no value
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await answer_with(turn, suggestion)

    @router.callback_query(asking, FormCb.filter(F.action == "skip"))
    async def on_skip(query: CallbackQuery, turn: Turn) -> None:
        data = await turn.data()
        f = _current(data, await turn.state.get_state())
        if f is None or not f.optional:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await _keep(turn, f.key, "")

    @router.callback_query(FormState.records, FormCb.filter(F.action == "add"))
    async def on_add(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        data = await turn.data()
        f = _at(data)
        if f is None:
            await _go_on(turn)
            return
        await turn.state.update_data({RECORD: {}, SUB: f.fields[0].key, PAGE: 0})
        await _ask(turn, FormState.record_field)

    @router.callback_query(FormState.records, FormCb.filter(F.action == "delete"))
    async def on_delete(query: CallbackQuery, callback_data: FormCb, turn: Turn) -> None:
        data = await turn.data()
        f = _at(data)
        answers: Answers = data.get(ANSWERS, {})
        draft = list(answers.get(_draft_key(f), [])) if f else []
        number = int(callback_data.value) if callback_data.value.isdigit() else 0
        if f is None or not 1 <= number <= len(draft):
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        del draft[number - 1]
        await turn.state.update_data({ANSWERS: answers | {_draft_key(f): draft}})
        await _ask(turn, FormState.records, _("Record {number} deleted.").format(number=number))

    @router.callback_query(FormState.records, FormCb.filter(F.action == "done"))
    async def on_done(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        data = await turn.data()
        f = _at(data)
        if f is None:
            await _go_on(turn)
            return
        answers: Answers = dict(data.get(ANSWERS, {}))
        answers[f.key] = answers.pop(_draft_key(f), [])
        await turn.state.update_data({ANSWERS: answers})
        await _go_on(turn)

    @router.callback_query(FormState.review, FormCb.filter(F.action == "edit"))
    async def on_edit(query: CallbackQuery, callback_data: FormCb, turn: Turn) -> None:
        data = await turn.data()
        form = _form(data)
        answers: Answers = data.get(ANSWERS, {})
        f = _field(form, callback_data.value) if form else None
        if f is None or not f.applies(answers):
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await turn.state.update_data({EDITING: True})
        if f.is_group:
            await _open_group(turn, f)
            return
        await turn.state.update_data({AT: f.key, PAGE: 0})  # the question shows the current answer
        await _ask(turn, FormState.field)

    @router.callback_query(FormState.review, FormCb.filter(F.action == "save"))
    async def on_save(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        data = await turn.data()
        form = _form(data)
        if form is None:
            await _go_on(turn)
            return
        answers: Answers = data.get(ANSWERS, {})
        missing = _next_field(form, answers)
        if missing is not None:
            await _go_on(turn)
            return
        # Answers of fields that no longer apply (a condition changed) are not kept.
        kept = {f.key: answers[f.key] for f in _applicable(form, answers)}
        if form.save is not None:
            saved = await form.save(turn, kept, data.get(CONTEXT, {}))
            if isinstance(saved, list):
                await _ask(turn, FormState.review, render.problems(saved))
                return
            await turn.state.clear()
            await (form.done(turn, saved) if form.done else turn.say(saved))
            return
        status = await profiles.save(turn.uow, turn.clock, turn.user_id, form.programme, form.module, kept)
        if isinstance(status, profiles.NoAccount):
            await turn.state.clear()
            await turn.say(_("This chat no longer holds the account. Log in again with /start."))
            return
        if status.problems:
            note = _("Saved, but {module} is not complete yet:").format(module=_(form.title))
            note += "\n" + render.problems(status.problems)
            await _ask(turn, FormState.review, note)
            return
        await turn.state.clear()
        saved = _("Saved: {module} is complete.").format(module=_(form.title))
        if form.done is None:
            await turn.say(saved)
        else:
            await form.done(turn, saved)

    return router
