"""FAQ retrieval (issue 8 §2): paraphrases, traditional characters, English, hand-off, programmes."""

import time

import pytest

from domain.faq import (
    CONFIDENCE,
    COVERAGE_WEIGHT,
    MAX_QUESTION_CHARS,
    SUGGESTION_FLOOR,
    SUGGESTIONS,
    Entry,
    KnowledgeBase,
    Match,
    confident,
    looks_like_question,
    normalise,
)


def entry(
    entry_id: str,
    programme: str | None,
    question: str,
    answer: str,
    variants: tuple[str, ...] = (),
    locale: str = "zh_Hans",
) -> Entry:
    return Entry(entry_id, programme, locale, question, answer, f"source of {entry_id}", variants)


# A small knowledge base in the shape of the real one: each id in three locales, four programmes.
ENTRIES = [
    entry(
        "gd-batches",
        "gd-residency",
        "广东住培每个批次什么时候报名？",
        "第一批次4月15日至4月22日，第二批次6月1日至6月7日。",
        ("第一批报名时间", "批次截止日期"),
    ),
    entry(
        "gd-batches",
        "gd-residency",
        "廣東住培每個批次什麼時候報名？",
        "第一批次4月15日至4月22日，第二批次6月1日至6月7日。",
        ("第一批報名時間", "批次截止日期"),
        "zh_Hant",
    ),
    entry(
        "gd-batches",
        "gd-residency",
        "When can I apply in each batch of Guangdong residency training?",
        "Batch 1: 15–22 April; batch 2: 1–7 June.",
        ("batch deadline", "application dates"),
        "en",
    ),
    entry(
        "gd-photo",
        "gd-residency",
        "广东住培报名照片有什么要求？",
        "近期免冠证件照，白色背景，JPG格式。",
        ("证件照尺寸", "照片背景颜色"),
    ),
    entry(
        "gd-photo",
        "gd-residency",
        "廣東住培報名照片有什麼要求？",
        "近期免冠證件照，白色背景，JPG格式。",
        ("證件照尺寸", "照片背景顏色"),
        "zh_Hant",
    ),
    entry(
        "gd-photo",
        "gd-residency",
        "What photo does Guangdong residency training need?",
        "A recent bare-headed ID photo, white background, JPG.",
        ("photo size", "photo background colour"),
        "en",
    ),
    entry(
        "deg-activation",
        "degree-equiv",
        "注册后收不到激活邮件怎么办？",
        "先查看垃圾邮件箱；激活链接24小时内有效，未激活的账号7天后删除。",
        ("激活邮件没收到", "邮箱激活链接"),
    ),
    entry(
        "deg-activation",
        "degree-equiv",
        "註冊後收不到啟動郵件怎麼辦？",
        "先查看垃圾郵件箱；啟動連結24小時內有效，未啟動的帳號7天後刪除。",
        ("啟動郵件沒收到", "郵箱啟動連結"),
        "zh_Hant",
    ),
    entry(
        "deg-activation",
        "degree-equiv",
        "The activation e-mail did not arrive after registering: what now?",
        "Look in the spam folder; the activation link is valid for 24 hours, and accounts not "
        "activated are deleted after 7 days.",
        ("activation email missing", "activation link"),
        "en",
    ),
    entry(
        "nmec-photo",
        "nmec-materials",
        "上传的材料图片有什么格式和大小要求？",
        "jpg、jpeg或png格式，每张不超过200KB。",
        ("图片多大", "材料照片格式"),
    ),
    entry(
        "nmec-photo",
        "nmec-materials",
        "上傳的材料圖片有什麼格式和大小要求？",
        "jpg、jpeg或png格式，每張不超過200KB。",
        ("圖片多大", "材料照片格式"),
        "zh_Hant",
    ),
    entry(
        "nmec-photo",
        "nmec-materials",
        "What format and size must the material images have?",
        "jpg, jpeg or png, at most 200 KB each.",
        ("image size", "material photo format"),
        "en",
    ),
    entry(
        "bot-language",
        None,
        "怎么切换语言（繁体/英文）？",
        "发送 /language 选择简体中文、繁體中文或English。",
        ("换成英文", "改语言"),
    ),
    entry(
        "bot-language",
        None,
        "怎麼切換語言（繁體/英文）？",
        "發送 /language 選擇简体中文、繁體中文或English。",
        ("換成英文", "改語言"),
        "zh_Hant",
    ),
    entry(
        "bot-language",
        None,
        "How do I change the language?",
        "Send /language and choose 简体中文, 繁體中文 or English.",
        ("switch to English", "language setting"),
        "en",
    ),
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase(ENTRIES)


def test_the_knowledge_base_counts_ids_not_translations(kb):
    assert len(kb) == 5


def test_a_paraphrase_finds_its_entry(kb):
    match = kb.ask("第一批啥时候截止报名", programme="gd-residency", locale="zh_Hans")
    assert match is not None
    assert match.entry.id == "gd-batches"
    assert match.entry.locale == "zh_Hans"
    assert 0 < match.score <= 1


def test_a_question_with_a_typo_still_finds_its_entry(kb):
    match = kb.ask("激活右键没收到", programme="degree-equiv", locale="zh_Hans")
    assert match is not None
    assert match.entry.id == "deg-activation"


def test_traditional_characters_find_the_entry_and_answer_in_traditional(kb):
    match = kb.ask("證件照背景要什麼顏色", programme="gd-residency", locale="zh_Hant")
    assert match is not None
    assert match.entry.id == "gd-photo"
    assert match.entry.locale == "zh_Hant"
    assert "證件照" in match.entry.answer


def test_an_english_question_is_answered_in_english(kb):
    match = kb.ask("I never got the activation email", programme="degree-equiv", locale="en")
    assert match is not None
    assert match.entry.id == "deg-activation"
    assert match.entry.locale == "en"


def test_a_chinese_question_from_an_english_speaker_is_answered_in_english(kb):
    match = kb.ask("照片背景什么颜色", programme="gd-residency", locale="en")
    assert match is not None
    assert match.entry.locale == "en"
    assert match.entry.id == "gd-photo"


@pytest.mark.parametrize(
    ("text", "locale"),
    [("今天中午食堂吃什么", "zh_Hans"), ("我家的猫不吃饭", "zh_Hans"), ("Is the sea cold in winter?", "en")],
)
def test_an_unrelated_question_is_handed_off(kb, text, locale):
    assert kb.ask(text, programme="gd-residency", locale=locale) is None


def test_a_question_on_a_topic_no_entry_covers_is_handed_off_however_close(kb):
    # "住培 … 报名 … 时间" matches the batch entry well; the salary is what is asked.
    question = "广东住培报名时间和工资待遇"
    assert kb.uncovered_topic(question, programme="gd-residency") == "工资"
    assert kb.ask(question, programme="gd-residency", locale="zh_Hans") is None
    assert kb.search(question, programme="gd-residency", locale="zh_Hans")[0].entry.id == "gd-batches"
    assert kb.ask("Can I get a student visa?", programme=None, locale="en") is None


def test_a_programme_sees_its_own_entries_and_the_common_ones(kb):
    # The photo rules of the materials programme are not those of Guangdong residency training.
    in_gd = kb.search("材料图片格式大小", programme="gd-residency", locale="zh_Hans")
    assert "nmec-photo" not in {m.entry.id for m in in_gd}
    in_nmec = kb.ask("材料图片格式大小", programme="nmec-materials", locale="zh_Hans")
    assert in_nmec is not None
    assert in_nmec.entry.id == "nmec-photo"
    common = kb.ask("怎么换成英文", programme="nmec-materials", locale="zh_Hans")
    assert common is not None
    assert common.entry.id == "bot-language"


def test_no_programme_searches_every_programme(kb):
    match = kb.ask("材料图片格式大小", programme=None, locale="zh_Hans")
    assert match is not None
    assert match.entry.id == "nmec-photo"


def test_search_ranks_best_first_and_respects_the_limit(kb):
    found = kb.search("照片", programme=None, locale="zh_Hans", limit=2)
    assert len(found) == 2
    assert found[0].score >= found[1].score


def test_coverage_counts_the_question_words_the_entry_holds_in_any_locale(kb):
    # 激活 / 邮件 / 收不到 are in the entry, whole; "jpg" of a Chinese question is found in English too.
    whole = kb.search("收不到激活邮件", programme="degree-equiv", locale="zh_Hans")[0]
    assert whole.entry.id == "deg-activation"
    assert whole.coverage == 1.0
    # 奖学金 and 申请 are nowhere in the entry: two of the four words (奖学金/怎么/申请/激活).
    partial = kb.search("奖学金怎么申请激活", programme="degree-equiv", locale="zh_Hans")[0]
    assert partial.entry.id == "deg-activation"
    assert partial.coverage == pytest.approx(0.5)
    assert kb.search("photo jpg", programme="gd-residency", locale="en")[0].coverage == 1.0


def test_a_colloquial_word_counts_as_the_word_the_entry_uses(kb):
    # 咋 is not in the entry, but SYNONYMS gives 怎么 for it, which is.
    match = kb.search("激活邮件咋办", programme="degree-equiv", locale="zh_Hans")[0]
    assert match.coverage == 1.0


def test_confidence_adds_the_weighted_coverage_to_the_score(kb):
    match = kb.search("激活邮件没收到", programme="degree-equiv", locale="zh_Hans")[0]
    assert match.confidence == pytest.approx(match.score + COVERAGE_WEIGHT * match.coverage)
    entry = match.entry
    # The same BM25 share is answered or handed off depending on how much of the question it holds.
    score = CONFIDENCE - COVERAGE_WEIGHT / 2
    assert confident([Match(entry, score, coverage=0.9)]) is not None
    assert confident([Match(entry, score, coverage=0.1)]) is None


def test_a_question_too_vague_to_answer_is_offered_the_entry_that_comes_closest(kb):
    question = "那个邮件一直等不到"
    assert kb.ask(question, programme="degree-equiv", locale="zh_Hans") is None

    [suggested] = kb.suggest(question, programme="degree-equiv", locale="zh_Hans")

    assert suggested.entry.id == "deg-activation"
    assert SUGGESTION_FLOOR <= suggested.confidence < CONFIDENCE


def test_suggestions_are_the_best_entries_above_the_floor_and_at_most_three(kb):
    for question in ("照片", "上传照片的格式", "邮件", "报名"):
        found = kb.search(question, programme=None, locale="zh_Hans", limit=SUGGESTIONS)
        suggested = kb.suggest(question, programme=None, locale="zh_Hans")
        assert suggested == [m for m in found if m.confidence >= SUGGESTION_FLOOR]
        assert len(suggested) <= SUGGESTIONS


def test_a_topic_no_entry_covers_gets_no_suggestions_however_close(kb):
    question = "广东住培报名时间和工资待遇"
    assert kb.search(question, programme="gd-residency", locale="zh_Hans")[0].confidence >= SUGGESTION_FLOOR
    assert kb.suggest(question, programme="gd-residency", locale="zh_Hans") == []


def test_a_staff_written_entry_becomes_findable_without_changing_the_original(kb):
    question = "住培期间有没有宿舍？"
    assert kb.ask(question, programme="gd-residency", locale="zh_Hans") is None
    staff = Entry(
        "staff-1",
        "gd-residency",
        "zh_Hant",
        "住培期間有沒有宿舍？",
        "各培訓基地安排不同，請向基地查詢。",
        "help-line staff",
        staff_written=True,
    )
    extended = kb.with_entries([staff])
    assert kb.uncovered_topic(question, programme="gd-residency") == "宿舍"
    assert extended.uncovered_topic(question, programme="gd-residency") is None
    match = extended.ask(question, programme="gd-residency", locale="zh_Hans")
    assert match is not None
    assert match.entry == staff  # only written in zh_Hant: given as written
    assert len(extended) == len(kb) + 1
    assert kb.ask(question, programme="gd-residency", locale="zh_Hans") is None


def test_a_staff_entry_with_an_existing_id_and_locale_replaces_it(kb):
    corrected = entry("gd-photo", "gd-residency", "广东住培报名照片有什么要求？", "以当年通知为准。")
    extended = kb.with_entries([corrected])
    assert extended.get("gd-photo", "zh_Hans") == corrected
    assert len(extended) == len(kb)


def test_get_falls_back_to_simplified_chinese(kb):
    assert kb.get("gd-photo", "en").locale == "en"
    assert kb.get("gd-photo", "fr").locale == "zh_Hans"
    assert kb.get("no-such-id", "en") is None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀🎉", "？？？", "的了吗", "a" * 100_000, "报名" * 50_000, "\x00\u200b"],
    ids=["empty", "blank", "emoji", "punctuation", "stop-words", "huge-latin", "huge-chinese", "controls"],
)
def test_odd_input_does_not_crash_and_is_handed_off_quickly(kb, text):
    started = time.perf_counter()
    assert kb.ask(text, programme="gd-residency", locale="zh_Hans") is None
    assert kb.ask(text, programme=None, locale="en") is None
    if len(text) > MAX_QUESTION_CHARS:
        assert kb.search(text, programme=None, locale="en") == []
    assert time.perf_counter() - started < 0.05


