"""PAN 2013 text alignment: ``newstrace.pan`` on the shared PAN 2013 sample.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/eval_pan.py                          # all 1,295 pairs, 2 processes (~2 min)
    python bench/eval_pan.py --out bench/out/pan --no-truth-check --folds 5
    python bench/eval_pan.py --limit 40               # the first 40 pairs of each category
    newstrace pan --pairs ../shared/data/pan13-subset/pairs \\
        --susp ../shared/data/pan13-subset/susp \\
        --src ../shared/data/pan13-subset/final_txt_files --out bench/out/pan
    python bench/eval_pan.py --det bench/out/pan      # score the CLI's XML files
    # with --scores FILE on both commands, the pair level is scored from the CLI too

Reported:

* **verbatim** (``02-no-obfuscation``, the one category with character-level truth):
  macro precision, macro recall, granularity and plagdet (``newstrace.pan.evaluate``,
  the PAN definitions) of the detections of the no-obfuscation pairs, read back from the
  PAN XML files written for them.
* **truth offsets**: whether the published offsets hold the same text in both files of
  this copy. They do not: this copy's texts differ from the ones the offsets were
  counted in (characters missing, lines re-wrapped), so the offsets drift, by a few
  characters up to hundreds. To show what that costs, each case is *snapped* to the text
  both files share near its published offsets (whitespace-insensitive longest common
  blocks, ``snap_case``); the snapped cases scored against the published ones are the
  ceiling a detector that marks exactly the shared text reaches, and the detections are
  also scored against the snapped cases.
* **pair level at the shipped default** (in-sample on the dev half): the share of pairs
  of each category that ``newstrace pan`` (default ``PanOptions``) writes at least one
  detection for: detected for the reuse categories, flagged for ``no-plagiarism``. A
  pair has a detection exactly when its pair score (``PanResult.score``) is above
  ``PanOptions.min_pair_score`` or its documents share ``min_shared_names`` rare names
  (``newstrace.pan.detected``); both were set on these pairs (below), so on the dev
  half this figure is in-sample. The run's documents tell which names are rare, so
  ``--limit`` and ``--categories`` (fewer documents) change that figure too. With
  ``--compare``, also the share of pairs whose ``newstrace compare`` relation (the
  Python API ``newstrace.compare.compare`` on the two files, default options) is
  duplicate/rewrite/partial.
* **pair level, cross-validated** (the out-of-sample figure of the mechanism): the
  suspicious documents are dealt into ``--folds`` folds (a seeded shuffle; every pair of
  a suspicious document, whatever its category, falls in its document's fold); for each
  fold the threshold is fitted at ``--max-fpr`` on the no-plagiarism pairs of the other
  folds (``threshold_at_fpr``) and applied to the pairs of the fold (score above it:
  detected / flagged); counts are pooled over the folds. Printed for the first shuffle
  and as mean [min, max] over ``--cv-repeats`` shuffles.
* **threshold fitted on all these pairs**: ``threshold_at_fpr`` on every no-plagiarism
  pair here, at ``--max-fpr``. On the dev half this is how ``min_pair_score`` was set;
  the script says whether it equals the shipped value.
* The other ``PanOptions`` defaults were also set on this sample (``pan.py``), so the
  cross-validation covers the pair threshold only, not those choices.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import shlex
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIT_FPR = 0.01
"""Share of no-plagiarism pairs a fitted threshold may flag: half the target's 2%, so
that it holds on pairs the fit did not see (``PanOptions.min_pair_score``)."""
try:
    import newstrace  # noqa: F401
except ImportError:  # not installed: use the working tree
    sys.path.insert(0, str(ROOT / "src"))

from newstrace.pan import (  # noqa: E402
    DEFAULT_PAN_OPTIONS,
    Feature,
    PanResult,
    Scores,
    detected,
    detection_rate,
    evaluate,
    pair_file_name,
    read_pairs,
    read_pan_text,
    read_xml,
    run_pairs,
    threshold_at_fpr,
)

DATA = ROOT.parent / "shared" / "data" / "pan13-subset"
CATEGORIES = (
    "no-plagiarism",
    "no-obfuscation",
    "random-obfuscation",
    "translation-obfuscation",
    "summary-obfuscation",
)
TRUTH_DIR = "02-no-obfuscation"
Pair = tuple[str, str]


def load_categories(
    data: Path, categories: tuple[str, ...], limit: int | None
) -> dict[str, list[Pair]]:
    out = {}
    for cat in categories:
        pairs = read_pairs(data / "pairs-by-category" / f"pairs-{cat}")
        out[cat] = pairs[:limit] if limit else pairs
    return out


def load_truth(data: Path, pairs: set[Pair]) -> list[Feature]:
    """The no-obfuscation cases (features named "plagiarism") of the given pairs."""
    cases = []
    for susp, src in sorted(pairs):
        path = data / TRUTH_DIR / pair_file_name(susp, src)
        if path.exists():
            cases += [c for c in read_xml(path, names=("plagiarism",)) if c.source_reference == src]
    return cases


def load_detections(det_dir: Path, pairs: list[Pair]) -> list[Feature]:
    """Detections of the given pairs, read back from their PAN XML files."""
    out = []
    for susp, src in pairs:
        path = det_dir / pair_file_name(susp, src)
        if path.exists():
            out += read_xml(path)
    return out


# --- truth offsets vs the texts -------------------------------------------------------


def _squeeze(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """``text[start:end]`` with whitespace runs as one space, and each kept character's
    offset in ``text``."""
    out, where, space = [], [], False
    for i in range(start, end):
        c = text[i]
        if c.isspace():
            if space:
                continue
            c, space = " ", True
        else:
            space = False
        out.append(c)
        where.append(i)
    return "".join(out), where


def snap_case(
    case: Feature, susp: str, src: str, window: int = 300, min_block: int = 25, max_gap: int = 200
) -> Feature | None:
    """The text both files share near a case's published offsets: the longest common
    block (whitespace-insensitive) within ``window`` characters of the case, extended
    over neighbouring blocks of at least ``min_block`` characters less than ``max_gap``
    apart on both sides. None when nothing is shared there."""
    a0, a1 = (
        max(0, case.this_offset - window),
        min(len(susp), case.this_offset + case.this_length + window),
    )
    b0, b1 = (
        max(0, case.source_offset - window),
        min(len(src), case.source_offset + case.source_length + window),
    )
    sa, ma = _squeeze(susp, a0, a1)
    sb, mb = _squeeze(src, b0, b1)
    blocks = [
        b
        for b in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_matching_blocks()
        if b.size >= min_block
    ]
    if not blocks:
        return None
    lo = hi = max(range(len(blocks)), key=lambda k: blocks[k].size)

    def near(x: difflib.Match, y: difflib.Match) -> bool:
        return y.a - (x.a + x.size) < max_gap and y.b - (x.b + x.size) < max_gap

    while lo > 0 and near(blocks[lo - 1], blocks[lo]):
        lo -= 1
    while hi < len(blocks) - 1 and near(blocks[hi], blocks[hi + 1]):
        hi += 1
    s_a, e_a = ma[blocks[lo].a], ma[blocks[hi].a + blocks[hi].size - 1] + 1
    s_b, e_b = mb[blocks[lo].b], mb[blocks[hi].b + blocks[hi].size - 1] + 1
    return Feature(
        case.this_reference, s_a, e_a - s_a, case.source_reference, s_b, e_b - s_b, case.name
    )


def truth_check(data: Path, cases: list[Feature]) -> dict:
    """How well the published offsets fit the texts, and the snapped cases."""
    exact = same_words = 0
    snapped: list[Feature] = []
    for c in cases:
        susp = read_pan_text(data / "susp" / c.this_reference)
        src = read_pan_text(data / "final_txt_files" / c.source_reference)
        a = susp[c.this_offset : c.this_offset + c.this_length]
        b = src[c.source_offset : c.source_offset + c.source_length]
        exact += (
            a == b
            and c.this_offset + c.this_length <= len(susp)
            and c.source_offset + c.source_length <= len(src)
        )
        same_words += a.split() == b.split()
        s = snap_case(c, susp, src)
        if s is not None:
            snapped.append(s)
    return {
        "cases": len(cases),
        "exact": exact,
        "same_words": same_words,
        "snapped": snapped,
        "ceiling": evaluate(cases, snapped),
    }


# --- report ---------------------------------------------------------------------------


def fmt(s: Scores) -> str:
    return (
        f"precision {s.precision:.4f}  recall {s.recall:.4f}  granularity "
        f"{s.granularity:.4f}  plagdet {s.plagdet:.4f}  ({s.cases} cases, "
        f"{s.detections} detections)"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="newstrace.pan on the PAN 2013 sample.")
    ap.add_argument("--data", type=Path, default=DATA, help=f"default {DATA}")
    ap.add_argument("--categories", nargs="+", choices=CATEGORIES, default=list(CATEGORIES))
    ap.add_argument("--limit", type=int, default=None, help="first N pairs of each category")
    ap.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the PAN XML files here (default: a temporary folder)",
    )
    ap.add_argument(
        "--det",
        type=Path,
        default=None,
        help="score the XML files in this folder (e.g. from `newstrace pan`) "
        "instead of running the detector; no pair scores then",
    )
    ap.add_argument(
        "--scores",
        type=Path,
        default=None,
        help="with --det: the pair scores (`newstrace pan --scores FILE`)",
    )
    ap.add_argument(
        "--max-fpr",
        type=float,
        default=FIT_FPR,
        help=f"false-positive rate on no-plagiarism pairs that thresholds are fitted at "
        f"(default {FIT_FPR}: half the 2%% target, see PanOptions.min_pair_score)",
    )
    ap.add_argument(
        "--folds",
        type=int,
        default=5,
        help="cross-validation folds by suspicious document (default 5)",
    )
    ap.add_argument(
        "--cv-repeats",
        type=int,
        default=10,
        help="shuffles of the documents into folds (default 10; seeds 0..N-1)",
    )
    ap.add_argument(
        "--no-truth-check",
        action="store_true",
        help="skip checking the truth offsets against the texts",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument(
        "--compare",
        action="store_true",
        help="also decide each pair with `newstrace compare` (relation in "
        "duplicate/rewrite/partial), default options",
    )
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        sys.exit(f"no PAN data at {args.data}")

    by_cat = load_categories(args.data, tuple(args.categories), args.limit)
    pairs = list(dict.fromkeys(p for ps in by_cat.values() for p in ps))
    t0 = time.perf_counter()
    results: dict[Pair, PanResult] | None = None
    tmp = None
    if args.det:
        det_dir = args.det
        if args.scores:
            rows = [r.split("\t") for r in args.scores.read_text(encoding="utf-8").splitlines()[1:]]
            results = {
                (r[0], r[1]): PanResult((), float(r[2]), int(r[4]) if len(r) >= 5 else 0)
                for r in rows
                if len(r) >= 3
            }
    else:
        if args.out:
            det_dir = args.out
        else:
            tmp = tempfile.TemporaryDirectory(prefix="pan-")
            det_dir = Path(tmp.name)
        results = run_pairs(
            pairs, args.data / "susp", args.data / "final_txt_files", det_dir, jobs=args.jobs
        )
    seconds = time.perf_counter() - t0
    report: dict = {"pairs": len(pairs), "seconds": round(seconds, 1)}
    print(
        f"PAN 2013 sample at {args.data}: {len(pairs)} pairs "
        + ", ".join(f"{c} {len(p)}" for c, p in by_cat.items())
        + (
            f"; XML from {det_dir}"
            if args.det
            else f"; detection {seconds:.1f} s ({len(pairs) / seconds:.1f} pairs/s, "
            f"{args.jobs} processes)"
        )
    )

    if "no-obfuscation" in by_cat:
        verbatim = by_cat["no-obfuscation"]
        cases = load_truth(args.data, set(verbatim))
        dets = load_detections(det_dir, verbatim)
        scores = evaluate(cases, dets)
        report["verbatim"] = vars_of(scores)
        print(f"\nverbatim (no-obfuscation, {len(verbatim)} pairs):\n  {fmt(scores)}")
        if not args.no_truth_check:
            check = truth_check(args.data, cases)
            vs_snapped = evaluate(check["snapped"], dets)
            report["truth_check"] = {
                "cases": check["cases"],
                "exact": check["exact"],
                "same_words": check["same_words"],
                "snapped": len(check["snapped"]),
                "ceiling": vars_of(check["ceiling"]),
                "detections_vs_snapped": vars_of(vs_snapped),
            }
            print(
                f"  truth offsets: {check['exact']}/{check['cases']} cases hold the same "
                f"text in both files, {check['same_words']} the same words; "
                f"{len(check['snapped'])} snapped to the shared text"
            )
            print(f"  ceiling (snapped cases scored as detections):\n    {fmt(check['ceiling'])}")
            print(f"  detections against the snapped cases:\n    {fmt(vs_snapped)}")

    has_detection = {}
    for cat, ps in by_cat.items():
        paths = [det_dir / pair_file_name(*p) for p in ps]
        found = [path.exists() and bool(read_xml(path)) for path in paths]
        has_detection[cat] = sum(found) / len(found) if found else 0.0
    report["with_detections"] = has_detection
    if results is not None and "no-plagiarism" in by_cat:
        missing = [p for p in pairs if p not in results]
        if missing:
            sys.exit(f"no pair score for {len(missing)} pairs, e.g. {missing[0]}")
        scores = {p: results[p].score for p in pairs}
        neg = [scores[p] for p in by_cat["no-plagiarism"]]
        thr = threshold_at_fpr(neg, args.max_fpr)
        fpr = detection_rate([results[p] for p in by_cat["no-plagiarism"]], thr)
        rates = {
            cat: detection_rate([results[p] for p in ps], thr)
            for cat, ps in by_cat.items()
            if cat != "no-plagiarism"
        }
        report["fitted_on_all"] = {
            "threshold": thr,
            "fpr": fpr,
            "rates": rates,
            "shipped": DEFAULT_PAN_OPTIONS.min_pair_score,
        }
        cv_runs = [
            cross_validate(by_cat, results, args.folds, args.max_fpr, seed)
            for seed in range(max(1, args.cv_repeats))
        ]
        report["cross_validated"] = {"folds": args.folds, "max_fpr": args.max_fpr, "runs": cv_runs}
    print(
        f"\npair level AT THE SHIPPED DEFAULT (`newstrace pan`: a pair with at least one "
        f"detection, i.e. pair score > min_pair_score = "
        f"{DEFAULT_PAN_OPTIONS.min_pair_score:g} or at least "
        f"{DEFAULT_PAN_OPTIONS.min_shared_names} rare names shared;\n  both set on the dev "
        f"half: in-sample there):"
    )
    for cat, rate in has_detection.items():
        n = len(by_cat[cat])
        what = "flagged (false positives)" if cat == "no-plagiarism" else "detected"
        goal = TARGETS.get(cat)
        print(
            f"  {cat:<24} {what:<26} {rate:.3f}  ({round(rate * n)}/{n})"
            + (f"   target {'<=' if cat == 'no-plagiarism' else '>='} {goal}" if goal else "")
        )
    if args.compare:
        decided = compare_pairs(pairs, args.data, args.jobs)
        rel_rates = {}
        print(
            "\npair level AT THE SHIPPED DEFAULT (`newstrace compare`: relation "
            "duplicate/rewrite/partial):"
        )
        for cat, ps in by_cat.items():
            rels = [decided[p] for p in ps]
            rate = sum(r in REUSE for r in rels) / len(rels) if rels else 0.0
            rel_rates[cat] = {"rate": rate, "relations": dict(Counter(rels))}
            what = "flagged (false positives)" if cat == "no-plagiarism" else "detected"
            print(
                f"  {cat:<24} {what:<26} {rate:.3f}  ({sum(r in REUSE for r in rels)}/"
                f"{len(rels)})  {dict(Counter(rels))}"
            )
        report["compare_default"] = rel_rates
    if results is not None and "no-plagiarism" in by_cat:
        disagree = [
            p
            for ps in by_cat.values()
            for p in ps
            if (det_dir / pair_file_name(*p)).exists()
            and bool(read_xml(det_dir / pair_file_name(*p)))
            != detected(results[p], DEFAULT_PAN_OPTIONS.min_pair_score)
        ]
        if disagree and not args.det:
            print(
                f"\n  WARNING: {len(disagree)} pairs where 'has a detection' is not "
                f"the shipped rule (`newstrace.pan.detected`), e.g. {disagree[0]}"
            )
        first = cv_runs[0]
        print(
            f"\npair level, CROSS-VALIDATED (out of sample): {args.folds} folds by "
            f"suspicious document; threshold fitted at <= {args.max_fpr:.3f} false "
            f"positives on the\n  training folds' no-plagiarism pairs, applied to the "
            f"test fold; pooled over folds. Shuffle seed 0 (thresholds "
            + ", ".join(f"{t:g}" for t in first["thresholds"])
            + f"); mean [min, max] over {len(cv_runs)} shuffles:"
        )
        for cat in by_cat:
            found, n = first["counts"][cat]
            values = [run["rates"][cat] for run in cv_runs]
            what = "flagged (false positives)" if cat == "no-plagiarism" else "detected"
            goal = TARGETS.get(cat)
            print(
                f"  {cat:<24} {what:<26} {found / n if n else 0.0:.3f}  ({found}/{n})   "
                f"mean {sum(values) / len(values):.3f} [{min(values):.3f}, "
                f"{max(values):.3f}]"
                + (f"   target {'<=' if cat == 'no-plagiarism' else '>='} {goal}" if goal else "")
            )
        same = "equals" if thr == DEFAULT_PAN_OPTIONS.min_pair_score else "DIFFERS FROM"
        print(
            f"\npair level, threshold FITTED ON ALL THESE PAIRS (in-sample; rare names as "
            f"shipped): pair score > "
            f"{thr:g} (false positives {fpr:.3f} of {len(neg)} no-plagiarism pairs, "
            f"allowed {args.max_fpr:.3f}); {same} the shipped min_pair_score "
            f"{DEFAULT_PAN_OPTIONS.min_pair_score:g}"
        )
        for cat, rate in rates.items():
            print(f"  {cat:<24} {rate:.3f}  ({round(rate * len(by_cat[cat]))}/{len(by_cat[cat])})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if tmp is not None:
        tmp.cleanup()
    print(
        "\nreproduce: python "
        + " ".join(shlex.quote(a) for a in [str(Path(sys.argv[0])), *(argv or sys.argv[1:])])
    )


def cross_validate(
    by_cat: dict[str, list[Pair]],
    results: dict[Pair, PanResult],
    folds: int,
    max_fpr: float,
    seed: int,
) -> dict:
    """Pair detection out of sample: suspicious documents shuffled (``seed``) and dealt
    into ``folds`` folds; per fold, the threshold at ``max_fpr`` on the no-plagiarism
    pairs' scores of the other folds, applied to the fold's pairs with the shipped
    rare-name rule (``detected``). Counts pooled over folds."""
    docs = sorted({s for ps in by_cat.values() for s, _ in ps})
    random.Random(seed).shuffle(docs)
    fold_of = {d: i % folds for i, d in enumerate(docs)}
    counts = {cat: [0, 0] for cat in by_cat}
    thresholds = []
    for f in range(folds):
        train_neg = [
            results[p].score for p in by_cat.get("no-plagiarism", ()) if fold_of[p[0]] != f
        ]
        thr = threshold_at_fpr(train_neg, max_fpr)
        thresholds.append(thr)
        for cat, ps in by_cat.items():
            test = [results[p] for p in ps if fold_of[p[0]] == f]
            counts[cat][0] += sum(1 for x in test if detected(x, thr))
            counts[cat][1] += len(test)
    return {
        "seed": seed,
        "thresholds": thresholds,
        "counts": counts,
        "rates": {cat: (c[0] / c[1] if c[1] else 0.0) for cat, c in counts.items()},
    }


TARGETS = {
    "no-plagiarism": 0.02,
    "no-obfuscation": 0.99,
    "random-obfuscation": 0.97,
    "translation-obfuscation": 0.95,
    "summary-obfuscation": 0.85,
}
"""Issue 13's pair-level goals (at most / at least)."""
REUSE = {"duplicate", "rewrite", "partial"}


def _compare_one(job: tuple[str, str, str]) -> tuple[str, str, str]:
    from newstrace.compare import compare

    susp, src, data = job
    c = compare(Path(data) / "susp" / susp, Path(data) / "final_txt_files" / src)
    return susp, src, c.relation


def compare_pairs(pairs: list[Pair], data: Path, jobs: int) -> dict[Pair, str]:
    """`newstrace compare`'s relation for every pair (the files as the CLI reads them)."""
    work = [(s, r, str(data)) for s, r in pairs]
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            out = list(pool.map(_compare_one, work, chunksize=8))
    else:
        out = [_compare_one(w) for w in work]
    return {(s, r): rel for s, r, rel in out}


def vars_of(s: Scores) -> dict:
    return {
        "precision": s.precision,
        "recall": s.recall,
        "granularity": s.granularity,
        "plagdet": s.plagdet,
        "cases": s.cases,
        "detections": s.detections,
    }


if __name__ == "__main__":
    main()
