"""Benchmark: newstrace's scan candidate stage vs datasketch MinHash LSH, same corpus.

Usage (from the repository root)::

    . .venv/bin/activate          # datasketch (the ``bench`` extra) and scikit-learn
    python bench/bench_scan.py --n 2000 10000 --seed 1

For each ``--n`` one corpus is generated in memory by ``bench/gen_corpus.py`` (same
``--seed``: the same articles as ``gen_corpus.py --n N --seed S`` writes), read through
``newstrace.ingest.article_from_record`` like a JSONL scan, and both tools get the same
input:

* **clean**: ``newstrace.scan.clean_bodies`` (headline and boilerplate removed) is run
  once and timed on its own; it is EXCLUDED from both candidate timings, which start
  from the same cleaned bodies.
* **datasketch**: per body, ``newstrace.fingerprint.words_of`` -> the set of word
  3-shingles as b"w1 w2 w3" (texts under 3 words: one shingle of all, as newstrace
  does) -> ``MinHash(num_perm=128)`` + ``update_batch`` (all MinHash objects share one
  permutation table, the library's documented way to avoid regenerating it per object)
  -> ``MinHashLSH(threshold=0.3, num_perm=128)``: ``insert`` every article, then
  ``query`` every article -> candidate pairs. Timed: shingling + MinHash + insert +
  query.
* **newstrace**: what ``scan`` does before verification: ``CorpusFingerprinter``
  (both channels, word 3-shingles and entity skeleton, in batches of
  ``Options.batch_size``; corpus-common skeleton terms left out) + band keys +
  ``lsh.candidate_pairs`` + ``scan.screen_candidates`` (estimated-Jaccard screen). Timed
  the same way.

Figures are articles per second for each, their ratio, candidate counts, candidate
recall against the corpus truth, and pair precision/recall/F1 of: datasketch's
candidates taken as the final answer; those filtered by datasketch's estimated Jaccard
>= 0.3; and newstrace's full scan (``newstrace.scan.scan``: candidates + verification +
families, timed from the articles, cleaning included). A full scan costs one
verification per candidate pair, so above ``--full-scan-max`` articles it is not run;
its figures are then *estimated*: every candidate that is a truth pair is verified
(exact recall), plus a fixed random sample of the other candidates, whose reuse rate
times their number estimates the false positives; the full-scan time is projected from
the measured cost per verified pair. Both are labelled as such.

For the full scan the report also gives its CPU time (``time.process_time``) and the
verification's, the time spent in CPython's cyclic garbage collector (``gc.callbacks``),
how many articles the verification prepared against the distinct articles in candidate
pairs (``PreparedCache.prepares``), and a digest of the pairs and families found (equal
digests: the same answer).

Timing: the process is pinned to one CPU (``os.sched_setaffinity(0, {0})``) with
BLAS/OpenMP at one thread; both pipelines are warmed up first on a small corpus of
another seed; each timed block runs ``--repeat`` times after ``gc.collect()``, and the
first and the best run are reported (newstrace's word vocabulary cache is warmer after
the first run; datasketch has no such cache). Everything is deterministic except the
timings.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import platform
import random
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread; newstrace importable) before numpy
import eval_scan
import numpy as np

from newstrace.corpus import BandKeys
from newstrace.fingerprint import words_of
from newstrace.ingest import article_from_record
from newstrace.lsh import candidate_pairs
from newstrace.model import Article
from newstrace.options import DEFAULT_OPTIONS
from newstrace.scan import (
    CorpusFingerprinter,
    clean_bodies,
    scan,
    screen_candidates,
)
from newstrace_synth import corpus as gen_corpus

try:
    from datasketch import MinHash, MinHashLSH
except ImportError:  # pragma: no cover
    sys.exit("bench_scan needs datasketch: pip install -e '.[bench]'")

THRESHOLD = 0.3
NUM_PERM = 128


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    try:
        os.sched_setaffinity(0, {0})
    except OSError as exc:
        return f"not pinned ({exc})"
    return "pinned to CPU 0"


# --- the two candidate stages ------------------------------------------------------------------


def shingles_of(body: str, k: int = 3) -> set[bytes]:
    w = words_of(body)
    if not w:
        return set()
    if len(w) < k:
        return {" ".join(w).encode("utf-8")}
    return {" ".join(w[i : i + k]).encode("utf-8") for i in range(len(w) - k + 1)}


class Datasketch:
    """datasketch MinHash + MinHashLSH over the same word 3-shingles."""

    def __init__(self) -> None:
        proto = MinHash(num_perm=NUM_PERM)
        self.perms, self.scheme = proto.permutations, proto.scheme  # shared permutation table

    def run(self, bodies: list[str]) -> tuple[np.ndarray, list, dict[str, float]]:
        t0 = time.perf_counter()
        sh = [shingles_of(b) for b in bodies]
        t1 = time.perf_counter()
        mh = []
        for s in sh:
            m = MinHash(num_perm=NUM_PERM, permutations=self.perms, scheme=self.scheme)
            if s:
                m.update_batch(list(s))
            mh.append(m)
        t2 = time.perf_counter()
        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        for i, m in enumerate(mh):
            lsh.insert(i, m, check_duplication=False)
        pairs = set()
        for i, m in enumerate(mh):
            for j in lsh.query(m):
                if j != i:
                    pairs.add((i, j) if i < j else (j, i))
        t3 = time.perf_counter()
        arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        return arr, mh, {"shingle": t1 - t0, "minhash": t2 - t1, "lsh": t3 - t2, "total": t3 - t0}


def newstrace_candidates(
    bodies: list[str],
    options=DEFAULT_OPTIONS,
) -> tuple[np.ndarray, BandKeys, dict[str, float]]:
    """What a scan does before verification: both channels (corpus-common skeleton terms
    left out), bands, candidate pairs, and the screen by estimated Jaccard."""
    t0 = time.perf_counter()
    printer = CorpusFingerprinter(options)
    for k in range(0, len(bodies), options.batch_size):
        printer.add_bodies(bodies[k : k + options.batch_size])
    fp, allk = printer.finish()
    t1 = time.perf_counter()
    pairs = candidate_pairs(allk, options.max_bucket)
    t2 = time.perf_counter()
    screened = screen_candidates(pairs, fp, options)
    t3 = time.perf_counter()
    return (
        screened,
        allk,
        {
            "fingerprint+bands": t1 - t0,
            "candidates": t2 - t1,
            "screen": t3 - t2,
            "unscreened": len(pairs),
            "total": t3 - t0,
        },
    )


def newstrace_shingle_only(bodies: list[str], options=DEFAULT_OPTIONS) -> np.ndarray:
    """The same work as datasketch does (word 3-shingles, 128 slots, banding at the same
    threshold), nothing more: newstrace's shingle channel alone."""
    from newstrace.fingerprint import fingerprint_texts
    from newstrace.lsh import band_keys, optimal_banding

    banding = optimal_banding(options.shingle_threshold, options.num_perm, channel=0)
    keys = [
        band_keys(
            fingerprint_texts(
                bodies[k : k + options.batch_size], num_perm=options.num_perm, skeleton=False
            ).shingles,
            banding,
        )
        for k in range(0, len(bodies), options.batch_size)
    ]
    return candidate_pairs(np.concatenate(keys), options.max_bucket)


