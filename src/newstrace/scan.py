"""Scan: every reuse pair and family in a collection of articles.

The stages are pure functions over batches of plain records (no global state, no I/O),
so the local engine below and a distributed engine run the very same code:

    clean_bodies -> fingerprint_parts (+ term frequencies) -> skeleton_signatures
                 (corpus-common skeleton terms left out) -> band_keys_of -> candidate_pairs
                 -> screen_candidates -> verify_pair (the compare pipeline) -> build_families

``scan`` wires them together on one machine.
"""

from __future__ import annotations

import ctypes
import gc
import heapq
import os
import signal
import sys
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .align import TermStats
from .boilerplate import find_boilerplate
from .cluster import build_families
from .compare import Prepared, compare_prepared, prepare
from .errors import InputError
from .fingerprint import (
    FingerprintParts,
    Fingerprints,
    common_terms,
    estimate_sizes,
    fingerprint_parts,
    fingerprint_texts,
    skeleton_frequencies,
    skeleton_signatures,
)
from .lsh import Banding, band_keys, candidate_pairs, optimal_banding, pair_band_keys, screen_pairs
from .model import REUSE, Article, PairResult, ScanResult
from .options import DEFAULT_OPTIONS, Options

__all__ = [
    "REUSE",
    "CorpusFingerprinter",
    "ScanResult",
    "band_keys_of",
    "bandings_of",
    "clean_bodies",
    "common_skeleton_terms",
    "find_reuse",
    "fingerprint_bodies",
    "merge_frequencies",
    "scan",
    "screen_candidates",
    "verify_pair",
    "visit_order",
]

Progress = Callable[[str, int, int | None], None]


def _no_progress(stage: str, done: int, total: int | None) -> None:
    """Default progress callback: report nothing."""


def clean_bodies(articles: Sequence[Article], options: Options = DEFAULT_OPTIONS) -> list[str]:
    """The body text of each article: headline and boilerplate lines left out, so that
    site furniture shared by unrelated pages never makes them candidates."""
    out = []
    for art in articles:
        if not options.strip_boilerplate:
            out.append(art.text)
            continue
        layout = find_boilerplate(art.text, title=art.title)
        out.append("\n".join(art.text[s.start : s.end] for s in layout.body))
    return out


def fingerprint_bodies(
    bodies: Sequence[str], options: Options = DEFAULT_OPTIONS, common: np.ndarray | None = None
) -> Fingerprints:
    """Both channels of a batch, ``common`` skeleton terms left out (the archive, which
    grows article by article, keeps them all)."""
    return fingerprint_texts(
        bodies, num_perm=options.num_perm, shingle_size=options.shingle_size, common=common
    )


_CONTAINMENT_CHANNEL = 2
"""Channel number hashed into the keys of the skeleton's two-slot containment bands."""


def bandings_of(options: Options = DEFAULT_OPTIONS) -> tuple[Banding, Banding]:
    """The ordinary bandings of the shingle and the skeleton channel."""
    shingles = optimal_banding(options.shingle_threshold, options.num_perm, channel=0)
    # The skeleton channel is there for recall (verification removes the extra
    # candidates), so its banding weighs a missed pair above a needless candidate.
    skeleton = optimal_banding(
        options.skeleton_threshold, options.num_perm, channel=1, fp_weight=0.3, fn_weight=0.7
    )
    return shingles, skeleton


def band_keys_of(fp: Fingerprints, options: Options = DEFAULT_OPTIONS) -> np.ndarray:
    """(n, k) band keys of both channels: word shingles and entity skeleton, then the
    skeleton's two-slot containment bands (``Options.containment_bands``)."""
    shingles, skeleton = bandings_of(options)
    keys = [band_keys(fp.shingles, shingles), band_keys(fp.skeleton, skeleton)]
    if options.containment_bands:
        keys.append(pair_band_keys(fp.skeleton, options.containment_bands, _CONTAINMENT_CHANNEL))
    return np.concatenate(keys, axis=1)


