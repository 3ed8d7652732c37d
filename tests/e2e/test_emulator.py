"""The local Bot API emulator, driven by a real aiogram Bot and Dispatcher over HTTP."""

import io

import aiohttp
import pytest
from aiogram import Bot, F, Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from PIL import Image

from bot.sandbox.emulator import Emulator
from bot.sandbox.http_api import EmulatorServer
from tests.e2e.conftest import EMULATOR_TOKEN, ServeEmulator, StartPolling

ALICE = 7


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=data)] for label, data in buttons]
    )


def echo_router() -> Router:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return router


def button_router() -> Router:
    """/menu offers two buttons; pressing one answers the query and replaces the keyboard by the choice."""
    router = Router()

    @router.message(F.text == "/menu")
    async def menu(message: Message) -> None:
        await message.answer(
            "Pick a batch", reply_markup=keyboard(("Spring batch", "b:1"), ("Autumn batch", "b:2"))
        )

    @router.callback_query(F.data.startswith("b:"))
    async def pick(query: CallbackQuery) -> None:
        await query.answer("Saved")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"You chose batch {(query.data or '')[2:]}")

    return router


async def test_a_text_message_is_answered_by_the_polling_bot(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    await emulator_polling(echo_router())
    alice = emulator_core.person(ALICE, "Alice")

    await alice.send_text("你好")

    [reply] = await alice.new_messages()
    assert reply.text == "你好"
    assert await alice.new_messages() == []


async def test_a_long_poll_without_updates_returns_nothing_when_its_timeout_runs_out(
    emulator_bot: Bot,
) -> None:
    assert await emulator_bot.get_updates(timeout=1) == []


async def test_updates_stay_until_an_offset_confirms_them(emulator_core: Emulator, emulator_bot: Bot) -> None:
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("one")
    await alice.send_text("two")

    first = await emulator_bot.get_updates()
    again = await emulator_bot.get_updates()
    after_confirming = await emulator_bot.get_updates(offset=first[-1].update_id + 1, timeout=0)

    assert [u.message.text for u in first if u.message] == ["one", "two"]
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert after_confirming == []
    assert await emulator_bot.get_updates(timeout=0) == []


async def test_a_command_carries_a_bot_command_entity(emulator_core: Emulator, emulator_bot: Bot) -> None:
    await emulator_core.person(ALICE, "Alice", username="alice").send_text("/start ref")

    [update] = await emulator_bot.get_updates()

    assert update.message is not None and update.message.from_user is not None
    assert update.message.from_user.language_code == "zh-hans"
    assert update.message.chat.id == ALICE
    assert [(e.type, e.offset, e.length) for e in update.message.entities or []] == [("bot_command", 0, 6)]


async def test_pressing_a_shown_button_by_its_label_reaches_the_handler(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    await emulator_polling(button_router())
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("/menu")
    [menu] = await alice.new_messages()

    await alice.press("Autumn")  # a unique part of the label is enough

    [edited] = await alice.new_messages()
    assert menu.buttons == [["Spring batch"], ["Autumn batch"]]
    assert (edited.message_id, edited.text, edited.edited, edited.buttons) == (
        menu.message_id,
        "You chose batch 2",
        True,
        [],
    )
    assert [answer.text for answer in alice.callback_answers] == ["Saved"]


async def test_pressing_a_label_that_is_not_shown_lists_the_labels_offered(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    await emulator_polling(button_router())
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("/menu")
    await alice.new_messages()

    with pytest.raises(LookupError, match=r"Spring batch.*Autumn batch"):
        await alice.press("Winter batch")


async def test_a_button_no_longer_shown_cannot_be_pressed_but_a_raw_update_still_arrives(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    await emulator_polling(button_router())
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("/menu")
    [menu] = await alice.new_messages()
    await alice.press("Spring batch")
    await alice.new_messages()

    with pytest.raises(ValueError, match="offers no button"):
        emulator_core.press(ALICE, menu.message_id, "b:1")
    with pytest.raises(LookupError):
        await alice.press("Spring batch")

    forged = {"id": "forged", "from": {"id": ALICE, "is_bot": False, "first_name": "Alice"}}
    emulator_core.inject_raw_update({"callback_query": {**forged, "chat_instance": "x", "data": "b:9"}})
    await alice.new_messages()
    assert [record.outcome for record in emulator_core.calls("answerCallbackQuery")][-1].startswith("400")


async def test_an_uploaded_document_downloads_with_the_same_bytes(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    received: list[bytes] = []
    router = Router()

    @router.message(F.document)
    async def on_document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        buffer = await bot.download(message.document)
        assert isinstance(buffer, io.BytesIO)
        received.append(buffer.getvalue())
        await message.answer_document(BufferedInputFile(buffer.getvalue(), "copy.pdf"), caption="Stored")

    await emulator_polling(router)
    alice = emulator_core.person(ALICE, "Alice")
    content = bytes(range(256)) * 1000

    await alice.send_document(content, "degree.pdf", "application/pdf")

    [reply] = await alice.new_messages()
    assert received == [content]
    assert reply.text == "Stored"
    assert reply.document is not None
    assert (reply.document.file_name, reply.document.mime_type, reply.document.data) == (
        "copy.pdf",
        "application/pdf",
        content,
    )


async def test_a_photo_arrives_recompressed_in_several_sizes(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    original = io.BytesIO()
    Image.new("RGB", (390, 567), "white").save(original, format="PNG")

    await emulator_core.person(ALICE, "Alice").send_photo(original.getvalue())

    [update] = await emulator_bot.get_updates()
    assert update.message is not None and update.message.photo is not None
    thumb, *_, largest = update.message.photo
    assert max(thumb.width, thumb.height) == 90
    assert (largest.width, largest.height) == (390, 567)
    downloaded = await emulator_bot.download(largest.file_id)
    assert isinstance(downloaded, io.BytesIO)
    assert Image.open(downloaded).format == "JPEG"


async def test_text_longer_than_4096_characters_is_refused(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    emulator_core.person(ALICE, "Alice")

    await emulator_bot.send_message(ALICE, "字" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await emulator_bot.send_message(ALICE, "字" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await emulator_bot.send_message(ALICE, "")


async def test_callback_data_longer_than_64_bytes_is_refused(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    emulator_core.person(ALICE, "Alice")

    await emulator_bot.send_message(ALICE, "ok", reply_markup=keyboard(("fits", "x" * 64)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await emulator_bot.send_message(ALICE, "too long", reply_markup=keyboard(("批次", "批" * 22)))


async def test_a_flood_in_one_chat_gets_429_with_retry_after(emulator_serve: ServeEmulator) -> None:
    emulator = Emulator(EMULATOR_TOKEN, rate_clock=lambda: 0.0)  # time stands still: no refill
    emulator.person(ALICE, "Alice")
    bot = await emulator_serve(emulator)

    for n in range(3):  # a reply of a few messages passes
        await bot.send_message(ALICE, f"part {n}")
    with pytest.raises(TelegramRetryAfter) as refused:
        await bot.send_message(ALICE, "one too many")

    assert refused.value.retry_after >= 1
    assert len(emulator.calls("sendMessage", chat_id=ALICE, ok=True)) == 3


async def test_an_injected_server_error_reaches_aiogram_as_a_server_error(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    emulator_core.person(ALICE, "Alice")
    emulator_core.inject_fault("sendMessage", status=500)

    with pytest.raises(TelegramServerError):
        await emulator_bot.send_message(ALICE, "lost")
    await emulator_bot.send_message(ALICE, "delivered")

    assert [m.text for m in emulator_core.person(ALICE, "Alice").messages] == ["delivered"]


async def test_a_dropped_connection_reaches_aiogram_as_a_network_error(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    alice = emulator_core.person(ALICE, "Alice")
    emulator_core.inject_fault("sendMessage", drop=True, take_effect=True)

    with pytest.raises(TelegramNetworkError):
        await emulator_bot.send_message(ALICE, "sent, but the answer was lost")

    assert [m.text for m in alice.messages] == ["sent, but the answer was lost"]
    assert [r.outcome for r in emulator_core.calls("sendMessage")] == ["dropped"]


async def test_a_wrong_token_is_unauthorized(emulator_core: Emulator, emulator_serve: ServeEmulator) -> None:
    await (await emulator_serve(emulator_core)).get_me()  # the emulator's bot
    other_bot = await emulator_serve(emulator_core, "999:someone-else")

    with pytest.raises(TelegramUnauthorizedError):
        await other_bot.get_me()


async def test_get_me_describes_the_sandbox_bot(emulator_bot: Bot) -> None:
    me = await emulator_bot.get_me()

    assert (me.id, me.is_bot, me.username) == (4242, True, "baoming_sandbox_bot")


async def test_an_unknown_method_is_not_found(emulator_core: Emulator) -> None:
    server = EmulatorServer(emulator_core)
    base_url = await server.start()
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{base_url}/bot{EMULATOR_TOKEN}/sendTelepathy", data={"chat_id": "7"}) as response,
        ):
            body = await response.json()
    finally:
        await server.stop()

    assert (response.status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_edits_follow_telegram_rules(emulator_core: Emulator, emulator_bot: Bot) -> None:
    emulator_core.person(ALICE, "Alice")
    sent = await emulator_bot.send_message(ALICE, "<b>Step 1</b> of 3", parse_mode="HTML")

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await emulator_bot.edit_message_text(
            "<b>Step 1</b> of 3", chat_id=ALICE, message_id=sent.message_id, parse_mode="HTML"
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await emulator_bot.edit_message_text("x", chat_id=ALICE, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await emulator_bot.delete_message(ALICE, 999)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await emulator_bot.send_message(ALICE, "score < 60", parse_mode="HTML")

    assert sent.text == "Step 1 of 3"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 6)]


async def test_the_bot_deleting_a_users_message_shows_in_own_deleted_ids(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    router = Router()

    @router.message(F.text)
    async def take_password(message: Message) -> None:
        await message.delete()  # it carried a password
        await message.answer("Password saved")

    await emulator_polling(router)
    alice = emulator_core.person(ALICE, "Alice")

    password_id = await alice.send_text("s3cret-Passw0rd")

    assert [m.text for m in await alice.new_messages()] == ["Password saved"]
    assert alice.own_deleted_ids == [password_id]
