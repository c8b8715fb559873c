"""Tests for the ingest stage: decoding, binary detection, HTML, JSONL, paths, errors.

The contract under test: ``Article.text`` is exactly the decoded input (BOM dropped,
nothing else touched) so offsets point into what a user sees, and every failure is an
``InputError`` that names the input. All example text was written for these tests.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import newstrace
from newstrace.errors import InputError, NewstraceError, SkippedInput
from newstrace.ingest import (
    article_from_html,
    article_from_text,
    decode,
    iter_articles,
    iter_paths,
    read_article,
    read_stdin_article,
)
from newstrace.model import Article
from newstrace.options import Options

# --------------------------------------------------------------------------- fixtures

STORY = (
    "BRACKENFORD, June 3 – The town’s only cinema, the Orrery, will reopen on Friday after a "
    "two-year restoration costing £1.4 million, its owners said.\r\n"
    "\r\n"
    "“We kept the velvet seats and the old brass clock,” said co-owner Idris Malvaney. "
    "The first screening is a silent film with a live organist.\r\n"
    "\tTickets sold out within an hour.   \r\n"
)

PAGE_BODY = [
    "More than 40,000 visitors packed the Quillby harbour front on Saturday night for the "
    "town's annual lantern festival, organisers said.",
    "The crowd was the largest since the festival began in 1987, beating the previous record "
    "by almost 6,000 people.",
    "Harbour master Tobias Rennick said the tide had been unusually calm, which allowed the "
    "lantern boats to stay close to the shore.",
    "The council plans to add a second launch point on the north pier next year to ease "
    "crowding along the main promenade.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lantern festival draws record crowd to Quillby harbour</title>
<meta property="og:site_name" content="Quillby Courier">
<meta property="og:title" content="Lantern festival draws record crowd to Quillby harbour">
<meta property="article:published_time" content="2023-09-14T08:30:00+00:00">
<meta name="author" content="Orla Penwarden">
</head>
<body>
<nav><ul>
<li><a href="/">Home</a></li>
<li><a href="/sport">Sport pages and league tables</a></li>
<li><a href="/weather">Weather outlook for the coast</a></li>
</ul></nav>
<article>
<h1>Lantern festival draws record crowd to Quillby harbour</h1>
<p>{PAGE_BODY[0]} {PAGE_BODY[1]} Volunteers launched 1,200 paper lanterns from the old fish
quay shortly after sunset.</p>
<p>{PAGE_BODY[2]} "We have never seen the water so still on festival night," Rennick said.
Local cafes reported selling out of hot chestnuts before nine o'clock.</p>
<p>{PAGE_BODY[3]}</p>
</article>
<footer><p>Copyright 2023 Quillby Courier. Subscribe to our newsletter for daily updates.</p>
</footer>
</body>
</html>
"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    """Write bytes (or UTF-8 text) to ``tmp_path/name`` and return the path."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_input_error(fn: Callable[[], object], source: str, *words: str) -> InputError:
    """``fn`` raises an InputError whose source is ``source`` and whose text has ``words``."""
    with pytest.raises(InputError) as info:
        fn()
    exc = info.value
    assert exc.source == source
    assert str(exc).startswith(f"{source}: ")
    assert exc.exit_code == 2
    for word in words:
        assert word in str(exc)
    return exc


# --------------------------------------------------------------------------- plain text


def test_utf8_text_is_kept_exactly(tmp_path: Path) -> None:
    path = write(tmp_path, "cinema.txt", STORY)
    art = read_article(path)
    assert isinstance(art, Article)
    assert art.text == STORY  # "\r\n", tab, trailing spaces, curly quotes: all kept
    assert "\r\n" in art.text
    assert art.id == "cinema"
    assert art.origin == str(path)
    assert art.format == "text"


def test_str_path_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "cinema.txt", STORY)
    assert read_article(str(path)).text == STORY


def test_leading_and_trailing_whitespace_is_kept(tmp_path: Path) -> None:
    text = "\n\n   Flood barrier closes for the first time this winter.\n\n\n"
    assert read_article(write(tmp_path, "barrier.txt", text)).text == text


def test_lone_carriage_returns_are_kept(tmp_path: Path) -> None:
    text = "First line of the bulletin.\rSecond line, old Mac style.\r"
    assert read_article(write(tmp_path, "mac.txt", text)).text == text


