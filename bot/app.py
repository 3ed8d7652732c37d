"""Composition root: settings, database, Bot, Dispatcher, middlewares, routers."""

import importlib
import logging
from dataclasses import dataclass
from functools import cache

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand, ErrorEvent
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncEngine

import dialogs
from bot.config import LOCALES_DIR, ConfigError, Settings
from bot.db.engine import create_engine, create_session_factory
from bot.db.fsm_storage import SqlStorage
from bot.db.migrate import upgrade_to_head
from bot.db.tables import start_mappers
from bot.db.uow import SqlUnitOfWork
from bot.faq_files import FaqFileError, load_knowledge_base
from bot.files import DiskFileStore
from bot.housekeeping import Housekeeper
from bot.mail import SmtpEmailSender, UnconfiguredEmailSender
from bot.middlewares import LocaleMiddleware, UnitOfWorkMiddleware
from bot.notifier import Notifier
from bot.registration_form import render as render_form
from bot.telegram_retry import RetryMiddleware
from dialogs.buttons import SingleUseButtonsMiddleware
from dialogs.helpline import Helpline
from dialogs.turn import TurnMiddleware
from domain.clock import Clock
from domain.emails import EmailSender
from domain.faq import KnowledgeBase
from domain.helpline import staff_entries
from domain.ports import EducationVerifier, SmsSender
from domain.text import N_
from domain.tj_verification import ImportedRecordsVerifier

logger = logging.getLogger(__name__)
SANDBOX_TOKEN = "123456789:sandbox-token-not-a-secret"
# The emulator takes Telegram's test providers' tokens (NNN:TEST:...); no money moves in the sandbox.
SANDBOX_PAYMENT_TOKEN = "284685063:TEST:sandbox"


@dataclass
class App:
    bot: Bot
    dispatcher: Dispatcher
    engine: AsyncEngine
    i18n: I18n
    housekeeper: Housekeeper
    notifier: Notifier

    async def close(self) -> None:
        await self.housekeeper.stop()
        await self.notifier.stop()
        await self.notifier.bot.session.close()
        await self.bot.session.close()
        await self.engine.dispose()


def email_sender_from(settings: Settings) -> EmailSender:
    if settings.smtp_host is None:
        return UnconfiguredEmailSender()
    return SmtpEmailSender(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        security=settings.smtp_security,
    )


def education_verifier_from(spec: str) -> EducationVerifier:
    """``imported-records`` or ``module:Class`` (constructed without arguments)."""
    if spec == "imported-records":
        return ImportedRecordsVerifier()
    module_name, _, class_name = spec.partition(":")
    verifier: EducationVerifier = getattr(importlib.import_module(module_name), class_name)()
    return verifier


def payment_token_of(settings: Settings) -> str | None:
    if settings.payment_provider_token is not None:
        return settings.payment_provider_token.get_secret_value()
    return SANDBOX_PAYMENT_TOKEN if settings.bot_token is None else None


@cache
def vetted_knowledge_base() -> KnowledgeBase:
    """The FAQ files' entries, read and indexed once per process (the sandbox and the tests build
    many apps); staff-written entries are added per app from its database."""
    return load_knowledge_base()


def build_i18n() -> I18n:
    return I18n(path=LOCALES_DIR, default_locale="zh_Hans", domain="messages")


