"""Lineage stage: each reuse family's copy tree, at a bounded cost, the same on every engine.

A scan verifies pairs without drifts (a verdict is all it needs), but the copy tree
(``stemma.copy_tree``) reads what each copy changed. So the members of a family are
compared with the full pipeline, on a bounded set of pairs (``tree_pairs``; a local
scan hands over the comparisons its verification made, and only the drifts the tree
reads and the pairs verification never saw are compared here): the
family's verified reuse pairs, plus at most ``Options.tree_extra_pairs`` per member with
members it shares a reuse partner with. A family of more than
``Options.tree_max_members`` is a star under its original instead ("too large to
order"). The local scan, the archive scan, the Spark job and ``check`` call
``family_tree`` with a family's articles and verified pairs, and get the same tree.

    tree = family_tree(articles, pairs, options)   # CopyTree
    family = with_tree(family, articles, pairs, options)   # original = the tree's root
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from .boilerplate import find_boilerplate
from .cluster import pick_original
from .compare import Prepared, compare_prepared, prepare, with_drifts
from .credit import find_credit
from .model import (
    Article,
    Boilerplate,
    Comparison,
    CopyEdge,
    CopyTree,
    Family,
    Match,
    PairResult,
)
from .options import DEFAULT_OPTIONS, Options
from .side import Side
from .stemma import copy_tree

__all__ = [
    "Compared",
    "Judged",
    "Prepare",
    "check_tree",
    "family_pairs",
    "family_tree",
    "pair_of",
    "pair_tree",
    "star_tree",
    "too_large",
    "tree_pairs",
    "with_tree",
    "with_trees",
]

TOO_LARGE = "too large to order"
"""The reason on every edge of a family's star when it has more members than
``Options.tree_max_members``."""


def tree_pairs(
    members: Iterable[str], pairs: Iterable[PairResult], extra: int
) -> list[tuple[str, str]]:
    """The member pairs (ids ordered) a family's tree is built from: its verified reuse
    pairs, and for each member at most ``extra`` more with members that share a reuse
    partner with it (most shared partners first, then by id): a copy of a copy whose
    pair with its grandparent or parent the candidate stage missed still gets both."""
    ids = set(members)
    near: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        if p.a in ids and p.b in ids:
            near[p.a].add(p.b)
            near[p.b].add(p.a)
    chosen = {(min(x, y), max(x, y)) for x in near for y in near[x]}
    for m in sorted(ids):
        shared = {
            z: len(near[m] & near[z])
            for y in near[m]
            for z in near[y]
            if z != m and z not in near[m]
        }
        for z in sorted(shared, key=lambda z: (-shared[z], z))[:extra]:
            chosen.add((min(m, z), max(m, z)))
    return sorted(chosen)


def star_tree(members: Sequence[str], original: str, reason: str) -> CopyTree:
    """Every member a copy of ``original``, each edge saying ``reason`` (no credit read:
    nothing was compared)."""
    edges = tuple(CopyEdge(m, None if m == original else original, 0.0, (reason,)) for m in members)
    return CopyTree(original, edges, 0.0, (reason,))


Judged = Callable[[Article, Article], Comparison | None]
"""The comparison (without drifts) that verification made of two articles, in that
order, or None (``corpus.ComparisonSpool.get``)."""

Compared = Callable[[str, str], bool]
"""Whether verification compared two articles (by id, in order): a scan's candidate
pair. Such a pair that is not among a family's verified reuse pairs is no reuse."""

Prepare = Callable[[Article], Prepared]
"""An article prepared for comparison (``compare.prepare`` with the tree's options)."""
Held = Callable[[Article], Prepared | None]
"""An article as it is held prepared already, or None (nothing is prepared)."""


