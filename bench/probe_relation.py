"""Probes of the relation model that did not ship: what was tried for issue 13's METER and
COUNTER three-class targets, measured so that the next attempt starts from the figures.

Not a test and not the evaluation of the shipped model (that is ``eval_relation.py``,
the full ``compare`` at the default). This works in feature space: the training rows of
``train_relation.py`` (labelled pairs in their known direction, cross-story candidates,
invented pairs), a model fitted on the rows of the stories outside each fold (5 folds by
story, as ``relation_cv.py`` splits them), scored by 3-class macro F1 and derived-vs-not
F1 on the fold's labelled pairs, averaged over repeats. Its "shipped" row is the
logistic regression ``train_relation.fit`` fits, over the features the shipped model
reads; each other row changes one thing:

* ``models``: other learners over the same rows and features (logistic regression over
  pairwise products, gradient-boosted trees, a random forest) fit noise on 319 + 301
  pairs: METER 0.665 / 0.891 (shipped) against 0.638 / 0.886, 0.604 / 0.867, 0.631 /
  0.872; COUNTER 0.760 / 0.896 against 0.752 / 0.895, 0.681 / 0.858, 0.744 / 0.883;
* ``sentences``: the median and 10th percentile over the copy's sentences of the share
  of each sentence's terms the source uses (a partially derived copy sets sentences of
  its own reporting beside taken ones). Fitted on METER's labelled pairs alone they lift
  it 0.622 / 0.850 -> 0.656 / 0.871; with the cross-story and invented rows the shipped
  model trains on they add nothing (0.665 / 0.891 -> 0.664 / 0.892; in the full
  ``compare`` of ``eval_relation.py``, 10 repeats, 0.673 / 0.895 -> 0.671 / 0.893): those
  rows already teach what they say. COUNTER 0.760 / 0.896 -> 0.742 / 0.889;
* ``facts``: the copy's facts its source lacks (new names as a share and a count, new
  numbers, dates and times, new quotes): METER 0.665 / 0.891 -> 0.657-0.673 /
  0.880-0.891, COUNTER 0.760 / 0.896 -> 0.753-0.763 / 0.888-0.897, within the noise;
* ``cross``: cross-story rows per corpus (shipped ``CROSS_PAIRS``: 100), METER with 0 /
  50 / 100 / 200 / 400 / 600: 0.637 / 0.652 / 0.665 / 0.663 / 0.637 / 0.616;
* ``ordered``: learners that use the order of the classes (not derived < partially <
  wholly): an ordinal logistic regression (one weight vector, two cut points: about half
  the shipped model's parameters) METER 0.654 / 0.897, COUNTER 0.748 / 0.879; two
  binary regressions in turn (derived or not, then wholly or partially) METER 0.629 /
  0.856, COUNTER 0.765 / 0.896; the shipped multinomial model 0.665 / 0.891 and 0.760 /
  0.896 on the same folds;
* ``unquoted``: the tile measures with the copy's quoted words left out (two reporters
  quote the same speaker; a partially derived copy's own reporting often is quotes the
  agency lacks): the share of the unquoted words inside runs of 3 and 6 words the source
  has, and inside runs of 10 (share and log count): METER 0.661 / 0.888 and 0.655 /
  0.886, COUNTER 0.757 / 0.894 and 0.769 / 0.896 (shipped features 0.665 / 0.891, 0.760
  / 0.896): within the noise;
* ``order``: whether what the copy shares comes in its source's order (a derived copy
  follows the agency's order, two reporters of one event need not): the longest in-order
  chain of the copy's word 4-grams found in the source, as a share of its 4-grams and of
  those found, and the same over the aligned sentence pairs: METER 0.650 / 0.886 and
  0.656 / 0.888 (both: 0.643 / 0.885), COUNTER 0.763 / 0.895 and 0.755 / 0.896 (0.751 /
  0.891), against the shipped 0.665 / 0.891 and 0.760 / 0.896: no lift; on METER's
  labelled pairs alone 0.622 -> 0.630 / 0.623.

* ``pooled``: each corpus's model also fitted on the other corpus's labelled pairs (its
  own feature columns, the other language's rows always in training): COUNTER 0.760 /
  0.896 -> 0.692 / 0.847, METER 0.665 / 0.891 -> 0.663 / 0.898. The two languages'
  measures mean different things (word n-grams of Urdu's spelling and spacing habits);
* ``semantic`` (needs the ``semantic`` extra): all-MiniLM-L6-v2 similarity of each of
  the copy's sentences to its nearest source sentence (cased scripts only): the mean
  best similarity weighted by sentence length, the copy's share in sentences at 0.75
  and 0.9 or more, its share below 0.5 (its own material) and the source's share at
  0.75 or more found in the copy: METER 0.665 / 0.891 -> 0.649 / 0.883 (mean), 0.661 /
  0.889 (shares), 0.648 / 0.884 (own material), 0.631 / 0.881 (all); on METER's labelled
  pairs alone 0.622 -> 0.609-0.623. What separates METER's classes is not whether a
  sentence is reworded from the agency's (17,000 sentences embedded in 4 minutes).

All measured 2026-12-07, 8 repeats (a few seconds each; ``ordered`` and ``unquoted`` at
the twenty-fifth session, ``order`` at the twenty-sixth).

Usage (from the repository root; needs ``../shared/data`` and the ``bench`` extra)::

    python bench/probe_relation.py [--probe models|sentences|facts|cross|ordered|unquoted|order
                                            |pooled|semantic] [--repeats 8]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np
import train_relation as tr
from relation_cv import folds_of
from reuse_data import meter_pairs

from newstrace.align import align
from newstrace.compare import prepare
from newstrace.model import Article
from newstrace.side import Side
from newstrace.source import decide_source
from newstrace.verdict import RELATION_FEATURES, relation_features

SENTENCE_LOW = 10
"""The percentile of the ``sentences`` probe's lower tail."""
CROSS_COUNTS = (0, 50, 100, 200, 400, 600)


