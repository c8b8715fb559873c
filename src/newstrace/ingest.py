"""Ingest stage: files, HTML, JSONL and web archives in, clean ``Article`` objects out.

Ids follow one rule: a file's is its path inside the folder argument without the
article suffix (:func:`file_id`), a JSONL record's its ``id``, a WARC record's or web
page's its URL (``warc.py``, ``fetch.py``); :func:`with_id_prefix` and
:func:`distinct_ids` namespace them and report collisions.

Decoding is the only transformation applied to a plain-text file, so every offset the
later stages report points into exactly the text a user gets by decoding the file
(UTF-8, UTF-8 with BOM, else cp1252, else latin-1). HTML goes through trafilatura; its
extracted text becomes ``Article.text`` and offsets point into that. Every failure is an
``InputError`` naming the input (path, ``<stdin>`` or ``file.jsonl:LINE``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date
from pathlib import Path, PurePath
from typing import IO, Any, cast, overload

from .errors import InputError, InputWarning, SkippedInput
from .model import Article
from .options import DEFAULT_OPTIONS, Options
from .source import parse_timestamp

__all__ = [
    "ARTICLE_SUFFIXES",
    "MAX_HTML_TAGS",
    "MAX_ID_CHARS",
    "article_from_file_bytes",
    "article_from_html",
    "article_from_text",
    "decode",
    "decode_page",
    "distinct_ids",
    "duplicate_id_error",
    "file_id",
    "input_byte_limit",
    "iter_articles",
    "iter_file_articles",
    "iter_named_paths",
    "iter_paths",
    "iter_stdin_jsonl",
    "jsonl_line_value",
    "looks_like_path",
    "normalise_time",
    "page_times",
    "parse_json",
    "path_name",
    "read_article",
    "read_stdin_article",
    "with_id_prefix",
]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")
TEXT_SUFFIXES = (".txt", ".text", ".md", ".txt.gz")
ARTICLE_SUFFIXES = HTML_SUFFIXES + JSONL_SUFFIXES + TEXT_SUFFIXES
WARC_SUFFIXES = (".warc", ".warc.gz")
INPUT_SUFFIXES = ARTICLE_SUFFIXES + WARC_SUFFIXES
"""What a folder is searched for: article files and web archives."""

MAX_ID_CHARS = 1000
"""The longest article id accepted anywhere: file names, JSONL, the Python API (and the
server's request models, which use the same number)."""

MAX_HTML_TAGS = 60_000
"""Most ``<`` (tags, comments) an HTML page may have: extraction time grows faster than
linearly with the number of elements (20,000 paragraphs take about 3 s, 300,000 more
than 5 minutes), so a bigger page is refused before it is parsed. Real news pages have
a few thousand (3,229 at most on the 181-page extraction benchmark)."""

MIN_INPUT_BYTES = 16 << 20
"""Floor of :func:`input_byte_limit`, so that a small ``max_chars`` still admits an
ordinary HTML page (whose markup is much larger than its text)."""

_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f]")  # control characters other than \t\n\v\f\r
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20)])
"""The bytes of ``_CONTROL_RE``'s characters."""
_JSONL_FIELDS = ("id", "text", "html", "url", "title", "published", "modified", "site", "author")


def input_byte_limit(options: Options) -> int:
    """The most bytes read from one file, decompressed: no text of ``max_chars``
    characters takes more than 4 bytes a character (plus a byte-order mark), and an
    HTML page gets at least :data:`MIN_INPUT_BYTES`. A larger input is refused after
    reading one byte more than this, so a decompression bomb never unpacks further."""
    return max(4 * options.max_chars + 4, MIN_INPUT_BYTES)


def _too_large(origin: str, limit: int, what: str = "file") -> InputError:
    return InputError(
        origin, f"{what} too large (more than {limit:,} bytes; the limit follows --max-chars)"
    )


def path_name(path: str | os.PathLike[str]) -> str:
    """A path as ids and messages show it: a file name that is not valid UTF-8 (held by
    Python as surrogate escapes) gets its odd bytes as backslash escapes ("caf\\xe9.txt"),
    so it can be printed and stored as UTF-8 like any other name."""
    name = os.fspath(path)
    if _SURROGATE.search(name) is None:
        return name
    try:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no byte escapes to
        return _valid(name)


# Each byte of a UTF-8 file that is not part of valid UTF-8 is read as cp1252 (latin-1
# for the five bytes cp1252 leaves undefined): "decode" with surrogateescape keeps such
# bytes as U+DC80..U+DCFF, and this table turns each into its cp1252 character.
_CP1252 = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256))
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _from_escape(m: re.Match[str]) -> str:
    return _CP1252[ord(m.group()) - 0xDC00]


