"""医师资格考试 报名材料 (seed 001): categories per exam region, uploads up to the maximum, delete and
replace, 提交审核 locking everything, a reviewer returning single images, and the deadline."""

from datetime import UTC, datetime, timedelta

import pytest

from domain import materials
from domain.clock import BEIJING
from domain.exam_registrations import NMEC
from domain.materials import (
    NO_NEWS_NOTE,
    SUBMITTED_MESSAGE,
    Checklist,
    QueueItem,
    ReviewOutcome,
    add_image,
    answer_fact,
    approve,
    catalog_year,
    checklist,
    delete_image,
    end_text,
    material_context,
    moment_text,
    parse_reason,
    return_image,
    review_queue,
    status_lines,
    submit,
)
from domain.model import (
    Account,
    ChatUser,
    ExamRegistration,
    Submission,
    SubmissionState,
    Upload,
    UploadKind,
    UploadState,
)
from domain.ports import FileStore, UnitOfWork
from domain.problems import Problem
from domain.programmes import (
    DECLARATIONS,
    CatalogError,
    MaterialCategory,
    Programme,
    Requirement,
    programme,
    programme_from_toml,
)
from domain.uploads import (
    Picture,
    clean_original_name,
    content_key,
    missing_files,
    orphan_files,
    remove_orphan_files,
    store_single,
)
from tests.fakes import FakeFileStore, FakeUnitOfWork