def screen_candidates(
    pairs: np.ndarray,
    fp: Fingerprints,
    options: Options = DEFAULT_OPTIONS,
    *,
    share: float | None = None,
) -> np.ndarray:
    """Candidate pairs worth verifying: an estimated Jaccard similarity of at least
    ``share`` (default ``options.screen_share``) of the channel's threshold in either
    channel; with containment bands, a pair that shares no ordinary band must also have
    the smaller skeleton at least ``options.containment_floor`` inside the larger (rows
    of ``pairs`` index rows of ``fp``; only the signatures are read, set sizes are
    estimated from them)."""
    share = options.screen_share if share is None else share
    if share <= 0 or len(pairs) == 0:
        return pairs
    floors = (share * options.shingle_threshold, share * options.skeleton_threshold)
    if not options.containment_bands:
        return screen_pairs(pairs, (fp.shingles, fp.skeleton), floors)
    rows = np.unique(pairs)
    sizes = np.zeros(len(fp.skeleton), dtype=np.float64)
    sizes[rows] = estimate_sizes(fp.skeleton[rows])
    return screen_pairs(
        pairs,
        (fp.shingles, fp.skeleton),
        floors,
        bandings=bandings_of(options),
        containment=options.containment_floor,
        sizes=sizes,
    )


def verify_pair(
    pa: Prepared, pb: Prepared, options: Options = DEFAULT_OPTIONS, corpus: TermStats | None = None
) -> PairResult | None:
    """Run the compare pipeline on a candidate pair; a PairResult when it is reuse.

    The pair is always compared in id order, so the answer does not depend on which
    engine or partition produced the candidate.
    """
    if pb.article.id < pa.article.id:
        pa, pb = pb, pa
    c = compare_prepared(pa, pb, options, corpus)
    if c.relation not in REUSE:
        return None
    source = {"a": pa.article.id, "b": pb.article.id}.get(c.source or "")
    return PairResult(
        pa.article.id, pb.article.id, c.relation, c.coverage.a, c.coverage.b, source, c.score
    )


_PREPARED_MEMORY = 512 * 2**20
"""Memory the prepared articles held by one ``PreparedCache`` may take (estimated by
``_prepared_bytes``). A scan of 10,000 generated articles visited in ``visit_order``
never needs more than about 1,600 of them at once (about 220 MB), so it prepares each
article once; a larger live set evicts the article needed furthest ahead."""

_BYTES_PER_CHAR = 48
_BYTES_PER_ARTICLE = 4096


def _prepared_bytes(article: Article) -> int:
    """Estimated memory of an article once prepared. Measured with ``tracemalloc``: about
    35 bytes per character of text on generated news, 45 on the PAN web documents
    (median; 60 at the 95th percentile)."""
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