def decode(data: bytes, origin: str) -> str:
    """Bytes to text: UTF-8 (BOM dropped), else cp1252, else latin-1; binary is refused.

    A UTF-8 text with a few bytes that are not UTF-8 (a stray cp1252 quote pasted in) is
    repaired, not turned whole into mojibake: the valid UTF-8 stays UTF-8, the odd bytes
    are read as cp1252, and an :class:`InputWarning` says so. A file is binary when it
    has NUL bytes or many control characters anywhere: such input would "decode" as
    latin-1 into garbage that then matches nothing, silently.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(origin, f"broken UTF-16 text ({exc.reason})") from None
        if "\x00" in text:  # UTF-32, or binary that happens to start like UTF-16
            raise InputError(origin, "binary file (NUL characters), not an article")
        controls = len(_CONTROL_RE.findall(text))
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if b"\x00" in data:
            raise InputError(origin, "binary file (NUL bytes), not an article")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_legacy(data, origin)
        # Each control byte is one control character of the text whichever way it was
        # read (UTF-8, cp1252 and latin-1 keep bytes below 0x80 as they are), and
        # counting bytes is ten times faster than a search of the text.
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(8, len(text) // 100):
        raise InputError(origin, "binary file (control characters), not an article")
    return text


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CHARSET_PARAM_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_CHARSET_SNIFF = 4096
"""Bytes of a page searched for a ``<meta charset>`` when the server named none."""


def decode_page(data: bytes, content_type: str | None, origin: str) -> str:
    """A fetched or archived page's bytes as text: the charset its Content-Type names,
    else its ``<meta charset>``, else :func:`decode`'s rules (UTF-8, else cp1252). A
    charset that is unknown, or that the bytes do not follow, falls back to
    :func:`decode` (a page's declaration is often wrong)."""
    m = _CHARSET_PARAM_RE.search(content_type or "")
    found = m.group(1) if m else None
    if found is None:
        meta = _CHARSET_RE.search(data[:_CHARSET_SNIFF])
        found = meta.group(1).decode("ascii", "replace") if meta else None
    if found and found.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            text = data.decode(found)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if "\x00" not in text:
                return text
    return decode(data, origin)


def _decode_legacy(data: bytes, origin: str) -> str:
    """Bytes that are not all UTF-8: cp1252 (else latin-1) when no byte beyond ASCII is
    valid UTF-8, else UTF-8 with the odd bytes read as cp1252 (and a warning)."""
    text = data.decode("utf-8", "surrogateescape")
    odd = len(_ESCAPED_BYTE.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii == odd:  # a single-byte legacy encoding throughout
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    first = _ESCAPED_BYTE.search(text)
    line = text.count("\n", 0, first.start() if first else 0) + 1
    warnings.warn(
        InputWarning(
            origin,
            f"{odd:,} byte(s) not UTF-8 (first on line {line:,}) read as cp1252; the rest as UTF-8",
        ),
        stacklevel=3,
    )
    return _ESCAPED_BYTE.sub(_from_escape, text)


def _read_bytes(path: Path, origin: str, limit: int) -> bytes:
    """The file's bytes, at most ``limit`` + 1 of them (more means too large)."""
    try:
        if path.is_dir():
            raise InputError(origin, "is a directory, expected a file")
        with open(path, "rb") as fh:
            return fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except PermissionError:
        raise InputError(origin, "permission denied") from None
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or exc})") from None


def _gunzip(data: bytes, origin: str, limit: int) -> bytes:
    """Decompressed in pieces, never past ``limit`` bytes: a bigger result is refused."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(origin, f"broken gzip file ({exc})") from None
    if len(out) > limit:
        raise _too_large(origin, limit, "decompressed file")
    return out


def _require_text(text: str, origin: str, options: Options) -> None:
    if not text.strip():
        raise InputError(origin, "empty article (no text)")
    if len(text) > options.max_chars:
        raise InputError(
            origin,
            f"article too large ({len(text):,} characters; limit "
            f"{options.max_chars:,}, see --max-chars)",
        )


def article_from_text(
    text: str,
    *,
    id: str,
    origin: str | None = None,
    title: str | None = None,
    url: str | None = None,
    site: str | None = None,
    published: str | None = None,
    author: str | None = None,
    options: Options = DEFAULT_OPTIONS,
    modified: str | None = None,
) -> Article:
    """An article from a string of text, kept exactly as given (offsets point into it),
    except that lone surrogates become U+FFFD (see ``_valid``)."""
    text = _valid(text)
    _require_text(text, origin or id, options)
    id = _check_id(_valid(id), _valid(origin or id))
    return Article(
        id=id,
        text=text,
        title=_valid(title),
        url=_valid(url),
        site=_valid(site),
        published=_valid(published),
        author=_valid(author),
        origin=_valid(origin or id),
        format="string",
        modified=_valid(modified),
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


@overload
def _valid(value: str) -> str: ...
@overload
def _valid(value: None) -> None: ...
@overload
def _valid(value: str | None) -> str | None: ...


def _valid(value: str | None) -> str | None:
    """Lone surrogates (JSON escapes like "\\ud800", bad decoding upstream) replaced by
    U+FFFD: one code point for one, so offsets hold, and the text can be written out
    as UTF-8 (stdout, SQLite, JSON) without an encoding error."""
    if value is None or value.isascii():
        return value
    try:  # UTF-8 refuses exactly the surrogates, and encodes faster than a search finds
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def _check_id(art_id: str, origin: str) -> str:
    """The id itself, or an InputError when it is empty or over :data:`MAX_ID_CHARS`."""
    if not art_id.strip():
        raise InputError(origin, "empty 'id'")
    if len(art_id) > MAX_ID_CHARS:
        raise InputError(
            origin, f"id too long ({len(art_id):,} characters; limit {MAX_ID_CHARS:,})"
        )
    return art_id


def article_from_html(
    html: str,
    *,
    id: str,
    origin: str | None = None,
    url: str | None = None,
    options: Options = DEFAULT_OPTIONS,
    listed_time: str | None = None,
    capture_time: str | None = None,
    **meta: str | None,
) -> Article:
    """An article from an HTML page: body text and metadata through trafilatura.

    Metadata given in ``meta`` (title, site, published, modified, author) wins over what
    the page says. ``Article.text`` is the extracted text; offsets point into it. The publication
    time is, first found: ``meta["published"]``, the page's own timestamp (time of day
    kept, see :func:`page_times`), ``listed_time`` (a feed's or news sitemap's time for
    the page), the page's own date (trafilatura: the day only), ``capture_time`` (when a
    crawler fetched it, e.g. WARC-Date: the latest it can have been published). Times
    found here are normalised (:func:`normalise_time`); a time given in ``meta`` is kept
    as given. A modified time is never taken for the publication time; it is kept apart
    in ``Article.modified`` (``meta["modified"]``, else the page's own, see
    :func:`page_times`).
    """
    name = _valid(origin or id)
    html = _valid(html)
    meta = {k: _valid(v) for k, v in meta.items()}
    if not html.strip():
        raise InputError(name, "empty HTML document")
    id = _check_id(_valid(id), name)
    tags = html.count("<")
    if tags > MAX_HTML_TAGS:
        raise InputError(
            name, f"HTML page too complex to extract ({tags:,} tags; limit {MAX_HTML_TAGS:,})"
        )
    doc = _extract(html, url, name)
    text = doc.get("text") or ""
    _require_text(text, name, options)
    times = page_times(html)
    return Article(
        id=id,
        text=text,
        title=meta.get("title") or doc.get("title"),
        url=_valid(url) or doc.get("url"),
        site=meta.get("site") or doc.get("sitename") or doc.get("hostname"),
        published=meta.get("published")
        or _first_time(
            times.published,
            listed_time,
            _not_modified(_not_after(doc.get("date"), capture_time), times),
            capture_time,
        ),
        author=meta.get("author") or doc.get("author"),
        origin=name,
        format="html",
        modified=meta.get("modified") or times.modified,
    )


# Publication and modification times with time of day from the page's metadata
# (trafilatura keeps the day only): meta article:published_time and friends, JSON-LD
# datePublished / dateModified, itemprop, <time datetime>. The two are kept apart: a page
# that gives only its modified time has no publication time from here.
_META_TIME_NAMES = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
)
_META_MODIFIED_NAMES = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
)
_TIMESTAMP_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_LDJSON_RE = re.compile(
    r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)
_TIME_TAG_RE = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_ITEMPROP_RE = re.compile(
    r"<[^>]*\bitemprop\s*=\s*[\"']date(Published|Modified)[\"'][^>]*>", re.IGNORECASE
)
_HEAD_CHARS = 200_000
"""How far into a page its time metadata is looked for."""


@dataclass(frozen=True, slots=True)
class PageTimes:
    """A page's own publication and modification timestamps (normalised), or None."""

    published: str | None
    modified: str | None


