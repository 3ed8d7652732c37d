"""Stored images, whatever they are for (materials, the degree photo, the Tianjin identity check).

The bytes go to the FileStore under the sha256 of their content, the metadata to an Upload row. The
order is what keeps the two consistent: a file is stored before the row that refers to it is
committed, and deleted only after the commit that removed its last row. A crash in between leaves at
worst a file nobody refers to (an orphan, which :func:`remove_orphan_files` sweeps), never a row
without its file.
"""

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.model import Upload, UploadState
from domain.ports import FileStore, UnitOfWork

__all__ = [
    "IMAGE_TYPES",
    "MAX_ORIGINAL_NAME",
    "ORPHAN_GRACE",
    "Picture",
    "clean_original_name",
    "content_key",
    "missing_files",
    "new_upload",
    "orphan_files",
    "release_files",
    "remove_orphan_files",
    "store_single",
]

# What the web systems accept (seed 001: jpg / jpeg / png); the caller has checked the bytes.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_ORIGINAL_NAME = 255
# A file stored this recently is never an orphan: its row may not be committed yet.
ORPHAN_GRACE = timedelta(hours=1)


def content_key(data: bytes) -> str:
    """The key a FileStore gives these bytes: their sha256, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def clean_original_name(name: str | None) -> str | None:
    """The file name a chat sent, fit to show back: no folders, no control characters, at most
    MAX_ORIGINAL_NAME characters (the end kept, since it holds the extension); None when nothing is left."""
    if name is None:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C")).strip()
    return cleaned[-MAX_ORIGINAL_NAME:] or None


@dataclass(frozen=True, slots=True)
class Picture:
    """An image that met its rules, with what storing it needs."""

    data: bytes
    content_type: str  # "image/jpeg" or "image/png", as the check found it
    width: int
    height: int
    original_name: str | None = None  # the file name the chat sent


def new_upload(
    account_id: int, kind: str, slot: str, file_key: str, picture: Picture, now: datetime
) -> Upload:
    """A DRAFT upload of an image the caller has checked. Raises ValueError when the caller's check
    cannot have happened (an unknown type, no pixels, no bytes): that is a bug, not the applicant's."""
    if picture.content_type not in IMAGE_TYPES:
        raise ValueError(f"content type {picture.content_type!r} is not one of {sorted(IMAGE_TYPES)}")
    if picture.width <= 0 or picture.height <= 0 or not picture.data:
        raise ValueError(
            f"an image has pixels and bytes: {picture.width}×{picture.height}, {len(picture.data)} bytes"
        )
    return Upload(
        account_id=account_id,
        kind=kind,
        slot=slot,
        file_key=file_key,
        size_bytes=len(picture.data),
        content_type=picture.content_type,
        width=picture.width,
        height=picture.height,
        uploaded_at=now,
        original_name=clean_original_name(picture.original_name),
        state=UploadState.DRAFT,
    )


async def release_files(uow: UnitOfWork, files: FileStore, keys: Iterable[str]) -> list[str]:
    """Delete the files of these keys that no row refers to any more; returns the deleted keys.

    Call it inside the use case's unit of work right after the commit that removed the rows, never
    before it: a crash between the commit and here leaves an orphan file, never a row without a file.
    One race remains: the very same bytes stored and committed by another update between our count
    and the delete would lose their file. That needs identical content within milliseconds;
    :func:`missing_files` finds it.
    """
    released = []
    for key in dict.fromkeys(keys):
        if await uow.uploads.references(key) == 0:
            await files.delete(key)
            released.append(key)
    return released


async def store_single(
    uow: UnitOfWork, files: FileStore, account_id: int, kind: str, slot: str, picture: Picture, now: datetime
) -> Upload:
    """One image per slot (the degree photo, the ID photo, the ID card): the new one replaces those in
    the slot, whose files go when nothing else refers to them. Whether the slot may change now (a
    deadline, a review under way) is the caller's rule."""
    key = await files.put(picture.data)  # first the file, then the row that refers to it
    async with uow:
        replaced = [u for u in await uow.uploads.of_account(account_id, kind) if u.slot == slot]
        for old in replaced:
            await uow.uploads.remove(old)
        upload = await uow.uploads.add(new_upload(account_id, kind, slot, key, picture, now))
        await uow.commit()
        await release_files(uow, files, [old.file_key for old in replaced])
        return upload


async def orphan_files(
    uow: UnitOfWork, files: FileStore, now: datetime, grace: timedelta = ORPHAN_GRACE
) -> set[str]:
    """Stored files that no row refers to, stored longer than ``grace`` ago (a younger one may belong
    to an upload whose row is about to be committed)."""
    stored = await files.keys(stored_before=now - grace)
    async with uow:
        referred = await uow.uploads.file_keys()
    return stored - referred


async def remove_orphan_files(
    uow: UnitOfWork, files: FileStore, now: datetime, grace: timedelta = ORPHAN_GRACE
) -> set[str]:
    """Delete the orphans (files of deleted accounts, of crashes between a commit and a delete)."""
    orphans = await orphan_files(uow, files, now, grace)
    async with uow:
        # Counted again: an upload of the same bytes may have come in meanwhile.
        return set(await release_files(uow, files, sorted(orphans)))


async def missing_files(uow: UnitOfWork, files: FileStore) -> set[str]:
    """Keys that rows refer to but the store does not hold: should always be empty."""
    async with uow:
        referred = await uow.uploads.file_keys()
    return referred - await files.keys()
