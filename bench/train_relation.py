"""Train the relation model: multinomial logistic regression over containment features.

Classes are METER's: WD (wholly derived), PD (partially derived), ND (not derived);
inputs are ``newstrace.verdict.RELATION_FEATURES``: containment of the copy in its
source, and how much of the copy the aligner linked. A labelled pair is measured in its
known direction (the model learns what a copy looks like beside its source; reading the
side the source stage names instead cost COUNTER-half 0.664 -> 0.650 in
bench/eval_relation.py, where that stage left 19 of 301 pairs undecided); ``compare``
reads the copy of the side the source stage names, else the shorter body. One model for
scripts with letter case and one for scripts without (names and inflection behave
differently).

Training data (none of it is shipped, only the fitted weights in weights/relation.json):
  * cased: METER-dev (../shared/data/meter-dev: Press Association copy vs British
    newspapers, labelled by journalists; research use) and the project's own invented
    pairs (newstrace_synth: reprints, spins, partial reuse, briefs, agency copy plus own
    reporting, multi-take sources, same-event independent reports, unrelated stories);
  * uncased: COUNTER-half (../shared/data/counter-half: Urdu agency copy vs newspapers;
    CC BY-NC-SA 4.0, research use).

    python bench/train_relation.py [--out src/newstrace/weights/relation.json]

Out-of-sample figures at the shipped default come from bench/eval_relation.py.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np
from reuse_data import RELATION_LABEL, LabelledPair, counter_pairs, meter_pairs

from newstrace.align import align
from newstrace.compare import prepare
from newstrace.containment import CHARACTER_FEATURES
from newstrace.model import Article, SideName
from newstrace.source import decide_source
from newstrace.verdict import DERIVATIONS, RELATION_FEATURES, relation_features

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "newstrace" / "weights" / "relation.json"
C = 1.0
"""Inverse regularisation strength (picked by story-grouped CV on METER-dev and
COUNTER-half among 0.1, 0.3, 1, 3: 1 was best or tied on both). Picking it anew inside
each training fold (nested, per script) was tried: METER 0.669 -> 0.651, COUNTER 0.651
-> 0.652 (bench/eval_relation.py), so it stays fixed."""
SCRIPT_FEATURES = {
    "cased": tuple(n for n in RELATION_FEATURES if n not in CHARACTER_FEATURES),
    "uncased": (
        *("word1", "word2", "word3", "word4", "word5", "reverse_word1", "length_ratio"),
        *CHARACTER_FEATURES,
    ),
}
"""What each script kind's model reads. Scripts with letter case: every measure but the
character n-grams (on METER-dev, story-grouped CV, 7 word n-gram measures alone 0.62 /
0.88 against all of them 0.65 / 0.89; the character n-grams moved METER-dev by less than
its noise, 0.665 / 0.887 -> 0.667 / 0.891 over 10 repeats, and cost the invented
same-event decoys 8 more false reuse pairs in 2,000 generated articles). Scripts
without: the word n-gram containment of the COUNTER study (n = 1-5, the reverse
unigram, the length ratio) and the character n-grams of the words written together,
which see Urdu's inconsistent spacing (0.734 / 0.875 -> 0.750 / 0.891 over 10
repeats); content words, tiles, quotes and the aligned share rest on capitals,
stop-word lists and quotation habits that Urdu news lacks, and on COUNTER-half's 301
pairs the full set fitted noise: 3-class macro F1 0.706 / derived F1 0.865 against
0.734 / 0.875 with the seven word measures (bench/eval_relation.py, 12 repeats)."""
BALANCED = {"cased": True, "uncased": False}
"""Whether classes are weighted to equal total weight (bench/eval_relation.py, 5
repeats). METER-dev's partially derived pairs are its rarest class: weighted, 3-class
macro F1 0.669 against 0.663. COUNTER's are its commonest, and weighting them down cost
0.713 against 0.732 (with the seven measures; the COUNTER study's regression is not
weighted either)."""
SYNTHETIC_PER_KIND = 40
SYNTHETIC_WEIGHT = 0.5
"""Weight of one invented pair against one real pair: the real data leads, the invented
patterns keep the model from unlearning what the project's own corpora show."""
CROSS_PAIRS = 100
"""Candidate pairs of two different stories, per corpus: the unrelated pairs."""
CROSS_NEAR_COPY = 0.5
"""Share of 3-word phrases from which a cross-story pair is taken for a story the corpus
holds twice, and left out."""
_TO_DERIVATION = {**RELATION_LABEL, "verbatim": "WD", "spun": "WD", "summary": "WD"}
"""Labels of the invented pairs: newstrace's relations and textgen's kinds."""


@dataclass(frozen=True, slots=True)
class Row:
    features: tuple[float, ...]
    label: str
    group: str
    corpus: str
    script: str


def features(source: Article, copy: Article, known: bool = True) -> tuple[float, ...]:
    """The relation model's inputs for the pair: the copy's containment in its known
    source (``known``), else in the side that the source stage names, as ``compare``
    reads them when it has no label to go by."""
    pa, pb = prepare(source), prepare(copy)
    a, b = pa.side, pb.side
    alignments = align(a, b)
    side: SideName | None = "a"
    if not known:
        side, _ = decide_source(
            pa.article, pb.article, a, b, alignments, pa.layout.removed, pb.layout.removed
        )
    return relation_features(a, b, alignments, side)[1]


def real_rows(pairs: Sequence[LabelledPair], script: str) -> list[Row]:
    return [Row(features(p.source, p.copy), p.label, p.group, p.corpus, script) for p in pairs]


