"""The prepared-article store: articles prepared for verification (``compare.prepare``,
which costs several comparisons) are held within a memory budget and reused by every
pair they are in, whether a scan visits a planned sequence of index pairs or a Spark task
meets articles by id. ``verify_pair`` is the verification of one candidate pair."""

from __future__ import annotations

import gc
import heapq
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager as ContextManager
from typing import Generic, TypeVar

import numpy as np

from ..boilerplate import Layout
from ..compare import Prepared, compare_if_reuse, pack, prepare, unpack
from ..errors import ScratchError
from ..model import Article, Comparison, PairResult
from ..options import DEFAULT_OPTIONS, Options
from .spool import Spool

__all__ = ["PreparedCache", "judge_pair", "one_blas_thread", "verify_pair", "visit_order"]

K = TypeVar("K", bound=Hashable)


def one_blas_thread() -> ContextManager[object]:
    """Numerical libraries (BLAS) on one thread for the block: a scan's parallelism is
    its ``--jobs`` processes. OpenBLAS threads besides, in every process, spun on the
    aligner's matrix products of long documents (a scan of the 9,372 web documents with
    ``--jobs 1``: 419 s of CPU for 261 s of wall time with them, 261 s for 263 s
    without); the aligner now sums shared weights without BLAS (``align._shared_weight``),
    but the pre-verdict and the paraphrase scorer still multiply matrices, and with
    ``--jobs 2`` threads would oversubscribe the cores. Forked workers inherit the
    setting."""
    from threadpoolctl import threadpool_limits

    limits: ContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def verify_pair(
    pa: Prepared, pb: Prepared, options: Options = DEFAULT_OPTIONS
) -> PairResult | None:
    """Run the compare pipeline on a candidate pair; a PairResult when it is reuse.

    The pair is always compared in id order, so the answer does not depend on which
    engine or partition produced the candidate; and without corpus statistics, so it is
    the verdict ``newstrace compare`` gives the two, whatever else the corpus holds.
    """
    c = judge_pair(pa, pb, options)
    return None if c is None else PairResult.of(c)


def judge_pair(pa: Prepared, pb: Prepared, options: Options = DEFAULT_OPTIONS) -> Comparison | None:
    """``verify_pair``'s comparison (ids in order, no drifts: a scan reads none), or
    None when the pair is no reuse: what a copy tree compares the pair for
    (``lineage.family_tree``), so a local scan keeps it for the trees. Its reasons
    leave out the text evidence that only supports a source the metadata decided
    (``compare_if_reuse``'s ``explain``): no scan output shows a pair's reasons."""
    if pb.article.id < pa.article.id:
        pa, pb = pb, pa
    return compare_if_reuse(pa, pb, options, explain=False)


_PREPARED_MEMORY = 352 * 2**20
"""Memory the prepared articles held by one ``PreparedCache`` may take (estimated by
``_prepared_bytes``). 352 MB since prepared articles keep their tokens as columns:
about what 256 MB at the old estimate of 48 bytes per character really took (66.5 per
character were measured then), now holding about 1.5 times as many articles. A scan of
10,000 generated articles visited in ``visit_order`` never needs more than about 1,600
of them at once (about 220 MB), so it prepares each article about once; a larger live
set evicts the article needed furthest ahead. At 30,000 articles (49,110 candidates;
verification alone, one process) budgets of 512, 352, 256 and 192 MB gave peak RSS 904,
700, 570 and 486 MiB for 22,364, 23,840, 25,167 and 26,446 preparations and 104, 98, 105
and 112 s of CPU (two runs at a time on two cores): 256 MB halves the memory for about
1% more CPU."""

_BYTES_PER_CHAR = 44
_BYTES_PER_ARTICLE = 4096
_HEAP_SLACK = 1024
"""Stale heap entries tolerated (beyond twice the live ones) before the heap is rebuilt."""


def _prepared_bytes(article: Article) -> int:
    """Estimated memory of an article once prepared and compared (its containment
    n-grams and term arrays kept). Measured with ``tracemalloc`` over 120 ~600-word
    generated articles and 200 PAN web documents: 15.4 and 19.5 bytes per character of
    text when prepared, 40.0 and 43.9 after their comparisons."""
    return _BYTES_PER_ARTICLE + _BYTES_PER_CHAR * len(article.text)


