"""Account registration in chat, per programme.

广东住培 (seed 000 §一): name + ID number, username + password, mobile + SMS code.
天津高职升本 (seed 002, 考生注册): name, ID number, mobile + SMS code, password; the ID number is the
login name. Fields an account of another programme of this chat already knows (name, ID number,
mobile) are offered with one button each and copied only when it is pressed.
"""

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.account_steps import (
    KNOWN_ID,
    KNOWN_MOBILE,
    KNOWN_NAME,
    check_code,
    known_pressed,
    password_confirmed,
    refuse_code,
    reuse_label,
    reuse_offer,
    take_new_password,
)
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.states import GdRegistration, TjRegistration
from dialogs.turn import Turn
from domain import registration
from domain.accounts import CodeSent, send_code
from domain.masking import mask_mobile
from domain.model import SmsPurpose
from domain.names import parse_real_name
from domain.phones import parse_mobile
from domain.problems import Problem
from domain.programmes import programme
from domain.text import N_
from domain.tj_reviews import TJ

GD = "gd-residency"
DEGREE = "degree-equiv"
SMS_PROGRAMMES = (
    GD,
    TJ,
)  # registered and recovered with SMS codes (同等学力申硕 by e-mail: dialogs/degree.py)
ACCOUNT_PROGRAMMES = (*SMS_PROGRAMMES, DEGREE)  # the programmes whose accounts are registered in this bot
FLOW = Flow(N_("registration"))

# The questions of each programme, in the order its web system asks them.
STEPS: dict[str, tuple[State, ...]] = {
    GD: (
        GdRegistration.real_name,
        GdRegistration.id_number,
        GdRegistration.username,
        GdRegistration.password,
        GdRegistration.password_confirm,
        GdRegistration.mobile,
        GdRegistration.sms_code,
    ),
    TJ: (
        TjRegistration.real_name,
        TjRegistration.id_number,
        TjRegistration.mobile,
        TjRegistration.sms_code,
        TjRegistration.password,
        TjRegistration.password_confirm,
    ),
}


def _field(target: State) -> str:
    return str(target.state).rpartition(":")[2]


def _step(code: str, field: str) -> State:
    return next(target for target in STEPS[code] if _field(target) == field)


def _following(code: str, field: str) -> State | None:
    fields = [_field(target) for target in STEPS[code]]
    index = fields.index(field) + 1
    return STEPS[code][index] if index < len(fields) else None


def _at(field: str) -> StateFilter:
    """The step ``field`` of every programme's registration."""
    return StateFilter(*(_step(code, field) for code in STEPS if field in map(_field, STEPS[code])))


def account_programme(data: dict[str, Any]) -> str:
    """The programme whose account an account flow (registration, log-in, recovery) is about."""
    code = str(data.get("programme", GD))
    return code if code in ACCOUNT_PROGRAMMES else GD


def _password_rules(code: str) -> str:
    policy = programme(code).password_policy
    return _("{min}–{max} characters, with at least one letter and one digit").format(
        min=policy.min_length, max=policy.max_length
    )


def _reuse(data: dict[str, Any], key: str, action: str) -> InlineKeyboardMarkup | None:
    label = reuse_label(data, key)
    return None if label is None else keyboards.reuse(account_programme(data), label, action)


def _ask_name(data: dict[str, Any]) -> Question:
    return Question(_("Your name, exactly as on your ID card:"), _reuse(data, KNOWN_NAME, "use_name"))


def _ask_id_number(data: dict[str, Any]) -> Question:
    return Question(_("Your 18-digit resident ID number:"), _reuse(data, KNOWN_ID, "use_id"))


def _ask_username(data: dict[str, Any]) -> Question:
    return Question(
        _("Choose a username for logging in (4–30 letters, digits or _, starting with a letter):")
    )


def _ask_password(data: dict[str, Any]) -> Question:
    return Question(
        _("Choose a password ({rules}). I delete your message as soon as I have read it.").format(
            rules=_password_rules(account_programme(data))
        )
    )


def _ask_password_again(data: dict[str, Any]) -> Question:
    return Question(_("Enter the password again to confirm it:"))


