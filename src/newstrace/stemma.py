"""Stemma stage: inside a reuse family, who was copied from whom (a copy tree).

Textual criticism's method on news copy. The root is the family's likely original: the
member that no other precedes by publication time, credit line or by being named as
its source, then the one that lacks the least material the others share (an original
drops nothing), then the one whose words the others side with (the majority reading;
see ``_choose_root``). Every other member is read against the root: which of the
root's sentences it keeps, and which readings it changed (the drifts: figures, dates,
quotes, names, merged sentences). A member Y was made from another copy X rather than
from the root when

* Y carries X's changes ("shared errors"): the same new readings and material of X the
  root lacks, each split among the copies that carry it (a change common to many says
  little about which of them Y came from); X's new words where X reworded the root;
  and the omissions of X that the other copies did not make, as far as Y's own
  omissions do not explain them (capped: siblings condensing one agency copy omit
  alike). What both kept of the root (retentions) proves nothing: a member not linked
  to the root whose overlap with a copy is mostly that copy's material from the root
  hangs from the root (``_edge_without_root``);
* and Y keeps nothing of the root that X lost: no root sentence X dropped, no root
  reading or word X changed (a copy cannot restore what its parent dropped; one such
  conflict outweighs several shared changes, see ``_CONFLICT_WEIGHT``);
* and X was not published after Y; naming X as the source counts for X.

Without enough such evidence (``_MIN_SUPPORT``) the parent is the root: two papers that
each rewrote the agency copy are siblings under it. Equal evidence for two candidates,
two copies with the same changes and nothing to order them (by time or by one naming
the other), or two members that could each be the original give no parent and the
candidates (``CopyEdge.undecided``) instead of a guess.

    tree = copy_tree(members, comparisons)   # comparisons: compare() results in the family
    tree.root, tree.parents(), tree.edge(id).reasons, tree.credit_summary()
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .credit import CreditReader
from .drift import changed_runs
from .model import (
    REUSE,
    Alignment,
    Article,
    Boilerplate,
    Comparison,
    CopyEdge,
    CopyTree,
    Credit,
    Span,
)
from .options import DEFAULT_OPTIONS, Options
from .side import Side
from .source import _credit_votes, _time_vote, is_agency
from .text import token_columns

__all__ = ["copy_tree"]

# One root reading that a copy keeps while the candidate parent lost it (a dropped
# sentence, a changed figure) weighs as much as this many shared changes: a copy cannot
# restore what its parent dropped, so such a conflict is close to proof; it is not taken
# as proof because an alignment can miss a reworded sentence.
_CONFLICT_WEIGHT = 3.0
# Naming a member as the source counts as this many shared changes: strong, but a copy
# of a copy may name the original rather than its parent.
_CREDIT_WEIGHT = 3.0
# Where the candidate x reworded the root, y having x's word counts for x and y having
# the root's word against (a copy of x cannot restore a word x replaced: a conflict,
# weighed like the others, ``_CONFLICT_WEIGHT``); this many such words make one shared
# change: single common words coincide by chance (siblings share about two of x's new
# words, a copy of x about eleven, in generated chains).
# Not capped: a copy of x has all of x's new words and x's parent fewer, so the count
# itself tells a parent from a grandparent.
_WORDS_PER_CHANGE = 2.0
# A copy condenses: it lies inside its source more than its source inside it. Coverage
# differences below this (two points) are alignment noise.
_ASYMMETRY = 0.02
# A copy is made from another copy rather than from the root only on this much evidence
# (in shared changes): one shared change can be chance (two copies changing one figure
# alike, an alignment missing a sentence), two rarely are.
_MIN_SUPPORT = 3.0
# Lacking what the candidate dropped counts for at most this many shared changes: copies
# condense alike (the lead, the quotes), so shared omissions say less than shared new
# readings.
_OMISSION_CAP = 3.0
# Choosing the root, one pair's publication times (when they tell the order) count as
# this many credit-line votes: a timestamp is the plainest evidence of who came first.
_TIME_VOTES = 3
# ... and a member that names the other as its source (``credit.find_credit``: its
# outlet, site or URL) as many: a copy names its source, never its copies, and a
# verbatim reprint that credits the original is otherwise told from it by times alone.
_NAMED_SOURCE_VOTES = 3
# Variant readings (where two candidates for the original word a passage differently)
# are differing stretches of at most this many words; longer ones are material one has
# and the other lacks, which ``_lacks`` weighs.
_READING_WORDS = 4
# The majority is read among at most this many distinct candidate texts (pairs grow as
# its square; real families rarely tie more than two or three on all else).
_MAJORITY_TEXTS = 12
# Scores closer than this are a tie: the evidence cannot tell the candidates apart.
_TIE = 0.5
# Confidence is margin / (margin + _CONFIDENCE_SCALE): a margin of one shared change
# is an even bet, three make it 0.75.
_CONFIDENCE_SCALE = 1.0


# --- one comparison seen from one member -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Link:
    """A reuse comparison seen from member ``me`` towards member ``other``."""

    cmp: Comparison
    me_is_a: bool
    _mine: frozenset[int] | None = field(default=None, repr=False, compare=False)

    @property
    def me(self) -> Article:
        return self.cmp.a if self.me_is_a else self.cmp.b

    @property
    def other(self) -> Article:
        return self.cmp.b if self.me_is_a else self.cmp.a

    def mine(self, al: Alignment) -> tuple[Span, tuple[int, ...]]:
        return (al.a, al.a_sentences) if self.me_is_a else (al.b, al.b_sentences)

    def theirs(self, al: Alignment) -> tuple[Span, tuple[int, ...]]:
        return (al.b, al.b_sentences) if self.me_is_a else (al.a, al.a_sentences)

    def my_sentences(self) -> frozenset[int]:
        """My sentences inside the reused passages (asked for again and again while a
        family's edges are scored: made once, and only for the links that are asked)."""
        mine = self._mine
        if mine is None:
            mine = frozenset(i for al in self.cmp.alignments for i in self.mine(al)[1])
            object.__setattr__(self, "_mine", mine)
        return mine

    def pairs(self) -> Iterable[tuple[int, int]]:
        """(my sentence, its sentence) for every linked sentence pair."""
        for al in self.cmp.alignments:
            links = al.links or tuple((i, j) for i in al.a_sentences for j in al.b_sentences)
            for i, j in links:
                yield (i, j) if self.me_is_a else (j, i)

    def flipped(self) -> _Link:
        return _Link(self.cmp, not self.me_is_a)

    def source(self) -> str | None:
        """The side the comparison named as the source (an id), or None."""
        if self.cmp.source is None:
            return None
        return self.cmp.a.id if self.cmp.source == "a" else self.cmp.b.id


def _links(comparisons: Iterable[Comparison], ids: set[str]) -> dict[tuple[str, str], _Link]:
    """Reuse comparisons between members, keyed (me, other) both ways."""
    out: dict[tuple[str, str], _Link] = {}
    for c in comparisons:
        if c.relation in REUSE and c.a.id in ids and c.b.id in ids and c.a.id != c.b.id:
            out[(c.a.id, c.b.id)] = _Link(c, True)
            out[(c.b.id, c.a.id)] = _Link(c, False)
    return out


# --- the root -----------------------------------------------------------------------------


def _lacks(r: str, ids: set[str], links: Mapping[tuple[str, str], _Link]) -> int:
    """Sentences that other members share with some member but not with ``r``: material
    ``r`` cannot have given them (a copy that dropped it; the original drops nothing)."""
    total = 0
    for z in ids - {r}:
        shared: set[int] = set()
        for w in ids - {r, z}:
            if (z, w) in links:
                shared |= links[(z, w)].my_sentences()
        total += len(shared - (links[(z, r)].my_sentences() if (z, r) in links else set()))
    return total


@dataclass(slots=True)
class _Standing:
    """A member's case for being the original: metadata losses and wins (a pair whose
    publication times or credit lines make the other the source, or this one), material
    the others share that it lacks (``_lacks``), and pairs in which it lies inside the
    other more than the other inside it (copies condense)."""

    losses: int = 0
    wins: int = 0
    lacks: int = 0
    inside: int = 0

    minority: int = 0

    def key(self) -> tuple[int, int, int, int, int]:
        return (self.losses, self.lacks, self.inside, self.minority, -self.wins)


def _metadata_vote(c: Comparison, credits: _Credits) -> int:
    """> 0: the metadata (times 3 votes, credit lines, a member naming the other as its
    source) make a the source; < 0: b."""
    vote = _time_vote(c.a.published, c.b.published)
    total = _TIME_VOTES * vote[0] if vote is not None else 0
    lines = _credit_votes(
        credits.reader.provenance(c.a, c.boilerplate_a),
        credits.reader.provenance(c.b, c.boilerplate_b),
    )
    total += sum(v for v, _ in lines)
    a_names_b = credits.find(c.a.id, (c.b.id,)).credited
    b_names_a = credits.find(c.b.id, (c.a.id,)).credited
    return total + _NAMED_SOURCE_VOTES * (bool(b_names_a) - bool(a_names_b))


@dataclass(slots=True)
class _Credits:
    """``find_credit`` for the members, each question asked once (the root choice and
    the edges ask the same pairs), and what each member names read once
    (``credit.CreditReader``: the scan of a copy's text is most of a question's cost)."""

    articles: Mapping[str, Article]
    removed: Mapping[str, tuple[Boilerplate, ...]]
    found: dict[tuple[str, tuple[str, ...]], Credit] = field(default_factory=dict)
    reader: CreditReader = field(default_factory=CreditReader)

    def find(self, y: str, sources: tuple[str, ...]) -> Credit:
        if (y, sources) not in self.found:
            self.found[(y, sources)] = self.reader.credit(
                self.articles[y],
                [self.articles[s] for s in sources],
                removed=self.removed.get(y, ()),
                removed_sources=[self.removed.get(s, ()) for s in sources],
            )
        return self.found[(y, sources)]


def _standings(
    members: Sequence[Article], links: Mapping[tuple[str, str], _Link], credits: _Credits
) -> dict[str, _Standing]:
    ids = {m.id for m in members}
    out = {m.id: _Standing(lacks=_lacks(m.id, ids, links)) for m in members}
    for (x, y), link in links.items():
        if not link.me_is_a:
            continue  # each comparison once
        c = link.cmp
        vote = _metadata_vote(c, credits)
        if vote:
            win, lose = (x, y) if vote > 0 else (y, x)
            out[win].wins += 1
            out[lose].losses += 1
        if c.coverage.a - c.coverage.b > _ASYMMETRY:
            out[x].inside += 1
        elif c.coverage.b - c.coverage.a > _ASYMMETRY:
            out[y].inside += 1
    return out


def _majority(
    st: dict[str, _Standing],
    members: Sequence[Article],
    links: Mapping[tuple[str, str], _Link],
    words: _Words,
) -> None:
    """Among the members that nothing else tells apart as the original (the fewest
    losses, lacks and insides), the majority reading: each copy rewrites the original
    its own way, so where two candidates word a passage differently, the other members
    side with the original's reading (``_reading_agreement``). ``minority`` counts the
    members that side with another candidate against it. Candidates with the same words
    have the same readings: one of each text is read, and speaks for the others."""
    best = min((s.losses, s.lacks, s.inside) for s in st.values())
    group = [m for m in members if (st[m.id].losses, st[m.id].lacks, st[m.id].inside) == best]
    if len(group) < 2:
        return  # one candidate: no reading to side with
    texts: dict[tuple[str, ...], list[Article]] = defaultdict(list)
    for m in sorted(group, key=lambda m: m.id):
        texts[tuple(words.forms(m))].append(m)
    heads = [same[0] for same in texts.values()][:_MAJORITY_TEXTS]
    for r, o in ((r, o) for i, r in enumerate(heads) for o in heads[i + 1 :]):
        for z in st:
            if z in (r.id, o.id) or (z, r.id) not in links or (z, o.id) not in links:
                continue
            with_r, with_o = _reading_agreement(words, links[(z, r.id)].me, r, o)
            if with_r > with_o:
                st[o.id].minority += 1
            elif with_o > with_r:
                st[r.id].minority += 1
    for head, *same in texts.values():
        for m in same:
            st[m.id].minority = st[head.id].minority


def _reading_agreement(words: _Words, z: Article, r: Article, o: Article) -> tuple[int, int]:
    """Where r and o word a passage differently, whose reading has z? Each variant
    reading is the differing words with one word of context each side (``_Words.variants``),
    looked for word for word in z: (readings of r that z has and o's not, the reverse).
    Read in place, not as bags of words: a word that occurs elsewhere in z says nothing
    about this passage."""
    with_r = with_o = 0
    for reading_r, reading_o in words.variants(r, o):
        has_r, has_o = words.has(z, reading_r), words.has(z, reading_o)
        with_r += has_r and not has_o
        with_o += has_o and not has_r
    return with_r, with_o


def _choose_root(
    members: Sequence[Article],
    links: Mapping[tuple[str, str], _Link],
    credits: _Credits,
    words: _Words,
) -> tuple[str, float, tuple[str, ...], tuple[str, ...]]:
    """The family's original: the member that the fewest others precede by their
    publication time or credit lines (or that name it as their source), then that
    lacks the least material the others share, then that lies inside the others least,
    then whose words the others side with where it differs from an equal candidate
    (``_majority``), then the earliest published, then a news agency's own copy
    (``_agency_copy``), the longest and the smallest id.
    Returns (root, confidence, reasons, members that no evidence tells from it).

    Not ``cluster.pick_original``: it counts every decided source, and the text votes
    that decide pairs without metadata are a coin toss between an original and its
    light edit; here text weighs only through the material each side holds."""
    st = _standings(members, links, credits)
    _majority(st, members, links, words)
    published = {m.id: m.published or "\uffff" for m in members}
    size = {m.id: len(m.text) for m in members}
    wire = {m.id: _agency_copy(m, credits) for m in members}
    root = min(st, key=lambda m: (st[m].key(), published[m], not wire[m], -size[m], m))
    mine = st[root].key()
    tied = tuple(
        m.id
        for m in members
        if m.id != root
        and st[m.id].key() == mine
        and _time_vote(m.published, next(a.published for a in members if a.id == root)) is None
        and wire[m.id] == wire[root]  # an agency's own copy against a paper's is told apart
    )
    others = len(members) - 1
    beaten = sum(st[m].key()[:4] > mine[:4] for m in st if m != root)
    reasons = [
        f"no member precedes it by time or credit ({st[root].wins} pairs say it came first)"
        if not st[root].losses
        else f"preceded in {st[root].losses} pairs, fewer than any other member",
        f"lacks {st[root].lacks} sentences that other members share",
    ]
    by_wire = [m.id for m in members if m.id != root and st[m.id].key() == mine and not wire[m.id]]
    if wire[root] and by_wire:
        reasons.append(
            f"a news agency's own copy (its byline or dateline), taken as the original "
            f"before {', '.join(by_wire)}, which nothing else tells from it"
        )
    if tied:
        reasons.append(f"nothing tells it from {', '.join(tied)} as the original")
    confidence = 0.0 if tied or not others else round(beaten / others, 3)
    return root, confidence, tuple(reasons), tied


def _agency_copy(member: Article, credits: _Credits) -> bool:
    """Whether the member carries a news agency's own byline or dateline and credits no
    one: where nothing else tells two members apart as the original, the agency's copy
    is the likelier one (agencies write for papers, rarely the reverse), as a pair's
    credit lines say for two linked members (``source._credit_votes``)."""
    p = credits.reader.provenance(member, credits.removed.get(member.id, ()))
    return not p.credits and any(is_agency(key) for key, _ in p.own)


# --- changes of a copy against the root ---------------------------------------------------

_Reading = tuple[str, Span | None, str]


@dataclass(slots=True)
class _Changes:
    """What a member changed against the root: the root sentences it keeps (with the
    member's sentences holding each), its new readings, and where it reused the root."""

    link: _Link  # from the root towards the member
    kept: Mapping[int, frozenset[int]]
    passages: tuple[Span, ...]  # root-side spans of the reused passages
    from_root: frozenset[int]  # the member's sentences that come from the root
    complete: Callable[[Comparison], Comparison]
    """``link``'s comparison with its drifts (``copy_tree``'s ``drifts``)."""
    _readings: frozenset[_Reading] | None = None

    @property
    def readings(self) -> frozenset[_Reading]:
        """The member's changed readings of the root, from the drifts of its comparison
        with the root: found on first need, since only weighing another copy as its
        parent reads them (a copy that every other member came after, or that shares no
        link with one, never does) and finding drifts costs a third of a comparison."""
        if self._readings is None:
            self._readings = _readings(self.link.me_is_a, self.complete(self.link.cmp))
        return self._readings

    def keeps(self, where: Span) -> bool:
        return any(p.start <= where.start and where.end <= p.end for p in self.passages)

    def changed_at(self, where: Span) -> bool:
        return any(r[1] is not None and _overlap(r[1], where) for r in self.readings)


def _overlap(x: Span, y: Span) -> bool:
    return x.start < y.end and y.start < x.end


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _as_compared(c: Comparison) -> Comparison:
    """A comparison that came with its drifts."""
    return c


def _changes(link: _Link, complete: Callable[[Comparison], Comparison] = _as_compared) -> _Changes:
    kept: dict[int, set[int]] = defaultdict(set)
    for i, j in link.pairs():
        kept[i].add(j)
    theirs = frozenset(j for js in kept.values() for j in js)
    return _Changes(
        link,
        {i: frozenset(js) for i, js in kept.items()},
        tuple(link.mine(al)[0] for al in link.cmp.alignments),
        theirs | frozenset(j for al in link.cmp.alignments for j in link.theirs(al)[1]),
        complete,
    )


def _readings(me_is_a: bool, cmp: Comparison) -> frozenset[_Reading]:
    """The readings a copy changed, from the drifts of its comparison with the root."""
    readings = set()
    for d in cmp.drifts:
        root_span, new = (d.a, d.b_text) if me_is_a else (d.b, d.a_text)
        kind = d.kind.split("_")[0]
        if d.kind == "quote_dropped":
            continue  # copies cut quotes alike: a quote left out is no reading of theirs
        if kind in ("merged", "split"):
            readings.add(("structure", root_span, ""))
        else:
            readings.add((kind, root_span, _norm(new)))
    return frozenset(readings)


# --- one candidate parent -----------------------------------------------------------------


@dataclass(slots=True)
class _Score:
    """The case for one candidate parent: score (0 for the root) and reasons."""

    id: str
    score: float
    reasons: list[str] = field(default_factory=list)
    credited: bool | None = None  # whether the member names the candidate as its source


def _keep_weights(fam: _Family, x: str, y: str) -> dict[int, float]:
    """How telling it is that y lacks a root sentence x dropped: the share of the other
    copies that keep it (omitting what everyone omits says nothing), or, with no other
    copy to ask, the share of the root that y keeps."""
    others = [c for m, c in fam.changes.items() if m not in (x, y)]
    if not others:
        rate = len(fam.changes[y].kept) / max(fam.root_sentences, 1)
        return defaultdict(lambda: rate)
    out: dict[int, float] = defaultdict(float)
    share = 1 / len(others)
    for c in others:
        for i in c.kept:
            out[i] += share
    return out


Sides = Callable[[Article], Side | None]
"""A member's prepared side, or None when none is at hand (nothing is prepared for it)."""


class _Words:
    """Each member's tokens, read once; per comparison side its reused passages
    (``_Reused``: ``_word_agreement`` reads them for every triple of members it is asked
    about); and per pair of candidates for the original their variant readings, with
    each member's words joined to look them up in (``_reading_agreement``)."""

    def __init__(self, sides: Sides | None = None) -> None:
        self._sides = sides
        self._tokens: dict[str, tuple[list[int], list[int], list[str]]] = {}
        self._bounds: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
        self._passages: dict[tuple[str, str], _Reused] = {}
        self._variants: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self._runs: dict[tuple[str, int], frozenset[tuple[str, ...]]] = {}
        self._joined: dict[str, str] = {}

    def _read(self, a: Article) -> tuple[list[int], list[int], list[str]]:
        """The member's whole text split into tokens (``text.token_columns``), made from
        its prepared side where one is at hand (``Side.text_columns``)."""
        if a.id not in self._tokens:
            side = self._sides(a) if self._sides is not None else None
            if side is not None and side.text == a.text:
                self._tokens[a.id] = side.text_columns()
            else:
                self._tokens[a.id] = token_columns(a.text)
        return self._tokens[a.id]

    def _inside(self, a: Article, span: Span) -> range:
        starts, ends, _ = self._read(a)
        return _within(starts, ends, span)

    def forms(self, a: Article) -> list[str]:
        return self._read(a)[2]

    def variants(self, r: Article, o: Article) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Where r and o differ by at most ``_READING_WORDS`` words on each side: (r's
        reading, o's reading), each with one word of the context they share either side.
        The word-level edit script is rapidfuzz's (bit-parallel: tens of times faster
        than ``difflib`` on long documents), adjacent edits one stretch (``drift.changed_runs``)."""
        key = (r.id, o.id)
        if key not in self._variants:
            fr, fo = self.forms(r), self.forms(o)
            out = []
            for i1, i2, j1, j2 in changed_runs(fr, fo):
                if max(i2 - i1, j2 - j1) > _READING_WORDS:
                    continue
                if min(i1, j1) < 1 or i2 >= len(fr) or j2 >= len(fo):
                    continue  # at an edge: no shared context on that side
                out.append((tuple(fr[i1 - 1 : i2 + 1]), tuple(fo[j1 - 1 : j2 + 1])))
            self._variants[key] = out
        return self._variants[key]

    def has(self, z: Article, reading: tuple[str, ...]) -> bool:
        """Whether z has the words of ``reading`` in a row: a substring search of the
        reading's words, each between separators, in z's words joined the same way
        (made once per member; a set of z's runs of each length, made per length,
        cost more than the look-ups it served: 1.34 -> 0.55 s in the 3-copy families
        of 3,000 web documents). A text holding the separator itself is looked up in
        its runs instead."""
        joined = self._joined.get(z.id)
        if joined is None:
            fz = self.forms(z)
            joined = _SEP + _SEP.join(fz) + _SEP if _SEP not in z.text else ""
            self._joined[z.id] = joined
        needle = _SEP.join(reading)
        if joined and needle.count(_SEP) == len(reading) - 1:
            return f"{_SEP}{needle}{_SEP}" in joined
        key = (z.id, len(reading))
        if key not in self._runs:
            fz = self.forms(z)
            n = len(reading)
            # n shifted views zipped: the runs as tuples, made in C.
            self._runs[key] = frozenset(zip(*(fz[k:] for k in range(n)), strict=False))
        return reading in self._runs[key]

    def _token_bounds(self, a: Article) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The member's token starts and ends as arrays (``passages`` places many spans
        at once)."""
        if a.id not in self._bounds:
            starts, ends, _ = self._read(a)
            self._bounds[a.id] = (np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
        return self._bounds[a.id]

    def passages(self, link: _Link) -> _Reused:
        """The reused passages seen from ``link.me`` (``_Reused``), made once per link."""
        key = (link.me.id, link.other.id)
        if key not in self._passages:
            self._passages[key] = self._reused(link)
        return self._passages[key]

    def _reused(self, link: _Link) -> _Reused:
        mine = [link.mine(al)[0] for al in link.cmp.alignments]
        theirs = [link.theirs(al)[0] for al in link.cmp.alignments]
        my_starts, my_ends = self._token_bounds(link.me)
        their_starts, their_ends = self._token_bounds(link.other)
        forms = self._read(link.other)[2]
        starts = np.array([m.start for m in mine], dtype=np.int64)
        ends = np.array([m.end for m in mine], dtype=np.int64)
        # ``_within`` of every span at once: first token starting at or after the start,
        # up to the last token ending at or before the end.
        lo = np.searchsorted(their_starts, [t.start for t in theirs], side="left").tolist()
        hi = np.searchsorted(their_ends, [t.end for t in theirs], side="right").tolist()
        words = [frozenset(forms[x:y]) for x, y in zip(lo, hi, strict=True)]
        first = np.searchsorted(my_starts, starts, side="left")
        last = np.maximum(np.searchsorted(my_ends, ends, side="right"), first)
        edges = np.zeros(len(my_starts) + 1, dtype=np.int64)
        np.add.at(edges, first, 1)
        np.add.at(edges, last, -1)
        inside = np.cumsum(edges[:-1]) > 0
        return _Reused(starts, ends, words, inside, *_merged(starts, ends))


@dataclass(frozen=True, slots=True)
class _Reused:
    """One link's reused passages seen from its member ``me``: each passage's span in my
    text (``starts``, ``ends``) with the other member's words in it (``words``), which
    of my tokens lie inside some passage (``inside``), and my passages' spans merged
    where they overlap or touch, in text order (``merged_starts``, ``merged_ends``)."""

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    words: list[frozenset[str]]
    inside: npt.NDArray[np.bool_]
    merged_starts: npt.NDArray[np.int64]
    merged_ends: npt.NDArray[np.int64]

    def words_overlapping(self, other: _Reused) -> set[str]:
        """The other member's words of my passages that overlap one of ``other``'s
        (a passage touching another's end does not overlap it)."""
        n = len(other.merged_ends)
        if not n or not len(self.starts):
            return set()
        # The first merged span ending after the passage starts; does it start before
        # the passage ends?
        k = np.searchsorted(other.merged_ends, self.starts, side="right")
        near = np.minimum(k, n - 1)
        hit = (k < n) & (other.merged_starts[near] < self.ends)
        return set().union(*(self.words[i] for i in np.flatnonzero(hit).tolist()))


def _merged(
    starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Spans sorted by start (then end) and merged where one starts at or before the
    end of those before it."""
    if not len(starts):
        return starts, ends
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    opens = np.flatnonzero(np.concatenate([[True], s[1:] > reach[:-1]]))
    closes = np.concatenate([opens[1:] - 1, [len(s) - 1]])
    return s[opens], reach[closes]


_SEP = "\x00"
"""Joins a member's words for ``_Words.has``: no word holds it (words are tokens of the
text, and a text that holds it is read another way)."""


def _within(starts: list[int], ends: list[int], span: Span) -> range:
    """Positions of the tokens (given by their starts and ends) lying inside ``span``."""
    return range(bisect_left(starts, span.start), bisect_right(ends, span.end))


def _word_agreement(words: _Words, to_x: _Link, to_root: _Link) -> tuple[int, int]:
    """Where x reworded the root, whose words does y have? Read on y's words in passages
    it shares with both: (x's words that the root lacks which y has: y carries x's
    rewording; the root's words that x lacks which y has: y keeps the root's reading
    where x changed it, as a sibling that rewrote the root on its own does, and a copy
    of x cannot)."""
    px, pr = words.passages(to_x), words.passages(to_root)
    forms = words.forms(to_x.me)
    mine = set(map(forms.__getitem__, np.flatnonzero(px.inside & pr.inside).tolist()))
    wx, wr = px.words_overlapping(pr), pr.words_overlapping(px)
    return len(mine & (wx - wr)), len(mine & (wr - wx))


def _holders_reading(fam: _Family, y: str, r: _Reading) -> int:
    """How many copies other than y carry the changed reading ``r``: a change that k
    copies share says y's parent is one of them, so each counts 1/k (parsimony: a
    reading common to many copies, like a house style or a second source, picks none)."""
    return max(1, sum(r in c.readings for m, c in fam.changes.items() if m != y))


def _holders_sentence(fam: _Family, y: str, j: int) -> int:
    """How many members other than the root share y's sentence ``j`` (material the root
    lacks): the same 1/k split as ``_holders_reading``; papers that drew on one other
    source (a second agency story, a court statement) all carry it."""
    counts = fam.holders.get(y)
    if counts is None:  # asked for each of y's sentences with each candidate: made once
        counts = fam.holders[y] = Counter(
            i
            for (me, z), link in fam.links.items()
            if me == y and z != fam.root
            for i in link.my_sentences()
        )
    return max(1, counts[j])


def _candidate(fam: _Family, y: str, x: str, credit: Credit) -> _Score:
    """How well "y was made from x" (x another copy) explains y, against "from the root"."""
    cy, cx, link = fam.changes[y], fam.changes[x], fam.links[(y, x)]
    keep = _keep_weights(fam, x, y)
    with_x = link.my_sentences()
    lost = [i for i, js in cy.kept.items() if i not in cx.kept and not js & with_x]
    restored = [
        r
        for r in cx.readings
        if r[1] is not None and cy.keeps(r[1]) and not cy.changed_at(r[1]) and r not in cy.readings
    ]
    shared = cx.readings & cy.readings
    added = with_x - cy.from_root
    agree, against = _word_agreement(fam.words, link, cy.link.flipped())
    wording = (agree - _CONFLICT_WEIGHT * against) / _WORDS_PER_CHANGE
    # Shared omissions count only as far as y's own omissions do not explain them: a
    # copy that keeps a tenth of the root lacks nearly all that any sibling dropped.
    kept_share = len(cy.kept) / max(fam.root_sentences, 1)
    omitted = min(
        _OMISSION_CAP,
        kept_share
        * sum(keep[i] for i in range(fam.root_sentences) if i not in cx.kept and i not in cy.kept),
    )
    s = _Score(x, 0.0, credited=credit.credited)
    shared_w = sum(1 / _holders_reading(fam, y, r) for r in shared)
    added_w = sum(1 / _holders_sentence(fam, y, j) for j in added)
    s.score = shared_w + added_w + wording + omitted
    s.score -= _CONFLICT_WEIGHT * (len(lost) + len(restored))
    if credit.credited:
        s.score += _CREDIT_WEIGHT
        s.reasons.append(f"credits {x}: {credit.text!r}")
    if shared:
        s.reasons.append(f"carries {len(shared)} of {x}'s changed readings of the original")
    if added:
        s.reasons.append(f"shares {len(added)} sentences with {x} that the original lacks")
    if omitted:
        s.reasons.append(f"lacks what {x} dropped of the original, which others kept")
    if wording > 0:
        s.reasons.append(
            f"where {x} reworded the original it has {x}'s words ({agree}) "
            f"more than the original's ({against})"
        )
    if wording < 0:
        s.reasons.append(
            f"where {x} reworded the original it keeps the original's words ({against}) "
            f"against {x}'s ({agree})"
        )
    if lost:
        s.reasons.append(f"keeps {len(lost)} sentences of the original that {x} lacks")
    if restored:
        s.reasons.append(f"keeps {len(restored)} readings of the original that {x} changed")
    return s


def _published_after(x: Article, y: Article) -> str | None:
    """The reason when x was published after y (so y cannot be copied from x)."""
    vote = _time_vote(x.published, y.published)
    if vote is None or vote[0] > 0:
        return None
    return f"{x.id} was published after it ({x.published} vs {y.published})"


# --- the tree -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Family:
    """What every edge decision reads."""

    root: str
    articles: dict[str, Article]
    links: dict[tuple[str, str], _Link]
    changes: dict[str, _Changes]
    root_sentences: int
    credits: _Credits
    words: _Words
    scores: dict[tuple[str, str], _Score] = field(default_factory=dict)
    holders: dict[str, Counter[int]] = field(default_factory=dict)
    """Per member, how many of its links to members other than the root hold each of its
    sentences (``_holders_sentence``)."""

    def credit(self, y: str, sources: Sequence[str]) -> Credit:
        return self.credits.find(y, tuple(sources))

    def score(self, y: str, x: str) -> _Score:
        if (y, x) not in self.scores:
            self.scores[(y, x)] = _candidate(self, y, x, self.credit(y, [x]))
        return self.scores[(y, x)]


def _ordered(fam: _Family, x: str, y: str) -> int:
    """+1 when the metadata (times, then one naming the other as its source) or the
    comparison says x came before y, -1 after, 0 unknown."""
    vote = _time_vote(fam.articles[x].published, fam.articles[y].published)
    if vote is not None:
        return vote[0]
    names = int(bool(fam.score(y, x).credited)) - int(bool(fam.score(x, y).credited))
    if names:
        return names
    src = fam.links[(x, y)].source()
    return 0 if src is None else (1 if src == x else -1)


def _edge(fam: _Family, y: str) -> CopyEdge:
    """The parent of one member read against the root (see the module docstring)."""
    if y not in fam.changes:
        return _edge_without_root(fam, y)
    cands = [_Score(fam.root, 0.0, ["made from the original: no other copy explains it better"])]
    notes: list[str] = []
    mutual: list[str] = []
    for x in sorted(fam.changes):
        if x == y or (y, x) not in fam.links:
            continue
        later = _published_after(fam.articles[x], fam.articles[y])
        if later is not None:
            notes.append(f"not from {x}: {later}")
            continue
        s = fam.score(y, x)
        if s.score < _MIN_SUPPORT:
            continue
        back = fam.score(x, y)
        if back.score >= s.score - _TIE:
            order = _ordered(fam, x, y)
            if order < 0:
                continue
            if order == 0:
                # Nothing orders them: x made from y explains x better than y from x
                # explains y (y keeps root readings x changed), so x is no candidate;
                # as good either way, neither can be told from the other.
                if back.score - s.score < _TIE:
                    mutual.append(x)
                continue
        cands.append(s)
    cands.sort(key=lambda s: -s.score)
    best = cands[0]
    # A copy with the same changes as y counts only where it would be y's parent: a
    # candidate that explains y clearly better decides whichever of the two came first.
    mutual = [x for x in mutual if fam.score(y, x).score > best.score - _TIE]
    if mutual:
        return CopyEdge(
            y,
            None,
            0.0,
            (f"carries the same changes as {', '.join(mutual)}: either was made from the other",),
            (*mutual, best.id),
        )
    tied = [s.id for s in cands[1:] if best.score - s.score < _TIE]
    if tied:
        return CopyEdge(
            y,
            None,
            0.0,
            (f"the evidence cannot tell {best.id} from {', '.join(tied)}", *best.reasons),
            (best.id, *tied),
        )
    margin = best.score - (cands[1].score if len(cands) > 1 else _best_rejected(fam, y))
    return CopyEdge(y, best.id, _confidence(margin), (*best.reasons, *notes))


def _best_rejected(fam: _Family, y: str) -> float:
    """The best score of a copy that lost to the root (the root's margin over it), or
    minus one when no other copy was a candidate."""
    scores = [s.score for (yy, _), s in fam.scores.items() if yy == y]
    return max(scores, default=-1.0)


def _edge_without_root(fam: _Family, y: str) -> CopyEdge:
    """A member without a reuse comparison with the root: made from the partner it
    shares material with, unless all it shares is what that partner took from the root
    (then both copied the root: siblings) or too little to tell (``_MIN_SUPPORT``).
    A member without any reuse comparison hangs from the root (confidence 0)."""
    partners = sorted(x for (yy, x) in fam.links if yy == y)
    if not partners:
        # A member of the family that no comparison links (the full comparison did not
        # confirm the scan's verdict): nothing argues for a copy parent, so the default
        # holds, as for a family too large to order (``lineage.star_tree``).
        return CopyEdge(
            y,
            fam.root,
            0.0,
            ("no reuse comparison with any member: a copy of the original for want of evidence",),
        )

    # No nested functions calling each other here: compiled (mypyc), they make a
    # reference cycle with the call's variables, which a frozen collector never frees.
    best = max(partners, key=lambda x: (_material(fam, x, y)[0], fam.links[(y, x)].cmp.score, x))
    own, retained = _material(fam, best, y)
    if best in fam.changes and own <= retained:
        return CopyEdge(
            y,
            fam.root,
            _confidence(0.0),
            (
                f"shares with {best} mostly what {best} took from the original (retentions, "
                "which siblings share as well)",
            ),
        )
    if best in fam.changes and own < _MIN_SUPPORT:
        # The same bar as for a member read against the root: a sentence or two of
        # shared material can be a second source that both used.
        return CopyEdge(
            y,
            fam.root,
            _confidence(0.0),
            (
                f"shares only {own} sentences with {best} that the original "
                "lacks: too little to hang it under that copy",
            ),
        )
    return CopyEdge(
        y,
        best,
        _confidence(float(own)),
        (f"not found reusing the original; shares {own} sentences with {best}",),
    )


def _material(fam: _Family, x: str, y: str) -> tuple[int, int]:
    """The sentences ``y`` shares with partner ``x``: how many ``x`` did not take from
    the root (its own material), and how many it did."""
    from_root = fam.changes[x].from_root if x in fam.changes else frozenset()
    shared = fam.links[(x, y)].my_sentences()
    return len(shared - from_root), len(shared & from_root)


def _confidence(margin: float) -> float:
    return round(max(margin, 0.0) / (max(margin, 0.0) + _CONFIDENCE_SCALE), 3)


def _break_cycles(edges: dict[str, CopyEdge], root: str) -> None:
    """A cycle (possible only from contradictory evidence) loses its weakest edge: that
    member hangs from the root."""
    for start in list(edges):
        seen: list[str] = []
        node: str | None = start
        while node is not None and node not in seen:
            seen.append(node)
            node = edges[node].parent if node in edges else None
        if node is not None:
            cycle = seen[seen.index(node) :]
            weak = min(cycle, key=lambda m: (edges[m].confidence, m))
            e = edges[weak]
            edges[weak] = CopyEdge(
                weak, root, 0.0, (*e.reasons, "the evidence ran in a circle: hung from the root")
            )


def _with_credits(fam: _Family, edges: dict[str, CopyEdge]) -> None:
    """Each copy's credit, against its parent (or undecided candidates) and their
    ancestors."""
    for y, e in edges.items():
        if y == fam.root:
            continue
        sources: list[str] = []
        for start in (e.parent,) if e.parent else e.undecided:
            node: str | None = start
            while node is not None and node not in sources and node != y:
                sources.append(node)
                node = edges[node].parent if node in edges else None
        if fam.root not in sources and fam.root != y:
            sources.append(fam.root)
        edges[y] = _replace_credit(e, fam.credit(y, sources))


def _replace_credit(e: CopyEdge, credit: Credit) -> CopyEdge:
    return CopyEdge(e.child, e.parent, e.confidence, e.reasons, e.undecided, credit)


def _removed(comparisons: Iterable[Comparison]) -> dict[str, tuple[Boilerplate, ...]]:
    out: dict[str, tuple[Boilerplate, ...]] = {}
    for c in comparisons:
        out.setdefault(c.a.id, c.boilerplate_a)
        out.setdefault(c.b.id, c.boilerplate_b)
    return out


def copy_tree(
    members: Sequence[Article],
    comparisons: Iterable[Comparison],
    options: Options = DEFAULT_OPTIONS,
    *,
    drifts: Callable[[Comparison], Comparison] | None = None,
    sides: Sides | None = None,
) -> CopyTree:
    """The copy tree of a family: its members (articles) and the ``compare`` results
    between them (any subset of the pairs; pairs judged reuse are read, others ignored).
    ``options`` is accepted for the stages' common signature (the evidence weights are
    this module's constants, each with its reason). ``drifts``: when given, the
    comparisons came without their drifts and this adds them to one; only the root's
    comparisons are read for drifts (what each copy changed of the original), so only
    those are asked for (finding drifts costs a third of a comparison). ``sides``: a
    member's prepared side where one is at hand (its tokens are most of the text's)."""
    del options
    if not members:
        return CopyTree(None, ())
    comparisons = list(comparisons)
    articles = {m.id: m for m in members}
    ids = set(articles)
    links = _links(comparisons, ids)
    words, credits = _Words(sides), _Credits(articles, _removed(comparisons))
    root, root_confidence, root_reasons, tied = _choose_root(members, links, credits, words)
    complete = drifts or _as_compared
    changes = {
        y: _changes(link, complete) for y in ids if (link := links.get((root, y))) is not None
    }
    seen = [i for c in changes.values() for i in c.kept]
    fam = _Family(root, articles, links, changes, max(seen, default=-1) + 1, credits, words)
    edges = {root: CopyEdge(root, None, root_confidence, root_reasons)}
    for y in sorted(ids - {root}):
        edges[y] = _edge(fam, y)
    for m in tied:
        e = edges[m]
        if e.parent == root:
            why = f"either this or {root} is the original: nothing tells which"
            edges[m] = CopyEdge(m, None, 0.0, (why, *e.reasons), (root,))
    _break_cycles(edges, root)
    _with_credits(fam, edges)
    return CopyTree(root, tuple(edges[m.id] for m in members), root_confidence, root_reasons)
