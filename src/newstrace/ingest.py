"""Ingest stage: files, HTML and JSONL in, clean ``Article`` objects out.

Decoding is the only transformation applied to a plain-text file, so every offset the
later stages report points into exactly the text a user gets by decoding the file
(UTF-8, UTF-8 with BOM, else cp1252, else latin-1). HTML goes through trafilatura; its
extracted text becomes ``Article.text`` and offsets point into that. Every failure is an
``InputError`` naming the input (path, ``<stdin>`` or ``file.jsonl:LINE``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, TypeVar

from .errors import InputError
from .model import Article
from .options import DEFAULT_OPTIONS, Options

__all__ = [
    "ARTICLE_SUFFIXES",
    "article_from_file_bytes",
    "article_from_html",
    "article_from_text",
    "decode",
    "iter_articles",
    "iter_paths",
    "iter_stdin_jsonl",
    "looks_like_path",
    "read_article",
    "read_stdin_article",
]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")
TEXT_SUFFIXES = (".txt", ".text", ".md", ".txt.gz")
ARTICLE_SUFFIXES = HTML_SUFFIXES + JSONL_SUFFIXES + TEXT_SUFFIXES

_CONTROL_OK = frozenset("\n\r\t\f\v")
_JSONL_FIELDS = ("id", "text", "html", "url", "title", "published", "site", "author")


def decode(data: bytes, origin: str) -> str:
    """Bytes to text: UTF-8 (BOM dropped), else cp1252, else latin-1; binary is refused.

    A file is binary when it has NUL bytes or many control characters: such input would
    "decode" as latin-1 into garbage that then matches nothing, silently.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(origin, f"broken UTF-16 text ({exc.reason})") from None
        if "\x00" in text[:65536]:  # UTF-32, or binary that happens to start like UTF-16
            raise InputError(origin, "binary file (NUL characters), not an article")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if b"\x00" in data[:65536]:
            raise InputError(origin, "binary file (NUL bytes), not an article")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    sample = text[:65536]
    controls = sum(1 for c in sample if c < " " and c not in _CONTROL_OK)
    if controls > max(8, len(sample) // 100):
        raise InputError(origin, "binary file (control characters), not an article")
    return text


def _read_bytes(path: Path) -> bytes:
    origin = str(path)
    try:
        if path.is_dir():
            raise InputError(origin, "is a directory, expected a file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except PermissionError:
        raise InputError(origin, "permission denied") from None
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or exc})") from None
    return data


