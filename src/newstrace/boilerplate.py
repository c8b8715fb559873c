"""Boilerplate stage: split scraped article text into headline, body lines and debris.

Scraped news arrives with CMS and scraper debris inside the text: author boxes, photo
credits, "The post ... appeared first on ..." footers, reaction buttons, related-article
teasers. Left in, that debris makes unrelated articles of one site look copied and hides
real reuse. This stage works line by line (a line is the text between two newlines) with
general rules, not lists of known strings, and accounts for every non-whitespace
character: each lies in the title, in a body span or in a removed span with a reason.

Rules, in order of precedence (each removed line gets one short reason):

* headline: the given ``title`` among the top lines, else the first line that is not
  debris, if short (<= 25 words) and not ending like a sentence ("?" is fine). Later
  lines equal to it (normalised) are a "repeated title". Mastheads and site names above
  the headline ("THE DAILY COURIER", "Harbour Daily", "news.example.com", "Menu") are
  not the headline: a top line of at most four words, or all capitals, or a host name,
  followed by another headline-like line before the text begins, is a masthead;
* lines learned as repeated across one site's articles (``repeated_lines``);
* start-of-line CMS phrases (dispatched on the first word, so prose stays cheap): footers,
  share/subscribe prompts, related-content links, author boxes ("About Jane Doe"), agency
  credits, photo credits ("Photo: ..."), bylines; closing phrases found anywhere
  ("... appeared first on Site.", "contributed to this report.", "All rights reserved");
* short structural lines: photo credits ("Name | Agency | Getty Images"), menus,
  separators, lone URLs, dates, "By Jane Doe" bylines;
* lines under 6 words that do not end like a sentence (buttons, labels, subheads);
* everything after an end-of-article marker ("Check Also", "You may also like",
  "Leave a reply", an author box, "The post ... appeared first on ...") when most of the
  prose precedes it and no two long paragraphs follow it.

The structural rules survive other languages: sentence ends include ``。``, ``۔``, ``।``
and friends, and scripts written without spaces (Chinese, Japanese, Thai, ...) count
characters instead of words. The named footer phrases are English.
"""

from __future__ import annotations

import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from newstrace.model import Boilerplate, Span

__all__ = [
    "Layout",
    "PackedRemoved",
    "find_boilerplate",
    "normalise_line",
    "pack_layout",
    "pack_removed",
    "pack_span",
    "repeated_lines",
    "unpack_layout",
    "unpack_removed",
    "unpack_span",
]

# Reasons given for removed lines (short, stable strings: reports show them).
R_REPEATED_TITLE = "repeated title"
R_SITE = "repeated across site"
R_FOOTER = "cms footer"
R_RELATED = "related-content link"
R_SOCIAL = "social/subscribe prompt"
R_AD = "advertisement"
R_AUTHOR = "author box"
R_AGENCY = "agency credit"
R_CONTRIBUTOR = "contributor line"
R_PHOTO = "photo credit"
R_SEPARATOR = "separator line"
R_MENU = "menu line"
R_URL = "url line"
R_DATE = "date line"
R_BYLINE = "byline"
R_SHORT = "short line without sentence structure"
R_AFTER_END = "after end-of-article marker"
R_MASTHEAD = "masthead or site name above the headline"


@dataclass(frozen=True, slots=True)
class Layout:
    """Where an article's headline, body and removed debris lie in its text."""

    title: Span | None
    """The headline line at the top, if any: neither body nor boilerplate."""
    body: tuple[Span, ...]
    """Kept lines, in order, trimmed of surrounding whitespace."""
    removed: tuple[Boilerplate, ...]
    """Every removed line, in order, with a short reason."""

    def __reduce__(self) -> tuple[type[Layout], tuple[object, ...]]:
        """Pickled as its fields, made again by ``Layout(...)``: a compiled build's frozen
        class has no setter for the default reduction to restore its slots with."""
        return (Layout, (self.title, self.body, self.removed))


PackedRemoved = tuple[tuple[int, int, str], ...]
"""Removed lines as plain tuples (start, end, reason): what a spool pickles of them."""


def pack_removed(removed: Sequence[Boilerplate]) -> PackedRemoved:
    """Removed lines as ``PackedRemoved``."""
    return tuple((b.span.start, b.span.end, b.reason) for b in removed)


def unpack_removed(packed: PackedRemoved) -> tuple[Boilerplate, ...]:
    """The removed lines ``pack_removed`` packed."""
    return tuple(Boilerplate(Span(s, e), reason) for s, e, reason in packed)