def shingle_channel_pairs(allk: BandKeys, options=DEFAULT_OPTIONS) -> np.ndarray:
    """Candidates of newstrace's word-shingle channel alone (its first band columns)."""
    from newstrace.lsh import optimal_banding

    b = optimal_banding(options.shingle_threshold, options.num_perm, channel=0).bands
    return candidate_pairs(allk.block(0, b), options.max_bucket)


# --- scoring -------------------------------------------------------------------------------------


def to_ids(pairs: np.ndarray, ids: list[str]) -> set[tuple[str, str]]:
    out = set()
    for i, j in pairs.tolist():
        a, b = ids[i], ids[j]
        out.add((a, b) if a < b else (b, a))
    return out


def pair_scores(truth: dict, found: set[tuple[str, str]]) -> dict:
    """Reuse-vs-not P/R/F1 of a set of id pairs (ambiguous truth pairs left out), and
    recall per truth relation."""
    tp_map = {(p["a"], p["b"]): p for p in truth["pairs"]}
    amb = {tuple(p) for p in truth["ambiguous"]}
    scored = {k for k in found if k not in amb}
    tp = len(scored & tp_map.keys())
    p, r, f = eval_scan._prf(tp, len(scored) - tp, len(tp_map) - tp)
    rel = Counter(t["relation"] for t in tp_map.values())
    hit = Counter(t["relation"] for k, t in tp_map.items() if k in found)
    return {
        "pairs": len(found),
        "tp": tp,
        "fp": len(scored) - tp,
        "precision": p,
        "recall": r,
        "f1": f,
        "recall_by_relation": {x: hit[x] / n for x, n in sorted(rel.items())},
    }