def _gunzip(data: bytes, origin: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(origin, f"broken gzip file ({exc})") from None


def _require_text(text: str, origin: str, options: Options) -> None:
    if not text.strip():
        raise InputError(origin, "empty article (no text)")
    if len(text) > options.max_chars:
        raise InputError(origin, f"article too large ({len(text):,} characters; limit "
                                 f"{options.max_chars:,}, see --max-chars)")


def article_from_text(text: str, *, id: str, origin: str | None = None, title: str | None = None,
                      url: str | None = None, site: str | None = None,
                      published: str | None = None, author: str | None = None,
                      options: Options = DEFAULT_OPTIONS) -> Article:
    """An article from a string of text, kept exactly as given (offsets point into it),
    except that lone surrogates become U+FFFD (see ``_valid``)."""
    text = _valid(text)
    _require_text(text, origin or id, options)
    return Article(id=_valid(id), text=text, title=_valid(title), url=_valid(url),
                   site=_valid(site), published=_valid(published), author=_valid(author),
                   origin=_valid(origin or id), format="string")


_SURROGATE = re.compile("[\ud800-\udfff]")
_S = TypeVar("_S", str, None)


def _valid(value: _S) -> _S:
    """Lone surrogates (JSON escapes like "\\ud800", bad decoding upstream) replaced by
    U+FFFD: one code point for one, so offsets hold, and the text can be written out
    as UTF-8 (stdout, SQLite, JSON) without an encoding error."""
    if value is None or _SURROGATE.search(value) is None:
        return value
    return _SURROGATE.sub("\ufffd", value)  # type: ignore[return-value]


def article_from_html(html: str, *, id: str, origin: str | None = None,
                      url: str | None = None, options: Options = DEFAULT_OPTIONS,
                      **meta: str | None) -> Article:
    """An article from an HTML page: body text and metadata through trafilatura.

    Metadata given in ``meta`` (title, site, published, author) wins over what the page
    says. ``Article.text`` is the extracted text; offsets point into it.
    """
    name = _valid(origin or id)
    html = _valid(html)
    meta = {k: _valid(v) for k, v in meta.items()}
    if not html.strip():
        raise InputError(name, "empty HTML document")
    doc = _extract(html, url, name)
    text = doc.get("text") or ""
    _require_text(text, name, options)
    return Article(
        id=_valid(id), text=text,
        title=meta.get("title") or doc.get("title"),
        url=_valid(url) or doc.get("url"),
        site=meta.get("site") or doc.get("sitename") or doc.get("hostname"),
        published=meta.get("published") or _published_time(html) or doc.get("date"),
        author=meta.get("author") or doc.get("author"),
        origin=name, format="html",
    )


# Publication time with time of day from the page's metadata (trafilatura keeps the day
# only): meta article:published_time and friends, JSON-LD datePublished, itemprop, <time>.
_META_TIME_NAMES = ("article:published_time", "og:article:published_time", "datepublished",
                    "publish-date", "publish_date", "pubdate", "dc.date.issued",
                    "dcterms.created", "parsely-pub-date", "sailthru.date")
_TIMESTAMP_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_LDJSON_RE = re.compile(r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script>",
                        re.IGNORECASE | re.DOTALL)
_TIME_TAG_RE = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']([^\"']+)[\"']",
                          re.IGNORECASE)
_ITEMPROP_RE = re.compile(r"<[^>]*\bitemprop\s*=\s*[\"']datePublished[\"'][^>]*>",
                          re.IGNORECASE)


def _published_time(html: str) -> str | None:
    """The page's publication timestamp (ISO 8601 with time of day, zone as given) from
    its metadata, or None when the page gives no time of day."""
    head = html[:200_000]
    for tag in _META_RE.findall(head):
        attrs = {k.lower(): (v1 or v2 or v3) for k, v1, v2, v3 in _ATTR_RE.findall(tag)}
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        value = attrs.get("content") or ""
        if name in _META_TIME_NAMES and _TIMESTAMP_RE.match(value):
            return value.strip()
    for block in _LDJSON_RE.findall(head):
        try:
            found = _ld_date(json.loads(block))
        except (ValueError, RecursionError):
            continue
        if found:
            return found
    for tag in _ITEMPROP_RE.findall(head):
        attrs = {k.lower(): (v1 or v2 or v3) for k, v1, v2, v3 in _ATTR_RE.findall(tag)}
        value = attrs.get("content") or attrs.get("datetime") or ""
        if _TIMESTAMP_RE.match(value):
            return value.strip()
    m = _TIME_TAG_RE.search(head)
    if m is not None and _TIMESTAMP_RE.match(m.group(1)):
        return m.group(1).strip()
    return None


def _ld_date(node: Any, depth: int = 0) -> str | None:
    """datePublished of the first JSON-LD node that has one with a time of day."""
    if depth > 6:
        return None
    if isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str) and _TIMESTAMP_RE.match(value):
            return value.strip()
        children: Iterable[Any] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        if isinstance(child, dict | list):
            found = _ld_date(child, depth + 1)
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
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "footer", "aside",
                        "header", "figure", "figcaption"})


