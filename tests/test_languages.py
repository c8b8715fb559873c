"""Language-agnostic matching on news text the project wrote itself: Urdu (no letter
case, "۔" without a following space), Russian (Cyrillic, inflection), Chinese (no spaces
between words)."""

from __future__ import annotations

import math

import pytest

from newstrace import compare
from newstrace.compare import prepare
from newstrace.model import Article

REUSE = {"duplicate", "rewrite", "partial"}

URDU = (
    "کراچی میں شدید بارش کے بعد کئی علاقوں میں پانی جمع ہو گیا۔شہر کی انتظامیہ نے بتایا کہ "
    "گزشتہ رات 86 ملی میٹر بارش ریکارڈ کی گئی۔ صدر اور گلشن اقبال کی سڑکوں پر ٹریفک کئی "
    "گھنٹے تک رکی رہی۔ محکمہ موسمیات کے مطابق جمعرات تک مزید بارش کا امکان ہے۔ بلدیہ نے "
    "نکاسی آب کے لیے 40 اضافی پمپ نصب کر دیے ہیں۔"
)
URDU_COPY = (
    "کراچی میں موسلا دھار بارش کے بعد متعدد علاقے پانی میں ڈوب گئے۔ انتظامیہ کے مطابق گزشتہ "
    "رات شہر میں 86 ملی میٹر بارش ہوئی۔صدر اور گلشن اقبال کی سڑکوں پر ٹریفک کئی گھنٹوں تک "
    "جام رہا۔ محکمہ موسمیات نے جمعرات تک مزید بارش کی پیش گوئی کی ہے۔ بلدیہ نے پانی نکالنے "
    "کے لیے 40 اضافی پمپ لگا دیے ہیں۔"
)
URDU_OTHER = (
    "لاہور میں قومی کتاب میلے کا آغاز ہو گیا جس میں 120 ناشرین شریک ہیں۔ منتظمین کے مطابق "
    "میلہ پانچ دن جاری رہے گا۔ بچوں کے لیے کہانی سنانے کی خصوصی نشستیں رکھی گئی ہیں۔ "
    "داخلہ مفت ہے اور میلہ صبح دس بجے سے رات نو بجے تک کھلا رہے گا۔"
)

RUSSIAN = (
    "В Новоозёрске открыли новый мост через реку Сомовку. Строительство длилось два года и "
    "обошлось бюджету в 1,4 миллиарда рублей. Мост длиной 380 метров соединил Заречный и "
    "Центральный районы. По словам мэра Ирины Лапиной, движение по мосту сократит путь до "
    "больницы на 20 минут."
)
RUSSIAN_COPY = (
    "Новый мост через реку Сомовку открылся в Новоозёрске. Его строили два года, работы "
    "обошлись бюджету в 1,4 миллиарда рублей. Мост длиной 380 метров связал Заречный и "
    "Центральный районы города. Как заявила мэр Ирина Лапина, мост сократит дорогу до "
    "больницы на 20 минут."
)

CHINESE = (
    "本市今天上午正式开通地铁九号线。新线路全长二十八公里，共设十九座车站。"
    "市交通局表示，九号线每天可运送乘客约四十万人次。开通首日，许多市民专程前来体验。"
)
CHINESE_COPY = (
    "本市地铁九号线今天上午正式开通。新线路全长二十八公里，共有十九座车站。"
    "据市交通局介绍，九号线每天可运送乘客约四十万人次。开通第一天，不少市民专程前来体验。"
)
CHINESE_OTHER = (
    "市图书馆本周末举办古籍修复展览。展览展出五十余件修复前后的珍贵文献。"
    "馆方表示，观众可以现场观看修复师工作。展览免费开放，持续到下月底。"
)


def _art(name: str, text: str) -> Article:
    return Article(id=name, text=text)


@pytest.mark.parametrize(
    "a, b", [(URDU, URDU_COPY), (RUSSIAN, RUSSIAN_COPY), (CHINESE, CHINESE_COPY)]
)
def test_reworded_copies_are_found(a: str, b: str) -> None:
    c = compare(_art("a", a), _art("b", b))
    assert c.relation in REUSE, (c.relation, c.coverage)
    assert c.coverage.b >= 0.7


@pytest.mark.parametrize("a, b", [(URDU, URDU_OTHER), (CHINESE, CHINESE_OTHER), (RUSSIAN, URDU)])
def test_unrelated_stories_are_not_reuse(a: str, b: str) -> None:
    assert compare(_art("a", a), _art("b", b)).relation not in REUSE