def beijing(
    month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, year: int = 2022
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


NOW = beijing(1, 20, 10)  # inside Tianjin's 2022 window, 01-18..01-27 (24:00)
FIRST_SECOND = beijing(1, 18)
LAST_SECOND = beijing(1, 27, 23, 59, 59)
DEADLINE = beijing(1, 28)
REVIEWER = "900001"
NMEC_DECLARATION = next(d for d in DECLARATIONS if d.code == NMEC)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def files() -> FakeFileStore:
    return FakeFileStore()


async def applicant(
    uow: UnitOfWork,
    number: str = "2022120100001",
    *,
    name: str = "张三",
    id_number: str = "110101199003071233",
    region: str = "tianjin",
    chat: str = "1001",
) -> Account:
    """An imported registration and its linked account, as exam_registrations.confirm_link leaves them."""
    async with uow:
        user = await uow.users.add(ChatUser(channel="telegram", external_id=chat, created_at=NOW))
        await uow.exam_registrations.add(
            ExamRegistration(
                registration_number=number,
                real_name=name,
                id_number=id_number,
                mobile="13812345678",
                exam_region=region,
                exam_site="考点",
                category="临床执业医师",
                imported_at=NOW,
            )
        )
        account = await uow.accounts.add(
            Account(
                programme=NMEC,
                username=number,
                password_hash="",
                real_name=name,
                id_number=id_number,
                mobile="13812345678",
                created_at=NOW,
                user_id=user.id,
                activated_at=NOW,
            )
        )
        await uow.commit()
    return account


async def add(
    uow: UnitOfWork,
    files: FileStore,
    account: Account,
    category: str,
    data: bytes,
    now: datetime = NOW,
    name: str | None = "scan.jpg",
) -> Upload | Problem:
    return await add_image(uow, files, account, category, Picture(data, "image/jpeg", 1200, 800, name), now)


async def added(uow: UnitOfWork, files: FileStore, account: Account, category: str, data: bytes) -> int:
    upload = await add(uow, files, account, category, data)
    assert isinstance(upload, Upload), upload
    return upload.id or 0


async def answer_all(uow: UnitOfWork, account: Account, **answers: bool) -> Checklist:
    facts = {"hk_mo_tw_or_foreign": False, "grade_3a_or_cdc": True, "repeat_candidate": False} | answers
    result: Checklist | Problem | None = None
    for code, yes in facts.items():
        result = await answer_fact(uow, account, code, yes, NOW)
    assert isinstance(result, Checklist), result
    return result


async def ready_to_submit(uow: UnitOfWork, files: FileStore, account: Account, tag: bytes = b"") -> None:
    """A mainland applicant of a 三级甲等 hospital, first attempt: ID front and back, ID in hand,
    graduation certificate, probation certificate."""
    await answer_all(uow, account)
    for category, data in [
        ("identity", b"front"),
        ("identity", b"back"),
        ("identity_in_hand", b"in hand"),
        ("graduation", b"diploma"),
        ("probation", b"probation"),
    ]:
        await added(uow, files, account, category, tag + data)


async def current(uow: UnitOfWork, account: Account, now: datetime = NOW) -> Checklist:
    found = await checklist(uow, account, now)
    assert isinstance(found, Checklist), found
    return found


# ----- the catalog


def test_tianjin_2022_lists_the_typical_categories_with_the_identity_at_exactly_two_images():
    region = programme(NMEC).year(2022).region("tianjin")
    names = [c.name for c in region.materials]

    assert len(names) >= 6
    for name in [
        "有效身份证明",
        "毕业证书",
        "试用期考核合格证明",
        "医疗机构执业许可证副本",
        "实习申请审核表",
        "学位证书",
        "其他",
    ]:
        assert name in names
    identity = region.category("identity")
    assert identity is not None and (identity.min_count, identity.max_count) == (2, 2)
    assert identity.requirement is Requirement.ALWAYS and "正面" in identity.example
    other = region.category("other")
    assert other is not None and other.requirement is Requirement.OPTIONAL and other.max_count == 5


def test_a_second_region_has_its_own_window_and_categories():
    hunan = programme(NMEC).year(2022).region("hunan")
    tianjin = programme(NMEC).year(2022).region("tianjin")

    assert hunan.official_name == "湖南考区"
    assert hunan.windows["upload"] != tianjin.windows["upload"]
    assert [c.code for c in hunan.materials] == [c.code for c in tianjin.materials]


def test_a_category_is_required_if_or_unless_a_fact_and_undecided_while_it_is_unanswered():
    region = programme(NMEC).year(2022).region("tianjin")
    internship, licence = region.category("internship_form"), region.category("institution_licence")
    assert internship is not None and licence is not None

    assert internship.required_given({}) is None
    assert internship.required_given({"hk_mo_tw_or_foreign": True}) is True
    assert internship.required_given({"hk_mo_tw_or_foreign": False}) is False
    # required_unless two facts: any yes frees the applicant; both no require it.
    assert licence.required_given({"grade_3a_or_cdc": True}) is False
    assert licence.required_given({"grade_3a_or_cdc": False}) is None
    assert licence.required_given({"grade_3a_or_cdc": False, "repeat_candidate": True}) is False
    assert licence.required_given({"grade_3a_or_cdc": False, "repeat_candidate": False}) is True


NMEC_HEAD = """
code = "nmec-materials"
official_name = "医师资格考试报名材料上传"
[years.2022.regions.x]
official_name = "某考区"
[years.2022.regions.x.windows]
upload = "2022-01-18..2022-01-27"
[[years.2022.regions.x.facts]]
code = "foreign"
question = "外籍？"
"""


def category_toml(**lines: object) -> str:
    values = {
        "code": '"identity"',
        "name": '"有效身份证明"',
        "example": '"正反面"',
        "min_count": 2,
        "max_count": 2,
        "required_if": '"foreign"',
    } | lines
    body = "\n".join(f"{key} = {value}" for key, value in values.items() if value is not None)
    return f"{NMEC_HEAD}\n[[years.2022.regions.x.materials]]\n{body}\n"


def test_a_well_formed_category_and_fact_are_read():
    parsed = programme_from_toml(category_toml(), NMEC_DECLARATION).year(2022).region("x")

    assert parsed.materials == (
        MaterialCategory("identity", "有效身份证明", "正反面", 2, 2, Requirement.IF, ("foreign",)),
    )
    fact = parsed.fact("foreign")
    assert fact is not None and fact.question == "外籍？"


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        (
            {"required_if": '"married"'},
            r"materials\[0\]\.required_if: names no fact of this region: 'married'",
        ),
        ({"required": '"always"'}, "exactly one of required, required_if and required_unless"),
        ({"required_if": None}, "exactly one of required, required_if and required_unless"),
        ({"required_if": None, "required": '"sometimes"'}, "must be 'always' or 'optional'"),
        ({"min_count": 3}, "1 <= min_count <= max_count"),
        ({"min_count": 0}, "1 <= min_count <= max_count"),
        ({"code": '"身份"'}, "is not a code"),
        ({"max_cuont": 2}, "unknown key"),
        ({"required_if": '"foreign"', "name": None}, r"materials\[0\]\.name: is missing"),
    ],
)
def test_a_malformed_category_fails_loudly_naming_file_and_key(changes, complaint):
    with pytest.raises(CatalogError, match=complaint) as raised:
        programme_from_toml(category_toml(**changes), NMEC_DECLARATION)
    assert str(raised.value).startswith("nmec_materials.toml: years.2022.regions.x")