def pack_span(span: Span | None) -> tuple[int, int] | None:
    """A headline's span (or None) as a plain pair."""
    return None if span is None else (span.start, span.end)


def unpack_span(packed: tuple[int, int] | None) -> Span | None:
    """The span ``pack_span`` packed."""
    return None if packed is None else Span(*packed)


def pack_layout(layout: Layout) -> bytes:
    """A layout as compact bytes (offsets and reasons, pickled once), which
    ``unpack_layout`` makes into an equal layout: a scan keeps each article's layout from
    its fingerprinting for the preparation of the articles it verifies."""
    body = tuple(x for span in layout.body for x in (span.start, span.end))
    packed = (pack_span(layout.title), body, pack_removed(layout.removed))
    return pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_layout(data: bytes) -> Layout:
    """The layout ``pack_layout`` packed."""
    title, body, removed = pickle.loads(data)
    return Layout(
        unpack_span(title),
        tuple(Span(body[k], body[k + 1]) for k in range(0, len(body), 2)),
        unpack_removed(removed),
    )


# --- thresholds -----------------------------------------------------------------------

_TITLE_MAX_WORDS = 25  # a headline is short
_SHORT_WORDS = 6  # fewer words and no sentence end: not a sentence
_SENTENCE_WORDS = 12  # this many words is prose even without a sentence end
_NOSPACE_SENTENCE = 20  # ... and so are this many characters of a script without spaces
_LONG_PROSE_WORDS = 40  # two paragraphs this long after an end marker: the article goes on
_PATTERN_MAX_WORDS = 20  # start-of-line prompts ("Read more", "Subscribe") only on short lines
_STRONG_MAX_WORDS = 60  # unmistakable footer phrases apply to lines up to this long
_CREDIT_MAX_WORDS = 14  # photo credits, menus, dates and bylines are short
_SITE_LINE_MAX_CHARS = 200  # longer lines are content, not site furniture
_TITLE_SEARCH_LINES = 4  # the given title is looked for among this many top lines

# Sentence-final punctuation across scripts (Latin, CJK, Urdu/Arabic, Devanagari,
# Armenian, Ethiopic, Myanmar, Khmer, Tibetan), ellipses included.
_SENT_END = frozenset(".!?…。！？．｡۔؟।॥։።፧။។༎")
# What may trail a sentence end: closing quotes, brackets, footnote stars.
_CLOSERS = " \t\"'”’»›)]}」』】》〉*"
# A headline may end in "?", but other sentence ends and clause marks say "sentence".
_NOT_TITLE_END = frozenset(".!。！．｡۔।॥…:;,،")
_ELLIPSIS_END = ("…", "...", "[…]", "[...]")

# Runs of scripts written without spaces between words.
_NOSPACE_RUN_RE = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+"
)
_WORDCHAR_RE = re.compile(r"[^\W_]")
_DIGIT_RE = re.compile(r"\d")
_FIRST_WORD_RE = re.compile(r"[^\w©]*(©|[^\W\d_][\w-]*)")

# Typographic quotes and dashes and their plain forms (replace() per present character
# is much faster than str.translate on non-ASCII text).
_QUOTE_PAIRS: tuple[tuple[str, str], ...] = (
    tuple((c, '"') for c in "“”„‟«»″")
    + tuple((c, "'") for c in "‘’‚‛‹›′`")
    + tuple((c, "-") for c in "–—‒―−‐‑")
)

# --- start-of-line patterns, dispatched on the line's first word ------------------------
# Each entry: (first words, pattern, reason, end-of-article marker, applies to long lines).
# Markers are lines after which a page usually holds teasers, comments or widgets.

_LEAD = r"[\s\-–—•*·>»|#▶►→(\[\"'“‘]*"
_LEAD_CHARS = " \t-–—•*·>»|#▶►→([\"'“‘"  # the same characters, for str.lstrip
_ALONE = r"[\s:.…!?]*$"  # the phrase is the whole line
_APOS = "['’]?"

