"""Web archives: the HTML pages of a WARC file (``.warc`` or ``.warc.gz``) as articles.

Records are streamed with warcio, one at a time, and a page's body is read up to
:func:`~newstrace.ingest.input_byte_limit` bytes, so a WARC of many gigabytes is read at
bounded memory. Each HTML response with status 200 goes through the same extraction as
an HTML file (:func:`~newstrace.ingest.article_from_html`); its id is the record's target
URI, its origin ``FILE:N`` (the Nth record of the file). Every other record is skipped
and counted: one :class:`~newstrace.errors.InputWarning` per file says how many of each.
"""

from __future__ import annotations

import gzip
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any, cast

from .errors import InputError, InputWarning
from .ingest import (
    _looks_like_html,
    article_from_html,
    decode_page,
    input_byte_limit,
    path_name,
)
from .model import Article
from .options import DEFAULT_OPTIONS, Options

__all__ = ["HTML_TYPES", "counts_note", "iter_warc", "iter_warc_stream", "read_warc"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
"""Content types read as pages; a record without one is read when its bytes look like HTML."""

PAGE_RECORDS = ("response", "resource")
"""Record types that carry a page (``resource``: a page stored without HTTP headers)."""

_SNIFF_BYTES = 2048
"""Bytes looked at to tell HTML from other content when a record has no content type."""

_COUNT_NAMES = {
    "pages": "HTML pages read",
    "failed": "pages failed",
    "not_html": "not HTML",
    "not_ok": "not status 200",
    "other": "not responses (request, metadata, revisit, warcinfo)",
}


def iter_warc(
    path: Path,
    *,
    options: Options = DEFAULT_OPTIONS,
    on_error: Callable[[InputError], None],
) -> Iterator[Article]:
    """The articles of one WARC file; bad records go to ``on_error``, and one
    :class:`InputWarning` counts what was read and skipped."""
    origin = path_name(path)
    counts: Counter[str] = Counter()
    yield from read_warc(_file_opener(path), origin, options, on_error, counts)
    _say_counts(origin, counts)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    """Opens ``path`` for :func:`read_warc`, which may open it twice."""

    def open_file() -> IO[bytes]:
        return path.open("rb")

    return open_file


def read_warc(
    open_stream: Callable[[], IO[bytes]],
    origin: str,
    options: Options,
    on_error: Callable[[InputError], None],
    counts: Counter[str],
) -> Iterator[Article]:
    """The articles of the WARC that ``open_stream`` opens (a local file, or a Hadoop
    filesystem's stream on a Spark executor), records counted into ``counts``: every
    engine reads a WARC here, so its articles and errors are the same on each. A
    gzipped WARC compressed as one gzip member (not one per record, as the standard
    asks) is read too, opened a second time through a plain gzip stream. An input
    that cannot be opened or read is an :class:`InputError` naming ``origin``."""
    try:
        with open_stream() as fh:
            done = yield from iter_warc_stream(fh, origin, options, on_error, counts)
        if done is not None:  # one gzip member for the whole file
            with open_stream() as raw, gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                stream = cast(IO[bytes], gz)
                yield from iter_warc_stream(stream, origin, options, on_error, counts, skip=done)
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or exc})") from None


def iter_warc_stream(
    fh: IO[bytes],
    origin: str,
    options: Options,
    on_error: Callable[[InputError], None],
    counts: Counter[str],
    *,
    skip: int = 0,
) -> Generator[Article, None, int | None]:
    """The articles of an open WARC byte stream (records after the first ``skip``).
    Returns None, or the number of records read when the stream turns out to be a
    single-member gzip file that must be read again through :mod:`gzip`."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = iter(ArchiveIterator(fh))
    number = 0
    while True:
        try:
            record = next(records, None)
        except ArchiveLoadFailed as exc:
            if "non-chunked gzip" in str(exc) and not skip:
                return number
            on_error(_broken(origin, number, exc))
            return None
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            on_error(_broken(origin, number, exc))
            return None
        if record is None:
            return None
        number += 1
        if number <= skip:
            continue
        try:
            art = _record_article(record, f"{origin}:{number}", options, counts)
        except InputError as exc:
            counts["failed"] += 1
            on_error(exc)
            continue
        if art is not None:
            counts["pages"] += 1
            yield art


def _broken(origin: str, number: int, exc: BaseException) -> InputError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return InputError(
        f"{origin}:{number + 1}", f"broken WARC record ({reason}); the rest of the file not read"
    )


def _record_article(
    record: Any, where: str, options: Options, counts: Counter[str]
) -> Article | None:
    """The article of one record, or None (counted) when it is not an HTML page."""
    if record.rec_type not in PAGE_RECORDS:
        counts["other"] += 1
        return None
    http = record.http_headers
    if http is not None and http.get_statuscode() != "200":
        counts["not_ok"] += 1
        return None
    ctype = _content_type(record)
    if ctype and ctype.lower().split(";")[0].strip() not in HTML_TYPES:
        counts["not_html"] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    source = f"{where} ({url})" if url else where
    limit = input_byte_limit(options)
    try:
        data = record.content_stream().read(limit + 1)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise InputError(source, f"cannot read the record's content ({exc})") from None
    if len(data) > limit:
        raise InputError(source, f"page too large (more than {limit:,} bytes)")
    if not ctype and not _looks_like_html(data[:_SNIFF_BYTES].decode("latin-1")):
        counts["not_html"] += 1
        return None
    html = decode_page(data, ctype, source)
    if not url:
        raise InputError(where, "no WARC-Target-URI: a page needs its URL for an id")
    try:
        return article_from_html(
            html,
            id=url,
            origin=where,
            url=url,
            options=options,
            capture_time=record.rec_headers.get_header("WARC-Date"),
        )
    except InputError as exc:
        raise InputError(source, exc.message) from None


def _content_type(record: Any) -> str:
    """The page's content type: the HTTP header, else the record's own."""
    if record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type")
        if value:
            return str(value)
    if record.rec_type == "resource":
        return str(record.rec_headers.get_header("Content-Type") or "")
    return ""


def counts_note(origin: str, counts: Counter[str]) -> InputWarning:
    """The note of one WARC file: how many records of each kind were read or skipped
    (a Spark executor's counts are said on the driver with this same wording)."""
    total = sum(counts.values())
    parts = [f"{counts[k]:,} {label}" for k, label in _COUNT_NAMES.items() if counts[k]]
    return InputWarning(origin, f"{total:,} records: " + (", ".join(parts) or "none"))


def _say_counts(origin: str, counts: Counter[str]) -> None:
    """One note per WARC file: how many records of each kind were read or skipped."""
    warnings.warn(counts_note(origin, counts), stacklevel=2)