def _sentence_shares(copy: Side, source: Side) -> list[float]:
    vocabulary = frozenset().union(*source.terms) if source.terms else frozenset()
    shares = [len(t & vocabulary) / len(t) for t in copy.terms if t]
    if not shares:
        return [0.0, 0.0]
    values = np.array(shares)
    return [float(np.median(values)), float(np.percentile(values, SENTENCE_LOW))]


def _new_facts(copy: Side, source: Side) -> list[float]:
    names = {k for k in copy.skeleton_keys if k[0] == "name"}
    values = copy.skeleton_keys - names
    new_names = len(names - source.skeleton_keys)
    quotes = {f.key for f in copy.quotes}
    return [
        new_names / max(1, len(names)),
        math.log1p(new_names),
        len(values - source.skeleton_keys) / max(1, len(values)),
        len(quotes - {f.key for f in source.quotes}) / len(quotes) if quotes else 0.0,
    ]


def _unquoted_tiles(copy: Side, source: Side) -> list[float]:
    """Shares of the copy's unquoted words inside runs of 3, 6 and 10 words its source
    has, and the log count of those inside runs of 10."""
    from newstrace import containment as cm

    shared = cm.PairRuns(copy, source).shared(True)
    length = cm._length(copy)
    quoted = cm._quoted(copy)
    free = max(1, int((~quoted).sum()))
    tiled = {k: shared.tiles(k, length) & ~quoted for k in UNQUOTED_RUNS}
    return [
        *(int(tiled[k].sum()) / free for k in UNQUOTED_RUNS),
        math.log1p(int(tiled[UNQUOTED_RUNS[-1]].sum())),
    ]


