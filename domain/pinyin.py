"""Names in pinyin (姓名拼音): a suggestion from the Chinese name, and the check of what is typed.

RULES.md §2: upper case, surname, one space, the given name's syllables joined (ZHANG SANFENG), and
LV, LYU or LU are all accepted for ü. We *suggest* LYU (NYU, LYUE …), the spelling of Chinese
passports, since a name often has to match the passport; the applicant always confirms or retypes.
"""

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from domain.problems import Problem
from domain.text import N_

EXAMPLE_PINYIN = "ZHANG SANFENG"

# Surnames whose reading differs from the character's everyday one (pypinyin gives 单 DAN, 曾 CENG,
# 解 JIE …), as 《现代汉语词典》 and the 《百家姓》 read them as surnames. Only readings we are sure
# of; where a surname has two readings (乐 YUE / LE, 翟 ZHAI / DI, 覃 QIN / TAN), the more common one.
# Values are final spellings, ü already written YU.
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "OUYANG",
    "司马": "SIMA",
    "诸葛": "ZHUGE",
    "尉迟": "YUCHI",
    "上官": "SHANGGUAN",
    "东方": "DONGFANG",
    "皇甫": "HUANGFU",
    "长孙": "ZHANGSUN",
    "令狐": "LINGHU",
    "慕容": "MURONG",
    "宇文": "YUWEN",
    "端木": "DUANMU",
    "司徒": "SITU",
    "夏侯": "XIAHOU",
    "公孙": "GONGSUN",
    "独孤": "DUGU",
    "万俟": "MOQI",
    "澹台": "TANTAI",
    "单于": "CHANYU",
    "轩辕": "XUANYUAN",
    "呼延": "HUYAN",
    "申屠": "SHENTU",
    "闻人": "WENREN",
    "鲜于": "XIANYU",
    "闾丘": "LYUQIU",
    "赫连": "HELIAN",
    "钟离": "ZHONGLI",
    "宗政": "ZONGZHENG",
    "濮阳": "PUYANG",
    "公冶": "GONGYE",
    "太史": "TAISHI",
    "司空": "SIKONG",
    "南宫": "NANGONG",
    "西门": "XIMEN",
    "拓跋": "TUOBA",
    "乐正": "YUEZHENG",
}
SURNAMES: dict[str, str] = {
    "单": "SHAN",
    "曾": "ZENG",
    "解": "XIE",
    "仇": "QIU",
    "区": "OU",
    "朴": "PIAO",
    "查": "ZHA",
    "缪": "MIAO",
    "覃": "QIN",
    "盖": "GE",
    "召": "SHAO",
    "乐": "YUE",
    "种": "CHONG",
    "秘": "BI",
    "冼": "XIAN",
    "洗": "XIAN",
    "翟": "ZHAI",
    "祭": "ZHAI",
    "尉": "WEI",  # alone WEI; YU only in 尉迟
    "句": "GOU",
    "阚": "KAN",
    "过": "GUO",
    "纪": "JI",
    "燕": "YAN",
    "员": "YUN",
    "能": "NAI",
    "佴": "NAI",
    "繁": "PO",
    "隗": "WEI",
    "折": "SHE",
    "卜": "BU",
    "薄": "BO",
    "都": "DU",
    "粘": "NIAN",
    "乜": "NIE",
    "谌": "CHEN",
    "牟": "MOU",
}

# Han ideographs incl. extensions A-F, as in domain/names.py.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")
# The middle dot of minority and transliterated names, and the look-alikes input methods produce.
_DOTS = re.compile(r"[·・•‧∙.．\ua78f\u2e31]")
_PINYIN = re.compile(r"[A-Z]+(?: [A-Z]+)*")
_SYLLABLE = re.compile(r"[a-z]+")


def suggest_pinyin(name: str) -> str:
    """The name in pinyin as the forms want it, for the applicant to confirm; "" if we cannot tell.

    张三丰 → ZHANG SANFENG; 欧阳修 → OUYANG XIU; 吕布 → LYU BU; 阿依古丽·买买提 → AYIGULI MAIMAITI
    (each part's syllables joined). A name without Chinese characters comes back upper-cased as
    typed; a character with no known reading gives "" rather than a wrong guess.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if not _HAN.search(text):
        return " ".join(text.split()).upper()
    text = "".join(text.split())
    parts = [part for part in _DOTS.split(text) if part]
    if len(parts) > 1:
        words = [_syllables(part) for part in parts]
    elif len(text) > 2 and text[:2] in COMPOUND_SURNAMES:
        words = [COMPOUND_SURNAMES[text[:2]], _syllables(text[2:])]
    else:
        surname = SURNAMES.get(text[0]) or _syllables(text[0])
        words = [surname, _syllables(text[1:])]
    if not words[0] or any(word is None for word in words):
        return ""
    return " ".join(word for word in words if word)


def parse_pinyin(raw: str) -> str | Problem:
    """Upper-case letters, one space between words: ``zhang  sanfeng`` → ``ZHANG SANFENG``.

    Tone marks are dropped (Zhāng → ZHANG); ü is refused with advice, as the forms have no ü.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", raw))
    if "\u0308" in decomposed:  # a diaeresis: ü, Ü or ǖ ǘ ǚ ǜ
        return Problem(N_("Write ü as YU, V or U, for example 吕 as LYU."), example="LYU BU")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    text = " ".join(letters.split()).upper()
    if not text:
        return Problem(N_("Enter your name in pinyin."), example=EXAMPLE_PINYIN)
    if not _PINYIN.fullmatch(text):
        return Problem(
            N_("Use only the letters A to Z, with a space between the surname and the given name."),
            example=EXAMPLE_PINYIN,
        )
    return text


def _syllables(han: str) -> str | None:
    """The characters' readings joined in upper case ("" for no characters), None if one is unknown."""
    if not han:
        return ""
    syllables = _lazy_pinyin()(han)
    if not all(_SYLLABLE.fullmatch(syllable) for syllable in syllables):
        return None
    # pypinyin writes ü as v (lv, nv, lve); passports write YU.
    return "".join(syllables).upper().replace("V", "YU")


@cache
def _lazy_pinyin() -> Callable[[str], list[str]]:
    # Imported on first use: pypinyin loads about 55 MB of dictionaries at import.
    from pypinyin import Style, lazy_pinyin

    def convert(han: str) -> list[str]:
        # errors="default" keeps an unknown character as itself, which the caller then rejects.
        return lazy_pinyin(han, style=Style.NORMAL, errors="default", v_to_u=False)

    return convert
