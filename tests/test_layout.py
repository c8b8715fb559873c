"""Layout (item 6 of issue 13): mastheads, menus and site names above the headline are
not the headline; a verbatim reprint wrapped in site chrome is a duplicate."""

from __future__ import annotations

import newstrace
from newstrace.boilerplate import R_MASTHEAD, find_boilerplate

BODY = """The harbour council on Tuesday approved a new ferry timetable that adds three evening crossings to the island of Velmo from the start of next month.

Council leader Maria Olsen said the change followed a survey in which 1,200 residents asked for later boats.

"People who work on the mainland can finally get home for dinner," Olsen told the meeting.

The operator, Nordlys Ferries, will add a second vessel on Fridays and Saturdays, at a cost of 340,000 crowns a year.

Opposition councillor Erik Berg said the money would be better spent on repairing the harbour wall.

The new timetable will be reviewed after six months, the council said.
"""
HEADLINE = "Council approves new ferry timetable for Velmo"


def title_and_removed(text: str) -> tuple[str | None, dict[str, str]]:
    layout = find_boilerplate(text)
    title = text[layout.title.start : layout.title.end] if layout.title else None
    return title, {text[bp.span.start : bp.span.end]: bp.reason for bp in layout.removed}


def test_capitals_masthead_is_not_the_headline() -> None:
    title, removed = title_and_removed(f"THE DAILY COURIER\n{HEADLINE}\n\n{BODY}")
    assert title == HEADLINE
    assert removed["THE DAILY COURIER"] == R_MASTHEAD


def test_menu_site_name_and_date_above_the_headline() -> None:
    text = (
        f"Harbour Daily\nMenu\nHome | World | Sport | Business\n12 March 2024\n{HEADLINE}\n{BODY}"
    )
    title, removed = title_and_removed(text)
    assert title == HEADLINE
    assert removed["Harbour Daily"] == R_MASTHEAD
    assert removed["Menu"] == R_MASTHEAD
    assert removed["Home | World | Sport | Business"] == "menu line"
    assert removed["12 March 2024"] == "date line"


def test_host_name_above_the_headline() -> None:
    title, removed = title_and_removed(f"harbourdaily.com\n{HEADLINE}\n{BODY}")
    assert title == HEADLINE
    assert removed["harbourdaily.com"] == R_MASTHEAD
    title, removed = title_and_removed(f"www.harbourdaily.com\n{HEADLINE}\n{BODY}")
    assert title == HEADLINE


def test_short_headline_alone_stays_the_headline() -> None:
    # One short line above the text: it is the headline, whatever it looks like.
    title, _ = title_and_removed(f"Late ferries\n{BODY}")
    assert title == "Late ferries"
    title, _ = title_and_removed(f"FERRY CHAOS\n{BODY}")
    assert title == "FERRY CHAOS"


def test_headline_and_subhead_keep_their_roles() -> None:
    text = f"Late ferries approved\nThree evening crossings from next month\n{BODY}"
    title, _ = title_and_removed(text)
    assert title == "Late ferries approved"


CHROME = (
    f"THE DAILY COURIER\nHome | World | Sport | Business\nMenu\n{HEADLINE}\n"
    f"By Reuters\nShare on Facebook\nTweet\n\n{BODY}\nShare on Facebook\nTweet\n"
)


def test_chrome_is_removed_and_the_headline_found() -> None:
    c = newstrace.compare(f"{HEADLINE}\n\n{BODY}", CHROME)
    assert c.title_b is not None
    assert CHROME[c.title_b.start : c.title_b.end] == HEADLINE
    removed = {CHROME[bp.span.start : bp.span.end] for bp in c.boilerplate_b}
    assert {"THE DAILY COURIER", "Menu", "By Reuters", "Share on Facebook", "Tweet"} <= removed
    assert c.coverage.a == c.coverage.b == 1.0


def test_verbatim_reprint_in_site_chrome_is_a_duplicate() -> None:
    # The relation itself is verdict.py's (being rewritten for issue 13, item 1); this
    # test fails only if the verdict does not call full verbatim coverage a duplicate.
    c = newstrace.compare(f"{HEADLINE}\n\n{BODY}", CHROME)
    assert c.relation == "duplicate", (c.relation, c.reasons)
    # The reprint credits Reuters and the other side credits no one: the reprint is the
    # copy, and the reasons say so.
    assert c.source == "a", c.reasons
    assert any("credits Reuters" in r for r in c.reasons)
