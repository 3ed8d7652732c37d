"""Reminder planning (issue 7, parts 1 and 3): who, when, under which key, and at what pace."""

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from domain import reminders
from domain.clock import BEIJING
from domain.model import Batch, BatchCalendar
from domain.programmes import programme
from domain.reminders import (
    GdApplicant,
    NmecApplicant,
    OpenOffer,
    Reminder,
    ReminderKind,
    UnactivatedAccount,
    UnpaidTjApplicant,
    plan_activation,
    plan_batches,
    plan_log_line,
    plan_materials,
    plan_offers,
    plan_payment,
    schedule,
    spread,
)
from domain.windows import Window
from tests.unit.test_gd_catalog import sample_catalog

# 2021 as the sample catalog has it: batch 1 applies 04-15..04-22, confirms 05-24..05-31.
GD_YEARS: BatchCalendar = {2021: sample_catalog().batches}
NMEC_YEARS = programme("nmec-materials").years  # 2022 tianjin uploads 01-18..01-27
TJ_YEARS = programme("tj-upgrade").years  # 2023 registration 2022-11-21T09:00..2022-11-23T17:00


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def bare(reminder: Reminder) -> str:
    """The key without its window tag ("@…", 广东住培 only): the tag is tested on its own below."""
    return reminder.dedupe_key.partition("@")[0]


def by_key(planned: list[Reminder]) -> dict[str, Reminder]:
    keys = [r.dedupe_key for r in planned]
    assert len(keys) == len(set(keys)), "dedupe keys must be unique"
    return {bare(r): r for r in planned}


# ----- 广东住培 batches


def test_batch_reminders_open_at_the_opening_and_close_72_and_24_hours_ahead() -> None:
    applicant = GdApplicant(user_id=1, account_id=42, year=2021, profile_done=True)
    planned = by_key(plan_batches([applicant], GD_YEARS, bj("2021-04-01T12:00")))
    first = {k: r for k, r in planned.items() if ":2021b1:" in k}
    assert set(first) == {
        "batch-opens:42:2021b1:0h",
        "batch-closes:42:2021b1:72h",
        "batch-closes:42:2021b1:24h",
    }
    assert first["batch-opens:42:2021b1:0h"].due_at == bj("2021-04-15T00:00")
    assert first["batch-closes:42:2021b1:72h"].due_at == bj("2021-04-20T00:00")
    assert first["batch-closes:42:2021b1:24h"].due_at == bj("2021-04-22T00:00")
    closes = first["batch-closes:42:2021b1:24h"]
    assert closes.deadline_at == bj("2021-04-23T00:00")  # the last day is included
    assert closes.params == {"batch": 1, "deadline": "2021-04-22 24:00"}
    assert closes.text_id == reminders.BATCH_CLOSES_APPLY
    assert closes.button == "gd:apply"
    assert closes.user_id == 1 and closes.account_id == 42
    assert len(planned) == 9  # three batches


def test_an_incomplete_profile_gets_the_profile_variant_under_its_own_key() -> None:
    applicant = GdApplicant(user_id=1, account_id=42, year=2021, profile_done=False)
    planned = by_key(plan_batches([applicant], GD_YEARS, bj("2021-04-01T12:00")))
    closes = planned["batch-closes:42:2021b1-profile:24h"]
    assert closes.text_id == reminders.BATCH_CLOSES_PROFILE
    assert closes.button == "gd:profile"
    assert planned["batch-opens:42:2021b1-profile:0h"].text_id == reminders.BATCH_OPENS_PROFILE


def test_no_batch_reminders_where_submitted_or_after_an_accepted_offer() -> None:
    submitted = GdApplicant(1, 42, 2021, profile_done=True, submitted_batches=frozenset({1}))
    accepted = GdApplicant(2, 43, 2021, profile_done=True, submitted_batches=frozenset({1}), accepted=True)
    planned = plan_batches([submitted, accepted], GD_YEARS, bj("2021-04-01T12:00"))
    assert {r.account_id for r in planned} == {42}
    assert not any(":2021b1" in bare(r) for r in planned)
    assert {r.params["batch"] for r in planned} == {2, 3}


