"""Property-based fuzzing of ingest, sentence splitting, compare, JSON output and the CLI.

Invariants that must hold for any input a scraper can bring back: only newstrace's own
errors escape, every offset lies inside its text and spans are well ordered, compare is
symmetric (relation, and alignments mirrored), and the CLI never prints a traceback.
``NEWSTRACE_FUZZ_EXAMPLES`` multiplies the example counts (bench/fuzz_long.py uses it);
``CASES`` counts the examples run per property.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newstrace import Article, compare, iter_articles, read_article
from newstrace.compare import prepare
from newstrace.errors import InputError
from newstrace.ingest import article_from_html, article_from_text, decode, looks_like_path
from newstrace.model import Comparison, Span
from newstrace.report.json_report import comparison_dict
from newstrace.sentences import split_sentences

# Random bytes are often not UTF-8: the note that says so is expected here, not news.
pytestmark = pytest.mark.filterwarnings("ignore::newstrace.errors.InputWarning")

SCALE = float(os.environ.get("NEWSTRACE_FUZZ_EXAMPLES", "1"))
CASES: Counter[str] = Counter()
"""Examples run per property (read by bench/fuzz_long.py)."""


def fuzz(examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings for one property: ``examples`` times SCALE, no deadline."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# --- strategies -------------------------------------------------------------------------

SPECIAL = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\ud800",
    "\udbff",
    "\udc80",
    "\udfff",  # NUL, controls,
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",  # lone surrogates, zero-width
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",  # bidi controls
    "\u0300",
    "\u0301",
    "\u0327",
    "\u20dd",
    "\u0489",
    "e\u0301",
    "\u1100\u1161",  # combining
    "\U0001f600",
    "\U0001f1eb\U0001f1f7",
    "\U000e0001",
    "\U0010ffff",
    "\U00020000",  # planes
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\t",
    " ",
    "\u00a0",
    ".",
    "!",
    "?",
    "...",
    "…",
    "。",
    "۔",
    "؟",
    "।",
    '"',
    "“",
    "”",
    "«",
    "»",
    "'",
    "(",
    ")",
    "ا",
    "שלום",
    "مرحبا",
    "中文",
    "日本語",
    "한국어",
    "Привет",
    "Ελλάδα",
    "हिन्दी",
    "5",
    "12",
    "1,000",
    "3.5%",
    "$40",
    "1999",
    "10:30",
    "p.m.",
    "U.S.",
    "Mr.",
    "Dr.",
    "No.",
]
WORDS = (
    "The police said on Monday that 12 people were hurt in Paris after a storm hit "
    "the city . John Smith told Reuters the damage cost $40 million , and officials "
    'expect more rain on 3 March . "We are ready," said Mayor Anne Hidalgo .'
).split()

chars = st.one_of(st.characters(), st.sampled_from([c for c in SPECIAL if len(c) == 1]))
pieces = st.one_of(st.text(alphabet=chars, max_size=8), st.sampled_from(SPECIAL))
unicode_text = st.lists(pieces, max_size=80).map("".join)
wordy_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(WORDS),
        st.sampled_from(SPECIAL),
        st.text(alphabet=chars, max_size=6),
    ),
    max_size=120,
).map(" ".join)
any_text = st.one_of(unicode_text, wordy_text)


def _sentences(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(1, 8))
    out = []
    for _ in range(n):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
        out.append(" ".join(words).rstrip(" .") + draw(st.sampled_from([".", "!", "?", '."', ""])))
    return out


@st.composite
def article_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two article texts, often related: identical, extended, reordered, repeated, edited."""
    kind = draw(
        st.sampled_from(
            ["random", "same", "extended", "edited", "reordered", "repeated", "one-word", "words"]
        )
    )
    if kind == "random":
        return draw(any_text), draw(any_text)
    if kind == "one-word":
        return draw(st.sampled_from(WORDS + SPECIAL)), draw(st.sampled_from(WORDS + SPECIAL))
    if kind == "words":
        return draw(wordy_text), draw(wordy_text)
    sents = _sentences(draw)
    sep = draw(st.sampled_from([" ", "\n", "\n\n", "\r\n", "\u2029"]))
    a = sep.join(sents)
    if kind == "same":
        return a, a
    if kind == "extended":
        return a, a + sep + sep.join(_sentences(draw))
    if kind == "edited":
        b = list(sents)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(b) - 1))
            extra = draw(any_text)
            b[i] = extra if draw(st.booleans()) else f"{b[i]} {extra}"
        return a, sep.join(b)
    if kind == "reordered":
        return a, sep.join(draw(st.permutations(sents)))
    times = draw(st.sampled_from([2, 10, 100, 1000]))
    return a, sep.join([sents[0]] * times)