def _longest_increasing(values: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    from bisect import bisect_left

    tails: list[int] = []
    for v in values:
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
        else:
            tails[k] = v
    return len(tails)


def _order_measures(copy: Side, source: Side) -> list[float]:
    """Whether what the copy shares with its source comes in the source's order: the
    longest in-order chain of its word 4-grams found in the source (first place there)
    as a share of its 4-grams and of those found; the same over the aligned sentence
    pairs, as a share of the copy's sentences and of the links."""
    words_c, words_s = copy.forms, source.forms
    first: dict[tuple[str, ...], int] = {}
    for i in range(len(words_s) - 3):
        first.setdefault(tuple(words_s[i : i + 4]), i)
    places = [first.get(tuple(words_c[i : i + 4]), -1) for i in range(len(words_c) - 3)]
    found = [v for v in places if v >= 0]
    chain4 = _longest_increasing(found)
    links = sorted((i, j) for al in align(copy, source) for i, j in al.links)
    chain_s = _longest_increasing([j for _, j in links])
    return [
        chain4 / max(1, len(places)),
        chain4 / max(1, len(found)),
        chain_s / max(1, len(copy.spans)),
        chain_s / max(1, len(links)),
    ]


UNQUOTED_RUNS = (3, 6, 10)
"""Run lengths of the ``unquoted`` probe: the tile lengths, and ``PASSAGE_RUN``."""
ORDER = ("ND", "PD", "WD")
"""The classes in the order the ``ordered`` probe's ordinal model reads them."""


class OrdinalRegression:
    """Ordinal logistic regression (cumulative logit): one score ``x . w`` and two cut
    points, P(class <= k) = sigmoid(cut_k - score), L2 penalty ``1 / (2 c)`` on ``w``,
    classes weighted to equal total weight when ``balanced``."""

    def __init__(self, c: float, balanced: bool) -> None:
        self.c, self.balanced = c, balanced
        self.mean = self.scale = self.params = np.zeros(0)

    def _probabilities(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.scale
        d = z.shape[1]
        w, first, gap = self.params[:d], self.params[d], self.params[d + 1]
        cuts = np.array([first, first + math.exp(gap)])
        below = 1.0 / (1.0 + np.exp(-(cuts[None, :] - (z @ w)[:, None])))
        return np.stack([below[:, 0], below[:, 1] - below[:, 0], 1.0 - below[:, 1]], axis=1)

    def fit(self, x: np.ndarray, y: Sequence[str], sample_weight: np.ndarray) -> Any:
        from scipy.optimize import minimize

        self.mean, self.scale = x.mean(axis=0), np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
        k = np.array([ORDER.index(v) for v in y])
        w = np.asarray(sample_weight, dtype=float)
        if self.balanced:
            totals = np.array([w[k == c].sum() for c in range(len(ORDER))])
            w = w * w.sum() / len(ORDER) / totals[k]
        d = x.shape[1]

        def loss(params: np.ndarray) -> float:
            self.params = params
            p = self._probabilities(x)[np.arange(len(k)), k]
            weights = params[:d]
            return float(
                -(w * np.log(np.clip(p, 1e-12, None))).sum() + weights @ weights / (2 * self.c)
            )

        start = np.zeros(d + 2)
        start[d] = -0.5
        self.params = minimize(loss, start, method="L-BFGS-B").x
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.array(ORDER)[self._probabilities(x).argmax(axis=1)]


class TwoStages:
    """Two binary logistic regressions in turn: derived or not, then (for the derived)
    wholly or partially."""

    def __init__(self, c: float, balanced: bool) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        weight = "balanced" if balanced else None
        self.derived, self.wholly = (
            make_pipeline(
                StandardScaler(), LogisticRegression(C=c, max_iter=5000, class_weight=weight)
            )
            for _ in range(2)
        )

    def fit(self, x: np.ndarray, y: Sequence[str], sample_weight: np.ndarray) -> Any:
        labels = np.asarray(y)
        derived = labels != "ND"
        self.derived.fit(x, derived, logisticregression__sample_weight=sample_weight)
        self.wholly.fit(
            x[derived], labels[derived] == "WD",
            logisticregression__sample_weight=np.asarray(sample_weight)[derived],
        )  # fmt: skip
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        derived = self.derived.predict(x).astype(bool)
        wholly = self.wholly.predict(x).astype(bool)
        return np.where(~derived, "ND", np.where(wholly, "WD", "PD"))


Extra = Callable[[Side, Side], list[float]]


def _features_with(extra: Extra) -> Callable[..., tuple[float, ...]]:
    """``train_relation.features`` with ``extra``'s measures of its copy appended."""

    def features(source: Article, copy: Article, known: bool = True) -> tuple[float, ...]:
        pa, pb = prepare(source), prepare(copy)
        a, b = pa.side, pb.side
        alignments = align(a, b)
        side: Any = "a"
        if not known:
            side, _ = decide_source(
                pa.article, pb.article, a, b, alignments, pa.layout.removed, pb.layout.removed
            )
        evidence, base = relation_features(a, b, alignments, side)
        mine, theirs = (a, b) if evidence.copy == "a" else (b, a)
        return (*base, *extra(mine, theirs))

    return features


def _learner(kind: str, balanced: bool) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    weight = "balanced" if balanced else None
    if kind == "ordinal":
        return OrdinalRegression(tr.C, balanced)
    if kind == "two stages":
        return TwoStages(tr.C, balanced)
    if kind == "products":
        return make_pipeline(
            StandardScaler(),
            PolynomialFeatures(2),
            StandardScaler(),
            LogisticRegression(C=0.05, max_iter=5000, class_weight=weight),
        )
    if kind == "boosted":
        return HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.05, max_depth=3, min_samples_leaf=10,
            class_weight=weight, random_state=0,
        )  # fmt: skip
    if kind == "forest":
        return RandomForestClassifier(
            n_estimators=300, min_samples_leaf=3, class_weight=weight, random_state=0
        )
    return make_pipeline(
        StandardScaler(), LogisticRegression(C=tr.C, max_iter=5000, class_weight=weight)
    )


def cv(
    rows: Sequence[tr.Row],
    corpus: str,
    columns: Sequence[int],
    repeats: int,
    learner: str = "shipped",
    labelled_only: bool = False,
) -> tuple[float, float]:
    """Mean 3-class macro F1 and derived F1 of the fold models on ``corpus``'s pairs
    (``labelled_only``: fitted on the corpus's labelled pairs alone)."""
    from sklearn.metrics import f1_score

    script = "cased" if corpus == "meter" else "uncased"
    part = [r for r in rows if r.script == script]
    real = [r for r in part if r.corpus == corpus and "|" not in r.group]
    if labelled_only:
        part = real
    truth = [r.label for r in real]
    scores = []
    for rep in range(repeats):
        fold = folds_of([r.group for r in real], 5, seed=rep)
        fold_of = {r.group: k for r, k in zip(real, fold, strict=True)}
        pred = [""] * len(real)
        for f in range(5):
            train = [r for r in part if all(fold_of.get(g, -1) != f for g in r.group.split("|"))]
            x = np.array([r.features for r in train])[:, list(columns)]
            w = np.array([tr.SYNTHETIC_WEIGHT if r.corpus == "synthetic" else 1.0 for r in train])
            model = _learner(learner, tr.BALANCED[script])
            if isinstance(model, OrdinalRegression | TwoStages):
                model.fit(x, [r.label for r in train], w)
            else:
                last = model.steps[-1][0] + "__" if hasattr(model, "steps") else ""
                model.fit(x, [r.label for r in train], **{f"{last}sample_weight": w})
            test = [i for i, k in enumerate(fold) if k == f]
            found = model.predict(np.array([real[i].features for i in test])[:, list(columns)])
            for i, p in zip(test, found, strict=True):
                pred[i] = str(p)
        macro = f1_score(truth, pred, average="macro", labels=["WD", "PD", "ND"])
        derived = f1_score([t != "ND" for t in truth], [p != "ND" for p in pred])
        scores.append((macro, derived))
    m = np.array(scores).mean(axis=0)
    return float(m[0]), float(m[1])


def _shipped_columns(script: str) -> list[int]:
    return [RELATION_FEATURES.index(n) for n in tr.SCRIPT_FEATURES[script]]


def _report(corpus: str, name: str, figures: tuple[float, float]) -> None:
    print(f"  {corpus:8s} {name:22s} macro F1 {figures[0]:.3f}  derived F1 {figures[1]:.3f}")


def probe_models(repeats: int, learners: Sequence[str]) -> None:
    rows = tr.all_rows()
    for corpus, script in (("meter", "cased"), ("counter", "uncased")):
        for learner in ("shipped", *learners):
            _report(corpus, learner, cv(rows, corpus, _shipped_columns(script), repeats, learner))


def probe_extra(extra: Extra, names: dict[str, list[int]], repeats: int) -> None:
    """The shipped features, then with each set of ``extra``'s measures (their indexes
    past ``RELATION_FEATURES``)."""
    tr.features = _features_with(extra)  # the rows of every kind carry the measures
    rows = tr.all_rows()
    n = len(RELATION_FEATURES)
    for corpus, script in (("meter", "cased"), ("counter", "uncased")):
        base = _shipped_columns(script)
        _report(corpus, "shipped features", cv(rows, corpus, base, repeats))
        for name, extra_columns in names.items():
            columns = base + [n + k for k in extra_columns]
            _report(corpus, name, cv(rows, corpus, columns, repeats))
        if corpus == "meter":  # without the cross-story and invented rows
            _report(
                corpus, "labelled pairs only", cv(rows, corpus, base, repeats, labelled_only=True)
            )
            for name, extra_columns in names.items():
                columns = base + [n + k for k in extra_columns]
                figures = cv(rows, corpus, columns, repeats, labelled_only=True)
                _report(corpus, f"  {name}", figures)


def probe_cross(repeats: int) -> None:
    pairs = meter_pairs()
    real = tr.real_rows(pairs, "cased")
    cross = tr.cross_rows(pairs, "cased", max(CROSS_COUNTS), 5)
    invented = tr.synthetic_rows(5, tr.SYNTHETIC_PER_KIND)
    for count in CROSS_COUNTS:
        rows = real + cross[:count] + invented
        _report(
            "meter", f"{count} cross rows", cv(rows, "meter", _shipped_columns("cased"), repeats)
        )


def probe_pooled(repeats: int) -> None:
    """Each corpus's model fitted with the other corpus's labelled pairs as well."""
    rows = tr.all_rows()
    for corpus, other, script in (("counter", "meter", "uncased"), ("meter", "counter", "cased")):
        columns = _shipped_columns(script)
        _report(corpus, "shipped", cv(rows, corpus, columns, repeats))
        extra = [
            dataclasses.replace(r, script=script, group=f"{other}:{r.group}")
            for r in rows
            if r.corpus == other and "|" not in r.group
        ]
        _report(corpus, f"+ {other} pairs", cv(rows + extra, corpus, columns, repeats))


SIMILAR, CLOSE, OWN = 0.75, 0.9, 0.5
"""The ``semantic`` probe's sentence similarity levels: reworded, nearly the same
sentence, and unlike any source sentence (the copy's own material)."""


def _sentence_similarity() -> Extra:
    """The ``semantic`` probe's measures, sentence vectors kept by sentence text."""
    from newstrace.paraphrase import EMBEDDING_DIM, Embedder

    embedder = Embedder()
    kept: dict[str, np.ndarray] = {}

    def vectors(side: Side) -> tuple[np.ndarray, np.ndarray]:
        sentences = [side.text[s.start : s.end] for s in side.spans]
        missing = [s for s in dict.fromkeys(sentences) if s not in kept]
        if missing:
            kept.update(zip(missing, embedder.encode(missing)[0], strict=True))
        if not sentences:
            return np.zeros((0, EMBEDDING_DIM)), np.zeros(0)
        lengths = np.array([len(s) for s in sentences], dtype=float)
        return np.array([kept[s] for s in sentences]), lengths / lengths.sum()

    def measures(copy: Side, source: Side) -> list[float]:
        if not copy.spans or not source.spans or not copy.cased:
            return [0.0] * 5
        (cv_, cw), (sv, sw) = vectors(copy), vectors(source)
        sim = cv_ @ sv.T
        best, back = sim.max(axis=1), sim.max(axis=0)
        return [
            float(best @ cw),
            float(cw[best >= SIMILAR].sum()),
            float(cw[best >= CLOSE].sum()),
            float(cw[best < OWN].sum()),
            float(sw[back >= SIMILAR].sum()),
        ]

    return measures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--probe",
        choices=(
            "models",
            "sentences",
            "facts",
            "cross",
            "ordered",
            "unquoted",
            "order",
            "pooled",
            "semantic",
        ),
        default="models",
    )
    ap.add_argument("--repeats", type=int, default=8)
    args = ap.parse_args()
    if not meter_pairs():
        raise SystemExit("../shared/data/meter-dev is absent: nothing to probe")
    print(f"probe {args.probe}: 5-fold CV by story, {args.repeats} repeats, feature space")
    if args.probe == "models":
        probe_models(args.repeats, ("products", "boosted", "forest"))
    elif args.probe == "ordered":
        probe_models(args.repeats, ("ordinal", "two stages"))
    elif args.probe == "unquoted":
        probe_extra(
            _unquoted_tiles,
            {"+ unquoted tile3/6": [0, 1], "+ unquoted run10": [2, 3]},
            args.repeats,
        )
    elif args.probe == "order":
        probe_extra(
            _order_measures,
            {
                "+ in-order 4-grams": [0, 1],
                "+ in-order sentences": [2, 3],
                "+ both": [0, 1, 2, 3],
            },
            args.repeats,
        )
    elif args.probe == "sentences":
        probe_extra(_sentence_shares, {"+ sentence shares": [0, 1]}, args.repeats)
    elif args.probe == "facts":
        probe_extra(
            _new_facts,
            {
                "+ new names": [0, 1],
                "+ new values": [2],
                "+ new quotes": [3],
                "+ all": [0, 1, 2, 3],
            },
            args.repeats,
        )
    elif args.probe == "pooled":
        probe_pooled(args.repeats)
    elif args.probe == "semantic":
        probe_extra(
            _sentence_similarity(),
            {
                "+ mean best": [0],
                f"+ shares {SIMILAR}/{CLOSE}": [1, 2],
                f"+ own < {OWN}": [3],
                "+ all": [0, 1, 2, 3, 4],
            },
            args.repeats,
        )
    else:
        probe_cross(args.repeats)
    print(
        f"reproduce: python bench/probe_relation.py --probe {args.probe} --repeats {args.repeats}"
    )


if __name__ == "__main__":
    main()