def test_no_later_batch_reminder_while_an_earlier_applications_offers_can_be_answered() -> None:
    first = Window.of_dates(bj("2021-04-15").date(), bj("2021-04-22").date())
    confirmation = Window.of_dates(bj("2021-05-24").date(), bj("2021-06-03").date())  # ends 06-04 00:00
    second = Window.of_dates(bj("2021-06-01").date(), bj("2021-06-07").date())
    year = (Batch(1, first, first, confirmation), Batch(2, second, second, second))
    waiting = GdApplicant(1, 42, 2021, profile_done=True, submitted_batches=frozenset({1}))
    planned = by_key(plan_batches([waiting], {2021: year}, bj("2021-05-01T00:00")))
    # The opening (06-01) falls inside batch 1's confirmation; the closing reminders come after it.
    assert set(planned) == {"batch-closes:42:2021b2:72h", "batch-closes:42:2021b2:24h"}


def test_a_closing_reminder_is_never_due_before_the_window_opens() -> None:
    short = Window(bj("2021-04-15T09:00"), bj("2021-04-17T09:00"))  # 48 hours: no 72-hour reminder
    year = (Batch(1, short, short, short),)
    planned = by_key(plan_batches([GdApplicant(1, 42, 2021, True)], {2021: year}, bj("2021-04-01T00:00")))
    assert set(planned) == {"batch-opens:42:2021b1:0h", "batch-closes:42:2021b1:24h"}


def test_at_the_window_edges_in_beijing_time() -> None:
    applicant = [GdApplicant(1, 42, 2021, profile_done=True)]
    last_second = bj("2021-04-22T23:59:59")
    planned = [r for r in plan_batches(applicant, GD_YEARS, last_second) if ":2021b1:" in bare(r)]
    # The 24-hour reminder's time has passed but the deadline has not: it is due now, alone.
    assert [(bare(r), r.due_at) for r in planned] == [("batch-closes:42:2021b1:24h", last_second)]
    at_close = bj("2021-04-23T00:00")
    assert not [r for r in plan_batches(applicant, GD_YEARS, at_close) if ":2021b1:" in bare(r)]
    # The same moment given in UTC plans the same.
    in_utc = at_close.astimezone(UTC) - timedelta(seconds=1)
    assert [bare(r) for r in plan_batches(applicant, GD_YEARS, in_utc) if ":2021b1:" in bare(r)] == [
        "batch-closes:42:2021b1:24h"
    ]


def test_only_the_latest_missed_reminder_is_caught_up() -> None:
    planned = plan_batches([GdApplicant(1, 42, 2021, True)], GD_YEARS, bj("2021-04-22T06:00"))
    first = [bare(r) for r in planned if ":2021b1:" in bare(r)]
    assert first == ["batch-closes:42:2021b1:24h"]  # not the 72-hour one as well


def test_a_missed_reminder_is_not_caught_up_when_a_later_one_is_to_come() -> None:
    now = bj("2021-04-21T12:00")  # the 72-hour time has passed, the 24-hour one comes at midnight
    planned = plan_batches([GdApplicant(1, 42, 2021, True)], GD_YEARS, now)
    first = [(bare(r), r.due_at) for r in planned if ":2021b1:" in bare(r)]
    assert first == [("batch-closes:42:2021b1:24h", bj("2021-04-22T00:00"))]


def test_an_opening_is_told_at_most_a_day_late() -> None:
    applicant = [GdApplicant(1, 42, 2021, True)]
    keys = [bare(r) for r in plan_batches(applicant, GD_YEARS, bj("2021-04-15T23:00"))]
    assert "batch-opens:42:2021b1:0h" in keys
    keys = [bare(r) for r in plan_batches(applicant, GD_YEARS, bj("2021-04-16T01:00"))]
    assert "batch-opens:42:2021b1:0h" not in keys
    assert "batch-closes:42:2021b1:72h" in keys


# ----- offers


def offer(offer_id: int = 17, decided_at: datetime | None = None) -> OpenOffer:
    return OpenOffer(
        user_id=1, account_id=42, offer_id=offer_id, year=2021, batch=1, base="中山大学附属第一医院",
        decided_at=decided_at,
    )  # fmt: skip


def test_an_admitted_offer_is_reminded_before_the_confirmation_window_closes() -> None:
    planned = by_key(
        plan_offers([offer(decided_at=bj("2021-05-10T10:00"))], GD_YEARS, bj("2021-05-10T10:00"))
    )
    assert set(planned) == {"offer-closes:42:o17:72h", "offer-closes:42:o17:24h"}
    last = planned["offer-closes:42:o17:24h"]
    assert last.due_at == bj("2021-05-31T00:00")
    assert last.deadline_at == bj("2021-06-01T00:00")
    assert last.params == {"base": "中山大学附属第一医院", "batch": 1, "deadline": "2021-05-31 24:00"}
    assert last.button == "gd:offers"
    assert planned["offer-closes:42:o17:72h"].due_at == bj("2021-05-29T00:00")


