"""Commands that work in every state: /start, /help, /status, /cancel, /language."""

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import (
    degree,
    degree_profile,
    forms,
    gd_profile,
    keyboards,
    login,
    nmec_link,
    nmec_materials,
    recovery,
    registration,
    tj_profile,
    uploads,
)
from dialogs.keyboards import AccountCb, LanguageCb, ProgrammeCb
from dialogs.prompts import Step, ask
from dialogs.turn import Turn
from domain.accounts import choose_locale
from domain.clock import Clock
from domain.login import log_out
from domain.model import Account, ChatUser
from domain.ports import UnitOfWork
from domain.programmes import Programme, available_programmes, catalog, programme
from domain.registration import account_of, login_name
from domain.tj_reviews import TJ

PAUSED = "paused_state"


def current_step(state_name: str | None) -> Step | None:
    return (
        registration.FLOW.step(state_name)
        or recovery.FLOW.step(state_name)
        or login.FLOW.step(state_name)
        or nmec_link.FLOW.step(state_name)
        or degree.FLOW.step(state_name)
        or degree.ACTIVATION_FLOW.step(state_name)
        or degree.RECOVERY_FLOW.step(state_name)
        or forms.step(state_name)
        or uploads.step(state_name)
    )


async def progress_lines(turn: Turn, *, started_only: bool = False) -> list[str]:
    """/status of every programme (``started_only``: of those with an account or a step under way)."""
    data = await turn.data()
    step = current_step(await turn.state.get_state()) or current_step(data.get(PAUSED))
    lines: list[str] = []
    for item in available_programmes():
        account = await account_of(turn.uow, turn.user_id, item.code)
        here = step if data.get("programme") == item.code else None
        if started_only and account is None and here is None:
            continue
        lines += _status_lines(item, account, here, data)
        if account is not None and item.code == gd_profile.GD:
            lines += await gd_profile.MENU.status_lines(turn)
        if account is not None and account.is_active and item.code == degree_profile.DEGREE:
            lines += await degree_profile.MENU.status_lines(turn)
            lines += [line for line in [await degree_profile.next_step(turn)] if line]
        if account is not None and item.code == nmec_link.NMEC:
            lines += await nmec_materials.status_lines(turn, account)
        if account is not None and item.code == TJ:
            lines += await tj_profile.status_lines(turn)
    return lines


def _status_lines(
    item: Programme, account: Account | None, step: Step | None, data: dict[str, Any]
) -> list[str]:
    """One programme of /status: done, in progress at a step, or not started, and what comes next."""
    username = None if account is None else login_name(account)
    if account is not None and not account.is_active:
        return [
            _("⏳ {programme}: account {username}, waiting for activation").format(
                programme=item.official_name, username=username
            ),
            _("Next: open the link of the activation e-mail, or type its code here; /start shows it."),
        ]
    if username is not None and item.code == nmec_link.NMEC:  # its username is the registration number
        return [
            _("✅ {programme}: exam registration {number}").format(
                programme=item.official_name, number=username
            )
        ]
    if username is not None:
        return [
            _("✅ {programme}: account {username}").format(programme=item.official_name, username=username)
        ]
    if step is not None:
        label = _step_label(step, data)
        return [
            _("⏳ {programme}: {flow}, {step}").format(
                programme=item.official_name, flow=_(step.flow_title), step=label
            ),
            _("Next: answer the question of {step} (/start shows it).").format(step=label),
        ]
    if item.code == nmec_link.NMEC:
        return [
            _("⬜ {programme}: not linked yet").format(programme=item.official_name),
            _("Next: /start and link your exam registration."),
        ]
    return [
        _("⬜ {programme}: no account yet").format(programme=item.official_name),
        _("Next: /start and register."),
    ]


def _step_label(step: Step, data: dict[str, Any]) -> str:
    number, total = step.where(data)
    return _("step {step} of {total}").format(step=number, total=total)


async def _welcome(bot: Bot, chat_id: int) -> None:
    await bot.send_message(
        chat_id,
        _("Welcome to 报名助手. I guide you step by step through online applications. Choose a programme:"),
        reply_markup=keyboards.programmes(available_programmes()),
    )


