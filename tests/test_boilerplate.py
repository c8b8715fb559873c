"""Tests for the boilerplate stage: title, body and removed debris of scraped articles.

All article text here is invented; the two seed copies are read from ../shared through the
``seeds`` fixture, and only 2-3 word markers of them appear in this file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newstrace.boilerplate import Layout, find_boilerplate, normalise_line, repeated_lines
from newstrace.model import Span

# --- helpers ------------------------------------------------------------------------------


def covered(text: str, layout: Layout) -> None:
    """Every non-whitespace character lies in exactly one span; spans are trimmed lines."""
    owners = [0] * len(text)
    spans: list[Span] = list(layout.body) + [bp.span for bp in layout.removed]
    if layout.title is not None:
        spans.append(layout.title)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip(), f"untrimmed span {piece!r}"
        assert "\n" not in piece, f"span crosses a line: {piece!r}"
        for i in range(span.start, span.end):
            owners[i] += 1
    for i, ch in enumerate(text):
        if ch.isspace():
            assert owners[i] <= 1
        else:
            assert owners[i] == 1, f"char {i} {ch!r} owned {owners[i]} times"
    # body and removed come in text order
    for seq in (layout.body, [bp.span for bp in layout.removed]):
        starts = [s.start for s in seq]
        assert starts == sorted(starts)


def layout_of(text: str, **kw: object) -> Layout:
    layout = find_boilerplate(text, **kw)  # type: ignore[arg-type]
    covered(text, layout)
    return layout


def body_lines(text: str, layout: Layout) -> list[str]:
    return [text[s.start : s.end] for s in layout.body]


def removed_lines(text: str, layout: Layout) -> dict[str, str]:
    return {text[bp.span.start : bp.span.end]: bp.reason for bp in layout.removed}


def title_of(text: str, layout: Layout) -> str | None:
    return None if layout.title is None else text[layout.title.start : layout.title.end]


def article(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


# Invented prose used to pad articles (so that footer markers sit after the prose).
P1 = (
    "The harbour council on Tuesday approved a new ferry timetable that adds three "
    "evening crossings to the island of Velmo from the start of next month."
)
P2 = (
    "Commuters had complained for years that the last ferry left too early for people "
    "working late shifts in the city, forcing many to pay for expensive water taxis."
)
P3 = (
    "The extra crossings will cost about 1.2 million crowns a year, paid partly by a "
    "regional transport grant and partly by a small rise in the price of season tickets."
)
P4 = (
    "Ferry operators said they would hire six more deckhands and two captains before "
    "the summer, and that the older of the two boats would be refitted in the autumn."
)
LONG_A = (
    "Inspectors who visited the two vessels in January found that both met the safety "
    "rules, although one of them needed new life rafts and a repaired radar mast before "
    "it could carry passengers at night, according to the report published on Friday by "
    "the national maritime authority in its annual review."
)
LONG_B = (
    "Residents of Velmo, which has about four thousand inhabitants, depend on the ferry "
    "for almost everything, from groceries and medicine to school trips, and the island's "
    "only doctor has long argued that a late crossing would let patients return home the "
    "same day after hospital appointments on the mainland."
)

# --- the headline -------------------------------------------------------------------------


def test_title_is_short_first_line() -> None:
    text = article("Harbour council approves new ferry timetable", P1, P2)
    layout = layout_of(text)
    assert title_of(text, layout) == "Harbour council approves new ferry timetable"
    assert body_lines(text, layout) == [P1, P2]
    assert layout.removed == ()


def test_question_headline_is_title() -> None:
    text = article("Will the new ferries run on time?", P1)
    assert title_of(text, layout_of(text)) == "Will the new ferries run on time?"


def test_sentence_first_line_is_not_title() -> None:
    text = article(P1, P2)
    layout = layout_of(text)
    assert layout.title is None
    assert body_lines(text, layout) == [P1, P2]


def test_short_first_line_with_full_stop_is_not_title() -> None:
    text = article("The council met on Tuesday.", P1)
    layout = layout_of(text)
    assert layout.title is None
    assert body_lines(text, layout)[0] == "The council met on Tuesday."


def test_title_after_leading_debris() -> None:
    text = article(
        "https://example.org/news/ferries", "Home | News | Local", "Ferry timetable approved", P1
    )
    layout = layout_of(text)
    assert title_of(text, layout) == "Ferry timetable approved"
    assert removed_lines(text, layout) == {
        "https://example.org/news/ferries": "url line",
        "Home | News | Local": "menu line",
    }


@pytest.mark.parametrize(
    "headline", ["Ferry timetable approved | Harbour Daily", "Xi meets Putin | Reuters"]
)
def test_headline_with_site_suffix_is_title(headline: str) -> None:
    text = article(headline, P1)
    assert title_of(text, layout_of(text)) == headline


def test_title_argument_finds_line_and_its_repeats() -> None:
    headline = "Council backs “late ferry” plan – report."
    text = article("Local", headline, P1, 'COUNCIL BACKS "LATE  FERRY" PLAN - REPORT.', P2)
    layout = layout_of(text, title='Council backs "late ferry" plan - report.')
    assert title_of(text, layout) == headline
    removed = removed_lines(text, layout)
    assert removed['COUNCIL BACKS "LATE  FERRY" PLAN - REPORT.'] == "repeated title"
    assert removed["Local"] == "short line without sentence structure"
    assert body_lines(text, layout) == [P1, P2]


def test_repeated_title_is_removed() -> None:
    text = article("Ferry timetable approved", "  ferry   TIMETABLE approved ", P1, P2)
    layout = layout_of(text)
    assert title_of(text, layout) == "Ferry timetable approved"
    assert removed_lines(text, layout) == {"ferry   TIMETABLE approved": "repeated title"}


def test_title_argument_not_in_text_still_removes_repeats() -> None:
    text = article(P1, "Ferries for Velmo", P2)
    layout = layout_of(text, title="Ferries for Velmo")
    assert layout.title is None
    assert removed_lines(text, layout) == {"Ferries for Velmo": "repeated title"}


# --- footers and prompts --------------------------------------------------------------------

FOOTER_LINES = [
    ("Subscribe to our newsletter", "social/subscribe prompt"),
    ("Follow us on Twitter and Facebook", "social/subscribe prompt"),
    ("Click here to read the full council report.", "social/subscribe prompt"),
    ("Sign up for our free morning briefing", "social/subscribe prompt"),
    ("Share this article", "social/subscribe prompt"),
    ("Share on WhatsApp", "social/subscribe prompt"),
    ("Posted in Local, Transport", "cms footer"),
    ("Filed under: Transport", "cms footer"),
    ("Tags: ferries, Velmo, transport", "cms footer"),
    ("Copyright 2024 Harbour Daily", "cms footer"),
    ("© 2024 Harbour Daily Media Group", "cms footer"),
    ("Harbour Daily 2024. All rights reserved.", "cms footer"),
    ("Advertisement", "advertisement"),
    ("ADVERTISEMENT - SCROLL TO CONTINUE", "advertisement"),
    ("Read more: Island school gets a new roof", "related-content link"),
    ("READ ALSO: Storm closes the northern pier", "related-content link"),
    ("Related: Velmo festival returns", "related-content link"),
    ("More in: Transport", "related-content link"),
    ("More in:Transport", "related-content link"),
    ("Learn more about shipping from Harbour Pro", "related-content link"),
    ("Reporting by Maria Lind; Editing by Jon Hale", "agency credit"),
    (
        "(Reporting by Maria Lind in Velmo; Writing by Jon Hale; Editing by Ann Berg)",
        "agency credit",
    ),
    ("Additional reporting by Tom Berg", "agency credit"),
    (
        (
            "– Reporting by Maria Lind in Velmo and Jon Hale in Oslo; additional reporting by Ann "
            "Berg, Tom Roe and Eva Lund in Bergen; editing by Kari Moe and Per Dahl"
        ),
        "agency credit",
    ),
    (
        (
            "The post Ferry timetable approved as island residents celebrate the long awaited "
            "evening crossings to the mainland after years of campaigning by local groups appeared "
            "first on Harbour Daily."
        ),
        "cms footer",
    ),
    ("– Maria Lind contributed to this report.", "contributor line"),
    ("Harbour Daily's Tom Berg contributed reporting.", "contributor line"),
    ("Photo: Tomas Berg / Harbour Press", "photo credit"),
    ("Image: city archive", "photo credit"),
    ("(AP Photo/Evan Lee)", "photo credit"),
    ("Anna Petrova | Reuters | Getty Images", "photo credit"),
    ("John Smith/AFP via Getty Images", "photo credit"),
    ("Written by Maria Lind", "byline"),
    ("By Maria Lind", "byline"),
    ("By MARIA LIND and Jon Hale, Harbour Daily", "byline"),
    ("March 3, 2024", "date line"),
    ("Updated: 14 March 2024, 10:32 GMT", "date line"),
    ("2024-03-14 10:32", "date line"),
    ("Tue 12 Mar 2024 09.15 EDT", "date line"),
    ("https://example.org/news/ferry-timetable", "url line"),
    ("www.example.org", "url line"),
    ("* * *", "separator line"),
    ("| | |", "separator line"),
    ("———", "separator line"),
    ("Home | News | Local | Transport | Weather", "menu line"),
    ("News • Sport • Business • Culture", "menu line"),
]


@pytest.mark.parametrize(("line", "reason"), FOOTER_LINES)
def test_footer_line_is_removed_mid_article(line: str, reason: str) -> None:
    text = article("Ferry timetable approved", P1, line, P2, P3)
    layout = layout_of(text)
    assert removed_lines(text, layout) == {line: reason}
    assert body_lines(text, layout) == [P1, P2, P3]


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the day the council had approved the plan.",
        "About 200 people attended the meeting in the town hall.",
        "Subscribers to the ferry pass will pay less from April, the operator said.",
        "Photographers gathered on the pier to watch the first evening boat leave.",
        "Copyright law was not discussed at the meeting, the chair said.",
        "The story appeared first on page one of the island newsletter in 1998, he said.",
        "Related services, such as the island bus, will also change their times.",
        "More from the meeting will be published in the council minutes next week.",
        "Share prices of the ferry company rose 4% after the decision.",
        "Read the full decision on the council website, the spokesman said.",
        "Fishing rights reserved for islanders were extended by the council on Monday.",
        "The report appeared first on Monday, before the council meeting.",
        "The complaint appeared first on a local forum run by the ferry users' group.",
        "The letter appeared first on Monday.",
        "Half of the money was contributed by the regional government.",
        "Posted in 1998, the letter was found by a fisherman last week.",
        "Share the cost, the mayor told the neighbouring islands.",
        "Read more than twenty letters from residents, the chair said.",
        "Council chair Elin Sorensen / Harbour Press Agency editor said no.",
    ],
)
def test_prose_that_starts_like_a_footer_is_kept(line: str) -> None:
    text = article("Ferry timetable approved", P1, line, P2)
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, line, P2]


def test_photo_caption_sentence_is_kept_credit_removed() -> None:
    caption = "Council chair Elin Sorensen speaks to reporters at the harbour on Tuesday."
    text = article("Ferry timetable approved", caption, "Tomas Berg | Reuters", P1, P2)
    layout = layout_of(text)
    assert body_lines(text, layout) == [caption, P1, P2]
    assert removed_lines(text, layout) == {"Tomas Berg | Reuters": "photo credit"}


# --- short lines ------------------------------------------------------------------------------


def test_short_lines_without_sentence_structure_are_removed() -> None:
    text = article(
        "Ferry timetable approved",
        P1,
        "Like",
        "Love",
        "Not Sure",
        "Why it matters",
        P2,
        "Related topics",
        P3,
    )
    layout = layout_of(text)
    removed = removed_lines(text, layout)
    for line in ("Like", "Love", "Not Sure", "Why it matters"):
        assert removed[line] == "short line without sentence structure"
    assert P1 in body_lines(text, layout) and P2 in body_lines(text, layout)


def test_short_sentences_are_kept() -> None:
    lines = ["He refused.", "“No,” she said.", "What happens next?", "It worked!", "Wait for it…"]
    text = article("Ferry timetable approved", P1, *lines, P2)
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, *lines, P2]


def test_prose_between_short_lines_is_kept() -> None:
    line = "The mayor said the council had acted because residents asked."
    text = article("Velmo", "Menu", "Search", line, "Login", "Share")
    layout = layout_of(text)
    assert body_lines(text, layout) == [line]


def test_long_line_without_full_stop_is_kept() -> None:
    line = "Ferry operators and island residents met again on Thursday to discuss winter crossings"
    text = article("Ferry timetable approved", line, P1)
    assert body_lines(text, layout_of(text)) == [line, P1]


# --- end-of-article markers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "reason"),
    [
        ("Check Also", "related-content link"),
        ("You may also like", "related-content link"),
        ("You might also like:", "related-content link"),
        ("Related Posts", "related-content link"),
        ("RELATED ARTICLES", "related-content link"),
        ("Related", "related-content link"),
        ("Leave a reply", "cms footer"),
        ("Leave a Reply Cancel reply", "cms footer"),
        ("What’s your reaction?", "cms footer"),
        ("About Maria Lind", "author box"),
        ("About the author", "author box"),
        ("The post Ferry timetable approved appeared first on Harbour Daily.", "cms footer"),
        ("This article first appeared on Harbour Daily.", "cms footer"),
        ("Ferry timetable approved appeared first on Harbour Daily.", "cms footer"),
    ],
)
def test_end_marker_removes_everything_after(marker: str, reason: str) -> None:
    teasers = [
        "Island school gets a new roof after the winter storms damaged the old one",
        "Velmo festival returns with a bigger stage and more bands than ever before this year.",
        "The northern pier will close for repairs in May, the port authority says …",
        "Happy",
        "Sad",
    ]
    text = article("Ferry timetable approved", P1, P2, P3, P4, marker, *teasers)
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, P2, P3, P4]
    removed = removed_lines(text, layout)
    assert removed[marker] == reason
    for line in teasers:
        assert removed[line] == "after end-of-article marker"


def test_end_marker_keeps_long_prose_that_follows() -> None:
    # A "Related" box inside the article: two long paragraphs after it mean the story
    # goes on, so only the box is removed.
    text = article(
        "Ferry timetable approved",
        P1,
        P2,
        P3,
        P4,
        "Related articles",
        "Island school gets new roof",
        LONG_A,
        LONG_B,
    )
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, P2, P3, P4, LONG_A, LONG_B]
    assert removed_lines(text, layout) == {
        "Related articles": "related-content link",
        "Island school gets new roof": "short line without sentence structure",
    }


def test_end_marker_early_in_article_does_not_cut() -> None:
    text = article("Ferry timetable approved", P1, "Related", "Storm closes pier", P2, P3, P4)
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, P2, P3, P4]


def test_end_marker_without_prose_before_does_not_cut() -> None:
    text = article("You may also like", P1, P2)
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, P2]


def test_truncated_teasers_do_not_count_as_prose() -> None:
    teaser = (
        "Velmo festival returns with a bigger stage this year and organisers promise more "
        "bands, more food stalls and a late ferry home for visitors from the mainland who …"
    )
    text = article("Ferry timetable approved", P1, P2, "You may also like", teaser, teaser)
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1, P2]


QUOTE = (
    "“We listened to the people who use these boats every day,” said council chair Elin Sorensen."
)


def test_full_invented_page() -> None:
    lines = [
        "Harbour council approves new ferry timetable",
        "Home | News | Local | Transport",
        "By Maria Lindqvist",
        "March 3, 2024",
        P1,
        "Photo: Tomas Berg / Harbour Press Agency",
        P2,
        "Advertisement",
        QUOTE,
        "Read more: Island school gets new roof",
        "Harbour council approves new ferry timetable",
        P3,
        "Share this article",
        "Tags: ferries, transport, Velmo",
        "– Jon Hale contributed to this report.",
        "About Maria Lindqvist",
        "You may also like",
        "Island school gets new roof after storm damage",
        "Velmo festival returns with a bigger stage …",
        "Leave a reply",
        "Your email address will not be published. Required fields are marked *",
        "© 2024 Harbour Daily. All rights reserved.",
    ]
    text = article(*lines)
    layout = layout_of(text)
    assert title_of(text, layout) == lines[0]
    assert body_lines(text, layout) == [P1, P2, lines[8], P3]
    removed = removed_lines(text, layout)
    assert removed["Home | News | Local | Transport"] == "menu line"
    assert removed["By Maria Lindqvist"] == "byline"
    assert removed["March 3, 2024"] == "date line"
    assert removed["Photo: Tomas Berg / Harbour Press Agency"] == "photo credit"
    assert removed["Harbour council approves new ferry timetable"] == "repeated title"
    assert removed["About Maria Lindqvist"] == "author box"
    assert removed["Island school gets new roof after storm damage"] == (
        "after end-of-article marker"
    )
    assert removed[lines[-2]] == "cms footer"


# --- site furniture ---------------------------------------------------------------------------


def site_articles() -> list[str]:
    stories = [P1, P2, P3, P4, LONG_A]
    return [
        article(
            f"Story number {i} from the island",
            "Harbour Daily — news you can trust",
            story,
            "Send your tips to the newsroom today",
        )
        for i, story in enumerate(stories)
    ]


def test_repeated_lines_learns_site_furniture() -> None:
    learned = repeated_lines(site_articles())
    assert learned == frozenset(
        {"harbour daily - news you can trust", "send your tips to the newsroom today"}
    )


def test_repeated_lines_thresholds() -> None:
    texts = site_articles()[:3] + [article(f"Other text {i}", LONG_B) for i in range(4)]
    # 3 of 7 articles: enough for min_count=3 but not for min_share=0.5
    assert repeated_lines(texts) == frozenset()
    assert "harbour daily - news you can trust" in repeated_lines(texts, min_share=0.4)
    assert repeated_lines(texts, min_count=4, min_share=0.1) == frozenset()
    assert repeated_lines([]) == frozenset()


def test_repeated_lines_ignore_long_lines() -> None:
    texts = [article("Title one", LONG_A + " " + LONG_B)] * 4
    assert repeated_lines(texts) == frozenset({"title one"})


def test_known_lines_are_removed() -> None:
    texts = site_articles()
    learned = repeated_lines(texts)
    text = texts[0]
    layout = layout_of(text, known_lines=learned)
    assert title_of(text, layout) == "Story number 0 from the island"
    assert body_lines(text, layout) == [P1]
    assert set(removed_lines(text, layout).values()) == {"repeated across site"}


def test_known_line_before_title_is_skipped() -> None:
    text = article("Harbour Daily", "Ferry timetable approved", P1)
    layout = layout_of(text, known_lines=frozenset({"harbour daily"}))
    assert title_of(text, layout) == "Ferry timetable approved"
    assert removed_lines(text, layout) == {"Harbour Daily": "repeated across site"}


def test_normalise_line() -> None:
    assert normalise_line("  The  “Quick”\tFox’s — Tale ") == 'the "quick" fox\'s - tale'
    assert normalise_line("ＦＵＬＬ width") == "full width"
    assert normalise_line("STRASSE") == normalise_line("Straße")
    assert normalise_line("") == ""


# --- languages --------------------------------------------------------------------------------

CLEAN_ARTICLES = {
    "en": [
        "Storm closes northern pier",
        (
            "A winter storm closed the northern pier on Velmo on Sunday night, and ferries were "
            "diverted to the smaller harbour in the south of the island."
        ),
        "Nobody was hurt.",
        "“We will reopen as soon as the engineers say it is safe,” the harbour master said.",
        "Repairs are expected to take at least three weeks",
    ],
    "de": [
        "Sturm schließt den Nordpier",
        "Ein Wintersturm hat in der Nacht zum Montag den Nordpier der Insel Velmo beschädigt.",
        "Die Fähren legen bis auf Weiteres im kleineren Südhafen an, teilte die Hafenbehörde mit.",
        "Verletzt wurde niemand.",
    ],
    "ru": [
        "Шторм закрыл северный причал",
        "В ночь на понедельник зимний шторм повредил северный причал на острове Велмо.",
        "Паромы временно принимает небольшая южная гавань, сообщили в портовой администрации.",
        "Никто не пострадал.",
        "Ремонт займёт не меньше трёх недель, считают инженеры порта.",
    ],
    "ur": [
        "طوفان نے شمالی گھاٹ بند کر دیا",
        "اتوار کی رات سردیوں کے طوفان نے ویلمو جزیرے کا شمالی گھاٹ بند کر دیا۔",
        "کشتیاں اب جزیرے کے جنوب میں چھوٹی بندرگاہ پر لنگر انداز ہو رہی ہیں۔",
        "کوئی زخمی نہیں ہوا۔",
    ],
    "ar": [
        "العاصفة تغلق الرصيف الشمالي",
        (
            "أغلقت عاصفة شتوية الرصيف الشمالي في جزيرة فيلمو ليلة الأحد، "
            "وتم تحويل العبارات إلى الميناء الجنوبي."
        ),
        "لم يصب أحد بأذى.",
    ],
    "hi": [
        "तूफ़ान ने उत्तरी घाट बंद किया",
        "रविवार रात सर्दियों के तूफ़ान ने वेल्मो द्वीप का उत्तरी घाट बंद कर दिया।",
        "नौकाएँ अब दक्षिण के छोटे बंदरगाह पर रुक रही हैं।",
        "कोई घायल नहीं हुआ।",
    ],
    "zh": [
        "暴风雨关闭北码头",
        "周日晚上，一场冬季暴风雨迫使维尔莫岛的北码头关闭，渡轮改停岛南部的小港口。",
        "没有人受伤。",
        "港务长表示，工程师确认安全后将尽快重新开放码头",
        "维修工作预计至少需要三个星期，期间渡轮班次将有所减少",
    ],
    "ja": [
        "嵐で北桟橋が閉鎖",
        "日曜日の夜、冬の嵐によりヴェルモ島の北桟橋が閉鎖され、フェリーは南の小さな港に着岸している。",
        "けが人はいなかった。",
    ],
    "th": [
        "พายุทำให้ท่าเรือทางเหนือปิด",
        (
            "พายุฤดูหนาวทำให้ท่าเรือทางเหนือของเกาะเวลโมต้องปิดในคืนวันอาทิตย์ "
            "เรือข้ามฟากจึงต้องไปจอดที่ท่าเรือเล็กทางใต้ของเกาะ"
        ),
        "ไม่มีผู้ได้รับบาดเจ็บ ทางการคาดว่าการซ่อมแซมจะใช้เวลาอย่างน้อยสามสัปดาห์",
    ],
}


@pytest.mark.parametrize("lang", sorted(CLEAN_ARTICLES))
def test_clean_article_prose_is_never_removed(lang: str) -> None:
    title, *paragraphs = CLEAN_ARTICLES[lang]
    text = article(title, *paragraphs)
    layout = layout_of(text)
    assert title_of(text, layout) == title
    assert body_lines(text, layout) == paragraphs
    assert layout.removed == ()


@pytest.mark.parametrize("lang", sorted(CLEAN_ARTICLES))
def test_clean_article_with_footer_in_any_language(lang: str) -> None:
    title, *paragraphs = CLEAN_ARTICLES[lang]
    text = article(title, *paragraphs, "Share on Facebook", "Leave a reply", "Velmo news")
    layout = layout_of(text)
    assert body_lines(text, layout) == paragraphs


def test_cjk_short_label_is_removed_sentence_kept() -> None:
    text = article("暴风雨关闭北码头", "热门", "周日晚上，一场冬季暴风雨迫使维尔莫岛的北码头关闭。")
    layout = layout_of(text)
    assert removed_lines(text, layout) == {"热门": "short line without sentence structure"}


# --- the invariant ------------------------------------------------------------------------------


def test_empty_and_blank_texts() -> None:
    assert find_boilerplate("") == Layout(None, (), ())
    assert find_boilerplate(" \n\t\n\r\n ") == Layout(None, (), ())


def test_crlf_and_odd_whitespace() -> None:
    text = "Ferry timetable approved\r\n\r\n\u00a0" + P1 + "\u00a0\r\n\tLike\r\n" + P2
    layout = layout_of(text)
    assert title_of(text, layout) == "Ferry timetable approved"
    assert body_lines(text, layout) == [P1, P2]


def test_single_line_without_newline() -> None:
    text = P1
    layout = layout_of(text)
    assert body_lines(text, layout) == [P1]


def test_coverage_property() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")
    alphabet = st.sampled_from(
        [*"abc XYZ.?!|/:©*-–\n\n\n\t\r\u00a0\u3000", "中", "۔", "’", "“", "”", "…"]
    )
    pieces = st.sampled_from(
        [
            "Check Also",
            "About Jane Doe",
            "The post x appeared first on y.",
            "Tags:",
            "By Jo",
            "Getty Images",
            "contributed to this report.",
            "https://x.y",
            "2024",
            P1,
            "\n",
        ]
    )
    texts = st.lists(st.one_of(st.text(alphabet, max_size=30), pieces), max_size=25).map("".join)

    @hypothesis.given(texts, st.sampled_from([None, "Check Also", "abc", P1]))
    @hypothesis.settings(max_examples=300, deadline=None)
    def run(text: str, title: str | None) -> None:
        layout = find_boilerplate(text, title=title, known_lines=frozenset({"2024"}))
        covered(text, layout)

    run()


# --- the seeds (read from ../shared, never copied here) ---------------------------------------


def line_at(text: str, pos: int) -> tuple[int, int]:
    """Trimmed bounds of the line holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    raw = text[start:end]
    s = raw.strip()
    a = start + raw.find(s[0])
    return a, a + len(s)


