"""Reminders planned from the applicants' state and cancelled by the use cases that make them
pointless (domain/reminder_plans.py, issue 7), here for 同等学力申硕's activation and clean-up."""

from datetime import timedelta

from domain import email_accounts as ea
from domain import reminder_plans
from domain.model import OutboxState
from tests.fakes import FakeUnitOfWork, FixedClock
from tests.unit.test_email_accounts import chat, clock, registered, uow

__all__ = ["chat", "clock", "uow"]  # fixtures, used by name


PACE = timedelta(seconds=1 / 25)


def button(step: str) -> str:
    return f"rm:{step}"


def queued(uow: FakeUnitOfWork) -> dict[str, OutboxState]:
    return {m.dedupe_key: OutboxState(m.state) for m in uow.stored_outbox()}


async def test_an_account_not_activated_is_reminded_before_its_link_expires_and_before_deletion(
    uow: FakeUnitOfWork, clock: FixedClock, chat: int
) -> None:
    email = await registered(uow, clock, chat)
    account_id, sent = email.account.id, clock.now()
    clock.advance(timedelta(minutes=5))  # the housekeeper's next run

    planned = await reminder_plans.plan(uow, clock.now(), 25.0, button)
    again = await reminder_plans.plan(uow, clock.now(), 25.0, button)

    assert (planned.added, again.added) == (2, 0)  # planning is idempotent
    by_kind = {m.kind: m for m in uow.stored_outbox()}
    assert set(by_kind) == {"activation", "cleanup"}
    # A cohort of one at 25 a second starts 1/25 s before its time.
    assert by_kind["activation"].due_at == sent + timedelta(hours=12) - PACE
    assert by_kind["activation"].deadline_at == sent + timedelta(hours=24)
    assert by_kind["cleanup"].due_at == sent + timedelta(days=6) - PACE
    assert by_kind["cleanup"].button_data == "rm:degree:activate"
    assert all(m.user_id == chat and m.dedupe_key.split(":")[1] == str(account_id) for m in by_kind.values())


async def test_a_new_email_replaces_the_activation_reminder_and_activating_cancels_both(
    uow: FakeUnitOfWork, clock: FixedClock, chat: int
) -> None:
    await registered(uow, clock, chat)
    clock.advance(timedelta(minutes=5))
    await reminder_plans.plan(uow, clock.now(), 25.0, button)
    [first_key] = [key for key in queued(uow) if key.startswith("activation:")]
    clock.advance(timedelta(hours=2))

    fresh = await ea.resend_activation(uow, clock, chat)
    assert isinstance(fresh, ea.EmailToSend)
    await reminder_plans.plan(uow, clock.now(), 25.0, button)

    states = queued(uow)
    assert states[first_key] == OutboxState.CANCELLED  # it named the old e-mail's deadline
    [second_key] = [k for k, s in states.items() if k.startswith("activation:") and s == OutboxState.QUEUED]
    assert second_key != first_key

    assert isinstance(await ea.activate_with_code(uow, clock, chat, fresh.code), ea.Activated)

    assert set(queued(uow).values()) == {OutboxState.CANCELLED}
    assert (await reminder_plans.plan(uow, clock.now(), 25.0, button)).added == 0
