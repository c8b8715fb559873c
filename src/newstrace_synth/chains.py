"""Copy families with known provenance: an original, its copies and copies of copies.

Each family is one story (the grammar of ``newstrace_synth.corpus``) and the articles
made from it, as a tree with known parents:

* the **original** (the root): a wire story under its agency's name and dateline, or an
  outlet's own story;
* **copies**, each made from one member already in the family (often the original, else
  any copy: copies of copies) in one of ``KINDS``: a ``reprint`` (the body verbatim), a
  ``light`` edit or a ``rewrite`` (``textgen.spin``: synonyms, dropped sentences, one
  split, one merge, a changed figure) or a ``summary`` (``corpus.summary_of``). A copy of
  a copy is made from its parent's text, so it carries its parent's changes (omissions,
  figures, wording) and adds its own;
* **credit**: about half of the copies credit where their text comes from, in one of
  ``CREDIT_FORMS`` (a byline or dateline naming the outlet, "The post ... appeared first
  on", "according to", "... first reported the story", a link to its URL), naming the
  parent (or, sometimes, the original); the others name no source. Copies are made from
  their parent's text without its credit lines, so a credit is never inherited;
* **publication times**: a copy is published 20 minutes to 12 hours after its parent;
  each member gives its time as a zoned timestamp, a zone-less one or a bare date (both
  UTC), or not at all; verbatim reprints credit their source more often (80%).

Truth per member: ``parent`` (None for the original), ``kind`` and ``credited`` (True
when its text names its parent or an ancestor, False when it names no source, None for
the original). Member order and ids are shuffled, so neither says who came first.

Everything is invented and deterministic: ``chain_families(n, seed)`` seeds family
``k`` from ``(seed, k)``::

    from newstrace_synth.chains import chain_families
    for fam in chain_families(10, seed=1):
        fam.root, fam.parents()              # 'c1-3', {'c1-0': 'c1-3', 'c1-3': None, ...}
        fam.articles()                       # newstrace Articles (text, site, url, published)
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from newstrace.model import Article

from . import textgen as tg
from .corpus import grammar_story, person_name, summary_of
from .newsroom import _undateline
from .textgen import Sentence, Story

__all__ = ["CREDIT_FORMS", "KINDS", "ChainFamily", "ChainMember", "chain_families", "chain_family"]

KINDS = ("reprint", "light", "rewrite", "summary")
"""How a copy is made from its parent, in report order."""
_KIND_WEIGHTS = (0.08, 0.37, 0.35, 0.20)  # reprints are rare: their text says nothing new

CREDIT_FORMS = ("byline", "dateline", "first-on", "according", "reported", "link")
"""The ways a copy names its source (see the module docstring)."""

_SIZE = (3, 7)  # members per family: an original and 2-6 copies
_WORDS = (350, 550)  # body words of the original (13-22 grammar sentences)
_P_PARENT_ROOT = 0.4  # a copy is made from the original this often, else from any member
_P_CREDITED = 0.5  # share of copies that name their source
_P_REPRINT_CREDITED = 0.8  # ... of verbatim reprints (scrapers keep "appeared first on")
_P_CREDIT_ROOT = 0.15  # a credited copy of a copy names the original instead of its parent
_P_WIRE_ROOT = 0.5  # the original is a wire story (its agency's byline and dateline)
_P_REPORTER_BYLINE = 0.6  # uncredited copies under a reporter's name (no outlet)
_P_URL = 0.8  # members with a URL (a link credit needs one)
_MIN_SUMMARY_SENTENCES = 10  # a summary of a shorter text would be a sentence or two
_DELAY_MINUTES = (20, 12 * 60)  # a copy appears this long after its parent
# Spin settings per kind: (synonym rate, share of sentences dropped, figures changed).
_SPIN = {"light": (0.15, 0.06, 1), "rewrite": (0.5, 0.1, 1)}
_SUMMARY_SHARE = (0.45, 0.65)  # the lead and this share of the other sentences
_SUMMARY_RATE = 0.2
# How a member gives its publication time: zoned, zone-less, date only, none.
_TIME_FORMS = ("zoned", "naive", "date", "none")
_TIME_WEIGHTS = (0.55, 0.15, 0.15, 0.15)
_ZONES = (0, 0, 1, -5, 8)  # hours east of UTC of the zoned timestamps (bare ones are UTC)


@dataclass(frozen=True)
class ChainMember:
    """One article of a family and the truth about it."""

    article: Article
    parent: str | None
    kind: str  # "original" or one of KINDS
    credited: bool | None
    credit_form: str | None = None  # one of CREDIT_FORMS when credited
    credit_names: str | None = None  # the id of the member the credit names


@dataclass(frozen=True)
class ChainFamily:
    """An original and its copies, in shuffled order."""

    id: str
    members: tuple[ChainMember, ...]

    @property
    def root(self) -> str:
        return next(m.article.id for m in self.members if m.parent is None)

    def parents(self) -> dict[str, str | None]:
        return {m.article.id: m.parent for m in self.members}

    def articles(self) -> list[Article]:
        return [m.article for m in self.members]

    def member(self, id: str) -> ChainMember:
        return next(m for m in self.members if m.article.id == id)


@dataclass
class _Draft:
    """A member while the family grows: its clean story (no credit lines: what copies
    are made from), who it is and where it came from."""

    clean: Story
    site: str
    url: str | None
    when: dt.datetime
    parent: int | None
    kind: str


def _slug(name: str) -> str:
    return "".join(c for c in name.casefold().removeprefix("the ") if c.isalnum())


def _url(rng: random.Random, site: str, headline: str) -> str | None:
    if rng.random() >= _P_URL:
        return None
    path = "-".join(w for w in (_slug(x) for x in headline.split()[:6]) if w)
    return f"https://www.{_slug(site)}.com/news/{rng.randint(100000, 999999)}-{path}"


def _site(rng: random.Random, taken: set[str]) -> str:
    while (site := tg._outlet(rng)) in taken:
        pass
    taken.add(site)
    return site


def _original(rng: random.Random) -> tuple[_Draft, Story]:
    """The root: its clean story and the story as published (a wire story keeps its
    agency's byline and dateline)."""
    story, _ = grammar_story(rng, words=rng.randint(*_WORDS), stock=0)
    clean = _with_lead(story, _undateline(story.sentences[0].text))
    wire = rng.random() < _P_WIRE_ROOT
    site = story.meta["agency"] if wire else story.site
    meta = story.meta
    when = dt.datetime(
        int(meta["year"]),
        tg._MONTHS.index(meta["month"]) + 1,
        int(meta["day"]),
        rng.randint(5, 20),
        rng.randint(0, 59),
        tzinfo=dt.UTC,
    )
    header = (f"By {person_name(rng)}, {site}",) if wire else (f"By {person_name(rng)}",)
    shown = story if wire else clean
    shown = replace(shown, site=site, header=header, footer=_footer(rng, site, meta), credit=None)
    return _Draft(clean, site, _url(rng, site, story.headline), when, None, "original"), shown


def _with_lead(story: Story, lead: str) -> Story:
    first = (replace(story.paragraphs[0][0], text=lead), *story.paragraphs[0][1:])
    return replace(story, paragraphs=(first, *story.paragraphs[1:]))


def _with_sentence_after_lead(story: Story, text: str) -> Story:
    first = (*story.paragraphs[0], Sentence(text))
    return replace(story, paragraphs=(first, *story.paragraphs[1:]))


def _footer(rng: random.Random, site: str, meta: dict[str, str]) -> tuple[str, ...]:
    pool = [
        "Share this article",
        f"Copyright © {meta['year']} {site}. All rights reserved.",
        "Subscribe to our newsletter for the day's top stories",
        "Leave a reply",
    ]
    return tuple(rng.sample(pool, rng.randint(1, 3)))


def _derive(parent: Story, kind: str, rng: random.Random, site: str) -> Story:
    """A copy's clean story, made from its parent's clean story."""
    if kind == "reprint":
        return tg.reprint(parent, rng, site=site)
    if kind == "summary":
        return summary_of(parent, rng, share=_SUMMARY_SHARE, rate=_SUMMARY_RATE)
    rate, drop, numbers = _SPIN[kind]
    return tg.spin(parent, rng, rate=rate, drop=drop, alter_numbers=numbers, site=site)


def _credit(
    rng: random.Random, story: Story, named: _Draft, form: str
) -> tuple[Story, tuple[str, ...], tuple[str, ...]]:
    """The story with a credit to ``named`` in ``form``: (story, header, extra footer)."""
    org, meta = named.site, story.meta
    header: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    lead = story.sentences[0].text
    if form == "byline":
        header = (f"By {person_name(rng)}, {org}",)
    elif form == "dateline":
        story = _with_lead(
            story, f"{meta['city'].upper()}, {meta['month']} {meta['day']} ({org}) – {lead}"
        )
    elif form == "first-on":
        footer = (f"The post {story.headline} appeared first on {org}.",)
    elif form == "according" and lead.endswith(".") and not lead.endswith('."'):
        story = _with_lead(story, f"{lead[:-1]}, according to {org}.")
    elif form in ("according", "reported"):
        story = _with_sentence_after_lead(story, f"{org} first reported the story.")
    elif form == "link":
        footer = (rng.choice(("Source: ", "Read the original story at ")) + str(named.url),)
    return story, header, footer


def _published(rng: random.Random, when: dt.datetime) -> str | None:
    form = rng.choices(_TIME_FORMS, _TIME_WEIGHTS)[0]
    if form == "none":
        return None
    if form == "date":  # a feed's date, in UTC like its zone-less timestamps
        return when.date().isoformat()
    if form == "naive":
        return when.replace(tzinfo=None).isoformat(timespec="minutes")
    return when.astimezone(dt.timezone(dt.timedelta(hours=rng.choice(_ZONES)))).isoformat(
        timespec="minutes"
    )


def _ancestors(drafts: list[_Draft], k: int) -> list[int]:
    out = []
    p = drafts[k].parent
    while p is not None:
        out.append(p)
        p = drafts[p].parent
    return out


def chain_family(rng: random.Random, fid: str, size: int | None = None) -> ChainFamily:
    """One family of ``size`` members (random in 3-7 when None)."""
    size = size or rng.randint(*_SIZE)
    taken: set[str] = set()
    root, shown_root = _original(rng)
    taken.add(root.site)
    drafts = [root]
    shown: list[tuple[Story, str | None, int | None]] = [(shown_root, None, None)]
    while len(drafts) < size:
        p = 0 if rng.random() < _P_PARENT_ROOT else rng.randrange(len(drafts))
        parent = drafts[p]
        kind = rng.choices(KINDS, _KIND_WEIGHTS)[0]
        if kind == "summary" and len(parent.clean.sentences) < _MIN_SUMMARY_SENTENCES:
            kind = "light"
        site = _site(rng, taken)
        clean = replace(_derive(parent.clean, kind, rng, site), site=site, credit=None)
        delay = dt.timedelta(minutes=rng.randint(*_DELAY_MINUTES))
        draft = _Draft(clean, site, _url(rng, site, clean.headline), parent.when + delay, p, kind)
        drafts.append(draft)
        story, form, named = clean, None, None
        header: tuple[str, ...] = (
            (f"By {person_name(rng)}",) if rng.random() < _P_REPORTER_BYLINE else ()
        )
        footer = _footer(rng, site, clean.meta)
        if rng.random() < (_P_REPRINT_CREDITED if kind == "reprint" else _P_CREDITED):
            named = 0 if p != 0 and rng.random() < _P_CREDIT_ROOT else p
            forms = [f for f in CREDIT_FORMS if f != "link" or drafts[named].url]
            form = rng.choice(forms)
            story, extra_header, extra_footer = _credit(rng, clean, drafts[named], form)
            header = extra_header or header
            footer = (*footer, *extra_footer)
        shown.append((replace(story, header=header, footer=footer), form, named))
    return _assemble(rng, fid, drafts, shown)


def _assemble(
    rng: random.Random,
    fid: str,
    drafts: list[_Draft],
    shown: list[tuple[Story, str | None, int | None]],
) -> ChainFamily:
    """Shuffled ids, articles and truth."""
    order = list(range(len(drafts)))
    rng.shuffle(order)
    ids = {k: f"{fid}-{pos}" for pos, k in enumerate(order)}
    members = []
    for k in sorted(order, key=lambda k: ids[k]):
        d = drafts[k]
        story, form, named = shown[k]
        article = Article(
            id=ids[k],
            text=story.text,
            url=d.url,
            site=d.site,
            published=_published(rng, d.when),
            origin=ids[k],
        )
        credited = (
            None if d.parent is None else named is not None and named in _ancestors(drafts, k)
        )
        members.append(
            ChainMember(
                article,
                None if d.parent is None else ids[d.parent],
                d.kind,
                credited,
                form,
                None if named is None else ids[named],
            )
        )
    return ChainFamily(fid, tuple(members))


def chain_families(n: int, seed: int, *, size: int | None = None) -> list[ChainFamily]:
    """``n`` families; family ``k`` depends only on ``(seed, k)`` (and ``size``)."""
    return [chain_family(random.Random(f"chains:{seed}:{k}"), f"c{k}", size) for k in range(n)]