def test_a_fact_no_category_depends_on_and_materials_without_an_upload_window_are_refused():
    unused = category_toml(required_if=None, required='"always"')
    with pytest.raises(CatalogError, match="'foreign' is asked, but no material depends on it"):
        programme_from_toml(unused, NMEC_DECLARATION)
    windowless = category_toml().replace('upload = "2022-01-18..2022-01-27"', "")
    with pytest.raises(CatalogError, match="needs an upload window"):
        programme_from_toml(windowless, NMEC_DECLARATION)
    twice = category_toml() + '[[years.2022.regions.x.materials]]\ncode = "identity"\n'
    with pytest.raises(CatalogError, match="'identity' is declared twice"):
        programme_from_toml(twice, NMEC_DECLARATION)


def years_programme() -> Programme:
    """Region x with materials in 2022 and bare upload windows in 2021 and 2023."""
    text = category_toml()
    for year in (2021, 2023):
        text += (
            f'[years.{year}.regions.x]\nofficial_name = "某考区"\n'
            f'[years.{year}.regions.x.windows]\nupload = "{year}-01-18..{year}-01-27"\n'
        )
    return programme_from_toml(text, NMEC_DECLARATION)


@pytest.mark.parametrize(
    ("now", "year"),
    [
        (beijing(1, 20, year=2022), 2022),  # its window is open
        (beijing(1, 28, year=2021), 2022),  # between windows: the next one
        (beijing(1, 1, year=2021), 2021),  # before every window: the first one to come
        (beijing(6, 1, year=2024), 2023),  # after every window: the latest
    ],
)
def test_the_catalog_year_is_the_open_window_else_the_next_else_the_latest(monkeypatch, now, year):
    monkeypatch.setattr(materials, "programme", lambda code: years_programme())

    chosen = catalog_year("x", now)

    assert chosen is not None and chosen[0] == year
    assert catalog_year("atlantis", now) is None


# ----- context and checklist


async def test_the_context_is_the_registration_region_and_window_of_the_account(uow):
    account = await applicant(uow)

    context = await material_context(uow, account, NOW)

    assert not isinstance(context, Problem)
    assert (context.registration.registration_number, context.region.code, context.year) == (
        "2022120100001",
        "tianjin",
        2022,
    )
    assert context.window.end == DEADLINE


async def test_an_account_without_a_registration_or_of_another_programme_has_no_materials(uow):
    account = await applicant(uow)
    orphan = Account(NMEC, "2022999900001", "", "李四", "11010119800101103X", "13900001111", NOW, id=99)
    other = Account(
        "gd-residency", "zhangsan", "hash", "张三", "110101199003071233", "13812345678", NOW, id=1
    )

    assert await material_context(uow, orphan, NOW) == Problem(
        "No exam registration is linked to this account."
    )
    assert isinstance(await material_context(uow, other, NOW), Problem)
    assert not isinstance(await material_context(uow, account, NOW), Problem)


async def test_a_fresh_checklist_asks_every_question_and_names_what_is_missing(uow):
    account = await applicant(uow)

    fresh = await current(uow, account)

    assert [f.code for f in fresh.unanswered_facts] == [
        "hk_mo_tw_or_foreign",
        "grade_3a_or_cdc",
        "repeat_candidate",
    ]
    identity = fresh.category("identity")
    assert identity is not None and (identity.required, identity.missing, identity.count) == (True, 2, 0)
    graduation = fresh.category("graduation")
    assert graduation is not None and graduation.required is None  # 往年已考过? not answered yet
    assert (fresh.submission_state, fresh.locked, fresh.closed, fresh.deadline) == (
        SubmissionState.DRAFT,
        False,
        False,
        DEADLINE,
    )


async def test_answers_decide_which_categories_are_required(uow):
    account = await applicant(uow)

    mainland = await answer_all(uow, account)
    foreign = await answer_all(uow, account, hk_mo_tw_or_foreign=True, grade_3a_or_cdc=False)

    assert mainland.unanswered_facts == ()
    assert [s.category.code for s in mainland.missing] == [
        "identity",
        "identity_in_hand",
        "graduation",
        "probation",
    ]
    assert [s.category.code for s in foreign.missing] == [
        "identity",
        "identity_in_hand",
        "graduation",
        "probation",
        "institution_licence",
        "internship_form",
    ]


