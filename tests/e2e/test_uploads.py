"""Pictures against the sandbox: what transcripts cannot show (a 21 MB file, a cut-off JPEG, forged
buttons aimed at another applicant's pictures and at the review queue, the files on disk)."""

import os
import time
from datetime import datetime
from pathlib import Path

from bot.db.engine import create_session_factory
from bot.db.uow import SqlUnitOfWork
from bot.files import DiskFileStore
from bot.sandbox.harness import Sandbox
from bot.sandbox.people import Person
from domain import profiles, tj_steps, tj_verification
from domain.clock import BEIJING
from domain.model import SubmissionState
from domain.tj_reviews import IDENTITY
from domain.tj_verification import ImportedRecordsVerifier, RecordRow, import_records
from tests import photo_samples as samples

ID_NUMBERS = {"first": "110101199003071233", "second": "11010119800101103X"}
MOBILES = {"first": "13812345678", "second": "13712345678"}
NAMES = {"first": "张三", "second": "王五"}
BASIC: dict[str, object] = {
    "sex": "male",
    "ethnicity": "01",
    "political_status": "13",
    "candidate_type": "current",
    "school": "天津职业大学",
    "major": "护理",
    "graduation": "202307",
    "province": "12",
    "mobile": "13812345678",
    "address": "天津市河西区友谊路1号",
    "postcode": "300201",
}
INSIDE_REGISTRATION = datetime(2022, 11, 21, 10, 0, tzinfo=BEIJING)  # 信息确认 needs the window open


async def shown(person: Person) -> str:
    return "\n".join(message.text for message in await person.new_messages())


async def until(person: Person, needle: str, attempts: int = 20) -> str:
    """What the bot says up to and including ``needle`` (the emulator's flood control may slow it)."""
    said = ""
    for _ in range(attempts):
        said += await shown(person)
        if needle in said:
            return said
    raise AssertionError(f"{needle!r} never came; the bot said: {said}")


async def say(person: Person, text: str) -> str:
    await person.send_text(text)
    return await shown(person)


async def tap(person: Person, label: str) -> str:
    await person.press(label)
    return await shown(person)


async def _with_records(sandbox: Sandbox) -> None:
    """学籍 records of both applicants, as `baoming records import` would store them."""
    assert sandbox.app is not None
    rows = [
        RecordRow(
            line,
            {
                "id_number": number,
                "name": NAMES[name],
                "kind": "学籍",
                "school": "天津职业大学",
                "major": "护理",
                "graduation": "202307",
            },
        )
        for line, (name, number) in enumerate(ID_NUMBERS.items(), start=2)
    ]
    uow = SqlUnitOfWork(create_session_factory(sandbox.app.engine))
    assert (await import_records(uow, rows, sandbox.clock.now())).errors == ()


async def _confirmed(sandbox: Sandbox, id_number: str) -> None:
    """基本信息, 志愿, 验证学籍/学历 and 信息确认 done through their use cases, on the bot's database."""
    assert sandbox.app is not None
    uow = SqlUnitOfWork(create_session_factory(sandbox.app.engine))
    async with uow:
        account = await uow.accounts.by_id_number("tj-upgrade", id_number)
    assert account is not None and account.user_id is not None
    for module, answers in ((tj_steps.BASIC, BASIC), (tj_steps.CHOICES, {"choice1": "tjau_nursing"})):
        await profiles.save(uow, sandbox.clock, account.user_id, "tj-upgrade", module, answers)
    verified = await tj_verification.verify(
        uow, account, BASIC, ImportedRecordsVerifier(), sandbox.clock.now()
    )
    assert isinstance(verified, tj_verification.Verification) and verified.verified
    found = await tj_steps.progress(uow, account, sandbox.clock)
    assert await tj_steps.confirm(uow, sandbox.clock, account.user_id, found) is None


async def to_identity_check(sandbox: Sandbox, name: str) -> Person:
    """A registered 天津高职升本 applicant past 信息确认, looking at the identity check."""
    sandbox.clock.set(INSIDE_REGISTRATION)
    await _with_records(sandbox)
    person = sandbox.person(name)
    await say(person, "/start")
    await tap(person, "天津高职升本报名")
    await tap(person, "注册新账号")
    for answer in (NAMES[name], ID_NUMBERS[name], MOBILES[name]):
        await say(person, answer)
    code = sandbox.sms.latest(MOBILES[name])
    assert code is not None
    await say(person, code.code)
    await say(person, "abc12345")
    assert "注册成功" in await say(person, "abc12345")
    await _confirmed(sandbox, ID_NUMBERS[name])  # the chat path to here: tj_choices_to_form.chat
    await say(person, "/start")
    await tap(person, "天津高职升本报名")
    assert "身份认证：系统会比对" in await tap(person, "身份认证")
    return person


def _file_count(root: Path) -> int:
    return sum(1 for path in root.rglob("*") if path.is_file())