async def build_app(
    settings: Settings,
    *,
    clock: Clock,
    sms_sender: SmsSender,
    email_sender: EmailSender | None = None,
    api_base_url: str | None = None,
    events_isolation: BaseEventIsolation | None = None,
) -> App:
    """Migrate the database, then wire one Bot and one Dispatcher with fresh routers."""
    await upgrade_to_head(settings.database_url)
    start_mappers()
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)

    base_url = api_base_url or settings.telegram_api_url

    def new_session() -> AiohttpSession:
        return AiohttpSession(api=TelegramAPIServer.from_base(base_url)) if base_url else AiohttpSession()

    session = new_session()
    session.middleware(RetryMiddleware())
    token = settings.bot_token.get_secret_value() if settings.bot_token else SANDBOX_TOKEN
    bot = Bot(token, session=session)

    i18n = build_i18n()
    files = DiskFileStore(settings.files_dir)
    try:
        vetted = vetted_knowledge_base()
    except FaqFileError as error:  # a wrong answer given to applicants is worse than no start
        raise ConfigError(f"configuration error: FAQ: {error}") from None
    knowledge = vetted.with_entries(await staff_entries(SqlUnitOfWork(session_factory)))
    dispatcher = Dispatcher(
        storage=SqlStorage(session_factory),
        events_isolation=events_isolation or SimpleEventIsolation(),
        clock=clock,
        sms_sender=sms_sender,
        email_sender=email_sender or email_sender_from(settings),
        files=files,
        verifier=education_verifier_from(settings.education_verifier),
        payment_token=payment_token_of(settings),
        form_renderer=render_form,
        i18n=i18n,
        helpline=Helpline(knowledge, settings.helpline_chat_id, settings.staff_hours),
    )
    dispatcher.update.outer_middleware(UnitOfWorkMiddleware(session_factory, clock))
    LocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.callback_query.outer_middleware(SingleUseButtonsMiddleware())
    dispatcher.message.middleware(TurnMiddleware())
    dispatcher.callback_query.middleware(TurnMiddleware())
    dispatcher.include_routers(*dialogs.get_routers())
    dispatcher.errors.register(_on_error)
    dispatcher.startup.register(_set_commands)
    housekeeper = Housekeeper(
        session_factory,
        bot,
        i18n,
        clock,
        dispatcher.storage,
        settings.housekeeping_interval,
        files,
        reminder_rate=settings.notifier_rate,
    )
    dispatcher.startup.register(housekeeper.start)
    dispatcher.shutdown.register(housekeeper.stop)
    # Its own session, without RetryMiddleware: the notifier handles 429s, retries and 403s itself.
    notifier = Notifier(
        session_factory,
        Bot(token, session=new_session()),
        i18n,
        clock,
        rate=settings.notifier_rate,
        chat_interval=settings.notifier_chat_interval,
        in_flight=settings.notifier_in_flight,
        max_attempts=settings.notifier_max_attempts,
        retry_delay=settings.notifier_retry_delay,
        poll_interval=settings.notifier_poll_interval,
    )
    dispatcher.startup.register(notifier.start)
    # Handlers that commit a non-bulk message may call it so that it goes at once, not at the next poll.
    dispatcher["wake_notifier"] = notifier.wake
    dispatcher.shutdown.register(notifier.stop)
    return App(bot, dispatcher, engine, i18n, housekeeper, notifier)


async def _on_error(event: ErrorEvent, bot: Bot) -> bool:
    """Log without the update's content (it may hold personal data) and tell the applicant."""
    update = event.update
    logger.error(
        "update %s failed: %s", update.update_id, type(event.exception).__name__, exc_info=event.exception
    )
    chat = update.message.chat if update.message else None
    if chat is None and update.callback_query and update.callback_query.message:
        chat = update.callback_query.message.chat
    if chat is not None and chat.type == "private":
        try:
            await bot.send_message(
                chat.id,
                _("Sorry, something went wrong on my side. What you entered is kept: please try again."),
            )
        except Exception:  # the error handler must not fail in turn
            logger.warning("could not tell chat about the failure")
    return True


COMMAND_DESCRIPTIONS = {
    "start": N_("Begin, or continue where you stopped"),
    "status": N_("What is done and what comes next"),
    "help": N_("How this works"),
    "cancel": N_("Pause the current form"),
    "logout": N_("Log out of your accounts in this chat"),
    "language": N_("Language: 简体中文 / 繁體中文 / English"),
    "settings": N_("Reminders on or off, quiet hours"),
    "human": N_("Talk to a person of the help line"),
}


async def _set_commands(bot: Bot, i18n: I18n) -> None:
    # Telegram's language_code has no script, so zh_Hant clients see the default (zh_Hans) menu.
    for locale, language_code in (("zh_Hans", None), ("en", "en")):
        commands = [
            BotCommand(command=name, description=i18n.gettext(text, locale=locale))
            for name, text in COMMAND_DESCRIPTIONS.items()
        ]
        await bot.set_my_commands(commands, language_code=language_code)
