"""Accuracy of ``newstrace scan`` on a generated corpus with known truth.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/gen_corpus.py --n 2000 --seed 1 --out bench/out/corpus-2000.jsonl
    python bench/eval_scan.py bench/out/corpus-2000.jsonl            # runs newstrace.scan.scan
    # or score a CLI run:
    newstrace scan bench/out/corpus-2000.jsonl --out bench/out/scan-2000
    python bench/eval_scan.py bench/out/corpus-2000.jsonl --pairs bench/out/scan-2000/pairs.jsonl

The truth file defaults to CORPUS with ``.truth.json`` for ``.jsonl`` (see
``gen_corpus.py`` for what counts as a reuse pair, its relation, tier and kind).

Reported:

* **pairs, reuse vs not**: precision, recall, F1 of the predicted reuse pairs (any of
  duplicate/rewrite/partial) against the truth pairs. Ambiguous truth pairs (one shared
  sentence, or under 150 shared characters) are left out of both sides.
* **per relation**: exact-label precision/recall/F1 (a rewrite reported as partial is a
  miss for rewrite and a false positive for partial), and the confusion matrix.
* **recall by planted kind and tier** (direct: parent/child or one transformation apart;
  indirect: two independent transformations of one text), with candidate recall.
* **false positives by category**: same-event decoy vs its event's family, same family
  but nothing shared, shared stock sentence, other.
* **source**: share of found pairs with a known source (truth) whose source is right.
* **families**: adjusted Rand index (``sklearn.metrics.adjusted_rand_score``) of
  predicted vs true families over all articles; an article in no family is its own
  singleton label on both sides.
* **candidate recall**: share of truth pairs that the candidate stage (fingerprint ->
  band keys -> ``lsh.candidate_pairs``, recomputed with the same functions as the scan)
  proposes at all; a pair missed there can never be found by verification.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
try:
    import newstrace  # noqa: F401
except ImportError:  # not installed: use the working tree
    sys.path.insert(0, str(ROOT / "src"))

from newstrace.cluster import components  # noqa: E402
from newstrace.corpus import CorpusFingerprinter  # noqa: E402
from newstrace.ingest import iter_articles  # noqa: E402
from newstrace.lsh import candidate_pairs  # noqa: E402
from newstrace.model import Article  # noqa: E402
from newstrace.options import DEFAULT_OPTIONS, Options  # noqa: E402

RELATIONS = ("duplicate", "rewrite", "partial")
Pair = tuple[str, str]


def truth_path_for(corpus: Path) -> Path:
    name = corpus.name
    for suffix in (".jsonl.gz", ".jsonl"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return corpus.with_name(name + ".truth.json")


def load_articles(corpus: Path, options: Options = DEFAULT_OPTIONS) -> list[Article]:
    """The corpus as the CLI reads it (newstrace.ingest)."""
    return list(iter_articles([corpus], options=options))


def candidate_set(articles: Sequence[Article], options: Options = DEFAULT_OPTIONS) -> set[Pair]:
    """Candidate id pairs of the scan's band stage (its fingerprinter: common skeleton
    terms and shingle slot values left out), before the screen."""
    printer = CorpusFingerprinter(options)
    printer.add_all(articles)
    _, keys = printer.finish()
    pairs = candidate_pairs(keys, options.max_bucket)
    ids = [a.id for a in articles]
    return {tuple(sorted((ids[i], ids[j]))) for i, j in pairs.tolist()}  # type: ignore[misc]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def ari(truth: dict, families: Iterable[Iterable[str]]) -> float:
    """Adjusted Rand index of families over all truth articles (singletons: own label)."""
    ids = sorted(truth["articles"])
    true_comp = components((p["a"], p["b"]) for p in truth["pairs"])
    tlab = {m: f"T{k}" for k, comp in enumerate(true_comp) for m in comp}
    plab = {m: f"P{k}" for k, fam in enumerate(families) for m in fam}
    y_true = [tlab.get(i, "s:" + i) for i in ids]
    y_pred = [plab.get(i, "s:" + i) for i in ids]
    try:
        from sklearn.metrics import adjusted_rand_score
    except ImportError:  # same formula, for machines without scikit-learn
        return _ari(y_true, y_pred)
    return float(adjusted_rand_score(y_true, y_pred))


def _ari(a: list[str], b: list[str]) -> float:
    from math import comb

    n = len(a)
    cont = Counter(zip(a, b, strict=True))
    sa, sb = Counter(a), Counter(b)
    index = sum(comb(v, 2) for v in cont.values())
    ea, eb = sum(comb(v, 2) for v in sa.values()), sum(comb(v, 2) for v in sb.values())
    expected = ea * eb / comb(n, 2) if n > 1 else 0.0
    top = (ea + eb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def evaluate(
    truth: dict,
    predicted: Iterable[dict],
    families: Iterable[Iterable[str]] | None,
    candidates: set[Pair] | None,
) -> dict:
    """All figures as a dict. ``predicted``: dicts with a, b, relation, source (reuse only)."""
    arts = truth["articles"]
    tp_map = {(p["a"], p["b"]): p for p in truth["pairs"]}
    amb = {tuple(p) for p in truth["ambiguous"]}
    pred = {}
    for p in predicted:
        if p["relation"] not in RELATIONS:
            continue
        a, b = sorted((p["a"], p["b"]))
        pred[(a, b)] = p
    if families is None:
        families = components(pred)
    families = [list(f) for f in families]

    scored = {k: v for k, v in pred.items() if k not in amb}
    tp = sum(1 for k in scored if k in tp_map)
    fp = len(scored) - tp
    fn = len(tp_map) - tp
    out: dict = {
        "truth_pairs": len(tp_map),
        "predicted_pairs": len(pred),
        "predicted_ambiguous": len(pred) - len(scored),
    }
    out["overall"] = dict(
        zip(("precision", "recall", "f1"), _prf(tp, fp, fn), strict=True), tp=tp, fp=fp, fn=fn
    )

    per = {}
    confusion: dict[str, Counter] = {r: Counter() for r in RELATIONS}
    for k, t in tp_map.items():
        confusion[t["relation"]][pred[k]["relation"] if k in pred else "none"] += 1
    for r in RELATIONS:
        t_r = {k for k, t in tp_map.items() if t["relation"] == r}
        p_r = {k for k, p in scored.items() if p["relation"] == r}
        tp_r = len(t_r & {k for k in p_r if tp_map.get(k, {}).get("relation") == r})
        prec, rec, f1 = _prf(tp_r, len(p_r) - tp_r, len(t_r) - tp_r)
        found_any = len(t_r & set(pred))
        per[r] = {
            "truth": len(t_r),
            "predicted": len(p_r),
            "tp": tp_r,
            "precision": prec,
            "recall": rec,
            "f1": f1,
            "detected_any_label": found_any,
        }
    out["per_relation"] = per
    out["confusion"] = {r: dict(c) for r, c in confusion.items()}

    by_kind: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    missed_examples: dict[tuple[str, str, str], list] = defaultdict(list)
    for k, t in tp_map.items():
        key = (t["kind"], t["tier"], t["relation"])
        c = by_kind[key]
        c["n"] += 1
        if k in pred:
            c["found"] += 1
            c["exact"] += pred[k]["relation"] == t["relation"]
        elif len(missed_examples[key]) < 4:
            missed_examples[key].append(
                [k[0], k[1], "candidate" if candidates and k in candidates else "not a candidate"]
            )
        if candidates is not None:
            c["cand"] += k in candidates
    out["by_kind"] = [
        {
            "kind": k[0],
            "tier": k[1],
            "relation": k[2],
            **dict(v),
            "missed_examples": missed_examples.get(k, []),
        }
        for k, v in sorted(by_kind.items(), key=lambda kv: (kv[0][1], -kv[1]["n"]))
    ]

    cats: Counter = Counter()
    cat_examples: dict[str, list] = defaultdict(list)
    for (a, b), p in scored.items():
        if (a, b) in tp_map:
            continue
        cat = fp_category(arts, a, b)
        cats[cat] += 1
        if len(cat_examples[cat]) < 4:
            cat_examples[cat].append([a, b, p["relation"]])
    out["false_positives"] = {
        c: {"n": n, "examples": cat_examples[c]} for c, n in cats.most_common()
    }

    known = [(k, t) for k, t in tp_map.items() if t["source"] and k in pred]
    right = sum(1 for k, t in known if pred[k].get("source") == t["source"])
    none_ = sum(1 for k, t in known if pred[k].get("source") is None)
    wrong_by_kind: Counter = Counter()
    wrong_examples: list = []
    for k, t in known:
        if pred[k].get("source") not in (t["source"], None):
            wrong_by_kind[t["kind"]] += 1
            if len(wrong_examples) < 6:
                wrong_examples.append([k[0], k[1], t["kind"], "truth " + t["source"]])
    out["source"] = {
        "judged": len(known),
        "right": right,
        "null": none_,
        "wrong": len(known) - right - none_,
        "accuracy": right / len(known) if known else 0.0,
        "wrong_by_kind": dict(wrong_by_kind.most_common()),
        "wrong_examples": wrong_examples,
    }
    out["ari"] = ari(truth, families)
    out["families_predicted"] = len(families)
    out["families_true"] = len(components((p["a"], p["b"]) for p in truth["pairs"]))
    if candidates is not None:
        cand_scored = {k for k in candidates if k not in amb}
        hit = sum(1 for k in tp_map if k in candidates)
        out["candidates"] = {
            "pairs": len(candidates),
            "truth_hit": hit,
            "recall": hit / len(tp_map) if tp_map else 0.0,
            "precision": hit / len(cand_scored) if cand_scored else 0.0,
        }
        tiers = Counter(t["tier"] for t in tp_map.values())
        out["candidates"]["recall_by_tier"] = {
            tier: sum(1 for k, t in tp_map.items() if t["tier"] == tier and k in candidates) / n
            for tier, n in tiers.items()
        }
        lost = [k for k in tp_map if k in candidates and k not in pred]
        out["verify_recall"] = 1 - len(lost) / hit if hit else 0.0
    tiers = Counter(t["tier"] for t in tp_map.values())
    out["recall_by_tier"] = {
        tier: sum(1 for k, t in tp_map.items() if t["tier"] == tier and k in pred) / n
        for tier, n in tiers.items()
    }
    return out


def fp_category(arts: dict, a: str, b: str) -> str:
    """Why a predicted pair that the truth does not list might have been reported."""
    fa, fb = arts[a]["family"], arts[b]["family"]
    ea = arts[arts[a]["family"]]["event_of"] if arts[fa]["role"] == "decoy" else None
    eb = arts[arts[b]["family"]]["event_of"] if arts[fb]["role"] == "decoy" else None
    if (ea is not None and arts[ea]["family"] == fb) or (
        eb is not None and arts[eb]["family"] == fa
    ):
        return "decoy vs its event's family (same cast, no shared sentence)"
    if fa == fb:
        return "same family, no shared sentence"
    if set(arts[a]["stock"]) & set(arts[b]["stock"]):
        return "unrelated, share a stock sentence"
    if arts[a]["beat"] == arts[b]["beat"]:
        return "unrelated, same beat"
    return "unrelated"


# --- printing -------------------------------------------------------------------------------


def format_report(r: dict, title: str) -> str:
    L = [
        f"== {title}",
        f"truth pairs {r['truth_pairs']:,}   predicted reuse pairs {r['predicted_pairs']:,}"
        f" ({r['predicted_ambiguous']} on ambiguous truth pairs, not scored)",
    ]
    o = r["overall"]
    L.append("")
    L.append(
        f"{'pairs':<22}{'truth':>7}{'pred':>7}{'TP':>7}{'prec':>8}{'recall':>8}{'F1':>8}"
        f"{'found*':>8}"
    )
    L.append(
        f"{'reuse vs not':<22}{r['truth_pairs']:>7}{o['tp'] + o['fp']:>7}{o['tp']:>7}"
        f"{o['precision']:>8.3f}{o['recall']:>8.3f}{o['f1']:>8.3f}{'':>8}"
    )
    for rel, v in r["per_relation"].items():
        L.append(
            f"{rel + ' (exact label)':<22}{v['truth']:>7}{v['predicted']:>7}{v['tp']:>7}"
            f"{v['precision']:>8.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}"
            f"{v['detected_any_label'] / max(1, v['truth']):>8.3f}"
        )
    L.append("  *found: share of the relation's truth pairs reported with any reuse label")
    L.append("")
    L.append(f"{'confusion (truth→pred)':<24}" + "".join(f"{c:>11}" for c in (*RELATIONS, "none")))
    for rel in RELATIONS:
        c = r["confusion"][rel]
        L.append(f"{rel:<24}" + "".join(f"{c.get(x, 0):>11}" for x in (*RELATIONS, "none")))
    L.append("")
    has_cand = "candidates" in r
    L.append(
        f"{'planted kind':<26}{'tier':<10}{'relation':<11}{'n':>6}{'found':>8}{'exact':>8}"
        + (f"{'cand':>8}" if has_cand else "")
        + "   missed examples (a, b)"
    )
    for k in r["by_kind"]:
        n = k["n"]
        ex = "; ".join(
            f"{a} {b}" + (" [not cand]" if c == "not a candidate" else "")
            for a, b, c in k["missed_examples"][:2]
        )
        L.append(
            f"{k['kind']:<26}{k['tier']:<10}{k['relation']:<11}{n:>6}"
            f"{k.get('found', 0) / n:>8.3f}{k.get('exact', 0) / n:>8.3f}"
            + (f"{k.get('cand', 0) / n:>8.3f}" if has_cand else "")
            + f"   {ex}"
        )
    L.append(
        "recall by tier: "
        + ", ".join(f"{t} {v:.3f}" for t, v in sorted(r["recall_by_tier"].items()))
    )
    L.append("")
    L.append("false positives by category:" + ("" if r["false_positives"] else " none"))
    for cat, v in r["false_positives"].items():
        ex = "; ".join(f"{a} {b} ({rel})" for a, b, rel in v["examples"][:3])
        L.append(f"  {v['n']:>5}  {cat}   e.g. {ex}")
    s = r["source"]
    L.append("")
    L.append(
        f"source: {s['right']}/{s['judged']} right ({s['accuracy']:.3f}), {s['wrong']} wrong, "
        f"{s['null']} null  (found pairs whose truth names a source)"
    )
    if s["wrong"]:
        L.append(
            "  wrong by planted kind: "
            + ", ".join(f"{k} {v}" for k, v in s["wrong_by_kind"].items())
            + "; e.g. "
            + "; ".join(" ".join(x) for x in s["wrong_examples"][:3])
        )
    L.append(
        f"families: ARI {r['ari']:.4f}  (predicted {r['families_predicted']}, "
        f"true {r['families_true']} of 2+ articles; singletons are their own label)"
    )
    if has_cand:
        c = r["candidates"]
        L.append(
            f"candidates: {c['pairs']:,} pairs; candidate recall {c['recall']:.3f} "
            f"({c['truth_hit']}/{r['truth_pairs']}; "
            + ", ".join(f"{t} {v:.3f}" for t, v in sorted(c["recall_by_tier"].items()))
            + f"); candidate precision {c['precision']:.3f}; "
            f"verification keeps {r['verify_recall']:.3f} of true candidates"
        )
    return "\n".join(L)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Score newstrace scan against gen_corpus truth.")
    ap.add_argument("corpus", type=Path, help="corpus JSONL from bench/gen_corpus.py")
    ap.add_argument("--truth", type=Path, default=None)
    ap.add_argument(
        "--pairs",
        type=Path,
        default=None,
        help="pairs.jsonl of `newstrace scan --out DIR` (default: run the scan here;"
        " families.jsonl next to it is used when present)",
    )
    ap.add_argument(
        "--no-candidates",
        action="store_true",
        help="skip recomputing the candidate stage (candidate recall)",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override an Options field for the scan and the candidate stage, "
        "e.g. --set skeleton_threshold=0.5 (repeatable)",
    )
    args = ap.parse_args(argv)
    options = DEFAULT_OPTIONS.with_(**dict(_parse_override(o) for o in args.overrides))
    truth = json.loads((args.truth or truth_path_for(args.corpus)).read_text(encoding="utf-8"))
    articles = load_articles(args.corpus)
    t0 = time.perf_counter()
    seconds = None
    if args.pairs:
        predicted = [
            json.loads(x) for x in args.pairs.read_text(encoding="utf-8").splitlines() if x.strip()
        ]
        fam_path = args.pairs.with_name("families.jsonl")
        families = (
            [json.loads(x)["members"] for x in fam_path.read_text().splitlines() if x]
            if fam_path.exists()
            else None
        )
        source = f"pairs from {args.pairs}"
    else:
        from newstrace.scan import scan

        result = scan(articles, options=options)
        seconds = {k: round(v, 2) for k, v in result.seconds.items()}
        predicted = [
            {"a": p.a, "b": p.b, "relation": p.relation, "source": p.source} for p in result.pairs
        ]
        families = [list(f.members) for f in result.families]
        source = f"newstrace.scan.scan ({result.candidates:,} candidates)"
    candidates = None if args.no_candidates else candidate_set(articles, options)
    report = evaluate(truth, predicted, families, candidates)
    report["scan_seconds"] = seconds
    title = f"{args.corpus} (n={len(articles)}, params {truth.get('params')}) - {source}" + (
        f", options {', '.join(args.overrides)}" if args.overrides else ""
    )
    print(format_report(report, title))
    if seconds:
        print(f"scan time: {seconds}  ({len(articles) / seconds['total']:.0f} articles/s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"evaluated in {time.perf_counter() - t0:.1f} s")
    params = truth.get("params", {})
    gen = (
        f"python bench/gen_corpus.py --n {params.get('n')} --seed {params.get('seed')} "
        f"--out {shlex.quote(str(args.corpus))} && "
        if params
        else ""
    )
    print(
        "reproduce: . .venv/bin/activate && "
        + gen
        + "python "
        + " ".join(shlex.quote(a) for a in [str(Path(sys.argv[0])), *(argv or sys.argv[1:])])
    )


def _parse_override(text: str) -> tuple[str, object]:
    name, _, raw = text.partition("=")
    value: object = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    else:
        for kind in (int, float):
            try:
                value = kind(raw)
                break
            except ValueError:
                pass
    return name.strip(), value


if __name__ == "__main__":
    main()