def family_tree(
    articles: Sequence[Article],
    pairs: Iterable[PairResult],
    options: Options = DEFAULT_OPTIONS,
    *,
    known: Iterable[Comparison] = (),
    judged: Judged | None = None,
    prepared: Prepare | None = None,
    held: Held | None = None,
    compared: Compared | None = None,
) -> CopyTree:
    """The copy tree of a family: its articles and its verified reuse pairs (others are
    ignored). ``known``: full comparisons already made (``check`` has those of the
    checked article), used instead of comparing those pairs again; ``judged``: the
    comparisons a scan's verification made without drifts, which are what this would
    compare (the drifts are read when a pair needs them); ``prepared``: a member
    prepared (default ``compare.prepare``), which a scan may still hold from
    verification; ``held``: a member as verification still holds it prepared, or None
    (nothing is prepared: the tree splits the member's text into tokens once more);
    ``compared``: which member pairs verification compared, so that one of them not
    among ``pairs`` is known to be no reuse and is not compared again (a tree reads
    reuse pairs only: at 10,000 generated articles 325 of the 518 pairs the trees
    compared afresh were such pairs)."""
    pairs = list(pairs)
    ids = [a.id for a in articles]
    why = too_large(len(articles), options)
    if why is not None:
        return star_tree(ids, pick_original(ids, pairs, {a.id: a.published for a in articles}), why)
    have = {(min(c.a.id, c.b.id), max(c.a.id, c.b.id)): c for c in known}
    if len(articles) == 2 and not have:
        pair = next((p for p in pairs if {p.a, p.b} == set(ids)), None)
        if pair is not None:
            # (a preparation that kept boilerplate has none to tell)
            return pair_tree(articles, pair, held if options.strip_boilerplate else None)
    reuse = {(min(p.a, p.b), max(p.a, p.b)) for p in pairs}
    wanted = [
        p
        for p in tree_pairs(ids, pairs, options.tree_extra_pairs)
        if p not in have and (p in reuse or compared is None or not compared(*p))
    ]
    members = _Members(articles, options, have, judged, prepared, held)
    comparisons = [members.compared(x, y) for x, y in wanted]
    return copy_tree(
        articles,
        [*have.values(), *comparisons],
        options,
        drifts=members.drifts,
        sides=members.side_of,
    )


class _Members:
    """A family's members as ``family_tree`` reads them: each prepared on first need
    (none when every pair was judged already and no drift is read). A class, not
    closures over the call's variables: compiled (mypyc), closures that call each other
    make a reference cycle, which a scan's frozen collector would never free, with every
    member prepared inside it."""

    def __init__(
        self,
        articles: Sequence[Article],
        options: Options,
        have: dict[tuple[str, str], Comparison],
        judged: Judged | None,
        prepared: Prepare | None,
        held: Held | None,
    ) -> None:
        self.by_id = {a.id: a for a in articles}
        self.options, self.have, self.judged, self.held = options, have, judged, held
        self.make = prepared
        self.made: dict[str, Prepared] = {}

    def prepared_of(self, i: str) -> Prepared:
        """Member ``i`` prepared, on first need (``prepared``, else ``compare.prepare``)."""
        done = self.made.get(i)
        if done is None:
            article = self.by_id[i]
            done = self.made[i] = (
                self.make(article) if self.make is not None else prepare(article, self.options)
            )
        return done

    def compared(self, x: str, y: str) -> Comparison:
        c = self.judged(self.by_id[x], self.by_id[y]) if self.judged is not None else None
        if c is None:
            c = compare_prepared(
                self.prepared_of(x), self.prepared_of(y), self.options, drifts=False
            )
        return c

    def drifts(self, c: Comparison) -> Comparison:
        """The drifts of a pair compared here (those of ``known`` came with theirs)."""
        if (min(c.a.id, c.b.id), max(c.a.id, c.b.id)) in self.have:
            return c
        return with_drifts(c, self.prepared_of(c.a.id), self.prepared_of(c.b.id))

    def side_of(self, article: Article) -> Side | None:
        """The member's side where it is prepared already (here or by verification)."""
        done = self.made.get(article.id) or (self.held(article) if self.held is not None else None)
        return None if done is None else done.side


PAIR_CONFIDENCE = 0.5
"""Confidence of the one edge of a family of two whose verified pair named a source: the
verdict decided the direction; nothing else in the family could confirm or contest it."""


def pair_tree(articles: Sequence[Article], pair: PairResult, held: Held | None = None) -> CopyTree:
    """The tree of a family of two from its verified pair, with no second comparison
    (a scan's families are mostly pairs, and comparing them again with drifts cost more
    than their verification): the pair's source is the root; without one, the original
    that ``pick_original`` names (earliest published, then smallest id) is the root and
    the other member's parent is left undecided. ``held``: a member as verification
    still holds it prepared (its boilerplate is not looked for again)."""
    ids = [a.id for a in articles]
    by_id = {a.id: a for a in articles}
    decided = pair.source is not None
    root = pair.source or pick_original(ids, [pair], {a.id: a.published for a in articles})
    (copy,) = [i for i in ids if i != root]
    if decided:
        why = (f"the verdict on the pair names {root} as the source",)
        edge = CopyEdge(copy, root, PAIR_CONFIDENCE, why)
    else:
        why = (f"either this or {root} is the original: the verdict named no source",)
        edge = CopyEdge(copy, None, 0.0, why, (root,))
    sources = [by_id[root]]
    credit = find_credit(
        by_id[copy],
        sources,
        removed=_removed(by_id[copy], held),
        removed_sources=[_removed(sources[0], held)],
    )
    edge = replace(edge, credit=credit)
    root_edge = CopyEdge(root, None, PAIR_CONFIDENCE if decided else 0.0, why)
    edges = {root: root_edge, copy: edge}
    return CopyTree(root, tuple(edges[i] for i in ids), root_edge.confidence, why)