_HEAD_TABLE: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("check", r"check\s+also" + _ALONE, R_RELATED, True, False),
    (
        "you",
        r"you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)" + _ALONE,
        R_RELATED,
        True,
        False,
    ),
    (
        "related",
        r"related(?:\s+(?:posts?|articles?|stories|news|content|coverage|reading"
        r"|links|items))?" + _ALONE,
        R_RELATED,
        True,
        False,
    ),
    ("related", r"related\s*:", R_RELATED, False, False),
    (
        "recommended",
        r"recommended(?:\s+(?:for\s+you|stories|articles|reading|posts))?" + _ALONE,
        R_RELATED,
        True,
        False,
    ),
    ("more", r"more\s+(?:stories|news|articles|posts)" + _ALONE, R_RELATED, True, False),
    ("more", r"more\s+in\s*:|more\s+from(?:\s+[^\s.!?]+){1,4}\s*:?\s*$", R_RELATED, False, False),
    ("don", r"don" + _APOS + r"t\s+miss" + _ALONE, R_RELATED, True, False),
    (
        "leave post add write",
        r"(?:leave|post|add|write)\s+a\s+(?:reply|comment|response)\b",
        R_FOOTER,
        True,
        False,
    ),
    ("what", r"what" + _APOS + r"s\s+your\s+reaction\b", R_FOOTER, True, False),
    (
        "the this",
        (
            r"(?:the\s+post|this\s+(?:article|story|post|piece|report))\s.*"
            r"\b(?:appeared\s+first|first\s+appeared|was\s+(?:originally|first)"
            r"\s+published)\s+(?:on|in|at|by)\b"
        ),
        R_FOOTER,
        True,
        True,
    ),
    ("about", r"about\s+the\s+author" + _ALONE, R_AUTHOR, True, False),
    (
        "read see",
        r"(?:read|see)\s+(?:more(?!\s+than)|also|next|full\s+story)\b",
        R_RELATED,
        False,
        False,
    ),
    ("also", r"also\s+read\b", R_RELATED, False, False),
    ("learn", r"learn\s+more\b", R_RELATED, False, False),
    ("watch listen", r"(?:watch|listen)\s*:", R_RELATED, False, False),
    (
        "share shares",
        r"share\s+(?:this|on|via|article|story)\b|shares?" + _ALONE,
        R_SOCIAL,
        False,
        False,
    ),
    ("follow", r"follow\s+us\b", R_SOCIAL, False, False),
    ("subscribe", r"subscribe\b", R_SOCIAL, False, False),
    ("sign", r"sign\s+up(?:\s+(?:for|to|now|here|today)\b|" + _ALONE + ")", R_SOCIAL, False, False),
    ("click", r"click\s+here\b", R_SOCIAL, False, False),
    ("download", r"download\s+(?:our|the)\s+app\b", R_SOCIAL, False, False),
    ("join", r"join\s+(?:us|our)\s+on\b", R_SOCIAL, False, False),
    ("like", r"like\s+us\s+on\b", R_SOCIAL, False, False),
    ("email e-mail print tweet", r"(?:e-?mail|print|tweet)\s+this\b", R_SOCIAL, False, False),
    ("posted", r"posted\s+in\s+[^.!?]*$", R_FOOTER, False, False),
    ("filed", r"filed\s+under\b[^.!?]*$", R_FOOTER, False, False),
    (
        "tags tag category categories topics",
        r"(?:tags?|categor(?:y|ies)|topics)\s*:",
        R_FOOTER,
        False,
        False,
    ),
    ("copyright", r"copyright\s*(?:©|\(c\)|\d{4})", R_FOOTER, False, True),
    ("all", r"all\s+rights\s+reserved", R_FOOTER, False, True),
    ("your", r"your\s+e-?mail\s+address\s+will\s+not", R_FOOTER, False, True),
    ("required", r"required\s+fields\s+are\s+marked", R_FOOTER, False, True),
    ("advertisement", r"advertisement\b", R_AD, False, False),
    ("sponsored", r"sponsored(?:\s+content)?" + _ALONE, R_AD, False, False),
    ("ad", r"ad" + _ALONE, R_AD, False, False),
    (
        "additional reporting writing editing compiled produced",
        r"(?:additional\s+)?(?:reporting|writing|editing|compiled|produced)\s+by\b",
        R_AGENCY,
        False,
        True,
    ),
    (
        "photo photos photograph photographs image images picture pictures credit credits foto",
        r"(?:photo(?:graph)?s?|images?|pictures?|credits?|foto)\s*(?:credits?\s*)?(?::|by\b)",
        R_PHOTO,
        False,
        False,
    ),
    (
        "written posted words story text",
        r"(?:written|posted|words|story|text)\s+by\s+\S",
        R_BYLINE,
        False,
        False,
    ),
    ("author", r"author\s*:", R_BYLINE, False, False),
)
# "(AP Photo/Jane Doe)", "Reuters photo": an agency name then "photo".
_AGENCY_TOKENS = frozenset(
    {
        "getty",
        "images",
        "image",
        "photo",
        "photos",
        "photograph",
        "photographer",
        "ap",
        "afp",
        "reuters",
        "epa",
        "efe",
        "tass",
        "xinhua",
        "anadolu",
        "bloomberg",
        "shutterstock",
        "alamy",
        "istock",
        "pool",
        "file",
        "courtesy",
        "sipa",
        "zuma",
        "dpa",
        "ansa",
        "nurphoto",
        "imago",
        "upi",
        "press",
        "agency",
        "wire",
        "kyodo",
        "yonhap",
        "ria",
        "sputnik",
        "pti",
        "ani",
        "ians",
        "corbis",
        "pa",
    }
)
_AGENCY_PHOTO = (r"\w+\s+photo\b", R_PHOTO, False, False)


