"""The form engine's decisions that need no chat: which field comes next, where the form stands,
how choices are paged and matched."""

from datetime import date

from bot.app import build_i18n
from dialogs import forms
from dialogs.forms import FormState, choice, group, text, yes_no
from domain import profiles
from domain.problems import Problem

TODAY = date(2027, 4, 16)
MANY = [(f"{n:02d}", f"选项{n}") for n in range(1, 59)]

FORM = forms.Form(
    "test-programme",
    profiles.Module("test"),
    "Test",
    (
        text("name", "Name", "Name?", lambda raw: raw.strip() or Problem("empty")),
        yes_no("employed", "Employed", "Employed?"),
        group(
            "jobs",
            "Jobs",
            "Jobs?",
            [text("employer", "Employer", "Employer?", str)],
            when=lambda a: a.get("employed") == "yes",
        ),
        choice("colour", "Colour", "Colour?", lambda: [("r", "红"), ("g", "绿")]),
    ),
)


def test_fields_whose_condition_does_not_hold_are_skipped():
    assert forms._next_field(FORM, {}).key == "name"
    assert forms._next_field(FORM, {"name": "张三", "employed": "no"}).key == "colour"
    assert forms._next_field(FORM, {"name": "张三", "employed": "yes"}).key == "jobs"
    assert forms._next_field(FORM, {"name": "张三", "employed": "no", "colour": "r"}) is None


def test_the_position_counts_only_the_fields_that_apply_plus_the_review():
    data = {forms.FORM: FORM.key, forms.ANSWERS: {"employed": "no"}, forms.AT: "colour"}
    forms.register(FORM)
    assert forms._position(data) == (3, 4)
    data[forms.ANSWERS] = {"employed": "yes"}
    assert forms._position(data) == (4, 5)


def test_a_choice_matches_its_code_or_its_label_and_refuses_anything_else():
    colour = FORM.fields[3]
    assert colour.parse is not None
    assert colour.parse("r", {}, TODAY) == "r"
    assert colour.parse(" 绿 ", {}, TODAY) == "g"
    assert isinstance(colour.parse("蓝", {}, TODAY), Problem)


def test_long_choice_lists_are_paged_twelve_at_a_time_and_short_ones_shown_whole():
    translations = build_i18n()
    with translations.context(), translations.use_locale("en"):
        many = choice("x", "X", "X?", lambda: MANY)
        first = forms._options_keyboard(many, 0).as_markup().inline_keyboard
        labels = [button.text for row in first for button in row]
        assert labels[:12] == [label for _, label in MANY[:12]] and labels[-1] == "Next ▶"
        last = forms._options_keyboard(many, 99).as_markup().inline_keyboard  # clamped to the last page
        labels = [button.text for row in last for button in row]
        assert labels[0] == "选项49" and "◀ Previous" in labels and "Next ▶" not in labels

        sixteen = choice("y", "Y", "Y?", lambda: MANY[:16])
        labels = [
            b.text for row in forms._options_keyboard(sixteen, 0).as_markup().inline_keyboard for b in row
        ]
        assert len(labels) == 16


def test_every_form_state_can_be_asked_again_after_a_restart():
    for state in FormState.__states__:
        assert forms.step(state.state) is not None
