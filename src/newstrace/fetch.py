"""Pages from the web: URLs, feeds (RSS, Atom) and sitemaps, fetched politely and read
through the same extraction as HTML files.

Fetching uses urllib3, the HTTP client trafilatura uses, with what a polite crawler
owes a site: a user agent that names newstrace, connect and read timeouts, robots.txt
obeyed (its Crawl-delay too), retries with exponential backoff (Retry-After honoured)
on 429 and 5xx answers and broken connections, and at most one request per
:data:`HOST_DELAY` seconds to one host. The clock and the sleep are parameters, so tests
run without waiting. A page's id is its URL as given (by the user, the feed or the
sitemap); every failure is an :class:`~newstrace.errors.InputError` naming the URL.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3

from . import __version__
from .errors import InputError
from .ingest import article_from_html, decode_page, input_byte_limit, normalise_time, path_name
from .model import Article
from .options import DEFAULT_OPTIONS, Options

__all__ = [
    "HOST_DELAY",
    "USER_AGENT",
    "Fetcher",
    "Response",
    "article_from_url",
    "is_url",
    "iter_feed",
    "iter_sitemap",
]

USER_AGENT = f"newstrace/{__version__} (finds copied news; obeys robots.txt)"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a connection."""
READ_TIMEOUT = 30.0
"""Seconds to wait for the server between two reads."""
HOST_DELAY = 1.0
"""Seconds between two requests to one host (robots.txt's Crawl-delay, when longer, wins)."""
MAX_CRAWL_DELAY = 60.0
"""A robots.txt Crawl-delay is honoured up to this many seconds."""
ATTEMPTS = 4
"""Tries of one request: the first and three retries."""
BACKOFF = 1.0
"""Seconds before the first retry; each later retry waits twice as long ..."""
MAX_BACKOFF = 30.0
"""... up to this (a Retry-After header too)."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_SITEMAP_DEPTH = 3
"""Sitemap indexes followed this deep (an index of indexes of sitemaps is 2)."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16


