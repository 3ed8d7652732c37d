"""The form 学位申请 without a chat: the cascades, the answers dropped when an earlier one changes,
the domain's reasons for a unit or a discipline that does not fit, and the form's round trip."""

from datetime import date

from dialogs import degree_applications as dialog
from dialogs import forms
from dialogs.forms import NO, YES
from domain import degree_applications as applications
from domain.degree_applications import DegreeApplicationForm
from domain.problems import Problem

TODAY = date(2027, 3, 1)
FORM = dialog.APPLICATION


def field(key: str) -> forms.Field:
    found = next((f for f in FORM.fields if f.key == key), None)
    assert found is not None
    return found


def codes(key: str, answers: forms.Answers) -> list[str]:
    return [code for code, _label in field(key).choices(answers)]


def test_the_units_are_those_of_the_chosen_province_only():
    assert codes("unit", {"province": "42"}) and all(
        applications.degree_catalog().unit(code).province == "42"  # type: ignore[union-attr]
        for code in codes("unit", {"province": "42"})
    )
    assert codes("unit", {}) == []


def test_a_unit_typed_from_another_province_gets_the_domains_reason():
    parse = field("unit").parse
    assert parse is not None
    refused = parse("北京大学", {"province": "42"}, TODAY)
    assert isinstance(refused, Problem) and refused.message == applications.UNIT_NOT_IN_PROVINCE
    wuhan = applications.degree_catalog().find_unit("武汉大学")
    assert wuhan is not None and parse("武汉大学", {"province": "42"}, TODAY) == wuhan.code


def test_the_disciplines_follow_the_category_and_the_degree_type():
    academic = {"degree_type": "academic", "category": "10"}
    professional = {"degree_type": "professional", "category": "10"}
    assert "1002" in codes("discipline", academic) and "1051" not in codes("discipline", academic)
    assert "1051" in codes("discipline", professional) and "1002" not in codes("discipline", professional)
    parse = field("discipline").parse
    assert parse is not None
    refused = parse("土木工程", academic, TODAY)
    assert isinstance(refused, Problem) and refused.message == applications.DISCIPLINE_NOT_IN_CATEGORY


def test_a_changed_earlier_answer_drops_the_answers_it_no_longer_allows():
    answers = {
        "province": "42",
        "unit": "10486",
        "degree_type": "academic",
        "category": "08",
        "discipline": "0814",
    }
    assert forms._still_valid(FORM, answers) == answers
    moved = forms._still_valid(FORM, answers | {"province": "11"})
    assert "unit" not in moved and moved["discipline"] == "0814"
    retyped = forms._still_valid(FORM, answers | {"category": "07"})
    assert "discipline" not in retyped and retyped["unit"] == "10486"


def test_the_warning_follows_the_professional_clinical_degrees_only():
    note = field("discipline").note
    assert note is not None
    assert note({"degree_type": "professional", "discipline": "1051"}) == applications.PROFESSIONAL_WARNING
    assert note({"degree_type": "academic", "discipline": "1002"}) is None


def test_a_stored_application_comes_back_as_the_same_answers():
    form = DegreeApplicationForm(
        province="42",
        unit="10486",
        degree_type="professional",
        category="10",
        discipline="1051",
        applicant_category="health_worker",
        application_month="202703",
        studying_at_unit=True,
        student_number="2026HZ0012",
        class_name="临床医学班",
        department="",
        work_province="42",
        work_unit="武汉市第一医院",
        work_unit_nature="health",
        admin_rank="none",
        tech_rank="intermediate",
    )
    answers = dialog._answers_of(form)
    assert answers["studying"] == YES and answers["department"] == ""
    assert dialog._form_of(answers) == form
    assert applications.check_form(form, TODAY) == []
    assert dialog._answers_of(DegreeApplicationForm(studying_at_unit=False))["studying"] == NO