def _extract(html: str, url: str | None, origin: str) -> dict[str, Any]:
    """Body text (see above) and trafilatura's metadata, or an InputError if nothing is found."""
    import trafilatura  # imported on first HTML input: it costs ~0.3 s
    from trafilatura.utils import load_html

    common: dict[str, Any] = {"url": url, "include_comments": False, "include_tables": True}
    try:
        tree = load_html(html)
        if tree is None:
            raise InputError(origin, "no article text found in HTML")
        precise = trafilatura.bare_extraction(tree, with_metadata=True, favor_precision=True,
                                              **common)
        recall = trafilatura.bare_extraction(tree, with_metadata=precise is None,
                                             favor_recall=True, fast=True, **common)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - lxml raises many types on broken markup
        raise InputError(origin, f"cannot parse HTML ({type(exc).__name__})") from None
    if precise is None and recall is None:
        raise InputError(origin, "no article text found in HTML")
    doc = _as_dict(precise if precise is not None else recall)
    text = _choose_text(_as_dict(precise).get("text") if precise is not None else None,
                        _as_dict(recall).get("text") if recall is not None else None)
    doc["text"] = _add_split_chunks(tree, text) if text else text
    return doc


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
        peers = [e for e in anc.iter(box.tag)
                 if e is not box and (e.get("class") or "").strip() == cls
                 and not any(x is box for x in e.iterancestors())
                 and not any(x is e for x in box.iterancestors())]
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
            if (len(new) >= _CHUNK_MIN_PARAS
                    and sum(len(_words(line)) for _, line in new) >= _CHUNK_MIN_WORDS):
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
    r"\.(?:txt|text|md|html?|xhtml|json|jsonl|ndjson|gz|xml|csv)$", re.IGNORECASE)


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


def read_article(path: Path | str, *, options: Options = DEFAULT_OPTIONS) -> Article:
    """Read one article from a text or HTML file (``.gz`` allowed); the id is the file stem."""
    path = Path(path)
    origin = str(path)
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        raise InputError(origin, "a JSONL file holds many articles; use scan/add, "
                                 "or pass one article file")
    return article_from_file_bytes(_read_bytes(path), path.name, origin, options=options)


def article_from_file_bytes(data: bytes, name: str, origin: str, *,
                            options: Options = DEFAULT_OPTIONS) -> Article:
    """One article from the bytes of a text or HTML file called ``name`` (``.gz``
    allowed; the id is the name without its suffix). Engines that fetch files
    themselves (Spark) read them through here, so ids and errors match a local read."""
    lower = name.lower()
    if lower.endswith(".gz"):
        data = _gunzip(data, origin)
    text = decode(data, origin)
    stem = _article_id(name)
    if lower.endswith(HTML_SUFFIXES) or _looks_like_html(text):
        return article_from_html(text, id=stem, origin=origin, options=options)
    _require_text(text, origin, options)
    return Article(id=stem, text=text, origin=origin, format="text")


def _article_id(name: str) -> str:
    """The file name without its article suffix ("report.v1.txt" -> "report.v1")."""
    lower = name.lower()
    for suffix in sorted(ARTICLE_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def read_stdin_article(*, options: Options = DEFAULT_OPTIONS) -> Article:
    """Read one article (text or HTML) from standard input."""
    origin = "<stdin>"
    text = decode(sys.stdin.buffer.read(), origin)
    if _looks_like_html(text):
        return article_from_html(text, id="stdin", origin=origin, options=options)
    _require_text(text, origin, options)
    return Article(id="stdin", text=text, origin=origin, format="text")


def article_from_record(record: Any, origin: str, *, options: Options = DEFAULT_OPTIONS) -> Article:
    """An article from one JSON object with ``id`` and ``text`` or ``html``."""
    if not isinstance(record, dict):
        raise InputError(origin, f"expected a JSON object, got {type(record).__name__}")
    meta = {k: _valid(v) if isinstance(v := record.get(k), str) else v for k in _JSONL_FIELDS}
    for key, value in meta.items():
        if value is not None and not isinstance(value, str | int):
            raise InputError(origin, f"field {key!r} must be a string")
    if meta["id"] is None or str(meta["id"]).strip() == "":
        raise InputError(origin, "missing 'id'")
    art_id = str(meta["id"])
    fields = {k: (str(meta[k]) if meta[k] is not None else None)
              for k in ("url", "title", "published", "site", "author")}
    if meta["text"] is not None:
        article = article_from_text(str(meta["text"]), id=art_id, origin=origin,
                                    options=options, **fields)
        return replace(article, format="jsonl")
    if meta["html"] is not None:
        url = fields.pop("url")
        return article_from_html(str(meta["html"]), id=art_id, origin=origin, url=url,
                                 options=options, **fields)
    raise InputError(origin, "needs 'text' or 'html'")


def _iter_jsonl(path: Path, options: Options,
                on_error: Callable[[InputError], None]) -> Iterator[Article]:
    """Stream a JSONL file line by line (never loaded whole); bad lines go to ``on_error``."""
    origin = str(path)
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        fh = opener(path, "rb")
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or exc})") from None
    with fh:
        yield from _jsonl_records(fh, origin, options, on_error)


