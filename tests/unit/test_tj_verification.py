"""天津高职升本 点击验证学籍/学历 (seed 002 2.7): an 应届 candidate against a 学籍 record, a 往届 one
against a 学历 record; the result stored, and no longer current once the basic information
changes; the records imported every row or none."""

from datetime import datetime

import pytest

from domain import tj_verification as tv
from domain.clock import BEIJING
from domain.model import (
    Account,
    EducationClaim,
    EducationRecord,
    RecordKind,
    VerificationOutcome,
    VerificationStatus,
)
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.tj_verification import (
    ImportedRecordsVerifier,
    RecordRow,
    Verification,
    import_records,
    record_counts,
    verification_of,
    verify,
)
from tests.fakes import FakeUnitOfWork

NOW = datetime(2022, 11, 21, 10, 0, tzinfo=BEIJING)
LATER = datetime(2022, 11, 22, 10, 0, tzinfo=BEIJING)
WANG_WU = "11010119800101103X"
ZHANG_SAN = "110101199003071233"
BASIC = {
    "sex": "male",
    "candidate_type": "current",
    "school": "天津职业大学",
    "major": "护理",
    "graduation": "202307",
}


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def tj_account(uow: UnitOfWork, name: str = "王五", id_number: str = WANG_WU) -> Account:
    async with uow:
        account = await uow.accounts.add(
            Account(
                programme="tj-upgrade",
                username=id_number,
                password_hash="x",
                real_name=name,
                id_number=id_number,
                mobile="13712345678",
                created_at=NOW,
                activated_at=NOW,
            )
        )
        await uow.commit()
    return account


def row(line: int, **values: str) -> RecordRow:
    base = {
        "id_number": WANG_WU,
        "name": "王五",
        "kind": "学籍",
        "school": "天津职业大学",
        "major": "护理",
        "graduation": "202307",
    }
    return RecordRow(line, {**base, **values})


async def with_records(uow: UnitOfWork, *rows: RecordRow) -> None:
    report = await import_records(uow, list(rows), NOW)
    assert report.errors == ()


def ok(result: Verification | Problem) -> Verification:
    assert isinstance(result, Verification), result
    return result


# ----- the verifier


async def test_a_current_candidate_is_verified_by_a_student_record_that_matches(uow):
    await with_records(uow, row(2))
    account = await tj_account(uow)

    result = ok(await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW))

    assert result.outcome is VerificationStatus.VERIFIED
    assert result.verified and result.current and result.reasons() == []
    assert (result.checked_at, result.verifier) == (NOW, "imported-records")


async def test_a_former_candidate_is_verified_by_a_diploma_record(uow):
    await with_records(uow, row(2, id_number=ZHANG_SAN, name="张三", kind="学历", graduation="201207"))
    account = await tj_account(uow, "张三", ZHANG_SAN)

    result = ok(
        await verify(uow, account, {**BASIC, "candidate_type": "former"}, ImportedRecordsVerifier(), NOW)
    )

    assert result.verified


async def test_spaces_and_full_width_letters_are_no_difference(uow):
    await with_records(uow, row(2, school="天津职业大学", major="护理(ICU)"))
    account = await tj_account(uow)
    answers = {**BASIC, "school": "天津 职业大学", "major": "护理（ＩＣＵ）"}

    assert ok(await verify(uow, account, answers, ImportedRecordsVerifier(), NOW)).verified


async def test_a_mismatch_names_the_fields_and_the_records_school_and_major_never_the_id_number(uow):
    await with_records(uow, row(2, school="天津医学高等专科学校", major="护理"))
    account = await tj_account(uow, "王六")
    answers = {**BASIC, "school": "天津职业大学"}

    result = ok(await verify(uow, account, answers, ImportedRecordsVerifier(), NOW))

    assert result.outcome is VerificationStatus.MISMATCH and not result.verified
    assert result.mismatched == ("name", "school")
    reasons = result.reasons()
    assert [p.message for p in reasons] == [tv._NAME_DIFFERS, tv._SCHOOL_DIFFERS]
    assert reasons[1].params == {"value": "天津医学高等专科学校"}
    assert WANG_WU not in repr(reasons) and "王五" not in repr(reasons)