def test_an_offer_decided_late_skips_the_reminders_its_decision_notice_covered() -> None:
    decided = bj("2021-05-30T08:00")
    planned = plan_offers([offer(decided_at=decided)], GD_YEARS, decided)
    assert [bare(r) for r in planned] == ["offer-closes:42:o17:24h"]
    decided = bj("2021-05-31T08:00")
    assert plan_offers([offer(decided_at=decided)], GD_YEARS, decided) == []


def test_no_offer_reminder_after_the_confirmation_window() -> None:
    assert plan_offers([offer()], GD_YEARS, bj("2021-06-01T00:00")) == []
    caught_up = plan_offers([offer()], GD_YEARS, bj("2021-05-31T23:00"))
    assert [(bare(r), r.due_at) for r in caught_up] == [("offer-closes:42:o17:24h", bj("2021-05-31T23:00"))]


# ----- 同等学力申硕 activation and clean-up


def unactivated(created: datetime, email_id: int = 3, sent: datetime | None = None) -> UnactivatedAccount:
    sent = sent or created
    return UnactivatedAccount(
        user_id=1, account_id=7, purge_at=created + timedelta(days=7), email_id=email_id,
        email_sent_at=sent, link_expires_at=sent + timedelta(hours=24),
    )  # fmt: skip


def test_activation_halfway_through_the_link_and_cleanup_a_day_before_deletion() -> None:
    created = bj("2024-03-01T20:30")
    planned = by_key(plan_activation([unactivated(created)], created))
    assert set(planned) == {"activation:7:e3:12h", "cleanup:7:purge:24h"}
    activation = planned["activation:7:e3:12h"]
    assert activation.due_at == bj("2024-03-02T08:30")
    assert activation.deadline_at == bj("2024-03-02T20:30")
    assert activation.params == {"deadline": "2024-03-02 20:30", "purge": "2024-03-08 20:30"}
    assert activation.button == "degree:activate"
    cleanup = planned["cleanup:7:purge:24h"]
    assert cleanup.due_at == bj("2024-03-07T20:30")
    assert cleanup.deadline_at == bj("2024-03-08T20:30")


def test_a_new_activation_email_is_a_new_reminder_and_an_expired_link_none() -> None:
    created = bj("2024-03-01T20:30")
    resent = bj("2024-03-03T09:00")
    planned = by_key(plan_activation([unactivated(created, email_id=4, sent=resent)], resent))
    assert set(planned) == {"activation:7:e4:12h", "cleanup:7:purge:24h"}
    assert planned["activation:7:e4:12h"].due_at == bj("2024-03-03T21:00")
    later = bj("2024-03-04T10:00")  # the link of e-mail 4 has expired
    assert [bare(r) for r in plan_activation([unactivated(created, 4, resent)], later)] == [
        "cleanup:7:purge:24h"
    ]
    assert plan_activation([unactivated(created)], bj("2024-03-08T20:30")) == []


def test_the_activation_deadline_never_outlives_the_account() -> None:
    created = bj("2024-03-01T20:30")
    resent = bj("2024-03-08T05:00")  # the week ends at 20:30, before the link would expire
    planned = by_key(plan_activation([unactivated(created, 5, resent)], resent))
    assert planned["activation:7:e5:12h"].deadline_at == bj("2024-03-08T20:30")
    assert planned["activation:7:e5:12h"].due_at == bj("2024-03-08T08:30")
    # An e-mail sent less than 12 hours before the end said the deadline itself: no reminder for it.
    resent = bj("2024-03-08T10:00")
    assert [bare(r) for r in plan_activation([unactivated(created, 6, resent)], resent)] == [
        "cleanup:7:purge:24h"
    ]


# ----- 医师资格考试 materials


def materials(
    submitted: bool = False, returned_since: datetime | None = None, region: str = "tianjin"
) -> NmecApplicant:
    return NmecApplicant(1, 9, 2022, region, submitted, returned_since)


def test_unsubmitted_materials_are_reminded_before_the_regions_upload_deadline() -> None:
    planned = by_key(plan_materials([materials()], NMEC_YEARS, bj("2022-01-18T09:00")))
    assert set(planned) == {"upload-deadline:9:tianjin-2022:72h", "upload-deadline:9:tianjin-2022:24h"}
    last = planned["upload-deadline:9:tianjin-2022:24h"]
    assert last.due_at == bj("2022-01-27T00:00")
    assert last.deadline_at == bj("2022-01-28T00:00")  # "1月27日24时"
    assert last.params == {"region": "天津考区", "deadline": "2022-01-27 24:00"}
    assert last.button == "nmec:materials"


