"""``baoming notify broadcast``: an operator's announcement queued once per person of a programme,
through the same outbox as reminders; a bad file queues nothing."""

from datetime import timedelta

from domain.model import Account, ChatUser, OutboxMessage
from domain.ports import UnitOfWork
from tests.unit.test_cli_catalog import at, baoming, database, on, write
from tests.unit.test_tj_verification import NOW

__all__ = ["database"]  # the fixture, used by name

TEXT = "系统将于 {今晚} 22:00 维护一小时，请提前完成支付。\n"


async def _people(uow: UnitOfWork) -> None:
    """Two people with a 天津 account, one with a 广东 account, one account held by nobody."""
    async with uow:
        for n, programme in enumerate(("tj-upgrade", "tj-upgrade", "gd-residency", "tj-upgrade")):
            user = await uow.users.add(ChatUser("telegram", str(9000 + n), NOW))
            await uow.accounts.add(
                Account(
                    programme=programme,
                    username=f"u{n}",
                    password_hash="x",
                    real_name="王五",
                    id_number=f"11010119800101{n:03d}X",
                    mobile="13712345678",
                    created_at=NOW,
                    user_id=None if n == 3 else user.id,
                )
            )
        await uow.commit()


async def _claimed(uow: UnitOfWork) -> list[OutboxMessage]:
    """What the sender would take now."""
    async with uow:
        claimed = await uow.outbox.claim(NOW + timedelta(days=1), 100)
        await uow.commit()
        return claimed


async def _total(uow: UnitOfWork) -> int:
    async with uow:
        return sum((await uow.outbox.counts()).values())


def test_an_announcement_is_queued_once_for_each_person_of_the_programme(
    database, tmp_path, capsys, monkeypatch
):
    at(monkeypatch, NOW)
    on(_people)
    text_file = write(tmp_path, "notice.txt", TEXT)

    code, out, err = baoming(
        capsys, "notify", "broadcast", "--programme", "tj-upgrade", "--text-file", text_file
    )

    assert (code, out, err) == (0, "announcement queued for 2 of 2 people of tj-upgrade\n", "")
    queued = on(_claimed)
    assert len(queued) == 2
    assert {m.params["text"] for m in queued} == {TEXT.strip()}  # as written, braces and all
    assert all(m.bulk and m.kind == "announcement" for m in queued)

    code, out, _ = baoming(
        capsys, "notify", "broadcast", "--programme", "tj-upgrade", "--text-file", text_file
    )

    assert (code, out) == (
        0,
        "announcement queued for 0 of 2 people of tj-upgrade (2 had it queued or sent before)\n",
    )
    assert on(_total) == 2


def test_an_empty_or_unreadable_file_queues_nothing(database, tmp_path, capsys):
    on(_people)
    empty = write(tmp_path, "empty.txt", " \n\n")
    latin = write(tmp_path, "latin.txt", "caf\xe9", encoding="latin-1")

    code, out, err = baoming(capsys, "notify", "broadcast", "--programme", "tj-upgrade", "--text-file", empty)
    assert (code, out) == (1, "")
    assert err == f"{empty}: The announcement is empty. Nothing queued.\n"

    code, _, err = baoming(capsys, "notify", "broadcast", "--programme", "tj-upgrade", "--text-file", latin)
    assert code == 1 and "cannot read it as UTF-8 text" in err
    assert on(_total) == 0
