"""The disk FileStore (bot/files.py): content-addressed, atomic, private, and never outside its root."""

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.files import DiskFileStore
from domain.uploads import content_key

SCAN = b"\xff\xd8\xff\xe0 a scanned certificate"


@pytest.fixture
def store(tmp_path: Path) -> DiskFileStore:
    return DiskFileStore(tmp_path / "data" / "files")  # not there yet, as on a fresh checkout


async def test_stored_bytes_come_back_under_their_sha256(store: DiskFileStore) -> None:
    key = await store.put(SCAN)

    assert key == content_key(SCAN) and len(key) == 64
    assert await store.get(key) == SCAN


async def test_a_file_lives_in_a_folder_named_by_the_first_two_hex_digits(store: DiskFileStore) -> None:
    key = await store.put(SCAN)

    path = store.root / key[:2] / key[2:]
    assert path.read_bytes() == SCAN
    assert [p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file()] == [
        f"{key[:2]}/{key[2:]}"
    ]


async def test_files_and_folders_are_private_to_the_bot(store: DiskFileStore) -> None:
    key = await store.put(SCAN)

    assert stat.S_IMODE(store.path_of(key).stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path_of(key).parent.stat().st_mode) == 0o700


async def test_storing_the_same_bytes_twice_is_one_file_and_changes_nothing(store: DiskFileStore) -> None:
    first = await store.put(SCAN)
    second = await store.put(bytes(SCAN))

    assert first == second
    assert len([p for p in store.root.rglob("*") if p.is_file()]) == 1
    assert await store.keys() == {first}


async def test_different_bytes_are_different_files(store: DiskFileStore) -> None:
    keys = {await store.put(b"front"), await store.put(b"back")}

    assert keys == {content_key(b"front"), content_key(b"back")}
    assert await store.keys() == keys


async def test_a_deleted_file_is_gone_and_deleting_it_again_is_fine(store: DiskFileStore) -> None:
    key = await store.put(SCAN)

    await store.delete(key)
    await store.delete(key)

    with pytest.raises(KeyError):
        await store.get(key)
    assert await store.keys() == set()


async def test_a_key_never_stored_is_a_key_error(store: DiskFileStore) -> None:
    with pytest.raises(KeyError):
        await store.get(content_key(b"never stored"))


@pytest.mark.parametrize("key", ["../../etc/passwd", "AB" * 32, "ab" * 31, "/" + "a" * 63, ""])
async def test_a_malformed_key_never_names_a_path(store: DiskFileStore, key: str) -> None:
    with pytest.raises(ValueError, match="not a file key"):
        await store.get(key)
    with pytest.raises(ValueError, match="not a file key"):
        await store.delete(key)


async def test_a_write_that_fails_leaves_neither_the_file_nor_its_temporary(
    store: DiskFileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)

    with pytest.raises(OSError, match="disk full"):
        await store.put(SCAN)

    assert [p for p in store.root.rglob("*") if p.is_file()] == []
    with pytest.raises(KeyError):
        await store.get(content_key(SCAN))


async def test_a_half_written_temporary_is_not_a_stored_file(store: DiskFileStore) -> None:
    key = await store.put(SCAN)
    (store.path_of(key).parent / ".tmp-abc123").write_bytes(b"half")

    assert await store.keys() == {key}


async def test_keys_stored_before_a_moment_leave_out_the_recent_ones(store: DiskFileStore) -> None:
    old = await store.put(b"old")
    recent = await store.put(b"recent")
    a_day_ago = (datetime.now(UTC) - timedelta(days=1)).timestamp()
    os.utime(store.path_of(old), (a_day_ago, a_day_ago))

    assert await store.keys(stored_before=datetime.now(UTC) - timedelta(hours=1)) == {old}
    assert await store.keys() == {old, recent}


async def test_storing_stored_bytes_again_makes_them_recent_so_no_sweep_takes_them(
    store: DiskFileStore,
) -> None:
    key = await store.put(SCAN)
    a_day_ago = (datetime.now(UTC) - timedelta(days=1)).timestamp()
    os.utime(store.path_of(key), (a_day_ago, a_day_ago))

    await store.put(SCAN)

    assert await store.keys(stored_before=datetime.now(UTC) - timedelta(hours=1)) == set()


def test_the_store_lives_under_the_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "elsewhere"))

    assert load_settings().files_dir == tmp_path / "elsewhere" / "files"
