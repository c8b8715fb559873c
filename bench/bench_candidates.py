"""Benchmark: a scan's candidate pass alone (LSH buckets, the signature screen and the
pre-verdict), on one corpus, from fingerprints made beforehand.

Not a test: it prints figures, it asserts nothing. ``bench_growth.py`` reports the same
stage inside whole scans (its "candidates" CPU), where verification, fifty times
larger, moves the machine's noise into every figure; this times the pass by itself,
``--repeats`` times in one process (the first repeat also pays for its imports), on CPU
time. Run it with another code's ``src`` on ``PYTHONPATH`` to compare two codes: the
candidate count must be the same.

    python bench/bench_candidates.py bench/out/corpus-100000.jsonl [--repeats 2]
    PYTHONPATH=/tmp/nt-old/src python bench/bench_candidates.py bench/out/corpus-100000.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import time
from functools import partial

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)

from newstrace.corpus import CorpusFingerprinter, screen_candidates
from newstrace.ingest import iter_articles
from newstrace.lsh import candidate_pairs
from newstrace.options import DEFAULT_OPTIONS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", help="a JSONL corpus (bench/gen_corpus.py, bench/web_corpus.py)")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    options = DEFAULT_OPTIONS
    t = time.process_time()
    printer = CorpusFingerprinter(options)
    printer.add_all(iter_articles([args.corpus], options=options))
    fp, keys = printer.finish()
    print(
        f"{args.corpus}: {len(fp.sizes):,} articles fingerprinted in {time.process_time() - t:.1f} s"
    )
    try:  # the sizes made once for the pass, where the code has them
        from newstrace.fingerprint import set_sizes

        keep = partial(screen_candidates, fp=fp, options=options, sizes=set_sizes(fp))
    except ImportError:
        keep = partial(screen_candidates, fp=fp, options=options)
    for k in range(args.repeats):
        t = time.process_time()
        pairs = candidate_pairs(keys, options.max_bucket, keep=keep)
        took = time.process_time() - t
        digest = hashlib.sha256(pairs.tobytes()).hexdigest()[:12]
        print(f"  repeat {k + 1}: {len(pairs):,} candidates in {took:.2f} s CPU (pairs {digest})")
    print(f"reproduce: python bench/bench_candidates.py {args.corpus} --repeats {args.repeats}")


if __name__ == "__main__":
    main()
