"""Families finished during verification: a family's copy tree is built as soon as no
candidate pair left to verify can add a member to it, while verification still holds
its members prepared.

A copy tree reads its family's members prepared (``compare.prepare``: the costliest step
per article) for the drifts of the pairs it reads and the pairs it compares afresh. Built
after the whole verification, the trees prepared most of those members a second time: at
10,000 generated articles 3,190 of a scan's 9,258 preparations. Verification visits the
pairs in ``visit_order``, so an article's pairs come close together, and a reuse pair
can only join two articles that are candidates: once every candidate pair of every
member of a family has been verified, the family is final. The tracker counts each
article's pairs still to verify, joins the reuse pairs into families as they are found
(union-find over rows) and, when the last member of a family has none left, builds its
tree (``lineage.with_tree``, the same call the trees after verification make, on the
same pairs in the same order: the same tree) with the prepared articles the cache holds,
then lets them go. An article in no family is let go after its last pair, as before.

Families not finished this way (a forked worker sees only its chunk of the pairs: a
family with a member verified in another chunk) get their trees after verification.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..cluster import build_families
from ..compare import Prepared
from ..lineage import Compared, Judged, with_tree
from ..model import Article, Family, PairResult
from ..options import Options
from .prepared import PreparedCache

__all__ = ["FamilyTracker", "candidate_test"]


class FamilyTracker:
    """Builds each family's copy tree during verification, when the family is final.

    ``pairs``: the scan's candidate pairs (rows); ``ids``: each row's article id;
    ``load``: an article by row (for members the cache does not hold); ``judged``:
    verification's comparisons of the reuse pairs (a ``ComparisonSpool``). ``compared``
    tells whether two articles are a candidate pair (``lineage.Compared``: the trees
    after verification read it too); ``visited`` is told each pair verified, in order;
    ``families`` holds the finished families with their trees, by members; ``seconds``
    the time spent building them.
    """

    def __init__(
        self,
        pairs: np.ndarray,
        ids: Sequence[str],
        published: Mapping[str, str | None],
        load: Callable[[int], Article],
        options: Options,
        judged: Judged,
    ) -> None:
        self._degree = np.bincount(pairs.ravel(), minlength=len(ids))
        self._ids = ids
        self._row = {i: k for k, i in enumerate(ids)}
        self.compared = candidate_test(pairs, self._row)
        self._published = published
        self._load = load
        self._options = options
        self._start(judged)

    def _start(self, judged: Judged) -> None:
        """Nothing visited yet, reading ``judged``."""
        self._judged = judged
        self._left = self._degree.astype(np.int64).tolist()
        self._parent: dict[int, int] = {}  # union-find over the rows of found families
        self._open: dict[int, int] = {}  # root -> members with pairs still to verify
        self._members: dict[int, list[int]] = {}  # root -> rows
        self._pairs: dict[int, list[PairResult]] = {}  # root -> reuse pairs found
        self.families: dict[tuple[str, ...], Family] = {}
        self.seconds = 0.0

    def fresh(self, judged: Judged) -> FamilyTracker:
        """A tracker over the same pairs with nothing visited yet, reading ``judged``
        (a forked worker's: its own comparisons); what only the pairs make (candidate
        counts, rows by id, ``compared``) is shared, not made again."""
        other = copy.copy(self)
        other._start(judged)
        return other

    def visited(self, i: int, j: int, found: PairResult | None, cache: PreparedCache[int]) -> None:
        """Pair (``i``, ``j``) of rows verified (``found``: its reuse pair, or None)."""
        if found is not None:
            self._join(i, j, found)
        for row in (i, j):
            self._left[row] -= 1
            if self._left[row]:
                continue
            if row not in self._parent:  # in no family: no tree needs it
                cache.discard(row)
                continue
            root = self._find(row)
            self._open[root] -= 1
            if not self._open[root]:
                self._finish(root, cache)

    def _find(self, row: int) -> int:
        parent = self._parent
        root = row
        while parent[root] != root:
            root = parent[root]
        while parent[row] != root:
            parent[row], row = root, parent[row]
        return root

    def _add(self, row: int) -> int:
        if row not in self._parent:
            self._parent[row] = row
            self._open[row] = 1  # a member's last pair is never one already visited
            self._members[row] = [row]
            self._pairs[row] = []
        return self._find(row)

    def _join(self, i: int, j: int, found: PairResult) -> None:
        ri, rj = self._add(i), self._add(j)
        if ri != rj:
            if len(self._members[ri]) < len(self._members[rj]):
                ri, rj = rj, ri
            self._parent[rj] = ri
            self._open[ri] += self._open.pop(rj)
            self._members[ri] += self._members.pop(rj)
            self._pairs[ri] += self._pairs.pop(rj)
        self._pairs[ri].append(found)

    def _finish(self, root: int, cache: PreparedCache[int]) -> None:
        """The final family of ``root``: its tree, built as the trees after verification
        build it (members sorted, their pairs in (a, b) order), then its members let go."""
        t0 = time.perf_counter()
        rows = self._members.pop(root)
        pairs = sorted(self._pairs.pop(root), key=lambda p: (p.a, p.b))
        del self._open[root]
        (family,) = build_families(pairs, self._published)  # the pairs join all its rows

        def article(article_id: str) -> Article:
            row = self._row[article_id]
            held = cache.held(row)
            return held.article if held is not None else self._load(row)

        def prepared(art: Article) -> Prepared:
            return cache.get(self._row[art.id], art)

        def held(art: Article) -> Prepared | None:
            return cache.held(self._row[art.id])

        self.families[family.members] = with_tree(
            family, article, pairs, self._options, self._judged, prepared, held, self.compared
        )
        for row in rows:
            cache.discard(row)
        self.seconds += time.perf_counter() - t0


def candidate_test(pairs: np.ndarray, row: Mapping[str, int]) -> Compared:
    """Whether two articles (by id) are one of the candidate ``pairs`` (rows; ``row``:
    each article's), which verification compares: what a copy tree needs to know to
    leave the pairs verification found no reuse uncompared (``lineage.family_tree``).
    The pairs are kept as one integer each (about 60 bytes a pair)."""
    n = len(row)
    lo, hi = np.sort(pairs.astype(np.int64).reshape(-1, 2), axis=1).T
    codes = set((lo * n + hi).tolist())

    def compared(x: str, y: str) -> bool:
        i, j = row[x], row[y]
        return (min(i, j) * n + max(i, j)) in codes

    return compared
