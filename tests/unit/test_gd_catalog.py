"""The per-year catalog of 广东住培 (seed 000 三 7): a file checked whole, and replacing a year only
when no submitted choice would be dropped."""

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from domain.clock import BEIJING
from domain.gd_catalog import (
    CatalogImported,
    CatalogRefused,
    DroppedBatch,
    RemovedChoice,
    catalog_of,
    catalog_years,
    import_catalog,
    validate_catalog,
)
from domain.model import ApplicationState, ChatUser, GdApplication, OutboxMessage, YearCatalog
from domain.reminders import ReminderKind
from domain.windows import Window
from tests.fakes import FakeUnitOfWork

SAMPLE_FILE = Path(__file__).parents[1] / "fixtures" / "gd_catalog_2021.toml"
NOW = datetime(2021, 3, 1, 10, 0, tzinfo=BEIJING)


def sample_data() -> dict[str, Any]:
    return tomllib.loads(SAMPLE_FILE.read_text(encoding="utf-8"))


def sample_catalog() -> YearCatalog:
    catalog = validate_catalog(sample_data())
    assert isinstance(catalog, YearCatalog), catalog
    return catalog


def errors_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    outcome = validate_catalog(data)
    assert isinstance(outcome, list), "the file was accepted"
    return [(error.key, error.reason) for error in outcome]


def keys_of(data: dict[str, Any]) -> list[str]:
    return [key for key, _ in errors_of(data)]


# ----- the file


def test_the_sample_file_is_a_valid_catalog_of_2021_with_eight_specialties_and_five_bases():
    catalog = sample_catalog()

    assert catalog.year == 2021
    assert [s.code for s in catalog.specialties] == [
        "0100",
        "0200",
        "0300",
        "0700",
        "0900",
        "1600",
        "1900",
        "2800",
    ]
    assert [b.base_id for b in catalog.bases] == ["B01", "B02", "B03", "B04", "B05"]
    assert catalog.specialty("2800") is not None and catalog.specialty("2800").name == "口腔全科"  # type: ignore[union-attr]


def test_a_base_keeps_its_specialties_with_their_quotas_in_the_files_order():
    base = sample_catalog().base("B02")

    assert base is not None
    assert (base.name, base.city) == ("广东省人民医院", "广州")
    assert list(base.quotas.items()) == [("0100", 35), ("0300", 8), ("0700", 20), ("0900", 28), ("1900", 12)]


def test_the_bases_offering_a_specialty_are_found_by_its_code():
    catalog = sample_catalog()

    assert [b.base_id for b in catalog.bases_offering("2800")] == ["B03", "B05"]
    assert catalog.bases_offering("9999") == ()


def test_a_specialty_no_base_takes_cannot_be_chosen():
    data = sample_data()
    data["specialties"].append({"code": "2100", "name": "检验医学科"})
    catalog = validate_catalog(data)

    assert isinstance(catalog, YearCatalog)
    assert "2100" not in [s.code for s in catalog.offered_specialties()]
    assert "0100" in [s.code for s in catalog.offered_specialties()]


def test_a_base_naming_an_unknown_specialty_is_refused_with_its_key():
    data = sample_data()
    data["bases"][1]["specialties"].append("0999")
    data["bases"][1]["quotas"]["0999"] = 3

    errors = errors_of(data)

    assert ("bases[2].specialties", "unknown specialty '0999': not among the [[specialties]]") in errors


def test_two_specialties_with_one_code_are_refused_naming_the_first():
    data = sample_data()
    data["specialties"][3]["code"] = "0100"

    assert ("specialties[4].code", "0100 is also the code of specialties[1]") in errors_of(data)


def test_two_bases_with_one_id_are_refused_naming_the_first():
    data = sample_data()
    data["bases"][4]["id"] = "B01"

    assert ("bases[5].id", "B01 is also the id of bases[1]") in errors_of(data)


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(name):
    data = sample_data()
    data["specialties"][0]["name"] = name
    data["bases"][0]["name"] = name

    keys = keys_of(data)

    assert "specialties[1].name" in keys and "bases[1].name" in keys