def _build_head_table() -> Mapping[str, tuple[tuple[re.Pattern[str], str, bool, bool], ...]]:
    table: dict[str, list[tuple[re.Pattern[str], str, bool, bool]]] = {}
    entries = [*_HEAD_TABLE, (" ".join(sorted(_AGENCY_TOKENS)), *_AGENCY_PHOTO)]
    for keys, pattern, reason, marker, long_ok in entries:
        compiled = re.compile(_LEAD + "(?:" + pattern + ")", re.IGNORECASE)
        for key in keys.split():
            table.setdefault(key, []).append((compiled, reason, marker, long_ok))
    return MappingProxyType({key: tuple(rules) for key, rules in table.items()})


_HEAD = _build_head_table()
# Openings of the patterns that also apply to long lines (checked before dispatch).
_LONG_PREFIXES = (
    "the post ",
    "this article",
    "this story",
    "this post ",
    "this piece",
    "this report",
    "copyright",
    "all rights",
    "your email",
    "your e-mail",
    "required field",
    "additional rep",
    "reporting by",
    "writing by",
    "editing by",
    "compiled by",
    "produced by",
    "©",
)


_LONG_INITIALS = frozenset(
    "".join(p[0] for p in _LONG_PREFIXES).upper() + "".join(p[0] for p in _LONG_PREFIXES)
)


def _long_prefix(s: str) -> bool:
    """Whether a long line opens like one of the patterns that apply to long lines."""
    if s[0] in _LEAD_CHARS:
        s = s[:24].lstrip(_LEAD_CHARS)
    return s[:1] in _LONG_INITIALS and s[:16].casefold().startswith(_LONG_PREFIXES)


# "About Wendy Hall": an author box (About + 1-4 capitalised words, nothing else).
_ABOUT_RE = re.compile(_LEAD + r"about\s+((?:\S+\s+){0,3}\S+)\s*$", re.IGNORECASE)

# --- phrases that close a line wherever it starts ----------------------------------------
# Found with str.find over the whole text (fast, usually no hit), then confirmed per line.

_NEEDLES = ("appeared first on", "ontributed", "©", "eserved")
# "<Headline> appeared first on Harbour Daily." (a feed footer without "The post"): the
# line ends with a capitalised name after the phrase, not with a day or more words.
_APPEARED_RE = re.compile(
    r"\bappeared\s+first\s+on\s+(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)"
    r"[A-Z0-9][\w.&'’-]*(?:\s+[A-Z0-9][\w.&'’-]*){0,4}[.!]?\s*$"
)
# "– Jane Doe contributed to this report.", "Tom Roe contributed reporting from Oslo."
_CONTRIB_RE = re.compile(
    r"\bcontributed\s+(?:(?:reporting|writing|research)(?:\s+(?:from|in)\s+[^.]+)?"
    r"(?:\s+to\s+this\s+(?:report|story|article))?|to\s+this\s+(?:report|story|article))"
    r"[\s.)]*$",
    re.IGNORECASE,
)
_RESERVED_RE = re.compile(r"\ball\s+rights\s+reserved\b", re.IGNORECASE)

# --- photo credits, menus, urls, dates, bylines ------------------------------------------

