"""Account registration in chat, per programme.

广东住培 (seed 000 §一): name + ID number, username + password, mobile + SMS code.
天津高职升本 (seed 002, 考生注册): name, ID number, mobile + SMS code, password; the ID number is the
login name. Fields an account of another programme of this chat already knows (name, ID number,
mobile) are offered with one button each and copied only when it is pressed.
"""

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.account_steps import password_confirmed, sms_refusal, take_new_password
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.states import GdRegistration, TjRegistration
from domain import registration
from domain.accounts import CodeAccepted, CodeSent, confirm_code, send_code
from domain.clock import Clock
from domain.masking import mask_id_number, mask_mobile
from domain.model import ChatUser, SmsPurpose
from domain.names import parse_real_name
from domain.phones import parse_mobile
from domain.ports import SmsSender, UnitOfWork
from domain.problems import Problem
from domain.programmes import programme
from domain.text import N_

GD = "gd-residency"
TJ = "tj-upgrade"
ACCOUNT_PROGRAMMES = (GD, TJ)  # the programmes whose accounts are registered in this bot
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

# Form data of the reuse offer: the programme of the other account and what the buttons show.
KNOWN_FROM, KNOWN_NAME, KNOWN_ID, KNOWN_MOBILE = "known_from", "known_name", "known_id", "known_mobile"


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


def _code(data: dict[str, Any]) -> str:
    code = str(data.get("programme", GD))
    return code if code in STEPS else GD


def _password_rules(code: str) -> str:
    policy = programme(code).password_policy
    return _("{min}–{max} characters, with at least one letter and one digit").format(
        min=policy.min_length, max=policy.max_length
    )


def _reuse(data: dict[str, Any], key: str, action: str) -> InlineKeyboardMarkup | None:
    """One button offering the value another account of this chat knows; None when there is none."""
    shown = str(data.get(key) or "")
    source = data.get(KNOWN_FROM)
    if not shown or not source:
        return None
    label = _("Use {value} (from {programme})").format(
        value=shown, programme=programme(str(source)).official_name
    )
    return keyboards.reuse(_code(data), label, action)


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
            rules=_password_rules(_code(data))
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
        keyboards.code_sent(_code(data)),
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


async def start(bot: Bot, state: FSMContext, code: str, known: registration.KnownFields | None) -> None:
    data: dict[str, Any] = {"programme": code}
    if known is not None:  # only what the buttons show; the values are read again when pressed
        data |= {
            KNOWN_FROM: known.programme,
            KNOWN_NAME: known.real_name,
            KNOWN_ID: mask_id_number(known.id_number) if known.id_number else "",
            KNOWN_MOBILE: mask_mobile(known.mobile) if known.mobile else "",
        }
    await state.set_data(data)
    intro = _("Registration for {programme}. Have your ID card and your mobile phone at hand.").format(
        programme=programme(code).official_name
    )
    await FLOW.ask(bot, state, STEPS[code][0], intro)


async def _go_on(
    bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser, field: str
) -> None:
    """Ask the question after ``field`` in this programme's order, or create the account."""
    following = _following(_code(await state.get_data()), field)
    if following is None:
        await _finish(bot, state, uow, clock, user)
    else:
        await FLOW.ask(bot, state, following)