def test_the_batches_come_with_the_catalog_in_beijing_time():
    batches = sample_catalog().batches

    assert [b.number for b in batches] == [1, 2, 3]
    first = batches[0]
    assert first.application.start == datetime(2021, 4, 15, 0, 0, tzinfo=BEIJING)
    assert first.application.end == datetime(2021, 4, 23, 0, 0, tzinfo=BEIJING)  # the 22nd included
    assert first.confirmation == Window.parse("2021-05-24..2021-05-31")


def test_windows_to_the_minute_are_kept_to_the_minute():
    data = sample_data()
    data["batches"][0]["application"] = "2021-04-15 09:00..2021-04-22 17:30"

    catalog = validate_catalog(data)

    assert isinstance(catalog, YearCatalog)
    assert catalog.batches[0].application.end == datetime(2021, 4, 22, 17, 30, tzinfo=BEIJING)


def test_a_year_whose_batches_open_in_another_year_is_refused_as_a_typo():
    data = sample_data()
    data["year"] = 2030

    assert errors_of(data) == [
        ("batches[1].application", "opens in 2021, which is not around the intake year 2030")
    ]


@pytest.mark.parametrize(
    ("window", "value", "reason"),
    [
        (
            "admission",
            "2021-04-15..2021-04-20",
            "ends before the application window: applications would go undecided",
        ),
        ("confirmation", "2021-04-20..2021-05-31", "starts before the application window closes"),
        (
            "confirmation",
            "2021-05-24..2021-05-30",
            "ends before the admission window: a late 录取 could not be answered",
        ),
    ],
)
def test_a_batch_whose_windows_are_out_of_the_seeds_order_is_refused(window, value, reason):
    data = sample_data()
    data["batches"][0][window] = value

    assert errors_of(data) == [(f"batches[1].{window}", reason)]


def test_two_batches_open_at_once_are_refused():
    data = sample_data()
    data["batches"][1]["application"] = "2021-04-20..2021-06-07"

    assert errors_of(data) == [
        (
            "batches[2].application",
            "starts before batch 1's application closes (2021-04-15 – 2021-04-22): "
            "only one batch may be open at a time",
        )
    ]


def test_batches_out_of_order_and_unreadable_windows_are_named():
    data = sample_data()
    data["batches"][1]["number"] = 3
    data["batches"][2]["admission"] = "2021-07-16..2021-08-32"
    data["batches"][2].pop("confirmation")

    keys = keys_of(data)

    assert keys == ["batches[2].number", "batches[3].admission", "batches[3].confirmation"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d.pop("year"), "year"),
        (lambda d: d.update(year="2021"), "year"),
        (lambda d: d.pop("specialties"), "specialties"),
        (lambda d: d.pop("batches"), "batches"),
        (lambda d: d["batches"][0].update(opens="2021-04-15"), "batches[1].opens"),
        (lambda d: d.update(year=20211), "year"),
        (lambda d: d.update(bases=[]), "bases"),
        (lambda d: d.update(colour="blue"), "colour"),
        (lambda d: d["bases"][0].update(beds=300), "bases[1].beds"),
        (lambda d: d["bases"][0].update(id="b01"), "bases[1].id"),
        (lambda d: d["specialties"][0].update(code="01 00"), "specialties[1].code"),
        (lambda d: d["bases"][0].pop("city"), "bases[1].city"),
        (lambda d: d["bases"][0].update(specialties=[]), "bases[1].specialties"),
        (lambda d: d["bases"][0]["specialties"].append("0100"), "bases[1].specialties"),
        (lambda d: d["bases"][0].pop("quotas"), "bases[1].quotas"),
        (lambda d: d["bases"][0]["quotas"].pop("0100"), "bases[1].quotas"),
        (lambda d: d["bases"][0]["quotas"].update({"0700": 5}), "bases[1].quotas"),
        (lambda d: d["bases"][0]["quotas"].update({"0100": 0}), "bases[1].quotas"),
        (lambda d: d["bases"][0]["quotas"].update({"0100": True}), "bases[1].quotas"),
    ],
    ids=[
        "no-year",
        "year-as-text",
        "no-specialties",
        "no-batches",
        "unknown-batch-key",
        "year-typo",
        "no-bases",
        "unknown-key",
        "unknown-base-key",
        "lowercase-base-id",
        "bad-code",
        "no-city",
        "empty-specialties",
        "specialty-twice",
        "no-quotas",
        "quota-missing",
        "quota-not-offered",
        "zero-quota",
        "boolean-quota",
    ],
)
def test_each_mistake_is_reported_at_its_key(change, key):
    data = sample_data()
    change(data)

    assert key in keys_of(data)