async def test_a_repeat_candidate_needs_a_previous_ticket_instead_of_the_diploma(uow):
    account = await applicant(uow)

    repeat = await answer_all(uow, account, repeat_candidate=True, grade_3a_or_cdc=False)

    assert [s.category.code for s in repeat.missing] == [
        "identity",
        "identity_in_hand",
        "probation",
        "previous_ticket",
    ]


async def test_an_unknown_question_is_refused(uow):
    account = await applicant(uow)

    assert await answer_fact(uow, account, "married", True, NOW) == Problem(
        "Unknown question {fact}.", {"fact": "married"}
    )


# ----- adding images


async def test_an_image_is_stored_under_its_content_with_its_metadata(uow, files):
    account = await applicant(uow)

    upload = await add(uow, files, account, "identity", b"front", name="C:\\photos\\身份证\x00正面.jpg")

    assert isinstance(upload, Upload)
    assert files.files[upload.file_key] == b"front" and upload.file_key == content_key(b"front")
    [stored] = uow.stored_uploads()
    assert (stored.kind, stored.slot, stored.state, stored.size_bytes) == (
        UploadKind.MATERIALS,
        "identity",
        "draft",
        5,
    )
    assert stored.original_name == "身份证正面.jpg"
    assert (stored.width, stored.height, stored.content_type) == (1200, 800, "image/jpeg")


async def test_the_identity_takes_exactly_two_images(uow, files):
    account = await applicant(uow)
    await added(uow, files, account, "identity", b"front")
    await added(uow, files, account, "identity", b"back")

    third = await add(uow, files, account, "identity", b"again")

    assert third == Problem(
        "{category}: the maximum is {max}; delete an image before adding another.",
        {"category": "有效身份证明", "max": 2},
    )
    assert len(uow.stored_uploads()) == 2 and len(files.files) == 2


async def test_other_takes_up_to_five_images(uow, files):
    account = await applicant(uow)
    for number in range(5):
        await added(uow, files, account, "other", b"other %d" % number)

    assert isinstance(await add(uow, files, account, "other", b"other 6"), Problem)
    status = (await current(uow, account)).category("other")
    assert status is not None and status.full and status.missing == 0


async def test_an_unknown_category_is_refused(uow, files):
    account = await applicant(uow)

    refused = await add(uow, files, account, "passport", b"x")

    assert refused == Problem("Unknown material category {category}.", {"category": "passport"})
    assert files.files == {}


async def test_the_same_image_twice_is_refused_naming_where_it_is(uow, files):
    account = await applicant(uow)
    await added(uow, files, account, "identity", b"front")

    again = await add(uow, files, account, "graduation", b"front")

    assert again == Problem(
        "This image is already among your materials ({category}).", {"category": "有效身份证明"}
    )


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (FIRST_SECOND - timedelta(seconds=1), False),
        (FIRST_SECOND, True),
        (LAST_SECOND, True),
        (DEADLINE, False),
    ],
)
async def test_uploads_are_taken_from_the_first_to_the_last_second_of_the_window_in_beijing_time(
    uow, files, now, accepted
):
    account = await applicant(uow)

    result = await add(uow, files, account, "identity", b"front", now=now)

    assert isinstance(result, Upload) is accepted


def test_moments_are_shown_in_beijing_time_and_an_inclusive_last_day_ends_at_24_00():
    assert moment_text(datetime(2022, 1, 17, 16, 0, tzinfo=UTC)) == "2022-01-18 00:00"
    assert end_text(DEADLINE) == "2022-01-27 24:00"
    assert end_text(beijing(11, 23, 17)) == "2022-11-23 17:00"


def test_a_reason_is_one_line_of_at_most_200_characters():
    assert parse_reason(" 反面\n 模糊 ") == "反面 模糊"
    assert isinstance(parse_reason("\t"), Problem)
    assert parse_reason("糊" * 200) == "糊" * 200
    assert isinstance(parse_reason("糊" * 201), Problem)