_SEP_RE = re.compile(r"[|/•·»›]|\s>\s")
_SEGMENT_SPLIT_RE = re.compile(r"\s*[|/]\s*")
_MENU_SPLIT_RE = re.compile(r"\s*(?:[|•·»›]|\s>\s)\s*")
_URL_RE = re.compile(r"[(<\[]?(?:https?://|www\.)\S+")
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAY = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
_DATE_RE = re.compile(
    r"(?:(?:last\s+)?(?:updated|published|posted|modified|date|time|on|at)\b"
    r"|(?:" + _MONTH + r"|" + _WEEKDAY + r")\b\.?"
    r"|\d{1,4}(?!\d)(?:st|nd|rd|th)?\b"
    r"|[ap]\.?m\.?(?!\w)|(?:gmt|utc|[ecmp][sd]t|bst|cet|cest|ist|jst|kst|msk|hkt|sgt)\b"
    r"|[\s,./\-–—:|()+])+",
    re.IGNORECASE,
)
_NAME_PARTICLES = frozenset("de da del der di du van von la le al el bin ibn y e und et".split())
"""Lower-case words inside personal and organisation names ("Ludwig van Beethoven")."""
_CREDIT_CONNECTORS = _NAME_PARTICLES | {"via", "for", "and", "of", "the"}
"""Lower-case words a credit line may hold between its capitalised names."""
_BYLINE_CONNECTORS = _NAME_PARTICLES | {"and", "&", "for", "in", "of", "the"}
"""Lower-case words a byline may hold between its capitalised names."""


def normalise_line(line: str) -> str:
    """A line's comparison form: NFKC, unified quotes and dashes, case-folded, collapsed
    whitespace. Used for title repeats and for lines learned as site furniture."""
    if not line.isascii():
        if not unicodedata.is_normalized("NFKC", line):
            line = unicodedata.normalize("NFKC", line)
        for c, plain in _QUOTE_PAIRS:
            if c in line:
                line = line.replace(c, plain)
    return " ".join(line.casefold().split())


def repeated_lines(
    texts: Iterable[str], *, min_count: int = 3, min_share: float = 0.5
) -> frozenset[str]:
    """Normalised lines (< 200 characters) found in at least ``min_count`` of the texts
    and in at least ``min_share`` of them: one site's template furniture (slogans, menus,
    disclaimers) that the structural rules may miss. Pass articles of one site only;
    copies of one story among them would teach their shared sentences too."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        seen: set[str] = set()
        for line in text.split("\n"):
            line = line.strip()
            if line and len(line) < _SITE_LINE_MAX_CHARS:
                seen.add(normalise_line(line))
        counts.update(seen)
    if n == 0:
        return frozenset()
    need = max(min_count, min_share * n)
    return frozenset(line for line, c in counts.items() if c >= need)


def _is_about_name(s: str) -> bool:
    """'About' + 1-4 capitalised name words: an author box heading."""
    m = _ABOUT_RE.match(s)
    if m is None:
        return False
    return all(w[0].isupper() and not _DIGIT_RE.search(w) for w in m.group(1).split())


def _is_photo_credit(s: str) -> bool:
    """'Name | Agency | Getty Images', 'Name/AFP via Getty Images': short capitalised
    segments, one of them naming an agency or a picture service."""
    segments = [seg for seg in _SEGMENT_SPLIT_RE.split(s) if seg]
    if len(segments) < 2 or any(len(seg.split()) > 6 for seg in segments):
        return False
    tokens = s.replace("/", " ").replace("|", " ").split()
    if not any(w.strip("()[],.;:").casefold() in _AGENCY_TOKENS for w in tokens):
        return False
    # Names and agencies: capitalised words, bar connectors ("via", "van", ...).
    return all(not w[0].isalpha() or w[0].isupper() or w in _CREDIT_CONNECTORS for w in tokens)


def _is_menu(s: str) -> bool:
    """'Home | World | Asia', 'News • Sport • Weather': navigation, not text (three or more
    short segments: 'Headline | Site' stays a possible title)."""
    segments = [seg for seg in _MENU_SPLIT_RE.split(s) if seg]
    return len(segments) >= 3 and all(len(seg.split()) <= 4 for seg in segments)


def _is_byline(s: str, n: int) -> bool:
    """'By Jane Doe', 'By JANE DOE and John Roe, Reuters' (not 'By the end of ...')."""
    if n < 2 or n > 12 or s[:3].casefold() != "by ":
        return False
    names = s[3:].replace(",", " ").replace("|", " ").split()
    if not names or not names[0][0].isupper():
        return False
    lower = sum(
        1
        for w in names
        if w[0].isalpha() and not w[0].isupper() and w.casefold() not in _BYLINE_CONNECTORS
    )
    return lower <= 1


def _first_word(s: str) -> str:
    """The line's first word, case-folded, without decoration, clitic or colon."""
    if s[0].isalpha():
        end = s.find(" ", 0, 24)
        word = (s[:end] if end > 0 else s[:24]).casefold()
    else:
        m = _FIRST_WORD_RE.match(s)
        return m.group(1).casefold() if m is not None else ""
    if not word.isalpha():
        m = _FIRST_WORD_RE.match(word)
        return m.group(1) if m is not None else ""
    return word


