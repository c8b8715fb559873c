"""Scan: every reuse pair and family in a collection of articles, on one machine.

The stages are pure functions over batches of plain records (no global state, no I/O),
and the steps around them (batching, fingerprint assembly, the candidate screen, the
prepared-article store, term statistics) live once in the ``corpus`` layer, so the local
engine below, the archive and the Spark engine run the very same code:

    clean_bodies -> fingerprint_parts (+ term frequencies) -> skeleton_signatures
                 (corpus-common skeleton terms left out) -> band_keys_of -> candidate_pairs
                 -> screen_candidates -> verify_pair (the compare pipeline) -> build_families

``scan`` wires them together; ``verify_candidates`` verifies on one or several cores.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial
from itertools import chain, islice
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

import numpy as np

from .boilerplate import Layout, unpack_layout
from .cluster import build_families
from .corpus import (
    ArticleSpool,
    ComparisonRecord,
    ComparisonSpool,
    CorpusFingerprinter,
    FamilyTracker,
    PreparedCache,
    Progress,
    Spool,
    band_keys_of,
    batch_parts,
    batches,
    bound_candidates,
    clean_bodies,
    fingerprint_bodies,
    id_ranks,
    judge_pair,
    no_progress,
    one_blas_thread,
    screen_candidates,
    verify_pair,
    visit_order,
    with_short_copies,
)
from .errors import InputError
from .fingerprint import FingerprintParts, set_sizes
from .ingest import duplicate_id_error
from .lineage import Compared, Judged, family_pairs, with_tree, with_trees
from .lsh import KeyTable, candidate_pairs, join_pairs, key_blocks
from .model import Article, Comparison, Family, PairResult, ScanResult
from .options import DEFAULT_OPTIONS, Options

# The corpus steps and the result type that bench scripts import from here, where they
# were defined before the corpus layer and the model took them.
__all__ = [
    "CorpusFingerprinter",
    "PreparedCache",
    "ScanResult",
    "band_keys_of",
    "clean_bodies",
    "copy_trees",
    "find_reuse",
    "fingerprint_bodies",
    "scan",
    "screen_candidates",
    "verify_candidates",
    "verify_pair",
    "visit_order",
]


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Keep CPython's cyclic garbage collector off the long-lived objects of a
    verification, for its duration only.

    A scan holds thousands of prepared articles of hundreds of small tracked objects
    each (sentences, facts, term sets), plus the articles themselves; every collection of
    the oldest generation walked all of them again, while they hold no reference cycles and
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
    cache: PreparedCache[int],
    options: Options,
    progress: Progress = no_progress,
    keep: ComparisonSpool | None = None,
    trees: FamilyTracker | None = None,
) -> list[PairResult]:
    """Verify candidate index pairs with the compare pipeline; reuse pairs come back
    (and their comparisons go to ``keep``, for the copy trees, when given).

    The pairs are visited in ``visit_order``, each article prepared about once and held
    until its last pair (``PreparedCache.planned``), with the cyclic garbage collector
    kept off the prepared articles (``_quiet_gc``). With ``trees`` (a ``FamilyTracker``
    over these pairs), each family's copy tree is built as soon as the family is final,
    while its members are still prepared, and its members are held until then. With
    ``options.jobs`` > 1 (and enough pairs) the ordered pairs are cut into contiguous
    chunks verified by forked worker processes, each with its own cache (and tracker:
    the families a worker finishes come back with their trees); the answer is the same
    as with one process.
    """
    total = len(pairs)
    pairs = pairs[visit_order(pairs)]
    with _quiet_gc():
        if options.jobs > 1 and total >= _PARALLEL_MIN_PAIRS and _can_fork():
            found = _verify_parallel(pairs, cache, options, progress, keep, trees)
        else:
            sink = None if keep is None else keep.add
            found = _verify_in_turn(
                pairs, cache, options, sink, trees, final=True, progress=progress
            )
    progress("verify", total, total)
    found.sort(key=lambda p: (p.a, p.b))
    return found


def _verify_in_turn(
    pairs: np.ndarray,
    cache: PreparedCache[int],
    options: Options,
    keep: Callable[[Comparison], None] | None,
    trees: FamilyTracker | None,
    *,
    final: bool,
    progress: Progress = no_progress,
) -> list[PairResult]:
    """The reuse pairs among ``pairs``, verified one after another in this process, their
    comparisons handed to ``keep``. ``final``: the pairs are the cache's last plan
    (``PreparedCache.planned``); with a tracker, the tracker lets each article go
    instead, when no tree needs it."""
    found = []
    rows = pairs.tolist()
    plan = cache.planned(pairs, final=final and trees is None, freeze=True)
    for k, (pa, pb) in enumerate(plan):
        c = judge_pair(pa, pb, options)
        pair = None
        if c is not None:
            pair = PairResult.of(c)
            found.append(pair)
            if keep is not None:
                keep(c)
        if trees is not None:
            trees.visited(rows[k][0], rows[k][1], pair, cache)
        if k % 64 == 0:
            progress("verify", k, len(rows))
    return found


def _sent(result: object) -> bytes:
    """A worker's result pickled by the worker itself (``_run_pool`` reads it back)."""
    return pickle.dumps(result, pickle.HIGHEST_PROTOCOL)