def test_utf8_bom_is_dropped_and_nothing_else(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    art = read_article(path)
    assert art.text == STORY
    assert not art.text.startswith("\ufeff")


def test_cp1252_fallback_decodes_curly_quotes(tmp_path: Path) -> None:
    data = b"\x93Caf\xe9 prices rose by 5\x80 overnight,\x94 said the owner \x96 again.\r\n"
    art = read_article(write(tmp_path, "cafe.txt", data))
    assert art.text == "“Café prices rose by 5€ overnight,” said the owner – again.\r\n"
    assert art.text == data.decode("cp1252")


def test_latin1_fallback_for_bytes_cp1252_cannot_decode(tmp_path: Path) -> None:
    data = b"Gr\xfc\xdfe aus K\xf6ln \x81 und Z\xfcrich, sagte der Sprecher.\n"
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp1252")
    art = read_article(write(tmp_path, "gruss.txt", data))
    assert art.text == data.decode("latin-1")
    assert "Grüße aus Köln" in art.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    art = read_article(write(tmp_path, "sixteen.txt", bom + STORY.encode(encoding)))
    assert art.text == STORY
    assert not art.text.startswith("\ufeff")


def test_broken_utf16_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.txt", "Short note.".encode("utf-16") + b"\x41")
    assert_input_error(lambda: read_article(path), str(path), "UTF-16")


def test_utf32_is_refused_not_read_as_utf16_garbage(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.txt", "Harbour closes at noon.\n".encode("utf-32"))
    assert_input_error(lambda: read_article(path), str(path), "binary")


def test_utf16_without_bom_is_refused_as_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "nobom.txt", STORY.encode("utf-16-le"))
    assert_input_error(lambda: read_article(path), str(path), "binary")


def test_few_control_characters_are_allowed_and_kept(tmp_path: Path) -> None:
    text = "Page one of the council minutes.\f\vPage two\x07 follows.\x1b\n" + "More text. " * 20
    assert read_article(write(tmp_path, "minutes.txt", text)).text == text


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"Plain words and then a NUL\x00 byte in the middle of the story.",
        bytes(range(256)) * 4,
        b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15 some words" * 5,
        b"\xef\xbb\xbf\x00\x01\x02binary after a BOM",
    ],
    ids=["png", "nul", "all-bytes", "controls", "bom-then-binary"],
)
def test_binary_file_is_an_input_error_naming_the_path(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "blob.txt", data)
    assert_input_error(lambda: read_article(path), str(path), "binary")


def test_decode_names_the_origin_it_is_given() -> None:
    assert_input_error(lambda: decode(b"\x00\x01", "somewhere:7"), "somewhere:7", "binary")


@pytest.mark.parametrize("prefix", [b"", b"caf\xe9 ", b"\xff\xfe"], ids=["utf8", "cp1252", "utf16"])
def test_control_characters_make_binary_past_one_in_a_hundred(prefix: bytes) -> None:
    """Control characters (not tab, newline, form feed, carriage return) are counted
    whichever way the bytes are read: a few pass, many make the input binary."""
    body = "word " * 200
    utf16 = prefix == b"\xff\xfe"

    def data(controls: int) -> bytes:
        text = body + "\x01\x1b" * (controls // 2)
        return prefix + (text.encode("utf-16-le") if utf16 else text.encode("ascii"))

    assert decode(data(8), "few").count("\x1b") == 4
    assert_input_error(lambda: decode(data(30), "many"), "many", "control characters")


def test_lone_surrogates_become_replacement_characters() -> None:
    art = article_from_text("Caf\u00e9 \ud800 and \udfff end.", id="s\udc80")
    assert art.text == "Caf\u00e9 \ufffd and \ufffd end." and art.id == "s\ufffd"
    kept = "Caf\u00e9 \U0001f600 end."  # a character beyond the BMP is no surrogate
    assert article_from_text(kept, id="k").text == kept


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b" \r\n\t\n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"],
    ids=["empty", "spaces", "whitespace", "bom-only", "bom-space"],
)
def test_empty_or_whitespace_file_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "blank.txt", data)
    assert_input_error(lambda: read_article(path), str(path), "empty")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    assert_input_error(lambda: read_article(path), str(path), "no such file")


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert_input_error(lambda: read_article(folder), str(folder), "directory")


def test_path_through_a_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.txt", STORY) / "child.txt"
    assert_input_error(lambda: read_article(path), str(path))