def prose_lines(text: str, min_words: int = 15) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        s = raw.strip()
        if len(s.split()) >= min_words:
            a = pos + raw.find(s[0])
            out.append((a, a + len(s)))
        pos += len(raw) + 1
    return out


def removed_reason(layout: Layout, bounds: tuple[int, int]) -> str | None:
    for bp in layout.removed:
        if (bp.span.start, bp.span.end) == bounds:
            return bp.reason
    return None


def test_seed_000(seeds: tuple[Path, Path]) -> None:
    text = seeds[0].read_text(encoding="utf-8")
    layout = layout_of(text)
    first = text.split("\n", 1)[0].strip()
    assert title_of(text, layout) == first

    positions = {m: text.find(m) for m in ("\nAbout ", "Check Also", "Getty Images", "Learn more")}
    assert all(p >= 0 for p in positions.values()), positions
    about = line_at(text, positions["\nAbout "] + 1)
    check = line_at(text, positions["Check Also"])
    credit = line_at(text, positions["Getty Images"])
    learn = line_at(text, positions["Learn more"])
    assert learn[1] < about[0] < check[0]
    assert removed_reason(layout, about) == "author box"
    assert removed_reason(layout, check) is not None
    assert removed_reason(layout, credit) == "photo credit"
    assert removed_reason(layout, learn) is not None

    # Something follows "Check Also", and no body follows the author box: by the coverage
    # invariant, all of it is removed.
    after = [bp for bp in layout.removed if bp.span.start > check[1]]
    assert after
    assert all(span.end <= about[0] for span in layout.body)

    body = {(s.start, s.end) for s in layout.body}
    prose = [b for b in prose_lines(text) if b[1] <= about[0]]
    assert len(prose) >= 10
    for bounds in prose:
        assert bounds in body, text[bounds[0] : bounds[1]][:60]