def test_submitted_materials_and_unknown_regions_get_nothing() -> None:
    now = bj("2022-01-18T09:00")
    assert plan_materials([materials(submitted=True), materials(region="atlantis")], NMEC_YEARS, now) == []


def test_returned_materials_are_reminded_per_round_of_changes() -> None:
    returned = bj("2022-01-20T15:00")
    planned = by_key(plan_materials([materials(True, returned)], NMEC_YEARS, returned))
    assert set(planned) == {
        "materials-returned:9:tianjin-2022-r20220120150000:72h",
        "materials-returned:9:tianjin-2022-r20220120150000:24h",
    }
    assert all(r.text_id == reminders.MATERIALS_RETURNED for r in planned.values())
    late_return = bj("2022-01-26T10:00")
    planned = by_key(plan_materials([materials(True, late_return)], NMEC_YEARS, late_return))
    assert set(planned) == {"materials-returned:9:tianjin-2022-r20220126100000:24h"}


# ----- 天津 payment


def test_an_unpaid_fee_is_reminded_a_day_and_three_hours_before_registration_closes() -> None:
    planned = by_key(plan_payment([UnpaidTjApplicant(1, 5, 2023)], TJ_YEARS, bj("2022-11-21T10:00")))
    assert set(planned) == {"payment-closes:5:2023:24h", "payment-closes:5:2023:3h"}
    assert planned["payment-closes:5:2023:24h"].due_at == bj("2022-11-22T17:00")
    assert planned["payment-closes:5:2023:3h"].due_at == bj("2022-11-23T14:00")
    assert planned["payment-closes:5:2023:3h"].params == {"deadline": "2022-11-23 17:00"}
    assert planned["payment-closes:5:2023:3h"].button == "tj:pay"
    assert plan_payment([UnpaidTjApplicant(1, 5, 2023)], TJ_YEARS, bj("2022-11-23T17:00")) == []
    assert plan_payment([UnpaidTjApplicant(1, 5, 1999)], TJ_YEARS, bj("2022-11-21T10:00")) == []


# ----- every kind together


def everything(now: datetime) -> list[Reminder]:
    return (
        plan_batches(
            [GdApplicant(u, 100 + u, 2021, profile_done=u % 2 == 0) for u in range(1, 6)], GD_YEARS, now
        )
        + plan_offers([offer(o) for o in (1, 17)], GD_YEARS, now)
        + plan_activation([unactivated(now - timedelta(hours=1))], now)
        + plan_materials([materials(), NmecApplicant(2, 10, 2022, "hunan", False)], NMEC_YEARS, now)
        + plan_payment([UnpaidTjApplicant(1, 5, 2023)], TJ_YEARS, now)
    )


MOMENTS = [bj(t) for t in ("2021-04-01T00:00", "2021-04-21T13:00", "2021-05-30T12:00", "2021-05-31T23:59")]
MOMENTS += [bj(t) for t in ("2022-01-15T00:00", "2022-01-27T20:00", "2022-11-22T18:00", "2022-11-23T16:59")]


@pytest.mark.parametrize("now", MOMENTS)
def test_nothing_is_planned_in_the_past_or_after_its_deadline(now: datetime) -> None:
    for reminder in everything(now):
        assert now <= reminder.due_at < reminder.deadline_at, reminder.dedupe_key


@pytest.mark.parametrize("now", MOMENTS)
def test_dedupe_keys_are_stable_across_runs_and_unique(now: datetime) -> None:
    first = by_key(everything(now))
    second = by_key(everything(now))
    assert first == second
    later = by_key(everything(now + timedelta(minutes=5)))
    # A later run plans nothing new for the same subjects and leads: only the ones still to come.
    assert set(later) <= set(first) | {k for k, r in later.items() if r.due_at == now + timedelta(minutes=5)}


def test_every_message_formats_with_its_params_and_has_a_button_label() -> None:
    planned = everything(bj("2021-04-01T00:00")) + everything(bj("2022-01-15T00:00"))
    planned += everything(bj("2022-11-21T10:00"))
    planned += plan_materials([materials(True, bj("2022-01-20T00:00"))], NMEC_YEARS, bj("2022-01-20T00:00"))
    assert {r.kind for r in planned} == set(ReminderKind)
    for reminder in planned:
        assert "{" not in reminder.text_id.format(**reminder.params)
        assert reminder.button_text_id == reminders.BUTTON_LABELS[reminder.button]
        assert reminder.dedupe_key.startswith(f"{reminder.kind}:{reminder.account_id}:")