async def test_refusals_outside_the_window_say_the_window_in_beijing_time(uow, files):
    account = await applicant(uow)

    early = await add(uow, files, account, "identity", b"front", now=FIRST_SECOND - timedelta(seconds=1))
    late = await add(uow, files, account, "identity", b"front", now=DEADLINE)

    assert early == Problem(
        "Uploads for {region} open at {start} (Beijing time).",
        {"region": "天津考区", "start": "2022-01-18 00:00"},
    )
    assert late == Problem(
        "The upload window of {region} closed at {end} (Beijing time); your materials are locked.",
        {"region": "天津考区", "end": "2022-01-27 24:00"},
    )


# ----- deleting images


async def test_an_own_draft_image_is_deleted_with_its_file(uow, files):
    account = await applicant(uow)
    upload_id = await added(uow, files, account, "identity", b"front")

    assert await delete_image(uow, files, account, upload_id, NOW) is None

    assert uow.stored_uploads() == [] and files.files == {}


async def test_another_accounts_image_id_is_not_found_like_a_missing_one(uow, files):
    mine = await applicant(uow)
    theirs = await applicant(uow, "2022120100002", name="李四", id_number="11010119800101103X", chat="1002")
    their_upload = await added(uow, files, theirs, "identity", b"their front")

    forged = await delete_image(uow, files, mine, their_upload, NOW)
    missing = await delete_image(uow, files, mine, 424242, NOW)

    assert forged == missing == Problem("This image is not among your materials.")
    assert [u.id for u in uow.stored_uploads()] == [their_upload]
    assert files.files


async def test_a_file_shared_by_two_uploads_stays_until_the_last_one_goes(uow, files):
    first = await applicant(uow)
    second = await applicant(uow, "2022120100002", name="李四", id_number="11010119800101103X", chat="1002")
    mine = await added(uow, files, first, "other", b"the same notice")
    theirs = await added(uow, files, second, "other", b"the same notice")

    await delete_image(uow, files, first, mine, NOW)
    assert content_key(b"the same notice") in files.files

    await delete_image(uow, files, second, theirs, NOW)
    assert files.files == {}


async def test_deleting_after_the_deadline_is_refused(uow, files):
    account = await applicant(uow)
    upload_id = await added(uow, files, account, "identity", b"front")

    refused = await delete_image(uow, files, account, upload_id, DEADLINE)

    assert isinstance(refused, Problem) and refused.params["end"] == "2022-01-27 24:00"
    assert len(uow.stored_uploads()) == 1


# ----- 提交审核


async def test_submitting_lists_every_missing_category(uow, files):
    account = await applicant(uow)
    await answer_all(uow, account, grade_3a_or_cdc=False)
    await added(uow, files, account, "identity", b"front")

    refused = await submit(uow, account, NOW)

    assert refused == Problem(
        "Not submitted: still needed: {missing}.",
        {
            "missing": "有效身份证明 ×1; 手持身份证明照片 ×1; 毕业证书 ×1; "
            "试用期考核合格证明 ×1; 医疗机构执业许可证副本 ×1"
        },
    )


async def test_submitting_asks_the_unanswered_questions_first(uow, files):
    account = await applicant(uow)
    await answer_fact(uow, account, "grade_3a_or_cdc", True, NOW)

    refused = await submit(uow, account, NOW)

    assert isinstance(refused, Problem) and refused.message == "Answer these questions first: {questions}"
    assert (
        refused.params["questions"]
        == "您是港澳台或外籍考生吗？ / 您往年已报考过医师资格考试（本次为再次报考）吗？"
    )


async def test_submitting_locks_every_image_and_the_submission(uow, files):
    account = await applicant(uow)
    await ready_to_submit(uow, files, account)

    submitted = await submit(uow, account, NOW)

    assert isinstance(submitted, Submission)
    assert (submitted.state, submitted.submitted_at) == (SubmissionState.SUBMITTED, NOW)
    assert {u.state for u in uow.stored_uploads()} == {UploadState.SUBMITTED}
    after = await current(uow, account)
    assert after.locked and not after.closed
    assert all(image.locked for status in after.categories for image in status.images)
    assert SUBMITTED_MESSAGE == "Submitted: your materials are locked."