async def _say(bot: Bot, state: FSMContext, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await bot.send_message(state.key.chat_id, text, reply_markup=markup)


async def _take_name(
    raw: str, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
) -> None:
    name = parse_real_name(raw)
    if isinstance(name, Problem):
        await _say(bot, state, render.problem(name))
        return
    await state.update_data(real_name=name)
    await _go_on(bot, state, uow, clock, user, "real_name")


async def _take_id_number(
    raw: str, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
) -> None:
    code = _code(await state.get_data())
    outcome = await registration.check_identity(uow, code, raw, clock.now().date())
    if isinstance(outcome, Problem):
        await _say(bot, state, render.problem(outcome))
    elif isinstance(outcome, registration.IdAlreadyRegistered):
        await state.clear()
        await _say(
            bot,
            state,
            _(
                "This ID number is already registered. One ID number can hold only one account: "
                "if it is yours, recover its password."
            ),
            keyboards.log_in_or_recover(code),
        )
    else:
        await state.update_data(id_number=outcome.number)
        await _go_on(bot, state, uow, clock, user, "id_number")


async def _take_mobile(
    raw: str, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, sender: SmsSender, user: ChatUser
) -> None:
    mobile = parse_mobile(raw)
    if isinstance(mobile, Problem):
        await _say(bot, state, render.problem(mobile))
        return
    await state.update_data(mobile=mobile)
    await _send_code(bot, state, uow, clock, sender, user, mobile)


async def _known(
    query: CallbackQuery, state: FSMContext, uow: UnitOfWork, user: ChatUser
) -> registration.KnownFields | None:
    """The values of the reuse offer, read again from the other account (never from the button)."""
    data = await state.get_data()
    known = await registration.known_fields(uow, user.id or 0, _code(data))
    if known is not None and known.programme != data.get(KNOWN_FROM):  # not the account the button named
        known = None
    if known is None:
        await query.answer(_("That account is no longer held by this chat. Please type the answer."))
    else:
        await query.answer()
    return known


def get_router() -> Router:
    router = Router(name="registration")
    ours = F.code.in_(ACCOUNT_PROGRAMMES)

    @router.callback_query(AccountCb.filter((F.action == "register") & ours))
    async def on_register(
        query: CallbackQuery,
        callback_data: AccountCb,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        user: ChatUser,
    ) -> None:
        await query.answer()
        code = callback_data.code
        account = await registration.account_of(uow, user.id or 0, code)
        if account is not None:
            await bot.send_message(
                state.key.chat_id,
                _("This chat already holds the account {username}.").format(
                    username=registration.login_name(account)
                ),
            )
            return
        await start(bot, state, code, await registration.known_fields(uow, user.id or 0, code))

    @router.message(_at("real_name"), F.text)
    async def on_name(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        await _take_name(message.text or "", bot, state, uow, clock, user)

    @router.callback_query(_at("real_name"), AccountCb.filter((F.action == "use_name") & ours))
    async def on_use_name(
        query: CallbackQuery, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        known = await _known(query, state, uow, user)
        if known is not None:
            await _take_name(known.real_name, bot, state, uow, clock, user)

    @router.message(_at("id_number"), F.text)
    async def on_id_number(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        await _take_id_number(message.text or "", bot, state, uow, clock, user)

    @router.callback_query(_at("id_number"), AccountCb.filter((F.action == "use_id") & ours))
    async def on_use_id(
        query: CallbackQuery, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        known = await _known(query, state, uow, user)
        if known is not None:
            await _take_id_number(known.id_number, bot, state, uow, clock, user)

    @router.message(_at("username"), F.text)
    async def on_username(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        code = _code(await state.get_data())
        username = await registration.check_username(uow, code, message.text or "")
        if isinstance(username, Problem):
            await message.answer(render.problem(username))
            return
        await state.update_data(username=username)
        await _go_on(bot, state, uow, clock, user, "username")

    @router.message(_at("password"))
    async def on_password(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        code = _code(await state.get_data())
        if await take_new_password(message, state, programme(code).password_policy):
            await _go_on(bot, state, uow, clock, user, "password")

    @router.message(_at("password_confirm"))
    async def on_password_again(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        if await password_confirmed(message, state):
            await _go_on(bot, state, uow, clock, user, "password_confirm")
        else:
            code = _code(await state.get_data())
            await FLOW.ask(
                bot, state, _step(code, "password"), _("The two passwords differ. Please choose again.")
            )

    @router.message(_at("mobile"), F.text)
    async def on_mobile(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        await _take_mobile(message.text or "", bot, state, uow, clock, sms_sender, user)

    @router.callback_query(_at("mobile"), AccountCb.filter((F.action == "use_mobile") & ours))
    async def on_use_mobile(
        query: CallbackQuery,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        known = await _known(query, state, uow, user)
        if known is not None:
            await _take_mobile(known.mobile, bot, state, uow, clock, sms_sender, user)

    @router.callback_query(_at("sms_code"), AccountCb.filter((F.action == "resend") & ours))
    async def on_resend(
        query: CallbackQuery,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        await query.answer()
        mobile = str((await state.get_data()).get("mobile", ""))
        await _send_code(bot, state, uow, clock, sms_sender, user, mobile)

    @router.callback_query(_at("sms_code"), AccountCb.filter((F.action == "mobile") & ours))
    async def on_change_mobile(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        await FLOW.ask(bot, state, _step(_code(await state.get_data()), "mobile"))

    @router.message(_at("sms_code"), F.text)
    async def on_code(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        outcome = await confirm_code(uow, clock, user.id or 0, SmsPurpose.REGISTER, message.text or "")
        if not isinstance(outcome, CodeAccepted):
            code = _code(await state.get_data())
            await message.answer(sms_refusal(outcome), reply_markup=keyboards.code_sent(code))
            return
        await _go_on(bot, state, uow, clock, user, "sms_code")

    return router


async def _send_code(
    bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, sender: SmsSender, user: ChatUser, mobile: str
) -> None:
    code = _code(await state.get_data())
    outcome = await send_code(uow, clock, sender, user.id or 0, SmsPurpose.REGISTER, mobile)
    if isinstance(outcome, CodeSent):
        await FLOW.ask(bot, state, _step(code, "sms_code"))
    else:
        await _say(bot, state, sms_refusal(outcome), keyboards.code_sent(code))


async def _finish(bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser) -> None:
    data = await state.get_data()
    code = _code(data)
    by_id_number = programme(code).login_by_id_number
    draft = registration.RegistrationDraft(
        real_name=data["real_name"],
        id_number=data["id_number"],
        username=data["id_number"] if by_id_number else data["username"],
        password_hash=data["password_hash"],
        mobile=data["mobile"],
    )
    outcome = await registration.register(uow, clock, user.id or 0, code, draft)
    if isinstance(outcome, Problem):  # a username taken meanwhile (programmes with usernames only)
        await FLOW.ask(
            bot, state, _step(code, "id_number" if by_id_number else "username"), render.problem(outcome)
        )
    elif isinstance(outcome, registration.MobileNotVerified):
        await FLOW.ask(bot, state, _step(code, "mobile"))
    elif isinstance(outcome, registration.IdAlreadyRegistered):
        await state.clear()
        await _say(
            bot,
            state,
            _("This ID number was registered meanwhile. Recover the password if the account is yours."),
            keyboards.log_in_or_recover(code),
        )
    elif by_id_number:
        await state.clear()
        await _say(
            bot,
            state,
            _(
                "Registration complete. You log in with your ID number, {id_number}. Keep your password safe."
            ).format(id_number=registration.login_name(outcome)),
        )
    else:
        await state.clear()
        await _say(
            bot,
            state,
            _("Registration complete. Your login name is {username}. Keep your password safe.").format(
                username=outcome.username
            ),
        )
