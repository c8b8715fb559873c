"""Entity/number skeleton: the facts of a passage that survive synonym spinning.

Numbers, times, dates, quoted words and names are what a rewrite must keep if it is
faithful, and what drift detection compares. Month and weekday names are an optional
English helper; digits, quotes and capitalised names work in any cased script.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .model import Span
from .text import STOPWORDS, normalise

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MERIDIEM = r"(?:[ap]\.\s?m\.|[ap]m\b|[AP]M\b)"

# Every time begins with a digit; the look-ahead says so up front, which lets the regex
# engine skip to digits instead of trying both alternatives at every character (about a
# third faster; the matches are the same).
_TIME_RE = regex.compile(
    rf"(?=\d)(?:\b\d{{1,2}}(?:[:.]\d{{2}})?\s?{_MERIDIEM}|\b(?:[01]?\d|2[0-3]):[0-5]\d\b(?:\s?(?:GMT|UTC|CET|EST|PST|local time))?)"
)
_DATE_RE = regex.compile(
    rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b(?:\s+\d{{4}})?"
    rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
    rf"|\b{_WEEKDAYS}\b|\b{_MONTHS}\b(?:\s+\d{{4}})?|\b(?:1[89]|20)\d\d\b"
)
_CURRENCY = r"[$€£¥₹]"
_NUMERAL = r"\p{N}+(?:[.,]\p{N}+)*"
_NUMBER_RE = regex.compile(
    rf"(?<![\p{{Latin}}\p{{N}}])(?:{_CURRENCY}\s?)?{_NUMERAL}"
    r"(?:\s?%|\s?(?:percent|per cent|million|billion|trillion|thousand|bn)\b"
    rf"|(?<={_CURRENCY}\s?{_NUMERAL})(?:m|mn|tn|k)\b)?"
)
"""A number, with its unit of scale or per cent; an amount of money also with the short
scales of financial copy ("£8m", "$2bn", "£5k": without a currency "5m" may be metres).
Not the digits of a code that opens with Latin letters ("M25", "G7"): a name, not a value
(in other scripts a word and a number may run together by a slip of spacing)."""
_SCALE_KEYS = {
    "m": "million",
    "mn": "million",
    "bn": "billion",
    "tn": "trillion",
    "k": "thousand",
    "percent": "%",
}
"""How a number's key writes the scale it was written with (after spaces are removed)."""
_TIME_DOT_RE = regex.compile(r"(?<=\d)\.(?=\d)")
"""The full stop of "7.14pm", read as the colon of "7:14 pm"."""
_SCALE_TAIL_RE = regex.compile(rf"(?<=\d)(?:{'|'.join(_SCALE_KEYS)})$")
_QUOTE_RE = regex.compile(
    r"“([^“”\n]{1,400})”|„([^“”„\n]{1,400})[“”]|«([^«»\n]{1,400})»|\"([^\"\n]{1,400})\""
    r"|(?<![\p{L}\p{N}])‘([^‘’\n]{1,400})’(?![\p{L}])"
)
# Relative time phrases (English helper): they date an event without a calendar date.
_RELATIVE_TIME_RE = regex.compile(
    r"\b(?:(?:earlier|later)\s+(?:this|that|last|in\s+the)\s+(?:year|month|week|day)"
    r"|(?:last|this|next|that)\s+(?:year|month|week|weekend|spring|summer|autumn|fall|winter)"
    r"|(?:yesterday|today|tomorrow|tonight)"
    r"|(?:a|one|two|three|several|few)\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|later))\b",
    regex.IGNORECASE,
)
# A name runs over capitalised words on one line ("Harbour Crown Court", "J. K. Doe",
# "U.S. Army"), but not past a full stop after a word of four letters or more: there a
# sentence ends ("... in Lethorpe Row. More ..."), where an abbreviation or an initial
# ("Mr.", "St.", "U.S.") goes on.
_NAME_RE = regex.compile(
    r"\p{Lu}[\p{L}\p{M}'’.-]*(?:(?<![\p{L}\p{M}]{4}\.)[^\S\n]+\p{Lu}[\p{L}\p{M}'’.-]*)*"
)
_SENTENCE_START_RE = regex.compile(r"(?:^|[.!?…]\s+|[\n\"“”«»(\[–—-]\s*)$")


SKELETON_KINDS = frozenset({"name", "number", "date", "time"})
"""The fact kinds that make an event's skeleton (quotes are compared as wording)."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One skeleton element of a passage."""

    kind: str  # number | time | date | quote | name
    span: Span
    key: str  # comparable value
    text: str