def test_input_errors_are_newstrace_errors(tmp_path: Path) -> None:
    with pytest.raises(NewstraceError):
        read_article(tmp_path / "missing.txt")


def test_too_large_article_is_an_input_error(tmp_path: Path) -> None:
    text = "Long story. " * 10  # 120 characters
    path = write(tmp_path, "long.txt", text)
    exc = assert_input_error(
        lambda: read_article(path, options=Options(max_chars=100)), str(path), "too large", "100"
    )
    assert "120" in str(exc)


def test_article_exactly_at_the_limit_is_accepted(tmp_path: Path) -> None:
    text = "Exactly sized."
    path = write(tmp_path, "exact.txt", text)
    assert read_article(path, options=Options(max_chars=len(text))).text == text


def test_limit_counts_characters_not_bytes(tmp_path: Path) -> None:
    text = "Žluťoučký kůň úpěl ďábelské ódy."  # more bytes than characters
    path = write(tmp_path, "czech.txt", text)
    assert len(text.encode("utf-8")) > len(text)
    assert read_article(path, options=Options(max_chars=len(text))).text == text


def test_jsonl_file_is_refused_by_read_article(tmp_path: Path) -> None:
    path = write(tmp_path, "many.jsonl", '{"id": "a", "text": "One article."}\n')
    assert_input_error(lambda: read_article(path), str(path), "JSONL")


# --------------------------------------------------------------------------- gzip


def test_gzipped_text_is_decompressed_and_kept_exactly(tmp_path: Path) -> None:
    path = write(tmp_path, "cinema.txt.gz", gzip.compress(STORY.encode("utf-8")))
    art = read_article(path)
    assert art.text == STORY
    assert art.id == "cinema"
    assert art.format == "text"


def test_gzipped_text_with_upper_case_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "CINEMA.TXT.GZ", gzip.compress(STORY.encode("utf-8")))
    assert read_article(path).text == STORY


def test_gzipped_cp1252_text(tmp_path: Path) -> None:
    data = b"\x93Quoted\x94 words from the mayor\x85\n"
    path = write(tmp_path, "quote.txt.gz", gzip.compress(data))
    assert read_article(path).text == data.decode("cp1252")


@pytest.mark.parametrize("kind", ["not-gzip", "truncated", "corrupt-deflate", "bad-crc"])
def test_broken_gzip_is_an_input_error(tmp_path: Path, kind: str) -> None:
    good = gzip.compress(("Council approves new bus lanes on Fenwick Road. " * 200).encode())
    data = {
        "not-gzip": b"just some plain words, not compressed at all",
        "truncated": good[: len(good) // 2],
        "corrupt-deflate": good[:11] + bytes([good[11] ^ 0xFF]) + good[12:],
        "bad-crc": good[:-8] + bytes([good[-8] ^ 0xFF]) + good[-7:],
    }[kind]
    path = write(tmp_path, "broken.txt.gz", data)
    assert_input_error(lambda: read_article(path), str(path), "gzip")


# --------------------------------------------------------------------------- HTML


def test_html_page_body_and_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "lanterns.html", PAGE)
    art = read_article(path)
    assert art.format == "html"
    assert art.id == "lanterns"
    assert art.origin == str(path)
    for sentence in PAGE_BODY:
        assert sentence in art.text
    assert "Sport pages and league tables" not in art.text
    assert "Weather outlook" not in art.text
    assert "Subscribe to our newsletter" not in art.text
    assert "<p>" not in art.text
    assert art.title == "Lantern festival draws record crowd to Quillby harbour"
    assert art.site == "Quillby Courier"
    assert art.published is not None and art.published.startswith("2023-09-14")
    assert art.author == "Orla Penwarden"


def test_gzipped_html(tmp_path: Path) -> None:
    path = write(tmp_path, "lanterns.html.gz", gzip.compress(PAGE.encode("utf-8")))
    art = read_article(path)
    assert art.format == "html"
    assert art.id == "lanterns"
    assert PAGE_BODY[0] in art.text


def test_html_with_upper_case_suffix_and_no_doctype(tmp_path: Path) -> None:
    # No doctype, no <html>, and <body> beyond the sniffed head: only the suffix says HTML.
    style = "<style>" + "p.story { margin: 0 auto; color: #222; }\n" * 80 + "</style>\n"
    page = "<!-- saved page -->\n" + style + PAGE.split("\n", 2)[2]
    assert "<body" not in page[:2048]
    path = write(tmp_path, "LANTERNS.HTML", page)
    art = read_article(path)
    assert art.format == "html"
    assert PAGE_BODY[3] in art.text


