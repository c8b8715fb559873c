"""Benchmark: time ``newstrace.compare`` on ~600-word article pairs on one core.

Not a test: it prints figures, it asserts nothing. The target (issue) is <= 5 ms per pair
on the default path (``compare(Article, Article)`` with default options).

Pairs are made by ``newstrace_synth.textgen`` from invented material, one set per kind:

* verbatim  - the same story reprinted inside another site's boilerplate
* spun      - synonym-spun rewrite with dropped sentences, a split, a merge, a changed number
* partial   - a third of the story's sentences inside a new article on another topic
* unrelated - an independent article on another topic

For each kind it times, after a warm-up pass over every pair:

* end to end: ``compare(a, b)`` on two ``Article`` objects (ms per pair);
* the two halves: ``prepare`` per article and ``compare_prepared`` on two ``Prepared``;
* inside them (best effort, internal functions): boilerplate, sentence split and term
  extraction in ``prepare``; align, verdict and drift in ``compare_prepared``.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/bench_compare.py --pairs 20 --seed 1
    python bench/bench_compare.py --profile spun            # cProfile top functions
    python bench/bench_compare.py --profile spun --profiler pyinstrument

Which build is timed matters: ``pip install .`` compiles the hot stages (``setup.py``,
about 15% less CPU per pair), an editable install (the test command's) runs them as
Python. The header says which modules run compiled; to time the shipped build::

    python3 -m venv /tmp/nt && /tmp/nt/bin/pip install -q . && /tmp/nt/bin/python bench/bench_compare.py

Figures are median and p90 over all timed calls (pairs x reps), in milliseconds, with the
process pinned to one CPU and BLAS/OpenMP limited to one thread. The garbage collector
stays on (as in real use); it is run once before each timed block.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread; newstrace importable) before numpy
from _setup import ROOT

import newstrace
from newstrace import Article, article_from_text, compare
from newstrace.compare import compare_prepared, prepare
from newstrace.options import DEFAULT_OPTIONS
from newstrace_synth import textgen

TARGET_MS = 5.0
Pair = tuple[Article, Article]


# --- setup --------------------------------------------------------------------------------


def pin_to_one_core() -> str:
    """Pin this process to one CPU (the first it may use); say what happened."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform)"
    allowed = sorted(os.sched_getaffinity(0))
    cpu = 0 if 0 in allowed else allowed[0]
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError as exc:
        return f"not pinned ({exc})"
    return f"pinned to CPU {cpu} (of {len(allowed)} allowed)"


def make_pairs(kind: str, n: int, seed: int, words: int) -> list[Pair]:
    """``n`` (original, derived) article pairs of one kind; each kind has its own stream."""
    rng = random.Random(seed * 1009 + textgen.KINDS.index(kind))
    pairs = []
    for k in range(n):
        a, b = textgen.make_pair(kind, rng, words)
        pairs.append(
            (
                article_from_text(a.text, id=f"{kind}-{k}-a"),
                article_from_text(b.text, id=f"{kind}-{k}-b"),
            )
        )
    return pairs


# --- timing -------------------------------------------------------------------------------


def time_call(samples: list[float], fn: Callable[..., object], *args: object) -> None:
    """Call ``fn(*args)`` once and append its wall time in milliseconds."""
    t0 = time.perf_counter_ns()
    fn(*args)
    samples.append((time.perf_counter_ns() - t0) / 1e6)