def _ask_mobile(data: dict[str, Any]) -> Question:
    return Question(
        _("Your mobile number (11 digits). I will text you a 6-digit code:"),
        _reuse(data, KNOWN_MOBILE, "use_mobile"),
    )


def _ask_code(data: dict[str, Any]) -> Question:
    return Question(
        _("Enter the 6-digit code texted to {mobile}. It is valid for 5 minutes.").format(
            mobile=mask_mobile(str(data.get("mobile", "")))
        ),
        keyboards.code_sent(account_programme(data)),
    )


_QUESTIONS = {
    "real_name": _ask_name,
    "id_number": _ask_id_number,
    "username": _ask_username,
    "password": _ask_password,
    "password_confirm": _ask_password_again,
    "mobile": _ask_mobile,
    "sms_code": _ask_code,
}


def _register_questions() -> None:
    """Each programme's steps, numbered in its own order, share the questions above."""
    for steps in STEPS.values():
        for number, target in enumerate(steps, start=1):
            FLOW.add(target, number, len(steps))(_QUESTIONS[_field(target)])


_register_questions()


async def start(turn: Turn, code: str, known: registration.KnownFields | None) -> None:
    data: dict[str, Any] = {"programme": code} | reuse_offer(known)
    await turn.state.set_data(data)
    intro = _("Registration for {programme}. Have your ID card and your mobile phone at hand.").format(
        programme=programme(code).official_name
    )
    await FLOW.ask(turn.bot, turn.state, STEPS[code][0], intro)


async def _programme(turn: Turn) -> str:
    return account_programme(await turn.data())


async def _ask(turn: Turn, field: str, note: str | None = None) -> None:
    """Ask this programme's question for ``field``."""
    await FLOW.ask(turn.bot, turn.state, _step(await _programme(turn), field), note)


async def _go_on(turn: Turn, field: str) -> None:
    """Ask the question after ``field`` in this programme's order, or create the account."""
    following = _following(await _programme(turn), field)
    if following is None:
        await _finish(turn)
    else:
        await FLOW.ask(turn.bot, turn.state, following)


async def _take_name(turn: Turn, raw: str) -> None:
    name = parse_real_name(raw)
    if isinstance(name, Problem):
        await turn.say(render.problem(name))
        return
    await turn.state.update_data(real_name=name)
    await _go_on(turn, "real_name")


async def _take_id_number(turn: Turn, raw: str) -> None:
    code = await _programme(turn)
    outcome = await registration.check_identity(turn.uow, code, raw, turn.clock.now().date())
    if isinstance(outcome, Problem):
        await turn.say(render.problem(outcome))
    elif isinstance(outcome, registration.IdAlreadyRegistered):
        await turn.state.clear()
        await turn.say(
            _(
                "This ID number is already registered. One ID number can hold only one account: "
                "if it is yours, recover its password."
            ),
            keyboards.log_in_or_recover(code),
        )
    else:
        await turn.state.update_data(id_number=outcome.number)
        await _go_on(turn, "id_number")


async def _take_mobile(turn: Turn, raw: str) -> None:
    mobile = parse_mobile(raw)
    if isinstance(mobile, Problem):
        await turn.say(render.problem(mobile))
        return
    await turn.state.update_data(mobile=mobile)
    await _send_code(turn, mobile)


async def _send_code(turn: Turn, mobile: str) -> None:
    outcome = await send_code(turn.uow, turn.clock, turn.sms, turn.user_id, SmsPurpose.REGISTER, mobile)
    if isinstance(outcome, CodeSent):
        await _ask(turn, "sms_code")
    else:
        await refuse_code(turn, outcome, await _programme(turn))