def facts(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    named: frozenset[str] | None = None,
    keys: dict[str, str] | None = None,
) -> list[Fact]:
    """Skeleton of ``text[start:end]``: times, dates, numbers, quotes, names (in order).

    ``named`` (from ``names_inside_sentences(text)``) saves a search of the whole text
    per capitalised word that opens a sentence; ``keys`` keeps each name's key once made
    (an article names its people and places again and again). Pass both when calling
    many times on one text.
    """
    if named is None:
        named = names_inside_sentences(text)
    if keys is None:
        keys = {}
    stop = len(text) if end is None else end
    out: list[Fact] = []
    taken = _Taken()
    for kind, pattern in _value_patterns(text, start, stop):
        for m in pattern.finditer(text, start, stop):
            s, e = m.span()
            if taken.overlaps(s, e):  # an earlier kind holds these characters
                continue
            taken.add(s, e)
            raw = m.group()
            out.append(Fact(kind, Span(s, e), _key(kind, raw), raw))
    out += _quotes(text, start, stop)
    for m in _NAME_RE.finditer(text, start, stop):
        name = _trim_name(text, m.start(), m.group())
        if name is None:
            continue
        s, word = name
        if taken.overlaps(s, s + len(word)):
            continue
        if " " not in word and word not in named and _opens_sentence(text, s):
            continue  # "Глава", "По": capitalised only because it opens the sentence
        key = keys.get(word)
        if key is None:
            key = keys[word] = _name_key(word)
        out.append(Fact("name", Span(s, s + len(word)), key, word))
    out.sort(key=_text_order)
    return out


def _text_order(f: Fact) -> tuple[int, int]:
    return f.span.start, f.span.end


def block_facts(text: str, blocks: Sequence[Span]) -> list[Fact]:
    """The facts of each of ``blocks`` of ``text`` in turn (``facts``), the names inside
    its sentences found once for all blocks. (One pass over the blocks' whole range,
    dropping matches outside them, was measured: 5-10% faster, not worth its second
    path for matches that run over a block's edge.)"""
    named = names_inside_sentences(text)
    keys: dict[str, str] = {}
    return [f for b in blocks for f in facts(text, b.start, b.end, named=named, keys=keys)]


def block_quotes(text: str, blocks: Sequence[Span]) -> list[Fact]:
    """The quote facts of ``block_facts`` alone, block by block (quotes are found
    whatever other facts hold their characters, so they need none of the others)."""
    return [f for b in blocks for f in _quotes(text, b.start, b.end)]


def _quotes(text: str, start: int, stop: int) -> list[Fact]:
    """The quotes of ``text[start:stop]`` that hold a word, in text order."""
    out = []
    for m in _QUOTE_RE.finditer(text, start, stop):
        inner = _quoted_words(m)
        if len(inner.split()) == 0:
            continue
        out.append(Fact("quote", Span(*m.span()), _quote_key(inner), m.group()))
    return out


class _Taken:
    """The disjoint character ranges the values found hold, sorted, for an overlap
    test by bisection (a long paragraph's many numbers against its names)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        # Disjoint ranges sorted by start are sorted by end: of those starting before
        # ``e``, the last ends last.
        k = bisect_left(self._starts, e) - 1
        return k >= 0 and self._ends[k] > s

    def add(self, s: int, e: int) -> None:
        k = bisect_left(self._starts, s)
        self._starts.insert(k, s)
        self._ends.insert(k, e)


def fact_at(text: str, kind: str, start: int, end: int) -> Fact:
    """The fact of ``kind`` that ``facts`` found at ``[start, end)`` of ``text``, made
    again from where it lies (a prepared article stored as columns keeps only that)."""
    raw = text[start:end]
    if kind == "quote":
        m = _QUOTE_RE.match(text, start, end)
        if m is None or m.end() != end:
            raise ValueError(f"no quote at {start}-{end}")
        key = _quote_key(_quoted_words(m))
    elif kind == "name":
        key = _name_key(raw)
    else:
        key = _key(kind, raw)
    return Fact(kind, Span(start, end), key, raw)


def _quoted_words(m: regex.Match[str]) -> str:
    """The words inside a ``_QUOTE_RE`` match (the group of its kind of marks)."""
    return next(g for g in m.groups() if g is not None)


def _quote_key(inner: str) -> str:
    return normalise(inner).casefold().strip(" ,.;:")


def _name_key(word: str) -> str:
    return normalise(word).casefold()


_VALUE_PATTERNS = (("time", _TIME_RE), ("date", _DATE_RE), ("number", _NUMBER_RE))
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
"""The months in full, case-folded: ``_DATE_RE`` finds each in full or by its first
three letters ("Sept" too), and ``_calendar_key`` names each in full."""
_DATE_WORDS = (
    *(m[:3].title() for m in _MONTH_NAMES),
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
"""Every case-sensitive month or weekday word of ``_DATE_RE`` begins with one of these."""


def _value_patterns(text: str, start: int, stop: int) -> tuple[tuple[str, regex.Pattern[str]], ...]:
    """The value patterns that can match in ``text[start:stop]``, in the order they are
    tried.

    Times and numbers need a digit; a date needs a digit or a month or weekday word, and
    without such a word only its numeric forms can match. In ASCII text the only digits
    are 0-9, so cheap searches skip the regex scans (the costliest part of fact finding)
    that could find nothing; other text gets all."""
    digits = _ASCII_DIGIT_RE.search(text, start, stop) is not None
    if not digits and not text.isascii() and not text[start:stop].isascii():
        return _VALUE_PATTERNS
    words = _DATE_WORD_RE.search(text, start, stop) is not None
    if digits:
        return _VALUE_PATTERNS if words else _NUMERIC_VALUE_PATTERNS
    return _VALUE_PATTERNS[1:2] if words else ()


_NUMERIC_DATE_RE = regex.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:1[89]|20)\d\d\b"
)
"""The alternatives of ``_DATE_RE`` that hold no month or weekday word, in its order:
where no such word can begin, they find what it finds, in half the time."""
_NUMERIC_VALUE_PATTERNS = (
    _VALUE_PATTERNS[0],
    ("date", _NUMERIC_DATE_RE),
    _VALUE_PATTERNS[2],
)
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_DATE_WORD_RE = re.compile("|".join(_DATE_WORDS))
"""Where a case-sensitive month or weekday word of ``_DATE_RE`` could begin."""


def relative_times(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Relative time phrases ("earlier this year", "last week") of a passage, normalised:
    with its dates and times they tell one event from two."""
    stop = len(text) if end is None else end
    return [normalise(m.group()).casefold() for m in _RELATIVE_TIME_RE.finditer(text, start, stop)]


