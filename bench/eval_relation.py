"""Out-of-sample relation figures on real agency copy, at the shipped default.

For each corpus (METER-dev: English, COUNTER-half: Urdu) the stories are split into
folds; for each fold the relation model is fitted exactly as bench/train_relation.py
fits the shipped one, but without that fold's stories, and the fold's pairs then go
through the full compare pipeline (``compare_prepared`` with default options, only the
model file swapped): what ``newstrace compare`` would answer had those stories been
held back. Next to it, the simple baseline on the same pairs and folds: word-unigram
containment of the shorter text in the longer with two thresholds picked on the other
folds; and a second one, multinomial logistic regression over 7 word n-gram containment
measures read in the known direction (``LR_FEATURES``, fitted on the other folds: the
kind of model the COUNTER study reports). Labels: wholly derived = duplicate|rewrite,
partially = partial, not derived = same-story|unrelated.

    python bench/eval_relation.py [--folds 5] [--repeats 10]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np
from relation_cv import Corpus, arguments, fold_model, folds_of, run_both
from reuse_data import LABELS, RELATION_LABEL

from newstrace.compare import compare_prepared, prepare
from newstrace.containment import containment
from newstrace.model import REUSE
from newstrace.options import Options


def macro_f1(y: Sequence[str], p: Sequence[str]) -> float:
    return float(np.mean([_f1(y, p, lab) for lab in LABELS]))


def derived_f1(y: Sequence[str], p: Sequence[str]) -> float:
    return _f1(["D" if x != "ND" else "N" for x in y], ["D" if x != "ND" else "N" for x in p], "D")


def _f1(y: Sequence[str], p: Sequence[str], lab: str) -> float:
    tp = sum(1 for a, b in zip(y, p, strict=True) if a == lab and b == lab)
    fp = sum(1 for a, b in zip(y, p, strict=True) if a != lab and b == lab)
    fn = sum(1 for a, b in zip(y, p, strict=True) if a == lab and b != lab)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def baseline(train_x: np.ndarray, train_y: Sequence[str], test_x: np.ndarray) -> list[str]:
    """Two containment thresholds (ND < t1 <= PD < t2 <= WD) that maximise macro F1 on
    the training folds."""
    grid = np.linspace(0, 1, 51)
    best = (-1.0, 0.0, 0.0)
    for i, t1 in enumerate(grid):
        for t2 in grid[i:]:
            f = macro_f1(train_y, _cut(train_x, t1, t2))
            if f > best[0]:
                best = (f, t1, t2)
    return _cut(test_x, best[1], best[2])


LR_FEATURES = ("word1", "word2", "word3", "word4", "word5", "reverse_word1", "length_ratio")
"""The second baseline's inputs: word n-gram containment of the newspaper article in the
agency copy (n = 1-5), of the agency copy in the article, and the length ratio, read in
the known direction (as the COUNTER study's logistic regression was told it)."""


def lr_baseline(train_x: np.ndarray, train_y: Sequence[str], test_x: np.ndarray) -> list[str]:
    """Multinomial logistic regression over ``LR_FEATURES``, fitted on the training folds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_x)
    model = LogisticRegression(max_iter=5000).fit(scaler.transform(train_x), list(train_y))
    return [str(v) for v in model.predict(scaler.transform(test_x))]


def _cut(x: np.ndarray, t1: float, t2: float) -> list[str]:
    return ["WD" if v >= t2 else "PD" if v >= t1 else "ND" for v in x]


def evaluate(corpus: Corpus, args: argparse.Namespace) -> None:
    name, pairs, rows, other_rows = corpus.name, corpus.pairs, corpus.rows, corpus.other_rows
    folds, repeats = args.folds, args.repeats
    prepared = [(prepare(p.source), prepare(p.copy)) for p in pairs]
    y = [p.label for p in pairs]
    unigram = np.array([containment(a.side, b.side).get("word1") for a, b in prepared])
    known = [containment(a.side, b.side, "b") for a, b in prepared]
    ngram = np.array([[c.get(name) for name in LR_FEATURES] for c in known])
    scores: dict[str, list[tuple[float, float]]] = {
        "newstrace": [],
        "baseline": [],
        "LR 7 feat.": [],
    }
    confusion: Counter[tuple[str, str]] = Counter()
    sources: Counter[str] = Counter()
    t0 = time.perf_counter()
    for rep in range(repeats):
        fold = folds_of([p.group for p in pairs], folds, seed=rep)
        fold_of = {p.group: k for p, k in zip(pairs, fold, strict=True)}
        pred: list[str] = [""] * len(pairs)
        base: list[str] = [""] * len(pairs)
        lr: list[str] = [""] * len(pairs)
        for f in range(folds):
            test = [i for i, k in enumerate(fold) if k == f]
            with fold_model(rows, other_rows, fold_of, f) as path:
                options = Options(relation_model=str(path))
                for i in test:
                    c = compare_prepared(*prepared[i], options)
                    pred[i] = RELATION_LABEL[c.relation]
                    if rep == 0:
                        confusion[(y[i], c.relation)] += 1
                        if y[i] != "ND" and c.relation in REUSE:
                            sources[
                                {"a": "agency", "b": "article"}.get(c.source or "", "undecided")
                            ] += 1
            tr = [i for i, k in enumerate(fold) if k != f]
            for i, lab in zip(
                test, baseline(unigram[tr], [y[i] for i in tr], unigram[test]), strict=True
            ):
                base[i] = lab
            for i, lab in zip(
                test, lr_baseline(ngram[tr], [y[i] for i in tr], ngram[test]), strict=True
            ):
                lr[i] = lab
        scores["newstrace"].append((macro_f1(y, pred), derived_f1(y, pred)))
        scores["baseline"].append((macro_f1(y, base), derived_f1(y, base)))
        scores["LR 7 feat."].append((macro_f1(y, lr), derived_f1(y, lr)))
    took = time.perf_counter() - t0
    print(
        f"\n{name}: {len(pairs)} pairs, {len({p.group for p in pairs})} stories, "
        f"{folds}-fold CV by story, {repeats} repeats ({took:.0f} s)"
    )
    for who, vals in scores.items():
        m = np.array(vals)
        print(
            f"  {who:<10} 3-class macro F1 {m[:, 0].mean():.3f} (+-{m[:, 0].std():.3f})   "
            f"derived-vs-not F1 {m[:, 1].mean():.3f} (+-{m[:, 1].std():.3f})"
        )
    print("  newstrace relation by label (first repeat):")
    for lab in LABELS:
        row = {rel: confusion[(lab, rel)] for rel in RELATION_LABEL if confusion[(lab, rel)]}
        print(f"    {lab}: {row}")
    total = sum(sources.values()) or 1
    print(
        f"  source of derived pairs called reuse: agency {sources['agency']}, article "
        f"{sources['article']}, undecided {sources['undecided']} "
        f"(agency named on {sources['agency'] / total:.3f})"
    )


def main() -> None:
    run_both(
        evaluate,
        arguments(__doc__, repeats=10),
        ("METER-dev (English)", "COUNTER-half (Urdu)"),
        __file__,
    )


if __name__ == "__main__":
    main()
