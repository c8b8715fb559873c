"""Source stage: which of two articles that share passages is the likely original.

Votes with stated reasons. Metadata first: publication times (time of day and zone where
the input has them; a bare date never outranks a timestamp of the same day) and credit
lines ("By Jane Doe, Reuters", "LONDON (AP) -", "appeared first on", "according to The
Times"), read against who each side is (site, URL host, masthead). Text evidence (which
side keeps the detail that the other dropped) is weak and decides only without metadata;
balanced evidence gives no source.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urlsplit

import regex

from .boilerplate import NAVIGATION_LABELS, R_MASTHEAD
from .model import Alignment, Article, Boilerplate, SideName, Span
from .side import Side
from .skeleton import SKELETON_KINDS

_DETAIL_KINDS = ("time", "date", "number", "quote", "name")


def _detail(side: Side, alignments: Sequence[Alignment], use_a: bool) -> int:
    """Specific facts (times, numbers, quotes, names) inside the aligned passages."""
    seen: set[tuple[str, str]] = set()
    kept: dict[int, frozenset[tuple[str, str]]] = side.cached("source-sentence-detail", dict)
    for al in alignments:
        span, sentences = (al.a, al.a_sentences) if use_a else (al.b, al.b_sentences)
        if len(sentences) == 1 and span == side.spans[sentences[0]]:
            # One sentence's passage (most of a reprint's): its detail is kept with the
            # article, which a scan compares with several partners.
            k = sentences[0]
            keys = kept.get(k)
            if keys is None:
                keys = kept[k] = _fact_keys(side, span, _DETAIL_KINDS)
            seen |= keys
        else:  # a run of sentences also holds the facts running across them (quotes)
            seen |= _fact_keys(side, span, _DETAIL_KINDS)
    return len(seen)


def _fact_keys(side: Side, span: Span, kinds: Container[str]) -> frozenset[tuple[str, str]]:
    """(kind, key) of the facts of ``kinds`` lying inside ``span``."""
    return frozenset(
        (f.kind, f.key) for f in side.facts_in(span.start, span.end) if f.kind in kinds
    )


def _unaligned_sharing(
    side: Side, aligned: AbstractSet[int], other_keys: AbstractSet[tuple[str, str]]
) -> int:
    """Sentences outside every reused passage that still carry a name, number, date or
    time of the other article: source detail that the copy condensed into other words."""
    return sum(
        1
        for k, keys in enumerate(_sentence_skeletons(side))
        if k not in aligned and not keys.isdisjoint(other_keys)
    )


def _sentence_skeletons(side: Side) -> tuple[frozenset[tuple[str, str]], ...]:
    """(kind, key) of each sentence's names, numbers, dates and times, kept with the
    article once read (a scan asks with every candidate partner)."""
    return side.cached(
        "source-sentence-skeletons",
        lambda: tuple(_fact_keys(side, span, SKELETON_KINDS) for span in side.spans),
    )


def _provenance_of(side: Side, article: Article, removed: Sequence[Boilerplate]) -> Provenance:
    """``provenance`` of the article whose body ``side`` is, kept with it: a scan judges
    one article against many partners, and reading its lines each time was half of
    deciding the source."""
    return side.cached_for(
        "provenance", (article, tuple(removed)), lambda: provenance(article, removed)
    )


def _text_votes(a: Side, b: Side, alignments: Sequence[Alignment]) -> list[tuple[int, str]]:
    """Direction from the texts alone: one vote (+1: a is the source, -1: b) with its
    reason per kind of evidence. Each says "copies drop detail far more often than they
    add it"; on the derived pairs of the COUNTER half (Urdu agency copy and newspapers)
    two agreeing votes name the agency 8 times in 9 (bench/eval_source.py)."""
    votes: list[tuple[int, str]] = []

    def vote(a_more: bool, text: str) -> None:
        votes.append((1 if a_more else -1, f"{'a' if a_more else 'b'} {text}"))

    da, db = _detail(a, alignments, True), _detail(b, alignments, False)
    if da != db:
        vote(
            da > db,
            f"keeps more specific detail in the reused passages "
            f"({max(da, db)} vs {min(da, db)} names, numbers, dates, quotes)",
        )
    # Who holds the story facts that the other lacks: a copy drops them, an original
    # rarely lacks a fact of its copy (a newspaper adding its own reporting is the
    # exception the other votes outweigh).
    xa, xb = len(a.skeleton_keys - b.skeleton_keys), len(b.skeleton_keys - a.skeleton_keys)
    if xa != xb:
        vote(
            xa > xb,
            f"holds more facts the other lacks ({max(xa, xb)} vs {min(xa, xb)} "
            f"names, numbers, dates)",
        )
    in_a = {i for al in alignments for i in al.a_sentences}
    in_b = {j for al in alignments for j in al.b_sentences}
    ua = _unaligned_sharing(a, in_a, b.skeleton_keys)
    ub = _unaligned_sharing(b, in_b, a.skeleton_keys)
    if ua != ub:
        vote(
            ua > ub,
            f"has more unreused sentences with the other's facts "
            f"({max(ua, ub)} vs {min(ua, ub)}): detail the copy condensed",
        )
    na, nb = len(a.spans), len(b.spans)
    if abs(na - nb) >= 3:
        vote(
            na > nb,
            f"is the longer article ({max(na, nb)} vs {min(na, nb)} sentences): copies condense",
        )
    return votes


def decide_source(
    a_article: Article,
    b_article: Article,
    a: Side,
    b: Side,
    alignments: Sequence[Alignment],
    removed_a: Sequence[Boilerplate],
    removed_b: Sequence[Boilerplate],
    *,
    explain: bool = True,
) -> tuple[SideName | None, list[str]]:
    """Metadata decides when it says anything: publication times (3 votes) and credit
    lines (see ``_credit_votes``). Text evidence is weaker (a broadsheet may add its own
    detail to agency copy) and decides only without metadata, by a margin of two: a
    single text vote is right only about 3 times in 4 (bench/eval_source.py). Evidence
    that cancels out gives None, with the reasons on both sides.

    ``explain`` False: when the metadata has decided, the text is not read at all, since
    its votes could only add reasons for the side already named. A scan shows no
    reasons; on generated news, whose times decide every pair, reading the text (and
    finding each article's facts for it) was a third of verifying a candidate."""
    votes = 0  # > 0 means "a is the source"
    reasons: list[str] = []
    when = _time_vote(a_article.published, b_article.published)
    if when is not None:
        votes += 3 * when[0]
        reasons.append(when[1])
    for v, r in _credit_votes(
        _provenance_of(a, a_article, removed_a), _provenance_of(b, b_article, removed_b)
    ):
        votes += v
        reasons.append(r)
    if reasons and votes == 0:
        return None, [*reasons, "the metadata points both ways: no side decided"]
    if votes != 0 and not explain:
        return ("a" if votes > 0 else "b"), reasons
    text = _text_votes(a, b, alignments)
    if votes == 0:
        votes = sum(v for v, _ in text)
        if abs(votes) < 2:
            return None, [r for _, r in text] + [
                "the text evidence is balanced or weak (detail is only weak evidence): "
                "no side decided"
                if text
                else "no evidence of direction"
            ]
    # The reasons say why this side: text evidence pointing the other way is left out.
    reasons += [r for v, r in text if (v > 0) == (votes > 0)]
    return ("a" if votes > 0 else "b"), reasons


# --- publication times ------------------------------------------------------------------

_DATE_ONLY_RE = regex.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_PUBLISHED_KEPT = 4096
"""Publication time strings whose reading is kept (about the articles a scan holds
prepared at once)."""


@lru_cache(maxsize=_PUBLISHED_KEPT)
def parse_published(value: str | None) -> datetime | date | None:
    """A publication time as given: an ISO 8601 date (a ``date``: no time of day), an ISO
    8601 or RFC 2822 timestamp (a ``datetime``; aware when the input names its zone,
    "Z" included). Anything else is None: no evidence rather than a guess. Kept per
    string (both are immutable): a scan reads each article's time once per pair."""
    if not value or not value.strip():
        return None
    s = value.strip()
    m = _DATE_ONLY_RE.match(s)
    if m is not None:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return parse_timestamp(s)


_ZONE_DIGITS_RE = regex.compile(r"([+-]\d{2})(\d{2})$")


def parse_timestamp(s: str) -> datetime | None:
    """An ISO 8601 or RFC 2822 timestamp ("Z" and "+0100" zones read), else None."""
    iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
    iso = _ZONE_DIGITS_RE.sub(r"\1:\2", iso)  # "+0100" -> "+01:00"
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None


_NAIVE_SLACK = timedelta(hours=14)  # a timestamp without a zone may be in any zone


def _days(ta: date | datetime, tb: date | datetime) -> list[tuple[date, date]]:
    """The calendar days to compare when one side is a bare date: a bare date's zone is
    unknown, so a zoned timestamp is read both on its own day and on its UTC day."""

    def readings(t: date | datetime) -> list[date]:
        if not isinstance(t, datetime):
            return [t]
        if t.tzinfo is None:
            return [t.date()]
        return [t.date(), t.astimezone(UTC).date()]

    return [(x, y) for x in readings(ta) for y in readings(tb)]


def _day_order(x: date, y: date) -> int:
    return (x > y) - (x < y)


def _time_vote(pa: str | None, pb: str | None) -> tuple[int, str] | None:
    """+1 when a was published earlier, -1 when b was, with the reason; None when the
    times say nothing. A bare date is never ranked against a timestamp of the same
    calendar day (the day is all it says), read both in the timestamp's zone and in
    UTC (the bare date's zone is unknown: ``_days``); timestamps without a zone count
    only when they differ by more than any zone offset could explain."""
    ta, tb = parse_published(pa), parse_published(pb)
    if ta is None or tb is None:
        return None
    a_dt, b_dt = isinstance(ta, datetime), isinstance(tb, datetime)
    if a_dt and b_dt:
        assert isinstance(ta, datetime) and isinstance(tb, datetime)
        if (ta.tzinfo is None) != (tb.tzinfo is None):
            # One side without a zone: compare wall clocks, with a zone's slack.
            diff = ta.replace(tzinfo=None) - tb.replace(tzinfo=None)
            if abs(diff) <= _NAIVE_SLACK:
                return None
        else:
            diff = ta - tb
            if (ta.tzinfo is None and abs(diff) <= timedelta(0)) or diff == timedelta(0):
                return None
        earlier = diff < timedelta(0)
        what = "published earlier"
    else:
        order = {_day_order(x, y) for x, y in _days(ta, tb)}
        if len(order) != 1 or 0 in order:
            return None  # a bare date against the same day (in some zone): no order
        earlier = order == {-1}
        what = "published on an earlier day"
    side, first, then = ("a", pa, pb) if earlier else ("b", pb, pa)
    return (1 if earlier else -1), f"{side} was {what} ({first} vs {then})"


# --- credit lines and who each side is ----------------------------------------------------

# News agencies, each with the names it goes by (matched case-insensitively as words),
# also as written in the scripts of their home and largest markets.
_AGENCIES: tuple[tuple[str, ...], ...] = (
    ("PA", "PA News", "PA Media", "Press Association"),
    ("AP", "Associated Press", "The Associated Press"),
    ("AFP", "Agence France-Presse", "Agence France Presse", "اے ایف پی"),
    ("Reuters", "Thomson Reuters", "رائٹرز"),
    ("Bloomberg",),
    ("dpa", "Deutsche Presse-Agentur"),
    ("EFE",),
    ("ANSA",),
    ("Xinhua", "新华社", "شنہوا"),
    ("TASS", "ITAR-TASS"),
    ("RIA Novosti", "RIA"),
    ("Interfax",),
    ("Kyodo", "Kyodo News"),
    ("Yonhap",),
    ("PTI", "Press Trust of India", "पीटीआई"),
    ("ANI", "Asian News International"),
    ("IANS",),
    ("APP", "Associated Press of Pakistan", "اے پی پی"),
    ("AAP", "Australian Associated Press"),
    ("CP", "Canadian Press", "The Canadian Press"),
    ("UPI", "United Press International"),
    ("Anadolu", "Anadolu Agency", "AA"),
    ("WAM",),
    ("SPA", "Saudi Press Agency"),
    ("NNA",),
    ("Europa Press",),
    ("Belga",),
    ("ANP",),
    ("NTB",),
    ("TT",),
    ("STT",),
    ("Ritzau",),
    ("APA",),
    ("Keystone-SDA", "SDA"),
    ("CTK",),
    ("PAP",),
    ("MTI",),
    ("Lusa",),
    ("IRNA",),
    ("Bernama",),
    ("Antara",),
    ("PNA",),
    ("CNA",),
    ("NAN",),
    ("NNI", "News Network International", "این این آئی"),
    ("INP", "Independent News Pakistan", "آئی این پی"),
)
_AGENCY_KEY = {
    " ".join(alias.casefold().split()): names[0] for names in _AGENCIES for alias in names
}
# Words that end the name of a news organisation ("Harbour Daily News", "The Times").
_OUTLET_WORDS = (
    r"News|Newswire|Press|Agency|Wire|Times|Post|Herald|Telegraph|Guardian|Mail"
    r"|Mirror|Express|Journal|Gazette|Tribune|Chronicle|Independent|Observer"
    r"|Standard|Courier|Star|Sun|Daily|Magazine|Newspaper|Media|Today|Record"
    r"|Globe|Examiner|Register|Bulletin|Dispatch|Review|Monitor|Inquirer"
    r"|Reporter|Sentinel|Argus|Echo|Advertiser|Online|TV|Radio|BBC|CNN"
)
_OUTLET_END_RE = regex.compile(rf"(?:^|\s)(?:{_OUTLET_WORDS})$", regex.IGNORECASE)
_AGENCY_ALT = "|".join(sorted((regex.escape(a) for a in _AGENCY_KEY), key=len, reverse=True))
_CAP = r"(?:The\s+)?\p{Lu}[\p{L}\p{N}&'’.-]*"
_ORG = (
    rf"(?:(?i:{_AGENCY_ALT})(?![\p{{L}}\p{{N}}])"
    rf"|{_CAP}(?:\s+(?:of\s+)?\p{{Lu}}[\p{{L}}\p{{N}}&'’.-]*){{0,4}})"
)
# "By Stephen Howard, PA News", "By Jane Doe and John Roe | Reuters", "By AP", and with
# the writer's title: "By James Doe, Showbusiness Correspondent, PA News".
_BYLINE_RE = regex.compile(
    rf"^\s*By\s+(?:(?P<who>[^,|\n]{{2,80}}?(?:,[^,|\n]{{2,60}}?)?)\s*(?:,|\||\s-\s|\s–\s|\s—\s)\s*)?"
    rf"(?P<org>{_ORG})\s*\.?\s*$"
)
# "LONDON (Reuters) -", "WASHINGTON, March 3 (AP) —", "Islamabad (APP):", and in a
# script without capitals a place and date with an agency's name in brackets: there the
# agency's name, not a capital letter and a dash, tells the dateline from a sentence.
_DATELINE_RE = regex.compile(
    r"^\s*(?:\p{Lu}[\p{L} .,'’/-]{1,40}?(?:,\s*[\p{L}\p{N} .]{1,25})?\s*"
    rf"\((?P<org>{_ORG})\)\s*[-–—:]"
    r"|[\p{Lo}\p{M}][\p{Lo}\p{M}\p{N} ]{0,40}?(?:[,،۔.-]\s*[\p{Lo}\p{M}\p{N} ]{1,25})?\s*"
    rf"\((?P<org>(?i:{_AGENCY_ALT}))\)(?!\s*[\p{{Ll}}]))"
)
# A dateline naming several sources, "LONDON (AP/Reuters) -" or, in a script without
# capitals, a place and "(INP + Online)": a text compiled from their copy, so each
# organisation it names is a credit, not the author.
_MULTI_DATELINE_RE = regex.compile(
    r"^\s*(?:\p{Lu}[\p{L} .,'’-]{1,40}?|[\p{Lo}\p{M}][\p{Lo}\p{M}\p{N} ]{0,40}?)\s*"
    r"\((?P<orgs>[^()\n]{2,80}?[+/،,][^()\n]{2,120}?)\)"
)
_SOURCES_SPLIT_RE = regex.compile(r"\s*[+/،,]\s*")
# A credit in the closing line: "(Reuters)", "- AFP", "Source: AP".
_TAIL_RE = regex.compile(
    rf"(?:\(\s*(?P<org>(?i:{_AGENCY_ALT}))\s*\)|[-–—]\s*(?P<org>(?i:"
    rf"{_AGENCY_ALT})))\s*\.?\s*$"
)
# Lines that say "this text comes from elsewhere", with the outlet they name.
_CREDIT_RES = (
    regex.compile(
        rf"\b(?:appeared|was)\s+(?:first|originally)\s+(?:published\s+)?"
        rf"(?:on|in|at|by)\s+(?P<org>{_ORG})"
    ),
    regex.compile(rf"\bfirst\s+appeared\s+(?:on|in|at)\s+(?P<org>{_ORG})"),
    regex.compile(
        rf"\boriginally\s+(?:published|appeared)\s+(?:on|in|at|by)\s+"
        rf"(?P<org>{_ORG})"
    ),
    regex.compile(
        rf"\brepublished\s+(?:from|with\s+permission\s+(?:of|from))\s+"
        rf"(?P<org>{_ORG})"
    ),
    regex.compile(rf"^\s*(?i:source|courtesy|via|credit)\s*:?\s+(?P<org>{_ORG})\s*\.?\s*$"),
    regex.compile(
        rf"\b(?:(?:with\s+)?(?:additional\s+)?reporting\s+(?:by|from)\s+)"
        rf"(?P<org>(?i:{_AGENCY_ALT}))(?![\p{{L}}\p{{N}}])"
    ),
)
# "© 2020 The Associated Press": who holds the text, like a byline.
_COPYRIGHT_RE = regex.compile(
    rf"(?:©|\((?i:c)\)|\b(?i:copyright))\s*(?:\d{{4}}\s*)?(?P<org>{_ORG})"
)
# "according to The Times": a fact taken from that outlet, not the whole text. It counts
# only against a side that is that outlet.
_FACT_CREDIT_RE = regex.compile(rf"\baccording\s+to\s+(?:the\s+)?(?P<org>{_ORG})")


_GATED_CREDIT_RES = tuple(
    zip(
        (
            ("first", "originally"),
            ("appeared",),
            ("originally",),
            ("republished",),
            ("source", "courtesy", "via", "credit"),
            ("reporting",),
        ),
        _CREDIT_RES,
        strict=True,
    )
)
"""Each credit pattern with the words (case-folded) one of which every match holds: a
substring test per line skips the patterns that cannot match (the regex scans were
most of reading an article's lines)."""
_GATED_FACT_CREDIT_RES = ((("according",), _FACT_CREDIT_RE),)


_ORG_WORDS_RE = regex.compile(r"[\p{L}\p{N}&]+(?:[.'’-][\p{L}\p{N}]+)*")
_ORG_KEYS_KEPT = 4096
"""Organisation names whose keys are kept (``_org_key``): a family's tree and a scan's
verification read the same bylines, sites and credit lines again and again."""


@lru_cache(maxsize=_ORG_KEYS_KEPT)
def _org_key(name: str) -> str | None:
    """A comparable key for an organisation name; None when it is no news organisation
    (an agency alias, or a capitalised name ending in a news word: "The Daily Courier")."""
    words = _ORG_WORDS_RE.findall(name)
    if not words:
        return None
    joined = " ".join(w.casefold() for w in words)
    for k in range(len(words), 0, -1):  # the longest agency alias inside the name
        for i in range(len(words) - k + 1):
            alias = " ".join(w.casefold() for w in words[i : i + k])
            if alias in _AGENCY_KEY and (
                k > 1
                or words[i].isupper()
                or len(alias) > 3
                or alias == "dpa"
                or not alias.isascii()  # 新华社: no capitals to tell a name by
            ):
                return _AGENCY_KEY[alias].casefold()
    if _OUTLET_END_RE.search(" ".join(words)):
        return " ".join(w for w in joined.split() if w != "the")
    return None


_AGENCY_KEYS = frozenset(name.casefold() for name in _AGENCY_KEY.values())


def is_agency(key: str) -> bool:
    """Whether an organisation key (``_org_key``) names a news agency."""
    return key in _AGENCY_KEYS


def _host_key(url: str | None) -> str | None:
    """ "https://www.reuters.com/world/..." -> "reuters"."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    parts = [p for p in host.casefold().split(".") if p not in ("www", "m", "amp", "edition")]
    return parts[0] if len(parts) >= 2 else None


def _site_key(site: str | None) -> str | None:
    if not site or not site.strip():
        return None
    if "." in site and " " not in site.strip():
        return _host_key(site)
    key = _org_key(site)
    return key or " ".join(w for w in site.casefold().split() if w != "the") or None


def _same_org(x: str, y: str) -> bool:
    """Whether two keys name one organisation ("reuters" and "reuters", "daily courier"
    and "dailycourier" from a host name)."""
    return x == y or x.replace(" ", "") == y.replace(" ", "")


@dataclass(frozen=True, slots=True)
class Provenance:
    """What an article says about where its text comes from.

    ``identity``: who publishes this copy (site or URL host, a masthead line above the
    headline). ``own``: organisations its byline or dateline names as the author.
    ``credits``: (organisation, line) pairs it names as the origin of its text: a
    byline or dateline naming another organisation than its identity, "appeared first
    on", "according to The Times", "Source: AP" and the like."""

    identity: frozenset[str]
    own: tuple[tuple[str, str], ...]
    credits: tuple[tuple[str, str], ...]
    mentions: tuple[tuple[str, str], ...] = ()
    """Outlets named as the origin of a fact ("according to The Sun"): they count only
    against a side that is that outlet."""

    def is_org(self, key: str) -> bool:
        """Whether this article is (published by) that organisation: by its site or
        masthead, or, for a copy that names no publisher, by its own byline."""
        names = self.identity or frozenset(k for k, _ in self.own)
        return any(_same_org(key, n) for n in names)


_SCAN_LINES = 400  # credit lines are looked for among this many lines


_Named = tuple[tuple[str, str], ...]


@lru_cache(maxsize=512)
def _scan_lines(text: str) -> tuple[_Named, _Named, _Named]:
    """(own, credits, mentions) found line by line in the text: bylines, datelines and
    copyright lines naming an organisation; credit phrases; "according to" outlets."""
    own: list[tuple[str, str]] = []
    credits: list[tuple[str, str]] = []
    mentions: list[tuple[str, str]] = []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()][:_SCAN_LINES]
    # A credit pattern whose words the whole text lacks can match on no line (case
    # folding maps each character on its own: a line's folded words are the text's).
    whole = text.casefold()
    gates = [
        (kept, into)
        for gated, into in ((_GATED_CREDIT_RES, credits), (_GATED_FACT_CREDIT_RES, mentions))
        if (kept := [(ws, p) for ws, p in gated if any(w in whole for w in ws)])
    ]
    last = len(lines) - 1
    for i, line in enumerate(lines):
        short = len(line) <= 200
        if short and line[:3].casefold() == "by ":
            m = _BYLINE_RE.match(line)
            if m is not None and (key := _org_key(m["org"])) is not None:
                own.append((key, line))
                continue
        if "(" in line[:80]:
            m = _DATELINE_RE.match(line)
            if m is not None and (key := _org_key(m["org"])) is not None:
                own.append((key, line[: m.end()]))
            elif (m := _MULTI_DATELINE_RE.match(line)) is not None:
                for part in _SOURCES_SPLIT_RE.split(m["orgs"]):
                    if (key := _org_key(part)) is not None:
                        credits.append((key, line[: m.end()]))
        if i == last or short:
            m = _TAIL_RE.search(line)
            if m is not None and (key := _org_key(m["org"])) is not None:
                own.append((key, line[-120:]))
        if short and ("©" in line or "opyright" in line or "(c)" in line.casefold()):
            m = _COPYRIGHT_RE.search(line)
            if m is not None and (key := _org_key(m["org"])) is not None:
                own.append((key, line))
        folded = line.casefold() if gates else ""
        for gated, into in gates:
            for words, pattern in gated:
                if not any(w in folded for w in words):
                    continue  # the pattern needs one of these words: no match here
                for m in pattern.finditer(line):
                    key = _org_key(m["org"])
                    if key is not None:
                        into.append(
                            (key, line if short else line[max(0, m.start() - 40) : m.end()])
                        )
    return tuple(own), tuple(credits), tuple(mentions)


