"""The one label of an article (``report.labels``): headline, site and time, the id
only when nothing else is known, and always inert. All text here was written for these
tests."""

from __future__ import annotations

from newstrace.archive_store import ArticleRow
from newstrace.model import Article
from newstrace.report.labels import describe, label, label_of_record, short_time

BODY = (
    "Harbour board votes to rebuild the north pier\n\n"
    "The harbour board voted on Thursday to rebuild the north pier for 4.2 million "
    "crowns. Work on the pier starts in March and should end before the autumn storms.\n"
)


def test_title_site_and_time() -> None:
    art = Article(
        "feed.jsonl:3",
        BODY,
        title="Pier to be  rebuilt\n",
        site="Harbour Post",
        published="2024-03-01T08:15:00Z",
    )
    assert label(art) == "Pier to be rebuilt · Harbour Post · 2024-03-01 08:15"


def test_no_title_takes_the_detected_headline_and_the_url_host() -> None:
    art = Article("in/pier.txt", BODY, url="https://www.harbour.example/news/pier")
    assert label(art) == "Harbour board votes to rebuild the north pier · harbour.example"


def test_nothing_known_is_the_id() -> None:
    assert label(Article("in/pier.txt", "")) == "in/pier.txt"
    assert label(None, "missing-id") == "missing-id"
    assert label(ArticleRow("row-7", None, None, None, None)) == "row-7"


def test_a_row_without_text_is_labelled_by_what_it_has() -> None:
    row = ArticleRow("row-7", None, "Harbour Post", "2024-03-01", None)
    assert label(row) == "Harbour Post · 2024-03-01"
    assert describe(row).id == "row-7"


def test_escape_sequences_are_shown_inert() -> None:
    art = Article("x\x1b[2K", BODY, title="Pier\x1b]0;owned\x07 news", site="Post\x9b1m")
    shown = label(art)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown == "Pier\\x1b]0;owned\\x07 news · Post\\x9b1m"
    assert label(None, "id\x1b[2K") == "id\\x1b[2K"


def test_headline_cut_keeps_site_and_time() -> None:
    art = Article("a", BODY, title="A very long headline indeed", site="Post")
    assert label(art, limit=10) == "A very lo… · Post"


def test_short_time() -> None:
    assert short_time("2024-03-01T08:15:42+01:00") == "2024-03-01 08:15"
    assert short_time("2024-03-01") == "2024-03-01"
    assert short_time("March 1, 2024") == "March 1, 2024"
    assert short_time(None) == ""


def test_record_of_an_alert() -> None:
    ref = {"id": "n1", "title": None, "site": None, "published": None, "url": "http://a.example/x"}
    assert label_of_record(ref) == "a.example"
    assert label_of_record({"id": "n1"}) == "n1"