def test_html_content_is_recognised_whatever_the_suffix(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "saved.txt", PAGE))
    assert art.format == "html"
    assert "<title>" not in art.text


def test_html_in_cp1252(tmp_path: Path) -> None:
    page = PAGE.replace("organisers said", "organisers said, \u201cpacked\u201d").replace(
        'charset="utf-8"', 'charset="windows-1252"'
    )
    art = read_article(write(tmp_path, "old.htm", page.encode("cp1252")))
    assert "\u201cpacked\u201d" in art.text


def test_article_from_html_given_metadata_wins() -> None:
    art = article_from_html(
        PAGE,
        id="x",
        title="Given title",
        site="Given site",
        published="2020-01-02",
        url="https://example.org/lanterns",
    )
    assert (art.title, art.site, art.published) == ("Given title", "Given site", "2020-01-02")
    assert art.url == "https://example.org/lanterns"
    assert art.origin == "x"


@pytest.mark.parametrize(
    "html",
    [
        PAGE[: len(PAGE) // 2],
        PAGE[: len(PAGE) // 3],
        "<html><body><p>An unclosed paragraph about the ferry timetable and its",
        "<<<>>><html<body</p></div>>>",
        "<html><body>" + "<div>" * 3000 + "deeply nested words" + "</span>" * 10,
        "<html><head><script>var x = '<p>not text</p>';</script></head><body></body></html>",
        "<html></html>",
        "<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><body>\ufffd\ufffd\x7f\u0085 &#0; &bogus; &#xFFFFFFF; <p>tail</p></body></html>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>Declared XML.</p></body></html>",
        "<html><body><table><tr><td>Only a table cell of figures 1 2 3</td></tr></table>",
    ],
    ids=[
        "half",
        "third",
        "unclosed",
        "garbage",
        "deep",
        "script-only",
        "empty",
        "nav-only",
        "odd-entities",
        "xml-decl",
        "table",
    ],
)
def test_broken_html_gives_article_or_input_error(tmp_path: Path, html: str) -> None:
    path = write(tmp_path, "broken.html", html)
    for read in (lambda: read_article(path), lambda: article_from_html(html, id="broken")):
        try:
            art = read()
        except InputError as exc:
            assert exc.source in (str(path), "broken")
        else:
            assert art.format == "html"
            assert art.text.strip()


def test_empty_html_string_is_an_input_error() -> None:
    assert_input_error(lambda: article_from_html("  \n", id="nothing"), "nothing", "empty")


# --------------------------------------------------------------------------- strings, stdin


@pytest.mark.parametrize(
    "text",
    [
        STORY,
        "  padded both sides  ",
        "Non\u00a0breaking\u2009spaces and e\u0301 combining marks, emoji \U0001f30a.",
        "Line one\r\nLine two\rLine three\nLine four\u2028Line five",
        "\ufeffA string that starts with a BOM keeps it.",
    ],
)
def test_article_from_text_keeps_text_exactly(text: str) -> None:
    art = article_from_text(text, id="s1")
    assert art.text == text
    assert art.id == "s1"
    assert art.origin == "s1"
    assert art.format == "string"


def test_article_from_text_metadata() -> None:
    art = article_from_text(
        "A short item.",
        id="s2",
        origin="feed:3",
        title="Item",
        url="https://example.org/item",
        site="Example",
        published="2024-02-29",
        author="R. Quist",
    )
    assert (art.origin, art.title, art.url, art.site, art.published, art.author) == (
        "feed:3",
        "Item",
        "https://example.org/item",
        "Example",
        "2024-02-29",
        "R. Quist",
    )


def test_article_from_text_refuses_empty_and_too_large() -> None:
    assert_input_error(lambda: article_from_text(" \n\t", id="blank"), "blank", "empty")
    assert_input_error(
        lambda: article_from_text(
            "x" * 11, id="big", origin="big.txt", options=Options(max_chars=10)
        ),
        "big.txt",
        "too large",
    )


def _fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_text_is_kept_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_stdin(monkeypatch, b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    art = read_stdin_article()
    assert art.text == STORY
    assert (art.id, art.origin, art.format) == ("stdin", "<stdin>", "text")


def test_stdin_html(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_stdin(monkeypatch, PAGE.encode("utf-8"))
    art = read_stdin_article()
    assert art.format == "html"
    assert PAGE_BODY[2] in art.text


@pytest.mark.parametrize("data", [b"", b"\n \n", b"\x00\x01\x02\x03"])
def test_stdin_errors_name_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    _fake_stdin(monkeypatch, data)
    assert_input_error(read_stdin_article, "<stdin>")


def test_stdin_respects_max_chars(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_stdin(monkeypatch, b"Twelve chars")
    assert_input_error(
        lambda: read_stdin_article(options=Options(max_chars=5)), "<stdin>", "too large"
    )


# --------------------------------------------------------------------------- JSONL

JSONL_LINES = [
    json.dumps(
        {
            "id": "good-1",
            "text": "Rail strike called off after late talks.\r\nMore soon.",
            "title": "Strike off",
            "url": "https://example.org/strike",
            "published": "2024-05-06",
            "site": "Example Times",
            "author": "M. Ode",
        }
    ),
    "",
    '{"id": "broken", "text": "unterminated',
    "[1, 2, 3]",
    json.dumps({"text": "This line has no id at all."}),
    json.dumps({"id": "no-body", "title": "Only a title"}),
    json.dumps({"id": "page-1", "html": PAGE}),
    "   ",
    json.dumps({"id": 17, "text": "Numeric ids are turned into strings."}, ensure_ascii=False),
    json.dumps({"id": "blank-text", "text": "  \n "}),
    json.dumps({"id": "bad-title", "text": "Some words.", "title": ["not", "a", "string"]}),
    json.dumps({"id": "", "text": "Empty id."}),
    json.dumps({"id": "good-2", "text": "Ünïcödé “quoted” text — kept."}, ensure_ascii=False),
]
BAD_LINES = [3, 4, 5, 6, 10, 11, 12]
GOOD_IDS = ["good-1", "page-1", "17", "good-2"]


@pytest.fixture()
def jsonl_file(tmp_path: Path) -> Path:
    return write(tmp_path, "feed.jsonl", "\n".join(JSONL_LINES) + "\n")


def collect(inputs: list[str | Path], **kwargs: object) -> tuple[list[Article], list[InputError]]:
    """Run iter_articles with a collecting on_error; return (articles, errors)."""
    errors: list[InputError] = []
    articles = list(iter_articles(inputs, on_error=errors.append, **kwargs))  # type: ignore[arg-type]
    return articles, errors


def test_jsonl_default_on_error_raises_naming_the_line(jsonl_file: Path) -> None:
    seen: list[Article] = []
    with pytest.raises(InputError) as info:
        for art in iter_articles([jsonl_file]):
            seen.append(art)
    assert info.value.source == f"{jsonl_file}:3"
    assert str(info.value).startswith(f"{jsonl_file}:3: ")
    assert "JSON" in str(info.value)
    assert [a.id for a in seen] == ["good-1"]


def test_jsonl_collecting_on_error_reports_each_bad_line(jsonl_file: Path) -> None:
    articles, errors = collect([jsonl_file])
    assert [a.id for a in articles] == GOOD_IDS
    assert [e.source for e in errors] == [f"{jsonl_file}:{n}" for n in BAD_LINES]
    messages = {int(e.source.rsplit(":", 1)[1]): e.message for e in errors}
    assert "broken JSON" in messages[3]
    assert "object" in messages[4] and "list" in messages[4]
    assert "id" in messages[5]
    assert "text" in messages[6] and "html" in messages[6]
    assert "empty" in messages[10]
    assert "title" in messages[11]
    assert "id" in messages[12]


def test_jsonl_articles_keep_text_metadata_and_line_origin(jsonl_file: Path) -> None:
    articles, _ = collect([jsonl_file])
    by_id = {a.id: a for a in articles}
    first = by_id["good-1"]
    assert first.text == "Rail strike called off after late talks.\r\nMore soon."
    assert (first.title, first.url, first.published, first.site, first.author) == (
        "Strike off",
        "https://example.org/strike",
        "2024-05-06",
        "Example Times",
        "M. Ode",
    )
    assert first.origin == f"{jsonl_file}:1"
    assert first.format == "jsonl"
    assert by_id["good-2"].text == "Ünïcödé “quoted” text — kept."
    assert by_id["good-2"].origin == f"{jsonl_file}:13"
    page = by_id["page-1"]
    assert page.format == "html"
    assert page.origin == f"{jsonl_file}:7"
    assert PAGE_BODY[0] in page.text
    assert "Sport pages and league tables" not in page.text
    assert page.site == "Quillby Courier"


def test_jsonl_html_record_metadata_wins_over_the_page(tmp_path: Path) -> None:
    record = {"id": "p", "html": PAGE, "title": "Record title", "url": "https://example.org/p"}
    path = write(tmp_path, "one.jsonl", json.dumps(record) + "\n")
    (art,) = iter_articles([path])
    assert art.title == "Record title"
    assert art.url == "https://example.org/p"


def test_jsonl_crlf_bom_and_no_final_newline(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"n{i}", "text": f"Item number {i} of the digest."}) for i in range(3)
    ]
    path = write(tmp_path, "crlf.jsonl", b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    articles, errors = collect([path])
    assert errors == []
    assert [a.id for a in articles] == ["n0", "n1", "n2"]
    assert articles[2].text == "Item number 2 of the digest."


def test_jsonl_cp1252_line_and_binary_line(tmp_path: Path) -> None:
    data = (
        b'{"id": "w", "text": "\x93Smart\x94 quotes from an old export."}\n'
        b'{"id": "z", "text": "nul\x00here"}\n'
    )
    path = write(tmp_path, "legacy.jsonl", data)
    articles, errors = collect([path])
    assert [a.text for a in articles] == ["“Smart” quotes from an old export."]
    assert [e.source for e in errors] == [f"{path}:2"]
    assert "binary" in errors[0].message


def test_jsonl_too_large_record(tmp_path: Path) -> None:
    path = write(tmp_path, "big.jsonl", json.dumps({"id": "b", "text": "y" * 50}) + "\n")
    articles, errors = collect([path], options=Options(max_chars=20))
    assert articles == []
    assert [e.source for e in errors] == [f"{path}:1"]
    assert "too large" in errors[0].message


def test_gzipped_jsonl(tmp_path: Path) -> None:
    body = "\n".join(JSONL_LINES) + "\n"
    path = write(tmp_path, "feed.jsonl.gz", gzip.compress(body.encode("utf-8")))
    articles, errors = collect([path])
    assert [a.id for a in articles] == GOOD_IDS
    assert [e.source for e in errors] == [f"{path}:{n}" for n in BAD_LINES]


@pytest.mark.parametrize("kind", ["not-gzip", "truncated"])
def test_broken_gzipped_jsonl_is_an_input_error(tmp_path: Path, kind: str) -> None:
    lines = "".join(
        json.dumps({"id": f"k{i}", "text": f"Entry {i} of many in the archive."}) + "\n"
        for i in range(400)
    )
    good = gzip.compress(lines.encode("utf-8"))
    data = b"plain words, not gzip\n" if kind == "not-gzip" else good[: len(good) // 2]
    path = write(tmp_path, "feed.jsonl.gz", data)
    articles, errors = collect([path])
    assert len(errors) == 1
    assert errors[0].source.startswith(f"{path}:")
    with pytest.raises(InputError):
        list(iter_articles([path]))
    assert all(a.id.startswith("k") for a in articles)


def test_missing_jsonl_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.jsonl"
    with pytest.raises(InputError) as info:
        list(iter_articles([path]))
    assert info.value.source == str(path)
    articles, errors = collect([path])
    assert articles == [] and [e.source for e in errors] == [str(path)]


def test_empty_jsonl_gives_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.jsonl", "\n\n  \n")
    assert collect([path]) == ([], [])


# --------------------------------------------------------------------------- paths


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    write(root, "b.txt", "Second item in the archive folder.")
    write(root, "a.md", "First item, written in markdown.")
    write(root, "c.html", PAGE)
    write(root, "feed.jsonl", json.dumps({"id": "j1", "text": "From a feed."}) + "\n")
    write(root, "sub/deeper/d.txt.gz", gzip.compress(b"Compressed item deep in the tree."))
    write(root, "sub/E.TXT", "Upper-case suffix item.")
    write(root, "sub/notes.csv", "a,b\n1,2\n")
    write(root, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root, "README", "No suffix, not an article.")
    (root / "emptydir").mkdir()
    return root


NOT_ARTICLES = ["README", "photo.png", "sub/notes.csv"]  # in the tree, reported as skipped


def test_iter_paths_expands_folders_recursively_and_sorted(tree: Path) -> None:
    skipped: list[InputError] = []
    paths = list(iter_paths([tree], on_error=skipped.append))
    rel = [p.relative_to(tree).as_posix() for p in paths]
    assert rel == sorted(rel)
    assert set(rel) == {"a.md", "b.txt", "c.html", "feed.jsonl", "sub/deeper/d.txt.gz", "sub/E.TXT"}
    assert [e.source for e in skipped] == [str(tree / n) for n in NOT_ARTICLES]


def test_iter_paths_passes_plain_paths_through(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    odd = write(tmp_path, "odd[1].txt", "Brackets in a real file name.")
    assert list(iter_paths([missing, str(odd)])) == [missing, odd]


def test_iter_paths_relative_glob(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    assert [p.as_posix() for p in iter_paths(["*.txt"])] == ["b.txt"]
    assert [p.as_posix() for p in iter_paths(["**/*.txt*"])] == ["b.txt", "sub/deeper/d.txt.gz"]
    assert [p.as_posix() for p in iter_paths(["sub/*"])] == ["sub/E.TXT", "sub/notes.csv"]


def test_iter_paths_absolute_glob(tree: Path) -> None:
    assert list(iter_paths([str(tree / "*.[mt]*")])) == [tree / "a.md", tree / "b.txt"]


def test_iter_paths_glob_matching_nothing_gives_nothing(tree: Path) -> None:
    assert list(iter_paths([str(tree / "*.nothing")])) == []


def test_iter_articles_over_a_folder(tree: Path) -> None:
    articles, errors = collect([tree])
    assert [e.source for e in errors] == [str(tree / n) for n in NOT_ARTICLES]
    assert all(isinstance(e, SkippedInput) for e in errors)
    assert "not an article file (.png" in errors[1].message
    # ids are paths inside the folder argument, without the article suffix
    assert [a.id for a in articles] == ["a", "b", "c", "j1", "sub/E", "sub/deeper/d"]
    by_id = {a.id: a for a in articles}
    assert by_id["sub/deeper/d"].text == "Compressed item deep in the tree."
    assert by_id["c"].format == "html"
    assert by_id["j1"].origin == f"{tree / 'feed.jsonl'}:1"


def test_iter_articles_reports_bad_files_and_goes_on(tree: Path, tmp_path: Path) -> None:
    write(tree, "zz-binary.txt", b"\x00\x01\x02")
    write(tree, "zz-empty.txt", b"")
    missing = tmp_path / "gone.txt"
    articles, errors = collect([tree, missing, tree / "b.txt"])
    assert [a.id for a in articles] == ["a", "b", "c", "j1", "sub/E", "sub/deeper/d", "b"]
    assert [e.source for e in errors] == [str(tree / n) for n in NOT_ARTICLES] + [
        str(tree / "zz-binary.txt"),
        str(tree / "zz-empty.txt"),
        str(missing),
    ]


def test_iter_articles_default_raises_on_first_bad_file(tree: Path) -> None:
    bad = write(tree, "0-empty.txt", b"  ")
    with pytest.raises(InputError) as info:
        list(iter_articles([tree]))
    assert info.value.source == str(bad)


def test_iter_articles_streams_lazily(tmp_path: Path) -> None:
    good = write(tmp_path, "1.txt", "A fine article.")
    bad = tmp_path / "2.txt"  # missing: must not be touched before the first article is used
    it = iter_articles([good, bad])
    assert next(it).text == "A fine article."
    with pytest.raises(InputError):
        next(it)


# --- Python API: strings that look like paths (issue 13, item 7) ---------------------


def test_compare_refuses_a_missing_path_like_string(tmp_path: Path) -> None:
    for name in (
        "a.txt",
        "typo.txt",
        "story.html",
        "feed.jsonl.gz",
        "data.json",
        "articles/one",
        str(tmp_path / "missing.txt"),
    ):
        with pytest.raises(InputError) as err:
            newstrace.compare(name, "Some article text with spaces in it.")
        assert "no such file" in str(err.value)


def test_compare_reads_an_existing_path_given_as_str(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "The harbour council on Tuesday approved a new ferry timetable that adds "
        "three evening crossings to the island of Velmo.\n"
    )
    (tmp_path / "one.txt").write_text(text, encoding="utf-8")
    (tmp_path / "two").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    c = newstrace.compare("one.txt", str(tmp_path / "two"))
    assert c.a.origin == "one.txt" and c.a.format == "text"
    assert c.b.id == "two"
    # Text with spaces stays text, even with a suffix-like ending.
    c = newstrace.compare(text, "Read the report in annex.txt")
    assert c.b.format == "string"
    # A one-word string that names no file is text too.
    assert newstrace.compare(text, "Velmo").b.format == "string"


def test_html_publication_time_keeps_time_of_day() -> None:
    """trafilatura keeps the day only; the page's own metadata has the time and zone
    (normalised to UTC)."""
    body = "".join(f"<p>{p}</p>" for p in PAGE_BODY)
    for head in (
        '<meta property="article:published_time" content="2024-03-01T09:15:00+01:00">',
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"datePublished": "2024-03-01T09:15:00+01:00"}]}</script>',
    ):
        page = f"<html><head>{head}<title>T</title></head><body><article>{body}</article></body></html>"
        art = article_from_html(page, id="p")
        assert art.published == "2024-03-01T08:15:00Z"


PUBLISHED_AT = "2024-03-01T09:15:00+01:00"
MODIFIED_AT = "2024-03-02T18:40:00+01:00"


@pytest.mark.parametrize(
    "head",
    [
        f'<meta property="article:modified_time" content="{MODIFIED_AT}">'
        f'<meta property="article:published_time" content="{PUBLISHED_AT}">',
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        f'"dateModified": "{MODIFIED_AT}", "datePublished": "{PUBLISHED_AT}"}}</script>',
    ],
)
def test_html_publication_and_modified_times_are_kept_apart(head: str) -> None:
    """Both times found, each in its own field and in UTC; the modified time, given
    first on the page, never stands in for the publication time."""
    body = "".join(f"<p>{p}</p>" for p in PAGE_BODY)
    page = f"<html><head>{head}<title>T</title></head><body><article>{body}</article></body></html>"
    art = article_from_html(page, id="p")
    assert (art.published, art.modified) == ("2024-03-01T08:15:00Z", "2024-03-02T17:40:00Z")


def test_a_page_with_only_a_modified_time_has_no_publication_time_from_it() -> None:
    """trafilatura's date falls back to the modified day: that day is not taken for the
    publication time (the capture time, the latest it can be, is taken when known)."""
    body = "".join(f"<p>{p}</p>" for p in PAGE_BODY)
    head = f'<meta property="article:modified_time" content="{MODIFIED_AT}">'
    page = f"<html><head>{head}<title>T</title></head><body><article>{body}</article></body></html>"
    art = article_from_html(page, id="p")
    assert (art.published, art.modified) == (None, "2024-03-02T17:40:00Z")
    captured = article_from_html(page, id="p", capture_time="2024-03-05T10:00:00Z")
    assert captured.published == "2024-03-05T10:00:00Z"


def test_html_given_modified_time_wins_over_the_page() -> None:
    art = article_from_html(PAGE, id="p", modified="2024-01-01T00:00:00Z")
    assert art.modified == "2024-01-01T00:00:00Z"


def test_jsonl_modified_is_kept_for_text_and_html_records(tmp_path: Path) -> None:
    lines = [
        {"id": "t", "text": STORY, "published": "2024-05-06", "modified": "2024-05-07T10:00Z"},
        {"id": "h", "html": PAGE, "modified": "2024-05-08"},
        {"id": "none", "text": STORY},
    ]
    path = write(tmp_path, "feed.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    by_id = {a.id: a for a in iter_articles([path])}
    assert (by_id["t"].published, by_id["t"].modified) == ("2024-05-06", "2024-05-07T10:00Z")
    assert by_id["h"].modified == "2024-05-08"
    assert by_id["none"].modified is None
    assert article_from_text("Words.", id="x", modified="2024-05-09").modified == "2024-05-09"


def test_jsonl_modified_of_the_wrong_type_is_a_one_line_error_and_skipped(
    tmp_path: Path,
) -> None:
    """As for ``published``: a value that is not a string refuses the line, named
    FILE:LINE, and the lines around it are read."""
    lines = [
        {"id": "before", "text": STORY},
        {"id": "bad", "text": STORY, "modified": 20240507},
        {"id": "after", "text": STORY},
    ]
    path = write(tmp_path, "feed.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    articles, errors = collect([path])
    assert [a.id for a in articles] == ["before", "after"]
    assert [str(e) for e in errors] == [
        f"{path}:2: field 'modified' must be a string, not a number"
    ]
