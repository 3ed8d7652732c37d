"""同等学力申硕 accounts (seed 003 §二–§五): the agreement, the registration form, activation by e-mail,
recovery by e-mail.

One question per message in the seed's order; every answer is checked by domain/fields.py and kept
at once. A review page lists the answers (masked) with an edit button each, and warns that the name
cannot be changed later, before 提交 creates the account. The activation e-mail holds a deep link
(``/start act_<token>``) and a code for this chat; the recovery e-mail likewise (``pwd_<token>``).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.account_steps import (
    KNOWN_ID,
    KNOWN_MOBILE,
    KNOWN_NAME,
    known_pressed,
    password_confirmed,
    reuse_label,
    reuse_offer,
    sms_refusal,
    take_new_password,
    tell_previous_holder,
)
from dialogs.keyboards import AccountCb, DegreeCb
from dialogs.prompts import Flow, Question
from dialogs.states import DegreeActivation, DegreeRecovery, DegreeRegistration
from dialogs.turn import Turn
from domain import email_accounts, fields, regions, sms
from domain.email_accounts import DEGREE, EmailToSend
from domain.emails import EmailDeliveryError, OutgoingEmail
from domain.masking import mask_email, mask_id_number, mask_mobile, mask_phone
from domain.model import Account, EmailPurpose
from domain.names import parse_real_name
from domain.phones import parse_mobile
from domain.problems import Problem
from domain.programmes import programme
from domain.registration import IdAlreadyRegistered, Recovered, check_username, known_fields
from domain.text import N_

ACTIVATE, RECOVER = "act_", "pwd_"  # deep-link prefixes
FIELDS = DegreeRegistration.__states__[1:-1]  # the form, without the agreement and the review
TOTAL = len(FIELDS) + 1  # the review is the last step
FLOW = Flow(N_("registration"))
ACTIVATION_FLOW = Flow(N_("activation"))
RECOVERY_FLOW = Flow(N_("password recovery"))
COMMON_REGIONS = ("CN", "HK", "MO", "TW")  # offered as buttons; any other is typed
# After these answers comes their confirmation (or the number of the chosen document), also when
# the answer is an edit from the review page.
FOLLOWED_BY = {"password": "password_confirm", "email": "email_confirm", "id_type": "id_number"}
FOLLOWED_BY["id_number"] = "id_number_confirm"
# A confirmation that differs sends the applicant back to the first entry.
CONFIRMS = {"email_confirm": "email", "id_number_confirm": "id_number"}
EDITING = "editing"  # answering from the review page: back to it after the answer
CORRECTING = "correcting_email"  # a new address for an account waiting for activation


def _name(target: State) -> str:
    return str(target.state).rpartition(":")[2]


def _state(field: str) -> State:
    return next(target for target in DegreeRegistration.__all_states__ if _name(target) == field)


def _programme_name() -> str:
    return programme(DEGREE).official_name


def _id_type(data: dict[str, Any]) -> fields.IdType:
    return fields.IdType(data.get("id_type", fields.DEFAULT_ID_TYPE))


def _use_mobile(data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    mobile = str(data.get("mobile", ""))
    if not mobile:
        return None
    label = _("Use my mobile {mobile}").format(mobile=mask_mobile(mobile))
    return keyboards.degree_actions((label, "mobile", ""))


def _reuse(data: dict[str, Any], key: str) -> InlineKeyboardMarkup | None:
    label = reuse_label(data, key)
    return None if label is None else keyboards.degree_actions((label, "reuse", ""))


QUESTIONS: dict[str, Callable[[dict[str, Any]], Question]] = {
    "username": lambda data: Question(
        _(
            "Choose a username. An e-mail address is suggested, since it is unique "
            "(up to 64 characters; or letters, digits and _ starting with a letter):"
        )
    ),
    "password": lambda data: Question(
        _(
            "Choose a password of letters and digits, with at least one of each ({min}–{max} characters). "
            "I delete your message as soon as I have read it."
        ).format(
            min=programme(DEGREE).password_policy.min_length, max=programme(DEGREE).password_policy.max_length
        )
    ),
    "password_confirm": lambda data: Question(_("Enter the password again to confirm it:")),
    "email": lambda data: Question(
        _(
            "Your e-mail address. The activation e-mail goes there: with a wrong address the account can "
            "never be activated. Hotmail and Yahoo addresses cannot be used."
        )
    ),
    "email_confirm": lambda data: Question(_("Enter the e-mail address again to confirm it:")),
    "mobile": lambda data: Question(
        _("Your own mobile number (11 digits): it is used for password recovery and SMS notices."),
        _reuse(data, KNOWN_MOBILE),
    ),
    "real_name": lambda data: Question(
        _("Your real name, as on your ID document. It cannot be changed after registration."),
        _reuse(data, KNOWN_NAME),
    ),
    "region": lambda data: Question(
        _("Your country or region: choose it, or type its name."),
        keyboards.degree_actions(
            *((regions.region(code).name_zh, "region", code) for code in COMMON_REGIONS), columns=2
        ),
    ),
    "id_type": lambda data: Question(
        _("The type of your ID document:"),
        keyboards.degree_actions(
            *((_(label), "id_type", kind.value) for kind, label in fields.ID_TYPE_LABELS.items())
        ),
    ),
    "id_number": lambda data: Question(
        _("The number of your {document}:").format(document=_(fields.ID_TYPE_LABELS[_id_type(data)])),
        _reuse(data, KNOWN_ID) if _id_type(data) is fields.IdType.RESIDENT_ID else None,
    ),
    "id_number_confirm": lambda data: Question(_("Enter the number again to confirm it:")),
    "address": lambda data: Question(_("Your postal address:")),
    "postcode": lambda data: Question(_("The 6-digit postcode of this address:")),
    "day_phone": lambda data: Question(
        _(
            "Your phone during working hours: area code and number without a hyphen, such as 01062961234, "
            "or a mobile number."
        ),
        _use_mobile(data),
    ),
    "evening_phone": lambda data: Question(
        _("Your phone outside working hours, in the same format:"), _use_mobile(data)
    ),
}


EDIT_LABELS = {
    "username": N_("Username"),
    "password": N_("Password"),
    "email": N_("E-mail address"),
    "mobile": N_("Mobile"),
    "real_name": N_("Real name"),
    "region": N_("Country or region"),
    "id_type": N_("ID type"),
    "id_number": N_("ID number"),
    "address": N_("Postal address"),
    "postcode": N_("Postcode"),
    "day_phone": N_("Phone, working hours"),
    "evening_phone": N_("Phone, outside working hours"),
}
EDITABLE = tuple(EDIT_LABELS)
DRAFT_FIELDS = tuple("password_hash" if field == "password" else field for field in EDITABLE)


def _shown(field: str, value: str) -> str:
    """An answer as the review page shows it: personal data masked, codes by their names."""
    match field:
        case "username":
            return _shown_username(value)
        case "email":
            return mask_email(value)
        case "mobile":
            return mask_mobile(value)
        case "id_number":
            return mask_id_number(value)
        case "day_phone" | "evening_phone":
            return mask_phone(value)
        case "region":
            found = regions.find_region(value)
            return found.name_zh if found else ""
        case "id_type":
            return _(fields.ID_TYPE_LABELS[fields.IdType(value or fields.DEFAULT_ID_TYPE)])
    return value


def _register_questions() -> None:
    for number, target in enumerate(FIELDS, start=1):
        FLOW.add(target, number, TOTAL)(QUESTIONS[_name(target)])
    FLOW.add(DegreeRegistration.review, TOTAL, TOTAL)(_review)


def _review(data: dict[str, Any]) -> Question:
    rows = ((field, str(data.get(field) or "")) for field in EDITABLE if field != "password")
    lines = [
        _("Check your registration:"),
        *(_("{label}: {value}").format(label=_(EDIT_LABELS[f]), value=_shown(f, value)) for f, value in rows),
        "",
    ]
    lines.append(
        _(
            "⚠️ Your name “{name}” cannot be changed after registration. Is it exactly as on your ID document?"
        ).format(name=data.get("real_name", ""))
    )
    return Question(
        "\n".join(lines),
        keyboards.degree_actions((_("Submit"), "submit", ""), (_("Change an answer"), "edit", "")),
    )


_register_questions()


@ACTIVATION_FLOW.add(DegreeActivation.code, 1, 1)
def _ask_activation(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "I e-mailed an activation link to {email}. Open it within 24 hours, until {time}, "
            "or type here the 6-digit code from the e-mail. No e-mail? Look in the spam folder too."
        ).format(email=data.get("masked_email", ""), time=data.get("link_expires", "")),
        _activation_buttons(),
    )


def _activation_buttons() -> InlineKeyboardMarkup:
    return keyboards.degree_actions(
        (_("Send the e-mail again"), "resend", ""), (_("Correct the e-mail address"), "email", "")
    )


@RECOVERY_FLOW.add(DegreeRecovery.identifier, 1, 3)
def _ask_identifier(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "Password recovery. I e-mail a link and a code to the address you registered with; "
            "I never send a password. Enter your username or ID number:"
        )
    )


@RECOVERY_FLOW.add(DegreeRecovery.code, 2, 3)
def _ask_recovery_code(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "I e-mailed a link and a code to {email}. Open the link, or type here the 6-digit code; "
            "both are valid for one hour."
        ).format(email=data.get("masked_email", ""))
    )


@RECOVERY_FLOW.add(DegreeRecovery.new_password, 3, 3)
def _ask_new_password(data: dict[str, Any]) -> Question:
    return QUESTIONS["password"](data)


def _shown_username(username: str) -> str:
    return mask_email(username) if "@" in username else username


# ---------------------------------------------------------------------------------------------------
# Answers: each returns the value to keep, or a Problem.

Parser = Callable[[Turn, str, dict[str, Any]], Awaitable[object]]


async def _username(turn: Turn, raw: str, data: dict[str, Any]) -> object:
    return await check_username(turn.uow, DEGREE, raw)


def _pure(parse: Callable[[str], object]) -> Parser:
    """A parser that needs nothing but the answer."""

    async def parser(turn: Turn, raw: str, data: dict[str, Any]) -> object:
        return parse(raw)

    return parser


async def _email_again(turn: Turn, raw: str, data: dict[str, Any]) -> object:
    return fields.emails_match(str(data.get("email", "")), raw) or fields.normalise_email(raw)


def _region(raw: str) -> object:
    found = regions.parse_region(raw)
    return found if isinstance(found, Problem) else found.code


async def _id_number(turn: Turn, raw: str, data: dict[str, Any]) -> object:
    return await email_accounts.check_id_number(turn.uow, _id_type(data), raw, turn.clock.now().date())


async def _id_number_again(turn: Turn, raw: str, data: dict[str, Any]) -> object:
    return fields.ids_match(str(data.get("id_number", "")), raw) or data.get("id_number")


PARSERS: dict[str, Parser] = {
    "username": _username,
    "email": _pure(email_accounts.parse_email),
    "email_confirm": _email_again,
    "mobile": _pure(parse_mobile),
    "real_name": _pure(parse_real_name),
    "region": _pure(_region),
    "id_number": _id_number,
    "id_number_confirm": _id_number_again,
    "address": _pure(fields.parse_address),
    "postcode": _pure(fields.parse_postcode),
    "day_phone": _pure(fields.parse_contact_phone),
    "evening_phone": _pure(fields.parse_contact_phone),
}


async def start(turn: Turn) -> None:
    known = await known_fields(turn.uow, turn.user_id, DEGREE)
    await turn.state.set_data({"programme": DEGREE} | reuse_offer(known))
    await turn.state.set_state(DegreeRegistration.agreement)
    await turn.say(
        _(
            "Registration for {programme}. First read the platform's new user agreement (《新用户注册协议》) "
            "on its registration page. In short: what you enter must be true and your own; your real "
            "name cannot be changed later; the account is activated through an e-mail within 24 hours, "
            "and an account not activated is deleted after one week. Do you accept the agreement?"
        ).format(programme=_programme_name()),
        keyboards.degree_actions((_("I agree (我遵守)"), "agree", ""), (_("I do not agree"), "disagree", "")),
    )


async def _go_on(turn: Turn, field: str) -> None:
    """Ask what comes after ``field``: its confirmation, the next question, or the review page."""
    data = await turn.data()
    if field == "email_confirm" and data.get(CORRECTING):
        await _resend(turn, str(data["email"]))
        return
    following = FOLLOWED_BY.get(field)
    if following is None and not data.get(EDITING):
        index = [_name(target) for target in FIELDS].index(field) + 1
        following = _name(FIELDS[index]) if index < len(FIELDS) else None
    await FLOW.ask(turn.bot, turn.state, _state(following) if following else DegreeRegistration.review)


async def _keep(turn: Turn, field: str, value: object) -> None:
    await turn.state.update_data({field: value})
    await _go_on(turn, field)


async def _id_taken(turn: Turn, outcome: IdAlreadyRegistered | email_accounts.AwaitingActivation) -> None:
    await turn.state.clear()
    if isinstance(outcome, IdAlreadyRegistered):
        await turn.say(
            _(
                "This ID number is already registered. One ID number can hold only one account: "
                "if it is yours, recover its password."
            ),
            keyboards.log_in_or_recover(DEGREE),
        )
        return
    await turn.say(
        _(
            "An account with this ID number is waiting for activation. Open the link of its activation "
            "e-mail, or send a new one from the chat where you registered. If it is never activated, it "
            "is deleted at {time}, and you can register again."
        ).format(time=render.beijing_time(outcome.purge_at))
    )


async def send_email(turn: Turn, email: EmailToSend) -> bool:
    """Write the e-mail in the applicant's language and hand it to the mail server; False (and the
    applicant told) when the server refused it. The account and the challenge are kept either way."""
    payload = (ACTIVATE if email.purpose is EmailPurpose.ACTIVATE else RECOVER) + email.token
    link = await create_start_link(turn.bot, payload)
    account = email.account
    values = {
        "name": account.real_name,
        "programme": _programme_name(),
        "username": account.username,
        "link": link,
        "code": email.code,
        "time": render.beijing_time(email.expires_at),
    }
    if email.purpose is EmailPurpose.ACTIVATE:
        subject = _("Activate your account of {programme}").format(**values)
        text = _(
            "Dear {name},\n\n"
            "you registered the account {username} of {programme} with 报名助手.\n"
            "To activate it, open this link on a device with Telegram before {time}:\n{link}\n\n"
            "Or type this code in the chat where you registered: {code}\n\n"
            "If you did not register, ignore this e-mail: an account that is not activated is deleted "
            "after one week.\n\n报名助手"
        ).format(**values)
    else:
        subject = _("Reset the password of your account of {programme}").format(**values)
        text = _(
            "Dear {name},\n\n"
            "someone asked to reset the password of the account {username} of {programme}.\n"
            "To choose a new password, open this link on a device with Telegram before {time}:\n{link}\n\n"
            "Or type this code in the chat where you asked: {code}\n\n"
            "We never send passwords. If you did not ask, ignore this e-mail: your password stays as it is."
            "\n\n报名助手"
        ).format(**values)
    try:
        await turn.mail.send(OutgoingEmail(to=account.email or "", subject=subject, text=text))
    except EmailDeliveryError:
        await turn.say(
            _("I could not send the e-mail just now. Nothing is lost: try again in a minute."),
            _activation_buttons() if email.purpose is EmailPurpose.ACTIVATE else None,
        )
        return False
    return True


async def _submit(turn: Turn) -> None:
    data = await turn.data()
    missing = next((field for field in DRAFT_FIELDS if not data.get(field)), None)
    if missing is not None:  # an answer dropped by an edit (a new ID type needs its number again)
        field = "password" if missing == "password_hash" else missing
        await FLOW.ask(turn.bot, turn.state, _state(field))
        return
    draft = email_accounts.DegreeDraft(**{field: str(data[field]) for field in DRAFT_FIELDS})
    outcome = await email_accounts.register(turn.uow, turn.clock, turn.user_id, draft)
    if isinstance(outcome, Problem):  # the username was taken meanwhile
        await turn.state.update_data({EDITING: True})
        await FLOW.ask(turn.bot, turn.state, DegreeRegistration.username, render.problem(outcome))
    elif isinstance(outcome, IdAlreadyRegistered | email_accounts.AwaitingActivation):
        await _id_taken(turn, outcome)
    else:
        await _wait_for_activation(turn, outcome, _("Registration submitted."))


async def _wait_for_activation(turn: Turn, email: EmailToSend, note: str) -> None:
    await turn.state.set_data(
        {
            "programme": DEGREE,
            "masked_email": mask_email(email.account.email or ""),
            "link_expires": render.beijing_time(email.expires_at),
        }
    )
    if await send_email(turn, email):
        await ACTIVATION_FLOW.ask(turn.bot, turn.state, DegreeActivation.code, note)
    else:
        await turn.state.set_state(DegreeActivation.code)


def _activated_text(account: Account, by_holder: bool) -> str:
    if by_holder:
        return _(
            "Your account {username} of {programme} is activated. /status shows what comes next."
        ).format(username=_shown_username(account.username), programme=_programme_name())
    return _(
        "The account {username} of {programme} is activated. It stays with the Telegram account where it "
        "was registered; to use it from this one, log in."
    ).format(username=_shown_username(account.username), programme=_programme_name())


def _email_refusal(outcome: email_accounts.TooManyEmails | email_accounts.NothingToActivate) -> str:
    if isinstance(outcome, email_accounts.TooManyEmails):
        return _("An e-mail was sent a short while ago. The next one can be sent after {time}.").format(
            time=render.beijing_time(outcome.until)
        )
    if outcome.account is not None:
        return _("Your account {username} is already activated.").format(
            username=_shown_username(outcome.account.username)
        )
    return _("No account of this chat is waiting for activation. /start shows what you can do.")


async def _resend(turn: Turn, new_email: str | None = None) -> None:
    outcome = await email_accounts.resend_activation(turn.uow, turn.clock, turn.user_id, new_email)
    if isinstance(outcome, EmailToSend):
        await _wait_for_activation(turn, outcome, _("A new activation e-mail is on its way."))
    else:
        await turn.say(_email_refusal(outcome))


def get_links_router() -> Router:
    """The deep links of the e-mails. Before the commands' /start, which shows the menu."""
    router = Router(name="degree-links")

    @router.message(CommandStart(deep_link=True, magic=F.args.startswith(ACTIVATE)))
    async def on_activation_link(message: Message, command: CommandObject, turn: Turn) -> None:
        token = (command.args or "").removeprefix(ACTIVATE)
        outcome = await email_accounts.activate_with_link(turn.uow, turn.clock, turn.user_id, token)
        match outcome:
            case email_accounts.Activated(account=account, by_holder=by_holder):
                if by_holder and await turn.state.get_state() == DegreeActivation.code.state:
                    await turn.state.clear()
                await message.answer(
                    _activated_text(account, by_holder),
                    reply_markup=None if by_holder else keyboards.log_in_or_recover(DEGREE),
                )
            case email_accounts.NothingToActivate():
                await message.answer(_email_refusal(outcome))
            case email_accounts.LinkExpired(account=account) if account.user_id == turn.user_id:
                await message.answer(
                    _(
                        "This link has expired: activation links are valid for 24 hours. Your account is "
                        "kept until {time}: send a new activation e-mail."
                    ).format(time=render.beijing_time(email_accounts.purge_at(account))),
                    reply_markup=_activation_buttons(),
                )
            case email_accounts.LinkExpired(account=account):
                await message.answer(
                    _(
                        "This link has expired: activation links are valid for 24 hours. Send a new "
                        "activation e-mail from the chat where you registered. An account not activated is "
                        "deleted at {time}; then you can register again."
                    ).format(time=render.beijing_time(email_accounts.purge_at(account)))
                )
            case _:
                await message.answer(_invalid_link())

    @router.message(CommandStart(deep_link=True, magic=F.args.startswith(RECOVER)))
    async def on_recovery_link(message: Message, command: CommandObject, turn: Turn) -> None:
        token = (command.args or "").removeprefix(RECOVER)
        outcome = await email_accounts.open_recovery_link(turn.uow, turn.clock, token)
        if isinstance(outcome, email_accounts.RecoveryProven):
            await _recovery_proven(turn, outcome)
        elif isinstance(outcome, email_accounts.LinkExpired):
            await message.answer(
                _("This link has expired: recovery links are valid for one hour. Ask for a new one."),
                reply_markup=keyboards.log_in_or_recover(DEGREE),
            )
        else:
            await message.answer(_invalid_link())

    return router