def provenance(article: Article, removed: Sequence[Boilerplate] = ()) -> Provenance:
    """The identity, own bylines and credits of an article (see ``Provenance``)."""
    identity: set[str] = set()
    for key in (_site_key(article.site), _host_key(article.url)):
        if key:
            identity.add(key)
    for bp in removed:
        if bp.reason == R_MASTHEAD:
            # A masthead names the publisher only when it reads as a news organisation
            # or a host name ("THE DAILY COURIER", "news.example.com"), not "(With pics)".
            line = article.text[bp.span.start : bp.span.end].strip()
            key = _host_key(line) if "." in line and " " not in line else _org_key(line)
            if key and key not in NAVIGATION_LABELS:
                identity.add(key)
    own, credits, mentions = _scan_lines(article.text)
    if article.author and (key := _org_key(article.author)) is not None:
        own = (*own, (key, f"author: {article.author}"))
    # A byline naming another organisation than the publisher is a credit, not its own.
    if identity:
        credits = (
            *credits,
            *((k, line) for k, line in own if not any(_same_org(k, n) for n in identity)),
        )
        own = tuple((k, line) for k, line in own if any(_same_org(k, n) for n in identity))
    # Crediting itself ("© Reuters" on a Reuters copy) is no credit.
    mine = identity or {k for k, _ in own}
    credits = tuple((k, line) for k, line in credits if not any(_same_org(k, n) for n in mine))
    mentions = tuple((k, line) for k, line in mentions if not any(_same_org(k, n) for n in mine))
    return Provenance(frozenset(identity), own, credits, mentions)