def _term_stats(bodies: list[str]):
    """The corpus statistics ``scan`` gives the verifier, when this newstrace has them."""
    try:
        from newstrace.align import TermStats
        from newstrace.fingerprint import document_frequencies
    except ImportError:
        return None
    return TermStats(dict(document_frequencies(bodies)), len(bodies))


def estimated_full_scan(
    articles: list[Article],
    bodies: list[str],
    cands: np.ndarray,
    truth: dict,
    sample: int,
    seed: int,
) -> dict:
    """Verify every truth-pair candidate and a random sample of the other candidates."""
    from newstrace.compare import prepare
    from newstrace.scan import verify_pair

    ids = [a.id for a in articles]
    tp_map = {(p["a"], p["b"]): p for p in truth["pairs"]}
    amb = {tuple(p) for p in truth["ambiguous"]}
    cand_ids = [
        (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i]) for i, j in cands.tolist()
    ]
    true_idx = [k for k, c in enumerate(cand_ids) if c in tp_map]
    other_idx = [k for k, c in enumerate(cand_ids) if c not in tp_map and c not in amb]
    rng = random.Random(seed)
    sampled = sorted(rng.sample(other_idx, min(sample, len(other_idx))))
    corpus = _term_stats(bodies)
    takes_corpus = "corpus" in inspect.signature(verify_pair).parameters
    cache: dict[int, object] = {}

    def get(i: int):
        if i not in cache:
            cache[i] = prepare(articles[i], DEFAULT_OPTIONS)
        return cache[i]

    def verify(k: int):
        i, j = cands[k].tolist()
        args = (get(i), get(j), DEFAULT_OPTIONS) + ((corpus,) if takes_corpus else ())
        return verify_pair(*args)

    t0 = time.perf_counter()
    found_true = {}
    for k in true_idx:
        r = verify(k)
        if r is not None:
            found_true[cand_ids[k]] = r.relation
    fp_sample = Counter()
    for k in sampled:
        r = verify(k)
        if r is not None:
            fp_sample[r.relation] += 1
    seconds = time.perf_counter() - t0
    per_pair = seconds / max(1, len(true_idx) + len(sampled))
    rate = sum(fp_sample.values()) / len(sampled) if sampled else 0.0
    fp_est = rate * len(other_idx)
    tp = len(found_true)
    p, r, f = eval_scan._prf(tp, round(fp_est), len(tp_map) - tp)
    rel = Counter(t["relation"] for t in tp_map.values())
    exact = Counter(
        tp_map[k]["relation"] for k, v in found_true.items() if v == tp_map[k]["relation"]
    )
    fp_rel = {
        x: fp_sample[x] / len(sampled) * len(other_idx) if sampled else 0.0
        for x in eval_scan.RELATIONS
    }
    pred_rel = Counter(found_true.values())
    per_rel = {}
    for x in eval_scan.RELATIONS:
        tp_x = exact[x]
        wrong_label = pred_rel[x] - tp_x
        pr, rr, fr = eval_scan._prf(tp_x, round(wrong_label + fp_rel[x]), rel[x] - tp_x)
        per_rel[x] = {"precision": pr, "recall": rr, "f1": fr}
    return {
        "estimated": True,
        "verified": len(true_idx) + len(sampled),
        "sampled_other": len(sampled),
        "other_candidates": len(other_idx),
        "fp_rate_in_sample": rate,
        "fp_estimated": fp_est,
        "tp": tp,
        "precision": p,
        "recall": r,
        "f1": f,
        "per_relation": per_rel,
        "ms_per_verified_pair": per_pair * 1000,
        "projected_scan_seconds": per_pair * len(cands),
    }