async def test_a_file_over_20_mb_is_refused_before_downloading(sandbox: Sandbox) -> None:
    applicant = await to_identity_check(sandbox, "first")
    await tap(applicant, "上传证件照")
    downloads = sum(1 for call in sandbox.emulator.requests if call.method == "getFile")
    await applicant.send_document(b"\xff\xd8\xff" + bytes(21 * 1024 * 1024), "huge.jpg", "image/jpeg")
    answer = await shown(applicant)
    assert "该文件为 21.0 MB" in answer and "不超过 20 MB" in answer
    assert sum(1 for call in sandbox.emulator.requests if call.method == "getFile") == downloads
    # still at the same step: a good picture is taken
    await applicant.send_document(samples.degree_photo(), "me.jpg", "image/jpeg")
    assert "图片已保存" in await shown(applicant)


async def test_a_cut_off_jpeg_is_refused_and_the_step_stays(sandbox: Sandbox) -> None:
    applicant = await to_identity_check(sandbox, "first")
    await tap(applicant, "上传证件照")
    whole = samples.degree_photo()
    await applicant.send_document(whole[: len(whole) // 2], "cut.jpg", "image/jpeg")
    answer = await shown(applicant)
    assert "文件已损坏或不完整" in answer and "第 1/1 步" in answer
    assert "图片已保存" not in answer
    await applicant.send_document(b"not a picture at all", "notes.jpg", "image/jpeg")
    assert "不是图片" in await shown(applicant)


async def test_a_replaced_picture_leaves_one_file_on_disk(sandbox: Sandbox) -> None:
    applicant = await to_identity_check(sandbox, "first")
    files = sandbox.settings.files_dir
    for background in (samples.BLUE, samples.LIGHT_BLUE):
        await tap(applicant, "上传证件照")
        await applicant.send_document(samples.degree_photo(background), "me.jpg", "image/jpeg")
        assert "图片已保存" in await shown(applicant)
    assert _file_count(files) == 1


async def test_forged_buttons_reach_no_other_applicants_pictures(sandbox: Sandbox) -> None:
    first = await to_identity_check(sandbox, "first")
    await tap(first, "上传证件照")
    await first.send_document(samples.degree_photo(), "me.jpg", "image/jpeg")
    await until(first, "图片已保存")  # picture 1
    await tap(first, "上传身份证人像面")
    await first.send_document(samples.degree_photo(samples.LIGHT_BLUE), "card.jpg", "image/jpeg")
    await until(first, "图片已保存")  # picture 2: drafts that their owner could delete
    second = await to_identity_check(sandbox, "second")

    forged_data = (
        "tv:identity:delete::2",  # the first applicant's drafts
        "tv:identity:delete::1",
        "rv:tj-upgrade:approve:1:identity",  # a review decision, from an applicant
        "rv:tj-upgrade:reject:1:identity",
        "mt:delete::2",
        "u:use",
        "tv:nonsense:add:id-photo:",
    )
    # Each on a message of its own: a message's buttons work once (dialogs/buttons.py).
    bot_messages = [message.message_id for message in second.messages if not message.deleted]
    for message_id, forged in zip(bot_messages[-len(forged_data) :], forged_data, strict=True):
        sandbox.emulator.press_forged(second.chat_id, message_id, forged)
    answer = await shown(second)
    assert "您的图片中没有这张" in answer  # the forged deletes were refused as "not found"
    assert "1101**********1233" not in answer and "card.jpg" not in answer

    assert sandbox.app is not None
    async with SqlUnitOfWork(create_session_factory(sandbox.app.engine)) as uow:
        account = await uow.accounts.by_id_number("tj-upgrade", ID_NUMBERS["first"])
        assert account is not None and account.id is not None
        identity = await uow.uploads.of_account(account.id, IDENTITY)
        submission = await uow.submissions.get(account.id, IDENTITY)
    assert [upload.id for upload in identity] == [1, 2]
    assert submission is not None and submission.state == SubmissionState.DRAFT
    # and the bot still serves the second one
    assert "第 1/1 步" in await tap(second, "上传证件照")


async def test_housekeeping_deletes_files_no_upload_refers_to(sandbox: Sandbox) -> None:
    applicant = await to_identity_check(sandbox, "first")
    await tap(applicant, "上传证件照")
    await applicant.send_document(samples.degree_photo(), "me.jpg", "image/jpeg")
    await until(applicant, "图片已保存")
    store = DiskFileStore(sandbox.settings.files_dir)
    kept = await store.keys()
    # A file left by a crash between a commit and its delete, stored two hours ago.
    orphan = await store.put(samples.degree_photo(samples.WHITE))
    two_hours_ago = time.time() - 2 * 3600
    os.utime(store.path_of(orphan), (two_hours_ago, two_hours_ago))
    sandbox.clock.set(datetime.now(BEIJING))  # the files' times are the real clock's
    assert sandbox.app is not None
    await sandbox.app.housekeeper.run_once()
    assert await store.keys() == kept