async def test_after_submitting_nothing_can_be_added_deleted_answered_or_submitted_again(uow, files):
    account = await applicant(uow)
    await ready_to_submit(uow, files, account)
    await submit(uow, account, NOW)
    some_image = uow.stored_uploads()[0].id or 0

    refusals = [
        await add(uow, files, account, "degree", b"degree"),
        await answer_fact(uow, account, "repeat_candidate", True, NOW),
        await submit(uow, account, NOW),
    ]
    deleted = await delete_image(uow, files, account, some_image, NOW)

    assert all(
        isinstance(r, Problem) and r.message.startswith("Your materials are submitted and locked")
        for r in refusals
    )
    assert deleted == Problem("This image is locked: it was submitted for review.")
    assert len(uow.stored_uploads()) == 5


async def test_submitting_after_the_deadline_is_refused_and_the_checklist_is_closed(uow, files):
    account = await applicant(uow)
    await ready_to_submit(uow, files, account)

    refused = await submit(uow, account, DEADLINE)
    closed = await current(uow, account, DEADLINE)

    assert isinstance(refused, Problem) and refused.params["end"] == "2022-01-27 24:00"
    assert closed.closed and closed.locked
    assert await answer_fact(uow, account, "repeat_candidate", True, DEADLINE) == refused


async def test_submitting_at_the_last_second_is_accepted(uow, files):
    account = await applicant(uow)
    await ready_to_submit(uow, files, account)

    assert isinstance(await submit(uow, account, LAST_SECOND), Submission)


# ----- review


async def submitted_applicant(
    uow: FakeUnitOfWork, files: FakeFileStore, number: str = "2022120100001", **person: str
) -> Account:
    account = await applicant(uow, number, **person)
    await ready_to_submit(uow, files, account, tag=number.encode())
    assert isinstance(await submit(uow, account, NOW), Submission)
    return account


def uploads_of(uow: FakeUnitOfWork, account: Account, category: str) -> list[Upload]:
    return [u for u in uow.stored_uploads() if u.account_id == account.id and u.slot == category]


async def test_the_queue_lists_submitted_images_oldest_submission_first_with_the_applicant_masked(uow, files):
    first = await submitted_applicant(uow, files)
    second = await submitted_applicant(
        uow, files, "2022120100002", name="欧阳小明", id_number="11010119800101103X", chat="1002"
    )
    async with uow:  # the second applicant submitted a day earlier
        submission = await uow.submissions.get(second.id or 0, UploadKind.MATERIALS)
        assert submission is not None
        submission.submitted_at = NOW - timedelta(days=1)
        await uow.commit()

    queue = await review_queue(uow, NOW)

    assert [item.account_id for item in queue] == [second.id] * 5 + [first.id] * 5
    head = queue[0]
    assert isinstance(head, QueueItem)
    assert (head.applicant, head.registration_number) == ("欧***", "2022*****0002")
    assert (head.region, head.region_name, head.category, head.category_name) == (
        "tianjin",
        "天津考区",
        "identity",
        "有效身份证明",
    )
    assert not head.closed
    assert [item.category for item in queue[:5]] == [
        "identity",
        "identity",
        "identity_in_hand",
        "graduation",
        "probation",
    ]


async def test_the_queue_of_one_region_leaves_the_others_out(uow, files):
    await submitted_applicant(uow, files)

    assert await review_queue(uow, NOW, region="hunan") == []
    assert len(await review_queue(uow, NOW, region="tianjin")) == 5


async def test_approving_stores_the_review_and_tells_nobody(uow, files):
    account = await submitted_applicant(uow, files)
    front = uploads_of(uow, account, "identity")[0]

    outcome = await approve(uow, front.id or 0, REVIEWER, NOW)

    assert isinstance(outcome, ReviewOutcome)
    assert (outcome.state, outcome.notify, outcome.category_name) == (
        UploadState.APPROVED,
        None,
        "有效身份证明",
    )
    stored = uploads_of(uow, account, "identity")[0]
    assert (stored.state, stored.reviewed_by, stored.reviewed_at) == (UploadState.APPROVED, REVIEWER, NOW)
    assert len(await review_queue(uow, NOW)) == 4


async def test_approving_every_image_never_says_approved_to_the_applicant(uow, files):
    account = await submitted_applicant(uow, files)
    for upload in uow.stored_uploads():
        assert isinstance(await approve(uow, upload.id or 0, REVIEWER, NOW), ReviewOutcome)

    after = await current(uow, account)
    lines = status_lines(after)

    assert after.submission_state == SubmissionState.SUBMITTED and after.locked
    assert after.counts[UploadState.APPROVED] == 5
    assert all(image.locked for status in after.categories for image in status.images)
    assert NO_NEWS_NOTE in [line.message for line in lines]
    assert not any("approv" in line.message.lower() for line in lines if line.message != NO_NEWS_NOTE)