def _tags(draw: st.DrawFn) -> str:
    tags = [
        "p",
        "div",
        "span",
        "article",
        "main",
        "h1",
        "script",
        "style",
        "table",
        "td",
        "a",
        "br",
        "nav",
        "footer",
        "b",
        "i",
        "ul",
        "li",
        "!--",
        "![CDATA[",
        "?xml",
    ]
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(tags))
        parts.append(
            draw(
                st.sampled_from(
                    [
                        f"<{tag}>",
                        f"</{tag}>",
                        f'<{tag} class="x"',
                        f"<{tag} {draw(unicode_text)[:20]}>",
                        "&amp;",
                        "&#0;",
                        "&#xD800;",
                        "&bogus;",
                        "<",
                        ">",
                    ]
                )
            )
        )
        parts.append(draw(st.one_of(wordy_text, unicode_text)))
    return "".join(parts)


@st.composite
def html_docs(draw: st.DrawFn) -> str:
    """Garbage, truncated and deeply nested HTML."""
    kind = draw(st.sampled_from(["soup", "page", "truncated", "nested"]))
    body = "".join(f"<p>{s}</p>" for s in _sentences(draw))
    page = (
        f"<!DOCTYPE html><html><head><title>{draw(unicode_text)[:40]}</title></head>"
        f"<body><article><h1>{draw(wordy_text)[:60]}</h1>{body}</article></body></html>"
    )
    if kind == "soup":
        return "<html><body>" + _tags(draw)
    if kind == "page":
        return page
    if kind == "truncated":
        return page[: draw(st.integers(0, len(page)))]
    depth = draw(st.sampled_from([50, 300, 1000, 5000]))
    tag = draw(st.sampled_from(["div", "p", "span", "b", "table"]))
    closed = draw(st.sampled_from([0, depth]))
    return "<html><body>" + f"<{tag}>" * depth + body + f"</{tag}>" * closed


def _record(draw: st.DrawFn) -> str:
    """One JSONL line: a good record, a broken one, or something that is no record."""
    kind = draw(
        st.sampled_from(
            [
                "good",
                "good",
                "html",
                "broken",
                "scalar",
                "no-id",
                "bad-field",
                "surrogate",
                "bytes-ish",
                "huge",
                "empty",
            ]
        )
    )
    text = " ".join(_sentences(draw))
    rid = draw(st.one_of(st.text(alphabet=chars, min_size=1, max_size=12), st.integers(-5, 10**20)))
    if kind == "good":
        return json.dumps(
            {
                "id": rid,
                "text": draw(st.one_of(st.just(text), any_text)),
                "published": draw(st.one_of(st.none(), any_text)),
            }
        )
    if kind == "html":
        return json.dumps({"id": rid, "html": draw(html_docs())})
    if kind == "broken":
        line = json.dumps({"id": rid, "text": text})
        return line[: draw(st.integers(0, len(line) - 1))]
    if kind == "scalar":
        return json.dumps(
            draw(
                st.one_of(
                    st.integers(),
                    st.text(),
                    st.lists(st.integers()),
                    st.none(),
                    st.booleans(),
                    st.floats(),
                )
            )
        )
    if kind == "no-id":
        return json.dumps({"text": text})
    if kind == "bad-field":
        return json.dumps(
            {
                "id": rid,
                "text": text,
                draw(st.sampled_from(["title", "url", "text", "id", "site"])): draw(
                    st.one_of(
                        st.lists(st.integers()),
                        st.dictionaries(st.text(), st.integers()),
                        st.floats(),
                        st.booleans(),
                    )
                ),
            }
        )
    if kind == "surrogate":
        return '{"id": "s\\ud800", "text": "A lone \\udc80 surrogate \\ud83d in text."}'
    if kind == "bytes-ish":
        return draw(unicode_text).replace("\n", " ")
    if kind == "huge":
        return json.dumps({"id": rid, "text": ("Long line without end " * 20_000)})
    return ""


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = [_record(draw) for _ in range(draw(st.integers(0, 12)))]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data += b"\n" + draw(st.binary(max_size=200))
    return data


