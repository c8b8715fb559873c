"""Web archives as input: WARC files (``.warc``, ``.warc.gz``) read by ``scan``, ``add``
and the ingest API. The WARCs are built here with warcio's writer around the demo
corpus's stories (the project's own text) wrapped in HTML pages written for these tests.
"""

from __future__ import annotations

import gzip
import io
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.cli import main
from newstrace.errors import InputError, InputWarning, SkippedInput
from newstrace.ingest import distinct_ids, iter_articles
from newstrace.model import Article
from newstrace.options import Options

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"
QUIET = pytest.mark.filterwarnings("ignore::newstrace.errors.InputWarning")
SITE = "https://courier.example"
CAPTURED = "2024-05-02T06:00:00Z"


def page(story: str, head: str = "") -> bytes:
    """An HTML news page around a demo story: each line a paragraph."""
    paras = "".join(f"<p>{line}</p>" for line in story.splitlines() if line.strip())
    return (
        f"<!DOCTYPE html><html><head><title>Story</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article>{paras}</article></body></html>"
    ).encode()


def story(name: str) -> str:
    return (DEMO / f"{name}.txt").read_text(encoding="utf-8")


PUBLISHED_HEAD = '<meta property="article:published_time" content="2024-05-01T09:30:00+02:00">'


def records() -> list[tuple[str, str, str, bytes]]:
    """(record type, URL, HTTP status and content type, body) of the test WARC, in order."""
    return [
        ("warcinfo", "", "", b"software: tests"),
        ("request", f"{SITE}/wire", "", b"GET /wire HTTP/1.1\r\nHost: courier.example\r\n\r\n"),
        (
            "response",
            f"{SITE}/wire",
            "200 text/html; charset=utf-8",
            page(story("01-wire"), PUBLISHED_HEAD),
        ),
        ("response", f"{SITE}/logo.png", "200 image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ("response", f"{SITE}/gone", "404 text/html", page("Not found.")),
        (
            "response",
            "https://herald.example/reprint",
            "200 text/html",
            page(story("02-reprint-herald")),
        ),
        ("response", "https://spin.example/a", "200 application/xhtml+xml", page(story("04-spin"))),
        (
            "response",
            "https://science.example/x",
            "200 text/html",
            page(story("09-unrelated-science")),
        ),
        ("metadata", f"{SITE}/wire", "", b"via: tests"),
    ]


def write_warc(
    path: Path, *, compress: bool = True, extra: list[tuple[str, str, str, bytes]] | None = None
) -> Path:
    """A WARC of :func:`records` (plus ``extra``), one gzip member per record when
    ``compress``."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        for kind, url, http, body in records() + (extra or []):
            writer.write_record(_record(writer, kind, url, http, body))
    return path


def _record(writer: WARCWriter, kind: str, url: str, http: str, body: bytes) -> object:
    headers = {"WARC-Date": CAPTURED}
    if kind == "warcinfo":
        return writer.create_warcinfo_record("tests.warc", {"software": "tests"})
    if kind != "response":
        return writer.create_warc_record(
            url,
            kind,
            payload=io.BytesIO(body),
            warc_headers_dict=headers,
            warc_content_type="application/http; msgtype=request"
            if kind == "request"
            else "text/plain",
        )
    status, ctype = http.split(" ", 1)
    reason = "OK" if status == "200" else "Not Found"
    http_headers = StatusAndHeaders(
        f"{status} {reason}", [("Content-Type", ctype)], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http_headers,
        warc_headers_dict=headers,
    )


def read(path: Path | str) -> tuple[list[Article], list[InputError], list[str]]:
    errors: list[InputError] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles = list(iter_articles([path], on_error=errors.append))
    notes = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    return articles, errors, notes


PAGE_URLS = [
    f"{SITE}/wire",
    "https://herald.example/reprint",
    "https://spin.example/a",
    "https://science.example/x",
]


@pytest.mark.parametrize("compress", [True, False])
def test_html_responses_are_read_once_with_url_ids_and_the_rest_counted(
    tmp_path: Path, compress: bool
) -> None:
    warc = write_warc(tmp_path / ("pages.warc.gz" if compress else "pages.warc"), compress=compress)
    articles, errors, notes = read(warc)
    assert [a.id for a in articles] == PAGE_URLS
    assert all(a.url == a.id and a.format == "html" for a in articles)
    assert [a.origin for a in articles] == [f"{warc}:{n}" for n in (3, 6, 7, 8)]
    assert errors == []
    assert notes == [
        f"{warc}: 9 records: 4 HTML pages read, 1 not HTML, 1 not status 200, "
        "3 not responses (request, metadata, revisit, warcinfo)"
    ]
    wire = articles[0]
    assert "Wren of Calloway" in wire.text and "Home" not in wire.text


def test_publication_time_is_the_pages_own_else_the_capture_time(tmp_path: Path) -> None:
    articles, _, _ = read(write_warc(tmp_path / "pages.warc.gz"))
    by_id = {a.id: a for a in articles}
    assert by_id[f"{SITE}/wire"].published == "2024-05-01T07:30:00Z"  # its own, in UTC
    assert by_id["https://herald.example/reprint"].published == "2024-05-02T06:00:00Z"  # WARC-Date


def test_a_pages_modified_time_is_kept_apart_from_its_publication_time(tmp_path: Path) -> None:
    modified = '<meta property="article:modified_time" content="2024-05-01T15:00:00+02:00">'
    extra = [
        (
            "response",
            f"{SITE}/updated",
            "200 text/html",
            page(story("03-reprint-daily"), modified + PUBLISHED_HEAD),
        )
    ]
    articles, _, _ = read(write_warc(tmp_path / "pages.warc.gz", extra=extra))
    by_id = {a.id: a for a in articles}
    updated = by_id[f"{SITE}/updated"]
    assert (updated.published, updated.modified) == ("2024-05-01T07:30:00Z", "2024-05-01T13:00:00Z")
    assert by_id[f"{SITE}/wire"].modified is None  # none on the page: not the WARC-Date


def test_a_single_gzip_member_warc_is_read_whole(tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "plain.warc", compress=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    articles, errors, _ = read(whole)
    assert [a.id for a in articles] == PAGE_URLS and errors == []


def test_a_folder_holding_warcs_reads_them(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(crawl / "a.warc.gz")
    (crawl / "note.txt").write_text("A plain article beside the archive.", encoding="utf-8")
    articles, errors, _ = read(crawl)
    assert [a.id for a in articles] == [*PAGE_URLS, "note"]
    assert errors == []


def test_broken_records_are_named_and_the_run_goes_on(tmp_path: Path) -> None:
    empty = ("response", "https://empty.example/", "200 text/html", b"<html><body></body></html>")
    warc = write_warc(tmp_path / "pages.warc.gz", extra=[empty])
    with open(warc, "ab") as fh:
        fh.write(b"this is not a record\r\n\r\n")
    articles, errors, _ = read(warc)
    assert [a.id for a in articles] == PAGE_URLS
    assert [e.source for e in errors] == [f"{warc}:10 (https://empty.example/)", f"{warc}:11"]
    assert "no article text" in errors[0].message
    assert errors[1].message.startswith("broken WARC record (Invalid WARC record")


@QUIET
def test_an_oversized_page_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    huge = ("response", "https://big.example/", "200 text/html", page("word " * 5_000_000))
    warc = write_warc(tmp_path / "big.warc.gz", extra=[huge])
    errors: list[InputError] = []
    articles = list(iter_articles([warc], options=Options(), on_error=errors.append))
    assert len(articles) == 4
    assert [e.source for e in errors] == [f"{warc}:10 (https://big.example/)"]
    assert "too large" in errors[0].message


@QUIET
def test_a_url_captured_twice_is_read_once_and_said(tmp_path: Path) -> None:
    again = ("response", f"{SITE}/wire", "200 text/html", page(story("01-wire"), PUBLISHED_HEAD))
    changed = ("response", f"{SITE}/wire", "200 text/html", page(story("05-summary")))
    warc = write_warc(tmp_path / "twice.warc.gz", extra=[again, changed])
    errors: list[InputError] = []
    articles = list(distinct_ids(iter_articles([warc], on_error=errors.append), errors.append))
    assert [a.id for a in articles] == PAGE_URLS
    same, other = errors
    assert isinstance(same, SkippedInput) and same.source == f"{warc}:10"
    assert "same text" in same.message
    assert not isinstance(other, SkippedInput) and other.source == f"{warc}:11"
    assert other.message == f"duplicate id '{SITE}/wire' (first read from {warc}:3), skipped"


def test_scan_of_a_warc_finds_the_planted_reprints(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "pages.warc.gz")
    result = CliRunner().invoke(main, ["scan", str(warc), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    pairs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    found = {frozenset((p["a"], p["b"])) for p in pairs}
    assert frozenset((f"{SITE}/wire", "https://herald.example/reprint")) in found
    assert not any("https://science.example/x" in pair for pair in found)
    assert "9 records: 4 HTML pages read" in result.stderr


def test_add_and_check_with_a_warc(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "pages.warc.gz")
    db = str(tmp_path / "a.db")
    added = CliRunner().invoke(main, ["add", str(warc), "--db", db])
    assert added.exit_code == 0, added.output
    assert "added 4," in added.stdout
    reprint = tmp_path / "reprint.txt"
    reprint.write_text(story("03-reprint-daily"), encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(reprint), "--db", db, "--format", "json"])
    assert checked.exit_code == 0, checked.output
    ids = [m["id"] for m in json.loads(checked.stdout)["matches"]]
    assert f"{SITE}/wire" in ids


def test_check_of_a_warc_checks_each_page(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    wire = tmp_path / "wire.txt"
    wire.write_text(story("01-wire"), encoding="utf-8")
    assert CliRunner().invoke(main, ["add", str(wire), "--db", db]).exit_code == 0
    warc = write_warc(tmp_path / "pages.warc.gz")
    result = CliRunner().invoke(main, ["check", str(warc), "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in rows] == PAGE_URLS
    hits = {r["url"]: [m["id"] for m in r["matches"]] for r in rows}
    assert hits["https://herald.example/reprint"] == ["wire"]
    assert hits["https://science.example/x"] == []
