"""同等学力申硕 学位申请 (seed 003 §七): 填写基本信息 and 填写规培、医师证书信息 on the form engine.

The fields follow the seed's form in its order; each answer is checked by domain/ as it is typed, and
the cross-field rules (the ID number against the date of birth and the sex, 个人经历 up to this month,
the certificates' dates) by domain/degree_profile.py when a module is saved. What the account already
holds (the real name, the country or region, the ID document) is offered as a suggestion.
"""

from collections.abc import Callable
from datetime import date

from aiogram.utils.i18n import gettext as _

from dialogs import degree_applications, forms, profile_fields, uploads
from dialogs.degree import COMMON_REGIONS
from dialogs.forms import Answers, Field, Form, Known, choice, group, text
from dialogs.profile_fields import (
    ETHNICITY,
    POLITICAL_STATUS,
    SEXES,
    birth_date,
    labels,
    month,
    short_text,
)
from dialogs.turn import Turn
from domain import dates, degree_profile, email_accounts, fields, identity, photos, profiles, regions
from domain import uploads as stored
from domain.degree_profile import Certificate
from domain.masking import mask_id_number
from domain.model import Upload, UploadKind
from domain.pinyin import parse_pinyin, suggest_pinyin
from domain.problems import Problem
from domain.text import N_
from domain.uploads import Picture

DEGREE = email_accounts.DEGREE


# ---------------------------------------------------------------------------------------------------
# Building blocks


_past_month = month()  # YYYYMM, this month at the latest
_past_date = birth_date  # YYYYMMDD, today at the latest


def _from_id(known: Known) -> identity.ResidentId | None:
    """What the account's ID number says, when its document carries a birth date and a sex."""
    id_type = _id_type_of(known.get("id_type", ""))
    if id_type not in degree_profile.ID_TYPES_WITH_BIRTH_DATE:
        return None
    # The number was checked at registration; date.max only keeps the wall clock out of it.
    parsed = identity.parse_resident_id(known.get("id_number", ""), date.max)
    return None if isinstance(parsed, Problem) else parsed


def _id_type_of(value: str) -> fields.IdType | None:
    try:
        return fields.IdType(value)
    except ValueError:
        return None


def _region_options() -> list[tuple[str, str]]:
    return [(code, regions.region(code).name_zh) for code in COMMON_REGIONS]


def _region(raw: str) -> object:
    found = regions.parse_region(raw)
    return found if isinstance(found, Problem) else found.code


def _region_name(code: str) -> str:
    found = regions.find_region(code)
    return found.name_zh if found else code


def _id_number(raw: str, answers: Answers, today: date) -> object:
    id_type = _id_type_of(str(answers.get("id_type", ""))) or fields.DEFAULT_ID_TYPE
    return fields.parse_id_of_type(id_type, raw, today)


def _id_number_again(raw: str, answers: Answers, today: date) -> object:
    first = str(answers.get("id_number", ""))
    return fields.ids_match(first, raw) or fields.normalise_document_number(raw)


def _known_id_number(answers: Answers, known: Known) -> str | None:
    """The account's number, when the chosen type is the account's (it was confirmed at registration)."""
    if answers.get("id_type") != known.get("id_type"):
        return None
    return known.get("id_number") or None


def _prior_degree_month(raw: str, answers: Answers, today: date) -> object:
    month = _past_month(raw, answers, today)
    if isinstance(month, Problem):
        return month
    return degree_profile.prior_degree_after_birth(str(answers.get("birth_date", "")), str(month)) or month


def _history_end(raw: str, record: Answers, today: date) -> object:
    month = _past_month(raw, record, today)
    if isinstance(month, Problem):
        return month
    return degree_profile.check_period(str(record.get("start", "")), str(month)) or month


def _given(key: str) -> Callable[[Answers], bool]:
    return lambda answers: bool(answers.get(key))


# ---------------------------------------------------------------------------------------------------
# The two modules


async def show_modules(turn: Turn, note: str | None = None) -> None:
    await MENU.show(turn, note)


HISTORY_RECORD = (
    Field("start", N_("From"), N_("The month it began, as YYYYMM (for example 200909):"), parse=_past_month),
    Field(
        "end",
        N_("To"),
        N_("The month it ended, as YYYYMM; for what you are still doing, this month:"),
        parse=_history_end,
        suggest=lambda record, known: known.get("this_month") or None,
    ),
    text(
        "unit",
        N_("School or employer"),
        N_("The school or employer (单位):"),
        short_text("北京大学医学部"),
    ),
    text(
        "role",
        N_("Role"),
        N_("Your role there (职务或身份), such as 学生 or 住院医师:"),
        short_text("住院医师"),
    ),
)