def iter_stdin_jsonl(*, options: Options = DEFAULT_OPTIONS,
                     on_error: Callable[[InputError], None] | None = None) -> Iterator[Article]:
    """Stream JSONL articles from standard input (bad lines go to ``on_error``)."""
    yield from _jsonl_records(sys.stdin.buffer, "<stdin>", options, on_error or _raise)


def _jsonl_records(fh: IO[bytes], origin: str, options: Options,
                   on_error: Callable[[InputError], None]) -> Iterator[Article]:
    """Articles of an open JSONL byte stream, one per line."""
    limit = options.max_line_bytes
    for number, raw, size in _numbered_lines(fh, origin, limit):
        where = f"{origin}:{number}"
        if raw is None:
            on_error(InputError(where, f"line too long ({size:,} bytes; limit {limit:,}, "
                                       "see --max-line-bytes)"))
            continue
        if not raw.strip():
            continue
        try:
            line = decode(raw, where)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(where, f"broken JSON ({exc.msg})") from None
            yield article_from_record(record, where, options=options)
        except InputError as exc:
            on_error(exc)


_SKIP_CHUNK = 1 << 20
"""Bytes read at a time while skipping the rest of an overlong line."""


def _numbered_lines(fh: IO[bytes], origin: str,
                    limit: int) -> Iterator[tuple[int, bytes | None, int]]:
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
            raise InputError(f"{origin}:{number + 1}",
                             f"cannot read ({getattr(exc, 'strerror', None) or exc})") from None
        if not size:
            return
        number += 1
        yield number, raw, size


def iter_paths(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders (recursively, article suffixes only) and globs into file paths."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and p.name.lower().endswith(ARTICLE_SUFFIXES))
        elif any(c in str(item) for c in "*?[") and not path.exists():
            base = Path(path.anchor) if path.is_absolute() else Path()
            pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else str(path)
            yield from sorted(p for p in base.glob(pattern) if p.is_file())
        else:
            yield path


def _raise(exc: InputError) -> None:
    raise exc


def iter_articles(inputs: Iterable[str | Path], *, options: Options = DEFAULT_OPTIONS,
                  on_error: Callable[[InputError], None] = _raise) -> Iterator[Article]:
    """Every article in the given files, folders, globs and JSONL files, streamed.

    A bad input (or a bad JSONL line) is passed to ``on_error``; the default raises, a
    scan passes a function that records the error and goes on.
    """
    for path in iter_paths(inputs):
        try:
            if path.name.lower().endswith(JSONL_SUFFIXES):
                yield from _iter_jsonl(path, options, on_error)
            else:
                yield read_article(path, options=options)
        except InputError as exc:
            on_error(exc)


def content_hash(text: str) -> str:
    """A stable hash of an article's text (recognises re-added identical articles)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