def _removed(article: Article, held: Held | None = None) -> tuple[Boilerplate, ...]:
    """The lines boilerplate removal takes out of an article (mastheads name publishers),
    read from its preparation where one is held."""
    done = held(article) if held is not None else None
    if done is not None and done.article.text == article.text:
        return done.layout.removed
    return find_boilerplate(article.text, title=article.title).removed


def too_large(size: int, options: Options) -> str | None:
    """The reason a family of ``size`` members gets a star, or None."""
    if size <= options.tree_max_members:
        return None
    return f"{TOO_LARGE}: {size} members, more than {options.tree_max_members}"


def pair_of(c: Comparison) -> PairResult:
    """A comparison as a scan's pair (ids as given, ``source`` an id or None)."""
    return PairResult.of(c)


def check_tree(
    article: Article, matches: Sequence[Match], options: Options = DEFAULT_OPTIONS
) -> CopyTree | None:
    """Where a checked article would sit: the tree of the family it makes with the
    archived articles it matched (``matches``: ``Archive.check``'s, their comparisons of
    the checked article against each reused), the matches compared among themselves as
    a scan's family would be (``tree_pairs``). ``check --format json``, ``POST
    /api/check`` and ``watch`` alerts all place an article by this. None without
    matches, or when an archived match has the checked article's id (two articles, one
    id: no tree can tell them apart)."""
    comparisons = [m.comparison for m in matches]
    others = [c.b if c.a.id == article.id else c.a for c in comparisons]
    ids = {article.id, *(o.id for o in others)}
    if not others or len(ids) != len(others) + 1:
        return None
    members = sorted([article, *others], key=lambda a: a.id)
    return family_tree(members, [pair_of(c) for c in comparisons], options, known=comparisons)


def with_tree(
    family: Family,
    load: Callable[[str], Article],
    pairs: Iterable[PairResult],
    options: Options = DEFAULT_OPTIONS,
    judged: Judged | None = None,
    prepared: Prepare | None = None,
    held: Held | None = None,
    compared: Compared | None = None,
) -> Family:
    """The family with its copy tree; its original becomes the tree's root (the tree
    reads more evidence than the pair votes of ``pick_original``). ``load``: an article
    by id (called only for families small enough to order); ``pairs``: the verified
    pairs (those among the members are read); ``judged``, ``prepared``, ``held``,
    ``compared``: as for ``family_tree``. Unchanged when trees are off (``tree_max_members`` 0)."""
    if not options.tree_max_members:
        return family
    why = too_large(len(family.members), options)
    if why is not None:
        return Family(
            family.members, family.original, star_tree(family.members, family.original, why)
        )
    members = set(family.members)
    inner = [p for p in pairs if p.a in members and p.b in members]
    articles = [load(m) for m in family.members]
    tree = family_tree(
        articles, inner, options, judged=judged, prepared=prepared, held=held, compared=compared
    )
    return Family(family.members, tree.root or family.original, tree)


def with_trees(
    families: Iterable[Family],
    pairs: Iterable[PairResult],
    load: Callable[[str], Article],
    options: Options = DEFAULT_OPTIONS,
    judged: Judged | None = None,
    compared: Compared | None = None,
) -> list[Family]:
    """``with_tree`` for every family, each reading only its own pairs."""
    families = list(families)
    inner = family_pairs(families, pairs)
    return [
        with_tree(f, load, inner[k], options, judged, compared=compared)
        for k, f in enumerate(families)
    ]


def family_pairs(families: Sequence[Family], pairs: Iterable[PairResult]) -> list[list[PairResult]]:
    """The pairs of each family (by its position): a pair belongs to the family of its
    first article (both are in one family, or in none)."""
    family_of = {m: k for k, f in enumerate(families) for m in f.members}
    inner: list[list[PairResult]] = [[] for _ in families]
    for p in pairs:
        if p.a in family_of:
            inner[family_of[p.a]].append(p)
    return inner