def visit_order(pairs: np.ndarray) -> np.ndarray:
    """An order of the candidate pairs (a permutation of their rows) in which few
    prepared articles must be held at once: the articles are numbered breadth first
    through the candidate graph, each component from its article of fewest candidates,
    neighbours by ascending degree (Cuthill-McKee, which keeps the numbers of linked
    articles close), and the pairs are visited by their higher then lower number.

    Each article is then needed over a short stretch of the visit: on 10,000 generated
    articles (28,196 candidates) at most 1,571 at once, against 3,977 in index order.
    The order changes no answer (``verify_pair`` compares in id order and the reuse
    pairs are sorted afterwards); it only decides how long each prepared article is
    held."""
    if len(pairs) == 0:
        return np.arange(0)
    nodes, inverse = np.unique(pairs, return_inverse=True)
    ends = inverse.reshape(-1, 2)
    n = len(nodes)
    src = np.concatenate([ends[:, 0], ends[:, 1]])
    dst = np.concatenate([ends[:, 1], ends[:, 0]])
    degree = np.bincount(src, minlength=n)
    by_source = np.lexsort((dst, degree[dst], src))
    neighbours = dst[by_source].tolist()
    start = np.concatenate([[0], np.cumsum(degree)]).tolist()
    rank = [-1] * n
    numbered = 0
    for seed in np.lexsort((np.arange(n), degree)).tolist():
        if rank[seed] >= 0:
            continue
        rank[seed] = numbered
        numbered += 1
        queue = deque([seed])
        while queue:
            v = queue.popleft()
            for w in neighbours[start[v] : start[v + 1]]:
                if rank[w] < 0:
                    rank[w] = numbered
                    numbered += 1
                    queue.append(w)
    ranked = np.asarray(rank, dtype=np.int64)[ends]
    return np.lexsort((ranked.min(axis=1), ranked.max(axis=1)))


def _next_uses(seq: np.ndarray) -> np.ndarray:
    """For each position of an access sequence, the next position of the same article
    (-1: none)."""
    order = np.argsort(seq, kind="stable")
    ordered = seq[order]
    nxt = np.full(len(seq), -1, dtype=np.int64)
    same = ordered[1:] == ordered[:-1]
    nxt[order[:-1][same]] = order[1:][same]
    return nxt


