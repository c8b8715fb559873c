"""Probe: does discriminative word weighting lift the lexical paraphrase model on MRPC?

Ji and Eisenstein (2013) reach 0.80 MRPC test accuracy from words alone by weighting
each word (and word bigram) by how differently paraphrases and non-paraphrases share it
(TF-KLD: the KL divergence between P(shared | seen, paraphrase) and P(shared | seen, not)),
then factorising the weighted sentence-term matrix. Two variants are measured here on
the ten stratified folds ``bench/eval_mrpc.py`` reports (``train_paraphrase.mrpc_folds``),
the weights learnt on each fold's training pairs only:

* ``kld``: the shipped lexical features plus four weighted-overlap measures (the
  weighted share of the words both sentences hold, the weighted mass each holds alone,
  smaller and larger, and the log of the shared mass), fitted as the shipped model is
  (``train_paraphrase.fit``). A training pair's measures come from weights learnt
  without it (5 inner folds): with weights learnt on the pair itself the model trusts
  them and drops to 0.735;
* ``kld + latent``: also the weighted matrix factorised (truncated SVD, ``LATENT``
  dimensions, fitted on the training sentences) and each pair's ``u + v`` and
  ``|u - v|`` appended, a plain logistic regression on top.

Measured 2026-12-07 (10-fold mean accuracy): shipped features 0.7701, ``kld`` 0.7679
(0.7716 with another draw of the inner folds), ``kld + latent`` 0.7530: nothing to ship.
Prints figures only; about a minute.

Usage (from the repository root; needs the ``bench`` extra and ``../shared/data/mrpc``)::

    python bench/probe_mrpc_kld.py
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np
import train_paraphrase as tp

from newstrace.paraphrase import expand, feature_matrix

LATENT = 100
"""Dimensions of the factorised sentence vectors (Ji and Eisenstein's setting)."""
C = 0.01
"""Regularisation of every fit here: the shipped lexical model's."""
INNER_FOLDS = 5
SMOOTHING = 0.5
"""Added to each count of shared occurrences (and twice to the seen ones): words seen in
one training pair must not get an infinite weight."""
_WORD = re.compile(r"\w+")

Terms = frozenset[str]


def terms(sentence: str) -> Terms:
    """The sentence's lower-cased words and word bigrams."""
    words = [w.lower() for w in _WORD.findall(sentence)]
    return frozenset(words) | {f"{a}_{b}" for a, b in pairwise(words)}


def kld_weights(pairs: Iterable[tuple[Terms, Terms, int]]) -> dict[str, float]:
    """Each term's KL divergence between its chance of being shared (given that one
    sentence holds it) in paraphrases and in non-paraphrases."""
    seen: list[Counter[str]] = [Counter(), Counter()]
    shared: list[Counter[str]] = [Counter(), Counter()]
    for a, b, label in pairs:
        seen[label].update(a | b)
        shared[label].update(a & b)
    out = {}
    for t in seen[0].keys() | seen[1].keys():
        p = (shared[1][t] + SMOOTHING) / (seen[1][t] + 2 * SMOOTHING)
        q = (shared[0][t] + SMOOTHING) / (seen[0][t] + 2 * SMOOTHING)
        out[t] = p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))
    return out


def weighted_overlap(pairs: Sequence[tuple[Terms, Terms]], w: dict[str, float]) -> np.ndarray:
    def mass(ts: Iterable[str]) -> float:
        return sum(w.get(t, 0.0) for t in ts)

    rows = []
    for a, b in pairs:
        both, either = mass(a & b), mass(a | b)
        alone = sorted((mass(a - b), mass(b - a)))
        rows.append([both / max(either, 1e-9), alone[0], alone[1], np.log1p(both)])
    return np.array(rows)