def _invalid_link() -> str:
    return _(
        "This link is not valid: it was already used, or its account was deleted after a week without "
        "activation. /start shows what you can do."
    )


async def _recovery_proven(turn: Turn, proven: email_accounts.RecoveryProven) -> None:
    await turn.state.set_data({"programme": DEGREE, "challenge_id": proven.challenge_id})
    note = _("Account {username}: choose a new password.").format(
        username=_shown_username(proven.account.username)
    )
    await RECOVERY_FLOW.ask(turn.bot, turn.state, DegreeRecovery.new_password, note)


def get_router() -> Router:
    router = Router(name="degree")
    ours = F.code == DEGREE

    @router.callback_query(AccountCb.filter((F.action == "register") & ours))
    async def on_register(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        async with turn.uow:
            account = await turn.uow.accounts.of_user(turn.user_id, DEGREE)
        if account is not None:
            await turn.say(
                _("This chat already holds the account {username}.").format(
                    username=_shown_username(account.username)
                )
            )
            return
        await start(turn)

    @router.callback_query(DegreeRegistration.agreement, DegreeCb.filter(F.action.in_({"agree", "disagree"})))
    async def on_agreement(query: CallbackQuery, callback_data: DegreeCb, turn: Turn) -> None:
        await query.answer()
        if callback_data.action == "disagree":
            await turn.state.clear()
            await turn.say(
                _(
                    "Without accepting the agreement the platform cannot register you, so I stop here. "
                    "/start whenever you change your mind."
                )
            )
            return
        await FLOW.ask(turn.bot, turn.state, FIELDS[0])

    @router.message(StateFilter(*(_state(field) for field in PARSERS)), F.text)
    async def on_answer(message: Message, turn: Turn) -> None:
        field = str(await turn.state.get_state()).rpartition(":")[2]
        await _take(turn, field, message.text or "")

    @router.message(DegreeRegistration.password)
    async def on_password(message: Message, turn: Turn) -> None:
        if await take_new_password(message, turn, programme(DEGREE).password_policy):
            await _go_on(turn, "password")

    @router.message(DegreeRegistration.password_confirm)
    async def on_password_again(message: Message, turn: Turn) -> None:
        if await password_confirmed(message, turn):
            await _go_on(turn, "password_confirm")
        else:
            note = _("The two passwords differ. Please choose again.")
            await FLOW.ask(turn.bot, turn.state, DegreeRegistration.password, note)

    @router.callback_query(DegreeRegistration.region, DegreeCb.filter(F.action == "region"))
    async def on_region(query: CallbackQuery, callback_data: DegreeCb, turn: Turn) -> None:
        await query.answer()
        await _take(turn, "region", callback_data.value)

    @router.callback_query(DegreeRegistration.id_type, DegreeCb.filter(F.action == "id_type"))
    async def on_id_type(query: CallbackQuery, callback_data: DegreeCb, turn: Turn) -> None:
        if callback_data.value not in set(fields.IdType):
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await turn.state.update_data({"id_number": None})  # a number of another document does not carry over
        await _keep(turn, "id_type", callback_data.value)

    @router.callback_query(
        StateFilter(DegreeRegistration.day_phone, DegreeRegistration.evening_phone),
        DegreeCb.filter(F.action == "mobile"),
    )
    async def on_use_mobile(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        field = str(await turn.state.get_state()).rpartition(":")[2]
        await _keep(turn, field, (await turn.data()).get("mobile"))

    @router.callback_query(
        StateFilter(DegreeRegistration.mobile, DegreeRegistration.real_name, DegreeRegistration.id_number),
        DegreeCb.filter(F.action == "reuse"),
    )
    async def on_reuse(query: CallbackQuery, turn: Turn) -> None:
        known = await known_pressed(query, turn)
        if known is not None:
            field = str(await turn.state.get_state()).rpartition(":")[2]
            values = {"mobile": known.mobile, "real_name": known.real_name, "id_number": known.id_number}
            await _take(turn, field, values[field], confirmed=True)

    @router.callback_query(DegreeRegistration.review, DegreeCb.filter(F.action == "edit"))
    async def on_edit(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await turn.say(
            _("Which answer do you want to change?"),
            keyboards.degree_actions(*((_(EDIT_LABELS[f]), "field", f) for f in EDITABLE), columns=2),
        )

    @router.callback_query(DegreeRegistration.review, DegreeCb.filter(F.action == "field"))
    async def on_edit_field(query: CallbackQuery, callback_data: DegreeCb, turn: Turn) -> None:
        if callback_data.value not in EDITABLE:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await turn.state.update_data({EDITING: True})
        await FLOW.ask(turn.bot, turn.state, _state(callback_data.value))

    @router.callback_query(DegreeRegistration.review, DegreeCb.filter(F.action == "submit"))
    async def on_submit(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await _submit(turn)

    @router.message(DegreeActivation.code, F.text)
    async def on_activation_code(message: Message, turn: Turn) -> None:
        outcome = await email_accounts.activate_with_code(
            turn.uow, turn.clock, turn.user_id, message.text or ""
        )
        if isinstance(outcome, email_accounts.Activated):
            await turn.state.clear()
            await message.answer(_activated_text(outcome.account, by_holder=True))
        elif isinstance(outcome, email_accounts.NothingToActivate):
            await turn.state.clear()
            await message.answer(_email_refusal(outcome))
        else:
            await message.answer(_code_refusal(outcome), reply_markup=_activation_buttons())

    @router.callback_query(DegreeCb.filter(F.action == "resend"))
    async def on_resend(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await _resend(turn)

    @router.callback_query(DegreeCb.filter(F.action == "email"))
    async def on_correct_email(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        async with turn.uow:
            account = await turn.uow.accounts.of_user(turn.user_id, DEGREE)
        if account is None or account.is_active:
            await turn.say(_email_refusal(email_accounts.NothingToActivate(account)))
            return
        await turn.state.set_data({"programme": DEGREE, CORRECTING: True})
        await FLOW.ask(turn.bot, turn.state, DegreeRegistration.email)

    @router.callback_query(AccountCb.filter((F.action == "recover") & ours))
    async def on_recover(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await turn.state.set_data({"programme": DEGREE})
        await RECOVERY_FLOW.ask(turn.bot, turn.state, DegreeRecovery.identifier)

    @router.message(DegreeRecovery.identifier, F.text)
    async def on_identifier(message: Message, turn: Turn) -> None:
        outcome = await email_accounts.start_recovery(turn.uow, turn.clock, turn.user_id, message.text or "")
        if outcome is None:
            await message.answer(
                _(
                    "No account of {programme} has this username or ID number. Check it and enter it again."
                ).format(programme=_programme_name())
            )
        elif isinstance(outcome, email_accounts.TooManyEmails):
            await message.answer(_email_refusal(outcome))
        else:
            await turn.state.update_data(
                {"account_id": outcome.account.id, "masked_email": mask_email(outcome.account.email or "")}
            )
            if await send_email(turn, outcome):
                await RECOVERY_FLOW.ask(turn.bot, turn.state, DegreeRecovery.code)

    @router.message(DegreeRecovery.code, F.text)
    async def on_recovery_code(message: Message, turn: Turn) -> None:
        account_id = int((await turn.data()).get("account_id") or 0)
        outcome = await email_accounts.prove_recovery_code(
            turn.uow, turn.clock, turn.user_id, account_id, message.text or ""
        )
        if isinstance(outcome, email_accounts.RecoveryProven):
            await _recovery_proven(turn, outcome)
        else:
            await message.answer(_code_refusal(outcome))

    @router.message(DegreeRecovery.new_password)
    async def on_new_password(message: Message, turn: Turn) -> None:
        if await take_new_password(message, turn, programme(DEGREE).password_policy):
            await turn.state.set_state(DegreeRecovery.new_password_confirm)
            await turn.say(_("Enter the password again to confirm it:"))

    @router.message(DegreeRecovery.new_password_confirm)
    async def on_new_password_again(message: Message, turn: Turn, i18n: I18n) -> None:
        if not await password_confirmed(message, turn):
            note = _("The two passwords differ. Please choose again.")
            await RECOVERY_FLOW.ask(turn.bot, turn.state, DegreeRecovery.new_password, note)
            return
        data = await turn.data()
        outcome = await email_accounts.reset_password(
            turn.uow,
            turn.clock,
            turn.user_id,
            int(data.get("challenge_id") or 0),
            str(data.get("password_hash")),
        )
        await turn.state.clear()
        if isinstance(outcome, Recovered):
            await turn.say(
                _("Your new password is set, and this chat now holds the account {username}.").format(
                    username=_shown_username(outcome.account.username)
                )
            )
            await tell_previous_holder(turn, i18n, outcome.previous, outcome.account)
        elif isinstance(outcome, email_accounts.LinkExpired):
            await turn.say(
                _("This link has expired: recovery links are valid for one hour. Ask for a new one."),
                keyboards.log_in_or_recover(DEGREE),
            )
        else:
            await turn.say(_invalid_link())

    return router


async def _take(turn: Turn, field: str, raw: str, *, confirmed: bool = False) -> None:
    """Check and keep an answer; ``confirmed`` (a value copied from another account) skips its
    confirmation, which only guards against typing errors."""
    data = await turn.data()
    outcome = await PARSERS[field](turn, raw, data)
    if isinstance(outcome, IdAlreadyRegistered | email_accounts.AwaitingActivation):
        await _id_taken(turn, outcome)
    elif isinstance(outcome, Problem) and field in CONFIRMS:
        await FLOW.ask(turn.bot, turn.state, _state(CONFIRMS[field]), render.problem(outcome))
    elif isinstance(outcome, Problem):
        await turn.say(render.problem(outcome))
    elif confirmed and FOLLOWED_BY.get(field) in CONFIRMS:
        await turn.state.update_data({field: outcome})
        await _go_on(turn, FOLLOWED_BY[field])
    else:
        await _keep(turn, field, outcome)


def _code_refusal(outcome: sms.CheckRefusal) -> str:
    """Why an e-mailed code was not accepted; the tries and locks are those of SMS codes."""
    match outcome:
        case sms.CodeExpired():
            return _("This code has expired. Send a new e-mail.")
        case sms.NoCodeSent():
            return _("No e-mailed code is waiting in this chat. /start shows what you can do.")
        case _:
            return sms_refusal(outcome)


async def tell_purged(bot: Bot, i18n: I18n, purged: email_accounts.Purged, state: FSMContext) -> None:
    """The chat of a deleted account hears it; ``state`` is that chat's, still waiting for the activation."""
    holder = purged.holder
    if holder is None:
        return
    if await state.get_state() in {DegreeActivation.code.state, *DegreeRegistration.__state_names__}:
        await state.clear()
    with i18n.use_locale(holder.language(i18n.default_locale)):
        await bot.send_message(
            int(holder.external_id),
            _(
                "Your account {username} of {programme} was not activated within one week and has been "
                "deleted, as the platform does. You can register again."
            ).format(username=_shown_username(purged.account.username), programme=_programme_name()),
            reply_markup=keyboards.account_entry(DEGREE),
        )