_PARALLEL_MIN_PAIRS = 2000
"""Fewer candidate pairs than this are verified in one process (forking costs more)."""

_worker_state: tuple[PreparedCache[int], Options, bool, _Trees | None] | None = None
"""What a forked verification worker verifies with (set once per worker process by
``_init_worker``; never set in the parent)."""

_TrackerMaker = Callable[[Judged], FamilyTracker]
"""A family tracker over the scan's pairs, reading the comparisons of the given store."""

_Trees = tuple[FamilyTracker, ComparisonSpool]
"""A worker's family tracker and the spool of the comparisons it reads (the worker's
own: the parent's is written by the parent alone; the file goes with the process)."""


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _init_worker(
    cache: PreparedCache[int],
    options: Options,
    keep: bool,
    parent: int,
    tracker: _TrackerMaker | None,
) -> None:
    global _worker_state
    _worker_setup(parent)
    trees = None
    if tracker is not None:
        mine = ComparisonSpool()
        trees = (tracker(mine.get), mine)
    _worker_state = (cache, options, keep, trees)


def _worker_setup(parent: int) -> None:
    """What every forked worker of a scan does first: end with the parent, and leave
    Ctrl-C to it (it reaches the whole process group: the parent alone handles it and
    ends the workers, so no worker dies mid-task with a traceback of its own)."""
    _end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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


_ChunkResult = tuple[int, list[PairResult], list[ComparisonRecord], int, list[Family]]
"""What a worker sends back for a chunk: its size (for progress), the reuse pairs found
in it, their comparisons as ``ComparisonSpool`` records (when the scan keeps them), the
articles prepared for it, and the families it finished, with their trees."""


def _verify_chunk(chunk: np.ndarray) -> bytes:
    """One chunk of pairs verified in a worker (``_ChunkResult``). The worker's cache
    keeps articles for later chunks, within its budget; its tracker, the families that
    later chunks may still finish."""
    assert _worker_state is not None, "not a verification worker"
    cache, options, keep, trees = _worker_state
    before = cache.prepares
    records: list[ComparisonRecord] = []

    def sink(c: Comparison) -> None:
        record = ComparisonSpool.record(c)  # pickled once, for the parent and the tracker
        if keep:
            records.append(record)
        if trees is not None:
            trees[1].add_record(record)

    tracker = None if trees is None else trees[0]
    wanted = sink if keep or trees is not None else None
    out = _verify_in_turn(chunk, cache, options, wanted, tracker, final=False)
    finished = []
    if tracker is not None:
        finished = list(tracker.families.values())
        tracker.families.clear()
    result: _ChunkResult = (len(chunk), out, records, cache.prepares - before, finished)
    return _sent(result)