class PreparedCache:
    """Prepared articles of a scan, held within a memory budget.

    ``planned`` visits a known sequence of candidate pairs: every article is held from
    its first to its last use in the sequence and dropped then, so that (within the
    budget) each article is prepared once; over the budget the article whose next use
    is furthest ahead goes first (Belady's rule: the fewest re-prepares for the order
    visited). ``get`` serves a single article outside a plan; articles without a
    planned use are evicted least recently used first. ``prepares`` counts the articles
    prepared.
    """

    def __init__(
        self,
        load: Callable[[int], Article],
        options: Options,
        size: int | None = None,
        memory: int = _PREPARED_MEMORY,
    ):
        self._load = load
        self._options = options
        self._size = size
        self._memory = memory
        self._items: dict[int, Prepared] = {}
        self._bytes: dict[int, int] = {}
        self._total = 0
        self._idle: OrderedDict[int, None] = OrderedDict()  # no planned use, LRU first
        self._due: dict[int, int] = {}  # next planned use (a position in the plan)
        self._heap: list[tuple[int, int]] = []  # (-due, index); stale entries skipped
        self.prepares = 0

    def fresh(self) -> PreparedCache:
        """An empty cache with the same loader and budget (for a worker process)."""
        return PreparedCache(self._load, self._options, self._size, self._memory)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, index: int) -> Prepared:
        """The prepared article ``index`` (outside a plan)."""
        item = self._items.get(index)
        if item is None:
            item = self._prepare(index)
        if index not in self._due:
            self._idle[index] = None
            self._idle.move_to_end(index)
        self._shrink()
        return item

    def planned(
        self, pairs: np.ndarray, *, final: bool = True, freeze: bool = False
    ) -> Iterator[tuple[Prepared, Prepared]]:
        """The prepared articles of each pair of ``pairs`` in turn. ``final``: the plan
        is the last use of this cache, so an article past its last use in it is dropped
        (otherwise it is kept, evicted first, for a later plan). ``freeze``: move each
        newly prepared article out of the cyclic garbage collector's reach
        (``gc.freeze``; see ``_quiet_gc``)."""
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

    def _visit(self, index: int, due: int, final: bool, freeze: bool) -> Prepared:
        item = self._items.get(index)
        if item is None:
            item = self._prepare(index)
            if freeze:
                gc.freeze()
        if due < 0:
            self._due.pop(index, None)
            if final:
                self._drop(index)
            else:
                self._idle[index] = None
                self._idle.move_to_end(index)
        else:
            self._idle.pop(index, None)
            self._due[index] = due
            heapq.heappush(self._heap, (-due, index))
            if len(self._heap) > 2 * len(self._due) + 1024:
                self._heap = [(-d, i) for i, d in self._due.items()]
                heapq.heapify(self._heap)
        self._shrink()
        return item

    def _prepare(self, index: int) -> Prepared:
        article = self._load(index)
        item = prepare(article, self._options)
        self.prepares += 1
        self._items[index] = item
        size = _prepared_bytes(article)
        self._bytes[index] = size
        self._total += size
        return item

    def _drop(self, index: int) -> None:
        del self._items[index]
        self._total -= self._bytes.pop(index)
        self._idle.pop(index, None)
        self._due.pop(index, None)

    def _shrink(self) -> None:
        while self._items and (
            self._total > self._memory or (self._size is not None and len(self._items) > self._size)
        ):
            if self._idle:
                self._drop(next(iter(self._idle)))
                continue
            due, index = heapq.heappop(self._heap)
            if self._due.get(index) == -due:
                self._drop(index)


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Keep CPython's cyclic garbage collector off the long-lived objects of a
    verification, for its duration only.

    A scan holds thousands of prepared articles of about 800 small tracked objects each
    (token and sentence tuples), plus the articles themselves; every collection of the
    oldest generation walked all of them again, while they hold no reference cycles and
    are freed by reference counting when dropped (on 10,000 generated articles the
    collector took 17.5 s of a 103 s scan before this, 0.4 s after). ``gc.freeze()`` here moves everything that
    exists to the permanent generation, and ``PreparedCache.planned(freeze=True)`` does
    the same after each article it prepares; the collector keeps running on what the
    comparisons allocate. Forked workers inherit the frozen state, so their collector
    does not touch (and copy) the parent's pages either. Afterwards ``gc.unfreeze()``
    hands everything back to the oldest generation, unless a freeze was already in place
    on entry (an application that froze its heap itself): that one is left as found.
    Reference cycles that become garbage while frozen are collected after the unfreeze.
    """
    ours = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()


def verify_candidates(
    pairs: np.ndarray,
    cache: PreparedCache,
    options: Options,
    progress: Progress = _no_progress,
    corpus: TermStats | None = None,
) -> list[PairResult]:
    """Verify candidate index pairs with the compare pipeline; reuse pairs come back.

    The pairs are visited in ``visit_order``, each article prepared about once and held
    until its last pair (``PreparedCache.planned``), with the cyclic garbage collector
    kept off the prepared articles (``_quiet_gc``). With ``options.jobs`` > 1 (and
    enough pairs) the ordered pairs are cut into contiguous chunks verified by forked
    worker processes, each with its own cache; the answer is the same as with one
    process.
    """
    total = len(pairs)
    pairs = pairs[visit_order(pairs)]
    with _quiet_gc():
        if options.jobs > 1 and total >= _PARALLEL_MIN_PAIRS and _can_fork():
            found = _verify_parallel(pairs, cache, options, progress, corpus)
        else:
            found = []
            for k, (pa, pb) in enumerate(cache.planned(pairs, freeze=True)):
                result = verify_pair(pa, pb, options, corpus)
                if result is not None:
                    found.append(result)
                if k % 64 == 0:
                    progress("verify", k, total)
    progress("verify", total, total)
    found.sort(key=lambda p: (p.a, p.b))
    return found


_PARALLEL_MIN_PAIRS = 2000
"""Fewer candidate pairs than this are verified in one process (forking costs more)."""

_worker_state: tuple[PreparedCache, Options, TermStats | None] | None = None
"""What a forked verification worker verifies with (set once per worker process by
``_init_worker``; never set in the parent)."""


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _init_worker(
    cache: PreparedCache, options: Options, corpus: TermStats | None, parent: int
) -> None:
    global _worker_state
    _end_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent alone handles it (and ends
    # the workers), so no worker dies mid-chunk with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_state = (cache, options, corpus)


_PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal a process gets when its parent dies."""