async def test_returning_unlocks_exactly_that_image_and_names_the_chat_to_tell(uow, files):
    account = await submitted_applicant(uow, files)
    back = uploads_of(uow, account, "identity")[1]

    outcome = await return_image(uow, back.id or 0, REVIEWER, "  反面 模糊，\n请重新拍摄 ", NOW)

    assert isinstance(outcome, ReviewOutcome)
    assert outcome.notify is not None and outcome.notify.external_id == "1001"
    assert (outcome.reason, outcome.category_name, outcome.deadline) == (
        "反面 模糊， 请重新拍摄",
        "有效身份证明",
        DEADLINE,
    )
    after = await current(uow, account)
    assert after.submission_state == SubmissionState.NEEDS_CHANGES and not after.locked
    identity = after.category("identity")
    assert identity is not None
    assert [(image.state, image.locked) for image in identity.images] == [
        (UploadState.SUBMITTED, True),
        (UploadState.RETURNED, False),
    ]
    assert identity.returned[0].reason == "反面 模糊， 请重新拍摄" and identity.missing == 1


async def test_a_return_needs_a_short_reason(uow, files):
    account = await submitted_applicant(uow, files)
    upload_id = uploads_of(uow, account, "identity")[0].id or 0

    assert await return_image(uow, upload_id, REVIEWER, " \n ", NOW) == Problem(
        "Give the reason for returning the image."
    )
    too_long = await return_image(uow, upload_id, REVIEWER, "糊" * 201, NOW)
    assert too_long == Problem(
        "The reason has at most {limit} characters; this one has {length}.", {"limit": 200, "length": 201}
    )


async def test_an_image_reviewed_already_or_unknown_cannot_be_reviewed(uow, files):
    account = await submitted_applicant(uow, files)
    upload_id = uploads_of(uow, account, "identity")[0].id or 0
    await approve(uow, upload_id, REVIEWER, NOW)

    assert await approve(uow, upload_id, REVIEWER, NOW) == Problem(
        "This image is no longer waiting for review."
    )
    assert await return_image(uow, upload_id, REVIEWER, "模糊", NOW) == Problem(
        "This image is no longer waiting for review."
    )
    assert await approve(uow, 424242, REVIEWER, NOW) == Problem(
        "No image {upload} among the materials.", {"upload": 424242}
    )


async def test_a_draft_image_is_not_waiting_for_review(uow, files):
    account = await applicant(uow)
    upload_id = await added(uow, files, account, "identity", b"front")

    assert await approve(uow, upload_id, REVIEWER, NOW) == Problem(
        "This image is no longer waiting for review."
    )


async def test_returning_after_the_deadline_is_refused_because_nobody_could_replace_it(uow, files):
    account = await submitted_applicant(uow, files)
    upload_id = uploads_of(uow, account, "identity")[0].id or 0

    refused = await return_image(uow, upload_id, REVIEWER, "模糊", DEADLINE)
    approved = await approve(uow, upload_id, REVIEWER, DEADLINE)

    assert isinstance(refused, Problem) and "can no longer replace" in refused.message
    assert refused.params == {"region": "天津考区", "end": "2022-01-27 24:00"}
    assert isinstance(approved, ReviewOutcome)  # approving goes on after the window
    queue_after = await review_queue(uow, DEADLINE)
    assert queue_after and all(item.closed for item in queue_after)


async def test_return_replace_and_resubmit(uow, files):
    account = await submitted_applicant(uow, files)
    front, back = uploads_of(uow, account, "identity")
    await return_image(uow, back.id or 0, REVIEWER, "反面模糊", NOW)

    # The returned image still holds its place: no third identity image, and no resubmission yet.
    assert isinstance(await add(uow, files, account, "identity", b"sharp back"), Problem)
    blocked = await submit(uow, account, NOW)
    assert isinstance(blocked, Problem) and blocked.params == {"missing": "有效身份证明 ×1"}
    # The locked one stays locked.
    assert await delete_image(uow, files, account, front.id or 0, NOW) == Problem(
        "This image is locked: it was submitted for review."
    )

    assert await delete_image(uow, files, account, back.id or 0, NOW) is None
    replacement = await add(uow, files, account, "identity", b"sharp back")
    assert isinstance(replacement, Upload) and replacement.state == UploadState.DRAFT
    resubmitted = await submit(uow, account, NOW + timedelta(hours=2))

    assert isinstance(resubmitted, Submission)
    assert resubmitted.state == SubmissionState.SUBMITTED
    assert resubmitted.submitted_at == NOW  # the first submission keeps its place in the queue
    assert [u.state for u in uploads_of(uow, account, "identity")] == [UploadState.SUBMITTED] * 2
    assert [item.upload_id for item in await review_queue(uow, NOW)][:2] == [front.id, replacement.id]