def _rule(s: str, n: int, ends: bool, flagged: bool) -> tuple[str, bool] | None:
    """The structural rule a line breaks, as (reason, is end-of-article marker), or None.

    ``n`` is the line's word count, ``ends`` whether it ends like a sentence, ``flagged``
    whether it holds one of ``_NEEDLES``.
    """
    if not s[0].isalnum() and _WORDCHAR_RE.search(s) is None:
        return R_SEPARATOR, False
    if n > _STRONG_MAX_WORDS:
        return None
    # Long lines are only dispatched when they open like a pattern that applies to them.
    first = "" if n > _PATTERN_MAX_WORDS and not _long_prefix(s) else _first_word(s)
    rules = _HEAD.get(first) if first else None
    if rules is not None:
        for pattern, reason, marker, long_ok in rules:
            if (n <= _PATTERN_MAX_WORDS or long_ok) and pattern.match(s):
                return reason, marker
        if first == "about" and n <= 5 and _is_about_name(s):
            return R_AUTHOR, True
    if flagged:
        if "appeared first on" in s and _APPEARED_RE.search(s):
            return R_FOOTER, True
        if "ontributed" in s and n <= 25 and _CONTRIB_RE.search(s):
            return R_CONTRIBUTOR, False
        if n <= 40 and ("©" in s or _RESERVED_RE.search(s)):
            return R_FOOTER, False
    if n > _CREDIT_MAX_WORDS:
        return None
    if n <= 2 and _URL_RE.fullmatch(s):
        return R_URL, False
    if not ends and _SEP_RE.search(s):
        if ("|" in s or "/" in s) and _is_photo_credit(s):
            return R_PHOTO, False
        if _is_menu(s):
            return R_MENU, False
    if n <= 10 and _DIGIT_RE.search(s) and _DATE_RE.fullmatch(s):
        return R_DATE, False
    if first == "by" and _is_byline(s, n):
        return R_BYLINE, False
    return None


def _count_words(s: str) -> int:
    """Word count of a stripped line.

    Scripts written without spaces count about two characters to a word, and 20 such
    characters make a sentence's worth. (The main loop counts single spaces first, which
    is cheaper and the same for ordinary text.)
    """
    n = len(s.split())
    if len(s) >= 8 * n and not s.isascii():  # long "words": maybe a script without spaces
        nospace = sum(map(len, _NOSPACE_RUN_RE.findall(s)))
        if nospace:
            n += nospace // 2
            if nospace >= _NOSPACE_SENTENCE:
                n = max(n, _SENTENCE_WORDS)
    return n


def _looks_like_title(s: str, n: int) -> bool:
    """A headline: short, and not ending like a sentence (a "?" headline is fine)."""
    t = s.rstrip(_CLOSERS)
    return bool(t) and n <= _TITLE_MAX_WORDS and t[-1] not in _NOT_TITLE_END


def _needle_hits(text: str) -> list[int]:
    """Sorted positions of the closing-phrase needles in the whole text (usually few)."""
    hits: list[int] = []
    for needle in _NEEDLES:
        i = text.find(needle)
        while i >= 0:
            hits.append(i)
            i = text.find(needle, i + 1)
    hits.sort()
    return hits


