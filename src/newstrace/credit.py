"""Credit stage: does a copy credit the article it was made from, and where does it say so.

Reads the copy's credit lines with ``source.provenance`` (bylines, datelines, "appeared
first on", "Source: AP", copyright lines, "according to The Times") and adds two forms
that the source stage does not need: "<outlet> (first) reported ..." / "reported by
<outlet>", and links (a URL whose host is the source's). Each name is checked against
who the source is (``Provenance.is_org``: its site, URL host, masthead or own byline).

    credit = find_credit(copy, [parent, *older])   # Credit(credited, span, text, ...)

Crediting any article of the chain counts: a paper that names the agency whose copy
another paper rewrote still names where the text comes from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from .model import Article, Boilerplate, Credit, Span
from .source import (
    _AGENCY_ALT,
    _AGENCY_KEY,
    _BYLINE_RE,
    _COPYRIGHT_RE,
    _CREDIT_RES,
    _DATELINE_RE,
    _FACT_CREDIT_RE,
    _ORG,
    _TAIL_RE,
    Provenance,
    _host_key,
    _org_key,
    _same_org,
    _show,
    provenance,
)

__all__ = ["CreditReader", "find_credit"]

_REPORTED_VERB = r"\s+(?:(first|earlier|originally)\s+)?(?:reported|reports|broke)\b"
"""What follows the organisation in "<org> (first) reported": the adverb is a group."""
# "The Harbour Times first reported the story", "as reported by Meridian Press".
_REPORTED_RES = (
    regex.compile(rf"(?P<org>{_ORG}){_REPORTED_VERB}"),
    regex.compile(
        rf"\breported\s+(?:first\s+|earlier\s+|originally\s+)?(?:by|in|on)\s+(?P<org>{_ORG})"
    ),
)
_REPORTED_VERB_RE = regex.compile(_REPORTED_VERB)
"""Where the first of ``_REPORTED_RES`` can end: its verb, after the organisation."""
_ORG_CHAR_RE = regex.compile(r"[\p{L}\p{N}&'’.-]")
_AGENCY_END_RE = regex.compile(rf"(?i:{_AGENCY_ALT})\Z")
_AGENCY_CHARS = max(map(len, _AGENCY_KEY))


def _may_name_reporter(text: str, start: int, end: int) -> bool:
    """Whether an organisation can end right before a "reported" verb (or its adverb)
    in ``text[start:end]``: the word there holds a capital or ends with an agency's
    name. The first of ``_REPORTED_RES`` tries its organisation pattern at every
    position of the line, most of what reading a copy's credits cost; a line where no
    verb passes this test has no match, and is not searched."""
    for m in _REPORTED_VERB_RE.finditer(text, start, end):
        for at in (m.start(), m.end(1)) if m.group(1) else (m.start(),):
            first = at
            while first > start and _ORG_CHAR_RE.match(text[first - 1]):
                first -= 1
            if any(c.isupper() for c in text[first:at]):
                return True
            if _AGENCY_END_RE.search(text, max(start, at - _AGENCY_CHARS), at):
                return True
    return False


_LINE_CHARS = 200  # a longer line is a paragraph, not a credit line (as source._scan_lines)
_THE_RE = regex.compile(r"^the\s+", regex.IGNORECASE)
_URL_RE = regex.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+")
# Which kind of line provenance found, tried in this order (the first that matches).
_LINE_FORMS = (
    ("byline", _BYLINE_RE),
    ("dateline", _DATELINE_RE),
    ("tail", _TAIL_RE),
    ("copyright", _COPYRIGHT_RE),
    ("according-to", _FACT_CREDIT_RE),
    *(("credit-line", r) for r in _CREDIT_RES),
)


@dataclass(frozen=True, slots=True)
class _Named:
    """An organisation the copy names, where, and how."""

    key: str
    span: Span | None
    text: str
    form: str
    credits: bool  # names it as the origin (not the copy's own byline)


def _form(line: str) -> str:
    if line.startswith("author: "):
        return "author"
    for name, pattern in _LINE_FORMS:
        if pattern.search(line):
            return name
    return "credit-line"


def _located(text: str, key: str, line: str, credits: bool) -> _Named:
    """A provenance line with its place in the text (None for the author field)."""
    at = -1 if line.startswith("author: ") else text.find(line)
    span = Span(at, at + len(line)) if at >= 0 else None
    return _Named(key, span, line, _form(line), credits)


def _named(copy: Article, prov: Provenance) -> Iterator[_Named]:
    """Everything the copy names: credit lines first, then "according to" and "reported"
    phrases, links, and last its own bylines and datelines."""
    text = copy.text
    for key, line in prov.credits:
        yield _located(text, key, line, True)
    for key, line in prov.mentions:
        yield _located(text, key, line, True)
    mine = prov.identity or frozenset(k for k, _ in prov.own)
    for start, end in _lines_with(text, _REPORTED_WORDS):
        for k, pattern in enumerate(_REPORTED_RES):
            if k == 0 and not _may_name_reporter(text, start, end):
                continue
            for m in pattern.finditer(text, start, end):
                org = _org_key(m["org"])
                if org is not None and not any(_same_org(org, n) for n in mine):
                    yield _Named(org, Span(m.start(), m.end()), m[0], "reported", True)
    for m in _URL_RE.finditer(text):
        host = _host_key(m[0])
        if host is not None and not any(_same_org(host, n) for n in mine):
            yield _Named(host, Span(m.start(), m.end()), m[0], "link", True)
    for key, line in prov.own:
        yield _located(text, key, line, False)


_REPORTED_WORDS = ("report", "broke")
"""Every match of ``_REPORTED_RES`` holds one of these: only lines with one are searched
(the organisation pattern, tried at every position of a whole article, cost more than
the rest of the credit stage)."""


def _lines_with(text: str, words: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``text`` that contains one of ``words``."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if any(w in text[start:end] for w in words):
            yield start, end
        start = end + 1


def _by_site_name(text: str, sources: Sequence[Article]) -> Iterator[tuple[_Named, Article]]:
    """Credit lines that name a source by its site name where provenance does not read
    that name as a news organisation ("The Dovercliff Ledger": no agency, no news word):
    the line must still have a credit form, with the name where the organisation
    stands."""
    for s in sources:
        name = " ".join((s.site or "").split())
        if not name or ("." in name and " " not in name):
            continue  # none, or a host name (links cover those)
        bare = _THE_RE.sub("", name).casefold()
        for m_start, m_end in _site_name_spans(text, bare):
            start = text.rfind("\n", 0, m_start) + 1
            end = text.find("\n", m_end)
            line = text[start : end if end >= 0 else len(text)]
            for form, pattern in (*_LINE_FORMS, *(("reported", r) for r in _REPORTED_RES)):
                for pm in pattern.finditer(line):
                    if bare in " ".join(pm["org"].split()).casefold():
                        yield _Named(bare, *_evidence(text, start, line, pm), form, True), s


_SITE_NAMES_KEPT = 1024
"""Site-name patterns kept compiled (``_site_name_re``): a family's tree asks about the
same few sources for every copy, and compiling one costs more than searching with it."""


def _site_name_spans(text: str, bare: str) -> Iterator[tuple[int, int]]:
    """Where the site name ``bare`` (case-folded) stands in ``text`` as a whole word, in
    any case: what the compiled pattern (``_site_name_re``) finds, found with
    ``str.find`` in the lower-cased text when the name is ASCII and the text lower-cases
    character for character (``_lowered``). Compiling a pattern costs more than a
    page's search, and a corpus of many sites compiles one for every few questions."""
    low = _lowered(text) if bare and bare.isascii() else None
    if low is None:
        yield from (m.span() for m in _site_name_re(bare).finditer(text))
        return
    plain = text.isascii()
    size = len(bare)
    at = low.find(bare)
    while at >= 0:
        end = at + size
        if not (_word_char(text, at - 1, plain) or _word_char(text, end, plain)):
            yield at, end
            at = low.find(bare, end)
        else:
            at = low.find(bare, at + 1)