def summary(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    p90 = s[min(len(s) - 1, round(0.9 * (len(s) - 1)))]
    return {
        "median": statistics.median(s),
        "p90": p90,
        "mean": statistics.fmean(s),
        "min": s[0],
        "n": len(s),
    }


def bench_end_to_end(pairs: list[Pair], reps: int) -> list[float]:
    samples: list[float] = []
    gc.collect()
    for _ in range(reps):
        for a, b in pairs:
            time_call(samples, compare, a, b)
    return samples


def bench_halves(pairs: list[Pair], reps: int) -> dict[str, list[float]]:
    """``prepare`` per article and ``compare_prepared`` per pair."""
    out: dict[str, list[float]] = {"prepare": [], "compare_prepared": []}
    prepared = [(prepare(a), prepare(b)) for a, b in pairs]
    gc.collect()
    for _ in range(reps):
        for a, b in pairs:
            time_call(out["prepare"], prepare, a)
            time_call(out["prepare"], prepare, b)
        for pa, pb in prepared:
            time_call(out["compare_prepared"], compare_prepared, pa, pb)
    return out


def bench_stages(pairs: list[Pair], reps: int) -> dict[str, list[float]]:
    """The stages inside ``prepare`` and ``compare_prepared``, called one by one as those
    functions call them (internal API: raises if src/ has moved on; the caller reports)."""
    from newstrace.align import Side, align
    from newstrace.boilerplate import find_boilerplate
    from newstrace.drift import find_drifts
    from newstrace.sentences import split_sentences
    from newstrace.verdict import decide

    opt = DEFAULT_OPTIONS
    out: dict[str, list[float]] = {
        k: [] for k in ("boilerplate", "sentences", "terms", "align", "verdict", "drift")
    }
    prepared = [(prepare(a), prepare(b)) for a, b in pairs]
    gc.collect()
    for _ in range(reps):
        for art in (x for pair in pairs for x in pair):
            text = art.text
            t0 = time.perf_counter_ns()
            layout = find_boilerplate(text, title=art.title)
            t1 = time.perf_counter_ns()
            spans = [s for blk in layout.body for s in split_sentences(text, blk.start, blk.end)]
            t2 = time.perf_counter_ns()
            Side.build(text, spans)
            t3 = time.perf_counter_ns()
            out["boilerplate"].append((t1 - t0) / 1e6)
            out["sentences"].append((t2 - t1) / 1e6)
            out["terms"].append((t3 - t2) / 1e6)
        for pa, pb in prepared:
            t0 = time.perf_counter_ns()
            als = align(pa.side, pb.side, opt)
            t1 = time.perf_counter_ns()
            v = decide(
                pa.article,
                pb.article,
                pa.side,
                pb.side,
                als,
                pa.layout.removed,
                pb.layout.removed,
                opt,
            )
            t2 = time.perf_counter_ns()
            if v.relation in ("same-story", "unrelated"):
                als = []
            if als:
                find_drifts(pa.side, pb.side, als, source=v.source)
            t3 = time.perf_counter_ns()
            out["align"].append((t1 - t0) / 1e6)
            out["verdict"].append((t2 - t1) / 1e6)
            out["drift"].append((t3 - t2) / 1e6)
    return out


# --- profiling ----------------------------------------------------------------------------


def profile(pairs: list[Pair], reps: int, profiler: str, top: int) -> None:
    def work() -> None:
        for _ in range(reps):
            for a, b in pairs:
                compare(a, b)

    work()  # warm
    if profiler == "pyinstrument":
        from pyinstrument import Profiler

        p = Profiler(interval=0.0001)
        p.start()
        work()
        p.stop()
        print(p.output_text(unicode=False, color=False, show_all=False))
        return
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    work()
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = file.split("/src/", 1)[-1] if "/src/" in file else Path(file).name
        rows.append((tt, ct, nc, f"{short}:{line}({func})"))
    total = max(r[1] for r in rows)  # the profiled loop itself: shares are of its time
    print(
        f"cProfile: {len(pairs)} pairs x {reps} reps, {total * 1000:.0f} ms profiled "
        f"(profiler overhead inflates small Python calls)"
    )
    for title, key in (("by own time (tottime)", 0), ("by cumulative time", 1)):
        print(f"\n  top {top} {title}:")
        print(f"  {'own%':>6} {'cum%':>6} {'calls':>9}  function")
        for tt, ct, nc, name in sorted(rows, key=lambda r: -r[key])[:top]:
            print(f"  {100 * tt / total:6.1f} {100 * ct / total:6.1f} {nc:9d}  {name}")


# --- report -------------------------------------------------------------------------------


def environment(pinned: str) -> list[str]:
    import numpy
    import rapidfuzz
    import regex

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "--no-optional-locks",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "src",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        rev = f"{commit}{' + uncommitted changes in src/' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        rev = "?"
    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average ?"
    return [
        f"python    {sys.version.split()[0]} ({platform.python_implementation()}) on "
        f"{platform.system()} {platform.machine()}",
        f"cpu       {cpu}; {pinned}; {os.cpu_count()} CPUs, {load}",
        f"libs      numpy {numpy.__version__}, rapidfuzz {rapidfuzz.__version__}, "
        f"regex {regex.__version__}",
        f"newstrace {newstrace.__version__} from {Path(newstrace.__file__).parent} at {rev}; "
        f"compiled: {', '.join(newstrace.compiled_modules()) or 'none (pure Python)'}",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=20, help="pairs per kind (default 20)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--reps", type=int, default=5, help="timed passes over the pairs (default 5)")
    ap.add_argument("--words", type=int, default=600, help="words per original (default 600)")
    ap.add_argument(
        "--kinds",
        default=",".join(textgen.KINDS),
        help=f"comma-separated subset of {','.join(textgen.KINDS)}",
    )
    ap.add_argument(
        "--no-stages",
        action="store_true",
        help="skip the per-stage split inside prepare/compare_prepared",
    )
    ap.add_argument("--profile", metavar="KIND", help="profile compare on pairs of KIND instead")
    ap.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile")
    ap.add_argument("--top", type=int, default=20, help="rows in the cProfile tables")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = ap.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds + ([args.profile] if args.profile else []):
        if k not in textgen.KINDS:
            ap.error(f"unknown kind {k!r}")

    pinned = pin_to_one_core()
    cmd = [
        "python",
        "bench/bench_compare.py",
        "--pairs",
        str(args.pairs),
        "--seed",
        str(args.seed),
        "--reps",
        str(args.reps),
        "--words",
        str(args.words),
    ]
    if args.kinds != ",".join(textgen.KINDS):
        cmd += ["--kinds", args.kinds]
    if args.no_stages:
        cmd.append("--no-stages")
    if args.profile:
        cmd += ["--profile", args.profile, "--profiler", args.profiler]
    print("command   . .venv/bin/activate && " + shlex.join(cmd))
    for line in environment(pinned):
        print(line)

    if args.profile:
        pairs = make_pairs(args.profile, args.pairs, args.seed, args.words)
        print(f"\nprofiling compare on {args.pairs} {args.profile} pairs\n")
        profile(pairs, args.reps, args.profiler, args.top)
        return 0

    results: dict[str, dict] = {}
    for kind in kinds:
        pairs = make_pairs(kind, args.pairs, args.seed, args.words)
        words = [len(x.text.split()) for pair in pairs for x in pair]
        outcome: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        for a, b in pairs:  # warm-up pass, and what compare made of each pair
            r = compare(a, b)
            outcome[r.relation] += 1
            if r.relation not in ("same-story", "unrelated"):
                sources[r.source or "?"] += 1
        res: dict = {
            "pairs": len(pairs),
            "reps": args.reps,
            "words_per_article": statistics.median(words),
            "relations": dict(outcome),
            "sources": dict(sources),
            "compare": summary(bench_end_to_end(pairs, args.reps)),
        }
        res.update({k: summary(v) for k, v in bench_halves(pairs, args.reps).items()})
        if not args.no_stages:
            try:
                res.update({k: summary(v) for k, v in bench_stages(pairs, args.reps).items()})
            except Exception as exc:  # internal API changed under us: keep the rest
                res["stages_error"] = f"{type(exc).__name__}: {exc}"
        results[kind] = res

    n = args.pairs * args.reps
    print(
        f"\ncompare(Article, Article), default options: ms per pair, median / p90 of "
        f"{n} calls per kind ({args.pairs} pairs x {args.reps} reps, after a warm-up pass);\n"
        f"words = median words per article incl. headline and boilerplate; the original "
        f"is side a, so the expected source is a"
    )
    head = (
        f"{'kind':<10} {'words':>5} {'median':>7} {'p90':>7} {'mean':>7} {'min':>7}  "
        f"{'<=5ms?':<6}  relations found"
    )
    print(head)
    print("-" * len(head))
    for kind, r in results.items():
        c = r["compare"]
        rel = ", ".join(f"{k} {v}" for k, v in sorted(r["relations"].items()))
        if r["sources"]:
            by_source = ", ".join(f"{k}:{v}" for k, v in sorted(r["sources"].items()))
            rel += f" (source {by_source})"
        ok = "yes" if c["median"] <= TARGET_MS else "NO"
        print(
            f"{kind:<10} {r['words_per_article']:>5.0f} {c['median']:>7.2f} {c['p90']:>7.2f} "
            f"{c['mean']:>7.2f} {c['min']:>7.2f}  {ok:<6}  {rel}"
        )

    print(
        "\nwhere the time goes (median / p90 ms): prepare is per article (x2 per pair); "
        "the split columns are medians"
    )
    head = (
        f"{'kind':<10} {'compare':>13} {'prepare':>13} {'cmp_prepared':>13} | "
        f"{'boilerpl':>8} {'sentence':>8} {'terms':>8} | {'align':>7} {'verdict':>7} "
        f"{'drift':>7}"
    )
    print(head)
    print("-" * len(head))

    def mp(r: dict, key: str) -> str:
        return f"{r[key]['median']:5.2f} /{r[key]['p90']:6.2f}"

    def m(r: dict, key: str, w: int) -> str:
        return f"{r[key]['median']:>{w}.2f}" if key in r else f"{'n/a':>{w}}"

    for kind, r in results.items():
        print(
            f"{kind:<10} {mp(r, 'compare'):>13} {mp(r, 'prepare'):>13} "
            f"{mp(r, 'compare_prepared'):>13} | {m(r, 'boilerplate', 8)} "
            f"{m(r, 'sentences', 8)} {m(r, 'terms', 8)} | {m(r, 'align', 7)} "
            f"{m(r, 'verdict', 7)} {m(r, 'drift', 7)}"
        )
        if "stages_error" in r:
            print(f"  (stage split unavailable: {r['stages_error']})")
    print("\n2 x prepare + compare_prepared ~= compare; a share of each pair's time:")
    for kind, r in results.items():
        prep = 2 * r["prepare"]["median"]
        total = prep + r["compare_prepared"]["median"]
        print(
            f"  {kind:<10} prepare {100 * prep / total:4.0f}%   compare_prepared "
            f"{100 * r['compare_prepared']['median'] / total:4.0f}%"
        )

    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(
                {
                    "command": shlex.join(cmd),
                    "environment": environment(pinned),
                    "target_ms": TARGET_MS,
                    "results": results,
                },
                indent=2,
            )
        )
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
