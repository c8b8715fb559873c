"""Web inputs: ``check URL``, ``add --feed``, ``add --sitemap`` and the polite fetcher.

Every request goes to an HTTP server on 127.0.0.1 that the test starts, serving pages,
feeds, sitemaps and robots.txt written here around the demo corpus's stories (the
project's own text); nothing reaches the internet. No test sleeps: the fetcher's clock
and sleep are replaced, and the CLI runs with ``--host-delay 0``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newstrace.cli import main
from newstrace.errors import InputError
from newstrace.fetch import (
    ATTEMPTS,
    USER_AGENT,
    Fetcher,
    article_from_url,
    feed_links,
    iter_feed,
    iter_sitemap,
)

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"

Answer = tuple[int, str, bytes]  # status, content type, body


def story(name: str) -> str:
    return (DEMO / f"{name}.txt").read_text(encoding="utf-8")


def page(name: str, head: str = "") -> bytes:
    paras = "".join(f"<p>{line}</p>" for line in story(name).splitlines() if line.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name}</title>{head}</head>"
        f"<body><article>{paras}</article></body></html>"
    ).encode()


@dataclass
class Site:
    """What the loopback server answers: a path's answers in turn (the last repeats)."""

    routes: dict[str, list[Answer]] = field(default_factory=dict)
    hits: list[tuple[str, str]] = field(default_factory=list)  # (path, user agent)
    base: str = ""

    def answer(self, path: str) -> Answer:
        queue = self.routes.get(path)
        if not queue:
            return 404, "text/plain", b"not here"
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture()
def site() -> Iterator[Site]:
    served = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.hits.append((self.path, self.headers.get("User-Agent", "")))
            status, ctype, body = served.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if status == 503:
                self.send_header("Retry-After", "7")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


HTML = "text/html; charset=utf-8"
WIRE_HEAD = '<meta property="article:published_time" content="2024-03-04T08:05:00-05:00">'


def news_site(site: Site) -> None:
    """Pages, a feed, a sitemap and robots.txt of a small news site."""
    b = site.base
    site.routes.update(
        {
            "/robots.txt": [(200, "text/plain", b"User-agent: *\nDisallow: /private/\n")],
            "/news/wire": [(200, HTML, page("01-wire", WIRE_HEAD))],
            "/news/herald": [(200, HTML, page("02-reprint-herald"))],
            "/news/spin": [(200, HTML, page("04-spin"))],
            "/news/science": [(200, HTML, page("09-unrelated-science"))],
            "/private/draft": [(200, HTML, page("05-summary"))],
            "/logo.png": [(200, "image/png", b"\x89PNG\r\n\x1a\n")],
            "/rss.xml": [(200, "application/rss+xml", rss(b).encode())],
            "/sitemap.xml": [(200, "application/xml", sitemap(b).encode())],
            "/sitemap-index.xml": [(200, "application/xml", sitemap_index(b).encode())],
        }
    )


def rss(base: str) -> str:
    items = [
        ("/news/wire", "Wed, 04 Mar 2026 13:00:00 GMT"),
        ("/news/herald", "Wed, 04 Mar 2026 15:30:00 +0100"),
        ("/news/science", "Thu, 05 Mar 2026 09:00:00 GMT"),
    ]
    body = "".join(
        f"<item><title>Story</title><link>{base}{path}</link><pubDate>{when}</pubDate></item>"
        for path, when in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Courier</title><link>{base}/</link>{body}</channel></rss>"
    )


def sitemap(base: str) -> str:
    news = "http://www.google.com/schemas/sitemap-news/0.9"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="{news}">'
        f"<url><loc>{base}/news/spin</loc><lastmod>2026-03-09</lastmod>"
        "<news:news><news:publication_date>2026-03-05T10:00:00+01:00</news:publication_date>"
        "</news:news></url>"
        f"<url><loc>{base}/private/draft</loc></url>"
        "</urlset>"
    )


def sitemap_index(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>"
    )