# --- invariants ---------------------------------------------------------------------------


def _in_text(span: Span | None, text: str) -> None:
    if span is not None:
        assert 0 <= span.start <= span.end <= len(text), (span, len(text))


def check_article(art: Article) -> None:
    """Non-empty, and writable as UTF-8 (stdout, SQLite, JSON): no lone surrogates."""
    assert isinstance(art.text, str) and art.text.strip()
    assert isinstance(art.id, str) and art.id
    for value in (
        art.id,
        art.text,
        art.title,
        art.url,
        art.site,
        art.published,
        art.author,
        art.origin,
    ):
        if value is not None:
            value.encode("utf-8")


def check_comparison(c: Comparison) -> None:
    """Every offset inside its text, spans ordered; the JSON form serialisable and equal."""
    ta, tb = c.a.text, c.b.text
    assert c.relation in ("duplicate", "rewrite", "partial", "same-story", "unrelated")
    assert c.source in ("a", "b", None)
    assert 0.0 <= c.coverage.a <= 1.0 and 0.0 <= c.coverage.b <= 1.0
    for al in c.alignments:
        _in_text(al.a, ta)
        _in_text(al.b, tb)
        assert list(al.a_sentences) == sorted(set(al.a_sentences))
        assert list(al.b_sentences) == sorted(set(al.b_sentences))
    for d in c.drifts:
        _in_text(d.a, ta)
        _in_text(d.b, tb)
    for bp in c.boilerplate_a:
        _in_text(bp.span, ta)
    for bp in c.boilerplate_b:
        _in_text(bp.span, tb)
    _in_text(c.title_a, ta)
    _in_text(c.title_b, tb)
    d = comparison_dict(c)
    json.dumps(d, ensure_ascii=False).encode("utf-8")  # what the CLI writes
    back = json.loads(json.dumps(d))
    for al in back["alignments"]:
        assert 0 <= al["a_start"] <= al["a_end"] <= len(ta)
        assert 0 <= al["b_start"] <= al["b_end"] <= len(tb)
    for side, text in (("a", ta), ("b", tb)):
        for start, end in back["boilerplate"][side]:
            assert 0 <= start <= end <= len(text)
        assert back["articles"][side]["length"] == len(text)


def check_symmetric(ab: Comparison, ba: Comparison) -> None:
    """compare(b, a) is compare(a, b) seen from the other side."""
    assert ab.relation == ba.relation, (ab.relation, ba.relation)
    assert {"a": "b", "b": "a", None: None}[ab.source] == ba.source, (ab.source, ba.source)
    mirror = sorted((al.b.start, al.b.end, al.a.start, al.a.end) for al in ba.alignments)
    assert sorted((al.a.start, al.a.end, al.b.start, al.b.end) for al in ab.alignments) == mirror
    assert (ab.coverage.a, ab.coverage.b) == (ba.coverage.b, ba.coverage.a)


def compare_both(a: str, b: str) -> None:
    """Compare both ways; an empty article, or a string that looks like a path to a
    missing file (the API refuses those rather than compare a file name), is the one
    error allowed."""
    try:
        ab = compare(a, b)
    except InputError as exc:
        if "no such file" in str(exc):
            assert looks_like_path(a) or looks_like_path(b)
            return
        assert "empty article" in str(exc)
        assert not a.strip() or not b.strip()
        return
    ba = compare(b, a)
    check_comparison(ab)
    check_comparison(ba)
    check_symmetric(ab, ba)


def check_spans(text: str, spans: Iterable[Span], start: int, end: int) -> None:
    """Ordered, non-overlapping, trimmed, non-empty, inside the range; only whitespace
    of the range is left out."""
    last = start
    covered = set()
    for s in spans:
        assert last <= s.start < s.end <= end, (s, start, end)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        covered.update(range(s.start, s.end))
        last = s.end
    left = [i for i in range(start, end) if i not in covered and not text[i].isspace()]
    assert not left, left[:5]


# --- properties ---------------------------------------------------------------------------


@fuzz(300)
@given(any_text, st.integers(-5, 500), st.one_of(st.none(), st.integers(-5, 500)))
def test_split_sentences_spans_are_well_formed(text: str, start: int, end: int | None) -> None:
    CASES["split_sentences"] += 1
    spans = split_sentences(text, start, end)
    lo = max(0, start)
    hi = len(text) if end is None else max(0, min(end, len(text)))
    check_spans(text, spans, lo, max(lo, hi))


