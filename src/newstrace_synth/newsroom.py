"""Labelled pairs in the patterns of real newsroom reuse, written from invented material.

Each generator makes an agency story (the grammar of ``newstrace_synth.corpus``, with its
``CITY, Month day (Agency) –`` dateline) and a second text related to it in one way seen
in real newspaper copy, and returns both with the gold relation in newstrace's terms:

================  =============================================================  ============
pattern           the second text                                                relation
================  =============================================================  ============
``brief``         1-3 sentences, each merging verbatim fragments (4-14 words)    rewrite
                  of two or three agency sentences
``multi_take``    a newspaper article made from an agency story filed as takes   rewrite
                  (first take, further takes, a substitute, a night lead:
                  redundant, 2-6 times the article's length); the *source* is
                  the whole take sequence
``chrome_reprint``the agency story verbatim inside a site's chrome (menu line,   duplicate
                  masthead, "By <Agency>", share lines, footer)
``agency_plus_own``a newspaper article of which 30-60% (by words) is agency      partial
                  copy, verbatim or lightly reworded, the rest the paper's own
                  reporting of the same event
``same_event``    an independent report of the same event: same people,          same-story
                  places, figures and one short shared quote (under 8 words),
                  no shared run of 8 words
``unrelated``     (control) a story on another beat with its own cast            unrelated
================  =============================================================  ============

METER-style classes: ``duplicate``/``rewrite`` = wholly derived, ``partial`` = partially
derived, ``same-story``/``unrelated`` = non-derived (``DERIVATION``).

Everything is invented (syllable names, template sentences written for this package) and
deterministic: ``newsroom_pairs(n, seed)`` seeds each pair from ``(seed, pattern, k)``,
so pair ``k`` of a pattern does not depend on ``n`` or on the other patterns::

    from newstrace_synth.newsroom import newsroom_pairs
    for p in newsroom_pairs(10, seed=1):
        p.pattern, p.relation, p.derivation        # 'brief', 'rewrite', 'wholly'
        p.source, p.copy                           # texts: compare(p.source, p.copy)
        p.source_published, p.copy_published      # '2024-03-05T06:42' (agency first)
        p.records()                                # two JSONL records (id, text, ...)
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newstrace.model import Article

from . import textgen as tg
from .corpus import BEATS, grammar_story, person_name, place_name
from .textgen import Story

__all__ = [
    "DERIVATION",
    "PATTERNS",
    "RELATION",
    "NewsroomPair",
    "agency_plus_own_pair",
    "brief_pair",
    "chrome_reprint_pair",
    "multi_take_pair",
    "newsroom_pair",
    "newsroom_pairs",
    "same_event_pair",
    "unrelated_pair",
    "word_ngrams",
]

PATTERNS = ("brief", "same_event", "agency_plus_own", "multi_take", "chrome_reprint", "unrelated")
"""Pattern names, in report order."""

RELATION = {
    "brief": "rewrite",
    "same_event": "same-story",
    "agency_plus_own": "partial",
    "multi_take": "rewrite",
    "chrome_reprint": "duplicate",
    "unrelated": "unrelated",
}
"""Gold relation (newstrace's terms) of each pattern."""

DERIVATION = {
    "duplicate": "wholly",
    "rewrite": "wholly",
    "partial": "partially",
    "same-story": "non",
    "unrelated": "non",
}
"""newstrace relation -> METER-style class (wholly / partially / non-derived)."""


@dataclass(frozen=True)
class NewsroomPair:
    """Two texts and their gold relation. ``source`` is the agency copy (compare's a),
    ``copy`` the newspaper or site version (b). ``notes`` holds what the generator knows:
    fragments reused, the share of the copy taken from the source, shared names, ..."""

    id: str
    pattern: str
    relation: str
    source: str
    copy: str
    source_published: str | None = None
    copy_published: str | None = None
    source_site: str | None = None
    copy_site: str | None = None
    source_byline: str | None = None
    copy_byline: str | None = None
    notes: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def derivation(self) -> str:
        """METER-style class: wholly, partially or non(-derived)."""
        return DERIVATION[self.relation]

    @property
    def gold_source(self) -> str | None:
        """``"a"`` (the agency copy) for derived pairs, None when neither copied."""
        return "a" if self.derivation != "non" else None

    def articles(self) -> tuple[Article, Article]:
        """The two sides as newstrace articles (``compare`` input), with their metadata."""
        from newstrace.ingest import article_from_text

        a = article_from_text(
            self.source,
            id=f"{self.id}-a",
            published=self.source_published,
            site=self.source_site,
            author=self.source_byline,
        )
        b = article_from_text(
            self.copy,
            id=f"{self.id}-b",
            published=self.copy_published,
            site=self.copy_site,
            author=self.copy_byline,
        )
        return a, b

    def records(self) -> list[dict[str, str]]:
        """The two texts as JSONL records (``newstrace scan`` input)."""
        out = []
        for side, text, when, site, by in (
            ("a", self.source, self.source_published, self.source_site, self.source_byline),
            ("b", self.copy, self.copy_published, self.copy_site, self.copy_byline),
        ):
            rec = {"id": f"{self.id}-{side}", "text": text}
            for key, value in (("published", when), ("site", site), ("author", by)):
                if value is not None:
                    rec[key] = value
            out.append(rec)
        return out


# --- words -------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """Lowercase alphanumeric tokens (the unit of the n-gram checks)."""
    return _TOKEN_RE.findall(text.lower())


def word_ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    """The set of ``n``-word runs of ``text`` (lowercased, punctuation ignored)."""
    w = words_of(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def _nwords(text: str) -> int:
    return len(text.split())


# --- the agency story --------------------------------------------------------------------------

_DATELINE_RE = re.compile(r"^[A-Z][A-Z' -]+, [A-Z][a-z]+ \d+ \([^)]*\) – ")
_MONTH = {m: k + 1 for k, m in enumerate(tg._MONTHS)}


@dataclass
class _Agency:
    story: Story
    cast: dict[str, str]
    sentences: list[str]
    published: dt.datetime

    @property
    def agency(self) -> str:
        return self.cast["agency"]


def _agency_story(
    rng: random.Random,
    words: int | None = None,
    *,
    beat: tg._Topic | None = None,
    cast: dict[str, str] | None = None,
    decoy: bool = False,
) -> _Agency:
    story, _ = grammar_story(rng, words=words, beat=beat, cast=cast, decoy=decoy, stock=0)
    full = json.loads(story.meta["_cast"])
    when = dt.datetime(
        int(full["year"]),
        _MONTH[full["month"]],
        int(full["day"]),
        rng.randint(5, 21),
        rng.randint(0, 59),
    )
    return _Agency(story, full, [s.text for s in story.sentences], when)


def _undateline(sentence: str) -> str:
    """The lead without its "CITY, Month day (Agency) –" dateline (newspapers drop it)."""
    return _DATELINE_RE.sub("", sentence, count=1)


def _paragraphs(sentences: Sequence[str], rng: random.Random) -> str:
    """Body text: the first sentence alone, then paragraphs of one to three."""
    if not sentences:
        return ""
    paras = [sentences[0]]
    k = 1
    while k < len(sentences):
        n = rng.choice((1, 2, 2, 3))
        paras.append(" ".join(sentences[k : k + n]))
        k += n
    return "\n\n".join(paras)


def _render(headline: str, header: Iterable[str], body: str, footer: Iterable[str] = ()) -> str:
    return "\n\n".join([headline, *header, body, *footer]) + "\n"


def _agency_text(a: _Agency, rng: random.Random) -> str:
    return _render(a.story.headline, (), _paragraphs(a.sentences, rng))


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="minutes")


def _newspaper(rng: random.Random) -> str:
    return tg._outlet(rng)


def _reporter_line(rng: random.Random, p: float = 0.6) -> str | None:
    return f"By {person_name(rng)}" if rng.random() < p else None


# --- compressed briefs -------------------------------------------------------------------------

_LOWER_OK = frozenset(
    (
        "the",
        "a",
        "an",
        "some",
        "more",
        "at",
        "nearly",
        "fewer",
        "in",
        "according",
        "figures",
        "data",
        "records",
        "work",
        "repairs",
        "progress",
        "building",
        "plans",
        "proposals",
        "officials",
        "residents",
    )
)
_CLAUSE_JOINS = (", and ", ", while ", "; ", " – ", ", but ")


def _clauses(sentence: str) -> tuple[list[str], list[str]]:
    """A sentence's verbatim fragments for a brief: comma-separated chunks of 4-14 words
    without quotes, as (clauses: chunks that start with a capital, modifiers: the rest,
    such as "after the collapse of talks")."""
    text = _undateline(sentence).rstrip(".")
    clauses: list[str] = []
    modifiers: list[str] = []
    for chunk in re.split(r",\s+", text):
        chunk = chunk.strip()
        if '"' in chunk or "–" in chunk or not 4 <= _nwords(chunk) <= 14:
            continue
        (clauses if chunk[0].isupper() else modifiers).append(chunk)
    return clauses, modifiers


def _tail(fragment: str) -> str:
    """A clause placed after a join: lower-cased when its first word is not a name."""
    head = fragment.split(" ", 1)[0]
    return fragment[0].lower() + fragment[1:] if head.lower() in _LOWER_OK else fragment


def brief_pair(rng: random.Random, pid: str = "brief") -> NewsroomPair:
    """An agency story and a 1-3 sentence brief made of its phrases: each brief sentence
    joins verbatim fragments (comma-separated chunks of 4-14 words) of two or three agency
    sentences: clauses joined by "and"/"while"/";", modifiers ("after a long dispute")
    after a comma. ``notes["fragments"]`` lists them; ``notes["source_sentences"]`` the
    indices of the agency sentences they come from."""
    for _ in range(50):
        a = _agency_story(rng, rng.randint(300, 650))
        clauses: list[tuple[int, str]] = []
        modifiers: list[tuple[int, str]] = []
        for i, sentence in enumerate(a.sentences):
            cl, mo = _clauses(sentence)
            clauses += [(i, x) for x in cl]
            modifiers += [(i, x) for x in mo]
        lead = [x for i, x in clauses if i == 0]
        clauses = [(i, x) for i, x in clauses if i > 0]
        rng.shuffle(clauses)
        rng.shuffle(modifiers)
        used: set[int] = set()
        fragments: list[str] = []
        out: list[str] = []
        for k in range(rng.choice((1, 2, 2, 3))):
            parts: list[tuple[int, str]] = []
            if k == 0 and lead:
                parts.append((0, lead[0]))
            while len(parts) < 2 and clauses:
                i, c = clauses.pop()
                if i not in used and all(i != j for j, _ in parts):
                    parts.append((i, c))
            if len(parts) < 2:
                break
            text = parts[0][1] + rng.choice(_CLAUSE_JOINS) + _tail(parts[1][1])
            while rng.random() < 0.6 and modifiers:
                i, m = modifiers.pop()
                if i not in used and all(i != j for j, _ in parts):
                    parts.append((i, m))
                    text += ", " + m
                    break
            if out and _nwords(" ".join(out)) + _nwords(text) > 90:
                break  # a brief stays brief
            out.append(text + ".")
            fragments.extend(f for _, f in parts)
            used.update(i for i, _ in parts)
        if not out:
            continue
        headline = tg.spin_sentence(a.story.headline, rng, 0.5)
        byline = _reporter_line(rng, 0.3)
        site = _newspaper(rng)
        copy = _render(headline, [byline] if byline else [], " ".join(out))
        return NewsroomPair(
            pid,
            "brief",
            RELATION["brief"],
            _agency_text(a, rng),
            copy,
            _iso(a.published),
            _iso(a.published + dt.timedelta(minutes=rng.randint(60, 14 * 60))),
            a.agency,
            site,
            f"{a.agency} reporter",
            byline,
            {"fragments": fragments, "source_sentences": sorted(used)},
        )
    raise RuntimeError("brief_pair: no brief in 50 draws")


# --- independent reports of one event ----------------------------------------------------------

_SHORT_QUOTES = (
    "This should never have happened here",
    "We want answers, not excuses",
    "It is a sad day for us",
    "We will keep fighting for this",
    "The money simply is not there",
    "People here deserve far better",
    "We had no real choice",
    "Nobody listened to us",
    "It is a good day for the city",
    "We were never asked",
)
_QUOTE_FRAMES_A = (
    '"{q}," said {p}, speaking after the meeting.',
    '"{q}," {p} said on {weekday}.',
    '"{q}," {p} told {agency}.',
)
_QUOTE_FRAMES_B = (
    '{p} put it bluntly: "{q}."',
    'Asked about the outcome, {p} replied: "{q}."',
    'For {p} the matter was simple. "{q}."',
)


_FIGURE_RE = re.compile(r"\$\d[\d.,]*(?: million)?|\b\d{2,3}(?:,\d{3})?\b")
_FIGURE_FRAMES = (
    "The figure at the heart of the row is {fig}, according to the {org}.",
    "By the {org}'s own count, {fig} is the number that matters.",
    "Nobody disputes the {fig} figure, whatever else is argued.",
)


def _reword_appositions(text: str, cast: dict[str, str], rng: random.Random) -> str:
    """Another paper's way of naming the cast: "X, role of the Org," rewritten."""
    for k in (1, 2, 3):
        p, role, org = cast[f"p{k}"], cast[f"p{k}r"], cast[f"org{k}"]
        old = f"{p}, {role} of the {org},"
        if old in text:
            new = rng.choice(
                (f"{p} of the {org}", f"{p}, who is {role} at the {org},", f"{role} {p}")
            )
            text = text.replace(old, new)
    old = f"{cast['p4']}, the mayor of {cast['city']},"
    if old in text:
        text = text.replace(old, rng.choice((f"Mayor {cast['p4']}", f"{cast['p4']}, the mayor,")))
    return text


def _independent(
    rng: random.Random,
    a: _Agency,
    words: int,
    avoid: set[tuple[str, ...]],
) -> list[str]:
    """Sentences about the agency story's event (same beat, same cast) written anew:
    none shares an 8-word run with ``avoid`` (the agency text's 8-grams)."""
    beat = next(b for b in BEATS if b.name == a.story.topic)
    other = _agency_story(rng, words, beat=beat, cast=a.cast, decoy=True)
    out = []
    for s in other.sentences:
        s = _reword_appositions(s, a.cast, rng)
        if not word_ngrams(s, 8) & avoid:
            out.append(s)
    return out


def same_event_pair(rng: random.Random, pid: str = "same_event") -> NewsroomPair:
    """An agency story and an independent report of the same event: same people, places
    and figures, one short quote (under 8 words) in both, independently written
    sentences. No 8-word run is shared (checked; redrawn until so)."""
    for _ in range(50):
        a = _agency_story(rng, rng.randint(300, 650))
        q = rng.choice(_SHORT_QUOTES)
        p = a.cast["p1"]
        qa = rng.choice(_QUOTE_FRAMES_A).format(
            q=q, p=p, weekday=a.cast["weekday"], agency=a.agency
        )
        qb = rng.choice(_QUOTE_FRAMES_B).format(q=q, p=p)
        a.sentences.insert(rng.randint(2, max(2, len(a.sentences) - 1)), qa)
        source = _agency_text(a, rng)
        grams = word_ngrams(source, 8)
        own = _independent(rng, a, rng.randint(250, 600), grams)
        if len(own) < 4:
            continue
        own.insert(rng.randint(1, min(4, len(own))), qb)
        figures = sorted({f for x in a.sentences for f in _FIGURE_RE.findall(_undateline(x))})
        shared = [f for f in figures if f in " ".join(own)]
        if not shared and figures:  # make sure the two reports share a figure
            fig = rng.choice(figures)
            own.insert(
                rng.randint(2, len(own)),
                rng.choice(_FIGURE_FRAMES).format(fig=fig, org=a.cast[f"org{rng.randint(1, 3)}"]),
            )
            shared = [fig]
        headline = tg._fill(
            rng.choice(
                (
                    "<city>: <p1l> speaks out as row deepens",
                    "Anger in <city> over <org1> decision",
                    "What the <org1> decision means for <city>",
                    "<city> waits for answers after <weekday> decision",
                )
            ),
            rng,
            next(b for b in BEATS if b.name == a.story.topic),
            a.cast,
        )
        byline = _reporter_line(rng, 0.8)
        copy = _render(headline, [byline] if byline else [], _paragraphs(own, rng))
        if word_ngrams(copy, 8) & grams:
            continue
        when = a.published + dt.timedelta(minutes=rng.randint(-6 * 60, 6 * 60))
        return NewsroomPair(
            pid,
            "same_event",
            RELATION["same_event"],
            source,
            copy,
            _iso(a.published),
            _iso(when),
            a.agency,
            _newspaper(rng),
            f"{a.agency} reporter",
            byline,
            {"quote": q, "shared_names": [p, a.cast["city"]], "shared_figures": shared},
        )
    raise RuntimeError("same_event_pair: no pair without a shared 8-word run in 50 draws")


# --- agency copy plus own reporting ------------------------------------------------------------


def agency_plus_own_pair(rng: random.Random, pid: str = "agency_plus_own") -> NewsroomPair:
    """A newspaper article of which 30-60% of the body words are agency copy (whole
    sentences, half of them lightly reworded) and the rest the paper's own reporting of
    the same event (same cast, no 8-word run shared with the agency text).
    ``notes["source_share"]`` is the measured share, ``notes["from_source"]`` flags each
    body sentence of the copy."""
    for _ in range(50):
        a = _agency_story(rng, rng.randint(450, 800))
        source = _agency_text(a, rng)
        grams = word_ngrams(source, 8)
        total = rng.randint(350, 650)
        share = rng.uniform(0.33, 0.57)
        want_src = share * total
        picks = [0]
        got = _nwords(_undateline(a.sentences[0]))
        order = list(range(1, len(a.sentences)))
        rng.shuffle(order)
        for i in order:
            if got >= want_src:
                break
            picks.append(i)
            got += _nwords(a.sentences[i])
        picks.sort()
        reused = []
        for i in picks:
            s = _undateline(a.sentences[i]) if i == 0 else a.sentences[i]
            reused.append(tg.spin_sentence(s, rng, 0.2) if rng.random() < 0.5 else s)
        own = _independent(rng, a, int(total - got) + 60, grams)
        body: list[tuple[str, bool]] = []
        own_words = 0
        o = 0
        need_own = total - got
        if rng.random() < 0.5 and own:  # the paper's own intro
            body.append((own[0], False))
            own_words += _nwords(own[0])
            o = 1
        r = 0
        while r < len(reused) or (o < len(own) and own_words < need_own):
            for _ in range(rng.choice((1, 2, 3))):
                if r < len(reused):
                    body.append((reused[r], True))
                    r += 1
            for _ in range(rng.choice((1, 2, 2, 3))):
                if o < len(own) and own_words < need_own:
                    body.append((own[o], False))
                    own_words += _nwords(own[o])
                    o += 1
        src_words = sum(_nwords(s) for s, f in body if f)
        all_words = sum(_nwords(s) for s, _ in body)
        measured = src_words / all_words
        if not 0.3 <= measured <= 0.6:
            continue
        headline = tg.spin_sentence(a.story.headline, rng, 0.6)
        byline = _reporter_line(rng, 0.9)
        copy = _render(headline, [byline] if byline else [], _paragraphs([s for s, _ in body], rng))
        when = a.published + dt.timedelta(minutes=rng.randint(3 * 60, 20 * 60))
        return NewsroomPair(
            pid,
            "agency_plus_own",
            RELATION["agency_plus_own"],
            source,
            copy,
            _iso(a.published),
            _iso(when),
            a.agency,
            _newspaper(rng),
            f"{a.agency} reporter",
            byline,
            {
                "source_share": round(measured, 3),
                "from_source": [f for _, f in body],
                "source_sentences": picks,
            },
        )
    raise RuntimeError("agency_plus_own_pair: no copy within 30-60% in 50 draws")


# --- long multi-take agency sources ------------------------------------------------------------


def _slug(a: _Agency) -> str:
    word = a.story.topic.split()[0].upper() if a.story.topic else "NEWS"
    return f"{a.cast['city'].upper()}-{re.sub(r'[^A-Z]', '', word) or 'NEWS'}/"


def multi_take_pair(rng: random.Random, pid: str = "multi_take") -> NewsroomPair:
    """An agency story filed as takes (first take, second and third takes, a substitute
    for the first take, a night lead that rewrites the whole story) and a newspaper
    article made from it: 40-75% of the story's sentences, in order, lightly reworded,
    two of them merged. The take sequence is 2 to 6 times longer than the article.
    ``notes["length_ratio"]`` is source words / article words."""
    for _ in range(50):
        a = _agency_story(rng, rng.randint(450, 800))
        s = a.sentences
        n = len(s)
        slug = _slug(a)
        n1 = max(3, round(n * rng.uniform(0.3, 0.45)))
        n2 = max(n1 + 1, round(n * rng.uniform(0.6, 0.8)))
        t = a.published
        takes: list[tuple[str, dt.datetime, list[str]]] = []
        takes.append((f"FIRST TAKE: {slug}", t, s[:n1]))
        t += dt.timedelta(minutes=rng.randint(15, 50))
        takes.append((f"2ND TAKE: {slug}", t, s[n1:n2]))
        t += dt.timedelta(minutes=rng.randint(15, 50))
        takes.append((f"3RD TAKE: {slug}", t, s[n2:] or s[-1:]))
        t += dt.timedelta(minutes=rng.randint(40, 120))
        sub = [
            tg.spin_sentence(x, rng, 0.2) if k and rng.random() < 0.4 else x
            for k, x in enumerate(s[: n1 + 2])
        ]
        takes.append((f"SUBSTITUTE: {slug} (replaces first take)", t, sub))
        t += dt.timedelta(minutes=rng.randint(180, 420))
        relead = tg.spin_sentence(_undateline(s[0]), rng, 0.5)
        night = [f"{a.cast['CITY']}, {a.cast['month']} {a.cast['day']} ({a.agency}) – " + relead]
        night += [tg.spin_sentence(x, rng, 0.15) if rng.random() < 0.3 else x for x in s[1:]]
        takes.append((f"NIGHT LEAD: {slug}", t, night))
        blocks = []
        for label, when, sents in takes:
            blocks.append(f"{a.agency} {when:%H:%M} GMT – {label}")
            blocks.append(a.story.headline)
            blocks.append(_paragraphs(sents, rng))
            blocks.append("MORE TO FOLLOW" if label.startswith(("FIRST", "2ND")) else "ENDS")
        source = "\n\n".join(blocks) + "\n"
        # The newspaper article: a selection, in order, lightly reworded, one merge.
        keep = max(3, round(n * rng.uniform(0.4, 0.75)))
        picks = [0, *sorted(rng.sample(range(1, n), min(n - 1, keep - 1)))]
        out = [tg.spin_sentence(_undateline(s[0]) if i == 0 else s[i], rng, 0.25) for i in picks]
        for k in rng.sample(range(1, len(out) - 1), len(out) - 2):
            merged = tg._merge(out[k], out[k + 1], rng)
            if merged:
                out[k : k + 2] = [merged]
                break
        byline = _reporter_line(rng, 0.7)
        headline = tg.spin_sentence(a.story.headline, rng, 0.6)
        copy = _render(headline, [byline] if byline else [], _paragraphs(out, rng))
        ratio = _nwords(source) / _nwords(copy)
        if not 2.0 <= ratio <= 6.0:
            continue
        when = a.published + dt.timedelta(hours=rng.randint(8, 22))
        return NewsroomPair(
            pid,
            "multi_take",
            RELATION["multi_take"],
            source,
            copy,
            _iso(a.published),
            _iso(when),
            a.agency,
            _newspaper(rng),
            f"{a.agency} reporter",
            byline,
            {
                "length_ratio": round(ratio, 2),
                "takes": [x[0] for x in takes],
                "source_sentences": picks,
            },
        )
    raise RuntimeError("multi_take_pair: no source 2-6 times the article in 50 draws")


# --- a verbatim reprint in site chrome ---------------------------------------------------------

_MENUS = (
    "Home | News | Sport | Business | Opinion | Weather | Jobs",
    "HOME  NEWS  LOCAL  SPORT  WHAT'S ON  NOTICES  SUBSCRIBE",
    "News · Politics · Business · Culture · Sport · Podcasts · Sign in",
    "Skip to content | Menu | Search | Log in | Subscribe",
)
_SHARE = (
    "Share this story",
    "Share on Facebook",
    "Share on X",
    "Email this article",
    "Copy link",
    "Print",
    "WhatsApp",
)
_AFTER = (
    "Most read",
    "Sign up to our daily newsletter",
    "Comments are closed.",
    "Report an error",
    "Advertisement",
    "More from News",
)


def chrome_reprint_pair(rng: random.Random, pid: str = "chrome_reprint") -> NewsroomPair:
    """The agency story reprinted verbatim (headline and body) inside a site's chrome:
    a menu line and a masthead above the headline, a "By <Agency>" byline and a
    timestamp, share lines and site debris after the body."""
    a = _agency_story(rng, rng.randint(300, 700))
    body = _paragraphs(a.sentences, rng)
    source = _render(a.story.headline, (), body)
    site = f"The {place_name(rng)} {rng.choice(tg._OUTLET_KIND)}"
    when = a.published + dt.timedelta(minutes=rng.randint(10, 240))
    above = [rng.choice(_MENUS), site.upper() if rng.random() < 0.5 else site]
    if rng.random() < 0.5:
        above.append(f"{when:%A}, {when:%B} {when.day}, {when.year}")
    byline = f"By {a.agency}" if rng.random() < 0.7 else f"{a.agency} | {site}"
    header = [byline, f"Published {when:%d %B %Y}, {when:%H:%M}"]
    share = rng.sample(_SHARE, rng.randint(2, 4))
    footer = [
        " | ".join(share) if rng.random() < 0.5 else "\n".join(share),
        *rng.sample(_AFTER, rng.randint(1, 3)),
        f"© {when.year} {site}",
    ]
    copy = "\n\n".join([*above, a.story.headline, *header, body, *footer]) + "\n"
    return NewsroomPair(
        pid,
        "chrome_reprint",
        RELATION["chrome_reprint"],
        source,
        copy,
        _iso(a.published),
        _iso(when),
        a.agency,
        site,
        f"{a.agency} reporter",
        byline,
        {"chrome_above": above, "chrome_below": footer},
    )


# --- control -----------------------------------------------------------------------------------


def unrelated_pair(rng: random.Random, pid: str = "unrelated") -> NewsroomPair:
    """Two agency stories on different beats, each with its own cast (a control)."""
    a = _agency_story(rng, rng.randint(300, 700))
    beats = [b for b in BEATS if b.name != a.story.topic]
    b = _agency_story(rng, rng.randint(300, 700), beat=rng.choice(beats))
    return NewsroomPair(
        pid,
        "unrelated",
        RELATION["unrelated"],
        _agency_text(a, rng),
        _agency_text(b, rng),
        _iso(a.published),
        _iso(b.published),
        a.agency,
        b.agency,
        None,
        None,
        {},
    )


# --- the labelled set ---------------------------------------------------------------------------

_MAKERS: dict[str, Callable[[random.Random, str], NewsroomPair]] = {
    "brief": brief_pair,
    "same_event": same_event_pair,
    "agency_plus_own": agency_plus_own_pair,
    "multi_take": multi_take_pair,
    "chrome_reprint": chrome_reprint_pair,
    "unrelated": unrelated_pair,
}


def newsroom_pair(pattern: str, seed: int, k: int = 0) -> NewsroomPair:
    """Pair ``k`` of ``pattern`` for ``seed`` (its own random stream: the same whatever
    else is generated). The id is ``"{pattern}-{seed}-{k}"``."""
    if pattern not in _MAKERS:
        raise ValueError(f"unknown pattern {pattern!r}; expected one of {', '.join(PATTERNS)}")
    rng = random.Random(f"newsroom:{seed}:{pattern}:{k}")
    return _MAKERS[pattern](rng, f"{pattern}-{seed}-{k}")


def newsroom_pairs(
    n_per_pattern: int, seed: int, patterns: Sequence[str] = PATTERNS
) -> list[NewsroomPair]:
    """``n_per_pattern`` labelled pairs of each pattern, pattern by pattern."""
    return [newsroom_pair(p, seed, k) for p in patterns for k in range(n_per_pattern)]


if __name__ == "__main__":  # print one pair of each pattern
    import sys

    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    for pat in PATTERNS:
        pair = newsroom_pair(pat, seed)
        print(f"===== {pat}: {pair.relation} ({pair.derivation}) notes={pair.notes}")
        print(f"--- source ({_nwords(pair.source)} words, {pair.source_published})")
        print(pair.source)
        print(f"--- copy ({_nwords(pair.copy)} words, {pair.copy_published})")
        print(pair.copy)
