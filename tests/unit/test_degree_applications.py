"""同等学力申硕 提交学位申请 (seed 003 §八): the catalog, the form's cascades and rules, the warning
about the 临床医学 / 口腔医学 / 中医 professional degrees, and every transition of 申请状态, refused
where the seed refuses it."""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from domain import degree_applications as da
from domain.clock import BEIJING
from domain.degree_applications import (
    ApplicationRow,
    DegreeApplicationForm,
    DegreeCatalogError,
    DegreeType,
    Operation,
    add,
    application_of,
    applications_of,
    cancel,
    check_form,
    degree_catalog,
    degree_catalog_from_toml,
    delete,
    edit,
    form_of,
    needs_professional_warning,
    submit,
)
from domain.degree_profile import CHOOSE_AGAIN, FIELD_MISSING, MONTH_IN_FUTURE, MONTH_INVALID
from domain.identity import make_resident_id
from domain.model import Account, DegreeApplicationState
from domain.ports import UnitOfWork
from domain.problems import Problem
from tests.fakes import FakeUnitOfWork

DEGREE = "degree-equiv"
NOW = datetime(2023, 2, 15, 10, 0, tzinfo=BEIJING)
TODAY = NOW.date()
LATER = datetime(2023, 3, 1, 9, 0, tzinfo=BEIJING)

# The seed's example row: 2023 工学 土木工程 武汉轻工大学, 学术型学位, 其他在职人员, 202302.
FORM = DegreeApplicationForm(
    province="42",
    unit="10496",
    degree_type="academic",
    category="08",
    discipline="0814",
    applicant_category="other_employed",
    application_month="202302",
    work_province="42",
    work_unit="武汉市某建筑设计院",
    work_unit_nature="research",
    admin_rank="none",
    tech_rank="intermediate",
)
CLINICAL = replace(
    FORM, province="44", unit="10558", degree_type="professional", category="10", discipline="1051"
)

_numbers = itertools.count(1)


async def degree_account(uow: UnitOfWork, *, activated: bool = True, programme: str = DEGREE) -> Account:
    n = next(_numbers)
    async with uow:
        account = await uow.accounts.add(
            Account(
                programme=programme,
                username=f"applicant{n}@example.com",
                password_hash="x",
                real_name="测试",
                id_number=make_resident_id("420106", date(1990, 3, 7), n),
                mobile="13800000000",
                created_at=NOW,
                activated_at=NOW if activated else None,
                email=f"applicant{n}@example.com",
            )
        )
        await uow.commit()
    return account


def ok(outcome: ApplicationRow | Problem) -> ApplicationRow:
    assert isinstance(outcome, ApplicationRow), outcome
    return outcome


def refused(outcome: object, message: str) -> Problem:
    assert isinstance(outcome, Problem), outcome
    assert outcome.message == message, outcome
    return outcome


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def saved(uow: UnitOfWork, account: Account, form: DegreeApplicationForm = FORM) -> ApplicationRow:
    return ok(await add(uow, account, form, NOW))


async def submitted(uow: UnitOfWork, account: Account, form: DegreeApplicationForm = FORM) -> ApplicationRow:
    row = await saved(uow, account, form)
    return ok(await submit(uow, account, row.id, NOW))


async def cancelled(uow: UnitOfWork, account: Account, form: DegreeApplicationForm = FORM) -> ApplicationRow:
    row = await submitted(uow, account, form)
    return ok(await cancel(uow, account, row.id, LATER))


# ----- the catalog


def test_the_catalog_has_the_fourteen_categories_of_the_2022_list_in_order() -> None:
    categories = degree_catalog().categories

    assert [c.code for c in categories] == [f"{n:02d}" for n in range(1, 15)]
    assert (categories[0].name_zh, categories[7].name_zh, categories[13].name_zh) == (
        "哲学",
        "工学",
        "交叉学科",
    )


def test_a_professional_code_has_5_as_its_third_digit_and_belongs_to_its_category() -> None:
    catalog = degree_catalog()
    for discipline in catalog.disciplines:
        assert (discipline.code[2] == "5") == (discipline.degree_type is DegreeType.PROFESSIONAL)
        assert catalog.category(discipline.category_code) is not None