def test_seed_003(seeds: tuple[Path, Path]) -> None:
    text = seeds[1].read_text(encoding="utf-8")
    layout = layout_of(text)
    non_blank = [line.strip() for line in text.split("\n") if line.strip()]
    assert non_blank[0] == non_blank[1]
    assert title_of(text, layout) == non_blank[0]
    second = text.find(non_blank[1], text.find(non_blank[0]) + len(non_blank[0]))
    assert removed_reason(layout, line_at(text, second)) == "repeated title"

    assert text.find("appeared first on") > 0
    post = line_at(text, text.find("appeared first on"))
    assert removed_reason(layout, post) == "cms footer"
    after = [bp for bp in layout.removed if bp.span.start > post[1]]
    assert len(after) >= 5
    # no body after the footer: by the coverage invariant, all of it is removed
    assert all(span.end <= post[0] for span in layout.body)

    body = {(s.start, s.end) for s in layout.body}
    prose = [b for b in prose_lines(text) if b[1] <= post[0]]
    assert len(prose) >= 8
    for bounds in prose:
        assert bounds in body, text[bounds[0] : bounds[1]][:60]


# --- speed ----------------------------------------------------------------------------------------


def test_speed_of_a_sixty_line_article() -> None:
    lines = ["Harbour council approves new ferry timetable"]
    prose = [P1, P2, P3, P4, LONG_A, LONG_B, CLEAN_ARTICLES["ru"][1], CLEAN_ARTICLES["zh"][1]]
    for i in range(52):
        lines.append(prose[i % len(prose)])
    lines += ["Share this article", "About Maria Lind", "You may also like", "Leave a reply"]
    lines += ["Velmo festival returns", "Island school roof", "Happy", "Sad"]
    text = "\n".join(lines)
    find_boilerplate(text)
    runs = 200
    t0 = time.perf_counter()
    for _ in range(runs):
        find_boilerplate(text)
    per_call = (time.perf_counter() - t0) / runs
    # ~100-250 us on a slow shared core; generous bound against regressions only
    assert per_call < 0.002
