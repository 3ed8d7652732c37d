"""The FileStore of domain/ports.py on the local disk: ``root/ab/cdef…``, named by the sha256 of the
bytes, the first two hex digits as a folder (as git does), so no folder grows past a few thousand files.

Writes are atomic (a temporary file in the same folder, then ``os.replace``): a crash leaves either
the whole file or none, never a part under the real name. Files are readable by the bot's user only:
they are scans of ID cards and certificates. The blocking calls run in a worker thread, off the
event loop.
"""

import asyncio
import contextlib
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from domain.uploads import content_key

_KEY = re.compile(r"[0-9a-f]{64}")
_TEMPORARY_PREFIX = ".tmp-"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class DiskFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        """Where the file of ``key`` lives. Raises ValueError for anything but 64 lowercase hex digits,
        so a forged key can never name a path outside the store."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a file key: {key[:80]!r}")
        return self.root / key[:2] / key[2:]

    async def put(self, data: bytes) -> str:
        return await asyncio.to_thread(self._put, data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._get, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    async def keys(self, stored_before: datetime | None = None) -> set[str]:
        return await asyncio.to_thread(self._keys, stored_before)

    def _put(self, data: bytes) -> str:
        key = content_key(data)
        path = self.path_of(key)
        if path.exists():
            # Same bytes, same file. Touched, so that an orphan sweep running now does not take it
            # from the row about to refer to it again (the sweep spares recently stored files).
            os.utime(path)
            return key
        self.root.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        path.parent.mkdir(mode=FOLDER_MODE, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as file:
                os.fchmod(file.fileno(), FILE_MODE)  # mkstemp makes 0o600 already; say it anyway
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _sync_folder(path.parent)
        return key

    def _get(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def _delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    def _keys(self, stored_before: datetime | None) -> set[str]:
        limit = None if stored_before is None else stored_before.astimezone(UTC).timestamp()
        found = set()
        for path in self.root.glob("??/*"):
            key = path.parent.name + path.name
            if not _KEY.fullmatch(key):
                continue  # a temporary file being written, or something that is not ours
            try:
                if limit is not None and path.stat().st_mtime >= limit:
                    continue
            except FileNotFoundError:
                continue  # deleted meanwhile
            found.add(key)
        return found


def _sync_folder(folder: Path) -> None:
    """Make the new name durable too (POSIX); not every platform can open a folder."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