def _verify_parallel(
    pairs: np.ndarray,
    cache: PreparedCache[int],
    options: Options,
    progress: Progress,
    keep: ComparisonSpool | None,
    trees: FamilyTracker | None,
) -> list[PairResult]:
    """Chunks of pairs over forked workers. Fork start: the workers inherit the loader
    and options in memory instead of receiving pickled copies (and the frozen
    garbage-collector state of ``_quiet_gc``). Their articles prepared are added to
    ``cache.prepares``; the comparisons they keep come back pickled and go to ``keep``;
    the families they finish (each worker has a tracker of its own, ``trees.fresh``) go
    to ``trees.families``. Any interruption (Ctrl-C, an error) ends the workers at once,
    not after their chunks."""
    n_chunks = max(options.jobs * 8, len(pairs) // 4096)
    chunks = np.array_split(pairs, n_chunks)
    found: list[PairResult] = []
    done = 0

    def take(result: _ChunkResult) -> None:
        nonlocal done
        size, part, records, prepares, finished = result
        found.extend(part)
        if keep is not None:
            for record in records:
                keep.add_record(record)
        if trees is not None:
            trees.families.update((f.members, f) for f in finished)
        cache.prepares += prepares
        done += size
        progress("verify", done, len(pairs))

    maker = None if trees is None else trees.fresh
    _run_pool(
        _init_worker,
        (cache.fresh(), options, keep is not None, os.getpid(), maker),
        options.jobs,
        lambda pool: pool.imap_unordered(_verify_chunk, chunks),
        take,
    )
    return found


_PARALLEL_MIN_FAMILIES = 16
"""Fewer families than this get their trees in the parent process (forking costs more
than a few trees: a family of three to twenty members takes tens of milliseconds)."""

_TREES_PER_TASK = 4
"""Families sent to a tree worker at once: few, so that the largest families, sent
first, spread over the workers."""

_tree_state: tuple[Callable[[str], Article], Options, Judged | None, Compared | None] | None = None
"""What a forked tree worker loads articles, reads verification's comparisons and
orders families with (set once per worker process by ``_init_tree_worker``; never set
in the parent)."""


def _init_tree_worker(
    load: Callable[[str], Article],
    options: Options,
    judged: Judged | None,
    compared: Compared | None,
    parent: int,
) -> None:
    global _tree_state
    _worker_setup(parent)
    _tree_state = (load, options, judged, compared)


def _tree_task(task: tuple[int, Family, list[PairResult]]) -> bytes:
    """One family (by position) with its tree (``lineage.with_tree``)."""
    assert _tree_state is not None, "not a tree worker"
    load, options, judged, compared = _tree_state
    k, family, inner = task
    return _sent((k, with_tree(family, load, inner, options, judged, compared=compared)))


def copy_trees(
    families: list[Family],
    pairs: list[PairResult],
    load: Callable[[str], Article],
    options: Options,
    judged: Judged | None = None,
    compared: Compared | None = None,
) -> list[Family]:
    """``lineage.with_trees``: on ``options.jobs`` forked workers when there are enough
    families (each family's tree is independent of the others), else in this process;
    the same families either way. ``judged``: verification's comparisons of the reuse
    pairs (a ``ComparisonSpool``), which the trees need not make again; ``compared``:
    the candidate pairs verified (``lineage.Compared``). Fork start, as
    for verification: the workers inherit the loader (and the articles or the archive
    behind it, and the spool) instead of receiving copies, and the frozen state of the
    garbage collector (``_quiet_gc``)."""
    if not options.tree_max_members:  # trees off
        return families
    with _quiet_gc():  # the trees allocate as verification does, over the same heap
        if options.jobs <= 1 or len(families) < _PARALLEL_MIN_FAMILIES or not _can_fork():
            return with_trees(families, pairs, load, options, judged, compared)
        return _trees_parallel(families, pairs, load, options, judged, compared)


def _trees_parallel(
    families: list[Family],
    pairs: list[PairResult],
    load: Callable[[str], Article],
    options: Options,
    judged: Judged | None,
    compared: Compared | None,
) -> list[Family]:
    """The families' trees over forked workers, the largest families first."""
    inner = family_pairs(families, pairs)
    tasks = sorted(
        ((k, f, inner[k]) for k, f in enumerate(families)), key=lambda t: -len(t[1].members)
    )
    out: list[Family] = list(families)
    _run_pool(
        _init_tree_worker,
        (load, options, judged, compared, os.getpid()),
        options.jobs,
        lambda pool: pool.imap_unordered(_tree_task, tasks, chunksize=_TREES_PER_TASK),
        lambda done: out.__setitem__(*done),
    )
    return out


def _run_pool(
    init: Callable[..., None],
    initargs: tuple[object, ...],
    jobs: int,
    start: Callable[[Pool], Iterable[bytes]],
    take: Callable[[Any], None],
) -> None:
    """Forked workers (``init(*initargs)`` in each) whose results, from ``start(pool)``,
    are handed to ``take`` as they come. Any interruption (Ctrl-C, an error) ends the
    workers at once, not after their tasks.

    Each result comes pickled by its worker (``_sent``) and is read back here: a result
    that the pool's own thread failed to read back would end that thread and leave the
    scan waiting for ever (a frozen class compiled with mypyc cannot be unpickled by the
    default reduction); read here, it is an error that ends the scan and its workers."""
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=init, initargs=initargs)
    try:
        for result in start(pool):
            take(pickle.loads(result))
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


_PRINTS_AHEAD = 2
"""Batches handed to each fingerprinting worker ahead of the one it works on: none waits
for the reader, and at most ``jobs * (1 + _PRINTS_AHEAD)`` batches of articles are in
flight."""

_print_state: tuple[Options, bool] | None = None
"""What a forked fingerprinting worker fingerprints with, and whether it packs layouts
(set once per worker process by ``_init_print_worker``; never set in the parent)."""


