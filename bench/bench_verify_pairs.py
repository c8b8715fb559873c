"""CPU time of a scan's verification, per candidate pair and per article, on one core.

A scan verifies each candidate pair with ``corpus.judge_pair`` after preparing both
articles once (``compare.prepare``); each article's whole-article views (containment's
n-gram keys, the aligner's term arrays, its provenance lines) are made on its first pair
and kept. So verification costs, per article, a preparation and its views, and per pair
the comparison proper. This times the three apart on the candidate pairs that a scan of
generated news verifies (its candidate stage run as ``newstrace scan`` runs it, the
first ``--pairs`` of them in the scan's visit order), each figure the best of
``--reps`` passes:

* prepare: ``compare.prepare`` of every article of those pairs (ms an article);
* first: ``judge_pair`` of every pair on freshly prepared articles (views made on the
  way), per pair;
* warm: the same pairs again (views kept), per pair;
* containment: ``containment.containment`` of every pair, warm, per call.

Not a test: it prints figures. Compare two codes side by side, one per core, with
``PYTHONPATH=<src> taskset -c <core>``.

    . .venv/bin/activate
    python bench/bench_verify_pairs.py [--corpus bench/out/corpus-10000.jsonl] [--pairs 3000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)

from newstrace.compare import Prepared, prepare
from newstrace.containment import containment
from newstrace.corpus import CorpusFingerprinter, judge_pair, screen_candidates, visit_order
from newstrace.ingest import iter_articles
from newstrace.lsh import candidate_pairs
from newstrace.model import Article
from newstrace.options import DEFAULT_OPTIONS


def candidate_articles(path: str, limit: int, count: int) -> list[tuple[Article, Article]]:
    """The first ``count`` candidate pairs (visit order) of a scan of the corpus's first
    ``limit`` articles."""
    options = replace(DEFAULT_OPTIONS, jobs=1)
    articles = list(iter_articles([path], options=options))[:limit]
    printer = CorpusFingerprinter(options)
    printer.add(articles)
    fp, keys = printer.finish()
    pairs = screen_candidates(candidate_pairs(keys, options.max_bucket), fp, options)
    pairs = pairs[visit_order(pairs)][:count]
    return [(articles[i], articles[j]) for i, j in pairs.tolist()]


def best(reps: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(reps))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="bench/out/corpus-10000.jsonl")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    pairs = candidate_articles(args.corpus, args.articles, args.pairs)
    articles = list({a.id: a for pair in pairs for a in pair}.values())
    held: dict[str, Prepared] = {}

    def prepared() -> float:
        held.clear()
        t = time.process_time()
        for a in articles:
            held[a.id] = prepare(a)
        return (time.process_time() - t) / len(articles) * 1e3

    def judged() -> float:
        t = time.process_time()
        for a, b in pairs:
            judge_pair(held[a.id], held[b.id])
        return (time.process_time() - t) / len(pairs) * 1e3

    def first() -> float:
        prepared()
        return judged()

    def contained() -> float:
        t = time.process_time()
        for a, b in pairs:
            containment(held[a.id].side, held[b.id].side, None, characters=False)
        return (time.process_time() - t) / len(pairs) * 1e3

    print(f"{len(pairs)} candidate pairs of {args.corpus}, {len(articles)} articles")
    print(f"prepare      {best(args.reps, prepared):.3f} ms an article")
    print(f"first        {best(args.reps, first):.3f} ms a pair (views made on the way)")
    print(f"warm         {best(args.reps, judged):.3f} ms a pair")
    print(f"containment  {best(args.reps, contained):.3f} ms a call (warm)")
    print(
        f"reproduce: python bench/bench_verify_pairs.py --corpus {args.corpus} "
        f"--articles {args.articles} --pairs {args.pairs} --reps {args.reps}"
    )


if __name__ == "__main__":
    main()