def test_every_problem_of_a_file_is_reported_at_once():
    data = sample_data()
    data["specialties"][0]["name"] = ""
    data["bases"][2]["specialties"].append("0999")
    data["bases"][4]["quotas"].pop("2800")

    assert keys_of(data) == [
        "specialties[1].name",
        "bases[3].specialties",
        "bases[5].quotas",
    ]


# ----- storing a year


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def submitted(
    uow: FakeUnitOfWork,
    specialty: str,
    bases: list[str],
    *,
    state: str = ApplicationState.SUBMITTED,
    batch: int = 1,
) -> int:
    """A stored application of 2021 (its account too), as submit leaves it."""
    from tests.unit.test_gd_applications import add_account

    account = await add_account(uow)
    async with uow:
        application = await uow.gd_applications.add(
            GdApplication(
                account_id=account.id or 0,
                year=2021,
                batch=batch,
                created_at=NOW,
                state=state,
                specialty_code=specialty,
                base_ids=bases,
            )
        )
        await uow.commit()
    return application.id or 0


async def test_an_imported_catalog_is_stored_with_the_moment_of_the_import(uow):
    outcome = await import_catalog(uow, sample_catalog(), NOW)

    assert outcome == CatalogImported(
        year=2021, replaced=False, batches=3, specialties=8, bases=5, offerings=25
    )
    stored = await catalog_of(uow, 2021)
    assert stored is not None and stored.imported_at == NOW
    assert [b.base_id for b in stored.bases] == ["B01", "B02", "B03", "B04", "B05"]
    assert await catalog_years(uow) == [2021]


