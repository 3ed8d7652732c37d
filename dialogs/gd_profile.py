"""广东住培 学员信息维护 (seed 000 §二): 基本信息, 联系信息, 教育信息, 工作信息, each a form saved on its own.

The fields are declared here as data for the form engine (dialogs/forms.py); every answer is checked
by domain/, and the education and work rules E1–E4 and W1–W3 by domain/gd_profile.py when a module
is saved. The seed shows the forms of 基本信息 and 联系信息 only as screenshots, so their fields are
the usual ones of the 招录系统; the rules of the other two are the seed's.
"""

from collections.abc import Mapping
from datetime import date

from dialogs import forms, gd_application, profile_fields
from dialogs.forms import NO, YES, Field, Form, Known, choice, group, text, yes_no
from dialogs.profile_fields import (
    ADDRESS,
    ETHNICITY,
    MOBILE,
    POLITICAL_STATUS,
    POSTCODE,
    PROVINCE,
    SEX,
    answer_is,
    birth_date,
    labels,
    month,
    resident_id_of,
    short_text,
)
from dialogs.turn import Turn
from domain import dates, fields, gd_profile, profiles
from domain.gd_profile import EducationLevel
from domain.masking import mask_email, mask_phone
from domain.names import parse_real_name
from domain.phones import parse_phone
from domain.problems import Problem
from domain.text import N_

GD = "gd-residency"


# ---------------------------------------------------------------------------------------------------
# The four modules


async def show_modules(turn: Turn, note: str | None = None) -> None:
    await MENU.show(turn, note)


def _check_education(answers: Mapping[str, object], today: date) -> list[Problem]:
    records = answers.get("records")
    return gd_profile.check_education(records if isinstance(records, list) else [], today)


BASIC = Form(
    GD,
    profiles.Module("basic"),
    N_("Basic information"),
    (
        SEX,
        Field(
            "birth_date",
            N_("Date of birth"),
            N_("Your date of birth, as YYYYMMDD (for example 19900307):"),
            parse=birth_date,
            suggest=lambda answers, known: (
                dates.format_date(found.birth_date) if (found := resident_id_of(known)) else None
            ),
        ),
        ETHNICITY,
        POLITICAL_STATUS,
        PROVINCE,
    ),
    done=show_modules,
)

CONTACT = Form(
    GD,
    profiles.Module("contact"),
    N_("Contact information"),
    (
        MOBILE,
        text(
            "email",
            N_("E-mail address"),
            N_("Your e-mail address:"),
            lambda raw: fields.parse_email(raw, refused_providers=()),
            show=mask_email,
        ),
        ADDRESS,
        POSTCODE,
        text(
            "emergency_name",
            N_("Emergency contact"),
            N_("The name of a person to call in an emergency:"),
            parse_real_name,
        ),
        text(
            "emergency_phone",
            N_("Emergency contact's phone"),
            N_("Their phone number (a mobile, or a landline with its area code):"),
            parse_phone,
            show=mask_phone,
        ),
    ),
    done=show_modules,
)

EDUCATION_RECORD = (
    choice(
        "level",
        N_("Level"),
        N_("The level of this education (学历):"),
        labels(gd_profile.EDUCATION_LEVEL_LABELS),
    ),
    text("school", N_("School"), N_("The school (毕业院校):"), short_text("中山大学")),
    text("major", N_("Major"), N_("The major (专业):"), short_text("临床医学")),
    choice("degree", N_("Degree"), N_("The degree obtained (学位):"), labels(gd_profile.DEGREE_LABELS)),
    Field("start", N_("From"), N_("The month it began, as YYYYMM (for example 200909):"), parse=month()),
    Field(
        "end",
        N_("To"),
        N_("The month it ended, as YYYYMM; if you are still studying, the expected graduation month:"),
        parse=month(allow_future=True),
    ),
    yes_no(
        "first",
        N_("First degree (第一学历)"),
        N_("Is this your 第一学历 (first degree: your first 大专 or 本科 education)?"),
    ),
    yes_no(
        "bachelor_record",
        N_("Bachelor record (本科学历)"),
        N_("Is this your 本科学历 (your bachelor education)?"),
        when=answer_is("level", EducationLevel.BACHELOR),
    ),
    yes_no("highest", N_("Highest degree (最高学历)"), N_("Is this your 最高学历 (highest education)?")),
)

EDUCATION = Form(
    GD,
    profiles.Module("education", _check_education),
    N_("Education"),
    (
        group(
            "records",
            N_("Education records"),
            N_(
                "Your education, one record each, from the first (大专 or 本科) to the highest. Mark the "
                "第一学历, the 本科学历 and the 最高学历; one record may carry several marks."
            ),
            EDUCATION_RECORD,
        ),
    ),
    done=show_modules,
)

WORK_RECORD = (
    text("employer", N_("Employer"), N_("The employer (工作单位):"), short_text("广州市第一人民医院")),
    text("position", N_("Position"), N_("Your position there (职务或岗位):"), short_text("住院医师")),
    Field("start", N_("From"), N_("The month you started, as YYYYMM:"), parse=month()),
    yes_no("current", N_("Current employer"), N_("Is this your current employer (是否为当前所在单位)?")),
    Field(
        "end", N_("To"), N_("The month you left, as YYYYMM:"), parse=month(), when=answer_is("current", NO)
    ),
)

WORK = Form(
    GD,
    profiles.Module("work", gd_profile.check_work),
    N_("Work"),
    (
        choice(
            "applicant_type",
            N_("Applicant type"),
            N_(
                "Your applicant type: 单位人 (sent by an employer), 社会人 (no employer) or 研究生 "
                "(a clinical master's student). The work rules depend on it."
            ),
            labels(gd_profile.APPLICANT_TYPE_LABELS),
        ),
        yes_no(
            "has_employer",
            N_("Work history (是否有工作单位)"),
            N_("Do you have work history (是否有工作单位)?"),
        ),
        group(
            "records",
            N_("Work records"),
            N_("Your work history, one record per employer. Mark the current one (是否为当前所在单位)."),
            WORK_RECORD,
            when=answer_is("has_employer", YES),
        ),
    ),
    done=show_modules,
)

MODULES = tuple(forms.register(form) for form in (BASIC, CONTACT, EDUCATION, WORK))


async def known_of(turn: Turn, programme_code: str = GD) -> Known:
    """What the chat's account of the programme knows, for the forms' suggestions; {} without one."""
    async with turn.uow:
        account = await turn.uow.accounts.of_user(turn.user_id, programme_code)
    if account is None:
        return {}
    return {"real_name": account.real_name, "id_number": account.id_number, "mobile": account.mobile}


MENU = profile_fields.menu(
    profile_fields.Menu(
        GD,
        MODULES,
        N_("Your profile (学员信息维护): each module is saved on its own."),
        known_of,
        all_done=N_("All four modules are complete: the application opens in the batch windows."),
        after=(
            profile_fields.Extra(
                "apply", N_("Apply (学员报名)"), gd_application.menu_line, gd_application.show_batches
            ),
        ),
    )
)