BASIC = Form(
    DEGREE,
    profiles.Module("basic", degree_profile.check_basic_info),
    N_("Basic information"),
    (
        text(
            "name_pinyin",
            N_("Name in pinyin"),
            N_("Your name in pinyin (姓名拼音), the surname first, such as ZHANG SANFENG:"),
            parse_pinyin,
            suggest=lambda answers, known: suggest_pinyin(known.get("real_name", "")) or None,
        ),
        choice(
            "sex",
            N_("Sex"),
            N_("Your sex:"),
            labels(SEXES),
            suggest=lambda answers, known: found.sex.value if (found := _from_id(known)) else None,
        ),
        choice(
            "region",
            N_("Country or region"),
            N_("Your country or region: choose it, or type its name."),
            _region_options,
            parse=lambda raw, answers, today: _region(raw),
            show=_region_name,
            suggest=lambda answers, known: known.get("region") or None,
        ),
        ETHNICITY,
        Field(
            "birth_date",
            N_("Date of birth"),
            N_("Your date of birth, as YYYYMMDD (for example 19900307):"),
            parse=birth_date,
            suggest=lambda answers, known: (
                dates.format_date(found.birth_date) if (found := _from_id(known)) else None
            ),
        ),
        choice(
            "id_type",
            N_("ID type"),
            N_("The type of your ID document:"),
            labels(fields.ID_TYPE_LABELS),
            suggest=lambda answers, known: known.get("id_type") or None,
        ),
        Field(
            "id_number",
            N_("ID number"),
            N_("The number of your ID document (证件号码):"),
            parse=_id_number,
            suggest=_known_id_number,
            show=mask_id_number,
        ),
        Field(
            "id_number_confirm",
            N_("ID number, again"),
            N_("Enter the number again to confirm it:"),
            parse=_id_number_again,
            suggest=lambda answers, known: (
                number if (number := _known_id_number(answers, known)) == answers.get("id_number") else None
            ),
            show=mask_id_number,
        ),
        POLITICAL_STATUS,
        Field(
            "work_start",
            N_("Started work"),
            N_("The month you started work (参加工作年月), as YYYYMM (for example 200606):"),
            parse=_past_month,
        ),
        Field(
            "prior_degree_month",
            N_("Prior degree obtained"),
            N_("The month you obtained your prior degree (获前置学位年月), as YYYYMM (for example 200606):"),
            parse=_prior_degree_month,
        ),
        choice(
            "prior_degree",
            N_("Prior degree"),
            N_("The category of your prior degree (前置学位类别):"),
            labels(degree_profile.PRIOR_DEGREE_LABELS),
        ),
        group(
            "history",
            N_("Personal history"),
            N_(
                "Your personal history (个人经历): your studies and work, one record per period, "
                "up to this month (填写至本年本月)."
            ),
            HISTORY_RECORD,
        ),
    ),
    done=show_modules,
)


def _certificate_fields(
    certificate: Certificate, label: str, question: str, date_label: str, date_question: str
) -> tuple[Field, Field]:
    def parse_number(raw: str) -> object:
        return degree_profile.parse_certificate_number(certificate, raw)

    number = text(certificate.number_key, label, question, parse_number, optional=True)
    issued = Field(
        certificate.date_key,
        date_label,
        date_question,
        parse=_past_date,
        when=_given(certificate.number_key),
    )
    return number, issued


CERTIFICATES = Form(
    DEGREE,
    profiles.Module("certificates", degree_profile.check_certificates),
    N_("Residency and physician certificates"),
    (
        *_certificate_fields(
            Certificate.RESIDENCY,
            N_("Residency training certificate number"),
            N_(
                "The number of your residency training certificate (规培合格证书编号). "
                "No such certificate? Press Skip."
            ),
            N_("Date of issue, residency training certificate"),
            N_("The date of issue of your residency training certificate, as YYYYMMDD:"),
        ),
        *_certificate_fields(
            Certificate.QUALIFICATION,
            N_("Physician qualification certificate number"),
            N_(
                "The number of your physician qualification certificate (医师资格证书编号). "
                "No such certificate? Press Skip."
            ),
            N_("Date of issue, physician qualification certificate"),
            N_("The date of issue of your physician qualification certificate, as YYYYMMDD:"),
        ),
        *_certificate_fields(
            Certificate.PRACTISING,
            N_("Physician practising certificate number"),
            N_(
                "The number of your physician practising certificate (医师执业证书编号). "
                "No such certificate? Press Skip."
            ),
            N_("Date of issue, physician practising certificate"),
            N_("The date of issue of your physician practising certificate, as YYYYMMDD:"),
        ),
    ),
    done=show_modules,
)