class PreparedCache(Generic[K]):
    """Prepared articles, held within a memory budget (and at most ``size`` of them).

    ``planned`` visits a known sequence of candidate pairs of article indices: every
    article is held from its first to its last use in the sequence and dropped then, so
    that (within the budget) each article is prepared once; over the budget the article
    whose next use is furthest ahead goes first (Belady's rule: the fewest re-prepares
    for the order visited). ``get`` serves a single article outside a plan; articles
    without a planned use are evicted least recently used first. ``prepares`` counts the
    articles prepared.

    An article evicted while a planned pair still needs it is kept packed
    (``compare.pack``, about 6 KB) in an anonymous temporary file and made again from
    that when its turn comes (``compare.unpack``: 0.85 ms against 2.19 ms to prepare
    it); at 100,000 generated articles half the articles of a scan were needed again
    after their eviction. ``unpacked`` counts them. An article a plan that is not the
    last (``final=False``) held past its last use there is wanted later (a scan's copy
    tree reads its family's members when the family is final), so it is packed too when
    the budget evicts it: at 30,000 generated articles 2,810 of the trees' 9,633
    members were evicted before their family was final. A temporary folder without
    room only ends the packing: the rest are prepared again.
    """

    def __init__(
        self,
        load: Callable[[K], Article] | None,
        options: Options,
        size: int | None = None,
        memory: int = _PREPARED_MEMORY,
        stored: Callable[[K], bytes | None] | None = None,
        layouts: Callable[[K], Layout | None] | None = None,
    ):
        self._load = load
        self._stored = stored
        """Where a caller keeps articles' preparations (``compare.pack`` or
        ``compare.preparation``: an archive does), unpacked instead of preparing."""
        self._layouts = layouts
        """Where a caller keeps articles' layouts (a scan's fingerprinting found them):
        an article is prepared without finding its boilerplate again."""
        self._options = options
        self._size = size
        self._memory = memory
        self._items: dict[K, Prepared] = {}
        self._bytes: dict[K, int] = {}
        self._total = 0
        self._idle: OrderedDict[K, None] = OrderedDict()  # no planned use, LRU first
        self._due: dict[K, int] = {}  # next planned use (a position in the plan)
        self._heap: list[tuple[int, K]] = []  # (-due, key); stale entries skipped
        self._spool: Spool | None = None  # made on first use, in the process using it
        self._packed: dict[K, int] = {}  # row in the spool of each packed article
        # Held and idle past a plan that was not the last: wanted later, so packed when
        # evicted. Always a subset of the held articles without a planned use (``_drop``
        # and a planned use take a key out), so ``discard`` needs no step of its own.
        self._later: set[K] = set()
        self._packing = True  # False once the temporary folder has no room
        self.prepares = 0
        self.unpacked = 0

    def fresh(self) -> PreparedCache[K]:
        """An empty cache with the same loader and budget (for a worker process)."""
        return PreparedCache(
            self._load, self._options, self._size, self._memory, self._stored, self._layouts
        )

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K, article: Article | None = None) -> Prepared:
        """The prepared article ``key`` (outside a plan); ``article`` is that article
        when the caller holds it (a Spark task's rows carry theirs), else it is loaded."""
        item = self._items.get(key)
        if item is None:
            item = self._prepare(key, article)
        if key not in self._due:
            self._idle[key] = None
            self._idle.move_to_end(key)
        self._shrink()
        return item

    def held(self, key: K) -> Prepared | None:
        """The prepared article ``key`` if the cache holds it (nothing is prepared)."""
        return self._items.get(key)

    def discard(self, key: K) -> None:
        """Let the prepared article ``key`` go unless a planned pair still needs it (the
        caller knows it has no further use: a family whose tree is built)."""
        if key in self._items and key not in self._due:
            self._drop(key)

    def planned(
        self: PreparedCache[int], pairs: np.ndarray, *, final: bool = True, freeze: bool = False
    ) -> Iterator[tuple[Prepared, Prepared]]:
        """The prepared articles of each pair of ``pairs`` in turn. ``final``: the plan
        is the last use of this cache, so an article past its last use in it is dropped
        (otherwise it is kept, evicted first, for a later plan). ``freeze``: move each
        newly prepared article out of the cyclic garbage collector's reach
        (``gc.freeze``; see ``scan._quiet_gc``)."""
        seq = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1)
        due = _next_uses(seq).tolist()
        order = seq.tolist()
        for k in range(0, len(order), 2):
            pa = self._visit(order[k], due[k], final, freeze)
            pb = self._visit(order[k + 1], due[k + 1], final, freeze)
            yield pa, pb
        if final:
            self._due.clear()
            self._heap.clear()

    def _visit(self, key: K, due: int, final: bool, freeze: bool) -> Prepared:
        item = self._items.get(key)
        if item is None:
            item = self._prepare(key)
            if freeze:
                gc.freeze()
        if due < 0:
            self._due.pop(key, None)
            if final:
                self._drop(key)
            else:
                self._idle[key] = None
                self._idle.move_to_end(key)
                self._later.add(key)
        else:
            self._idle.pop(key, None)
            self._later.discard(key)
            self._due[key] = due
            heapq.heappush(self._heap, (-due, key))
            if len(self._heap) > 2 * len(self._due) + _HEAP_SLACK:
                self._heap = [(-d, i) for i, d in self._due.items()]
                heapq.heapify(self._heap)
        self._shrink()
        return item

    def _prepare(self, key: K, article: Article | None = None) -> Prepared:
        if article is None:
            if self._load is None:
                raise KeyError(key)
            article = self._load(key)
        row = self._packed.get(key)
        stored: bytes | None = None
        if row is not None and self._spool is not None:
            stored = self._spool.raw(row)
        elif self._stored is not None and len(article.text) <= self._options.max_chars:
            # (one over the limit is prepared, and refused, as the options say)
            stored = self._stored(key)
        if stored is not None:
            item = unpack(article, stored)
            self.unpacked += 1
        else:
            layout = self._layouts(key) if self._layouts is not None else None
            item = prepare(article, self._options, layout=layout)
            self.prepares += 1
        self._items[key] = item
        size = _prepared_bytes(article)
        self._bytes[key] = size
        self._total += size
        return item

    def _drop(self, key: K) -> None:
        del self._items[key]
        self._total -= self._bytes.pop(key)
        self._idle.pop(key, None)
        self._due.pop(key, None)
        self._later.discard(key)

    def _shrink(self) -> None:
        while self._items and (
            self._total > self._memory or (self._size is not None and len(self._items) > self._size)
        ):
            if self._idle:
                key = next(iter(self._idle))
                if key in self._later:
                    self._keep_packed(key)
                self._drop(key)
                continue
            due, key = heapq.heappop(self._heap)
            if self._due.get(key) == -due:
                self._keep_packed(key)
                self._drop(key)

    def _keep_packed(self, key: K) -> None:
        """Pack the held article ``key`` into the spool (once), for its next use."""
        if key in self._packed or not self._packing:
            return
        try:
            if self._spool is None:
                self._spool = Spool()
            self._spool.append_pickled(pack(self._items[key]))
        except ScratchError:
            self._packing = False  # no room: prepare the rest again instead
            return
        self._packed[key] = len(self._spool) - 1