def page_times(html: str) -> PageTimes:
    """The page's own publication and modification timestamps, each only when the page
    gives a time of day (a bare date is left to trafilatura), normalised."""
    head = html[:_HEAD_CHARS]
    found: dict[str, str] = {}
    for tag in _META_RE.findall(head):
        attrs = _attrs(tag)
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        kind = "published" if name in _META_TIME_NAMES else "modified"
        if name in _META_TIME_NAMES or name in _META_MODIFIED_NAMES:
            _keep(found, kind, attrs.get("content"))
    for block in _LDJSON_RE.findall(head):
        try:
            node = json.loads(block)
        except (ValueError, RecursionError):
            continue
        _keep(found, "published", _ld_date(node, "datePublished"))
        _keep(found, "modified", _ld_date(node, "dateModified"))
    for m in _ITEMPROP_RE.finditer(head):
        attrs = _attrs(m.group())
        kind = "published" if m.group(1).lower() == "published" else "modified"
        _keep(found, kind, attrs.get("content") or attrs.get("datetime"))
    tag_time = _TIME_TAG_RE.search(head)
    if tag_time is not None:
        _keep(found, "published", tag_time.group(1))
    return PageTimes(found.get("published"), found.get("modified"))


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): (v1 or v2 or v3) for k, v1, v2, v3 in _ATTR_RE.findall(tag)}


def _keep(found: dict[str, str], kind: str, value: str | None) -> None:
    """Keep the first timestamp with a time of day found for ``kind``."""
    if kind not in found and value and _TIMESTAMP_RE.match(value):
        found[kind] = normalise_time(value) or value.strip()


def _not_after(day: str | None, capture_time: str | None) -> str | None:
    """trafilatura's date for a page, unless it falls after the page was captured: a
    date guessed from the text (a page without date metadata) can be wrong."""
    captured = normalise_time(capture_time) if capture_time else None
    if day and captured and day.strip()[:10] > captured[:10]:
        return None
    return day


def _not_modified(day: str | None, times: PageTimes) -> str | None:
    """trafilatura's date for a page, unless the page states only a modified time and
    this date is that time's day (trafilatura falls back to the modified date when a
    page gives no publication date): a modified time is never a publication time.
    "That day" is within one day of the modified time in UTC, the widest a local day
    can differ; a true publication date that close is lost, an unknown time is said."""
    if not day or times.published is not None or times.modified is None:
        return day
    try:
        found = date.fromisoformat(day.strip()[:10])
        changed = date.fromisoformat(times.modified[:10])
    except ValueError:
        return day
    return None if abs((found - changed).days) <= 1 else day


