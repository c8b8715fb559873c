"""What ``Options.max_candidates`` leaves out: the screened candidates of a generated
corpus (the scan's own candidate stage) and the planted reuse pairs among them, with no
bound and at several bounds. Verification is not run: a pair left out of the candidates
cannot be found, so the planted pairs among the candidates bound what a scan can find.

    . .venv/bin/activate && python bench/gen_corpus.py --n 100000 --seed 1 \\
        --out bench/out/corpus-100000.jsonl
    python bench/eval_bound.py bench/out/corpus-100000.jsonl [--bounds 0 200 100 50]
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np

from newstrace import iter_articles
from newstrace.corpus import CorpusFingerprinter, bound_candidates, id_ranks, screen_candidates
from newstrace.lsh import candidate_pairs
from newstrace.options import DEFAULT_OPTIONS


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("corpus", type=Path, help="a generated JSONL corpus with its .truth.json")
    ap.add_argument("--bounds", type=int, nargs="+", default=[0, 200, 100, 50])
    args = ap.parse_args()
    options = DEFAULT_OPTIONS
    ids: list[str] = []

    def articles():  # type: ignore[no-untyped-def]
        for a in iter_articles([args.corpus]):
            ids.append(a.id)
            yield a

    printer = CorpusFingerprinter(options)
    printer.add_all(articles())
    fp, keys = printer.finish()
    screen = partial(screen_candidates, fp=fp, options=options)
    pairs = candidate_pairs(keys, options.max_bucket, keep=screen)
    truth = json.loads(args.corpus.with_suffix(".truth.json").read_text(encoding="utf-8"))
    planted = {tuple(sorted((p["a"], p["b"]))) for p in truth["pairs"]}
    degree = np.bincount(pairs.ravel(), minlength=len(ids))
    print(
        f"{args.corpus.name}: {len(ids):,} articles, {len(pairs):,} screened candidates; "
        f"candidates per article: 99th percentile {np.percentile(degree, 99):.0f}, "
        f"largest {degree.max()}"
    )
    ranks = id_ranks(ids)
    for bound in args.bounds:
        kept = bound_candidates(pairs, fp, ranks, options.with_(max_candidates=bound))
        found = {tuple(sorted((ids[i], ids[j]))) for i, j in kept.tolist()}
        print(
            f"  max_candidates {bound or 'none':>4}: {len(kept):,} candidates, "
            f"{len(found & planted):,} of {len(planted):,} planted reuse pairs among them"
        )
    print(
        f"reproduce: python bench/eval_bound.py {args.corpus} --bounds {' '.join(map(str, args.bounds))}"
    )


if __name__ == "__main__":
    main()
