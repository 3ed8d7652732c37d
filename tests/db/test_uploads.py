"""Uploads and submissions in the database: the repositories, the constraints and cascades, the
materials cycle over SQLite with files on disk, and migration 0008 both ways."""

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, delete, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.tables import accounts
from bot.db.uow import SqlUnitOfWork
from bot.files import DiskFileStore
from domain.materials import ReviewOutcome, approve, delete_image, return_image, review_queue, submit
from domain.model import Submission, SubmissionState, Upload, UploadKind, UploadState
from domain.problems import Problem
from domain.uploads import content_key, missing_files, orphan_files
from tests.unit.test_materials import NOW, REVIEWER, add, applicant, ready_to_submit

MATERIALS = UploadKind.MATERIALS


@pytest.fixture
def files(tmp_path: Path) -> DiskFileStore:
    return DiskFileStore(tmp_path / "data" / "files")


def upload(account_id: int, slot: str = "identity", key: str = "a" * 64, minutes: int = 0) -> Upload:
    return Upload(
        account_id=account_id,
        kind=MATERIALS,
        slot=slot,
        file_key=key,
        size_bytes=123_456,
        content_type="image/png",
        width=1000,
        height=700,
        uploaded_at=NOW + timedelta(minutes=minutes),
        original_name="身份证正面.png",
    )


async def test_an_upload_is_stored_and_read_back_whole(uow: SqlUnitOfWork) -> None:
    account = await applicant(uow)
    async with uow:
        stored = await uow.uploads.add(upload(account.id or 0))
        await uow.commit()

    async with uow:
        loaded = await uow.uploads.get(stored.id or 0)

    assert loaded is not None and loaded is not stored
    assert (loaded.kind, loaded.slot, loaded.file_key, loaded.state) == (
        MATERIALS,
        "identity",
        "a" * 64,
        "draft",
    )
    assert (loaded.size_bytes, loaded.content_type, loaded.width, loaded.height) == (
        123_456,
        "image/png",
        1000,
        700,
    )
    assert (loaded.original_name, loaded.uploaded_at, loaded.reason, loaded.reviewed_by) == (
        "身份证正面.png",
        NOW,
        None,
        None,
    )


async def test_uploads_are_listed_per_account_and_kind_oldest_first_and_by_state(uow: SqlUnitOfWork) -> None:
    mine = await applicant(uow)
    theirs = await applicant(uow, "2022120100002", id_number="11010119800101103X", chat="1002")
    async with uow:
        later = await uow.uploads.add(upload(mine.id or 0, "graduation", "b" * 64, minutes=5))
        earlier = await uow.uploads.add(upload(mine.id or 0, "identity", "c" * 64, minutes=1))
        await uow.uploads.add(upload(theirs.id or 0))
        photo = upload(mine.id or 0, "photo", "d" * 64)
        photo.kind = UploadKind.DEGREE_PHOTO
        await uow.uploads.add(photo)
        later.state = UploadState.SUBMITTED
        await uow.commit()

    async with uow:
        listed = await uow.uploads.of_account(mine.id or 0, MATERIALS)
        submitted = await uow.uploads.in_state(MATERIALS, UploadState.SUBMITTED)

    assert [u.id for u in listed] == [earlier.id, later.id]
    assert [u.id for u in submitted] == [later.id]


async def test_references_count_the_rows_of_one_file_and_removing_a_row_keeps_the_others(
    uow: SqlUnitOfWork,
) -> None:
    account = await applicant(uow)
    async with uow:
        first = await uow.uploads.add(upload(account.id or 0, "other", "e" * 64))
        await uow.uploads.add(upload(account.id or 0, "degree", "e" * 64))
        await uow.uploads.add(upload(account.id or 0, "identity", "f" * 64))
        await uow.commit()

    async with uow:
        assert await uow.uploads.references("e" * 64) == 2
        assert await uow.uploads.file_keys() == {"e" * 64, "f" * 64}
        found = await uow.uploads.get(first.id or 0)
        assert found is not None
        await uow.uploads.remove(found)
        await uow.commit()

    async with uow:
        assert await uow.uploads.references("e" * 64) == 1
        assert await uow.uploads.references("0" * 64) == 0


async def test_one_submission_per_account_and_kind(uow: SqlUnitOfWork) -> None:
    account = await applicant(uow)
    async with uow:
        await uow.submissions.add(Submission(account.id or 0, MATERIALS))
        await uow.submissions.add(Submission(account.id or 0, UploadKind.TJ_REVIEW))
        await uow.commit()

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.submissions.add(Submission(account.id or 0, MATERIALS))


async def test_the_answers_of_a_submission_are_stored_when_the_dict_is_replaced(uow: SqlUnitOfWork) -> None:
    account = await applicant(uow)
    async with uow:
        await uow.submissions.add(Submission(account.id or 0, MATERIALS, facts={"repeat_candidate": False}))
        await uow.commit()

    async with uow:
        submission = await uow.submissions.get(account.id or 0, MATERIALS)
        assert submission is not None and submission.facts == {"repeat_candidate": False}
        assert submission.state == SubmissionState.DRAFT and submission.submitted_at is None
        submission.facts = {**submission.facts, "grade_3a_or_cdc": True}
        await uow.commit()

    async with uow:
        again = await uow.submissions.get(account.id or 0, MATERIALS)
    assert again is not None and again.facts == {"repeat_candidate": False, "grade_3a_or_cdc": True}