def find_boilerplate(
    text: str, *, title: str | None = None, known_lines: frozenset[str] = frozenset()
) -> Layout:
    """Split ``text`` into its headline, body lines and removed boilerplate lines.

    ``title`` (the headline as given by the source, if any) identifies the headline line
    and its repeats; ``known_lines`` are normalised lines learned by ``repeated_lines``
    from other articles of the same site. Offsets are into ``text``; every non-whitespace
    character lies in exactly one of title, body and removed.
    """
    wanted = normalise_line(title) if title else ""
    wanted_at_top = bool(wanted) and _title_near_top(text, wanted)
    hits = _needle_hits(text)
    nhits = len(hits)
    hp = 0  # index of the first needle hit not before the current line

    title_span: Span | None = None
    title_forms: set[str] = {wanted} if wanted else set()
    title_words: set[int] = set()
    lo = hi = 0
    if wanted:
        lo, hi, title_words = _title_filter(title_forms)
    body: list[Span] = []
    body_meta: list[tuple[int, int]] = []  # (prose length, words) of each body line
    removed: list[Boilerplate] = []
    # End-of-article markers seen: (prose kept before it, len(body), len(removed)) then.
    markers: list[tuple[int, int, int]] = []
    prose_kept = 0
    # Lines much longer than every known line cannot normalise to one (cheap filter).
    site_max = min(_SITE_LINE_MAX_CHARS, 2 * max(map(len, known_lines)) + 20) if known_lines else 0
    seen_content = False  # a line other than debris came: the headline search is over
    mastheads = _masthead_starts(text, wanted)

    pos = 0
    for raw in text.split("\n"):
        if not raw:
            pos += 1
            continue
        s = raw.strip()
        if not s:
            pos += len(raw) + 1
            continue
        a = pos + raw.find(s[0])
        b = a + len(s)
        pos += len(raw) + 1
        # Words, as _count_words counts them (inlined: this runs on every line of a corpus).
        n = s.count(" ") + 1
        if "  " in s or "\t" in s:
            n = len(s.split())
        if b - a >= 8 * n and not s.isascii():
            n = _count_words(s)
        if s[-1] in _SENT_END:
            ends = True
        else:
            t = s.rstrip(_CLOSERS)
            ends = bool(t) and t[-1] in _SENT_END
        while hp < nhits and hits[hp] < a:
            hp += 1
        flagged = hp < nhits and hits[hp] < b
        if (
            n > _PATTERN_MAX_WORDS
            and not flagged
            and (n > _STRONG_MAX_WORDS or not _long_prefix(s))
        ):
            rule = None  # fast path: an ordinary long line
        else:
            rule = _rule(s, n, ends, flagged)
        form = ""
        if title_span is None and wanted_at_top:
            form = normalise_line(s)
            if form == wanted:  # the given headline
                title_span = Span(a, b)
                continue
        if b - a < site_max:
            form = form or normalise_line(s)
            if form in known_lines:
                removed.append(Boilerplate(Span(a, b), R_SITE))
                continue
        if a in mastheads:
            removed.append(Boilerplate(Span(a, b), R_MASTHEAD))
            continue
        if not seen_content and not wanted_at_top and rule is None:
            # Else the headline is the first line that is not debris, if it is short and
            # does not end like a sentence.
            seen_content = True
            if _looks_like_title(s, n):
                title_span = Span(a, b)
                title_forms.add(form or normalise_line(s))
                lo, hi, title_words = _title_filter(title_forms)
                continue
        if n in title_words and lo <= b - a <= hi and (form or normalise_line(s)) in title_forms:
            removed.append(Boilerplate(Span(a, b), R_REPEATED_TITLE))
            continue
        if rule is not None:
            if rule[1]:
                markers.append((prose_kept, len(body), len(removed)))
            removed.append(Boilerplate(Span(a, b), rule[0]))
        elif n < _SHORT_WORDS and not ends:
            removed.append(Boilerplate(Span(a, b), R_SHORT))
        else:
            prose = (
                b - a if (ends or n >= _SENTENCE_WORDS) and not s.endswith(_ELLIPSIS_END) else 0
            )  # truncated teasers are not prose
            prose_kept += prose
            body.append(Span(a, b))
            body_meta.append((prose, n))

    if markers:
        cut = _end_cut(markers, prose_kept, body_meta)
        if cut is not None:
            _, nbody, nremoved = cut
            tail: list[Boilerplate] = [
                Boilerplate(bp.span, R_AFTER_END) if bp.reason == R_SHORT else bp
                for bp in removed[nremoved:]
            ]
            tail.extend(Boilerplate(span, R_AFTER_END) for span in body[nbody:])
            tail.sort(key=lambda bp: bp.span.start)
            removed[nremoved:] = tail
            del body[nbody:]
    return Layout(title=title_span, body=tuple(body), removed=tuple(removed))


_MASTHEAD_MAX_WORDS = 4  # a site name is short ...
_MASTHEAD_CAPS_WORDS = 6  # ... or set in capitals
_HOST_RE = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}/?", re.IGNORECASE)
_TOP_LINES = 12  # the headline is looked for among this many top lines
_NONE: frozenset[int] = frozenset()