def test_urdu_full_stop_without_space_splits_sentences() -> None:
    side = prepare(_art("u", URDU)).side
    assert len(side.spans) == 5


def test_chinese_sentences_and_terms() -> None:
    side = prepare(_art("z", CHINESE)).side
    assert len(side.spans) == 4
    assert all(side.terms)  # character bigrams: every sentence has matching terms


def test_russian_number_drift_is_reported() -> None:
    changed = RUSSIAN_COPY.replace("380 метров", "830 метров")
    c = compare(_art("a", RUSSIAN), _art("b", changed))
    assert any(
        d.kind == "number_changed" and "380" in d.a_text and "830" in d.b_text for d in c.drifts
    ), [d.note for d in c.drifts]


def test_chinese_words_are_counted_as_character_bigrams() -> None:
    """A Chinese clause is one token; containment counts its character bigrams, so a
    reworded copy shares most of its words with the source and an unrelated story few,
    and each word keeps the quotation flag of the clause it comes from."""
    from newstrace.containment import _quoted, containment

    src, copy, other = (
        prepare(_art(n, t)).side
        for n, t in (("a", CHINESE), ("b", CHINESE_COPY), ("c", CHINESE_OTHER))
    )
    reworded = containment(src, copy, "b")
    unrelated = containment(src, other, "b")
    assert reworded.get("word1") >= 0.6 > 0.3 >= unrelated.get("word1")
    assert reworded.get("word2") > unrelated.get("word2")
    quoted = prepare(_art("q", "市长表示：“地铁九号线将按时开通。”市民对此表示欢迎。")).side
    flags = _quoted(quoted)
    assert flags.any() and not flags.all()
    assert len(flags) == round(math.exp(containment(quoted, quoted, "a").get("copy_length")) - 1)


def test_no_space_script_ranges_hold_every_such_character() -> None:
    """The ranges that spare most texts the script-property scan hold every character
    of the no-space scripts, so the quick test never answers "none" wrongly."""
    import sys

    import numpy as np

    from newstrace.text import _NO_SPACE_BLOCKS, _NO_SPACE_SCRIPT_RE

    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    chars = _NO_SPACE_SCRIPT_RE.findall(everything)
    assert len(chars) > 90_000  # Han alone has tens of thousands
    codes = np.array([ord(c) for c in chars], dtype=np.uint32)
    inside = np.searchsorted(_NO_SPACE_BLOCKS, codes, side="right") % 2 == 1
    assert inside.all(), [hex(int(c)) for c in codes[~inside][:5]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ASCII words", False),
        ("“Typographic” quotes – dashes… and € signs", False),
        ("Urdu: یہ ایک خبر ہے", False),
        ("an emoji 😀 between words", False),
        ("Chinese: 新闻报道", True),
        ("Thai: ข่าว", True),
        ("Japanese kana: ニュース", True),
        ("a lone surrogate \udc80 then 中", True),
    ],
)
def test_no_space_script_is_told_as_the_script_scan_tells_it(text: str, expected: bool) -> None:
    from newstrace.text import _NO_SPACE_SCRIPT_RE, has_no_space_script

    assert has_no_space_script(text) is expected
    assert (_NO_SPACE_SCRIPT_RE.search(text) is not None) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("news", False), ("“quoted”", False), ("خبر", False), ("「新闻」", True), ("ข่าว", True)],
)
def test_a_word_and_a_token_are_told_as_the_script_scan_tells_them(
    word: str, expected: bool
) -> None:
    """A raw word holds such a character anywhere; a token (which the token pattern keeps
    whole) is a run of one from its first character."""
    from newstrace.text import is_no_space_run, tokens, word_has_no_space_script

    assert word_has_no_space_script(word) is expected
    assert [is_no_space_run(t.form) for t in tokens(word)] == [expected] * len(tokens(word))


def test_form_terms_are_kept_for_words_not_for_no_space_clauses() -> None:
    from newstrace import text

    clause, word = "今天北京举行新闻发布会", "harbourmasters"
    got = text.terms_of_forms([clause, word, "the", word])
    assert got == [*text._char_bigrams(clause), text.term(word), text.term(word)]
    assert text._FORM_TERMS[word] == (text.term(word),)
    assert text._FORM_TERMS["the"] == ()
    assert clause not in text._FORM_TERMS  # a whole clause, seldom seen twice: not kept
