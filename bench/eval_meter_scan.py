"""METER-dev scan: all PA copies and newspaper articles scanned as one corpus.

The documented contract is ``newstrace scan`` / ``newstrace.scan.scan`` over
``iter_articles`` (README, "Python API"): every ``pa/*.txt`` and ``news/*.txt`` of
``../shared/data/meter-dev`` goes in as one corpus, at the shipped default options
(nothing re-picked here). Then, on the labelled pairs (each article against its story's
PA copy): WD/PD is a true reuse pair, ND is not.

* precision = reported labelled pairs that are WD/PD / reported labelled pairs
* recall    = WD/PD pairs reported / all WD/PD pairs
* reported pairs between two newspaper articles of one story (they legitimately share
  PA text; not labelled, counted apart), and pairs across stories (likely false).

Diagnosis of the misses (``--no-diagnose`` skips it): the candidate stage of the scan is
rebuilt with the same stage functions (``CorpusFingerprinter`` -> ``candidate_pairs`` ->
``screen_candidates``; checked to give the scan's own candidate count), and each missed
WD/PD pair is put in one of

* never a candidate (no shared band key in either channel),
* a band candidate removed by the screen (estimated Jaccard below the floor),
* verified and rejected (a candidate, but the verdict said same-story/unrelated).

For every miss the verdict on the pair (``verify_pair``, as the scan verifies) is also
shown, so a candidate-stage miss that the verdict would accept is
told apart from one it would reject anyway; and the PA/article length ratio, since a PA
copy 2-6x longer than the article keeps Jaccard (what the bands and the screen estimate)
low even when most of the article is PA text.

    . .venv/bin/activate && python bench/eval_meter_scan.py
    python bench/eval_meter_scan.py --cli    # same, through `newstrace scan --format jsonl`
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from reuse_data import METER

from newstrace.corpus import with_short_copies
from newstrace.ingest import iter_articles
from newstrace.lsh import candidate_pairs
from newstrace.model import REUSE
from newstrace.options import DEFAULT_OPTIONS
from newstrace.scan import CorpusFingerprinter, PreparedCache, scan, screen_candidates, verify_pair

ROOT = Path(__file__).resolve().parents[1]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def catchline(article_id: str) -> str:
    """'pa-courts-27.01.00-doctor' and 'news-courts-27.01.00-doctor-doctor730_x' -> 'doctor'."""
    return article_id.split("-")[3]


def words(text: str) -> int:
    return len(text.split())


def scan_cli(paths: list[Path]) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str]]:
    """Reported pairs from `newstrace scan --format jsonl` (the CLI contract)."""
    cmd = [
        str(Path(sys.executable).parent / "newstrace"),
        "scan",
        *map(str, paths),
        "--format",
        "jsonl",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found, rel = set(), {}
    for line in out.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "a" in row and "b" in row:
            k = key(row["a"], row["b"])
            found.add(k)
            rel[k] = row.get("relation", "?")
    return found, rel


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="METER-dev scan precision/recall")
    ap.add_argument(
        "--cli",
        action="store_true",
        help="take the reported pairs from `newstrace scan --format jsonl`",
    )
    ap.add_argument("--no-diagnose", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    if not METER.is_dir():
        print(f"{METER} is not present; nothing to evaluate")
        return
    labels = json.loads((METER / "labels.json").read_text(encoding="utf-8"))
    story_of = {name: meta["source"] for name, meta in labels.items()}
    pa_dir, news_dir = METER / "pa", METER / "news"
    paths = sorted(pa_dir.glob("*.txt")) + sorted(news_dir.glob("*.txt"))
    articles = list(iter_articles(paths))
    by_id = {a.id: a for a in articles}
    pa_ids = {p.stem for p in pa_dir.glob("*.txt")}
    news_ids = {p.stem for p in news_dir.glob("*.txt")}
    assert len(by_id) == len(articles) == len(pa_ids) + len(news_ids), "id clash"
    for p in pa_ids:
        story_of[p] = p

    t0 = time.perf_counter()
    if args.cli:
        found, relation = scan_cli([pa_dir, news_dir])
        candidates = None
        how = "newstrace scan (CLI, --format jsonl)"
    else:
        result = scan(articles)
        found = {key(x.a, x.b) for x in result.pairs}
        relation = {key(x.a, x.b): x.relation for x in result.pairs}
        candidates = result.candidates
        how = "newstrace.scan.scan (API, default options)"
    seconds = time.perf_counter() - t0

    truth = {key(n, m["source"]) for n, m in labels.items() if m["label"] in ("WD", "PD")}
    nd = {key(n, m["source"]) for n, m in labels.items() if m["label"] == "ND"}
    label_of = {key(n, m["source"]): m["label"] for n, m in labels.items()}
    tp, fp = len(found & truth), len(found & nd)
    fn = len(truth - found)
    p, r, f = prf(tp, fp, fn)

    same_story_news, cross = Counter(), Counter()
    for a, b in found - truth - nd:
        kind = (
            "news-news"
            if a in news_ids and b in news_ids
            else "pa-pa"
            if a in pa_ids and b in pa_ids
            else "pa-news"
        )
        if story_of[a] == story_of[b]:
            same_story_news[kind] += 1
        else:
            cross[kind] += 1
    # all news-news pairs of one story (the denominator for the same-story count)
    per_story = Counter(story_of[n] for n in news_ids)
    news_pairs_same_story = sum(k * (k - 1) // 2 for k in per_story.values())

    print(
        f"METER-dev scan: {len(articles)} articles ({len(pa_ids)} PA copies, "
        f"{len(news_ids)} newspaper articles) as one corpus via {how}"
    )
    print(
        f"  {len(found)} pairs reported"
        + (f" from {candidates:,} candidates verified" if candidates is not None else "")
        + f", {seconds:.1f} s"
    )
    print(f"\nlabelled pairs (article vs its story's PA copy; {len(truth)} WD/PD, {len(nd)} ND)")
    print(
        f"  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}   "
        f"(TP {tp}, FP {fp} ND reported, FN {fn} WD/PD missed)   target P >= 0.90, R >= 0.90"
    )
    for lab in ("WD", "PD", "ND"):
        ks = [k for k, v in label_of.items() if v == lab]
        rep = [k for k in ks if k in found]
        rels = Counter(relation[k] for k in rep)
        print(
            f"  {lab}: reported {len(rep)}/{len(ks)} ({len(rep) / len(ks):.3f})  "
            f"relations {dict(rels)}"
        )
    print("\nunlabelled reported pairs:")
    print(
        f"  two newspaper articles of one story (share PA text legitimately): "
        f"{same_story_news['news-news']} of {news_pairs_same_story} such pairs"
    )
    if same_story_news["pa-pa"] + same_story_news["pa-news"]:
        print(f"  other same-story pairs: {dict(same_story_news)}")
    across = sorted(k for k in found - truth - nd if story_of[k[0]] != story_of[k[1]])
    same_catch = [k for k in across if catchline(k[0]) == catchline(k[1])]
    print(
        f"  across stories (likely false): {len(across)} {dict(cross)}; of them "
        f"{len(same_catch)} link two days of one catchline (a running story whose later "
        f"copy repeats earlier text), {len(across) - len(same_catch)} different catchlines"
    )
    for a, b in across:
        print(f"    {a}  {b}  {relation[(a, b)]}")

    report = {
        "articles": len(articles),
        "reported": len(found),
        "candidates": candidates,
        "precision": p,
        "recall": r,
        "f1": f,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "news_news_same_story": same_story_news["news-news"],
        "news_news_same_story_possible": news_pairs_same_story,
        "cross_story": dict(cross),
        "cross_story_same_catchline": len(same_catch),
        "seconds": round(seconds, 1),
    }

    if not args.no_diagnose:
        report["diagnosis"] = diagnose(articles, by_id, truth, nd, found, label_of, candidates)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(
        "\nreproduce: . .venv/bin/activate && python "
        + " ".join(
            shlex.quote(a)
            for a in ["bench/eval_meter_scan.py", *(argv if argv is not None else sys.argv[1:])]
        )
    )


def diagnose(articles, by_id, truth, nd, found, label_of, scan_candidates) -> dict:
    """Split the missed WD/PD pairs by the stage that lost them."""
    options = DEFAULT_OPTIONS
    printer = CorpusFingerprinter(options)
    for i in range(0, len(articles), options.batch_size):
        printer.add(articles[i : i + options.batch_size])
    fp, keys = printer.finish()
    # The short-copy channel's pairs bypass the screen, as in the scan.
    short = printer.short_copies()
    raw = with_short_copies(candidate_pairs(keys, options.max_bucket), short, len(articles))
    screened = with_short_copies(screen_candidates(raw, fp, options), short, len(articles))
    if scan_candidates is not None and len(screened) != scan_candidates:
        print(
            f"  WARNING: rebuilt candidate stage gives {len(screened)} candidates, "
            f"the scan {scan_candidates}"
        )
    ids = [a.id for a in articles]
    index = {a: k for k, a in enumerate(ids)}
    raw_set = {key(ids[i], ids[j]) for i, j in raw.tolist()}
    scr_set = {key(ids[i], ids[j]) for i, j in screened.tolist()}
    cache = PreparedCache(lambda k: articles[k], options)

    def est(channel, a, b) -> float:
        return float((channel[index[a]] == channel[index[b]]).mean())

    def verdict(a, b):
        return verify_pair(cache.get(index[a]), cache.get(index[b]), options)

    print(
        f"\ncandidate stage (rebuilt): {len(raw):,} band candidates, {len(screened):,} "
        f"after the screen (scan: {scan_candidates})"
    )
    for name, s in (("WD/PD", truth), ("ND", nd)):
        print(
            f"  {name} labelled pairs: band candidates {len(s & raw_set)}/{len(s)}, "
            f"screened candidates {len(s & scr_set)}/{len(s)}"
        )

    missed = sorted(truth - found)
    rows = []
    for a, b in missed:
        pa, art = (a, b) if a.startswith("pa-") else (b, a)
        stage = (
            "never a candidate"
            if (a, b) not in raw_set
            else "removed by the screen"
            if (a, b) not in scr_set
            else "verified and rejected"
        )
        ratio = words(by_id[pa].text) / max(1, words(by_id[art].text))
        v = verdict(a, b)
        if v is None:
            # the verdict's own answer when it is not reuse
            from newstrace.compare import compare_prepared

            pa_, pb_ = cache.get(index[a]), cache.get(index[b])
            c = compare_prepared(pa_, pb_, options)
            rel, score = c.relation, c.score
        else:
            rel, score = v.relation, v.score
        rows.append(
            {
                "pair": [art, pa],
                "label": label_of[(a, b)],
                "stage": stage,
                "len_ratio": round(ratio, 2),
                "jaccard_shingles": est(fp.shingles, a, b),
                "jaccard_skeleton": est(fp.skeleton, a, b),
                "verdict": rel,
                "score": round(score, 3),
            }
        )
    split = Counter(r["stage"] for r in rows)
    print(f"\nmissed WD/PD pairs: {len(rows)}")
    for stage in ("never a candidate", "removed by the screen", "verified and rejected"):
        sub = [r for r in rows if r["stage"] == stage]
        if not sub:
            print(f"  {stage}: 0")
            continue
        would = sum(r["verdict"] in REUSE for r in sub)
        labs = Counter(r["label"] for r in sub)
        print(
            f"  {stage}: {len(sub)} ({dict(labs)}); verdict on the pair says reuse for "
            f"{would}; median PA/article length ratio "
            f"{statistics.median(r['len_ratio'] for r in sub):.1f}; median est. Jaccard "
            f"shingles {statistics.median(r['jaccard_shingles'] for r in sub):.3f}, "
            f"skeleton {statistics.median(r['jaccard_skeleton'] for r in sub):.3f}; "
            f"verdicts {dict(Counter(r['verdict'] for r in sub))}"
        )
    found_truth = sorted(truth & found)
    if found_truth:
        ratios = [
            words(by_id[x if x.startswith("pa-") else y].text)
            / max(1, words(by_id[y if x.startswith("pa-") else x].text))
            for x, y in found_truth
        ]
        print(
            f"  (found WD/PD pairs: median PA/article length ratio {statistics.median(ratios):.1f})"
        )
    print(
        "\n  missed pair                                                  label "
        "stage                    ratio  J-sh  J-sk  verdict     score"
    )
    for r in rows:
        print(
            f"  {r['pair'][0]:<60} {r['label']:<5} {r['stage']:<24} {r['len_ratio']:>5.1f} "
            f"{r['jaccard_shingles']:.3f} {r['jaccard_skeleton']:.3f}  {r['verdict']:<11} "
            f"{r['score']:.3f}"
        )
    return {"split": dict(split), "missed": rows}


if __name__ == "__main__":
    main()