def _first_time(*values: str | None) -> str | None:
    """The first value that is a time, normalised (None when none is)."""
    for value in values:
        if value and value.strip():
            return normalise_time(value) or value.strip()
    return None


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalise_time(value: str) -> str | None:
    """One form for every time a page, feed or WARC gives: a date stays ``YYYY-MM-DD``; a
    timestamp with a zone (ISO 8601, "Z", "+0100", or RFC 2822 as feeds and HTTP write
    it) becomes UTC ``YYYY-MM-DDTHH:MM:SSZ``, so that times compare as strings too; one
    without a zone stays local ``YYYY-MM-DDTHH:MM:SS``. None for anything else."""
    s = value.strip()
    if _DATE_RE.match(s):
        try:
            return date.fromisoformat(s).isoformat()
        except ValueError:
            return None
    stamp = parse_timestamp(s)
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        return stamp.isoformat(timespec="seconds")
    utc = stamp.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="seconds") + "Z"


def _ld_date(node: Any, key: str, depth: int = 0) -> str | None:
    """``key`` (datePublished, dateModified) of the first JSON-LD node that has one with
    a time of day."""
    if depth > 6:
        return None
    if isinstance(node, dict):
        value = node.get(key)
        if isinstance(value, str) and _TIMESTAMP_RE.match(value):
            return value.strip()
        children: Iterable[Any] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        if isinstance(child, dict | list):
            found = _ld_date(child, key, depth + 1)
            if found:
                return found
    return None


# --- HTML body extraction ---------------------------------------------------------------
#
# trafilatura runs twice on one parsed tree: in precision mode (tighter: leaves out
# teasers, captions, newsletter boxes) and in fast recall mode. The precise text is kept
# unless it looks like a miss: much shorter than the recall text, or mostly not in it
# (precision mode then latched onto some other block). An article that the page splits
# into several sibling containers (ads between the chunks) then gets its other chunks
# back (_add_split_chunks). Word 4-gram F1 on the Scrapinghub article-extraction
# benchmark (bench/eval_extraction.py, 181 pages): favor_recall alone 0.959, precision
# mode alone 0.964, the choice 0.971 (flat for either threshold anywhere in 0.1-0.6; a
# split-half check tunes nothing better), with the chunks 0.974.

_FALLBACK_SHARE = 0.5  # precise text under this share of the recall text's words: a miss
_FALLBACK_INSIDE = 0.5  # ... or under this share of its word 4-grams in the recall text
_CHUNK_LEVELS = 2  # how far above the text's container sibling chunks are looked for
_CHUNK_MIN_WORDS = 30  # a sibling chunk adds at least this many words of prose
_CHUNK_MIN_PARAS = 2  # ... in at least this many paragraphs new to the text
_WORD_RE = re.compile(r"\w+")
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "footer",
        "aside",
        "header",
        "figure",
        "figcaption",
    }
)


def _extract(html: str, url: str | None, origin: str) -> dict[str, Any]:
    """Body text (see above) and trafilatura's metadata, or an InputError if nothing is found."""
    import trafilatura  # imported on first HTML input: it costs ~0.3 s
    from trafilatura.utils import load_html

    common: dict[str, Any] = {"url": url, "include_comments": False, "include_tables": True}
    try:
        tree = load_html(html)
        if tree is not None and _depth(tree) >= _PARSER_MAX_DEPTH:
            tree = load_html(_flatten(html))  # the parser dropped all below its limit
        if tree is None:
            raise InputError(origin, "no article text found in HTML")
        precise = trafilatura.bare_extraction(
            tree, with_metadata=True, favor_precision=True, **common
        )
        recall = trafilatura.bare_extraction(
            tree, with_metadata=precise is None, favor_recall=True, fast=True, **common
        )
    except InputError:
        raise
    except Exception as exc:  # lxml raises many types on broken markup
        raise InputError(origin, f"cannot parse HTML ({type(exc).__name__})") from None
    if precise is None and recall is None:
        raise InputError(origin, "no article text found in HTML")
    doc = _as_dict(precise if precise is not None else recall)
    text = _choose_text(
        _as_dict(precise).get("text") if precise is not None else None,
        _as_dict(recall).get("text") if recall is not None else None,
    )
    doc["text"] = _add_split_chunks(tree, text) if text else text
    return doc


_PARSER_MAX_DEPTH = 256
"""libxml2's HTML parser stops at this depth and drops the rest of the page."""
_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|"
    "samp|small|span|strike|strong|sub|sup|time|tt|u|var"
)
_KEPT_TAGS = "html|head|body|title|meta|link|p|br"
_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_INLINE_TAG_RE = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG_RE = re.compile(rf"</?(?!(?:{_KEPT_TAGS})\b)[a-zA-Z][^>]*>", re.IGNORECASE)


def _depth(tree: Any) -> int:
    """How deep the parsed tree goes (the root is at depth 1)."""
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _flatten(html: str) -> str:
    """The page without nesting, for a page nested deeper than the parser goes: scripts
    and styles dropped, inline tags dropped, every other tag but the document's own
    (html, head, body, title, meta, p, br) made a paragraph break."""
    html = _SCRIPT_RE.sub(" ", html)
    html = _INLINE_TAG_RE.sub("", html)
    return _BLOCK_TAG_RE.sub("<p>", html)


def _as_dict(doc: Any) -> dict[str, Any]:
    return doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _choose_text(precise: str | None, recall: str | None) -> str:
    """The precision-mode text unless it looks like a miss next to the recall-mode text."""
    if not precise or not precise.strip():
        return recall or ""
    if not recall or not recall.strip():
        return precise
    pw, rw = _words(precise), _words(recall)
    if len(pw) < _FALLBACK_SHARE * len(rw):
        return recall
    pg, rg = Counter(_grams(pw)), Counter(_grams(rw))
    if pg and sum((pg & rg).values()) < _FALLBACK_INSIDE * sum(pg.values()):
        return recall
    return precise


