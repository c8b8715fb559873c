"""How well newstrace names the source of real reuse: COUNTER (Urdu agency copy vs
newspaper articles; the agency story NNNN is always the source of NNNNp).

For every derived pair (WD or PD) that compare reports as reuse: the decided source
(agency right, newspaper wrong, undecided), and how often each text vote of
``verdict._text_votes`` points at the agency when it votes at all. The files carry no
dates or attribution lines, so only the text votes decide here.

    python bench/eval_source.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from newstrace.compare import compare_prepared, prepare
from newstrace.ingest import read_article
from newstrace.model import REUSE
from newstrace.source import _detail, _unaligned_sharing

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "counter-half"


def main() -> None:
    if not DATA.is_dir():
        print(f"{DATA} is not present; nothing to evaluate")
        return
    labels = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
    decided: Counter[tuple[str, str]] = Counter()
    votes: dict[str, Counter[str]] = {}
    for key, label in sorted(labels.items()):
        if label == "ND":
            continue
        pa = prepare(read_article(DATA / "txt" / f"{key}.txt"))
        pb = prepare(read_article(DATA / "txt" / f"{key}p.txt"))
        c = compare_prepared(pa, pb)
        if c.relation not in REUSE:
            continue
        decided[(label, {"a": "agency", "b": "newspaper"}.get(c.source or "", "undecided"))] += 1
        a, b, als = pa.side, pb.side, c.alignments
        in_a = {i for al in als for i in al.a_sentences}
        in_b = {j for al in als for j in al.b_sentences}
        evidence = {  # > 0 points at the agency (a)
            "detail in reused passages": _detail(a, als, True) - _detail(b, als, False),
            "facts the other lacks": len(a.skeleton_keys - b.skeleton_keys)
            - len(b.skeleton_keys - a.skeleton_keys),
            "unreused sentences with shared facts": _unaligned_sharing(a, in_a, b.skeleton_keys)
            - _unaligned_sharing(b, in_b, a.skeleton_keys),
            "longer by >= 3 sentences": (len(a.spans) - len(b.spans)
                                         if abs(len(a.spans) - len(b.spans)) >= 3 else 0),
        }
        for name, x in evidence.items():
            votes.setdefault(name, Counter())["agency" if x > 0 else "newspaper" if x < 0
                                              else "no vote"] += 1
    total = Counter[str]()
    for (_, who), n in decided.items():
        total[who] += n
    print("COUNTER half: source of the derived pairs reported as reuse (truth: the agency)")
    print(f"  all: {dict(total)}")
    for label in ("WD", "PD"):
        print(f"  {label}: { {who: n for (lab, who), n in decided.items() if lab == label} }")
    print("  each text vote on its own (agency = right):")
    for name, counts in votes.items():
        print(f"    {name:38s} {dict(counts)}")


if __name__ == "__main__":
    main()