async def test_an_upload_needs_an_existing_account(uow: SqlUnitOfWork) -> None:
    async with uow:
        with pytest.raises(IntegrityError):
            await uow.uploads.add(upload(424242))


async def test_deleting_an_account_deletes_its_upload_rows_and_submission(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    account = await applicant(uow)
    async with uow:
        await uow.uploads.add(upload(account.id or 0))
        await uow.submissions.add(Submission(account.id or 0, MATERIALS))
        await uow.commit()

    async with session_factory.begin() as session:
        await session.execute(delete(accounts).where(accounts.c.id == account.id))

    async with uow:
        assert await uow.uploads.of_account(account.id or 0, MATERIALS) == []
        assert await uow.submissions.get(account.id or 0, MATERIALS) is None


# ----- the materials cycle over SQLite, files on disk


async def test_upload_submit_return_and_delete_over_the_database_and_the_disk(
    uow: SqlUnitOfWork, files: DiskFileStore
) -> None:
    account = await applicant(uow)
    await ready_to_submit(uow, files, account)
    assert isinstance(await submit(uow, account, NOW), Submission)

    queue = await review_queue(uow, NOW)
    assert [item.category for item in queue] == [
        "identity",
        "identity",
        "identity_in_hand",
        "graduation",
        "probation",
    ]
    assert await files.get(queue[0].file_key) == b"front"
    assert isinstance(await approve(uow, queue[0].upload_id, REVIEWER, NOW), ReviewOutcome)
    assert isinstance(await return_image(uow, queue[1].upload_id, REVIEWER, "反面模糊", NOW), ReviewOutcome)
    assert await delete_image(uow, files, account, queue[1].upload_id, NOW) is None
    replacement = await add(uow, files, account, "identity", b"sharp back")
    assert isinstance(replacement, Upload)
    resubmitted = await submit(uow, account, NOW + timedelta(hours=1))

    assert isinstance(resubmitted, Submission) and resubmitted.submitted_at == NOW
    async with uow:
        states = [(u.slot, u.state) for u in await uow.uploads.of_account(account.id or 0, MATERIALS)]
    assert states == [
        ("identity", UploadState.APPROVED),
        ("identity_in_hand", UploadState.SUBMITTED),
        ("graduation", UploadState.SUBMITTED),
        ("probation", UploadState.SUBMITTED),
        ("identity", UploadState.SUBMITTED),
    ]
    with pytest.raises(KeyError):
        await files.get(queue[1].file_key)  # the returned image's file went with its row
    assert await missing_files(uow, files) == set()
    assert await orphan_files(uow, files, NOW.replace(year=2100)) == set()


class MeetingFileStore:
    """A DiskFileStore whose ``put`` waits until every party has arrived: each update has passed the
    checks before its write, as two images of an album processed at the same time have."""

    def __init__(self, store: DiskFileStore, parties: int) -> None:
        self._store = store
        self._barrier = asyncio.Barrier(parties)

    async def put(self, data: bytes) -> str:
        await self._barrier.wait()
        return await self._store.put(data)

    async def get(self, key: str) -> bytes:
        return await self._store.get(key)

    async def delete(self, key: str) -> None:
        await self._store.delete(key)

    async def keys(self, stored_before: datetime | None = None) -> set[str]:
        return await self._store.keys(stored_before)


async def test_two_images_arriving_at_once_never_exceed_the_maximum(
    session_factory: async_sessionmaker[AsyncSession], files: DiskFileStore
) -> None:
    account = await applicant(SqlUnitOfWork(session_factory))
    await add(SqlUnitOfWork(session_factory), files, account, "identity", b"front")
    meeting = MeetingFileStore(files, parties=2)

    results = await asyncio.gather(
        add(SqlUnitOfWork(session_factory), meeting, account, "identity", b"back"),
        add(SqlUnitOfWork(session_factory), meeting, account, "identity", b"back, once more"),
    )

    assert sorted(type(result).__name__ for result in results) == ["Problem", "Upload"]
    [refused] = [result for result in results if isinstance(result, Problem)]
    assert refused.params == {"category": "有效身份证明", "max": 2}
    async with SqlUnitOfWork(session_factory) as uow:
        kept = await uow.uploads.of_account(account.id or 0, MATERIALS)
    assert len(kept) == 2
    assert await files.keys() == {upload.file_key for upload in kept}  # the refused image's file went
    assert content_key(b"front") in await files.keys()


# ----- migration 0008


def _downgrade_to_0007(connection: Connection, url: str) -> list[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0007")
    return inspect(connection).get_table_names()


async def test_the_uploads_migration_can_be_undone_and_done_again(engine: AsyncEngine, db_url: str) -> None:
    async with engine.begin() as connection:
        tables = await connection.run_sync(_downgrade_to_0007, db_url)
    assert "uploads" not in tables and "submissions" not in tables
    assert "profile_sections" in tables

    await upgrade_to_head(db_url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert {"uploads", "submissions"} <= set(tables)


def test_the_uploads_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "0007:0008", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE uploads" in sql and "CREATE TABLE submissions" in sql
    assert "ON DELETE CASCADE" in sql
    assert "uq_submissions_account_id_kind" in sql and "ix_uploads_account_id_kind" in sql