def _grams(words: list[str]) -> list[tuple[str, ...]]:
    """Word 4-grams (one shorter gram for a text under four words)."""
    if len(words) < 4:
        return [tuple(words)] if words else []
    return list(zip(words, words[1:], words[2:], words[3:], strict=False))


def _key(text: str) -> str:
    return " ".join(_words(text.lower()))


def _paragraphs(root: Any) -> Iterator[Any]:
    """``<p>`` elements under ``root`` that are not in scripts, navigation or asides."""
    for p in root.iter("p"):
        anc = p.getparent()
        skip = False
        while anc is not None and anc is not root:
            if isinstance(anc.tag, str) and anc.tag in _SKIP_TAGS:
                skip = True
                break
            anc = anc.getparent()
        if not skip:
            yield p


def _branch(anc: Any, el: Any) -> Any:
    """The child of ``anc`` that holds ``el`` (``el`` itself when it is one)."""
    while el.getparent() is not anc:
        el = el.getparent()
    return el


def _add_split_chunks(tree: Any, text: str) -> str:
    """Add the article's other chunks when the page splits it into sibling containers.

    Some sites cut the body into several containers of one kind (same tag and class) with
    ads or newsletter boxes between them; the extractors keep the first. When the
    extracted paragraphs sit in one classed container and a nearby relative of it of the
    same tag and class holds prose paragraphs not in the text, those paragraphs are added
    in page order. A container under a headline of its own (an ``h1`` between it and the
    shared ancestor) belongs to another article and is left alone.
    """
    lines = text.split("\n")
    keys = [_key(line) for line in lines]
    wanted = {k for k in keys if len(k) >= 20}
    if not wanted:
        return text
    order = {el: i for i, el in enumerate(tree.iter())}
    matched: dict[str, Any] = {}
    parents: Counter[Any] = Counter()
    for p in _paragraphs(tree):
        k = _key(p.text_content())
        if k in wanted and k not in matched:
            matched[k] = p
            parents[p.getparent()] += 1
    if not parents:
        return text
    box, hits = parents.most_common(1)[0]
    cls = (box.get("class") or "").strip()
    if hits < 2 or not cls or not isinstance(box.tag, str):
        return text
    known = {k for k in keys if k}
    have = set(_grams(_words(text.lower())))
    added: list[tuple[int, str]] = []
    anc = box
    for _ in range(_CHUNK_LEVELS):
        anc = anc.getparent()
        if anc is None:
            break
        peers = [
            e
            for e in anc.iter(box.tag)
            if e is not box
            and (e.get("class") or "").strip() == cls
            and not any(x is box for x in e.iterancestors())
            and not any(x is e for x in box.iterancestors())
        ]
        for peer in peers:
            if _branch(anc, peer).xpath(".//h1"):
                continue  # a headline of its own: another article
            new = []
            for p in _paragraphs(peer):
                line = " ".join(p.text_content().split())
                k = _key(line)
                grams = _grams(k.split())
                if k and k not in known and sum(g in have for g in grams) * 2 < len(grams):
                    known.add(k)
                    new.append((order.get(p, 0), line))
            if (
                len(new) >= _CHUNK_MIN_PARAS
                and sum(len(_words(line)) for _, line in new) >= _CHUNK_MIN_WORDS
            ):
                added.extend(new)
        if peers:
            break
    if not added:
        return text
    # Place each line of the text at its paragraph's page position (a line that is no
    # paragraph follows the line before it), then merge the added paragraphs in.
    placed: list[tuple[int, int, str]] = []
    pos = -1
    for i, (line, k) in enumerate(zip(lines, keys, strict=True)):
        if k in matched:
            pos = max(pos, order.get(matched[k], pos))
        placed.append((pos, i, line))
    placed.extend((at, len(lines) + j, line) for j, (at, line) in enumerate(added))
    placed.sort(key=lambda t: (t[0], t[1]))
    return "\n".join(line for _, _, line in placed)


_PATH_SUFFIX_RE = re.compile(
    r"\.(?:txt|text|md|html?|xhtml|json|jsonl|ndjson|gz|xml|csv)$", re.IGNORECASE
)


def looks_like_path(value: str) -> bool:
    """Whether a string is meant as a file name rather than article text: no
    whitespace, and a file suffix (".txt", ".html", ".json", ".gz", ...) or a path
    separator, and a file name with a letter or digit in it ("/" or "..." is text).
    ``compare`` refuses such a string when no file has that name."""
    s = value.strip()
    if not s or len(s) > 4096 or any(c.isspace() for c in s):
        return False
    if not any(c.isalnum() for c in s.replace("\\", "/").rsplit("/", 1)[-1]):
        return False
    return bool(_PATH_SUFFIX_RE.search(s)) or "/" in s or "\\" in s


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def read_article(
    path: Path | str, *, options: Options = DEFAULT_OPTIONS, name: str | None = None
) -> Article:
    """Read one article from a text or HTML file (``.gz`` allowed). The id is ``name``
    (the path relative to the folder or glob it was found through; default: the file
    name) without its article suffix: see :func:`file_id`."""
    path = Path(path)
    origin = path_name(path)
    if path.name.lower().endswith(JSONL_SUFFIXES):
        raise InputError(
            origin, "a JSONL file holds many articles; use scan/add, or pass one article file"
        )
    data = _read_bytes(path, origin, input_byte_limit(options))
    return article_from_file_bytes(data, name or path_name(path.name), origin, options=options)


