"""The offer notices of dialogs/gd_offers.py: every decision told once, with 接受 / 放弃 only while
they can be pressed, and the buttons taken away when the confirmation window closes."""

from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n

from dialogs import gd_offers
from domain.offers import record_decision
from tests.fakes import FakeUnitOfWork
from tests.unit.test_gd_applications import applicant, beijing, submitted, with_catalog

LOCALES = Path(__file__).resolve().parents[2] / "locales"


class RecordingBot:
    """What the notices need of aiogram's Bot, recorded instead of sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.cleared: list[tuple[int, int]] = []

    async def send_message(self, chat_id: int, text: str, reply_markup: Any = None) -> Any:
        self.sent.append({"chat_id": chat_id, "text": text, "markup": reply_markup})
        return type("Sent", (), {"message_id": 100 + len(self.sent)})()

    async def edit_message_reply_markup(self, *, chat_id: int, message_id: int, reply_markup: Any) -> None:
        self.cleared.append((chat_id, message_id))


def labels(markup: Any) -> list[str]:
    return [] if markup is None else [button.text for row in markup.inline_keyboard for button in row]


async def test_a_decision_is_told_once_and_its_buttons_go_when_the_window_closes() -> None:
    uow = FakeUnitOfWork()
    await with_catalog(uow)
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B01", "B02"))
    await record_decision(uow, "B01", view.id, True, beijing(5, 25))  # inside both windows
    await record_decision(uow, "B02", view.id, False, beijing(5, 25))
    bot, i18n = RecordingBot(), I18n(path=LOCALES, default_locale="zh_Hans", domain="messages")

    with i18n.context():
        assert await gd_offers.deliver(bot, i18n, uow, beijing(5, 25, 10)) == 2  # type: ignore[arg-type]
        assert await gd_offers.deliver(bot, i18n, uow, beijing(5, 25, 11)) == 0  # type: ignore[arg-type]
    admitted, refused = bot.sent
    assert "录取了您" in admitted["text"] and labels(admitted["markup"]) == ["接受", "放弃"]
    assert "不录取" in refused["text"] and labels(refused["markup"]) == []

    # Still open: nothing is taken away; once closed, exactly the message with buttons, once.
    assert await gd_offers.close_answer_windows(bot, uow, beijing(5, 31, 23, 59, 59)) == 0  # type: ignore[arg-type]
    assert await gd_offers.close_answer_windows(bot, uow, beijing(6, 1)) == 1  # type: ignore[arg-type]
    assert await gd_offers.close_answer_windows(bot, uow, beijing(6, 2)) == 0  # type: ignore[arg-type]
    assert bot.cleared == [(admitted["chat_id"], 101)]