def test_every_kind_has_a_schedule_earliest_lead_first() -> None:
    assert set(reminders.SCHEDULES) == set(ReminderKind)
    for schedule_ in reminders.SCHEDULES.values():
        assert list(schedule_.leads) == sorted(schedule_.leads, reverse=True)


# ----- what a state change makes pointless


def cancelled(keys: list[str], prefixes: tuple[str, ...]) -> set[str]:
    return {key for key in keys if key.startswith(prefixes)}


def test_answering_an_offer_cancels_its_reminders_only() -> None:
    keys = [bare(r) for r in plan_offers([offer(1), offer(17)], GD_YEARS, bj("2021-05-01T00:00"))]
    assert cancelled(keys, reminders.pointless_after_offer_answered(42, 1)) == {
        "offer-closes:42:o1:72h",
        "offer-closes:42:o1:24h",
    }
    assert cancelled(keys, reminders.pointless_after_offer_accepted(42)) == set(keys)
    assert not cancelled(keys, reminders.pointless_after_offer_accepted(4))


def test_submitting_or_completing_the_profile_cancels_the_right_batch_reminders() -> None:
    now = bj("2021-04-01T00:00")
    incomplete = [bare(r) for r in plan_batches([GdApplicant(1, 42, 2021, False)], GD_YEARS, now)]
    complete = [bare(r) for r in plan_batches([GdApplicant(1, 42, 2021, True)], GD_YEARS, now)]
    completed = reminders.pointless_after_profile_changed(42, 2021, [1, 2, 3], profile_done=True)
    assert cancelled(incomplete, completed) == set(incomplete)
    assert not cancelled(complete, completed)
    reopened = reminders.pointless_after_profile_changed(42, 2021, [1, 2, 3], profile_done=False)
    assert cancelled(complete, reopened) == set(complete)
    assert not cancelled(incomplete, reopened)
    submitted = reminders.pointless_after_application_submitted(42, 2021, 1)
    assert cancelled(complete, submitted) == {k for k in complete if ":2021b1:" in k}
    assert cancelled(incomplete, submitted) == {k for k in incomplete if ":2021b1-profile:" in k}


def test_other_state_changes_cancel_their_kinds() -> None:
    now = bj("2022-01-15T00:00")
    keys = [bare(r) for r in everything(now)]
    assert cancelled(keys, reminders.pointless_after_materials_submitted(9)) == {
        k for k in keys if k.startswith("upload-deadline:9:")
    }
    assert cancelled(keys, reminders.pointless_after_activation(7)) == {
        k for k in keys if k.startswith(("activation:7:", "cleanup:7:"))
    }
    assert cancelled(keys, reminders.pointless_after_activation_resent(7)) == {
        k for k in keys if k.startswith("activation:7:")
    }
    assert cancelled(keys, reminders.pointless_after_account_removed(9)) == {k for k in keys if ":9:" in k}
    tj = [bare(r) for r in plan_payment([UnpaidTjApplicant(1, 5, 2023)], TJ_YEARS, bj("2022-11-21T10:00"))]
    assert cancelled(tj, reminders.pointless_after_fee_paid(5)) == set(tj)


# ----- throughput


def test_a_million_reminders_at_25_a_second_start_11_hours_7_minutes_ahead() -> None:
    deadline = bj("2021-04-23T00:00")
    plan = spread(deadline, timedelta(hours=24), 1_000_000, 25)
    assert plan.seconds == 40_000
    assert plan.end == bj("2021-04-22T00:00")
    assert plan.start == bj("2021-04-22T00:00") - timedelta(seconds=40_000)
    assert plan_log_line("batch 1 closing", 1_000_000, plan, 25) == (
        "1000000 reminders for batch 1 closing: sending from 2021-04-21 12:53 to 2021-04-22 00:00 "
        "Beijing time (11 h 7 min at 25/s)"
    )


def test_spread_refuses_a_rate_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="rate"):
        spread(bj("2021-04-23T00:00"), timedelta(0), 10, 0)


def audience(size: int, now: datetime) -> list[Reminder]:
    return plan_batches(
        [GdApplicant(u, u, 2021, profile_done=True) for u in range(size)], {2021: GD_YEARS[2021]}, now
    )


