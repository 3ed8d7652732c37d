"""Where each applicant is in a conversation. States are stored in the database (bot/db)."""

from aiogram.fsm.state import State, StatesGroup


class GdRegistration(StatesGroup):
    """学员注册, seed 000 §一: person (name + ID), credentials, mobile + SMS code."""

    real_name = State()
    id_number = State()
    username = State()
    password = State()
    password_confirm = State()
    mobile = State()
    sms_code = State()


class TjRegistration(StatesGroup):
    """考生注册 of 天津高职升本, seed 002 order: name, ID number, mobile + SMS code, password."""

    real_name = State()
    id_number = State()
    mobile = State()
    sms_code = State()
    password = State()
    password_confirm = State()


class PasswordRecovery(StatesGroup):
    """忘记密码: ID number or username, SMS code to the mobile on record, new password."""

    identifier = State()
    sms_code = State()
    new_password = State()
    new_password_confirm = State()


class Login(StatesGroup):
    """登录 from this chat: ID number or username, then the password or an SMS code."""

    identifier = State()
    password = State()
    sms_code = State()


class DegreeRegistration(StatesGroup):
    """注册系统新用户 of 同等学力申硕, seed 003 §二 order: the agreement, then the form, then a review."""

    agreement = State()
    username = State()
    password = State()
    password_confirm = State()
    email = State()
    email_confirm = State()
    mobile = State()
    real_name = State()
    region = State()
    id_type = State()
    id_number = State()
    id_number_confirm = State()
    address = State()
    postcode = State()
    day_phone = State()
    evening_phone = State()
    review = State()


class DegreeActivation(StatesGroup):
    """邮箱验证: waiting for the link to be opened or the e-mailed code to be typed."""

    code = State()


class DegreeRecovery(StatesGroup):
    """忘记密码 by e-mail: username or ID number, the e-mailed code (or the link), a new password."""

    identifier = State()
    code = State()
    new_password = State()
    new_password_confirm = State()