def get_router() -> Router:
    router = Router(name="commands")

    @router.message(CommandStart())
    async def on_start(message: Message, bot: Bot, state: FSMContext) -> None:
        step = current_step(await state.get_state())
        if step is not None:  # an unanswered question: ask it again
            await ask(bot, state, step)
            return
        paused = current_step((await state.get_data()).get(PAUSED))
        if paused is not None:
            await message.answer(
                _("You stopped at {step}. What you entered is kept.").format(
                    step=_step_label(paused, await state.get_data())
                ),
                reply_markup=keyboards.resume_or_restart(registration.GD),
            )
            return
        await _welcome(bot, message.chat.id)

    @router.callback_query(AccountCb.filter(F.action == "resume"))
    async def on_resume(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        data = await state.get_data()
        step = current_step(data.get(PAUSED))
        if step is None:
            await _welcome(bot, state.key.chat_id)
            return
        await state.update_data({PAUSED: None})
        await ask(bot, state, step)

    @router.callback_query(AccountCb.filter(F.action == "restart"))
    async def on_restart(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        await state.clear()
        await _welcome(bot, state.key.chat_id)

    @router.callback_query(ProgrammeCb.filter())
    async def on_programme(query: CallbackQuery, callback_data: ProgrammeCb, turn: Turn) -> None:
        await query.answer()
        chosen = catalog().get(callback_data.code)
        if chosen is None or not chosen.available:
            await turn.say(_("This programme is not available yet."))
            return
        account = await registered_username(turn.uow, turn.user, chosen.code)
        if chosen.code == nmec_link.NMEC:  # no registration here: link the one made on the NMEC site
            if account is not None:
                await nmec_materials.show_checklist(turn, nmec_link.linked_text(account))
                return
            await turn.say(*nmec_link.link_offer())
            return
        if account is not None:
            registered = _("{programme}: you are registered as {username}.").format(
                programme=chosen.official_name, username=account
            )
            if chosen.code == gd_profile.GD:
                await gd_profile.show_modules(turn, registered)
            elif chosen.code == degree_profile.DEGREE and await _is_active(turn, chosen.code):
                await degree_profile.show_modules(turn, registered)
            elif chosen.code == TJ:
                await tj_profile.show_module(turn, registered)
            else:
                await turn.say(registered)
            return
        await turn.say(
            _(
                "{programme}. New here? Register an account. Lost the password of your account? Recover it."
            ).format(programme=chosen.official_name),
            keyboards.account_entry(chosen.code),
        )

    @router.message(Command("help"))
    async def on_help(message: Message) -> None:
        await message.answer(
            _(
                "I lead you through the application step by step, one question at a time.\n"
                "/start — begin, or continue where you stopped\n"
                "/status — what is done and what comes next\n"
                "/cancel — pause the current form (nothing you entered is lost)\n"
                "/logout — this chat lets go of your accounts\n"
                "/language — 简体中文, 繁體中文 or English\n"
                "/settings — reminders on or off, and quiet hours\n"
                "/human — talk to a person of the help line\n"
                "/help — this message\n"
                "Any other question, in your own words: I answer from the programmes' documents.\n"
                "Help line of 广东住培: 4008880052, 020-38314977"
            )
        )

    @router.message(Command("status"))
    async def on_status(message: Message, turn: Turn) -> None:
        await message.answer("\n".join([_("Your progress:"), *await progress_lines(turn)]))

    @router.message(Command("cancel"))
    async def on_cancel(message: Message, state: FSMContext) -> None:
        state_name = await state.get_state()
        if current_step(state_name) is None:
            await message.answer(_("Nothing to cancel. /start shows what you can do."))
            return
        await state.set_state(None)
        await state.update_data({PAUSED: state_name})
        await message.answer(_("Paused. What you entered is kept: /start continues where you stopped."))

    @router.message(Command("logout"))
    async def on_logout(
        message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        released = await log_out(uow, clock, user.id or 0)
        await state.clear()
        if not released:
            await message.answer(_("This chat holds no account. /start shows what you can do."))
            return
        names = "、".join(f"{programme(a.programme).official_name} ({login_name(a)})" for a in released)
        await message.answer(
            _("You are logged out of {accounts}. Log in again any time with /start.").format(accounts=names),
            reply_markup=keyboards.programmes(available_programmes()),
        )

    @router.message(Command("language"))
    async def on_language(message: Message) -> None:
        await message.answer(_("Choose your language:"), reply_markup=keyboards.languages())

    @router.callback_query(LanguageCb.filter())
    async def on_language_chosen(
        query: CallbackQuery, callback_data: LanguageCb, bot: Bot, uow: UnitOfWork, user: ChatUser, i18n: I18n
    ) -> None:
        await query.answer()
        if not await choose_locale(uow, user.id or 0, callback_data.locale):
            return
        with i18n.use_locale(callback_data.locale):
            await bot.send_message(query.from_user.id, _("From now on I write in English."))

    return router


async def _is_active(turn: Turn, code: str) -> bool:
    account = await account_of(turn.uow, turn.user_id, code)
    return account is not None and account.is_active


async def registered_username(uow: UnitOfWork, user: ChatUser, code: str) -> str | None:
    account = await account_of(uow, user.id or 0, code)
    return None if account is None else login_name(account)