def latent(
    train: Sequence[tuple[Terms, Terms]], w: dict[str, float]
) -> Callable[[Sequence[tuple[Terms, Terms]]], np.ndarray]:
    """The weighted sentence-term matrix of the training sentences factorised: what makes
    ``u + v`` and ``|u - v|`` of each pair's sentence vectors."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD

    column = {t: k for k, t in enumerate(w)}

    def matrix(sentences: Sequence[Terms]) -> sp.csr_matrix:
        cells = [(i, column[t], w[t]) for i, s in enumerate(sentences) for t in s if t in column]
        r, c, v = zip(*cells, strict=True) if cells else ((), (), ())
        return sp.csr_matrix((v, (r, c)), shape=(len(sentences), len(column)))

    svd = TruncatedSVD(LATENT, random_state=0).fit(matrix([s for p in train for s in p]))

    def vectors(pairs: Sequence[tuple[Terms, Terms]]) -> np.ndarray:
        u, v = (svd.transform(matrix([p[k] for p in pairs])) for k in (0, 1))
        return np.hstack([u + v, np.abs(u - v)])

    return vectors


def shipped_fit(x: np.ndarray, y: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Scores of ``x_test`` from the shipped lexical model's recipe (``train_paraphrase.fit``:
    standardised features and their pairwise products, L2 logistic regression) fitted
    on ``x``, ``y``, whatever the number of features."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = tp._standardiser(x)
    e = expand((x - mean) / scale)
    mean2, scale2 = tp._standardiser(e)
    lr = LogisticRegression(C=C, max_iter=10_000).fit((e - mean2) / scale2, y)
    return np.asarray(lr.predict_proba((expand((x_test - mean) / scale) - mean2) / scale2)[:, 1])


def accuracy(model_scores: np.ndarray, gold: np.ndarray) -> float:
    return float(((model_scores >= 0.5) == gold).mean())


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    from sklearn.linear_model import LogisticRegression

    if not tp.DEFAULT_DATA.exists():
        raise SystemExit(f"{tp.DEFAULT_DATA}: not found (the MRPC training part)")
    pairs, y = tp.load_mrpc(tp.DEFAULT_DATA)
    data = tp.training_set(
        pairs, y, random_negatives=tp.RANDOM_NEGATIVES, number_negatives=tp.NUMBER_NEGATIVES
    )
    x = feature_matrix(data.pairs)
    sets = [(terms(a), terms(b)) for a, b in data.pairs]
    gold = data.y[: data.n_gold]
    rng = np.random.default_rng(tp.SEED)
    found: dict[str, list[float]] = {"shipped": [], "kld": [], "kld + latent": []}
    for train, test in tp.mrpc_folds(gold):
        rows = np.asarray(data.train_rows(train))

        def labelled(idx: Iterable[int]) -> list[tuple[Terms, Terms, int]]:
            return [(*sets[i], int(data.y[i])) for i in idx if i < data.n_gold]

        w = kld_weights(labelled(rows))
        extra = np.zeros((len(sets), 4))
        extra[test] = weighted_overlap([sets[i] for i in test], w)
        part = rng.integers(0, INNER_FOLDS, len(rows))
        for k in range(INNER_FOLDS):
            inner = kld_weights(labelled(rows[part != k]))
            extra[rows[part == k]] = weighted_overlap([sets[i] for i in rows[part == k]], inner)
        xk = np.hstack([x, extra])
        found["shipped"].append(accuracy(shipped_fit(x[rows], data.y[rows], x[test]), gold[test]))
        found["kld"].append(accuracy(shipped_fit(xk[rows], data.y[rows], xk[test]), gold[test]))
        vectors = latent([sets[i] for i in rows if i < data.n_gold], w)
        z_train = np.hstack([xk[rows], vectors([sets[i] for i in rows])])
        z_test = np.hstack([xk[test], vectors([sets[i] for i in test])])
        mean, scale = tp._standardiser(z_train)
        lr = LogisticRegression(C=C, max_iter=10_000).fit((z_train - mean) / scale, data.y[rows])
        scores = lr.predict_proba((z_test - mean) / scale)[:, 1]
        found["kld + latent"].append(accuracy(scores, gold[test]))
    for name, values in found.items():
        print(f"  {name:14s} 10-fold mean accuracy {np.mean(values):.4f}")
    print("reproduce: python bench/probe_mrpc_kld.py")


if __name__ == "__main__":
    main()
