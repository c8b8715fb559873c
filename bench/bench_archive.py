"""Benchmark: the SQLite archive at scale (``Archive.add`` and ``Archive.check``).

Not a test: it prints figures, it asserts nothing. Targets (issue): an archive of 1M
synthetic ~600-word articles in <= 2 GB resident memory, and ``check`` p50 <= 10 ms
against it, from disk.

For each size N in ``--sizes`` it

1. builds a fresh archive in a temporary file, in a subprocess of its own (so peak
   resident memory is that of one build): articles are generated on the fly, in
   batches, and given to ``Archive.add`` one batch at a time (one transaction each).
   Reported: add seconds (``Archive.add`` only, generation excluded), add rate, peak
   RSS of the build process (``getrusage``), and the archive's size on disk (db + WAL);
2. checks ~200 query articles in another fresh process (new connection, empty SQLite
   cache): half are spun copies of archived articles (the original must come back:
   recall), half are new unrelated articles (anything that comes back is a false
   match). With ``--cold`` (default) the archive's pages are first evicted from the OS
   page cache (``posix_fadvise(DONTNEED)`` on the db and WAL files, no root needed), so
   the first checks read from disk; the figures cover all queries, first included, and
   the first 20 are also reported separately.

The generator is our own and cheap (a few tens of microseconds per article), so that
300k/1M articles are practical: an invented vocabulary built from syllables (Zipf-like
word frequencies), an invented cast per article (first names, surnames, places,
organisations), random numbers, sentences of 12-27 words, a headline, a byline, a date
line and site footers (debris for the boilerplate stage). Everything derives from
``(seed, index)``, so article i is the same in every process and run. One archived
article in 40 is a planted copy (a reprint or a light spin) of an earlier one, so that
checks meet real matches and duplicates in the index.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/bench_archive.py --sizes 10000,30000,100000
    python bench/bench_archive.py --sizes 2000 --profile add      # cProfile of add
    python bench/bench_archive.py --sizes 20000 --profile check   # cProfile of check
    python bench/bench_archive.py --sizes 20000 --profile check --profiler pyinstrument
    python bench/bench_archive.py --sizes 1000 --show 3           # print sample articles
    python bench/bench_archive.py --sizes 10000 --exhaustive      # check(screen=False)
    python bench/bench_archive.py --child=check --n=N --db=DB --no-packs  # prepare, not unpack
    python bench/bench_archive.py --sizes 10000 --archive /tmp/archive_old.py  # before/after
    python bench/bench_archive.py --sizes 1000000 --keep --dir D --resume  # go on with D's

Figures: "add s" is wall time inside ``Archive.add`` (generation excluded), "add CPU s"
its process CPU time (the machine may be shared: compare CPU figures when the load
average is high; it is printed per size). Check latencies are wall time per call over
all queries; "CPU p50" is per-call process CPU time; "copy"/"unrel." split the p50 by
query kind; "first20" is the p50 of the first 20 (coldest) checks.

Results (one JSON object per size, plus the table) go to ``bench/out/archive.json``
unless ``--json`` says otherwise.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread; newstrace importable) before numpy
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
try:
    import newstrace  # noqa: F401
except ImportError:  # not installed: use the working tree
    sys.path.insert(0, str(ROOT / "src"))

from newstrace.model import Article  # noqa: E402

COPY_EVERY = 40
"""Archived article i is a planted copy of an earlier one when i % COPY_EVERY == COPY_EVERY-1."""
QUERY_BASE = 50_000_000
"""Unrelated query articles use indices from here (never archived)."""


# --- invented material ------------------------------------------------------------------

_SYLLABLES = (
    "ka to ren mi sol var un te bro li dak fen or pa zel mu tri gan es vo qui lam ne hu ost "
    "rai bel do cy mor lin sa pe gor tu vel an bi ros ke mal nu dri fa hol sen ju ta wem ix "
    "pra lo nor si ber ga thu el mon ri sta ve pul da kor"
).split()


@dataclass(frozen=True, slots=True)
class Story:
    """An article before rendering: headline, paragraphs of sentences, cast, site."""

    index: int
    headline: str
    paragraphs: tuple[tuple[str, ...], ...]
    site: int
    author: str
    day: int


class Material:
    """Invented words, names, places, organisations and sites, fixed by one seed."""

    def __init__(self, seed: int = 1) -> None:
        rng = np.random.default_rng([seed, 0xA5C])
        self.seed = seed

        def words(count: int, lo: int, hi: int, taken: set[str]) -> list[str]:
            out: list[str] = []
            while len(out) < count:
                k = int(rng.integers(lo, hi + 1))
                w = "".join(_SYLLABLES[int(j)] for j in rng.integers(0, len(_SYLLABLES), k))
                if w not in taken:
                    taken.add(w)
                    out.append(w)
            return out

        taken: set[str] = set()
        # Common words: short ones first (they get the high Zipf ranks, like "the", "of").
        common = words(60, 1, 1, taken) + words(1500, 2, 2, taken) + words(4000, 2, 3, taken)
        self.vocab = np.array(common, dtype=object)
        ranks = np.arange(1, len(common) + 1, dtype=np.float64)
        weights = 1.0 / (ranks + 2.7) ** 1.05
        self.cdf = np.cumsum(weights) / weights.sum()
        # A "synonym" for every common word: a word of similar rank (what a spinner swaps).
        perm = np.arange(len(common))
        for start in range(0, len(common), 8):
            block = perm[start : start + 8].copy()
            perm[start : start + 8] = np.roll(block, 1 + int(rng.integers(0, len(block) - 1 or 1)))
        self.synonym = {common[i]: common[int(perm[i])] for i in range(len(common))}
        cap = str.capitalize
        self.first = [cap(w) for w in words(2_000, 2, 3, taken)]
        self.last = [cap(w) for w in words(40_000, 2, 3, taken)]
        self.places = [cap(w) for w in words(5_000, 2, 3, taken)]
        org_a = [cap(w) for w in words(600, 2, 3, taken)]
        org_b = [cap(w) for w in words(40, 2, 3, taken)]
        self.orgs = [f"{org_a[i % 600]} {org_b[(i * 7) % 40]}" for i in range(3_000)]
        site_w = [cap(w) for w in words(300, 2, 3, taken)]
        self.sites = [f"The {w} {org_b[i % 40]}" for i, w in enumerate(site_w)]
        self.domains = [f"{w.lower()}.example" for w in site_w]

    # --- stories ------------------------------------------------------------------------

    def story(self, index: int) -> Story:
        """Original article ``index`` (the same in every process)."""
        rng = np.random.default_rng([self.seed, index])
        first, last = self.first, self.last
        cast = [
            (first[int(a)], last[int(b)])
            for a, b in zip(
                rng.integers(0, len(first), 8), rng.integers(0, len(last), 8), strict=True
            )
        ]
        places = [self.places[int(k)] for k in rng.integers(0, len(self.places), 4)]
        orgs = [self.orgs[int(k)] for k in rng.integers(0, len(self.orgs), 2)]
        numbers = _numbers(rng, 12)
        n_sent = int(rng.integers(27, 33))
        lengths_a = rng.integers(12, 28, n_sent)
        ids = np.searchsorted(self.cdf, rng.random(int(lengths_a.sum())))
        tokens = self.vocab[ids].tolist()
        lengths = lengths_a.tolist()
        # Entity slots per sentence, drawn at once: (kind, which, position).
        kinds = rng.random((n_sent, 6)).tolist()
        picks = rng.integers(0, 1 << 30, (n_sent, 4)).tolist()
        vocab = self.vocab
        mentioned: set[int] = set()
        sentences: list[str] = []
        pos = 0
        for s in range(n_sent):
            n = lengths[s]
            ws = tokens[pos : pos + n]
            pos += n
            k0, k1, k2, k3, k4, k5 = kinds[s]
            p = picks[s]
            # Sentence openers: a few very common words, or a content word (capitalised,
            # so they are skeleton terms, as in real text).
            ws[0] = vocab[p[3] % 12] if k5 < 0.2 else vocab[60 + (p[0] >> 3) % 3000]
            for who, at, draw in (
                (p[0] % len(cast), p[1] % n, k0 < 0.85),
                ((p[2] >> 4) % len(cast), (p[3] >> 4) % n, k4 < 0.3),
            ):
                if not draw:  # a person: full name at first mention, surname later
                    continue
                if who in mentioned:
                    ws[at] = cast[who][1]
                else:
                    mentioned.add(who)
                    ws[at] = f"{cast[who][0]} {cast[who][1]}"
            if k1 < 0.5:
                ws[p[2] % n] = numbers[p[3] % len(numbers)]
            if k2 < 0.35:
                ws[(p[1] >> 7) % n] = places[(p[0] >> 5) % len(places)]
            if k3 < 0.2:
                ws[(p[2] >> 9) % n] = orgs[(p[1] >> 3) % 2]
            if k3 > 0.7 and n > 8:
                c = (p[3] >> 11) % (n - 4) + 2
                ws[c] = ws[c] + ","
            w0 = ws[0]
            ws[0] = w0[:1].upper() + w0[1:]
            sentences.append(" ".join(ws) + ".")
        paragraphs: list[tuple[str, ...]] = []
        i = 0
        while i < len(sentences):
            size = int(rng.integers(2, 5))
            paragraphs.append(tuple(sentences[i : i + size]))
            i += size
        head_ids = np.searchsorted(self.cdf, rng.random(int(rng.integers(5, 9))))
        head = [str(w).capitalize() for w in self.vocab[head_ids]]
        head[int(rng.integers(0, len(head)))] = cast[0][1]
        head.append(places[0])
        return Story(
            index,
            " ".join(head),
            tuple(paragraphs),
            int(rng.integers(0, len(self.sites))),
            f"{cast[7][0]} {cast[7][1]}",
            index // 300,
        )

    def spin(self, story: Story, rng: np.random.Generator, strength: float, index: int) -> Story:
        """A rewrite: common words swapped for "synonyms", some sentences dropped, a
        number changed, two sentences merged; names and most numbers kept."""
        syn = self.synonym
        paragraphs: list[tuple[str, ...]] = []
        changed_number = False
        for para in story.paragraphs:
            out: list[str] = []
            for sent in para:
                if rng.random() < 0.08:
                    continue
                ws = sent[:-1].split(" ")
                swap = rng.random(len(ws)) < strength
                for k, w in enumerate(ws):
                    if not swap[k]:
                        continue
                    if k == 0:
                        low = w[:1].lower() + w[1:]
                        if low in syn:
                            s = syn[low]
                            ws[k] = s[:1].upper() + s[1:]
                    elif w in syn:
                        ws[k] = syn[w]
                    elif not changed_number and w[:1].isdigit():
                        ws[k] = _number(rng)
                        changed_number = True
                out.append(" ".join(ws) + ".")
            if len(out) >= 2 and rng.random() < 0.15:  # merge two sentences
                a, b = out[0], out[1]
                out[0:2] = [a[:-1] + ", and " + b[:1].lower() + b[1:]]
            if out:
                paragraphs.append(tuple(out))
        head = story.headline.split(" ")
        head.insert(int(rng.integers(0, len(head) + 1)), str(self.vocab[int(rng.integers(0, 60))]))
        return Story(
            index,
            " ".join(head),
            tuple(paragraphs),
            int(rng.integers(0, len(self.sites))),
            story.author,
            story.day + int(rng.integers(0, 3)),
        )

    def reprint(self, story: Story, rng: np.random.Generator, index: int) -> Story:
        """The same body on another site (other headline form, byline and footers)."""
        return Story(
            index,
            story.headline + ": report",
            story.paragraphs,
            int(rng.integers(0, len(self.sites))),
            story.author,
            story.day + 1,
        )

    def render(self, story: Story) -> Article:
        site = self.sites[story.site]
        day = story.day
        date = f"{2020 + day // 360:04d}-{1 + day // 30 % 12:02d}-{1 + day % 30:02d}"
        lines = [story.headline, f"By {story.author}", date, ""]
        lines.extend(" ".join(p) + "\n" for p in story.paragraphs)
        lines.append(f"Copyright {2020 + day // 360} {site}. All rights reserved.")
        lines.append("Share this story")
        return Article(
            id=f"a{story.index:08d}",
            text="\n".join(lines),
            title=story.headline,
            url=f"https://{self.domains[story.site]}/{story.index}",
            site=site,
            published=date,
            author=story.author,
            format="string",
        )

    # --- the archive stream and the queries ---------------------------------------------

    def source_of(self, index: int) -> tuple[str, int] | None:
        """For a planted copy: (kind, index of the original); None for an original."""
        if index % COPY_EVERY != COPY_EVERY - 1:
            return None
        rng = np.random.default_rng([self.seed, index, 1])
        j = int(rng.integers(0, index))
        if j % COPY_EVERY == COPY_EVERY - 1:
            j -= 1
        return ("reprint" if index % (2 * COPY_EVERY) == COPY_EVERY - 1 else "spin"), j

    def archived(self, index: int) -> Article:
        """Archived article ``index``: an original, or a planted copy of an earlier one."""
        src = self.source_of(index)
        if src is None:
            return self.render(self.story(index))
        kind, j = src
        rng = np.random.default_rng([self.seed, index, 2])
        original = self.story(j)
        copy = (
            self.reprint(original, rng, index)
            if kind == "reprint"
            else self.spin(original, rng, 0.12, index)
        )
        return self.render(copy)

    def stream(self, n: int, batch: int, first: int = 0) -> Iterator[list[Article]]:
        """Archived articles ``first`` to ``n - 1``, ``batch`` at a time (article i is
        the same in every run, so a build stopped after i articles goes on from i)."""
        for start in range(first, n, batch):
            yield [self.archived(i) for i in range(start, min(n, start + batch))]

    def queries(self, n_archived: int, count: int, seed: int) -> list[tuple[Article, int | None]]:
        """``count`` query articles: (article, index of the archived original or None).

        Even positions: a spin (strength 0.25) of a random archived original; odd: a new
        unrelated article."""
        rng = np.random.default_rng([self.seed, seed, 3])
        out: list[tuple[Article, int | None]] = []
        for q in range(count):
            if q % 2 == 0:
                j = int(rng.integers(0, n_archived))
                if j % COPY_EVERY == COPY_EVERY - 1:
                    j -= 1
                qrng = np.random.default_rng([self.seed, seed, 4, q])
                spun = self.spin(self.story(j), qrng, 0.25, QUERY_BASE + q)
                art = self.render(spun)
                out.append(
                    (
                        Article(
                            id=f"q{q:04d}",
                            text=art.text,
                            title=art.title,
                            site=art.site,
                            published=art.published,
                        ),
                        j,
                    )
                )
            else:
                art = self.render(self.story(QUERY_BASE + 1_000_000 + q))
                out.append(
                    (
                        Article(
                            id=f"q{q:04d}",
                            text=art.text,
                            title=art.title,
                            site=art.site,
                            published=art.published,
                        ),
                        None,
                    )
                )
        return out


def _numbers(rng: np.random.Generator, count: int) -> list[str]:
    kind = rng.random(count).tolist()
    a = rng.integers(0, 1 << 30, count).tolist()
    b = rng.integers(0, 10, count).tolist()
    out = []
    for r, x, y in zip(kind, a, b, strict=True):
        if r < 0.4:
            out.append(str(2 + x % 98))
        elif r < 0.7:
            out.append(f"{100 + x % 99_900:,}")
        elif r < 0.85:
            out.append(f"{1 + x % 99}.{y}")
        else:
            out.append(str(1950 + x % 80))
    return out


def _number(rng: np.random.Generator) -> str:
    r = float(rng.random())
    if r < 0.4:
        return str(int(rng.integers(2, 100)))
    if r < 0.7:
        return f"{int(rng.integers(100, 100_000)):,}"
    if r < 0.85:
        return f"{int(rng.integers(1, 100))}.{int(rng.integers(0, 10))}"
    return str(int(rng.integers(1950, 2030)))


# --- measurement helpers ----------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def db_size_mb(path: Path) -> float:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            total += p.stat().st_size
    return total / 2**20


def evict(path: Path) -> None:
    """Drop the archive's pages from the OS page cache (clean pages only; no root)."""
    for suffix in ("", "-wal"):
        p = Path(str(path) + suffix)
        if not p.exists():
            continue
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q / 100.0 * (len(s) - 1))))
    return s[k]