def fingerprint_all(
    printer: CorpusFingerprinter, articles: Iterable[Article], progress: Progress = no_progress
) -> None:
    """``printer.add_all(articles)``: on ``options.jobs`` forked workers when the corpus
    has more than one batch (each batch's boilerplate and signature parts depend on the
    batch alone: ``batch_parts``), added in corpus order, so the same fingerprints as in
    one process. The articles are read here, in the parent (a scan spools them as it
    reads)."""
    options = printer.options
    stream = batches(articles, options.batch_size)
    head = list(islice(stream, 2))
    if options.jobs <= 1 or len(head) < 2 or not _can_fork():
        printer.add_all(chain.from_iterable(chain(head, stream)), progress)
        return

    def take(made: tuple[list[bytes], FingerprintParts]) -> None:
        printer.add_made(*made)
        progress("fingerprint", printer.documents, None)

    def start(pool: Pool) -> Iterator[bytes]:
        waiting: deque[AsyncResult[bytes]] = deque()
        for batch in chain(head, stream):
            waiting.append(pool.apply_async(_print_batch, (batch,)))
            if len(waiting) > options.jobs * (1 + _PRINTS_AHEAD):
                yield waiting.popleft().get()
        while waiting:
            yield waiting.popleft().get()

    initargs = (options, printer.layouts is not None, os.getpid())
    _run_pool(_init_print_worker, initargs, options.jobs, start, take)


def _init_print_worker(options: Options, layouts: bool, parent: int) -> None:
    global _print_state
    _worker_setup(parent)
    _print_state = (options, layouts)


def _print_batch(batch: list[Article]) -> bytes:
    """One batch's ``batch_parts`` (``_sent``)."""
    assert _print_state is not None, "not a fingerprinting worker"
    options, layouts = _print_state
    return _sent(batch_parts(batch, options, layouts=layouts))


_PARALLEL_MIN_ARTICLES = 2000
"""Fewer articles than this get their candidate pairs in one process (their candidate
pass takes a fraction of a second: forking would cost more)."""

_candidate_state: tuple[KeyTable, int, Callable[[np.ndarray], np.ndarray]] | None = None
"""What a forked candidate worker reads the band keys and screens pairs with (set once
per worker process by ``_init_candidate_worker``; never set in the parent)."""