def is_url(value: str) -> bool:
    """Whether an input names a web page (http or https) rather than a file."""
    return value.strip().lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP answer: the URL it came from (after redirects), its status, headers
    (names in lower case) and body (decompressed)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class Fetcher:
    """A polite HTTP client for one run: robots.txt and the time of the last request
    are kept per host."""

    user_agent: str = USER_AGENT
    host_delay: float = HOST_DELAY
    max_bytes: int = input_byte_limit(DEFAULT_OPTIONS)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _pool: urllib3.PoolManager = field(init=False, repr=False)
    _robots: dict[str, RobotFileParser] = field(default_factory=dict, init=False, repr=False)
    _next: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _down: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._pool = urllib3.PoolManager(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
        )

    def get(self, url: str) -> Response:
        """The answer for ``url`` (any status), after robots.txt allows it; an
        InputError when it does not, or when no answer comes after the retries."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(url, "not an http(s) URL")
        robots = self._robots_for(url)
        down = self._down.get(parts.netloc.lower())
        if down is not None:
            raise InputError(url, f"{down} (no answer for robots.txt)")
        if not robots.can_fetch(self.user_agent, url):
            raise InputError(url, "robots.txt of the site does not allow fetching it")
        return self._request(url)

    def _request(self, url: str) -> Response:
        """GET with retries: 429/5xx and broken connections are tried again after a
        backoff (or the server's Retry-After), at most :data:`ATTEMPTS` times."""
        for attempt in range(ATTEMPTS):
            self._wait_turn(url)
            try:
                response = self._once(url)
            except _NoAnswer:
                if attempt + 1 == ATTEMPTS:
                    raise
                self.sleep(_backoff(attempt, None))
                continue
            if response.status not in RETRY_STATUSES or attempt + 1 == ATTEMPTS:
                return response
            self.sleep(_backoff(attempt, response.headers.get("retry-after")))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _once(self, url: str) -> Response:
        retries = urllib3.Retry(
            total=None, connect=0, read=0, status=0, redirect=MAX_REDIRECTS, raise_on_status=False
        )
        try:
            raw = self._pool.request("GET", url, retries=retries, preload_content=False)
        except urllib3.exceptions.MaxRetryError as exc:
            raise _NoAnswer(url, _reason(exc.reason or exc)) from None
        except urllib3.exceptions.HTTPError as exc:
            raise _NoAnswer(url, _reason(exc)) from None
        try:
            body = self._body(raw, url)
        finally:
            raw.release_conn()
        final = urljoin(url, raw.geturl() or url)
        headers = {k.lower(): v for k, v in raw.headers.items()}
        return Response(final, raw.status, headers, body)

    def _body(self, raw: Any, url: str) -> bytes:
        """The body, decompressed, refused past :attr:`max_bytes` (never held whole)."""
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.stream(_CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise InputError(url, f"page too large (more than {self.max_bytes:,} bytes)")
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as exc:
            raise _NoAnswer(url, _reason(exc)) from None
        return b"".join(chunks)

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again, and book the next turn."""
        host = urlsplit(url).netloc.lower()
        now = self.clock()
        turn = self._next.get(host, now)
        if turn > now:
            self.sleep(turn - now)
            now = turn
        self._next[host] = now + self._delay(host)

    def _delay(self, host: str) -> float:
        robots = self._robots.get(host)
        crawl = robots.crawl_delay(self.user_agent) if robots is not None else None
        return max(self.host_delay, min(float(crawl or 0), MAX_CRAWL_DELAY))

    def _robots_for(self, url: str) -> RobotFileParser:
        """The site's robots.txt rules, fetched once per host: 401/403 forbid the site,
        another 4xx allows it all, a 5xx or no answer forbids it (RFC 9309)."""
        parts = urlsplit(url)
        host = parts.netloc.lower()
        robots = self._robots.get(host)
        if robots is not None:
            return robots
        robots = RobotFileParser()
        where = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            answer = self._request(where)
        except InputError as exc:
            self._down[host] = exc.message
            robots.parse(_FORBID_ALL)
        else:
            if answer.status == 200:
                robots.parse(answer.body.decode("utf-8", "replace").splitlines())
            elif answer.status in (401, 403) or answer.status >= 500:
                robots.parse(_FORBID_ALL)
            else:
                robots.parse([])
        self._robots[host] = robots
        return robots


_FORBID_ALL = ("User-agent: *", "Disallow: /")


class _NoAnswer(InputError):
    """No answer came (connection refused, timed out, broken off): worth a retry."""


def _backoff(attempt: int, retry_after: str | None) -> float:
    """Seconds before retry ``attempt + 1``: the server's Retry-After (in seconds) when
    it gives one, else :data:`BACKOFF` doubled per attempt; never over MAX_BACKOFF."""
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), MAX_BACKOFF)
    return min(BACKOFF * 2.0**attempt, MAX_BACKOFF)


def _reason(exc: BaseException) -> str:
    """A connection failure in a few words."""
    if isinstance(
        exc, urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError
    ):
        return "cannot connect (connection refused or no such host)"
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "timed out"
    text = " ".join(str(exc).split())
    return f"cannot fetch ({type(exc).__name__}: {text[:200]})"


# --- pages -------------------------------------------------------------------------------


def article_from_url(
    url: str,
    fetcher: Fetcher,
    *,
    options: Options = DEFAULT_OPTIONS,
    listed_time: str | None = None,
) -> Article:
    """The article of one web page; its id is ``url`` as given."""
    response = fetcher.get(url)
    if response.status != 200:
        raise InputError(url, f"HTTP status {response.status}, not a page")
    ctype = response.content_type
    if ctype and ctype.lower().split(";")[0].strip() not in HTML_TYPES:
        raise InputError(url, f"not an HTML page ({ctype.split(';')[0].strip()})")
    html = decode_page(response.body, ctype, url)
    return article_from_html(
        html, id=url, origin=url, url=response.url, options=options, listed_time=listed_time
    )


def _source_bytes(source: str, fetcher: Fetcher) -> tuple[bytes, str]:
    """The bytes of a feed or sitemap given as a URL or a file, and its base URL."""
    if is_url(source):
        response = fetcher.get(source)
        if response.status != 200:
            raise InputError(source, f"HTTP status {response.status}")
        data, base = response.body, response.url
    else:
        path = Path(source)
        try:
            with open(path, "rb") as fh:
                data = fh.read(fetcher.max_bytes + 1)
        except FileNotFoundError:
            raise InputError(path_name(path), "no such file") from None
        except OSError as exc:
            raise InputError(path_name(path), f"cannot read ({exc.strerror or exc})") from None
        if len(data) > fetcher.max_bytes:
            raise InputError(path_name(path), f"too large (more than {fetcher.max_bytes:,} bytes)")
        base = ""
    if data[:2] == b"\x1f\x8b":  # a gzipped sitemap or feed
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(source, f"broken gzip file ({exc})") from None
    return data, base


def _pages(
    links: Iterator[tuple[str, str | None]],
    fetcher: Fetcher,
    options: Options,
    on_error: Callable[[InputError], None],
) -> Iterator[Article]:
    """The articles of (URL, listed time) pairs; a page that fails goes to ``on_error``."""
    for url, listed in links:
        try:
            yield article_from_url(url, fetcher, options=options, listed_time=listed)
        except InputError as exc:
            on_error(exc)


# --- feeds -------------------------------------------------------------------------------


def iter_feed(
    source: str,
    fetcher: Fetcher,
    *,
    options: Options = DEFAULT_OPTIONS,
    on_error: Callable[[InputError], None],
) -> Iterator[Article]:
    """The articles an RSS or Atom feed (a URL or a file) links to, each page fetched.
    An entry's own publication time (not its updated time) stands in for a page that
    gives no time of day."""
    try:
        links = feed_links(source, fetcher)
    except InputError as exc:
        on_error(exc)
        return
    yield from _pages(iter(links), fetcher, options, on_error)


def feed_links(source: str, fetcher: Fetcher) -> list[tuple[str, str | None]]:
    """(page URL, entry publication time) of each entry of a feed."""
    import feedparser

    data, base = _source_bytes(source, fetcher)
    feed = feedparser.parse(data, response_headers={"content-location": base} if base else None)
    if not feed.entries and feed.get("bozo"):
        reason = feed.get("bozo_exception")
        raise InputError(source, f"not a feed ({' '.join(str(reason).split())[:200]})")
    links = []
    for entry in feed.entries:
        link = urljoin(base, entry.get("link") or "")
        if not is_url(link):
            continue
        when = entry.get("published") or entry.get("created")
        links.append((link, normalise_time(when) if when else None))
    return links


# --- sitemaps ----------------------------------------------------------------------------

_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def iter_sitemap(
    source: str,
    fetcher: Fetcher,
    *,
    options: Options = DEFAULT_OPTIONS,
    on_error: Callable[[InputError], None],
) -> Iterator[Article]:
    """The articles a sitemap (a URL or a file; an index of sitemaps too) lists, each
    page fetched. A news sitemap's publication date stands in for a page that gives no
    time of day; ``lastmod`` is a modification time and is not used for publication."""
    yield from _pages(sitemap_links(source, fetcher, on_error), fetcher, options, on_error)


def sitemap_links(
    source: str,
    fetcher: Fetcher,
    on_error: Callable[[InputError], None],
    depth: int = 0,
) -> Iterator[tuple[str, str | None]]:
    """(page URL, news publication time) of each ``<url>`` of a sitemap, nested
    sitemap indexes followed up to :data:`MAX_SITEMAP_DEPTH`."""
    try:
        root, base = _sitemap_root(source, fetcher)
    except InputError as exc:
        on_error(exc)
        return
    kind = _local(root.tag)
    if kind == "sitemapindex":
        if depth >= MAX_SITEMAP_DEPTH:
            on_error(InputError(source, f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH}"))
            return
        for index_entry, _ in _locs(root, "sitemap"):
            yield from sitemap_links(urljoin(base, index_entry), fetcher, on_error, depth + 1)
    elif kind == "urlset":
        for page, listed in _locs(root, "url"):
            url = urljoin(base, page)
            if is_url(url):
                yield url, normalise_time(listed) if listed else None
    else:
        on_error(InputError(source, f"not a sitemap (root element <{kind}>)"))


def _sitemap_root(source: str, fetcher: Fetcher) -> tuple[Any, str]:
    from lxml import etree

    data, base = _source_bytes(source, fetcher)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(source, f"not a sitemap (broken XML: {exc})") from None
    if root is None:
        raise InputError(source, "not a sitemap (empty)")
    return root, base


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _locs(root: Any, entry: str) -> Iterator[tuple[str, str | None]]:
    """(loc, news publication date) of each ``entry`` element under ``root``."""
    for node in root:
        if _local(node.tag) != entry:
            continue
        loc = listed = None
        for child in node.iter():
            name = _local(child.tag)
            if name == "loc" and loc is None:
                loc = (child.text or "").strip()
            elif name == "publication_date" and str(child.tag).startswith(f"{{{_NEWS_NS}}}"):
                listed = (child.text or "").strip() or None
        if loc:
            yield loc, listed