_SITE_WORD_RE = re.compile(
    r"(?:^|\s)(?:news|newswire|press|times|post|herald|telegraph|guardian|mail|mirror|express"
    r"|journal|gazette|tribune|chronicle|independent|observer|standard|courier|star|sun|daily"
    r"|magazine|newspaper|media|today|record|globe|examiner|register|bulletin|dispatch"
    r"|monitor|inquirer|sentinel|argus|echo|advertiser|online)$",
    re.IGNORECASE,
)
NAVIGATION_LABELS = frozenset(
    {
        "close",
        "home",
        "log in",
        "login",
        "menu",
        "navigation",
        "news",
        "open",
        "search",
        "sections",
        "sign in",
        "skip to content",
        "skip to main content",
        "subscribe",
    }
)
"""Site navigation labels that stand alone on a line ("Menu", "Sign in"): never a
headline, and never the name of who publishes a page (``source``)."""


def _masthead_like(s: str, n: int) -> bool:
    """A site name or a lone navigation word: a host name, a short line in capitals,
    a short name ending in a news word ("Harbour Daily", "The Valley Times"), one word,
    or a navigation label ("Menu")."""
    if _HOST_RE.fullmatch(s):
        return True
    if n > _MASTHEAD_CAPS_WORDS:
        return False
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    t = s.rstrip(" .:|")
    return n <= _MASTHEAD_MAX_WORDS and (
        n == 1 or normalise_line(t) in NAVIGATION_LABELS or _SITE_WORD_RE.search(t) is not None
    )


def _masthead_starts(text: str, wanted: str) -> frozenset[int]:
    """Start offsets of masthead lines: headline-like top lines that are masthead-like
    (``_masthead_like``) and come before the real headline. The headline is the first
    headline-like line that is not masthead-like, else the last masthead-like one, or
    the given title; lines that other rules remove (menus, dates, bylines) are skipped.
    Nothing is a masthead when the text begins before a second headline-like line, or
    when the headline is given (the lines above it keep their own reasons)."""
    if wanted:
        return _NONE
    candidates: list[int] = []
    last = ""
    pos = 0
    seen = 0
    for raw in text.split("\n", _TOP_LINES * 3)[: _TOP_LINES * 3]:
        s = raw.strip()
        start = pos + (raw.find(s[0]) if s else 0)
        pos += len(raw) + 1
        if not s:
            continue
        seen += 1
        if seen > _TOP_LINES:
            break
        n = _count_words(s)
        ends = s.rstrip(_CLOSERS)[-1:] in _SENT_END
        if _rule(s, n, ends, False) is not None:
            continue
        if n >= _SENTENCE_WORDS or not _looks_like_title(s, n):
            # The text has begun: the last short line above it is the headline.
            return frozenset(candidates[:-1]) if len(candidates) <= 3 else _NONE
        if candidates and normalise_line(s) == last:  # the headline, repeated
            return frozenset(candidates[:-1]) if len(candidates) <= 4 else _NONE
        if not _masthead_like(s, n):
            # The headline: the short lines above it are mastheads.
            return frozenset(candidates) if len(candidates) <= 3 else _NONE
        candidates.append(start)
        last = normalise_line(s)
    return _NONE


def _title_near_top(text: str, wanted: str) -> bool:
    """Whether the given title is one of the first few lines, above the first sentence."""
    found = 0
    for raw in text.split("\n", 40)[:40]:
        s = raw.strip()
        if s:
            if normalise_line(s) == wanted:
                return True
            n = _count_words(s)
            t = s.rstrip(_CLOSERS)
            if n >= _SENTENCE_WORDS or (n >= _SHORT_WORDS and t[-1:] in _SENT_END):
                return False  # the article has begun
            found += 1
            if found >= _TITLE_SEARCH_LINES:
                break
    return False


def _title_filter(forms: set[str]) -> tuple[int, int, set[int]]:
    """Cheap filters (length range, word counts) for lines that may repeat the title."""
    lo = min(map(len, forms)) // 2
    hi = max(map(len, forms)) * 2 + 8
    counts: set[int] = set()
    for form in forms:
        wn = _count_words(form)
        counts.update((wn - 1, wn, wn + 1))
    return lo, hi, counts


def _end_cut(
    markers: list[tuple[int, int, int]], total: int, body_meta: list[tuple[int, int]]
) -> tuple[int, int, int] | None:
    """The end-of-article marker to cut at, if any.

    The first marker that follows most of the article's prose (at least twice the prose
    after it) ends the article, unless real prose goes on: two long paragraphs after a
    marker mean the article continues (a mid-article "Related" box).
    """
    for marker in markers:
        before, nbody, _ = marker
        if before > 0 and (total - before) * 2 <= before:
            longs = sum(1 for prose, n in body_meta[nbody:] if prose and n >= _LONG_PROSE_WORDS)
            if longs < 2:
                return marker
    return None