@fuzz(150)
@given(article_pairs())
def test_compare_is_safe_and_symmetric(pair: tuple[str, str]) -> None:
    CASES["compare"] += 1
    compare_both(*pair)


@fuzz(150)
@given(
    st.one_of(
        st.binary(max_size=600),
        any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        any_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
        any_text.map(lambda t: t.encode("cp1252", "ignore")),
    )
)
def test_decode_any_bytes(data: bytes) -> None:
    CASES["decode"] += 1
    try:
        text = decode(data, "fuzz")
    except InputError as exc:
        assert exc.source == "fuzz"
        return
    assert isinstance(text, str)
    text.encode("utf-8")  # decoding never yields lone surrogates


SUFFIXES = [".txt", ".html", ".txt.gz", ".htm", ".md", ".html.gz"]


@fuzz(100)
@given(
    st.sampled_from(SUFFIXES),
    st.one_of(
        st.binary(max_size=400),
        any_text.map(lambda t: t.encode("utf-8", "replace")),
        html_docs().map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.just(b"Long line without end " * 50_000),
    ),
    st.booleans(),
)
def test_read_article_from_any_file(suffix: str, data: bytes, gz_ok: bool) -> None:
    CASES["read_article"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") and gz_ok else data)
        try:
            art = read_article(path)
        except InputError as exc:
            assert str(path) in str(exc)
            return
        check_article(art)
        prepare(art)


@fuzz(80)
@given(html_docs())
def test_article_from_html_strings(html: str) -> None:
    CASES["html"] += 1
    try:
        art = article_from_html(html, id="x")
    except InputError as exc:
        assert exc.source == "x"
        return
    check_article(art)
    compare_both(art.text, art.text + "\nMore text here.")


@fuzz(100)
@given(any_text)
def test_article_from_text_strings(text: str) -> None:
    CASES["text"] += 1
    try:
        art = article_from_text(text, id="x")
    except InputError:
        assert not text.strip()
        return
    assert len(art.text) == len(text)  # lone surrogates become U+FFFD: offsets hold
    assert art.text == text or "\ufffd" in art.text
    check_article(art)
    prepare(art)


@fuzz(60)
@given(jsonl_files())
def test_jsonl_broken_lines_are_reported_and_the_rest_read(data: bytes) -> None:
    CASES["jsonl"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.jsonl"
        path.write_bytes(data)
        errors: list[InputError] = []
        arts = list(iter_articles([path], on_error=errors.append))
    lines = data.split(b"\n")
    assert len(arts) + len(errors) <= len(lines)
    for art in arts:
        check_article(art)
        assert art.origin.startswith(f"{path}:")
    for exc in errors:
        assert isinstance(exc, InputError)
        line = int(exc.source.rsplit(":", 1)[1])
        assert 1 <= line <= len(lines)


# --- the CLI: never a traceback --------------------------------------------------------------

DOCUMENTED_EXIT_CODES = {0, 1, 2, 3}


def _cli(args: list[str], stdin: bytes | None = None) -> None:
    result = CliRunner().invoke(_main(), args, input=stdin, catch_exceptions=True)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.exit_code in DOCUMENTED_EXIT_CODES, (result.exit_code, output, result.exception)


def _main() -> Any:
    from newstrace.cli import main

    return main


@fuzz(40)
@given(
    st.sampled_from([".txt", ".html", ".jsonl"]),
    st.one_of(
        st.binary(max_size=300),
        any_text.map(lambda t: t.encode("utf-8", "replace")),
        html_docs().map(lambda t: t.encode("utf-8", "replace")),
        jsonl_files(),
    ),
    st.sampled_from(["compare-text", "compare-json", "compare-stdin", "scan", "add-check"]),
)
def test_cli_never_prints_a_traceback(suffix: str, data: bytes, command: str) -> None:
    CASES["cli"] += 1
    demo = str(Path(__file__).resolve().parents[1] / "demo" / "corpus" / "01-wire.txt")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        if command == "compare-text":
            _cli(["compare", str(path), demo])
        elif command == "compare-json":
            _cli(["compare", demo, str(path), "--format", "json"])
        elif command == "compare-stdin":
            _cli(["compare", "-", demo, "--format", "json"], stdin=data)
        elif command == "scan":
            _cli(["scan", str(path), demo, "--format", "jsonl", "--out", str(Path(tmp) / "o")])
        else:
            db = str(Path(tmp) / "a.db")
            _cli(["add", str(path), demo, "--db", db, "--batch-size", "2"])
            _cli(["check", str(path), "--db", db, "--format", "json"])
            _cli(["doctor", "--db", db])


def test_cli_garbage_archive_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(os.urandom(5000))
    demo = str(Path(__file__).resolve().parents[1] / "demo" / "corpus" / "01-wire.txt")
    for args in (
        ["doctor", "--db", str(db)],
        ["check", demo, "--db", str(db)],
        ["add", demo, "--db", str(db)],
        ["scan", "--db", str(db)],
    ):
        _cli(args)


def test_cli_lone_surrogates_from_json_escapes(tmp_path: Path) -> None:
    """JSON escapes like "\\ud800" decode to lone surrogates, which UTF-8 output refuses."""
    text = (
        "The storm hit Paris on Monday and 12 people were hurt, police said. Officials "
        "expect more rain on 3 March, Mayor Anne Hidalgo told reporters."
    )
    feed = tmp_path / "s.jsonl"
    feed.write_text(
        "".join(
            f'{{"id": "s\\ud80{k}", "title": "\\udc80", "text": "{text} \\udfff"}}\n'
            for k in range(2)
        )
    )
    db = str(tmp_path / "a.db")
    for args in (
        ["scan", str(feed), "--format", "jsonl"],
        ["scan", str(feed), "--out", str(tmp_path / "out")],
        ["add", str(feed), "--db", db],
        ["scan", "--db", db, "--format", "jsonl"],
    ):
        _cli(args)
    compare_both(text + "\ud800", text + "\udc80")


def test_one_article_repeated_a_thousand_times() -> None:
    sentence = "The storm hit Paris on Monday and 12 people were hurt, police said."
    compare_both(sentence, " ".join([sentence] * 1000))
    compare_both("\n".join([sentence] * 1000), "\n".join([sentence] * 1000))


def test_huge_single_line() -> None:
    line = "word " * 200_000
    compare_both(line, line[:5000])


# --- limits: overlong JSONL lines are skipped and reported, memory stays bounded ------------


def _big_feed(path: Path, n: int, oversized: dict[int, int]) -> list[str]:
    """A multi-MB JSONL feed: ``n`` ordinary lines, and at the given line numbers lines of
    the given sizes in bytes; returns the ids of the ordinary lines."""
    ids = []
    text = "The storm hit Paris on Monday and 12 people were hurt, police said. " * 60
    with path.open("w", encoding="utf-8") as fh:
        for number in range(1, n + 1):
            if number in oversized:
                pad = "x" * oversized[number]
                fh.write(json.dumps({"id": f"big-{number}", "text": pad}) + "\n")
            else:
                ids.append(f"a{number}")
                fh.write(json.dumps({"id": f"a{number}", "text": text}) + "\n")
    return ids


def test_overlong_jsonl_lines_are_skipped_and_reported(tmp_path: Path) -> None:
    import tracemalloc

    from newstrace.options import Options

    path = tmp_path / "big.jsonl"
    oversized = {7: 3_000_000, 500: 8_000_000, 1200: 300_000}
    ids = _big_feed(path, 1500, oversized)
    assert path.stat().st_size > 15_000_000
    errors: list[InputError] = []
    tracemalloc.start()
    got = [
        a.id
        for a in iter_articles(
            [path], options=Options(max_line_bytes=200_000), on_error=errors.append
        )
    ]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert got == ids
    assert [e.source for e in errors] == [f"{path}:{k}" for k in sorted(oversized)]
    assert all("line too long" in e.message and "--max-line-bytes" in e.message for e in errors)
    assert peak < 4_000_000, peak  # the 8 MB line was never held whole


def test_cli_max_line_bytes(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _big_feed(path, 20, {3: 50_000})
    runner = CliRunner()
    r = runner.invoke(
        _main(), ["add", str(path), "--db", str(tmp_path / "a.db"), "--max-line-bytes", "20000"]
    )
    assert r.exit_code == 1, r.output
    assert f"{path}:3: line too long" in r.output and "added 19" in r.output
    r = runner.invoke(_main(), ["scan", str(path), "--max-line-bytes", "20000"])
    assert r.exit_code == 1 and f"{path}:3: line too long" in r.output