def test_normalise_folds_width_case_and_script():
    assert normalise("ＪＰＧ格式２００ＫＢ") == "jpg格式200kb"
    assert normalise("啟動郵件") == "启动邮件"


@pytest.mark.parametrize(
    "text",
    [
        "照片要多大？",
        "照片要多大?",
        "激活邮件没收到怎么办",
        "能不能改手机号",
        "可以报几个志愿",
        "為什麼不能支付",
        "报名表在哪下载",
        "How do I pay",
        "what is the deadline",
        "Can I change my photo",
    ],
)
def test_a_question_typed_into_a_form_is_recognised(text):
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "张三丰",
        "ZHANG SANFENG",
        "440106199001011234",
        "13800138000",
        "a@b.cn",
        "广州市天河区中山大道西1号",
        "2021-04-15",
        "中山大学附属第一医院",
        "是",
        "I am a doctor",
        "",
    ],
)
def test_an_answer_to_a_form_question_is_not_taken_for_a_question(text):
    assert not looks_like_question(text)


def test_an_empty_knowledge_base_hands_everything_off():
    empty = KnowledgeBase([])
    assert len(empty) == 0
    assert empty.ask("照片要多大", programme="gd-residency", locale="zh_Hans") is None
    assert empty.search("照片要多大", programme=None, locale="en") == []


def test_a_question_about_another_province_is_handed_off(kb):
    # "住培 … 什么时候报名" matches the batch entry well; the province is what is asked about.
    assert kb.uncovered_topic("湖南住培什么时候报名", programme="gd-residency") == "湖南"
    assert kb.ask("湖南住培什么时候报名", programme="gd-residency", locale="zh_Hans") is None