def article_from_file_bytes(
    data: bytes, name: str, origin: str, *, options: Options = DEFAULT_OPTIONS
) -> Article:
    """One article from the bytes of a text or HTML file called ``name`` (``.gz``
    allowed): a file name, or a POSIX path relative to the folder it was found in; the
    id is :func:`file_id` of it. Engines that fetch files themselves (Spark) read them
    through here, so ids and errors match a local read.
    Over :func:`input_byte_limit` bytes, compressed or not, the file is refused."""
    name, origin = path_name(name), path_name(origin)
    limit = input_byte_limit(options)
    if len(data) > limit:
        raise _too_large(origin, limit)
    lower = name.lower()
    if lower.endswith(".gz"):
        data = _gunzip(data, origin, limit)
    text = decode(data, origin)
    stem = file_id(name)
    if lower.endswith(HTML_SUFFIXES) or _looks_like_html(text):
        return article_from_html(text, id=stem, origin=origin, options=options)
    _require_text(text, origin, options)
    return Article(id=_check_id(stem, origin), text=text, origin=origin, format="text")


def file_id(name: str) -> str:
    """The id of an article file: its name, or its POSIX path relative to the folder
    (or the fixed part of the glob) it was found through, without the article suffix
    ("report.v1.txt" -> "report.v1", "courier/news/index.html" -> "courier/news/index").
    Keeping the suffix out keeps the ids of flat folders what they always were."""
    lower = name.lower()
    for suffix in sorted(ARTICLE_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def read_stdin_article(*, options: Options = DEFAULT_OPTIONS) -> Article:
    """Read one article (text or HTML) from standard input."""
    origin = "<stdin>"
    limit = input_byte_limit(options)
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise _too_large(origin, limit, "input")
    text = decode(data, origin)
    if _looks_like_html(text):
        return article_from_html(text, id="stdin", origin=origin, options=options)
    _require_text(text, origin, options)
    return Article(id="stdin", text=text, origin=origin, format="text")


def article_from_record(record: Any, origin: str, *, options: Options = DEFAULT_OPTIONS) -> Article:
    """An article from one JSON object with ``id`` (a string or an integer) and ``text``
    or ``html``; every other field, when present and not null, is a string."""
    if not isinstance(record, dict):
        raise InputError(origin, f"expected a JSON object, got {type(record).__name__}")
    meta: dict[str, str | None] = {}
    for key in _JSONL_FIELDS:
        value = record.get(key)
        if key == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            kind = "a string or an integer" if key == "id" else "a string"
            raise InputError(origin, f"field {key!r} must be {kind}, not {_json_type(value)}")
        meta[key] = _valid(value)
    art_id = meta["id"]
    if art_id is None or art_id.strip() == "":
        raise InputError(origin, "missing 'id'")
    fields = {k: meta[k] for k in ("url", "title", "published", "modified", "site", "author")}
    if meta["text"] is not None:
        article = article_from_text(
            meta["text"], id=art_id, origin=origin, options=options, **fields
        )
        return replace(article, format="jsonl")
    if meta["html"] is not None:
        url = fields.pop("url")
        return article_from_html(
            meta["html"], id=art_id, origin=origin, url=url, options=options, **fields
        )
    raise InputError(origin, "needs 'text' or 'html'")


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def parse_json(line: str, where: str) -> Any:
    """One JSON value; whatever ``json`` cannot take (broken JSON, a number over Python's
    digit limit, nesting past the recursion limit) is an InputError naming ``where``."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"broken JSON ({exc.msg})") from None
    except ValueError:  # int("9" * 5000): over sys.get_int_max_str_digits()
        raise InputError(
            where,
            f"unreadable JSON (a number with more than {sys.get_int_max_str_digits():,} digits)",
        ) from None
    except RecursionError:
        raise InputError(where, "unreadable JSON (nested too deeply)") from None


def jsonl_line_value(raw: bytes, where: str, options: Options = DEFAULT_OPTIONS) -> Any:
    """The JSON value of one raw JSONL line (its newline optional), or None for a blank
    line. Every engine reads JSONL lines through here (``scan``, ``add``, Spark), so a bad
    line is the same InputError naming ``where`` everywhere."""
    size = len(raw) - raw.endswith(b"\n")
    if size > options.max_line_bytes:
        raise _line_too_long(where, size, options.max_line_bytes)
    if not raw.strip():
        return None
    return parse_json(decode(raw, where), where)


def _line_too_long(where: str, size: int, limit: int) -> InputError:
    return InputError(
        where, f"line too long ({size:,} bytes; limit {limit:,}, see --max-line-bytes)"
    )


def _iter_jsonl(
    path: Path, options: Options, on_error: Callable[[InputError], None]
) -> Iterator[Article]:
    """Stream a JSONL file line by line (never loaded whole); bad lines go to ``on_error``."""
    origin = path_name(path)
    opener = cast(
        Callable[[Path, str], IO[bytes]], gzip.open if path.name.lower().endswith(".gz") else open
    )
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or exc})") from None
    with fh:
        yield from _jsonl_records(fh, origin, options, on_error)


def iter_stdin_jsonl(
    *, options: Options = DEFAULT_OPTIONS, on_error: Callable[[InputError], None] | None = None
) -> Iterator[Article]:
    """Stream JSONL articles from standard input (bad lines go to ``on_error``)."""
    yield from _jsonl_records(sys.stdin.buffer, "<stdin>", options, on_error or _raise)


def _jsonl_records(
    fh: IO[bytes], origin: str, options: Options, on_error: Callable[[InputError], None]
) -> Iterator[Article]:
    """Articles of an open JSONL byte stream, one per line."""
    limit = options.max_line_bytes
    for number, raw, size in _numbered_lines(fh, origin, limit):
        where = f"{origin}:{number}"
        try:
            if raw is None:
                raise _line_too_long(where, size, limit)
            record = jsonl_line_value(raw, where, options)
            if record is None:
                continue
            yield article_from_record(record, where, options=options)
        except InputError as exc:
            on_error(exc)


_SKIP_CHUNK = 1 << 20
"""Bytes read at a time while skipping the rest of an overlong line."""


def _numbered_lines(
    fh: IO[bytes], origin: str, limit: int
) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, raw line, its size in bytes) triples; a line over ``limit`` bytes
    (newline not counted) comes back as None with its size, and is never held in
    memory whole. A read or gzip failure becomes an InputError."""
    number = 0
    while True:
        try:
            line = fh.readline(limit + 1)
            size = len(line)
            raw: bytes | None = line
            if size > limit and not line.endswith(b"\n"):
                raw = None
                while True:  # skip to the end of the line, a chunk at a time
                    rest = fh.readline(_SKIP_CHUNK)
                    size += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        size -= rest.endswith(b"\n")
                        break
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                f"{origin}:{number + 1}", f"cannot read ({getattr(exc, 'strerror', None) or exc})"
            ) from None
        if not size:
            return
        number += 1
        yield number, raw, size


