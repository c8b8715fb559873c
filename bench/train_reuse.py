"""Train the reuse combiner: logistic regression over ``verdict.reuse_features``.

Training data (nothing of it is shipped, only the fitted weights):
  * the COUNTER half in ../shared/data/counter-half (Urdu agency copy vs newspaper
    articles: WD/PD = reuse, ND = same event written independently), and candidate
    pairs of two different stories from it (not reuse);
  * invented English pairs from newstrace_synth.textgen: reprints, spins and partial reuse
    (reuse) against unrelated stories, and newstrace_synth.corpus's same-event decoys
    (same cast and figures, no reused sentence: not reuse).

Writes src/newstrace/models/reuse.json and prints 10-fold cross-validated figures.

    python bench/train_reuse.py [--out src/newstrace/models/reuse.json] [--seed 5]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

from newstrace.align import align
from newstrace.compare import prepare
from newstrace.ingest import read_article
from newstrace.model import Article, Coverage
from newstrace.verdict import FEATURES, coverage, reuse_features
from newstrace_synth import corpus as gen_corpus
from newstrace_synth import textgen

ROOT = Path(__file__).resolve().parents[1]

COUNTER = ROOT.parent / "shared" / "data" / "counter-half"


def features(a: Article, b: Article) -> list[float]:
    pa, pb = prepare(a), prepare(b)
    als = align(pa.side, pb.side)
    cov = Coverage(coverage(pa.side, {i for al in als for i in al.a_sentences}),
                   coverage(pb.side, {j for al in als for j in al.b_sentences}))
    return reuse_features(pa.side, pb.side, als, cov)


def counter_rows(cross: int, seed: int) -> tuple[list[list[float]], list[bool], list[str]]:
    """The labelled pairs, plus ``cross`` candidate pairs of two different stories (what
    a scan verifies most): not reuse, unless near-identical (the corpus holds a few
    stories twice under two numbers; those are left out rather than mislabelled)."""
    from newstrace.lsh import candidate_pairs
    from newstrace.scan import band_keys_of, clean_bodies, fingerprint_bodies

    labels = json.loads((COUNTER / "labels.json").read_text(encoding="utf-8"))
    articles = {}
    for key in sorted(labels):
        for name in (key, key + "p"):
            articles[name] = read_article(COUNTER / "txt" / f"{name}.txt")
    X, y, kinds = [], [], []
    for key, label in sorted(labels.items()):
        X.append(features(articles[key], articles[key + "p"]))
        y.append(label != "ND")
        kinds.append("counter")
    ids = list(articles)
    keys = band_keys_of(fingerprint_bodies(clean_bodies(list(articles.values()))))
    pairs = [(ids[i], ids[j]) for i, j in candidate_pairs(keys).tolist()
             if ids[i].rstrip("p") != ids[j].rstrip("p")]
    random.Random(seed).shuffle(pairs)
    for a, b in pairs:
        if len(kinds) - len(labels) >= cross:
            break
        row = features(articles[a], articles[b])
        if row[FEATURES.index("trigram_containment")] >= 0.5:
            continue
        X.append(row)
        y.append(False)
        kinds.append("cross-story")
    return X, y, kinds


def synthetic_rows(seed: int, per_kind: int) -> tuple[list[list[float]], list[bool], list[str]]:
    """Invented English pairs: textgen's reuse kinds and unrelated stories, and from a
    gen_corpus corpus its same-event decoys (the hard negatives) against their events."""
    rng = random.Random(seed)
    X, y, kinds = [], [], []
    for kind in ("verbatim", "spun", "partial", "unrelated"):
        for _ in range(per_kind):
            original, derived = textgen.make_pair(kind, rng)
            X.append(features(Article(id="o", text=original.text), Article(id="d", text=derived.text)))
            y.append(kind != "unrelated")
            kinds.append(kind)
    corpus = gen_corpus.build_corpus(per_kind * 30, seed)
    by_uid = {it.uid: it for it in corpus.items}
    decoys = 0
    for it in corpus.items:
        if it.role != "decoy" or it.event_of not in by_uid or decoys >= 2 * per_kind:
            continue
        event = by_uid[it.event_of]
        relatives = [event] + [x for x in corpus.items if x.root == event.uid and x is not event][:2]
        for other in relatives:
            X.append(features(Article(id="d", text=it.story.text),
                              Article(id="o", text=other.story.text)))
            y.append(False)
            kinds.append("decoy")
            decoys += 1
    return X, y, kinds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "newstrace" / "models" / "reuse.json")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--per-kind", type=int, default=60)
    ap.add_argument("--C", type=float, default=3.0)
    ap.add_argument("--cross", type=int, default=300, help="cross-story COUNTER negatives")
    args = ap.parse_args()

    if not COUNTER.is_dir():
        sys.exit(f"{COUNTER} is not present: the combiner is trained on it")
    Xc, yc, kc = counter_rows(args.cross, args.seed)
    Xs, ys, ks = synthetic_rows(args.seed, args.per_kind)
    X = np.array(Xc + Xs)
    y = np.array(yc + ys)
    group = np.array(kc + ks)

    print(f"command: python bench/train_reuse.py --seed {args.seed} --per-kind {args.per_kind} "
          f"--C {args.C} --cross {args.cross}")
    payload: dict[str, object] = {
        "about": "newstrace reuse combiner: logistic regression over verdict.reuse_features, "
                 "one model per script kind; rebuild with bench/train_reuse.py",
        "features": list(FEATURES),
    }
    # Names only stand out in scripts with letter case, so the skeleton features mean
    # something else in Urdu than in English: one model for each kind of script.
    uncased = np.isin(group, ["counter", "cross-story"])
    for name, rows in (("uncased", uncased), ("cased", ~uncased)):
        payload[name] = fit(X[rows], y[rows], group[rows], args.C, name)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


def fit(X: np.ndarray, y: np.ndarray, group: np.ndarray, C: float, name: str) -> dict:
    """10-fold CV figures, then the model fitted on all rows, as plain numbers."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    pred = cross_val_predict(model, X, y, cv=StratifiedKFold(10, shuffle=True, random_state=0))
    print(f"{name} model, 10-fold CV (n={len(y)}): F1 {f1_score(y, pred):.3f}  "
          f"accuracy {accuracy_score(y, pred):.3f}")
    for kind in sorted(set(group)):
        k = group == kind
        print(f"  {kind:<10} (n={k.sum()}): accuracy {accuracy_score(y[k], pred[k]):.3f}")
    model.fit(X, y)
    scaler, lr = model[0], model[-1]
    return {"mean": scaler.mean_.round(6).tolist(), "scale": scaler.scale_.round(6).tolist(),
            "coef": lr.coef_[0].round(6).tolist(), "intercept": round(float(lr.intercept_[0]), 6),
            "trained_on": {k: int((group == k).sum()) for k in sorted(set(group))}}


if __name__ == "__main__":
    main()