# --- running -------------------------------------------------------------------------------------


def load(n: int, seed: int) -> tuple[list[Article], dict]:
    corpus = gen_corpus.build_corpus(n, seed)
    articles = [article_from_record(rec, f"gen:{rec['id']}") for rec in corpus.records()]
    return articles, corpus.truth()


def timed(fn, repeat: int):
    runs = []
    out = None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return out, runs


def scan_digest(result) -> str:
    """A short hash of a scan's pairs (with relation, coverage, source and score) and
    families, to tell at a glance that two runs found exactly the same."""
    import hashlib

    h = hashlib.sha256()
    for p in result.pairs:
        h.update(repr(p).encode())
    for f in result.families:
        h.update(repr(f).encode())
    return h.hexdigest()[:16]


class ScanMeter:
    """What a full scan's verification costs beyond wall time: its CPU time (this
    process; forked workers not counted), how many articles its cache of prepared
    articles prepared (``PreparedCache.prepares``, when this newstrace counts them)
    against the distinct articles in candidate pairs, and the time spent in CPython's
    cyclic garbage collector during the whole scan (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.verify_cpu = 0.0
        self.prepares: int | None = None
        self.articles = 0
        self.gc_s = 0.0
        self.gc_runs = 0
        self._gc_start = 0.0

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_s += time.perf_counter() - self._gc_start
            self.gc_runs += 1

    def __enter__(self) -> ScanMeter:
        import newstrace.scan as scan_module

        self._module = scan_module
        self._verify = inner = scan_module.verify_candidates

        def verify_candidates(pairs, cache, *args, **kwargs):
            self.articles = len(np.unique(pairs))
            c = time.process_time()
            try:
                return inner(pairs, cache, *args, **kwargs)
            finally:
                self.verify_cpu = time.process_time() - c
                self.prepares = getattr(cache, "prepares", None)

        scan_module.verify_candidates = verify_candidates
        gc.callbacks.append(self._gc)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._gc)
        self._module.verify_candidates = self._verify

    def figures(self) -> dict:
        return {
            "verify_cpu_seconds": self.verify_cpu,
            "prepares": self.prepares,
            "verified_articles": self.articles,
            "gc_seconds": self.gc_s,
            "gc_runs": self.gc_runs,
        }


def bench_one(n: int, seed: int, repeat: int, full_scan_max: int, sample: int) -> dict:
    t = time.perf_counter()
    articles, truth = load(n, seed)
    gen_s = time.perf_counter() - t
    ids = [a.id for a in articles]
    gc.collect()
    t = time.perf_counter()
    bodies = clean_bodies(articles)
    clean_s = time.perf_counter() - t

    ds = Datasketch()
    (ds_pairs, ds_mh, ds_parts), ds_runs = timed(lambda: ds.run(bodies), repeat)
    (nt_pairs, nt_keys, nt_parts), nt_runs = timed(lambda: newstrace_candidates(bodies), repeat)
    nt_sh_pairs, nt_sh_runs = timed(lambda: newstrace_shingle_only(bodies), repeat)

    ds_set = to_ids(ds_pairs, ids)
    nt_set = to_ids(nt_pairs, ids)
    nt_sh_set = to_ids(shingle_channel_pairs(nt_keys), ids)
    filt = {
        (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
        for i, j in ds_pairs.tolist()
        if ds_mh[i].jaccard(ds_mh[j]) >= THRESHOLD
    }
    res = {
        "n": n,
        "seed": seed,
        "generate_s": gen_s,
        "clean_s": clean_s,
        "truth_pairs": len(truth["pairs"]),
        "datasketch": {
            "runs": ds_runs,
            "parts_last": ds_parts,
            "candidates": pair_scores(truth, ds_set),
            "jaccard_filtered": pair_scores(truth, filt),
        },
        "newstrace_shingles_only": {
            "runs": nt_sh_runs,
            "candidates": pair_scores(truth, to_ids(nt_sh_pairs, ids)),
        },
        "newstrace": {
            "runs": nt_runs,
            "parts_last": nt_parts,
            "candidates": pair_scores(truth, nt_set),
            "shingle_channel": pair_scores(truth, nt_sh_set),
        },
    }
    if n <= full_scan_max:
        gc.collect()
        with ScanMeter() as meter:
            t = time.perf_counter()
            c = time.process_time()
            result = scan(articles)
            scan_cpu = time.process_time() - c
            scan_s = time.perf_counter() - t
        predicted = [
            {"a": p.a, "b": p.b, "relation": p.relation, "source": p.source} for p in result.pairs
        ]
        ev = eval_scan.evaluate(
            truth, predicted, [list(f.members) for f in result.families], nt_set
        )
        res["full_scan"] = {
            "estimated": False,
            "seconds": scan_s,
            "cpu_seconds": scan_cpu,
            "digest": scan_digest(result),
            "stages": result.seconds,
            **meter.figures(),
            "candidates": result.candidates,
            **ev["overall"],
            "per_relation": ev["per_relation"],
            "ari": ev["ari"],
            "false_positives": ev["false_positives"],
        }
    else:
        res["full_scan"] = estimated_full_scan(articles, bodies, nt_pairs, truth, sample, seed)
    return res


def fmt_rate(n: int, s: float) -> str:
    return f"{n / s:,.0f}" if s > 0 else "-"


def report(results: list[dict], header: str) -> str:
    L = [header, ""]
    L.append(
        "candidate stage (cleaned bodies in, candidate pairs out; clean_bodies excluded "
        "from both), articles/s on one core:"
    )
    L.append(
        f"{'n':>7} {'clean s':>8} | {'datasketch s':>12} {'art/s':>8} | "
        f"{'newstrace s':>11} {'art/s':>8} | {'nt/ds':>6} | first run: ds s, nt s"
    )
    for r in results:
        n = r["n"]
        ds, nt = min(r["datasketch"]["runs"]), min(r["newstrace"]["runs"])
        L.append(
            f"{n:>7} {r['clean_s']:>8.2f} | {ds:>12.2f} {fmt_rate(n, ds):>8} | "
            f"{nt:>11.2f} {fmt_rate(n, nt):>8} | {ds / nt:>6.1f} | "
            f"{r['datasketch']['runs'][0]:.2f}, {r['newstrace']['runs'][0]:.2f}"
        )
    L.append("same work as datasketch (word 3-shingles only, newstrace's shingle channel alone):")
    for r in results:
        n = r["n"]
        ds, sh = min(r["datasketch"]["runs"]), min(r["newstrace_shingles_only"]["runs"])
        L.append(
            f"{n:>7} | datasketch {ds:.2f} s ({fmt_rate(n, ds)}/s) | newstrace shingles "
            f"{sh:.2f} s ({fmt_rate(n, sh)}/s) | ratio {ds / sh:.1f}x"
        )
    for r in results:
        p = r["datasketch"]["parts_last"]
        q = r["newstrace"]["parts_last"]
        L.append(
            f"  n={r['n']}: datasketch shingle {p['shingle']:.2f} s, MinHash {p['minhash']:.2f} s, "
            f"LSH insert+query {p['lsh']:.2f} s; newstrace fingerprint+bands "
            f"{q['fingerprint+bands']:.2f} s, candidate_pairs {q['candidates']:.2f} s"
        )
    L.append("")
    L.append("pairs vs truth (reuse vs not; ambiguous truth pairs not scored):")
    L.append(
        f"{'n':>7} {'method':<44}{'pairs':>10}{'prec':>8}{'recall':>8}{'F1':>8}"
        f"{'R dup':>7}{'R rew':>7}{'R part':>7}"
    )
    for r in results:
        rows = [
            ("datasketch candidates (as final answer)", r["datasketch"]["candidates"]),
            ("datasketch candidates, est. Jaccard >= 0.3", r["datasketch"]["jaccard_filtered"]),
            ("newstrace candidates, shingle channel", r["newstrace"]["shingle_channel"]),
            ("newstrace candidates, both channels", r["newstrace"]["candidates"]),
        ]
        for name, s in rows:
            rr = s["recall_by_relation"]
            L.append(
                f"{r['n']:>7} {name:<44}{s['pairs']:>10,}{s['precision']:>8.3f}"
                f"{s['recall']:>8.3f}{s['f1']:>8.3f}{rr.get('duplicate', 0):>7.3f}"
                f"{rr.get('rewrite', 0):>7.3f}{rr.get('partial', 0):>7.3f}"
            )
        fs = r["full_scan"]
        name = "newstrace full scan" + (" (ESTIMATED, sampled)" if fs["estimated"] else "")
        pairs = (
            f"{fs['tp'] + round(fs['fp_estimated']):,}~"
            if fs["estimated"]
            else f"{fs['tp'] + fs['fp']:,}"
        )
        pr = fs["per_relation"]
        L.append(
            f"{r['n']:>7} {name:<44}{pairs:>10}{fs['precision']:>8.3f}{fs['recall']:>8.3f}"
            f"{fs['f1']:>8.3f}   exact-label F1: dup {pr['duplicate']['f1']:.3f}, "
            f"rew {pr['rewrite']['f1']:.3f}, part {pr['partial']['f1']:.3f}"
        )
    L.append("")
    L.append("newstrace full scan:")
    for r in results:
        fs = r["full_scan"]
        if fs["estimated"]:
            L.append(
                f"  n={r['n']}: NOT RUN (> --full-scan-max). {r['newstrace']['candidates']['pairs']:,} "
                f"candidates x {fs['ms_per_verified_pair']:.1f} ms/verified pair -> projected "
                f"{fs['projected_scan_seconds'] / 60:,.0f} min; verified {fs['verified']:,} pairs "
                f"(all {r['newstrace']['candidates']['tp']:,} truth candidates + {fs['sampled_other']:,} "
                f"of {fs['other_candidates']:,} others: {fs['fp_rate_in_sample']:.2%} called reuse "
                f"-> ~{fs['fp_estimated']:,.0f} false positives)"
            )
        else:
            st = fs["stages"]
            L.append(
                f"  n={r['n']}: {fs['seconds']:.1f} s ({fmt_rate(r['n'], fs['seconds'])} articles/s; "
                + ", ".join(f"{k} {v:.1f}" for k, v in st.items())
                + f"), {fs['candidates']:,} candidates, ARI {fs['ari']:.3f}, "
                + f"CPU {fs['cpu_seconds']:.1f} s (verify {fs['verify_cpu_seconds']:.1f} s), "
                + f"cyclic GC {fs['gc_seconds']:.1f} s in {fs['gc_runs']:,} runs, "
                + (
                    f"{fs['prepares']:,} prepares for {fs['verified_articles']:,} articles "
                    f"({fs['prepares'] / max(1, fs['verified_articles']):.2f} each), "
                    if fs["prepares"] is not None
                    else ""
                )
                + f"digest {fs['digest']}, FP {fs['fp']:,}: "
                + "; ".join(f"{v['n']} {k}" for k, v in fs["false_positives"].items())
            )
    return "\n".join(L)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[2000, 10000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per stage (default 3)")
    ap.add_argument(
        "--full-scan-max",
        type=int,
        default=1000,
        help="run the real full scan up to this many articles (default 1000); "
        "above, estimate it by sampled verification",
    )
    ap.add_argument(
        "--verify-sample",
        type=int,
        default=2000,
        help="non-truth candidates verified for the estimate (default 2000)",
    )
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    pinned = pin_to_one_core()
    import datasketch

    load_avg = os.getloadavg() if hasattr(os, "getloadavg") else None
    header = (
        f"bench_scan: {platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}, datasketch {datasketch.__version__}, {pinned}, "
        f"{os.cpu_count()} CPUs, load average at start {load_avg}"
    )
    # Warm-up: both pipelines on a small corpus of another seed.
    warm, _ = load(300, args.seed + 1000)
    wb = clean_bodies(warm)
    Datasketch().run(wb)
    newstrace_candidates(wb)
    results = []
    for n in args.n:
        t = time.perf_counter()
        results.append(bench_one(n, args.seed, args.repeat, args.full_scan_max, args.verify_sample))
        print(f"[n={n} done in {time.perf_counter() - t:.0f} s]", file=sys.stderr, flush=True)
    print(report(results, header))
    cmd = "python " + " ".join(
        shlex.quote(a)
        for a in [str(Path(sys.argv[0])), *(argv if argv is not None else sys.argv[1:])]
    )
    print(f"\nreproduce: . .venv/bin/activate && {cmd}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"header": header, "results": results}, indent=1, default=str) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