def test_schedule_spreads_each_cohort_so_that_it_is_sent_by_its_time_in_a_stable_order() -> None:
    now = bj("2021-04-01T00:00")
    planned = [r for r in audience(100, now) if bare(r).endswith(":2021b1:24h")]
    shuffled = planned[:]
    random.Random(7).shuffle(shuffled)
    first, cohorts = schedule(planned, 10, now)
    second, _ = schedule(shuffled, 10, now)
    assert first == second  # the input order does not matter
    assert [r.account_id for r in first] == list(range(100))
    target = bj("2021-04-22T00:00")
    assert first[0].due_at == target - timedelta(seconds=10)
    assert first[-1].due_at == target - timedelta(seconds=0.1)
    assert all(b.due_at - a.due_at == timedelta(seconds=0.1) for a, b in itertools.pairwise(first))
    [cohort] = cohorts
    assert (cohort.kind, cohort.audience, cohort.late) == (ReminderKind.BATCH_CLOSES, 100, False)
    assert cohort.log_line() == (
        "100 reminders for batch-closes 24h before 2021-04-22 24:00: sending from 2021-04-21 23:59 to "
        "2021-04-22 00:00 Beijing time (10 s at 10/s)"
    )


def test_schedule_groups_cohorts_and_starts_a_late_one_now() -> None:
    now = bj("2021-04-22T00:00:05")  # 5 seconds after the 24-hour reminders' time
    planned = [r for r in audience(100, now) if ":2021b1:" in bare(r)]
    scheduled, cohorts = schedule(planned, 10, now)
    [cohort] = cohorts
    assert cohort.late and cohort.spread.start == now
    assert scheduled[0].due_at == now
    assert scheduled[-1].due_at == now + timedelta(seconds=9.9)
    assert "LATE: the target was 2021-04-22 00:00" in cohort.log_line()
    soon = bj("2021-04-21T23:59:55")  # 5 seconds before it: starts now, ends 5 seconds late
    scheduled, [cohort] = schedule([r for r in audience(100, soon) if ":2021b1:" in bare(r)], 10, soon)
    assert cohort.late and scheduled[0].due_at == soon
    both = audience(3, bj("2021-04-01T00:00"))
    _, cohorts = schedule(both, 25, bj("2021-04-01T00:00"))
    assert len(cohorts) == 9  # three batches: an opening and two closing reminders each


def test_schedule_drops_what_would_go_after_the_deadline() -> None:
    now = bj("2021-04-22T23:59:50")  # 10 seconds before batch 1 closes: at 1/s, 10 of 30 still go
    planned = [r for r in audience(30, now) if ":2021b1:" in bare(r)]
    scheduled, [cohort] = schedule(planned, 1, now)
    assert [r.account_id for r in scheduled] == list(range(10))
    assert all(r.due_at < r.deadline_at for r in scheduled)
    assert cohort.dropped == 20
    assert cohort.log_line().endswith("; 20 dropped: they would go after the deadline")
    with pytest.raises(ValueError, match="rate"):
        schedule(planned, 0, now)


def test_openings_are_sent_from_the_opening_on() -> None:
    now = bj("2021-04-01T00:00")
    opens = [r for r in audience(50, now) if bare(r).startswith("batch-opens:") and ":2021b1:" in bare(r)]
    scheduled, [cohort] = schedule(opens, 25, now)
    assert scheduled[0].due_at == bj("2021-04-15T00:00")
    assert scheduled[-1].due_at == bj("2021-04-15T00:00") + timedelta(seconds=49 / 25)
    assert cohort.spread.seconds == 2


def test_a_moved_window_plans_new_keys_and_an_unmoved_one_the_same() -> None:
    applicant = [GdApplicant(1, 42, 2021, True)]
    now = bj("2021-04-01T00:00")
    first, *others = GD_YEARS[2021]
    extended = Batch(1, Window.parse("2021-04-15..2021-04-25"), first.admission, first.confirmation)
    before = {r.dedupe_key for r in plan_batches(applicant, GD_YEARS, now)}
    after = {r.dedupe_key for r in plan_batches(applicant, {2021: (extended, *others)}, now)}
    # UTC in the tag: 04-15 00:00 Beijing is 04-14 16:00 UTC; the extension ends on 04-25 16:00 UTC.
    assert "batch-closes:42:2021b1:24h@2104141600-2104221600" in before
    assert "batch-closes:42:2021b1:24h@2104141600-2104251600" in after
    assert {k for k in before if ":2021b1:" not in k} == {k for k in after if ":2021b1:" not in k}