def _credit_votes(pa: Provenance, pb: Provenance) -> list[tuple[int, str]]:
    """Votes (+: a is the source) from credit lines, strongest first:

    * one side credits an organisation that the other side is: the other is the source
      (3 votes);
    * else one side credits an outlet and the other credits none: the crediting side
      reads as the copy (2);
    * (a dateline naming several sources, "LONDON (AP/Reuters)", credits each of them)
    * else both carry one organisation's dateline, dated on one side only: the dated
      one reads as the wire's own copy (2; ``_dated_votes``);
    * else one side carries an agency's own byline or dateline and the other names no
      author and no source: the text is the agency's, the other side its copy (2)."""
    votes: list[tuple[int, str]] = []
    for sign, x, y, xs, ys in ((1, pb, pa, "b", "a"), (-1, pa, pb, "a", "b")):
        for key, line in (*x.credits, *x.mentions):
            if y.is_org(key):
                votes.append(
                    (
                        3 * sign,
                        (
                            f"{xs} credits {_show(key)} ({_quote(line)}) and "
                            f"{ys} is {_show(key)}: {ys} is the source"
                        ),
                    )
                )
                break
    if votes:
        return votes
    if bool(pa.credits) != bool(pb.credits):
        x, xs, ys, sign = (pa, "a", "b", -1) if pa.credits else (pb, "b", "a", 1)
        key, line = x.credits[0]
        return [
            (
                2 * sign,
                (
                    f"{xs} credits {_show(key)} ({_quote(line)}) and {ys} credits "
                    f"no source: {xs} reads as the copy"
                ),
            )
        ]
    dated = _dated_votes(pa, pb)
    if dated:
        return dated
    if not pa.credits and not pb.credits and bool(pa.own) != bool(pb.own):
        x, xs, ys, sign = (pa, "a", "b", 1) if pa.own else (pb, "b", "a", -1)
        key, line = x.own[0]
        return [
            (
                2 * sign,
                (
                    f"{xs} carries the byline or dateline of {_show(key)} "
                    f"({_quote(line)}) and {ys} names no author or source: {xs} "
                    f"reads as the original"
                ),
            )
        ]
    return votes