def test_the_warned_professional_degrees_and_the_seeds_example_are_in_the_catalog() -> None:
    catalog = degree_catalog()
    names = {code: catalog.discipline(code) for code in ("1051", "1052", "1057", "0814", "1002")}

    assert {code: (d.name_zh, d.degree_type) for code, d in names.items() if d} == {
        "1051": ("临床医学", DegreeType.PROFESSIONAL),
        "1052": ("口腔医学", DegreeType.PROFESSIONAL),
        "1057": ("中医", DegreeType.PROFESSIONAL),
        "0814": ("土木工程", DegreeType.ACADEMIC),
        "1002": ("临床医学", DegreeType.ACADEMIC),
    }
    unit = catalog.find_unit("武汉轻工大学")
    assert unit is not None and unit.province == "42"


def test_the_cascades_offer_only_what_fits_the_choice_before() -> None:
    catalog = degree_catalog()

    assert [u.name_zh for u in catalog.units_in("11")][:2] == ["北京大学", "清华大学"]
    assert catalog.units_in("65") == ()  # 新疆: no sample unit
    assert "42" in catalog.unit_provinces() and "65" not in catalog.unit_provinces()
    professional = {c.code for c in catalog.categories_for(DegreeType.PROFESSIONAL)}
    assert "10" in professional and "06" not in professional  # the sample has no 历史学 专业学位
    medicine = [d.code for d in catalog.disciplines_in("10", DegreeType.PROFESSIONAL)]
    assert {"1051", "1052", "1057"} <= set(medicine)
    assert all(code.startswith("105") for code in medicine)


def test_a_name_shared_by_two_disciplines_is_read_by_the_degree_type() -> None:
    catalog = degree_catalog()

    assert catalog.find_discipline("临床医学") is None  # ambiguous on its own
    academic = catalog.find_discipline("临床医学", "10", DegreeType.ACADEMIC)
    professional = catalog.find_discipline("临床医学", "10", DegreeType.PROFESSIONAL)
    assert (academic and academic.code, professional and professional.code) == ("1002", "1051")


CATEGORIES = '[[categories]]\ncode = "08"\nname_zh = "工学"\nname_en = "Engineering"\n'
UNITS = '[[units]]\ncode = "10496"\nname_zh = "武汉轻工大学"\nname_en = "WHPU"\nprovince = "42"\n'


def _discipline(code: str, kind: str = "academic", name: str = "土木工程") -> str:
    return f'[[disciplines]]\ncode = "{code}"\nname_zh = "{name}"\nname_en = "X"\ntype = "{kind}"\n'


def test_a_small_well_formed_catalog_loads() -> None:
    catalog = degree_catalog_from_toml(CATEGORIES + _discipline("0814"), UNITS)

    assert [d.code for d in catalog.disciplines] == ["0814"]
    assert catalog.unit("10496") is not None


@pytest.mark.parametrize(
    ("disciplines", "units", "names"),
    [
        (CATEGORIES + _discipline("814"), UNITS, "four-digit"),
        (CATEGORIES + _discipline("0854", "academic"), UNITS, "does not fit type academic"),
        (CATEGORIES + _discipline("0814", "professional"), UNITS, "does not fit type professional"),
        (CATEGORIES + _discipline("0814", "research"), UNITS, "academic or professional"),
        (CATEGORIES + _discipline("1051", "professional"), UNITS, "belongs to no category"),
        (CATEGORIES + _discipline("0814") + _discipline("0814"), UNITS, "listed twice"),
        (CATEGORIES + _discipline("0814"), UNITS.replace('"42"', '"99"'), "not a code of provinces"),
        (CATEGORIES + _discipline("0814"), UNITS.replace('"10496"', '"1049"'), "five-digit"),
        (CATEGORIES + _discipline("0814"), UNITS + UNITS.replace("10496", "10497"), "listed twice"),
        (CATEGORIES + _discipline("0814"), UNITS.replace('name_en = "WHPU"\n', ""), "keys are"),
        (CATEGORIES + _discipline("0814"), "", "non-empty [[units]]"),
        (CATEGORIES.replace('"工学"', '""') + _discipline("0814"), UNITS, "non-empty string"),
        ("[[categories]\n", UNITS, "not valid TOML"),
    ],
)
def test_a_malformed_catalog_fails_loudly_naming_the_file_and_entry(
    disciplines: str, units: str, names: str
) -> None:
    with pytest.raises(DegreeCatalogError, match=r"(disciplines|degree_units)\.toml") as error:
        degree_catalog_from_toml(disciplines, units)
    assert names in str(error.value)