def get_router() -> Router:
    router = Router(name="registration")
    ours = F.code.in_(SMS_PROGRAMMES)

    @router.callback_query(AccountCb.filter((F.action == "register") & ours))
    async def on_register(query: CallbackQuery, callback_data: AccountCb, turn: Turn) -> None:
        await query.answer()
        code = callback_data.code
        account = await registration.account_of(turn.uow, turn.user_id, code)
        if account is not None:
            await turn.say(
                _("This chat already holds the account {username}.").format(
                    username=registration.login_name(account)
                )
            )
            return
        await start(turn, code, await registration.known_fields(turn.uow, turn.user_id, code))

    @router.message(_at("real_name"), F.text)
    async def on_name(message: Message, turn: Turn) -> None:
        await _take_name(turn, message.text or "")

    @router.callback_query(_at("real_name"), AccountCb.filter((F.action == "use_name") & ours))
    async def on_use_name(query: CallbackQuery, turn: Turn) -> None:
        known = await known_pressed(query, turn)
        if known is not None:
            await _take_name(turn, known.real_name)

    @router.message(_at("id_number"), F.text)
    async def on_id_number(message: Message, turn: Turn) -> None:
        await _take_id_number(turn, message.text or "")

    @router.callback_query(_at("id_number"), AccountCb.filter((F.action == "use_id") & ours))
    async def on_use_id(query: CallbackQuery, turn: Turn) -> None:
        known = await known_pressed(query, turn)
        if known is not None:
            await _take_id_number(turn, known.id_number)

    @router.message(_at("username"), F.text)
    async def on_username(message: Message, turn: Turn) -> None:
        username = await registration.check_username(turn.uow, await _programme(turn), message.text or "")
        if isinstance(username, Problem):
            await message.answer(render.problem(username))
            return
        await turn.state.update_data(username=username)
        await _go_on(turn, "username")

    @router.message(_at("password"))
    async def on_password(message: Message, turn: Turn) -> None:
        if await take_new_password(message, turn, programme(await _programme(turn)).password_policy):
            await _go_on(turn, "password")

    @router.message(_at("password_confirm"))
    async def on_password_again(message: Message, turn: Turn) -> None:
        if await password_confirmed(message, turn):
            await _go_on(turn, "password_confirm")
        else:
            await _ask(turn, "password", _("The two passwords differ. Please choose again."))

    @router.message(_at("mobile"), F.text)
    async def on_mobile(message: Message, turn: Turn) -> None:
        await _take_mobile(turn, message.text or "")

    @router.callback_query(_at("mobile"), AccountCb.filter((F.action == "use_mobile") & ours))
    async def on_use_mobile(query: CallbackQuery, turn: Turn) -> None:
        known = await known_pressed(query, turn)
        if known is not None:
            await _take_mobile(turn, known.mobile)

    @router.callback_query(_at("sms_code"), AccountCb.filter((F.action == "resend") & ours))
    async def on_resend(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await _send_code(turn, str((await turn.data()).get("mobile", "")))

    @router.callback_query(_at("sms_code"), AccountCb.filter((F.action == "mobile") & ours))
    async def on_change_mobile(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await _ask(turn, "mobile")

    @router.message(_at("sms_code"), F.text)
    async def on_code(message: Message, turn: Turn) -> None:
        if await check_code(turn, SmsPurpose.REGISTER, message.text or "", await _programme(turn)):
            await _go_on(turn, "sms_code")

    return router


async def _finish(turn: Turn) -> None:
    data = await turn.data()
    code = account_programme(data)
    by_id_number = programme(code).login_by_id_number
    draft = registration.RegistrationDraft(
        real_name=data["real_name"],
        id_number=data["id_number"],
        username=data["id_number"] if by_id_number else data["username"],
        password_hash=data["password_hash"],
        mobile=data["mobile"],
    )
    outcome = await registration.register(turn.uow, turn.clock, turn.user_id, code, draft)
    if isinstance(outcome, Problem):  # a username taken meanwhile (programmes with usernames only)
        await _ask(turn, "id_number" if by_id_number else "username", render.problem(outcome))
    elif isinstance(outcome, registration.MobileNotVerified):
        await _ask(turn, "mobile")
    elif isinstance(outcome, registration.IdAlreadyRegistered):
        await turn.state.clear()
        await turn.say(
            _("This ID number was registered meanwhile. Recover the password if the account is yours."),
            keyboards.log_in_or_recover(code),
        )
    elif by_id_number:
        await turn.state.clear()
        await turn.say(
            _(
                "Registration complete. You log in with your ID number, {id_number}. Keep your password safe."
            ).format(id_number=registration.login_name(outcome))
        )
    else:
        await turn.state.clear()
        await turn.say(
            _("Registration complete. Your login name is {username}. Keep your password safe.").format(
                username=outcome.username
            )
        )