def _opens_sentence(text: str, start: int) -> bool:
    return _SENTENCE_START_RE.search(text, max(0, start - 3), start) is not None


_INSIDE_NAME_RE = regex.compile(r"(?<=[\p{L}\p{N},;:]\s+)\p{Lu}[\p{L}\p{M}'’.-]*")


def names_inside_sentences(text: str) -> frozenset[str]:
    """Capitalised words that stand inside a sentence somewhere in the text: what tells
    a name from an ordinary word that happens to open a sentence ("Глава", "По")."""
    out = set()
    for m in _INSIDE_NAME_RE.finditer(text):
        word = m.group()
        out.add(word)
        out.add(word.rstrip(".’'-"))
    return frozenset(out)


def _trim_name(text: str, start: int, found: str) -> tuple[int, str] | None:
    """Drop a capitalised function word that only opens a sentence ("The", "In")."""
    words = found.split()
    offset = start
    # The cheap test first: most names do not begin with a function word.
    while words and words[0].casefold().strip(".") in STOPWORDS and _opens_sentence(text, offset):
        offset = text.index(words[1], offset + len(words[0])) if len(words) > 1 else offset
        words = words[1:]
    if not words:
        return None
    if len(words) == 1:  # the usual case: one word, nothing to join
        word = words[0]
    else:
        joined = " ".join(words)
        if joined == found:  # it stands in the text as found
            word = found
        else:
            word = joined if joined in text[offset : offset + len(found) + 1] else words[0]
    word = word.rstrip(".’'-")
    if len(word) < 2 or word.casefold() in STOPWORDS:
        return None
    return offset, word


def _key(kind: str, raw: str) -> str:
    s = _ascii_digits(normalise(raw).casefold())
    if kind == "time":  # "7.14pm" / "7:14 pm": one time
        return _TIME_DOT_RE.sub(":", s).replace(" ", "").replace(".", "")
    if kind == "number":
        # One key however the scale is written: "5 per cent" / "5%", "£8m" / "£8 million".
        return _SCALE_TAIL_RE.sub(lambda m: _SCALE_KEYS[m[0]], s.replace(",", "").replace(" ", ""))
    s = s.replace(".", "").replace(",", "")
    return _calendar_key(s) if kind == "date" else s


MONTH_OF = {
    **{m: m for m in _MONTH_NAMES},
    **{m[:3]: m for m in _MONTH_NAMES},
    "sept": "september",
}
"""A month as ``_DATE_RE`` may write it (case-folded, full stop removed), by full name
(drift reads its keys as the words that name a month)."""
_DAY_MONTH_RE = regex.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)? (?:of )?(?P<month>[a-z]+)(?: (?P<year>\d{4}))?$"
)
_MONTH_DAY_RE = regex.compile(
    r"^(?P<month>[a-z]+) (?P<day>\d{1,2})(?:st|nd|rd|th)?(?: (?P<year>\d{4}))?$"
)


def _calendar_key(s: str) -> str:
    """One key for one calendar day however it is written: "December 10", "10th of
    December" and "Dec 10" are "10 december" (day, month, year: each less precise form
    lies inside a fuller one as whole words, "december 2021" and "10 december" inside
    "10 december 2021", which is how drift tells a date that kept its day from one
    that changed); a month is named in full ("Sept 2008": "september 2008"). Other
    dates keep their words."""
    m = _DAY_MONTH_RE.match(s) or _MONTH_DAY_RE.match(s)
    if m is not None:
        month = MONTH_OF.get(m["month"])
        if month is not None:
            day = str(int(m["day"]))
            return f"{day} {month} {m['year']}" if m["year"] else f"{day} {month}"
    first, _, rest = s.partition(" ")
    month = MONTH_OF.get(first)
    return s if month is None else f"{month} {rest}".rstrip()


def _ascii_digits(s: str) -> str:
    """Decimal digits of any script as ASCII digits: "۱۵" (Urdu, Persian) and "15" are
    one number, however a paper writes it (NFKC leaves them apart)."""
    if s.isascii():
        return s
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in s)
