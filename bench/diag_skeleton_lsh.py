"""Diagnostic: why the scan's skeleton channel makes so many candidate pairs.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/gen_corpus.py --n 2000 --seed 1 --out bench/out/corpus-2000.jsonl
    python bench/diag_skeleton_lsh.py bench/out/corpus-2000.jsonl
    python bench/diag_skeleton_lsh.py --real    # the 181 real pages in ../shared (if present)

Same cleaned bodies and skeleton term sets (``word_features``), same banding
(``optimal_banding(Options.skeleton_threshold)``), four signatures:

1. newstrace's one-permutation signature with rotation densification, bands over
   consecutive slots (what ``band_keys_of`` does);
2. the same signature, each band taking slots ``b, b + bands, b + 2*bands, ...``
   (strided: rows of a band come from far-apart bins);
3. a classic ``num_perm``-permutation MinHash of the same term sets (numpy, seeded);
4. (reference) the true Jaccard of the candidate pairs of (1).

It prints candidate counts per variant and the candidate recall of truth pairs (with the
shingle channel added, as in the scan) when a gen_corpus truth file is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import eval_scan  # noqa: E402

from newstrace.fingerprint import _mix, fingerprint_texts, word_features  # noqa: E402
from newstrace.lsh import band_keys, candidate_pairs, optimal_banding  # noqa: E402
from newstrace.model import Article  # noqa: E402
from newstrace.options import DEFAULT_OPTIONS as O  # noqa: E402
from newstrace.scan import clean_bodies  # noqa: E402


def classic_minhash(term_sets: list[np.ndarray], num_perm: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**61, num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**61, num_perm, dtype=np.uint64)
    sig = np.full((len(term_sets), num_perm), 0xFFFFFFFF, np.uint32)
    with np.errstate(over="ignore"):
        for i, t in enumerate(term_sets):
            if len(t):
                h = _mix(t)[:, None] * a[None, :] + b[None, :]
                h = _mix(h.reshape(-1)).reshape(h.shape)
                sig[i] = (h >> np.uint64(32)).min(0).astype(np.uint32)
    return sig


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", type=Path)
    ap.add_argument(
        "--real",
        action="store_true",
        help="use ../shared/data/article-extraction-benchmark (181 real pages)",
    )
    args = ap.parse_args()
    truth = None
    if args.real:
        gt = HERE.parent.parent / "shared/data/article-extraction-benchmark/ground-truth.json"
        if not gt.exists():
            sys.exit(f"{gt} not found")
        g = json.loads(gt.read_text())
        arts = [Article(id=k[:12], text=v["articleBody"]) for k, v in sorted(g.items())]
        bodies = [a.text for a in arts]
    else:
        arts = eval_scan.load_articles(args.corpus)
        bodies = clean_bodies(arts)
        truth = json.loads(eval_scan.truth_path_for(args.corpus).read_text())
    ids = [a.id for a in arts]
    n = len(arts)
    fp = fingerprint_texts(bodies, num_perm=O.num_perm, shingle_size=O.shingle_size)
    band = optimal_banding(O.skeleton_threshold, O.num_perm, channel=1)
    used = band.bands * band.rows
    order = np.concatenate(
        [np.arange(used).reshape(band.rows, band.bands).T.reshape(-1), np.arange(used, O.num_perm)]
    )
    terms = [np.unique(word_features(b)[1]) for b in bodies]
    sh = candidate_pairs(
        band_keys(fp.shingles, optimal_banding(O.shingle_threshold, O.num_perm, 0)), O.max_bucket
    )
    variants = {
        "newstrace (OPH + rotation densification, consecutive-slot bands)": fp.skeleton,
        "same signature, strided bands": np.ascontiguousarray(fp.skeleton[:, order]),
        f"classic {O.num_perm}-permutation MinHash": classic_minhash(terms, O.num_perm),
    }
    sets = [set(t.tolist()) for t in terms]
    print(
        f"{n} articles, {n * (n - 1) // 2:,} pairs; skeleton banding {band}; "
        f"skeleton terms per article median {np.median([len(t) for t in terms]):.0f}"
    )
    tp = {(p["a"], p["b"]) for p in truth["pairs"]} if truth else None
    for name, sig in variants.items():
        c = candidate_pairs(band_keys(sig, band), O.max_bucket)
        line = f"  {name:<66} {len(c):>10,} skeleton candidates ({len(c) / max(1, n * (n - 1) / 2):.1%})"
        if len(c):
            pick = np.random.default_rng(0).choice(len(c), min(2000, len(c)), replace=False)
            tj = [
                len(sets[i] & sets[j]) / max(1, len(sets[i] | sets[j])) for i, j in c[pick].tolist()
            ]
            line += f", true skeleton Jaccard of them: median {np.median(tj):.3f}"
        if tp is not None:
            both = {tuple(sorted((ids[i], ids[j]))) for i, j in np.concatenate([c, sh]).tolist()}
            line += f"; with shingles: candidate recall {len(tp & both) / len(tp):.3f}"
        print(line)
    rng = np.random.default_rng(1)
    i, j = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    keep = i != j
    tj = [
        len(sets[a] & sets[b]) / max(1, len(sets[a] | sets[b]))
        for a, b in zip(i[keep], j[keep], strict=True)
    ]
    print(
        f"  random pairs: true skeleton Jaccard median {np.median(tj):.3f}, "
        f"90% {np.quantile(tj, 0.9):.3f}, 99% {np.quantile(tj, 0.99):.3f}"
    )


if __name__ == "__main__":
    main()