async def test_importing_a_year_again_replaces_it(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    data = sample_data()
    data["bases"] = data["bases"][:2]
    data["bases"][0]["name"] = "中山大学附属第一医院（本部）"

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert isinstance(outcome, CatalogImported) and outcome.replaced
    stored = uow.stored_catalog(2021)
    assert stored is not None and [b.name for b in stored.bases] == [
        "中山大学附属第一医院（本部）",
        "广东省人民医院",
    ]


async def test_a_renamed_base_and_a_new_base_keep_the_submitted_choices(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    await submitted(uow, "0100", ["B01", "B03"])
    data = sample_data()
    data["bases"][0]["name"] = "中山一院"
    data["bases"].append(
        {
            "id": "B06",
            "name": "佛山市第一人民医院",
            "city": "佛山",
            "specialties": ["0100"],
            "quotas": {"0100": 10},
        }
    )

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert isinstance(outcome, CatalogImported)


async def test_a_new_file_may_not_drop_a_base_that_a_submitted_application_chose(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    first = await submitted(uow, "0100", ["B01", "B03"])
    second = await submitted(uow, "0900", ["B03"])
    data = sample_data()
    data["bases"] = [b for b in data["bases"] if b["id"] != "B03"]

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert outcome == CatalogRefused(
        2021, (RemovedChoice("B03", "0100", (first,)), RemovedChoice("B03", "0900", (second,)))
    )
    stored = uow.stored_catalog(2021)
    assert stored is not None and stored.base("B03") is not None  # unchanged


async def test_a_new_file_may_not_drop_a_specialty_that_a_submitted_application_chose(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    chosen = await submitted(uow, "2800", ["B05"])
    data = sample_data()
    data["specialties"] = [s for s in data["specialties"] if s["code"] != "2800"]
    for base in data["bases"]:
        base["specialties"] = [c for c in base["specialties"] if c != "2800"]
        base["quotas"].pop("2800", None)

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert outcome == CatalogRefused(2021, (RemovedChoice(None, "2800", (chosen,)),))


async def test_a_new_file_may_not_drop_the_specialty_of_a_base_that_a_submitted_application_chose(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    chosen = await submitted(uow, "1900", ["B02", "B04"])
    data = sample_data()
    data["bases"][3]["specialties"].remove("1900")
    data["bases"][3]["quotas"].pop("1900")

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert outcome == CatalogRefused(2021, (RemovedChoice("B04", "1900", (chosen,)),))


async def test_a_draft_does_not_hold_the_catalog(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    await submitted(uow, "0100", ["B03"], state=ApplicationState.DRAFT)
    data = sample_data()
    data["bases"] = [b for b in data["bases"] if b["id"] != "B03"]

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert isinstance(outcome, CatalogImported)


async def test_a_new_file_may_not_drop_a_batch_with_applications_even_drafts(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    draft = await submitted(uow, "0100", ["B03"], state=ApplicationState.DRAFT, batch=3)
    data = sample_data()
    data["batches"] = data["batches"][:2]

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert outcome == CatalogRefused(2021, (), (DroppedBatch(3, (draft,)),))
    stored = uow.stored_catalog(2021)
    assert stored is not None and len(stored.batches) == 3  # unchanged


def reminder(user_id: int, kind: str, key: str, deadline: str) -> OutboxMessage:
    return OutboxMessage(
        user_id=user_id,
        kind=kind,
        dedupe_key=key,
        text_id="Batch {batch} closes on {deadline}.",
        due_at=NOW,
        created_at=NOW,
        deadline_at=datetime.fromisoformat(deadline).replace(tzinfo=BEIJING),
    )


async def test_a_moved_window_cancels_the_reminders_queued_for_it_and_only_those(uow):
    await import_catalog(uow, sample_catalog(), NOW)
    async with uow:
        user = await uow.users.add(ChatUser("telegram", "700001", NOW))
        for kind, key, deadline in (
            (ReminderKind.BATCH_CLOSES, "batch-closes:1:2021b1:24h", "2021-04-23T00:00"),
            (ReminderKind.BATCH_OPENS, "batch-opens:1:2021b1:0h", "2021-04-23T00:00"),
            (ReminderKind.OFFER_CLOSES, "offer-closes:1:o1:24h", "2021-06-01T00:00"),
            (ReminderKind.BATCH_CLOSES, "batch-closes:1:2021b2:24h", "2021-06-08T00:00"),
        ):
            await uow.outbox.add(reminder(user.id or 0, kind, key, deadline))
        await uow.commit()
    data = sample_data()
    data["batches"][0]["application"] = "2021-04-15..2021-04-25"  # extended by three days

    outcome = await import_catalog(uow, validate_catalog(data), NOW)  # type: ignore[arg-type]

    assert isinstance(outcome, CatalogImported)
    assert (outcome.moved, outcome.reminders_cancelled) == ((1,), 2)
    states = {m.dedupe_key: m.state for m in uow.stored_outbox()}
    assert states == {
        "batch-closes:1:2021b1:24h": "cancelled",
        "batch-opens:1:2021b1:0h": "cancelled",
        "offer-closes:1:o1:24h": "queued",  # the confirmation window did not move
        "batch-closes:1:2021b2:24h": "queued",
    }
