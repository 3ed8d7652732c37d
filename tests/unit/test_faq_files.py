"""The FAQ knowledge base's files (issue 8 §1, §5): the real one loads, is complete and reaches the
evaluation goals; a broken file is refused naming the file and the entry."""

from pathlib import Path

import pytest

from bot.faq_files import FaqFileError, load_knowledge_base
from domain.faq import LOCALES
from tests.bench.faq import QUESTIONS, evaluate, read_questions

GOAL = 0.90


@pytest.fixture(scope="module")
def real_kb():
    return load_knowledge_base()


def test_the_real_knowledge_base_loads_complete_in_every_locale(real_kb):
    assert len(real_kb) >= 60
    ids = {e.id for e in real_kb}
    for locale in LOCALES:
        assert {e.id for e in real_kb if e.locale == locale} == ids
    programmes = {real_kb.get(i, "zh_Hans").programme for i in ids}
    assert programmes == {None, "gd-residency", "nmec-materials", "tj-upgrade", "degree-equiv"}


def test_the_evaluation_set_reaches_the_goals(real_kb):
    if not QUESTIONS.exists():
        pytest.skip(f"the evaluation set {QUESTIONS} is not written yet")
    questions = read_questions()
    assert len(questions) >= 150
    unknown = {q.expect for q in questions if q.expect} - {e.id for e in real_kb}
    assert not unknown, f"the evaluation set expects ids the knowledge base lacks: {unknown}"
    figures = evaluate(real_kb, questions)
    assert figures.top1 >= GOAL, figures.line()
    assert figures.hand_off_rate >= GOAL, figures.line()


ENTRY = """
[[entry]]
id = "{id}"
question = "{question}"
variants = ["v"]
answer = "answer"
source = "seed 000"
"""


def write(root: Path, locale: str, stem: str, text: str) -> Path:
    path = root / locale / "faq" / f"{stem}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def complete(root: Path, ids: tuple[str, ...] = ("a-1", "a-2")) -> None:
    for locale in LOCALES:
        write(root, locale, "gd-residency", "".join(ENTRY.format(id=i, question=f"q {i}") for i in ids))


def test_a_complete_knowledge_base_loads(tmp_path):
    complete(tmp_path)
    write(tmp_path, "en", "common", ENTRY.format(id="c-1", question="q"))
    write(tmp_path, "zh_Hans", "common", ENTRY.format(id="c-1", question="q"))
    write(tmp_path, "zh_Hant", "common", ENTRY.format(id="c-1", question="q"))
    kb = load_knowledge_base(tmp_path)
    assert len(kb) == 3
    assert kb.get("c-1", "en").programme is None
    assert kb.get("a-1", "zh_Hant").programme == "gd-residency"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[[entry]]\nid = "a-3"\nquestion = "q"\nanswer = "a"\n', "source must be a non-empty string"),
        ('[[entry]]\nid = "a-3"\nquestion = ""\nanswer = "a"\nsource = "s"\n', "question must be"),
        ('[[entry]]\nid = "a-3"\nquestion = "q"\nanswer = "a"\nsource = "s"\nvariants = "v"\n', "variants"),
        ('[[entry]]\nid = "a-3"\nquestion = "q"\nanswr = "a"\nsource = "s"\n', "unknown keys ['answr']"),
        ('[[entry]]\nid = "A 3"\nquestion = "q"\nanswer = "a"\nsource = "s"\n', "the id must be"),
        ('[[entry]]\nid = "a-3"\nquestion = "q"\nanswer = "' + "长" * 1501 + '"\nsource = "s"\n', "1501"),
    ],
)
def test_a_broken_entry_is_refused_naming_the_file_and_the_entry(tmp_path, text, reason):
    complete(tmp_path)
    path = write(tmp_path, "zh_Hans", "tj-upgrade", ENTRY.format(id="a-0", question="q") + text)
    with pytest.raises(FaqFileError) as refused:
        load_knowledge_base(tmp_path)
    assert str(path) in str(refused.value)
    assert "entry #2" in str(refused.value)
    assert reason in str(refused.value)


def test_invalid_toml_is_refused_naming_the_file(tmp_path):
    complete(tmp_path)
    path = write(tmp_path, "en", "common", "[[entry]\nid = ")
    with pytest.raises(FaqFileError, match="not valid UTF-8 TOML") as refused:
        load_knowledge_base(tmp_path)
    assert str(path) in str(refused.value)


def test_a_duplicate_id_is_refused_naming_both_files(tmp_path):
    complete(tmp_path)
    path = write(tmp_path, "zh_Hans", "common", ENTRY.format(id="a-1", question="q"))
    with pytest.raises(FaqFileError, match="'a-1': the id is also used in") as refused:
        load_knowledge_base(tmp_path)
    assert str(path) in str(refused.value)
    assert "gd-residency.toml" in str(refused.value)


def test_a_missing_translation_is_refused_naming_the_id_and_the_locale(tmp_path):
    complete(tmp_path)
    for locale in ("zh_Hans", "en"):
        write(tmp_path, locale, "tj-upgrade", ENTRY.format(id="tj-new", question="q"))
    with pytest.raises(FaqFileError, match=r"'tj-new' .* has no zh_Hant translation"):
        load_knowledge_base(tmp_path)


def test_an_id_in_different_programmes_files_is_refused(tmp_path):
    complete(tmp_path, ids=("a-1",))
    for locale in LOCALES:
        stem = "common" if locale == "en" else "tj-upgrade"
        write(tmp_path, locale, stem, ENTRY.format(id="x-1", question="q"))
    with pytest.raises(FaqFileError, match="'x-1' is in different programmes' files"):
        load_knowledge_base(tmp_path)


def test_a_file_not_named_after_a_programme_is_refused(tmp_path):
    complete(tmp_path)
    path = write(tmp_path, "en", "guangdong", ENTRY.format(id="a-9", question="q"))
    with pytest.raises(FaqFileError, match="must be a programme code") as refused:
        load_knowledge_base(tmp_path)
    assert str(path) in str(refused.value)