def find_candidates(
    keys: KeyTable, options: Options, screen: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """``lsh.candidate_pairs`` with the screen: with ``options.jobs`` above 1 (and enough
    articles) each forked worker reads every ``jobs``-th block of key columns, and the
    pairs the workers keep are joined; a pair's screening depends on the pair alone, so
    the same pairs as one pass over all blocks."""
    blocks = key_blocks(keys)
    jobs = min(options.jobs, len(blocks))
    if jobs <= 1 or keys.shape[0] < _PARALLEL_MIN_ARTICLES or not _can_fork():
        return candidate_pairs(keys, options.max_bucket, keep=screen)
    found: list[np.ndarray] = []
    _run_pool(
        _init_candidate_worker,
        (keys, options.max_bucket, screen, os.getpid()),
        jobs,
        lambda pool: pool.imap_unordered(_candidate_task, [blocks[w::jobs] for w in range(jobs)]),
        found.append,
    )
    return join_pairs(found, keys.shape[0])


def _init_candidate_worker(
    keys: KeyTable, max_bucket: int, screen: Callable[[np.ndarray], np.ndarray], parent: int
) -> None:
    global _candidate_state
    _worker_setup(parent)
    _candidate_state = (keys, max_bucket, screen)


def _candidate_task(blocks: list[int]) -> bytes:
    """The screened candidate pairs of these blocks of key columns (``_sent``)."""
    assert _candidate_state is not None, "not a candidate worker"
    keys, max_bucket, screen = _candidate_state
    return _sent(candidate_pairs(keys, max_bucket, keep=screen, blocks=blocks))


def scan(
    articles: Iterable[Article],
    *,
    options: Options = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
    kept: ArticleSpool | None = None,
) -> ScanResult:
    """Find every reuse pair and family among the articles (one machine).

    Articles with an id seen before are skipped and reported as failed inputs. The
    articles scanned are spooled to disk for verification: into ``kept`` when given
    (the caller's, left open: it reads them after the scan), else into a spool of the
    scan's own.
    """
    t0 = time.perf_counter()
    failed: list[InputError] = []
    published: dict[str, str | None] = {}
    own: AbstractContextManager[ArticleSpool] = (
        ArticleSpool() if kept is None else nullcontext(kept)
    )
    with own as spool, Spool() as layouts:
        printer = CorpusFingerprinter(options, layouts.append_pickled)
        fingerprint_all(printer, _first_of_each_id(articles, spool, published, failed), progress)
        reading = time.perf_counter() - t0
        result = find_reuse(
            printer,
            spool.__getitem__,
            published,
            layouts=_layout_reader(layouts),
            options=options,
            progress=progress,
        )
    result.failed = failed
    result.seconds = {
        **result.seconds,
        "fingerprint": reading + result.seconds["fingerprint"],
        "total": time.perf_counter() - t0,
    }
    return result


def _layout_reader(layouts: Spool) -> Callable[[int], Layout | None]:
    """Row k's layout as fingerprinting found it, or None (boilerplate is kept: none was
    found)."""

    def layout(row: int) -> Layout | None:
        return unpack_layout(layouts.raw(row)) if row < len(layouts) else None

    return layout


def _first_of_each_id(
    articles: Iterable[Article],
    kept: ArticleSpool,
    published: dict[str, str | None],
    failed: list[InputError],
) -> Iterator[Article]:
    """The articles whose id was not seen before, also appended to ``kept`` and their
    times to ``published`` (in the same order); the others are reported in ``failed``."""
    seen: dict[str, str] = {}
    for art in articles:
        if art.id in seen:
            failed.append(duplicate_id_error(art.origin or art.id, art.id, seen[art.id]))
            continue
        seen[art.id] = art.origin or art.id
        kept.append(art)
        published[art.id] = art.published
        yield art


def _by_id(load: Callable[[int], Article], ids: Iterable[str]) -> Callable[[str], Article]:
    """An article by id, from a loader by row and the ids in row order (a loader that
    answers another id is a broken contract, not a wrong tree)."""
    row = {i: k for k, i in enumerate(ids)}

    def by_id(article_id: str) -> Article:
        art = load(row[article_id])
        if art.id != article_id:
            raise RuntimeError(f"row {row[article_id]} holds {art.id!r}, not {article_id!r}")
        return art

    return by_id


def find_reuse(
    printer: CorpusFingerprinter,
    load: Callable[[int], Article],
    published: dict[str, str | None],
    *,
    stored: Callable[[int], bytes | None] | None = None,
    layouts: Callable[[int], Layout | None] | None = None,
    options: Options = DEFAULT_OPTIONS,
    progress: Progress = no_progress,
) -> ScanResult:
    """The corpus the printer fingerprinted (row k = article ``load(k)``) signed and
    banded, its candidates screened, verified, clustered and ordered in copy trees;
    ``stored(k)``, when given, is row k's stored preparation (an archive keeps them),
    unpacked instead of preparing the article; ``layouts(k)``, when given, is row k's
    layout as the printer found it (``compare.prepare`` does not find it again).

    Shared by the scan of files and the scan of an archive (which loads from SQLite).
    ``published`` lists the articles' ids in row order (row k is ``load(k)``): the copy
    trees of the families (``lineage.with_trees``) load members by id through it. The
    band keys, the largest table of a run, live only through the candidate pass.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    fingerprints, keys = printer.finish()
    timings["fingerprint"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    screen = partial(
        screen_candidates, fp=fingerprints, options=options, sizes=set_sizes(fingerprints)
    )
    pairs = find_candidates(keys, options, screen)
    pairs = bound_candidates(pairs, fingerprints, id_ranks(list(published)), options)
    del keys, fingerprints, screen
    pairs = with_short_copies(pairs, printer.short_copies(), len(published))
    timings["candidates"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    with ComparisonSpool() as judged, one_blas_thread():
        keep = trees = None
        if options.tree_max_members:
            keep = judged
            trees = FamilyTracker(pairs, list(published), published, load, options, judged.get)
        found = verify_candidates(
            pairs,
            PreparedCache(load, options, stored=stored, layouts=layouts),
            options,
            progress,
            keep,
            trees,
        )
        early = trees.seconds if trees is not None else 0.0
        timings["verify"] = time.perf_counter() - t2 - early

        t3 = time.perf_counter()
        families = build_families(found, published)
        timings["cluster"] = time.perf_counter() - t3

        t4 = time.perf_counter()
        finished = trees.families if trees is not None else {}
        rest = [f for f in families if f.members not in finished]
        compared = trees.compared if trees is not None else None
        built = iter(
            copy_trees(rest, found, _by_id(load, published), options, judged.get, compared)
        )
        families = [finished.get(f.members) or next(built) for f in families]
        timings["trees"] = time.perf_counter() - t4 + early
    timings["total"] = time.perf_counter() - t1
    return ScanResult(found, families, len(published), [], len(pairs), timings)
