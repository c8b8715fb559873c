"""Out-of-sample scan precision and recall on real agency copy (METER-dev, COUNTER-half).

``bench/eval_meter_scan.py`` and ``bench/eval_counter.py`` scan with the shipped relation
model, which was fitted on those very pairs: their figures are in-sample. Here the
stories are split into folds (whole stories, as ``bench/eval_relation.py`` splits them);
for each fold the relation model is fitted exactly as ``bench/train_relation.py`` fits
the shipped one but without that fold's stories, the whole corpus is scanned with it
(``scan`` at the default options, only the model file swapped), and the fold's labelled
pairs are scored: what ``newstrace scan`` would report on stories it never saw. The
counts of all folds are summed into one precision and recall per repeat.

Labelled pairs: each newspaper article against its story's agency copy; wholly or
partially derived is a reuse pair, not derived is not. The pre-verdict screen
(weights/preverdict.json) is kept as shipped; it was fitted on generated, PAN-derived
and these corpora's candidates, at a cut-off that keeps 0.999 of reuse.

Next to it, the simple baseline on the same labelled pairs and folds: every labelled
pair whose word-unigram containment (shorter text in the longer) reaches a threshold
picked on the other folds to maximise F1 (a baseline told which pairs to look at, as no
scan is).

    python bench/eval_scan_oos.py [--folds 5] [--repeats 3] [--seed 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np
from relation_cv import Corpus, arguments, fold_model, folds_of, run_both
from reuse_data import LabelledPair

from newstrace.compare import prepare
from newstrace.containment import containment
from newstrace.model import Article
from newstrace.options import Options
from newstrace.scan import scan


def prf(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)


def corpus_articles(pairs: Sequence[LabelledPair]) -> list[Article]:
    """Every article of the labelled pairs once (an agency copy serves several)."""
    seen: dict[str, Article] = {}
    for p in pairs:
        seen.setdefault(p.source.id, p.source)
        seen.setdefault(p.copy.id, p.copy)
    return list(seen.values())


def best_threshold(x: np.ndarray, derived: np.ndarray) -> float:
    """The unigram containment threshold that maximises F1 of "derived" on these pairs."""
    best = (-1.0, 0.0)
    for t in np.linspace(0, 1, 101):
        pred = x >= t
        tp = int(np.sum(pred & derived))
        f = 2 * tp / (np.sum(pred) + np.sum(derived)) if tp else 0.0
        best = max(best, (float(f), float(t)))
    return best[1]


def evaluate(corpus: Corpus, args: argparse.Namespace) -> None:
    name, pairs, rows, other_rows = corpus.name, corpus.pairs, corpus.rows, corpus.other_rows
    folds, repeats = args.folds, args.repeats
    articles = corpus_articles(pairs)
    derived = np.array([p.label != "ND" for p in pairs])
    unigram = np.array(
        [containment(prepare(p.source).side, prepare(p.copy).side).get("word1") for p in pairs]
    )
    t0 = time.perf_counter()
    figures: list[tuple[float, float, float, float]] = []
    for rep in range(repeats):
        fold = np.array(folds_of([p.group for p in pairs], folds, seed=rep))
        fold_of = {p.group: int(k) for p, k in zip(pairs, fold, strict=True)}
        tp = fp = fn = btp = bfp = bfn = 0
        for f in range(folds):
            with fold_model(rows, other_rows, fold_of, f) as path:
                result = scan(articles, options=Options(relation_model=str(path)))
            found = {frozenset((x.a, x.b)) for x in result.pairs}
            test = np.flatnonzero(fold == f)
            reported = np.array(
                [frozenset((pairs[i].source.id, pairs[i].copy.id)) in found for i in test]
            )
            tp += int(np.sum(reported & derived[test]))
            fp += int(np.sum(reported & ~derived[test]))
            fn += int(np.sum(~reported & derived[test]))
            train_idx = np.flatnonzero(fold != f)
            t = best_threshold(unigram[train_idx], derived[train_idx])
            base = unigram[test] >= t
            btp += int(np.sum(base & derived[test]))
            bfp += int(np.sum(base & ~derived[test]))
            bfn += int(np.sum(~base & derived[test]))
        figures.append((*prf(tp, fp, fn), *prf(btp, bfp, bfn)))
    m = np.array(figures)
    print(
        f"\n{name}: {len(pairs)} labelled pairs ({int(derived.sum())} derived), "
        f"{len(articles)} articles scanned, {folds}-fold CV by story, {repeats} repeats "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    print(
        f"  newstrace scan, labelled pairs: precision {m[:, 0].mean():.3f} (+-{m[:, 0].std():.3f})"
        f"  recall {m[:, 1].mean():.3f} (+-{m[:, 1].std():.3f})  F1 {_f1(m[:, 0], m[:, 1]):.3f}"
    )
    print(
        f"  unigram containment >= threshold from the other folds: precision "
        f"{m[:, 2].mean():.3f}  recall {m[:, 3].mean():.3f}  F1 {_f1(m[:, 2], m[:, 3]):.3f}"
    )


def _f1(p: np.ndarray, r: np.ndarray) -> float:
    """Mean over repeats of each repeat's F1."""
    return float(
        np.mean([2 * a * b / (a + b) if a + b else 0.0 for a, b in zip(p, r, strict=True)])
    )


def main() -> None:
    run_both(evaluate, arguments(__doc__, repeats=3), ("METER-dev", "COUNTER-half"), __file__)


if __name__ == "__main__":
    main()