async def test_a_returned_image_left_in_place_blocks_submitting_even_when_the_minimum_is_met(uow, files):
    account = await applicant(uow)
    await ready_to_submit(uow, files, account)
    await added(uow, files, account, "other", b"extra")
    await submit(uow, account, NOW)
    extra = uploads_of(uow, account, "other")[0]
    await return_image(uow, extra.id or 0, REVIEWER, "与报考无关", NOW)

    refused = await submit(uow, account, NOW)

    assert refused == Problem(
        "Not submitted: delete the returned images and upload new ones first: {categories}.",
        {"categories": "其他"},
    )


async def test_status_lines_follow_the_cycle(uow, files):
    account = await applicant(uow)
    draft = status_lines(await current(uow, account))
    assert draft[0].message.startswith("Materials: images uploaded: {count}, not submitted yet")
    assert draft[0].params == {"count": 0, "end": "2022-01-27 24:00"}

    await ready_to_submit(uow, files, account)
    await submit(uow, account, NOW)
    submitted = status_lines(await current(uow, account))
    assert [line.message for line in submitted] == [
        "Materials submitted and locked (images: {count}).",
        NO_NEWS_NOTE,
    ]

    await return_image(uow, uploads_of(uow, account, "probation")[0].id or 0, REVIEWER, "缺少签章", NOW)
    returned = status_lines(await current(uow, account))
    assert returned[0].params == {"count": 1, "end": "2022-01-27 24:00"}

    closed = status_lines(await current(uow, account, DEADLINE))
    assert closed[0].params == {"region": "天津考区", "end": "2022-01-27 24:00", "count": 5}


# ----- uploads in general: one image per slot, orphans


async def test_a_single_slot_image_replaces_the_previous_one_and_its_file(uow, files):
    account = await applicant(uow)

    first = await store_single(
        uow,
        files,
        account.id or 0,
        UploadKind.DEGREE_PHOTO,
        "photo",
        Picture(b"old", "image/jpeg", 390, 567, "a.jpg"),
        NOW,
    )
    second = await store_single(
        uow,
        files,
        account.id or 0,
        UploadKind.DEGREE_PHOTO,
        "photo",
        Picture(b"new", "image/jpeg", 390, 567),
        NOW,
    )

    assert [u.id for u in uow.stored_uploads()] == [second.id] and first.id != second.id
    assert set(files.files) == {content_key(b"new")}


async def test_orphan_files_are_swept_once_old_enough_and_referenced_ones_never(uow, files):
    account = await applicant(uow)
    await added(uow, files, account, "identity", b"kept")
    orphan = await files.put(b"left behind by a crash")
    files.stored_at = {key: at - timedelta(days=1) for key, at in files.stored_at.items()}
    fresh = await files.put(b"its row is about to be committed")

    assert await orphan_files(uow, files, datetime.now(BEIJING)) == {orphan}
    assert await remove_orphan_files(uow, files, datetime.now(BEIJING)) == {orphan}
    assert set(files.files) == {content_key(b"kept"), fresh}
    assert await missing_files(uow, files) == set()


async def test_deleting_an_account_deletes_its_uploads_and_submission_rows(uow, files):
    account = await submitted_applicant(uow, files)

    async with uow:
        stored = await uow.accounts.get(account.id or 0)
        assert stored is not None
        await uow.accounts.remove(stored)
        await uow.commit()

    assert uow.stored_uploads() == [] and uow.stored_submissions() == []


def test_an_original_name_keeps_no_folder_no_control_character_and_its_end():
    assert clean_original_name("../../etc/passwd") == "passwd"
    assert clean_original_name("\u202eevil\x07.jpg") == "evil.jpg"
    assert clean_original_name("  ") is None
    long = clean_original_name("名" * 300 + ".png")
    assert long is not None and len(long) == 255 and long.endswith(".png")