def _end_with_parent(parent: int) -> None:
    """A worker ends with the scan that forked it, even when that scan is killed
    (SIGKILL leaves no chance to clean up; each worker holds hundreds of MB and the
    archive open): on Linux the kernel sends it SIGKILL then."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(1)


def _verify_chunk(chunk: np.ndarray) -> tuple[int, list[PairResult], int]:
    """The chunk's size (for progress), the reuse pairs found in it and the articles
    prepared for it. The worker's cache keeps articles for later chunks, within its
    budget."""
    assert _worker_state is not None, "not a verification worker"
    cache, options, corpus = _worker_state
    before = cache.prepares
    out = []
    for pa, pb in cache.planned(chunk, final=False, freeze=True):
        result = verify_pair(pa, pb, options, corpus)
        if result is not None:
            out.append(result)
    return len(chunk), out, cache.prepares - before


def _verify_parallel(
    pairs: np.ndarray,
    cache: PreparedCache,
    options: Options,
    progress: Progress,
    corpus: TermStats | None,
) -> list[PairResult]:
    """Chunks of pairs over forked workers. Fork start: the workers inherit the loader,
    options and corpus statistics in memory instead of receiving pickled copies (and the
    frozen garbage-collector state of ``_quiet_gc``). Their articles prepared are added
    to ``cache.prepares``. Any
    interruption (Ctrl-C, an error) ends the workers at once, not after their chunks."""
    import multiprocessing

    n_chunks = max(options.jobs * 8, len(pairs) // 4096)
    chunks = np.array_split(pairs, n_chunks)
    found: list[PairResult] = []
    done = 0
    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(
        options.jobs,
        initializer=_init_worker,
        initargs=(cache.fresh(), options, corpus, os.getpid()),
    )
    try:
        for size, part, prepares in pool.imap_unordered(_verify_chunk, chunks):
            found.extend(part)
            cache.prepares += prepares
            done += size
            progress("verify", done, len(pairs))
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return found


class CorpusFingerprinter:
    """Fingerprints a corpus batch by batch, then bands it as a whole.

    The shingle channel is final per batch; the skeleton channel waits for the whole
    corpus, because skeleton terms found in too many articles (a beat's weekdays, small
    numbers, main actors: ``Options.common_skeleton_share``) are left out, and which
    those are is only known at the end. Batch boundaries never change the result.
    """

    def __init__(self, options: Options = DEFAULT_OPTIONS) -> None:
        self.options = options
        self.documents = 0
        self._parts: list[FingerprintParts] = []
        self._df: Counter[str] = Counter()
        self._skeleton_df: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, articles: Sequence[Article]) -> None:
        """Fingerprint one batch (in corpus order)."""
        self.add_bodies(clean_bodies(articles, self.options))

    def add_bodies(self, bodies: Sequence[str]) -> None:
        """Fingerprint one batch of body texts (``clean_bodies`` already applied)."""
        parts = fingerprint_parts(
            bodies, num_perm=self.options.num_perm, shingle_size=self.options.shingle_size
        )
        self._parts.append(parts)
        self._df.update(parts.frequencies)
        self._skeleton_df.append(skeleton_frequencies(parts.skeleton))
        self.documents += len(bodies)

    def corpus(self) -> TermStats:
        """Document frequencies of matching terms (for the verifier's term weights)."""
        return TermStats(dict(self._df), self.documents)

    def common(self) -> np.ndarray:
        """The skeleton terms left out as too common in this corpus."""
        hashes, counts = merge_frequencies(self._skeleton_df)
        return common_skeleton_terms(hashes, counts, self.documents, self.options)

    def finish(self) -> tuple[Fingerprints, np.ndarray]:
        """Signatures of every article added, and their band keys (row k: k-th article)."""
        common = self.common()
        m = self.options.num_perm
        prints = [
            Fingerprints(p.shingles, skeleton_signatures(p.skeleton, m, common), p.sizes)
            for p in self._parts
        ]
        if not prints:
            empty = np.empty((0, m), dtype=np.uint32)
            fp = Fingerprints(empty, empty, np.empty(0, dtype=np.int32))
        else:
            fp = Fingerprints(
                np.concatenate([f.shingles for f in prints]),
                np.concatenate([f.skeleton for f in prints]),
                np.concatenate([f.sizes for f in prints]),
            )
        return fp, band_keys_of(fp, self.options)


def merge_frequencies(
    parts: Iterable[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Sum (hashes, counts) pairs of several batches or partitions."""
    parts = list(parts)
    if not parts:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    hashes = np.concatenate([h for h, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    uniq, inverse = np.unique(hashes, return_inverse=True)
    return uniq, np.bincount(inverse, weights=counts, minlength=len(uniq)).astype(np.int64)


def common_skeleton_terms(
    hashes: np.ndarray, counts: np.ndarray, documents: int, options: Options = DEFAULT_OPTIONS
) -> np.ndarray:
    """The skeleton terms of a corpus too common to be evidence of reuse."""
    return common_terms(
        hashes,
        counts,
        documents,
        share=options.common_skeleton_share,
        floor=options.common_skeleton_min,
    )


def scan(
    articles: Iterable[Article],
    *,
    options: Options = DEFAULT_OPTIONS,
    progress: Progress = _no_progress,
) -> ScanResult:
    """Find every reuse pair and family among the articles (one machine).

    Articles with an id seen before are skipped and reported as failed inputs.
    """
    t0 = time.perf_counter()
    kept: list[Article] = []
    failed: list[InputError] = []
    seen: set[str] = set()
    batch: list[Article] = []
    printer = CorpusFingerprinter(options)

    def flush() -> None:
        if batch:
            printer.add(batch)
            kept.extend(batch)
            batch.clear()
            progress("fingerprint", len(kept), None)

    for art in articles:
        if art.id in seen:
            failed.append(InputError(art.origin or art.id, f"duplicate id {art.id!r}, skipped"))
            continue
        seen.add(art.id)
        batch.append(art)
        if len(batch) >= options.batch_size:
            flush()
    flush()
    fp, keys = printer.finish()
    fingerprinting = time.perf_counter() - t0

    result = find_reuse(
        keys,
        kept.__getitem__,
        {a.id: a.published for a in kept},
        options=options,
        progress=progress,
        corpus=printer.corpus(),
        fingerprints=fp,
    )
    result.failed = failed
    result.seconds = {
        "fingerprint": fingerprinting,
        **result.seconds,
        "total": time.perf_counter() - t0,
    }
    return result


def find_reuse(
    keys: np.ndarray,
    load: Callable[[int], Article],
    published: dict[str, str | None],
    *,
    options: Options = DEFAULT_OPTIONS,
    progress: Progress = _no_progress,
    corpus: TermStats | None = None,
    fingerprints: Fingerprints | None = None,
) -> ScanResult:
    """Candidates from band keys (row k = article ``load(k)``), screened with the
    ``fingerprints`` when given, verified, clustered.

    Shared by the scan of files and the scan of an archive (which loads from SQLite).
    """
    timings: dict[str, float] = {}
    t1 = time.perf_counter()
    pairs = candidate_pairs(keys, options.max_bucket)
    if fingerprints is not None:
        pairs = screen_candidates(pairs, fingerprints, options)
    timings["candidates"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    found = verify_candidates(pairs, PreparedCache(load, options), options, progress, corpus)
    timings["verify"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    families = build_families(found, published)
    timings["cluster"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t1
    return ScanResult(found, families, len(keys), [], len(pairs), timings)