def _dated_votes(pa: Provenance, pb: Provenance) -> list[tuple[int, str]]:
    """Both sides carry one organisation's dateline and neither credits a source: the
    one whose dateline is dated ("Islamabad, Dec 5 (APP)") reads as the wire's own copy,
    the one without a date ("Islamabad (APP)") as its reprint (2 votes). Wires date
    their datelines; a paper reprinting one drops the date more often than it adds one
    (COUNTER-half: in all 30 pairs where one side's dateline is dated and the other's
    is not, the dated one is the agency's)."""
    if pa.credits or pb.credits:
        return []
    (da, ua), (db, ub) = _datelines(pa), _datelines(pb)
    if da & db:
        return []
    for dated, undated, sign, xs, ys in ((da, ub, 1, "a", "b"), (db, ua, -1, "b", "a")):
        shared = sorted(k for k in dated if any(_same_org(k, u) for u in undated))
        if shared:
            who = _show(shared[0])
            return [
                (
                    2 * sign,
                    (
                        f"{xs}'s dateline for {who} carries a date, as the wire's own copy "
                        f"does, and {ys}'s names {who} without one: {xs} reads as the "
                        f"original"
                    ),
                )
            ]
    return []


def _datelines(p: Provenance) -> tuple[set[str], set[str]]:
    """The organisations the article's own datelines name: those dated (a figure, a day
    of the month, before the organisation's name) and those not."""
    dated: set[str] = set()
    undated: set[str] = set()
    for key, line in p.own:
        m = _DATELINE_RE.match(line)
        if m is not None:
            (dated if any(c.isdigit() for c in line[: m.start("org")]) else undated).add(key)
    return dated, undated


_SHOW = {names[0].casefold(): names[0] for names in _AGENCIES}


def _show(key: str) -> str:
    """An organisation key as a reason shows it ("pa" -> "PA", "daily courier" ->
    "Daily Courier")."""
    return _SHOW.get(key) or key.title()


def _quote(line: str) -> str:
    line = " ".join(line.split())
    return repr(line if len(line) <= 80 else line[:77] + "...")
