"""10-fold cross-validated accuracy and F1 of the paraphrase combiners on MRPC.

Usage (from the repository root)::

    . .venv/bin/activate
    pip install -e '.[bench]'                 # scikit-learn
    pip install -e '.[semantic]'              # optional: the semantic figures
    python bench/eval_mrpc.py                 # default (lexical) and semantic
    python bench/eval_mrpc.py --lexical-only --json bench/out/mrpc.json

Features are computed once for all 4,076 pairs of the MRPC training part (and the
generated negatives ``bench/train_paraphrase.py`` adds); the folds are stratified over
the MRPC pairs with a fixed seed, and on each fold the standardisation and the logistic
regression are refit on the nine training folds (and the negatives made from them) only:
no leakage. Only MRPC pairs are scored for accuracy/F1. ``C`` and the negatives are those
the shipped model files record, so these are the figures of the shipped configuration
(``C`` was picked on these same folds from a 4-value grid: a slight optimism).
Reference points on MRPC: always "paraphrase" 0.675 accuracy / 0.806 F1; lexical methods
0.70-0.73; fine-tuned BERT-base 0.84-0.88.

Semantic figures: "all pairs" scores every pair with the semantic model; "gated" is what
``newstrace pairs --semantic`` does, the semantic model applied only where the lexical
score is not already confident (inside the model's gate, or ``--gate-low``/``--gate-high``),
with the share of pairs that needed embeddings.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from train_paraphrase import (
    DEFAULT_DATA,
    FOLDS,
    SEED,
    TrainingSet,
    cv_scores,
    feature_matrices,
    load_mrpc,
    metrics,
    training_set,
)


def evaluate(
    scores: np.ndarray, data: TrainingSet, *, embedded: float | None = None
) -> dict[str, float]:
    """MRPC figures of out-of-fold scores, and how often a held-out unrelated pair (a
    random re-pairing of test-fold sentences) is called a paraphrase."""
    gold = data.y[: data.n_gold]
    out = metrics((scores[: data.n_gold] >= 0.5).astype(np.int64), gold)
    unrelated = scores[data.n_gold :][[len(src) == 2 for src in data.sources]]
    unrelated = unrelated[~np.isnan(unrelated)]
    out["unrelated_fp"] = float((unrelated >= 0.5).mean()) if len(unrelated) else float("nan")
    out["unrelated_n"] = len(unrelated)
    if embedded is not None:
        out["embedded_share"] = embedded
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--lexical-only", action="store_true")
    parser.add_argument(
        "--gate-low", type=float, default=None, help="Default: the shipped semantic model's gate."
    )
    parser.add_argument("--gate-high", type=float, default=None)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = parser.parse_args(argv)
    from newstrace.paraphrase import load_model

    if not args.data.exists():
        sys.exit(f"{args.data}: not found (the MRPC training part lives in ../shared)")
    pairs, y = load_mrpc(args.data)
    lexical = load_model("lexical")
    info = lexical.info or {}
    data = training_set(
        pairs,
        y,
        random_negatives=float(info["random_negatives"]),
        number_negatives=float(info["number_negatives"]),
    )
    print(
        f"MRPC training part: {len(y):,} pairs, {y.mean():.3f} paraphrases; stratified "
        f"{FOLDS}-fold CV, seed {SEED}; training folds also get "
        f"{len(data.pairs) - len(y):,} generated negatives (theirs only)"
    )
    results: dict[str, dict[str, float]] = {}
    x_lex, _ = feature_matrices(data.pairs, semantic=False)
    p_lex = cv_scores(x_lex, data, float(info["C"]))
    results["default (lexical)"] = evaluate(p_lex, data)
    if not args.lexical_only:
        sem = load_model("semantic")
        x_sem, (count, seconds) = feature_matrices(data.pairs, semantic=True)
        p_sem = cv_scores(x_sem, data, float((sem.info or {})["C"]), semantic=True)
        low = sem.gate[0] if args.gate_low is None else args.gate_low
        high = sem.gate[1] if args.gate_high is None else args.gate_high
        weak = (p_lex > low) & (p_lex < high)
        gated = np.where(weak, p_sem, p_lex)
        results["semantic, all pairs"] = evaluate(p_sem, data, embedded=1.0)
        results[f"semantic, gated {low}-{high}"] = evaluate(
            gated, data, embedded=float(weak[: len(y)].mean())
        )
        results["embedding speed"] = {
            "sentences": count,
            "seconds": seconds,
            "sentences_per_s": count / max(seconds, 1e-9),
        }
    print(
        f"{'configuration':<30} {'accuracy':>8} {'F1':>6} {'prec':>6} {'recall':>6} "
        f"{'unrel.FP':>8} {'embedded':>8}"
    )
    for name, r in results.items():
        if "accuracy" in r:
            emb = f"{r['embedded_share']:.0%}" if "embedded_share" in r else "0%"
            print(
                f"{name:<30} {r['accuracy']:>8.4f} {r['f1']:>6.4f} {r['precision']:>6.4f} "
                f"{r['recall']:>6.4f} {r['unrelated_fp']:>8.3f} {emb:>8}"
            )
    n_unrelated = int(results["default (lexical)"]["unrelated_n"])
    print(f"(unrel.FP: share of {n_unrelated} held-out random re-pairings called paraphrase)")
    if "embedding speed" in results:
        s = results["embedding speed"]
        print(
            f"embedding: {s['sentences']:,.0f} sentences in {s['seconds']:.1f} s "
            f"= {s['sentences_per_s']:.1f} sentences/s (all-MiniLM-L6-v2, CPU, batch 64)"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("command:", shlex.join(["python", "bench/eval_mrpc.py", *(argv or sys.argv[1:])]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