MODULES = tuple(forms.register(form) for form in (BASIC, CERTIFICATES))
# The seed's menu 学位申请 names the modules so: 填写基本信息, 填写规培、医师证书信息.
MENU_NAMES = {
    "basic": N_("Fill in basic information"),
    "certificates": N_("Fill in residency and physician certificates"),
}


async def known_of(turn: Turn) -> Known:
    """What the activated account holds, for the suggestions; {} without one."""
    async with turn.uow:
        account = await turn.uow.accounts.of_user(turn.user_id, DEGREE)
    if account is None or not account.is_active:
        return {}
    return {
        "real_name": account.real_name,
        "id_number": account.id_number,
        "mobile": account.mobile,
        "region": account.details.get("region", ""),
        "id_type": account.details.get("id_type", ""),
        # 个人经历 runs up to this month: offered as the end of a record.
        "this_month": dates.format_month(turn.clock.now()),
    }


# ---------------------------------------------------------------------------------------------------
# 上传电子照片 (seed 003 §六): one photo, replaced by a new one


PHOTO_SLOT = "photo"


async def _photo(turn: Turn) -> Upload | None:
    async with turn.uow:
        account = await turn.uow.accounts.of_user(turn.user_id, DEGREE)
        if account is None or account.id is None:
            return None
        kept = await turn.uow.uploads.of_account(account.id, UploadKind.DEGREE_PHOTO)
    return next((upload for upload in kept if upload.slot == PHOTO_SLOT), None)


async def _photo_line(turn: Turn) -> tuple[str, str]:
    photo = await _photo(turn)
    if photo is None:
        return "⬜", _("⬜ Electronic photo: not uploaded yet")
    return "✅", _("✅ Electronic photo: {width}×{height}, {size} bytes").format(
        width=photo.width, height=photo.height, size=photo.size_bytes
    )


def _photo_prompt(context: dict[str, object]) -> str:
    rules = photos.DEGREE_PHOTO.rules
    return _(
        "Upload your electronic photo (上传电子照片); it is printed on your degree certificate. "
        "Send it as a file (📎 → File).\n"
        "Rules: JPG, exactly {width}×{height} pixels, at most {max_bytes} bytes (“200K”), 24-bit RGB "
        "colour; taken within 3 months, frontal, bareheaded, against a blue background; no retouching.\n"
        "If only the size, the rotation or the file size is wrong, I can fix them for you."
    ).format(width=rules.width, height=rules.height, max_bytes=rules.max_bytes)


async def _photo_accepted(turn: Turn, picture: Picture, context: dict[str, object]) -> None:
    async with turn.uow:
        account = await turn.uow.accounts.of_user(turn.user_id, DEGREE)
    if account is None or account.id is None or not account.is_active:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return
    await stored.store_single(
        turn.uow, turn.files, account.id, UploadKind.DEGREE_PHOTO, PHOTO_SLOT, picture, turn.clock.now()
    )
    await MENU.show(turn, _("Your electronic photo is saved."))


async def _photo_back(turn: Turn, context: dict[str, object]) -> None:
    await MENU.show(turn)


PHOTO = uploads.target(
    uploads.Target("degree-photo", photos.DEGREE_PHOTO, _photo_prompt, _photo_accepted, _photo_back)
)


async def next_step(turn: Turn) -> str | None:
    """/status: the first thing of 学位申请 still to do."""
    if await _photo(turn) is None:
        return _("Next: upload your electronic photo (上传电子照片).")
    statuses = await MENU.statuses(turn)
    if isinstance(statuses, profiles.NoAccount):
        return None
    for form, status in zip(MENU.forms, statuses, strict=True):
        if not status.complete:
            return _("Next: {module}.").format(module=_(MENU_NAMES[form.module.section]))
    return await degree_applications.next_step(turn)


async def _open_photo(turn: Turn) -> None:
    await uploads.request(turn, PHOTO, {})


MENU = profile_fields.menu(
    profile_fields.Menu(
        DEGREE,
        MODULES,
        N_("Degree application (学位申请): each part is saved on its own."),
        known_of,
        names=MENU_NAMES,
        columns=1,
        extras=(profile_fields.Extra(PHOTO_SLOT, N_("Upload electronic photo"), _photo_line, _open_photo),),
        # 提交学位申请 (seed 003 §八) follows the profile, as in the site's menu.
        after=(
            profile_fields.Extra(
                degree_applications.ENTRY,
                N_("Submit degree application (提交学位申请)"),
                degree_applications.menu_line,
                degree_applications.show_table,
            ),
        ),
    )
)