async def test_a_different_major_is_named_with_the_records_major(uow):
    await with_records(uow, row(2, major="助产"))
    account = await tj_account(uow)

    result = ok(await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW))

    assert [(p.message, p.params) for p in result.reasons()] == [(tv._MAJOR_DIFFERS, {"value": "助产"})]


async def test_of_several_records_the_matching_one_verifies(uow):
    await with_records(uow, row(2, major="助产"), row(3, major="护理"))
    account = await tj_account(uow)

    assert ok(await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW)).verified


async def test_no_record_is_not_found(uow):
    account = await tj_account(uow)

    result = ok(await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW))

    assert result.outcome is VerificationStatus.NOT_FOUND
    assert [p.message for p in result.reasons()] == [tv._NO_STUDENT]


async def test_a_current_candidate_with_only_a_diploma_record_is_told_to_check_the_candidate_type(uow):
    await with_records(uow, row(2, kind="学历"))
    account = await tj_account(uow)

    result = ok(await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW))

    assert result.outcome is VerificationStatus.NOT_FOUND
    assert [p.message for p in result.reasons()] == [tv._DIPLOMA_INSTEAD]


async def test_a_former_candidate_with_only_a_student_record_is_told_too(uow):
    await with_records(uow, row(2))
    account = await tj_account(uow)

    result = ok(
        await verify(uow, account, {**BASIC, "candidate_type": "former"}, ImportedRecordsVerifier(), NOW)
    )

    assert [p.message for p in result.reasons()] == [tv._STUDENT_INSTEAD]


async def test_another_persons_record_is_not_found(uow):
    await with_records(uow, row(2, id_number=ZHANG_SAN))
    account = await tj_account(uow)

    result = ok(await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW))

    assert result.outcome is VerificationStatus.NOT_FOUND


@pytest.mark.parametrize("missing", ["candidate_type", "school", "major", "graduation"])
async def test_incomplete_basic_information_is_a_problem_and_nothing_is_stored(uow, missing):
    account = await tj_account(uow)

    result = await verify(uow, account, {**BASIC, missing: ""}, ImportedRecordsVerifier(), NOW)

    assert isinstance(result, Problem) and result.message == tv._INCOMPLETE
    assert uow.stored_verification(account.id or 0) is None


# ----- the stored result


async def test_the_result_is_stored_and_current_while_the_information_stays(uow):
    await with_records(uow, row(2))
    account = await tj_account(uow)
    await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW)

    stored = uow.stored_verification(account.id or 0)
    assert stored is not None and stored.outcome == "verified" and stored.verifier == "imported-records"
    assert len(stored.fingerprint) == 64 and WANG_WU not in stored.fingerprint
    again = await verification_of(uow, account.id or 0, dict(BASIC))
    assert again is not None and again.verified and again.checked_at == NOW


async def test_a_changed_answer_makes_the_result_stale_until_verified_again(uow):
    await with_records(uow, row(2), row(3, major="助产"))
    account = await tj_account(uow)
    await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW)
    changed = {**BASIC, "major": "助产"}

    stale = await verification_of(uow, account.id or 0, changed)

    assert stale is not None and not stale.current and not stale.verified
    assert stale.outcome is VerificationStatus.VERIFIED
    assert [(p.message, p.params) for p in stale.reasons()] == [(tv._CHANGED, {"date": "2022-11-21"})]

    fresh = ok(await verify(uow, account, changed, ImportedRecordsVerifier(), LATER))
    assert fresh.verified and fresh.checked_at == LATER
    assert len([v for v in [uow.stored_verification(account.id or 0)] if v]) == 1  # replaced, not added


async def test_answers_emptied_since_make_the_result_stale(uow):
    await with_records(uow, row(2))
    account = await tj_account(uow)
    await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW)

    stale = await verification_of(uow, account.id or 0, {})

    assert stale is not None and not stale.current