class FakeClock:
    """A clock that moves only when the fetcher sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fetcher(clock: FakeClock | None = None, delay: float = 1.0) -> Fetcher:
    clock = clock or FakeClock()
    return Fetcher(host_delay=delay, clock=clock, sleep=clock.sleep)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------- fetcher


def test_a_page_is_read_with_its_url_for_id_and_its_time_in_utc(site: Site) -> None:
    news_site(site)
    url = f"{site.base}/news/wire"
    art = article_from_url(url, fetcher())
    assert (art.id, art.url, art.origin, art.format) == (url, url, url, "html")
    assert "Wren of Calloway" in art.text
    assert art.published == "2024-03-04T13:05:00Z"
    assert [path for path, _ in site.hits] == ["/robots.txt", "/news/wire"]
    assert all(agent == USER_AGENT for _, agent in site.hits)


def test_requests_to_one_host_are_spaced_without_waiting_on_the_wall_clock(site: Site) -> None:
    news_site(site)
    clock = FakeClock()
    f = fetcher(clock, delay=2.5)
    for path in ("/news/wire", "/news/herald", "/news/spin"):
        f.get(site.base + path)
    assert clock.sleeps == [2.5, 2.5, 2.5]  # robots.txt, then three pages 2.5 s apart


def test_crawl_delay_of_robots_txt_wins_when_longer(site: Site) -> None:
    news_site(site)
    site.routes["/robots.txt"] = [(200, "text/plain", b"User-agent: *\nCrawl-delay: 4\n")]
    clock = FakeClock()
    f = fetcher(clock, delay=1.0)
    f.get(site.base + "/news/wire")
    f.get(site.base + "/news/herald")
    assert clock.sleeps == [1.0, 4.0]  # robots.txt was fetched before its delay was known


def test_robots_txt_is_obeyed(site: Site) -> None:
    news_site(site)
    with pytest.raises(InputError) as info:
        fetcher().get(f"{site.base}/private/draft")
    assert info.value.source == f"{site.base}/private/draft"
    assert "robots.txt" in info.value.message
    assert "/private/draft" not in [path for path, _ in site.hits]


def test_a_robots_txt_that_fails_with_5xx_forbids_the_site(site: Site) -> None:
    news_site(site)
    site.routes["/robots.txt"] = [(500, "text/plain", b"down")]
    with pytest.raises(InputError, match=r"robots\.txt"):
        fetcher().get(f"{site.base}/news/wire")


def test_a_missing_robots_txt_allows_all(site: Site) -> None:
    news_site(site)
    del site.routes["/robots.txt"]
    assert fetcher().get(f"{site.base}/private/draft").status == 200


def test_retries_back_off_and_honour_retry_after(site: Site) -> None:
    news_site(site)
    busy = (503, "text/plain", b"busy")
    site.routes["/news/wire"] = [busy, busy, (200, HTML, page("01-wire"))]
    clock = FakeClock()
    art = article_from_url(f"{site.base}/news/wire", fetcher(clock, delay=0))
    assert "Wren of Calloway" in art.text
    assert clock.sleeps == [7.0, 7.0]  # the server's Retry-After, twice


def test_a_server_that_stays_down_is_one_error_after_the_retries(site: Site) -> None:
    news_site(site)
    site.routes["/news/wire"] = [(502, "text/plain", b"bad gateway")]
    clock = FakeClock()
    with pytest.raises(InputError, match="HTTP status 502"):
        article_from_url(f"{site.base}/news/wire", fetcher(clock, delay=0))
    assert clock.sleeps == [1.0, 2.0, 4.0]  # exponential backoff
    assert [p for p, _ in site.hits].count("/news/wire") == ATTEMPTS


def test_a_refused_connection_is_retried_then_named(site: Site) -> None:
    clock = FakeClock()
    f = fetcher(clock, delay=0)
    url = "http://127.0.0.1:9/news/wire"  # the discard port: nothing listens
    with pytest.raises(InputError) as info:
        f.get(url)
    assert info.value.source == url
    assert info.value.message.startswith("cannot connect")
    assert clock.sleeps == [1.0, 2.0, 4.0]  # retried with backoff before giving up


def test_not_found_and_not_html_are_errors_naming_the_url(site: Site) -> None:
    news_site(site)
    f = fetcher(delay=0)
    with pytest.raises(InputError, match="HTTP status 404") as info:
        article_from_url(f"{site.base}/news/missing", f)
    assert info.value.source == f"{site.base}/news/missing"
    with pytest.raises(InputError, match=r"not an HTML page \(image/png\)"):
        article_from_url(f"{site.base}/logo.png", f)


# --------------------------------------------------------------------------- feeds, sitemaps


def test_feed_entries_give_links_and_their_publication_times(site: Site) -> None:
    news_site(site)
    links = feed_links(f"{site.base}/rss.xml", fetcher(delay=0))
    assert links == [
        (f"{site.base}/news/wire", "2026-03-04T13:00:00Z"),
        (f"{site.base}/news/herald", "2026-03-04T14:30:00Z"),
        (f"{site.base}/news/science", "2026-03-05T09:00:00Z"),
    ]


def test_a_feed_from_a_file_reads_its_pages(site: Site, tmp_path: Path) -> None:
    news_site(site)
    feed = tmp_path / "feed.xml"
    feed.write_text(rss(site.base), encoding="utf-8")
    errors: list[InputError] = []
    arts = list(iter_feed(str(feed), fetcher(delay=0), on_error=errors.append))
    assert [a.id for a in arts] == [f"{site.base}/news/{n}" for n in ("wire", "herald", "science")]
    # the page's own time wins; a page without one gets the feed's
    assert [a.published for a in arts][:2] == ["2024-03-04T13:05:00Z", "2026-03-04T14:30:00Z"]
    assert errors == []


def test_a_broken_feed_is_one_error(site: Site, tmp_path: Path) -> None:
    bad = tmp_path / "feed.xml"
    bad.write_bytes(b"\x00\x01 not a feed")
    errors: list[InputError] = []
    assert list(iter_feed(str(bad), fetcher(delay=0), on_error=errors.append)) == []
    assert [e.source for e in errors] == [str(bad)] and "not a feed" in errors[0].message


def test_a_sitemap_index_leads_to_pages_and_robots_still_rule(site: Site) -> None:
    news_site(site)
    errors: list[InputError] = []
    arts = list(
        iter_sitemap(f"{site.base}/sitemap-index.xml", fetcher(delay=0), on_error=errors.append)
    )
    assert [a.id for a in arts] == [f"{site.base}/news/spin"]
    assert arts[0].published == "2026-03-05T09:00:00Z"  # news:publication_date, not lastmod
    assert [e.source for e in errors] == [f"{site.base}/private/draft"]


# --------------------------------------------------------------------------- command line


def test_add_feed_then_check_url_finds_the_reprint(site: Site, tmp_path: Path) -> None:
    news_site(site)
    db = str(tmp_path / "web.db")
    added = run("add", "--feed", f"{site.base}/rss.xml", "--db", db, "--host-delay", "0")
    assert added.exit_code == 0, added.output
    assert "added 3," in added.stdout
    site.routes["/news/daily"] = [(200, HTML, page("03-reprint-daily"))]
    checked = run(
        "check", f"{site.base}/news/daily", "--db", db, "--format", "json", "--host-delay", "0"
    )
    assert checked.exit_code == 0, checked.output
    out = json.loads(checked.stdout)
    assert out["article"] == f"{site.base}/news/daily"
    assert f"{site.base}/news/wire" in [m["id"] for m in out["matches"]]


def test_scan_urls_feed_and_sitemap_together(site: Site) -> None:
    news_site(site)
    result = run(
        "scan",
        f"{site.base}/news/herald",
        "--feed",
        f"{site.base}/rss.xml",
        "--sitemap",
        f"{site.base}/sitemap.xml",
        "--format",
        "jsonl",
        "--host-delay",
        "0",
    )
    assert result.exit_code == 1, result.output  # the draft robots.txt forbids
    assert f"skipped {site.base}/private/draft: robots.txt" in result.stderr
    # the herald page given twice (argument and feed): read once, said
    assert f"{site.base}/news/herald: given twice, read once" in result.stderr
    pairs = [json.loads(line) for line in result.stdout.splitlines()]
    found = {frozenset((p["a"], p["b"])) for p in pairs}
    assert frozenset((f"{site.base}/news/wire", f"{site.base}/news/herald")) in found
    assert frozenset((f"{site.base}/news/wire", f"{site.base}/news/spin")) in found


def test_check_url_that_fails_is_a_one_line_error(site: Site, tmp_path: Path) -> None:
    news_site(site)
    db = tmp_path / "empty.db"
    assert run("add", str(DEMO / "01-wire.txt"), "--db", str(db)).exit_code == 0
    result = run("check", f"{site.base}/news/missing", "--db", str(db), "--host-delay", "0")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"newstrace: error: {site.base}/news/missing: HTTP status 404, not a page"
    ]