_FOLDS_ONTO_ASCII = ("\u0130", "\u017f")
"""The characters outside ASCII that the pattern's case-insensitive match takes for a
lower-case ASCII letter but ``str.lower`` does not make one: "İ" (i) and "ſ" (s)
(every other code point was checked: it matches a lower-case ASCII character exactly
when it lower-cases to it, the Kelvin sign to "k" included; tests/test_credit.py)."""
_WORD_CHAR_RE = regex.compile(r"[\p{L}\p{N}]")


def _lowered(text: str) -> str | None:
    """``text`` lower-cased where that keeps every character at its place and matches
    an ASCII name as the pattern would, else None."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _FOLDS_ONTO_ASCII):
        return None
    return low


def _word_char(text: str, k: int, plain: bool) -> bool:
    """Whether ``text[k]`` is a letter or digit as the pattern's look-arounds read it
    (False off the ends); ``plain``: the text is ASCII, where ``isalnum`` says the same."""
    if not 0 <= k < len(text):
        return False
    return text[k].isalnum() if plain else _WORD_CHAR_RE.match(text, k) is not None


@lru_cache(maxsize=_SITE_NAMES_KEPT)
def _site_name_re(bare: str) -> regex.Pattern[str]:
    """The pattern of a site name standing as a whole word (any case)."""
    return regex.compile(
        rf"(?<![\p{{L}}\p{{N}}]){regex.escape(bare)}(?![\p{{L}}\p{{N}}])", regex.IGNORECASE
    )


def _evidence(text: str, start: int, line: str, m: regex.Match[str]) -> tuple[Span, str]:
    """A short line is its own evidence (as provenance quotes it); a paragraph is shown
    by the match."""
    lead = len(line) - len(line.lstrip())
    body = line.strip()
    if len(body) <= _LINE_CHARS:
        return Span(start + lead, start + lead + len(body)), body
    return Span(start + m.start(), start + m.end()), m[0]


def find_credit(
    copy: Article,
    sources: Sequence[Article],
    *,
    removed: Sequence[Boilerplate] = (),
    removed_sources: Sequence[Sequence[Boilerplate]] | None = None,
) -> Credit:
    """Whether ``copy`` credits one of ``sources`` (its parent first, then the older
    articles of its chain), with the evidence span (see ``Credit``). ``removed`` and
    ``removed_sources``: the boilerplate found in each (mastheads name publishers)."""
    return CreditReader().credit(copy, sources, removed=removed, removed_sources=removed_sources)


_Key = tuple[str, tuple[Boilerplate, ...]]


class CreditReader:
    """``find_credit`` for many questions about one set of articles (a family's tree
    asks it of each copy against each candidate parent, then against its chain), with
    what it reads of each article kept: what a copy names (its credit lines, "reported"
    phrases, links: a scan of the whole text, most of the stage's cost) and each
    source's provenance are read once per article, and a source's site name is looked
    for once per copy. Articles are told apart by id (and boilerplate): ids must be
    unique among the articles asked about."""

    def __init__(self) -> None:
        self._prov: dict[_Key, Provenance] = {}
        self._named: dict[_Key, list[_Named]] = {}
        self._by_site: dict[tuple[str, str], list[_Named]] = {}

    def credit(
        self,
        copy: Article,
        sources: Sequence[Article],
        *,
        removed: Sequence[Boilerplate] = (),
        removed_sources: Sequence[Sequence[Boilerplate]] | None = None,
    ) -> Credit:
        """``find_credit(copy, sources, removed=..., removed_sources=...)``."""
        rm = removed_sources if removed_sources is not None else [()] * len(sources)
        known = [(s, self.provenance(s, r)) for s, r in zip(sources, rm, strict=True)]
        named = self._names(copy, removed)
        for n in named:
            for s, sp in known:
                if sp.is_org(n.key):
                    return _credit(True, n, f"names {_show(n.key)} ({n.form}), which is {s.id}")
        for s in sources:
            for n in self._site_names(copy, s):
                return _credit(True, n, f"names {s.site} ({n.form}), which is {s.id}")
        others = [n for n in named if n.credits]
        if not others:
            return Credit(False, reason="names no source")
        first = others[0]
        if not any(sp.identity or sp.own for _, sp in known):
            return _credit(None, first, f"names {_show(first.key)}, but no source says who it is")
        return _credit(False, first, f"names {_show(first.key)}, not its source")

    def provenance(self, article: Article, removed: Sequence[Boilerplate]) -> Provenance:
        """``source.provenance`` of the article, read once per article and boilerplate."""
        key = (article.id, tuple(removed))
        if key not in self._prov:
            self._prov[key] = provenance(article, removed)
        return self._prov[key]

    def _names(self, copy: Article, removed: Sequence[Boilerplate]) -> list[_Named]:
        key = (copy.id, tuple(removed))
        if key not in self._named:
            self._named[key] = list(_named(copy, self.provenance(copy, removed)))
        return self._named[key]

    def _site_names(self, copy: Article, source: Article) -> list[_Named]:
        key = (copy.id, source.id)
        if key not in self._by_site:
            self._by_site[key] = [n for n, _ in _by_site_name(copy.text, [source])]
        return self._by_site[key]


def _credit(credited: bool | None, n: _Named, reason: str) -> Credit:
    return Credit(credited, n.span, n.text, n.key, n.form, reason)