# ----- the warning


@pytest.mark.parametrize(
    ("code", "warned"), [("1051", True), ("1052", True), ("1057", True), ("1053", False)]
)
def test_the_warning_is_due_for_the_three_professional_degrees_only(code: str, warned: bool) -> None:
    assert needs_professional_warning(code) is warned
    assert needs_professional_warning(code, DegreeType.PROFESSIONAL) is warned


def test_the_academic_disciplines_of_the_same_names_are_not_warned() -> None:
    assert not needs_professional_warning("1002", DegreeType.ACADEMIC)
    assert not needs_professional_warning("1051", DegreeType.ACADEMIC)


async def test_a_row_of_a_warned_degree_carries_the_warning(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)

    assert (await saved(uow, account, CLINICAL)).warning
    assert not (await saved(uow, account)).warning


# ----- the form


def test_the_seeds_example_is_a_valid_form() -> None:
    assert check_form(FORM, TODAY) == []


def test_names_are_accepted_where_codes_are_expected() -> None:
    by_name = replace(
        FORM,
        province="湖北",
        unit="武汉轻工大学",
        degree_type="学术型学位",
        category="工学",
        discipline="土木工程",
        applicant_category="其他在职人员",
        application_month="2023-02",
        work_province="湖北省",
        work_unit_nature="科研设计单位",
        admin_rank="无",
        tech_rank="中级",
    )

    assert check_form(by_name, TODAY) == []


def test_an_empty_form_names_every_required_field() -> None:
    problems = check_form(DegreeApplicationForm(), TODAY)

    assert all(p.message == FIELD_MISSING for p in problems)
    missing = [p.params["field"] for p in problems]
    assert missing == [
        "学位授予单位所在省市地区",
        "学位授予单位",
        "申请学位类型",
        "申请学位学科门类",
        "申请学位学科名称",
        "申请人类别",
        "网上学位申请年月",
        "工作单位所在省市",
        "工作单位名称",
        "工作单位性质",
        "行政职务级别",
        "技术职务级别",
    ]  # 院系, 学号 and 班级 are not required of someone not studying at the unit


def test_the_unit_must_be_in_the_chosen_province() -> None:
    problems = check_form(replace(FORM, province="11"), TODAY)

    assert problems == [Problem(da.UNIT_NOT_IN_PROVINCE, {"unit": "武汉轻工大学", "province": "北京市"})]


def test_the_discipline_must_be_in_the_chosen_category() -> None:
    problems = check_form(replace(FORM, category="07"), TODAY)

    assert [(p.message, p.params["category"]) for p in problems] == [(da.DISCIPLINE_NOT_IN_CATEGORY, "理学")]


def test_the_discipline_must_be_of_the_chosen_degree_type() -> None:
    problems = check_form(replace(CLINICAL, degree_type="academic"), TODAY)

    assert [p.message for p in problems] == [da.DISCIPLINE_NOT_OF_TYPE]
    assert problems[0].params["discipline_type"] == "专业学位"
    assert problems[0].params["degree_type"] == "学术型学位"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("province", "火星"),
        ("unit", "不存在大学"),
        ("degree_type", "博士"),
        ("category", "99"),
        ("discipline", "9999"),
        ("applicant_category", "学生"),
        ("work_province", "Atlantis"),
        ("work_unit_nature", "个体"),
        ("admin_rank", "将军"),
        ("tech_rank", "特级"),
    ],
)
def test_an_unknown_choice_is_asked_again(field: str, value: str) -> None:
    problems = check_form(replace(FORM, **{field: value}), TODAY)

    assert [p.message for p in problems] == [CHOOSE_AGAIN]
    assert problems[0].params["field"] == da.FIELD_OFFICIAL_NAMES[field]


