"""COUNTER (Urdu news reuse): pair-level and scan-level figures for newstrace.

Pair level: each agency story NNNN against its newspaper article NNNNp through the full
compare pipeline; derived = WD or PD, not derived = ND. Scan level: all 602 articles
scanned as one corpus; a labelled pair counts when the scan reports it.

The shipped relation model (weights/relation.json) was fitted on this same half among
other data (bench/train_relation.py): the pair-level figures here are in-sample; the
out-of-sample ones, story-split, come from bench/eval_relation.py.

    python bench/eval_counter.py
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from newstrace.compare import compare_prepared, prepare
from newstrace.ingest import read_article
from newstrace.scan import scan

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "counter-half"
REUSE = {"duplicate", "rewrite", "partial"}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    if not DATA.is_dir():
        print(f"{DATA} is not present; nothing to evaluate")
        return
    labels = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
    articles = {
        name: read_article(DATA / "txt" / f"{name}.txt")
        for key in labels
        for name in (key, key + "p")
    }
    prepared = {k: prepare(a) for k, a in articles.items()}

    t0 = time.perf_counter()
    confusion: Counter[tuple[str, str]] = Counter()
    sources: Counter[str] = Counter()
    for key, label in sorted(labels.items()):
        c = compare_prepared(prepared[key], prepared[key + "p"])
        confusion[(label, c.relation)] += 1
        if label != "ND" and c.relation in REUSE:
            sources[{"a": "agency", "b": "newspaper"}.get(c.source or "", "undecided")] += 1
    pair_s = time.perf_counter() - t0
    tp = sum(n for (lab, rel), n in confusion.items() if lab != "ND" and rel in REUSE)
    fp = sum(n for (lab, rel), n in confusion.items() if lab == "ND" and rel in REUSE)
    fn = sum(n for (lab, rel), n in confusion.items() if lab != "ND" and rel not in REUSE)
    p, r, f = prf(tp, fp, fn)
    print("COUNTER half, pair level (301 labelled pairs, derived = WD or PD)")
    print(f"  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}   ({pair_s:.1f} s)")
    for label in ("WD", "PD", "ND"):
        row = {
            rel: confusion[(label, rel)]
            for rel in ("duplicate", "rewrite", "partial", "same-story", "unrelated")
        }
        print(f"  {label}: {row}")
    print(f"  source of detected derived pairs: {dict(sources)} (truth: the agency story)")

    t0 = time.perf_counter()
    result = scan(articles.values())
    found = {(x.a, x.b) for x in result.pairs}
    truth = {(k, k + "p") for k, lab in labels.items() if lab != "ND"}
    nd = {(k, k + "p") for k, lab in labels.items() if lab == "ND"}
    tp, fp = len(found & truth), len(found & nd)
    p, r, f = prf(tp, fp, len(truth) - tp)
    print("COUNTER half, scan of all 602 articles")
    print(
        f"  labelled pairs: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}; "
        f"{result.candidates:,} candidates, {time.perf_counter() - t0:.1f} s"
    )
    print(
        f"  other reported pairs (two different story numbers; unlabelled, some are "
        f"stories the corpus holds twice): {len(found - truth - nd)}"
    )
    print("reproduce: . .venv/bin/activate && python bench/eval_counter.py")


if __name__ == "__main__":
    main()