def iter_paths(
    inputs: Iterable[str | Path],
    *,
    on_error: Callable[[InputError], None] | None = None,
    follow_symlinks: bool = False,
) -> Iterator[Path]:
    """Expand folders (recursively, article files only) and globs into file paths.

    What a folder holds besides article files is reported to ``on_error`` (default:
    raised) as a :class:`SkippedInput`, never dropped without a word: other files (PDF,
    images), FIFOs, sockets and devices (never opened), folders that cannot be read,
    symbolic link loops and folders reached twice, hidden folders (not entered), and
    symbolic links that lead out of the folder, which are followed only with
    ``follow_symlinks``. Links inside the folder are followed.
    """
    for path, _ in iter_named_paths(inputs, on_error=on_error, follow_symlinks=follow_symlinks):
        yield path


def iter_named_paths(
    inputs: Iterable[str | Path],
    *,
    on_error: Callable[[InputError], None] | None = None,
    follow_symlinks: bool = False,
) -> Iterator[tuple[Path, str]]:
    """:func:`iter_paths` with each file's name for its id: the POSIX path relative to
    the folder argument, or to the glob's folder (the part before its first wildcard),
    or the file name of a file argument."""
    report = on_error or _raise
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for found in _walk(path, report, follow_symlinks):
                yield found, _relative_name(found, path)
        elif any(c in str(item) for c in "*?[") and not path.exists():
            base = Path(path.anchor) if path.is_absolute() else Path()
            pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else str(path)
            fixed = base.joinpath(*glob_fixed_parts(Path(pattern)))
            for match in sorted(base.glob(pattern)):
                kind = _file_kind(match)
                if kind == "file":
                    yield match, _relative_name(match, fixed)
                elif kind != "folder":
                    report(SkippedInput(path_name(match), kind))
        else:
            yield path, path_name(path.name)


def glob_fixed_parts(pattern: PurePath) -> tuple[str, ...]:
    """The folders of a glob pattern before its first wildcard ("a/*/x.txt" -> ("a",))."""
    parts = pattern.parts[:-1]
    for i, part in enumerate(parts):
        if any(c in part for c in "*?["):
            return parts[:i]
    return parts


def _relative_name(path: Path, root: Path) -> str:
    """``path`` inside ``root`` with POSIX separators, as ids show it."""
    return path_name(path.relative_to(root).as_posix())