def test_the_application_month_may_be_this_month_but_not_the_next() -> None:
    assert check_form(replace(FORM, application_month="202302"), TODAY) == []
    assert check_form(replace(FORM, application_month="199704"), TODAY) == []

    ahead = check_form(replace(FORM, application_month="202303"), TODAY)
    assert [(p.message, p.params["month"]) for p in ahead] == [(MONTH_IN_FUTURE, "202303")]
    assert check_form(replace(FORM, application_month="202303"), date(2023, 3, 1)) == []


async def test_the_current_month_is_the_month_in_beijing(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    march_in_beijing = datetime(2023, 2, 28, 16, 30, tzinfo=UTC)  # 2023-03-01 00:30 in Beijing

    row = ok(await add(uow, account, replace(FORM, application_month="202303"), march_in_beijing))

    assert (row.year, row.application.application_month) == (2023, "202303")


@pytest.mark.parametrize("month", ["202313", "2023", "abcdef"])
def test_the_application_month_must_be_a_real_month(month: str) -> None:
    problems = check_form(replace(FORM, application_month=month), TODAY)

    assert [p.message for p in problems] == [MONTH_INVALID]


def test_student_number_and_class_are_refused_from_someone_not_studying_at_the_unit() -> None:
    problems = check_form(replace(FORM, student_number="2021001", class_name="土木2101"), TODAY)

    assert [(p.message, p.params["field"]) for p in problems] == [
        (da.ONLY_WHEN_STUDYING, "学号"),
        (da.ONLY_WHEN_STUDYING, "班级"),
    ]


def test_someone_studying_at_the_unit_gives_student_number_and_class() -> None:
    studying = replace(FORM, studying_at_unit=True)

    assert [p.params["field"] for p in check_form(studying, TODAY)] == ["学号", "班级"]
    complete = replace(studying, student_number=" 2021 001 ", class_name="土木 2101 班")
    assert check_form(complete, TODAY) == []


@pytest.mark.parametrize("number", ["2021-001", "学号123", "1" * 21])
def test_a_student_number_is_letters_and_digits(number: str) -> None:
    problems = check_form(
        replace(FORM, studying_at_unit=True, student_number=number, class_name="1班"), TODAY
    )

    assert [p.message for p in problems] == [da.STUDENT_NUMBER_INVALID]


def test_long_texts_are_refused_with_their_limit() -> None:
    problems = check_form(replace(FORM, work_unit="单" * 61, department="系" * 41), TODAY)

    assert [(p.message, p.params["field"], p.params["max"]) for p in problems] == [
        (da.TEXT_TOO_LONG, "院系", 40),
        (da.TEXT_TOO_LONG, "工作单位名称", 60),
    ]


# ----- 新增申请 and the table


async def test_a_new_application_is_saved_for_this_year_with_its_names(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)

    row = await saved(uow, account, replace(FORM, department=" 土木工程学院 "))

    assert (row.year, row.category_name, row.discipline_name, row.unit_name, row.province_name) == (
        2023,
        "工学",
        "土木工程",
        "武汉轻工大学",
        "湖北省",
    )
    assert row.state is DegreeApplicationState.SAVED
    assert row.operations == (Operation.EDIT, Operation.DELETE, Operation.SUBMIT)
    [stored] = uow.stored_degree_applications()
    assert (stored.account_id, stored.created_at, stored.department) == (account.id, NOW, "土木工程学院")
    assert (stored.student_number, stored.class_name) == (None, None)


async def test_an_invalid_form_saves_nothing(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)

    refused(await add(uow, account, replace(FORM, province="11"), NOW), da.UNIT_NOT_IN_PROVINCE)

    assert uow.stored_degree_applications() == []


async def test_an_account_not_activated_cannot_apply(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow, activated=False)

    refused(await add(uow, account, FORM, NOW), da.NOT_ACTIVATED)
    assert uow.stored_degree_applications() == []


async def test_an_account_of_another_programme_cannot_apply(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow, programme="gd-residency")

    refused(await add(uow, account, FORM, NOW), da.NOT_DEGREE)


async def test_a_second_live_application_for_the_same_unit_and_discipline_is_refused(
    uow: FakeUnitOfWork,
) -> None:
    account = await degree_account(uow)
    await saved(uow, account)

    problem = refused(await add(uow, account, FORM, NOW), da.DUPLICATE)
    assert problem.params == {
        "discipline": "土木工程",
        "unit": "武汉轻工大学",
        "year": 2023,
        "state": "已保存",
    }

    await submit(uow, account, uow.stored_degree_applications()[0].id or 0, NOW)
    refused(await add(uow, account, FORM, NOW), da.DUPLICATE)
    assert len(uow.stored_degree_applications()) == 1


async def test_another_discipline_unit_year_or_account_is_not_a_duplicate(uow: FakeUnitOfWork) -> None:
    account, other = await degree_account(uow), await degree_account(uow)
    await saved(uow, account)

    await saved(uow, account, replace(FORM, discipline="0822"))
    await saved(uow, account, replace(FORM, unit="10497"))
    ok(await add(uow, account, FORM, datetime(2024, 1, 5, tzinfo=BEIJING)))
    await saved(uow, other)

    assert len(uow.stored_degree_applications()) == 5


async def test_after_cancelling_the_same_application_can_be_made_again(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    first = await cancelled(uow, account, CLINICAL)

    again = await saved(uow, account, CLINICAL)

    assert again.id != first.id
    rows = await applications_of(uow, account)
    assert [(r.id, r.state) for r in rows] == [
        (first.id, DegreeApplicationState.CANCELLED),
        (again.id, DegreeApplicationState.SAVED),
    ]


async def test_the_table_lists_only_the_accounts_own_applications_by_year(uow: FakeUnitOfWork) -> None:
    account, other = await degree_account(uow), await degree_account(uow)
    later = ok(await add(uow, account, FORM, datetime(2024, 1, 5, tzinfo=BEIJING)))
    earlier = await saved(uow, account)
    await saved(uow, other)

    assert [r.id for r in await applications_of(uow, account)] == [earlier.id, later.id]


# ----- 修改


async def test_a_saved_application_is_modified(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)

    changed = ok(
        await edit(uow, account, row.id, replace(FORM, discipline="0822", tech_rank="副高级"), LATER)
    )

    assert (changed.discipline_name, changed.application.tech_rank) == ("轻工技术与工程", "associate_senior")
    [stored] = uow.stored_degree_applications()
    assert (stored.discipline_code, stored.updated_at, stored.year) == ("0822", LATER, 2023)


async def test_modifying_with_the_unchanged_form_keeps_it_as_it_was(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(
        uow, account, replace(FORM, studying_at_unit=True, student_number="A1", class_name="1班")
    )

    again = ok(await edit(uow, account, row.id, form_of(row.application), LATER))

    assert form_of(again.application) == form_of(row.application)


async def test_a_modification_that_breaks_a_rule_changes_nothing(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)

    refused(
        await edit(uow, account, row.id, replace(FORM, category="07"), LATER), da.DISCIPLINE_NOT_IN_CATEGORY
    )

    assert uow.stored_degree_applications()[0].category_code == "08"


async def test_a_modification_into_another_live_application_is_refused(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    await saved(uow, account)
    second = await saved(uow, account, replace(FORM, discipline="0822"))

    refused(await edit(uow, account, second.id, FORM, LATER), da.DUPLICATE)


async def test_a_submitted_application_cannot_be_modified(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await submitted(uow, account)

    problem = refused(await edit(uow, account, row.id, FORM, LATER), da.SUBMITTED_LOCKED)
    assert problem.params == {"discipline": "土木工程", "unit": "武汉轻工大学"}


async def test_a_cancelled_application_cannot_be_modified(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await cancelled(uow, account)

    refused(await edit(uow, account, row.id, FORM, LATER), da.CANCELLED_LOCKED)


# ----- 删除


async def test_a_saved_application_is_deleted(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)

    gone = ok(await delete(uow, account, row.id))

    assert (gone.id, gone.discipline_name) == (row.id, "土木工程")
    assert uow.stored_degree_applications() == []


async def test_a_submitted_application_cannot_be_deleted(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await submitted(uow, account)

    refused(await delete(uow, account, row.id), da.SUBMITTED_LOCKED)
    assert len(uow.stored_degree_applications()) == 1


async def test_a_cancelled_application_cannot_be_deleted(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await cancelled(uow, account)

    refused(await delete(uow, account, row.id), da.CANCELLED_LOCKED)
    assert len(uow.stored_degree_applications()) == 1


# ----- 提交申请


async def test_submitting_makes_it_submitted_and_leaves_only_cancelling(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)

    done = ok(await submit(uow, account, row.id, LATER))

    assert done.state is DegreeApplicationState.SUBMITTED
    assert done.operations == (Operation.CANCEL,)
    [stored] = uow.stored_degree_applications()
    assert (stored.state, stored.submitted_at) == (DegreeApplicationState.SUBMITTED, LATER)


async def test_a_submitted_application_cannot_be_submitted_again(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await submitted(uow, account)

    refused(await submit(uow, account, row.id, LATER), da.ALREADY_SUBMITTED)


async def test_a_cancelled_application_cannot_be_submitted(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await cancelled(uow, account)

    refused(await submit(uow, account, row.id, LATER), da.CANCELLED_LOCKED)


async def test_submitting_checks_the_stored_answers_again(
    uow: FakeUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)
    # The unit left the catalog between 保存 and 提交申请.
    data = resources.files("domain.data")
    smaller = degree_catalog_from_toml(
        data.joinpath("disciplines.toml").read_text(encoding="utf-8"),
        data.joinpath("degree_units.toml").read_text(encoding="utf-8").replace('"10496"', '"19999"'),
    )
    monkeypatch.setattr(da, "degree_catalog", lambda: smaller)

    problem = refused(await submit(uow, account, row.id, LATER), CHOOSE_AGAIN)

    assert problem.params == {"field": "学位授予单位"}
    assert uow.stored_degree_applications()[0].state == DegreeApplicationState.SAVED


# ----- 取消申请


async def test_a_submitted_application_is_cancelled_and_stays_in_the_table(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await submitted(uow, account, CLINICAL)

    done = ok(await cancel(uow, account, row.id, LATER))

    assert (done.state, done.operations) == (DegreeApplicationState.CANCELLED, ())
    [stored] = uow.stored_degree_applications()
    assert (stored.state, stored.cancelled_at, stored.submitted_at) == (
        DegreeApplicationState.CANCELLED,
        LATER,
        NOW,
    )


async def test_a_saved_application_is_deleted_not_cancelled(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)

    refused(await cancel(uow, account, row.id, LATER), da.NOT_SUBMITTED)
    assert uow.stored_degree_applications()[0].state == DegreeApplicationState.SAVED


async def test_a_cancelled_application_cannot_be_cancelled_again(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await cancelled(uow, account)

    refused(await cancel(uow, account, row.id, LATER), da.CANCELLED_LOCKED)


# ----- ids of other accounts


@pytest.mark.parametrize("operation", ["view", "edit", "delete", "submit", "cancel"])
async def test_another_accounts_application_is_not_found_and_unchanged(
    uow: FakeUnitOfWork, operation: str
) -> None:
    owner, intruder = await degree_account(uow), await degree_account(uow)
    row = await submitted(uow, owner) if operation == "cancel" else await saved(uow, owner)
    before = form_of(uow.stored_degree_applications()[0]), uow.stored_degree_applications()[0].state

    outcome = {
        "view": lambda: application_of(uow, intruder, row.id),
        "edit": lambda: edit(uow, intruder, row.id, replace(FORM, discipline="0822"), LATER),
        "delete": lambda: delete(uow, intruder, row.id),
        "submit": lambda: submit(uow, intruder, row.id, LATER),
        "cancel": lambda: cancel(uow, intruder, row.id, LATER),
    }[operation]

    refused(await outcome(), da.NOT_FOUND)
    [stored] = uow.stored_degree_applications()
    assert (form_of(stored), stored.state) == before


async def test_a_missing_id_is_not_found(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)

    refused(await application_of(uow, account, 999), da.NOT_FOUND)
    refused(await submit(uow, account, 999, NOW), da.NOT_FOUND)


async def test_the_owner_reads_one_application(uow: FakeUnitOfWork) -> None:
    account = await degree_account(uow)
    row = await saved(uow, account)

    assert ok(await application_of(uow, account, row.id)).discipline_name == "土木工程"
