"""Steps that the account flows share: a new password, the SMS-code step, the previous holder told,
the offer to reuse what another account of the chat knows."""

import asyncio
from contextlib import suppress
from typing import Any

from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.turn import Turn
from domain import credentials, sms
from domain.accounts import CodeAccepted, confirm_code
from domain.masking import mask_id_number, mask_mobile
from domain.model import Account, Channel, ChatUser, SmsPurpose
from domain.programmes import programme
from domain.registration import KnownFields, known_fields, login_name

PASSWORD_HASH = "password_hash"


async def delete_password_message(message: Message) -> None:
    """A password must not stay in the chat history; too old or already gone is fine."""
    with suppress(TelegramBadRequest):
        await message.delete()


async def take_new_password(message: Message, turn: Turn, policy: credentials.PasswordPolicy) -> bool:
    """Delete the message, check the password, keep only its hash; False (and the reasons) if refused."""
    await delete_password_message(message)
    problems = credentials.check_password(message.text or "", policy)
    if problems:
        await message.answer(render.problems(problems))
        return False
    # argon2 takes a noticeable fraction of a second: keep the event loop free meanwhile
    password_hash = await asyncio.to_thread(credentials.hash_password, message.text or "")
    await turn.state.update_data({PASSWORD_HASH: password_hash})
    return True


async def password_confirmed(message: Message, turn: Turn) -> bool:
    """Delete the message; True when it repeats the password whose hash was kept."""
    await delete_password_message(message)
    stored = str((await turn.data()).get(PASSWORD_HASH, ""))
    return await asyncio.to_thread(credentials.verify_password, stored, message.text or "")


async def tell_previous_holder(turn: Turn, i18n: I18n, previous: ChatUser | None, account: Account) -> None:
    """The chat that held an account hears at once, in its own language, that another one took it."""
    if previous is None or previous.channel != Channel.TELEGRAM:
        return
    with i18n.use_locale(previous.language(i18n.default_locale)), suppress(TelegramAPIError):
        await turn.bot.send_message(  # the old chat may have blocked the bot: nothing more to do then
            int(previous.external_id),
            _(
                "Your account {username} of {programme} is now used from another Telegram account, and this "
                "chat no longer holds it. If that was not you, recover your password at once."
            ).format(username=login_name(account), programme=programme(account.programme).official_name),
            reply_markup=keyboards.log_in_or_recover(account.programme),
        )


async def explain_mobile_on_record(query: CallbackQuery) -> None:
    """Log-in and recovery text the mobile on record: it cannot be changed here, so say what to do."""
    await query.answer(
        _("The code goes to the mobile on record. If you no longer have it, call the help line."),
        show_alert=True,
    )


async def check_code(turn: Turn, purpose: SmsPurpose, raw: str, programme_code: str) -> bool:
    """True when ``raw`` is the code texted for ``purpose``; otherwise the chat hears why."""
    outcome = await confirm_code(turn.uow, turn.clock, turn.user_id, purpose, raw)
    if isinstance(outcome, CodeAccepted):
        return True
    await refuse_code(turn, outcome, programme_code)
    return False


async def refuse_code(turn: Turn, outcome: sms.SendRefusal | sms.CheckRefusal, programme_code: str) -> None:
    """Why a code was not sent or not accepted, under the buttons to resend it or change the mobile."""
    await turn.say(sms_refusal(outcome), keyboards.code_sent(programme_code))


def sms_refusal(outcome: sms.SendRefusal | sms.CheckRefusal) -> str:
    """Why a code was not sent or not accepted."""
    match outcome:
        case sms.ResendTooSoon(wait_seconds=seconds):
            return _(
                "A code was sent less than a minute ago. You can ask for a new one in {seconds} s."
            ).format(seconds=seconds)
        case sms.MobileLimitReached(until=until):
            return _(
                "Too many codes were sent to this mobile number today. The next one can be sent after {time}."
            ).format(time=render.beijing_time(until))
        case sms.CodeLocked(until=until):
            return _("Too many wrong codes. This step is locked until {time}.").format(
                time=render.beijing_time(until)
            )
        case sms.WrongCode(tries_left=tries):
            return _("That code is not right. {tries} tries left.").format(tries=tries)
        case sms.CodeExpired():
            return _("This code has expired. Tap “Resend the code” for a new one.")
        case _:
            return _("No code is waiting for you. Tap “Resend the code”.")


# Form data of the offer to reuse what another account of this chat knows (name, ID number, mobile):
# the programme of that account and what the buttons show, masked. Never the values themselves.
KNOWN_FROM, KNOWN_NAME, KNOWN_ID, KNOWN_MOBILE = "known_from", "known_name", "known_id", "known_mobile"


def reuse_offer(known: KnownFields | None) -> dict[str, str]:
    if known is None:
        return {}
    return {
        KNOWN_FROM: known.programme,
        KNOWN_NAME: known.real_name,
        KNOWN_ID: mask_id_number(known.id_number) if known.id_number else "",
        KNOWN_MOBILE: mask_mobile(known.mobile) if known.mobile else "",
    }


def reuse_label(data: dict[str, Any], key: str) -> str | None:
    """The label of the button offering a known value; None when there is none."""
    shown, source = str(data.get(key) or ""), data.get(KNOWN_FROM)
    if not shown or not source:
        return None
    return _("Use {value} (from {programme})").format(
        value=shown, programme=programme(str(source)).official_name
    )


async def known_pressed(query: CallbackQuery, turn: Turn) -> KnownFields | None:
    """The values of the reuse offer, read again from the other account (never from the button)."""
    data = await turn.data()
    known = await known_fields(turn.uow, turn.user_id, str(data.get("programme", "")))
    if known is not None and known.programme != data.get(KNOWN_FROM):  # not the account the button named
        known = None
    if known is None:
        await query.answer(_("That account is no longer held by this chat. Please type the answer."))
    else:
        await query.answer()
    return known