def _file_kind(path: Path) -> str:
    """ "file", "folder", or why ``path`` is neither (for a message)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    kind = (
        "named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "socket"
        if stat.S_ISSOCK(mode)
        else "device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "special file"
    )
    return f"not a regular file ({kind}), not read"


def _walk(
    root: Path, report: Callable[[InputError], None], follow_symlinks: bool
) -> Iterator[Path]:
    """Article files under ``root`` in sorted path order (depth first, names sorted),
    without recursion (any depth), each folder entered once."""
    try:
        real_root = root.resolve()
        top = root.stat()
    except (OSError, RuntimeError) as exc:
        report(SkippedInput(path_name(root), f"cannot read folder ({_reason(exc)})"))
        return
    seen = {(top.st_dev, top.st_ino)}
    stack = [iter(_entries(root, report))]
    while stack:
        path = next(stack[-1], None)
        if path is None:
            stack.pop()
            continue
        name = path_name(path)
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                report(SkippedInput(name, "symbolic link loop or broken link, not followed"))
                continue
            if not follow_symlinks and not target.is_relative_to(real_root):
                report(
                    SkippedInput(
                        name,
                        f"symbolic link out of the folder (to {path_name(target)}), not followed",
                    )
                )
                continue
        kind = _file_kind(path)
        if kind == "folder":
            key = (st := path.stat()).st_dev, st.st_ino
            if key in seen:
                report(
                    SkippedInput(
                        name, "folder already read (a symbolic link loop or a second link to it)"
                    )
                )
            elif path.name.startswith("."):
                report(SkippedInput(name, "hidden folder, not read"))
            else:
                seen.add(key)
                stack.append(iter(_entries(path, report)))
        elif kind != "file":
            report(SkippedInput(name, kind))
        elif path.name.lower().endswith(INPUT_SUFFIXES):
            yield path
        else:
            suffix = "".join(Path(path_name(path.name)).suffixes[-2:]) or "no suffix"
            report(
                SkippedInput(
                    name,
                    f"not an article file ({suffix}; articles are .txt, "
                    ".text, .md, .html, .htm, .xhtml, .jsonl, .ndjson, "
                    "or .gz of these, and web archives .warc, .warc.gz)",
                )
            )


def _entries(folder: Path, report: Callable[[InputError], None]) -> list[Path]:
    """The entries of a folder, sorted by name; an unreadable folder is reported."""
    try:
        with os.scandir(folder) as it:
            names = sorted(entry.name for entry in it)
    except OSError as exc:
        report(SkippedInput(path_name(folder), f"cannot read folder ({_reason(exc)})"))
        return []
    return [folder / n for n in names]


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def _raise(exc: InputError) -> None:
    raise exc


def iter_articles(
    inputs: Iterable[str | Path],
    *,
    options: Options = DEFAULT_OPTIONS,
    on_error: Callable[[InputError], None] = _raise,
    follow_symlinks: bool = False,
) -> Iterator[Article]:
    """Every article in the given files, folders, globs, JSONL files and web archives
    (WARC), streamed. Ids follow one rule for every kind of input (see the README):
    files get :func:`file_id` of their path inside the folder argument, JSONL records
    their ``id``, WARC records their URL.

    A bad input (or a bad JSONL line or WARC record, or a file in a folder that is not
    read: see :func:`iter_paths`) is passed to ``on_error``; the default raises, a scan
    passes a function that records the error and goes on. ``follow_symlinks`` follows
    symbolic links that lead out of a folder. Ids are not checked for collisions here:
    :func:`distinct_ids` does that over everything a run reads.
    """
    named = iter_named_paths(inputs, on_error=on_error, follow_symlinks=follow_symlinks)
    for path, name in named:
        yield from iter_file_articles(path, name, options=options, on_error=on_error)


def iter_file_articles(
    path: Path,
    name: str,
    *,
    options: Options = DEFAULT_OPTIONS,
    on_error: Callable[[InputError], None] = _raise,
) -> Iterator[Article]:
    """The articles of one file found as ``name`` (its path inside the folder argument):
    the lines of a JSONL file, the pages of a WARC, or the one article of a text or HTML
    file (id: :func:`file_id` of ``name``). Errors go to ``on_error``."""
    try:
        lower = path.name.lower()
        if lower.endswith(JSONL_SUFFIXES):
            yield from _iter_jsonl(path, options, on_error)
        elif lower.endswith(WARC_SUFFIXES):
            from .warc import iter_warc

            yield from iter_warc(path, options=options, on_error=on_error)
        else:
            yield read_article(path, options=options, name=name)
    except InputError as exc:
        on_error(exc)


def with_id_prefix(
    articles: Iterable[Article], prefix: str, on_error: Callable[[InputError], None] = _raise
) -> Iterator[Article]:
    """The articles with ``prefix`` put before each id as given (``--id-prefix``: one
    run's inputs kept apart from another's in one archive); an id that grows past
    :data:`MAX_ID_CHARS` goes to ``on_error``."""
    for art in articles:
        if not prefix:
            yield art
            continue
        origin = art.origin or art.id
        try:
            yield replace(art, id=_check_id(_valid(prefix) + art.id, origin))
        except InputError as exc:
            on_error(exc)


def distinct_ids(
    articles: Iterable[Article], on_error: Callable[[InputError], None] = _raise
) -> Iterator[Article]:
    """The articles with ids not seen before in the stream; each later one is reported,
    never dropped silently. An id met again with other text is an :class:`InputError`
    (worded as the scan words it); the same input given twice, or the same id with the
    same text (a page captured twice), is a :class:`SkippedInput` naming the first (said,
    not a failure). Holds one short entry per id, as a scan holds its articles anyway."""
    seen: dict[str, tuple[str, bytes]] = {}
    for art in articles:
        origin = art.origin or art.id
        digest = hashlib.blake2b(art.text.encode("utf-8", "surrogatepass"), digest_size=8)
        first = seen.get(art.id)
        if first is None:
            seen[art.id] = (origin, digest.digest())
            yield art
        elif first[0] == origin:
            on_error(SkippedInput(origin, "given twice, read once"))
        elif first[1] == digest.digest():
            on_error(
                SkippedInput(origin, f"id {art.id!r} with the same text as {first[0]}, read once")
            )
        else:
            on_error(duplicate_id_error(origin, art.id, first[0]))


def duplicate_id_error(origin: str, art_id: str, first: str | None = None) -> InputError:
    """The error for an article whose id an earlier input (``first``) already has, naming
    both; the local scan, the CLI and the Spark engine all word it here (their reports
    must match line for line)."""
    where = f" (first read from {first})" if first and first != origin else ""
    return InputError(origin, f"duplicate id {art_id!r}{where}, skipped")


def content_hash(text: str) -> str:
    """A stable hash of an article's text (recognises re-added identical articles)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
