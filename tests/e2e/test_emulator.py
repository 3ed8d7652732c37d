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
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from PIL import Image

from bot.sandbox.emulator import Emulator, Limits
from bot.sandbox.http_api import EmulatorServer
from bot.sandbox.people import Group, Person
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


# ----- group chats (the help-line's staff group) and replies

STAFF_GROUP = -1001000000001
ANNA, BORIS, OUTSIDER = 21, 22, 23


def staff_group(emulator: Emulator) -> tuple[Group, Person, Person]:
    anna = emulator.person(ANNA, "Anna", username="anna")
    boris = emulator.person(BORIS, "Boris", language_code="en")
    group = Group(emulator, STAFF_GROUP, "咨询组")
    group.add(anna, boris)
    return group, anna, boris


async def test_a_member_writing_in_a_group_reaches_the_bot_from_a_supergroup(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    group, anna, _ = staff_group(emulator_core)

    await anna.send_in(group, "有新的咨询吗")

    [update] = await emulator_bot.get_updates()
    message = update.message
    assert message is not None and message.from_user is not None
    assert (message.chat.id, message.chat.type, message.chat.title) == (STAFF_GROUP, "supergroup", "咨询组")
    assert (message.from_user.id, message.from_user.username, message.text) == (ANNA, "anna", "有新的咨询吗")
    assert message.reply_to_message is None
    assert (await emulator_bot.get_me()).can_read_all_group_messages  # privacy mode off


async def test_a_reply_carries_the_replied_bot_message_as_reply_to_message(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    group, anna, boris = staff_group(emulator_core)
    question = await emulator_bot.send_message(STAFF_GROUP, "新的咨询 #1\n照片要求是什么？")
    await anna.send_in(group, "我来回答")  # a later message: the reply names its target, not the last one

    await boris.reply_in(group, r"咨询 #1", "390×567 像素，JPG 格式")

    updates = await emulator_bot.get_updates()
    reply = updates[-1].message
    assert reply is not None and reply.reply_to_message is not None
    replied = reply.reply_to_message
    assert replied.message_id == question.message_id
    assert replied.text == "新的咨询 #1\n照片要求是什么？"
    assert replied.from_user is not None and replied.from_user.is_bot
    assert replied.chat.id == STAFF_GROUP
    assert reply.text == "390×567 像素，JPG 格式"


async def test_a_reply_to_a_reply_shows_only_one_level(emulator_core: Emulator, emulator_bot: Bot) -> None:
    group, anna, boris = staff_group(emulator_core)
    first = await anna.send_in(group, "第一条")
    second = await boris.send_in(group, "回复第一条", reply_to=first)

    await anna.reply_in(group, second, "回复第二条")

    *_, last = await emulator_bot.get_updates()
    assert last.message is not None and last.message.reply_to_message is not None
    assert last.message.reply_to_message.text == "回复第一条"
    # Bot API: the replied message "will not contain further reply_to_message fields".
    assert last.message.reply_to_message.reply_to_message is None


async def test_the_bots_replies_are_stored_with_their_reply_link(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    group, anna, _ = staff_group(emulator_core)
    asked = await anna.send_in(group, "/faq search 照片")

    answered = await emulator_bot.send_message(
        STAFF_GROUP, "找到 3 条", reply_parameters=ReplyParameters(message_id=asked)
    )
    older_style = await emulator_bot.send_message(STAFF_GROUP, "旧参数", reply_to_message_id=asked)

    assert answered.reply_to_message is not None and answered.reply_to_message.text == "/faq search 照片"
    assert [(m.text, m.reply_to_message_id) for m in group.messages] == [
        ("找到 3 条", asked),
        ("旧参数", asked),
    ]
    assert older_style.reply_to_message is not None
    stored = emulator_core.message(STAFF_GROUP, answered.message_id)
    assert stored is not None and stored.reply_to_message_id == asked


async def test_a_reply_to_a_missing_message_is_refused_unless_allowed_without_it(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    staff_group(emulator_core)

    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await emulator_bot.send_message(STAFF_GROUP, "lost", reply_parameters=ReplyParameters(message_id=999))
    sent = await emulator_bot.send_message(
        STAFF_GROUP,
        "sent anyway",
        reply_parameters=ReplyParameters(message_id=999, allow_sending_without_reply=True),
    )

    assert sent.reply_to_message is None
    assert [m.reply_to_message_id for m in Group(emulator_core, STAFF_GROUP, "咨询组").messages] == [None]


async def test_only_members_write_or_press_in_a_group(emulator_core: Emulator, emulator_bot: Bot) -> None:
    group, anna, _ = staff_group(emulator_core)
    outsider = emulator_core.person(OUTSIDER, "Olga")
    await emulator_bot.send_message(STAFF_GROUP, "thread #1", reply_markup=keyboard(("Close", "close:1")))

    with pytest.raises(ValueError, match="not a member"):
        await outsider.send_in(group, "hello")
    with pytest.raises(ValueError, match="not a member"):
        await outsider.press_in(group, "Close")
    await anna.press_in(group, "Close")

    [update] = await emulator_bot.get_updates()
    assert update.callback_query is not None and update.callback_query.from_user.id == ANNA
    assert update.callback_query.message is not None
    assert update.callback_query.message.chat.id == STAFF_GROUP


def staff_router() -> Router:
    """Commands as a staff group writes them: `/close@<bot username>` from the command menu."""
    router = Router()

    @router.message(Command("close"), F.chat.type == "supergroup")
    async def close(message: Message) -> None:
        await message.reply("thread closed")

    @router.message(F.chat.type == "supergroup")
    async def other(message: Message) -> None:
        await message.answer(f"not a command for me: {message.text}")

    return router


async def test_a_command_naming_the_bot_in_a_group_reaches_its_command_filter(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    group, anna, _ = staff_group(emulator_core)
    await emulator_polling(staff_router())

    closing = await anna.send_in(group, "/close@baoming_sandbox_bot")
    [closed] = await group.new_messages()
    await anna.send_in(group, "/close@some_other_bot")
    [ignored] = await group.new_messages()

    assert (closed.text, closed.reply_to_message_id) == ("thread closed", closing)
    assert ignored.text == "not a command for me: /close@some_other_bot"


async def test_a_group_gets_about_20_bot_messages_a_minute(emulator_serve: ServeEmulator) -> None:
    emulator = Emulator(EMULATOR_TOKEN, rate_clock=lambda: 0.0, limits=Limits(chat_burst=100))
    group, _, _ = staff_group(emulator)
    bot = await emulator_serve(emulator)

    for n in range(20):
        await bot.send_message(STAFF_GROUP, f"thread #{n}")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(STAFF_GROUP, "one too many")

    assert len(group.messages) == 20