async def test_a_mismatch_survives_the_round_trip_through_the_store(uow):
    await with_records(uow, row(2, school="天津医学高等专科学校"))
    account = await tj_account(uow)
    await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW)

    stored = await verification_of(uow, account.id or 0, BASIC)

    assert stored is not None and stored.mismatched == ("school",)
    assert stored.reasons()[0].params == {"value": "天津医学高等专科学校"}


async def test_never_verified_is_none(uow):
    account = await tj_account(uow)

    assert await verification_of(uow, account.id or 0, BASIC) is None


class _Remote:
    """Another verifier behind the port, as one asking 学信网 would be."""

    name = "remote"

    def __init__(self) -> None:
        self.claims: list[EducationClaim] = []

    async def verify(self, uow: UnitOfWork, claim: EducationClaim) -> VerificationOutcome:
        self.claims.append(claim)
        return VerificationOutcome(VerificationStatus.VERIFIED)


async def test_the_verifier_is_pluggable_and_gets_the_claim(uow):
    account = await tj_account(uow)
    remote = _Remote()

    result = ok(await verify(uow, account, BASIC, remote, NOW))

    assert result.verified and result.verifier == "remote"
    assert remote.claims == [EducationClaim(WANG_WU, "王五", "current", "天津职业大学", "护理", "202307")]


# ----- importing records


async def test_rows_are_imported_and_a_reimport_replaces_the_same_key(uow):
    report = await import_records(uow, [row(2), row(3, kind="学历", graduation="202007")], NOW)
    assert (report.added, report.replaced, report.errors) == (2, 0, ())

    report = await import_records(uow, [row(2, name="王 五", graduation="202306")], LATER)

    assert (report.added, report.replaced) == (0, 1)
    stored = uow.stored_education_records()
    assert len(stored) == 2
    assert (stored[0].name, stored[0].graduation, stored[0].imported_at) == ("王五", "202306", LATER)
    assert await record_counts(uow) == {RecordKind.STUDENT: 1, RecordKind.DIPLOMA: 1}


async def test_a_bad_row_imports_nothing_and_names_every_line_and_column(uow):
    await with_records(uow, row(2))
    rows = [
        row(2, school="天津商业大学"),
        row(3, id_number="110101199003071230"),  # bad checksum
        row(4, name="", kind="学位", graduation="202313"),
        row(5, school=""),
    ]

    report = await import_records(uow, rows, LATER)

    assert [(e.line, e.column) for e in report.errors] == [
        (3, "id_number"),
        (4, "name"),
        (4, "kind"),
        (4, "graduation"),
        (5, "school"),
    ]
    assert report.errors[2].problem.params == {"value": "学位"}
    assert all("110101199003071230" not in repr(e.problem) for e in report.errors)
    assert [(r.school, r.imported_at) for r in uow.stored_education_records()] == [("天津职业大学", NOW)]


async def test_the_same_key_twice_in_one_file_is_an_error(uow):
    report = await import_records(uow, [row(2), row(3, school=" 天津职业大学 ")], NOW)

    assert [(e.line, e.column, e.problem.params) for e in report.errors] == [(3, "id_number", {"line": 2})]
    assert uow.stored_education_records() == []


def test_kinds_are_read_in_chinese_and_english() -> None:
    assert tv.parse_kind(" 学籍 ") is RecordKind.STUDENT
    assert tv.parse_kind("Diploma") is RecordKind.DIPLOMA
    assert isinstance(tv.parse_kind("学位"), Problem)


def test_the_fingerprint_ignores_what_the_verifier_ignores_and_nothing_else() -> None:
    claim = EducationClaim(WANG_WU, "王五", "current", "天津职业大学", "护理", "202307")
    same = EducationClaim(WANG_WU, "王五", "current", "天津 职业大学", "护理", "202307")
    other = EducationClaim(WANG_WU, "王五", "current", "天津职业大学", "护理", "202306")

    assert tv.fingerprint(claim) == tv.fingerprint(same)
    assert tv.fingerprint(claim) != tv.fingerprint(other)


def test_records_are_stored_cleaned() -> None:
    record = tv._parse_row(row(2, school="  天津　职业大学 ", major="护理"), NOW)
    assert isinstance(record, EducationRecord) and record.school == "天津 职业大学"