def cross_rows(pairs: Sequence[LabelledPair], script: str, n: int, seed: int) -> list[Row]:
    """Candidate pairs of two different stories, as a scan of the whole corpus proposes
    them (same beat, same courts, same stock phrases): not derived. Near-copies are left
    out (a corpus may hold a story twice under two numbers). Their group names both
    stories, so a story-split evaluation keeps them out of the folds that test either."""
    from newstrace.lsh import candidate_pairs
    from newstrace.scan import band_keys_of, clean_bodies, fingerprint_bodies

    texts: dict[str, tuple[Article, str]] = {}
    for p in pairs:
        texts.setdefault(p.source.id, (p.source, p.group))
        texts.setdefault(p.copy.id, (p.copy, p.group))
    ids = sorted(texts)
    keys = band_keys_of(fingerprint_bodies(clean_bodies([texts[i][0] for i in ids])))
    found = [
        (ids[i], ids[j])
        for i, j in candidate_pairs(keys).tolist()
        if texts[ids[i]][1] != texts[ids[j]][1]
    ]
    random.Random(seed).shuffle(found)
    word3 = RELATION_FEATURES.index("word3")
    out: list[Row] = []
    for x, y in found:
        if len(out) >= n:
            break
        (a, ga), (b, gb) = texts[x], texts[y]
        row = Row(features(a, b, known=False), "ND", f"{ga}|{gb}", pairs[0].corpus, script)
        if row.features[word3] < CROSS_NEAR_COPY:
            out.append(row)
    return out


def synthetic_rows(seed: int, per_kind: int) -> list[Row]:
    """The project's invented pairs (English): generator patterns with known labels."""
    from newstrace_synth import textgen
    from newstrace_synth.newsroom import newsroom_pairs

    rows = []
    rng = random.Random(seed)
    for kind in ("verbatim", "spun", "partial", "unrelated"):
        for k in range(per_kind):
            original, derived = textgen.make_pair(kind, rng)
            rows.append(
                Row(
                    features(
                        Article(id="o", text=original.text), Article(id="d", text=derived.text)
                    ),
                    _TO_DERIVATION[kind],
                    f"textgen-{kind}-{k}",
                    "synthetic",
                    "cased",
                )
            )
    for p in newsroom_pairs(per_kind // 2, seed):
        rows.append(
            Row(
                features(Article(id="s", text=p.source), Article(id="c", text=p.copy)),
                _TO_DERIVATION[p.relation],
                p.id,
                "synthetic",
                "cased",
            )
        )
    return rows


def all_rows(seed: int = 5, per_kind: int = SYNTHETIC_PER_KIND) -> list[Row]:
    meter, counter = meter_pairs(), counter_pairs()
    return (
        real_rows(meter, "cased")
        + cross_rows(meter, "cased", CROSS_PAIRS, seed)
        + real_rows(counter, "uncased")
        + cross_rows(counter, "uncased", CROSS_PAIRS, seed)
        + synthetic_rows(seed, per_kind)
    )


def fit(
    rows: Sequence[Row],
    c: float = C,
    names: Sequence[str] = RELATION_FEATURES,
    balanced: bool = True,
) -> dict[str, object]:
    """Standardise, fit over the features ``names``, and return the weights as plain
    numbers (classes in ``DERIVATIONS`` order); ``balanced`` weights the classes to equal
    total weight (the relation is judged by its F1 on each class alike)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    columns = [RELATION_FEATURES.index(n) for n in names]
    X = np.array([r.features for r in rows])[:, columns]
    y = np.array([r.label for r in rows])
    w = np.array([SYNTHETIC_WEIGHT if r.corpus == "synthetic" else 1.0 for r in rows])
    scaler = StandardScaler().fit(X)
    lr = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None).fit(
        scaler.transform(X), y, sample_weight=w
    )
    order = [list(lr.classes_).index(k) for k in DERIVATIONS]
    return {
        "features": list(names),
        "mean": scaler.mean_.round(6).tolist(),
        "scale": np.where(scaler.scale_ > 0, scaler.scale_, 1.0).round(6).tolist(),
        "coef": lr.coef_[order].round(6).tolist(),
        "intercept": lr.intercept_[order].round(6).tolist(),
        "trained_on": {
            f"{corpus}:{label}": sum(1 for r in rows if r.corpus == corpus and r.label == label)
            for corpus in sorted({r.corpus for r in rows})
            for label in DERIVATIONS
        },
    }


def model_file(rows: Sequence[Row], c: float = C) -> dict[str, object]:
    """The whole model file: one model per script kind, with where it came from."""
    payload: dict[str, object] = {
        "about": "newstrace relation model: multinomial logistic regression over "
        "verdict.RELATION_FEATURES, one model per script kind; rebuilt by "
        "bench/train_relation.py. Fitted on METER-dev (University of Sheffield; "
        "research use only) and COUNTER-half (CC BY-NC-SA 4.0, research use) and "
        "on pairs the project invented; no text of them is shipped.",
        "features": list(RELATION_FEATURES),
        "classes": list(DERIVATIONS),
    }
    for script in ("cased", "uncased"):
        part = [r for r in rows if r.script == script]
        if not part:
            raise SystemExit(f"no training rows for {script} scripts: is ../shared/data there?")
        payload[script] = fit(part, c, SCRIPT_FEATURES[script], BALANCED[script])
    return payload


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=MODEL)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    rows = all_rows(args.seed)
    if not any(r.corpus == "meter" for r in rows) or not any(r.corpus == "counter" for r in rows):
        sys.exit("../shared/data/meter-dev and counter-half are needed to train the model")
    args.out.write_text(json.dumps(model_file(rows), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} from {len(rows)} pairs")
    print(f"reproduce: python bench/train_relation.py --seed {args.seed}")


if __name__ == "__main__":
    main()