# --- child processes --------------------------------------------------------------------


def _use_archive_module(path: str | None) -> None:
    """Load another copy of ``archive.py`` as ``newstrace.archive`` (before/after runs)."""
    if not path:
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location("newstrace.archive", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "newstrace"
    sys.modules["newstrace.archive"] = mod
    spec.loader.exec_module(mod)


def child_build(args: argparse.Namespace) -> dict[str, object]:
    _use_archive_module(args.archive)
    from newstrace.archive import Archive
    from newstrace.options import Options

    mat = Material(args.seed)
    path = Path(args.db)
    opts = Options(batch_size=args.batch)
    rss0 = current_rss_mb()
    gen_s = add_s = add_cpu = 0.0
    added = 0
    marks: list[tuple[int, float, float]] = []
    profiler = _start_profiler(args) if args.profile == "add" else None
    with Archive(path, options=opts) as ar:
        first = len(ar)  # 0, or where a kept build stopped (--resume)
        t = time.perf_counter()
        for batch in mat.stream(args.n, args.batch, first):
            t1 = time.perf_counter()
            c1 = time.process_time()
            gen_s += t1 - t
            report = ar.add(batch)  # one batch: one transaction
            add_cpu += time.process_time() - c1
            t = time.perf_counter()
            add_s += t - t1
            added += report.added
            if added % max(args.batch, args.n // 10 // args.batch * args.batch) == 0:
                marks.append((added, round(add_s, 2), round(current_rss_mb(), 1)))
        rss_open = current_rss_mb()
    _stop_profiler(profiler, args, "add")
    return {
        "n": args.n,
        "resumed_from": first,
        "added": added,
        "add_s": add_s,
        "add_cpu_s": add_cpu,
        "gen_s": gen_s,
        "add_rate": added / add_s if add_s else float("nan"),
        "peak_rss_mb": peak_rss_mb(),
        "rss_start_mb": rss0,
        "rss_end_mb": rss_open,
        "db_mb": db_size_mb(path),
        "progress": marks,
    }


def child_check(args: argparse.Namespace) -> dict[str, object]:
    _use_archive_module(args.archive)
    from newstrace.archive import Archive

    mat = Material(args.seed)
    path = Path(args.db)
    queries = mat.queries(args.n, args.queries, args.query_seed)
    expected_ids = {q.id: (None if j is None else f"a{j:08d}") for q, j in queries}
    # Also every archived copy of the same original counts as a true match (not needed
    # for recall, but not a false match either).
    copies_of: dict[int, list[str]] = {}
    for i in range(COPY_EVERY - 1, args.n, COPY_EVERY):
        src = mat.source_of(i)
        assert src is not None
        copies_of.setdefault(src[1], []).append(f"a{i:08d}")
    if args.cold:
        evict(path)
    rss0 = current_rss_mb()
    times: list[float] = []
    cpu: list[float] = []
    hits = misses = false = extra = 0
    relations: dict[str, int] = {}
    profiler = None
    gc.collect()
    with Archive(path, create=False) as ar:
        if args.no_packs:  # archived articles prepared again, as before schema 5
            ar.packs = False
        for k, (art, j) in enumerate(queries):
            if k == args.warmup_skip and args.profile == "check":
                profiler = _start_profiler(args)
            t0 = time.perf_counter()
            c0 = time.process_time()
            matches = ar.check(art, screen=False) if args.exhaustive else ar.check(art)
            cpu.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
            found = [m.id for m in matches]
            if j is None:
                false += bool(found)
            else:
                want = expected_ids[art.id]
                ok = {want, *copies_of.get(j, [])}
                if want in found:
                    hits += 1
                    m = next(m for m in matches if m.id == want)
                    relations[m.comparison.relation] = relations.get(m.comparison.relation, 0) + 1
                else:
                    misses += 1
                extra += sum(1 for f in found if f not in ok)
    _stop_profiler(profiler, args, "check")
    ms = [t * 1000 for t in times]
    copies = [ms[k] for k, (_, j) in enumerate(queries) if j is not None]
    fresh = [ms[k] for k, (_, j) in enumerate(queries) if j is None]
    return {
        "n": args.n,
        "queries": len(queries),
        "cold": args.cold,
        "p50_ms": pct(ms, 50),
        "p95_ms": pct(ms, 95),
        "p99_ms": pct(ms, 99),
        "mean_ms": statistics.fmean(ms),
        "max_ms": max(ms),
        "cpu_p50_ms": pct([c * 1000 for c in cpu], 50),
        "cpu_p95_ms": pct([c * 1000 for c in cpu], 95),
        "first20_p50_ms": pct(ms[:20], 50),
        "copy_p50_ms": pct(copies, 50),
        "unrelated_p50_ms": pct(fresh, 50),
        "recall": hits / max(1, hits + misses),
        "found": hits,
        "missed": misses,
        "relations": relations,
        "unrelated_with_match": false,
        "other_matches": extra,
        "check_rss_mb": peak_rss_mb(),
        "check_rss_growth_mb": current_rss_mb() - rss0,
    }


def _start_profiler(args: argparse.Namespace):
    if args.profiler == "pyinstrument":
        from pyinstrument import Profiler

        p = Profiler(interval=0.0005)
        p.start()
        return p
    import cProfile

    p = cProfile.Profile()
    p.enable()
    return p


def _stop_profiler(p, args: argparse.Namespace, what: str) -> None:
    if p is None:
        return
    if args.profiler == "pyinstrument":
        p.stop()
        print(p.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
        return
    import io
    import pstats

    p.disable()
    out = io.StringIO()
    st = pstats.Stats(p, stream=out)
    st.sort_stats("cumulative").print_stats(45)
    st.sort_stats("tottime").print_stats(30)
    print(f"--- cProfile of {what} ---\n{out.getvalue()}", file=sys.stderr)


# --- driver -----------------------------------------------------------------------------


def run_child(mode: str, args: argparse.Namespace, n: int, db: Path) -> dict[str, object]:
    cmd = [
        sys.executable,
        __file__,
        f"--child={mode}",
        f"--n={n}",
        f"--db={db}",
        f"--seed={args.seed}",
        f"--batch={args.batch}",
        f"--queries={args.queries}",
        f"--query-seed={args.query_seed}",
        f"--profiler={args.profiler}",
        f"--warmup-skip={args.warmup_skip}",
    ]
    if args.profile:
        cmd.append(f"--profile={args.profile}")
    if args.archive:
        cmd.append(f"--archive={args.archive}")
    if args.exhaustive:
        cmd.append("--exhaustive")
    if args.no_packs:
        cmd.append("--no-packs")
    if not args.cold:
        cmd.append("--warm")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {mode} n={n} failed with status {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(rows: list[dict[str, object]]) -> str:
    head = (
        "size",
        "add s",
        "add CPU s",
        "art/s",
        "peak RSS MiB",
        "DB MiB",
        "B/art",
        "check p50",
        "p95",
        "p99",
        "CPU p50",
        "copy p50",
        "unrel. p50",
        "first20 p50",
        "recall",
        "unrel. hit",
        "check RSS",
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        b, c = r["build"], r["check"]
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{r['n']:,}",
                    f"{b['add_s']:.1f}",
                    f"{b['add_cpu_s']:.1f}",
                    f"{b['add_rate']:.0f}",
                    f"{b['peak_rss_mb']:.0f}",
                    f"{b['db_mb']:.0f}",
                    f"{b['db_mb'] * 2**20 / r['n']:.0f}",
                    f"{c['p50_ms']:.1f} ms",
                    f"{c['p95_ms']:.1f}",
                    f"{c['p99_ms']:.1f}",
                    f"{c['cpu_p50_ms']:.1f}",
                    f"{c['copy_p50_ms']:.1f}",
                    f"{c['unrelated_p50_ms']:.1f}",
                    f"{c['first20_p50_ms']:.1f}",
                    f"{c['recall']:.2f} ({c['found']}/{c['found'] + c['missed']})",
                    f"{c['unrelated_with_match']}/{c['queries'] - c['found'] - c['missed']}",
                    f"{c['check_rss_mb']:.0f}",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", default="10000,30000,100000", help="comma-separated archive sizes (articles)"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=512, help="articles per add batch")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--query-seed", type=int, default=7)
    ap.add_argument(
        "--warm",
        dest="cold",
        action="store_false",
        help="do not evict the archive from the OS page cache before checks",
    )
    ap.add_argument("--dir", default=None, help="where the temporary archives go")
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the archive files (in --dir, or a new temporary directory)",
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="with --keep and --dir: add to the archive a stopped build left there "
        "(from the article it stopped at) instead of starting a new one",
    )
    ap.add_argument("--profile", choices=("add", "check"), default=None)
    ap.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile")
    ap.add_argument(
        "--warmup-skip", type=int, default=10, help="queries before the check profiler starts"
    )
    ap.add_argument(
        "--archive",
        default=None,
        help="benchmark this copy of archive.py instead of newstrace.archive "
        "(e.g. the previous version, for before/after figures)",
    )
    ap.add_argument(
        "--exhaustive",
        action="store_true",
        help="check with screen=False: verify every top candidate",
    )
    ap.add_argument(
        "--no-packs",
        action="store_true",
        help="check preparing the archived articles it compares, not unpacking their "
        "stored preparations (the archive before schema 5)",
    )
    ap.add_argument("--show", type=int, default=0, help="print this many sample articles")
    ap.add_argument("--json", default=str(HERE / "out" / "archive.json"))
    ap.add_argument("--child", choices=("build", "check"), help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        fn = child_build if args.child == "build" else child_check
        print(json.dumps(fn(args)))
        return
    if args.show:
        mat = Material(args.seed)
        for art in [
            mat.archived(0),
            mat.archived(COPY_EVERY - 1),
            *[q for q, _ in mat.queries(1000, 2, args.query_seed)],
        ][: args.show]:
            print(f"=== {art.id} ({len(art.text.split())} words)\n{art.text}\n")
        return

    if args.resume and not (args.keep and args.dir):
        raise SystemExit("--resume goes on with an archive kept in --dir: give --keep and --dir")
    command = "python bench/bench_archive.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    rows: list[dict[str, object]] = []
    print(f"# {command}", flush=True)
    print(
        f"# python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}",
        flush=True,
    )
    if args.dir:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
    for n in sizes:
        with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-archive-") as tmp:
            db = Path(tmp) / f"archive-{n}.db"
            if args.keep:
                db = Path(args.dir or tempfile.mkdtemp(prefix="bench-archive-")) / db.name
                for suffix in ("", "-wal", "-shm") if not args.resume else ():
                    Path(str(db) + suffix).unlink(missing_ok=True)
            t0 = time.perf_counter()
            build = run_child("build", args, n, db)
            print(
                f"  built {n:,}: add {build['add_s']:.1f} s ({build['add_rate']:.0f} art/s), "
                f"generation {build['gen_s']:.1f} s, peak RSS {build['peak_rss_mb']:.0f} MiB, "
                f"db {build['db_mb']:.0f} MiB",
                flush=True,
            )
            check = run_child("check", args, n, db)
            print(
                f"  checked {check['queries']} against {n:,}: p50 {check['p50_ms']:.1f} ms, "
                f"p95 {check['p95_ms']:.1f} ms, recall {check['recall']:.2f}, "
                f"unrelated with a match {check['unrelated_with_match']} "
                f"({time.perf_counter() - t0:.0f} s in all; load average "
                f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
                flush=True,
            )
            rows.append({"n": n, "build": build, "check": check, "loadavg": os.getloadavg()})
            if args.keep:
                print(f"  kept {db}")
    print()
    print(table(rows))
    print(f"\ncommand: {command}")
    if args.json and not args.profile:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "command": command,
                    "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version,
                    "cpus": os.cpu_count(),
                    "cold": args.cold,
                    "rows": rows,
                },
                indent=1,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
