"""Article-body extraction quality on the Scrapinghub article-extraction-benchmark.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/eval_extraction.py --split-half --cv     # every variant, 181 pages (~5 min)
    python bench/eval_extraction.py --variants newstrace,newstrace-body --jobs 1
    python bench/eval_extraction.py --variants newstrace --gate   # the test suite's 30 pages
    python bench/eval_extraction.py --per-doc bench/out/extraction-docs.jsonl

Data: ``../shared/data/article-extraction-benchmark/`` (``html/*.html.gz`` and
``ground-truth.json`` mapping id -> {"articleBody", "url"}); ``--data`` points elsewhere.
The script exits 0 with a note when the data is absent.

The metric is the benchmark's own ``evaluate.py`` (scrapinghub/article-extraction-benchmark),
re-implemented here:

* tokens: ``re.findall(r"\\w+", text)``, case kept (no lower-casing, punctuation dropped);
* shingles: overlapping word 4-grams counted as a multiset; a text of 1-3 tokens is one
  short shingle, an empty text has none;
* per document: TP = sum of min(true, pred) counts, FP/FN the excesses; the three are
  divided by their sum (so long pages weigh no more than short ones);
* precision = mean of per-document precision over documents whose prediction has any
  shingle (TP + FP > 0) -- an empty prediction does not lower precision; recall = mean of
  per-document recall over documents whose truth has shingles -- an empty prediction is
  recall 0; a document where both are empty counts in neither;
* F1 = 2PR / (P + R) of those two means (not the mean of per-document F1s, which is
  also shown as ``docF1``); accuracy = share of documents whose token lists are equal.

Variants (``--variants`` takes a comma list; default all):

* ``trafilatura``: ``trafilatura.extract(html, include_comments=False)``, the call the
  benchmark's ``extractors/run_trafilatura.py`` makes (default settings);
* ``newstrace-old``: the ``bare_extraction`` call newstrace made before this benchmark
  (favor_recall=True, include_tables=True, no comments), text field;
* ``balanced``: the same with trafilatura's default balance (neither favor_* flag);
* ``precision`` and ``recall-fast``: the two passes newstrace now makes (favor_precision;
  favor_recall with fast=True, i.e. without trafilatura's backup extractors);
* ``choice``: newstrace's choice between those two (``ingest._choose_text``), before the
  split-article step;
* ``newstrace``: ``newstrace.ingest.article_from_html(...).text`` as it is now;
* ``newstrace-body``: what newstrace matches on: ``find_boilerplate`` over that text with
  the article's title, body lines joined by newlines (title and removed lines left out);
* references: trafilatura's ``baseline``, ``justext`` (English stop list) and
  ``readability`` (readability-lxml, only when installed; not a newstrace dependency).

``--cv`` re-tunes the two fallback thresholds of ``choice`` on random halves and scores
them on the other halves; ``--split-half`` shows how much F1 moves between halves.
Figures are reproducible: no randomness except the fixed-seed split-half and bootstrap.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
try:
    import newstrace  # noqa: F401
except ImportError:  # not installed: use the working tree
    sys.path.insert(0, str(ROOT / "src"))

# ----------------------------------------------------------------------------- metric

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
SHINGLE = 4


def tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of overlapping word n-grams; 1..n-1 tokens give one short shingle."""
    tokens = tokenize(text)
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def tp_fp_fn(true: str | None, pred: str | None) -> tuple[float, float, float]:
    """Shingle TP/FP/FN of one document, normalised to sum to 1 (all 0 when both empty)."""
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (0.0, 0.0, 0.0)


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def doc_f1(c: tuple[float, float, float]) -> float:
    p, r = precision_score(*c), recall_score(*c)
    return 2 * p * r / (p + r) if p + r else 0.0


def metrics(
    counts: Sequence[tuple[float, float, float]], accuracies: Sequence[float] | None = None
) -> dict[str, float]:
    """The benchmark's P, R, F1 (plus mean per-document F1 and accuracy) of a list of docs."""
    ps = [precision_score(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall_score(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    out = {
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "doc_f1": statistics.mean(doc_f1(c) for c in counts) if counts else 0.0,
    }
    if accuracies is not None:
        out["accuracy"] = statistics.mean(accuracies) if accuracies else 0.0
    return out


def score(
    truth: dict[str, str], preds: dict[str, str | None], ids: Iterable[str] | None = None
) -> dict[str, float]:
    ids = list(truth if ids is None else ids)
    counts = [tp_fp_fn(truth[k], preds.get(k)) for k in ids]
    acc = [float(tokenize(truth[k]) == tokenize(preds.get(k))) for k in ids]
    return metrics(counts, acc)


def bootstrap_std(
    truth: dict[str, str], preds: dict[str, str | None], n: int = 200, seed: int = 0
) -> float:
    """Bootstrap standard deviation of F1 over documents (as evaluate.py reports)."""
    ids = list(truth)
    counts = {k: tp_fp_fn(truth[k], preds.get(k)) for k in ids}
    rng = random.Random(seed)
    values = [metrics([counts[rng.choice(ids)] for _ in ids])["f1"] for _ in range(n)]
    return statistics.stdev(values)


# ----------------------------------------------------------------------------- data


def load(data: Path) -> tuple[dict[str, str], dict[str, str], dict[str, Path]]:
    """(truth text, url, html path) by document id."""
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    paths = {p.name.split(".")[0]: p for p in sorted((data / "html").glob("*.html.gz"))}
    ids = sorted(k for k in gt if k in paths)
    truth = {k: gt[k].get("articleBody") or "" for k in ids}
    urls = {k: gt[k].get("url") or "" for k in ids}
    return truth, urls, {k: paths[k] for k in ids}


def read_html(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf8") as fh:
        return fh.read()


# ----------------------------------------------------------------------------- variants


def v_trafilatura(html: str, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html, include_comments=False)


def _bare(html: str, url: str, **kw: object) -> str | None:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, **kw
    )
    if doc is None:
        return None
    return (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)).get("text")


def v_newstrace_old(html: str, url: str) -> str | None:
    return _bare(html, url, include_tables=True, favor_recall=True)


def v_precision(html: str, url: str) -> str | None:
    """newstrace's first pass: precision mode."""
    return _bare(html, url, include_tables=True, favor_precision=True)


def v_recall_fast(html: str, url: str) -> str | None:
    """newstrace's second pass: recall mode without trafilatura's backup extractors."""
    return _bare(html, url, include_tables=True, favor_recall=True, fast=True)


def v_balanced(html: str, url: str) -> str | None:
    return _bare(html, url, include_tables=True)


def v_baseline(html: str, url: str) -> str | None:
    from trafilatura import baseline

    return baseline(html)[1]


def v_justext(html: str, url: str) -> str | None:
    import justext

    paras = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


def v_readability(html: str, url: str) -> str | None:
    from lxml import html as lhtml
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return lhtml.fromstring(summary).text_content()


def _article(html: str, url: str):  # -> newstrace Article
    from newstrace.errors import InputError
    from newstrace.ingest import article_from_html

    try:
        return article_from_html(html, id="doc", url=url or None)
    except InputError:
        return None


def v_newstrace(html: str, url: str) -> str | None:
    art = _article(html, url)
    return art.text if art else None


def v_newstrace_body(html: str, url: str) -> str | None:
    from newstrace.boilerplate import find_boilerplate

    art = _article(html, url)
    if art is None:
        return None
    layout = find_boilerplate(art.text, title=art.title)
    return "\n".join(art.text[s.start : s.end] for s in layout.body)


VARIANTS: dict[str, Callable[[str, str], str | None]] = {
    "trafilatura": v_trafilatura,
    "newstrace-old": v_newstrace_old,
    "precision": v_precision,
    "recall-fast": v_recall_fast,
    "balanced": v_balanced,
    "baseline": v_baseline,
    "justext": v_justext,
    "readability": v_readability,
    "newstrace": v_newstrace,
    "newstrace-body": v_newstrace_body,
}
DEFAULT = [
    "trafilatura",
    "newstrace-old",
    "balanced",
    "precision",
    "recall-fast",
    "baseline",
    "justext",
    "readability",
    "choice",
    "newstrace",
    "newstrace-body",
]
# Variants computed from others' outputs (no extraction of their own).
DERIVED = {"choice": ("precision", "recall-fast")}


def choice(
    precise: str | None, recall: str | None, share: float | None = None, inside: float | None = None
) -> str:
    """newstrace's precision/recall choice (ingest._choose_text), thresholds overridable."""
    from newstrace import ingest

    saved = ingest._FALLBACK_SHARE, ingest._FALLBACK_INSIDE
    try:
        if share is not None:
            ingest._FALLBACK_SHARE = share
        if inside is not None:
            ingest._FALLBACK_INSIDE = inside
        return ingest._choose_text(precise, recall)
    finally:
        ingest._FALLBACK_SHARE, ingest._FALLBACK_INSIDE = saved


def _available(name: str) -> bool:
    if name == "readability":
        try:
            import readability  # noqa: F401
        except ImportError:
            return False
    return True


def _run_one(job: tuple[str, str, str, str]) -> tuple[str, str, str | None, float]:
    name, key, path, url = job
    html = read_html(Path(path))
    t0 = time.perf_counter()
    try:
        text = VARIANTS[name](html, url)
    except Exception as exc:  # an extractor crash is an empty output
        print(f"  {name} {key}: {type(exc).__name__}: {exc}", file=sys.stderr)
        text = None
    return name, key, text, time.perf_counter() - t0


def run_variants(
    names: Sequence[str], urls: dict[str, str], paths: dict[str, Path], jobs: int = 1
) -> tuple[dict[str, dict[str, str | None]], dict[str, float]]:
    """Predictions per variant and id, and total extraction seconds per variant."""
    work = [(n, k, str(paths[k]), urls[k]) for n in names for k in paths]
    preds: dict[str, dict[str, str | None]] = {n: {} for n in names}
    secs: dict[str, float] = dict.fromkeys(names, 0.0)
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_run_one, work, chunksize=8))
    else:
        results = [_run_one(w) for w in work]
    for name, key, text, dt in results:
        preds[name][key] = text
        secs[name] += dt
    return preds, secs


def cross_validate(
    truth: dict[str, str],
    precise: dict[str, str | None],
    recall: dict[str, str | None],
    rounds: int = 20,
    seed: int = 7,
) -> dict[str, float]:
    """Split-half check of the two fallback thresholds of ``choice``.

    Each round splits the documents in random halves, picks the best (share, inside) pair
    on a grid over one half and scores it on the other (both ways). Returns the mean
    held-out F1 of the tuned pair, the mean held-out F1 of the fixed default pair, and
    the mean in-sample F1 of the tuned pair (the optimism of tuning).
    """
    grid = [round(0.1 * i, 1) for i in range(1, 10)]
    ids = sorted(truth)
    counts = {}
    for sh in grid:
        for ins in grid:
            counts[sh, ins] = {
                k: tp_fp_fn(truth[k], choice(precise[k], recall[k], sh, ins)) for k in ids
            }
    fixed = {k: tp_fp_fn(truth[k], choice(precise[k], recall[k])) for k in ids}
    rng = random.Random(seed)
    tuned_out, fixed_out, tuned_in = [], [], []
    for _ in range(rounds):
        rng.shuffle(ids)
        halves = ids[: len(ids) // 2], ids[len(ids) // 2 :]
        for fit, held in (halves, halves[::-1]):
            # Best F1 on the fitting half; ties go to the pair nearest the middle.
            best = max(
                counts,
                key=lambda g: (
                    metrics([counts[g][k] for k in fit])["f1"],
                    -abs(g[0] - 0.5) - abs(g[1] - 0.5),
                ),
            )
            tuned_in.append(metrics([counts[best][k] for k in fit])["f1"])
            tuned_out.append(metrics([counts[best][k] for k in held])["f1"])
            fixed_out.append(metrics([fixed[k] for k in held])["f1"])
    return {
        "tuned_held_out": statistics.mean(tuned_out),
        "fixed_held_out": statistics.mean(fixed_out),
        "tuned_in_sample": statistics.mean(tuned_in),
    }


def split_half(
    truth: dict[str, str], preds: dict[str, str | None], seed: int = 1, rounds: int = 20
) -> tuple[float, float]:
    """Mean and spread (min..max difference) of F1 over random halves of the documents."""
    ids = sorted(truth)
    rng = random.Random(seed)
    diffs, f1s = [], []
    for _ in range(rounds):
        rng.shuffle(ids)
        a, b = ids[: len(ids) // 2], ids[len(ids) // 2 :]
        fa, fb = score(truth, preds, a)["f1"], score(truth, preds, b)["f1"]
        f1s += [fa, fb]
        diffs.append(abs(fa - fb))
    return statistics.mean(f1s), max(diffs)


# ----------------------------------------------------------------------------- main


def gate_ids(ids: Iterable[str]) -> list[str]:
    """The fixed 30-page subset that tests/test_extraction.py gates on (every 6th id)."""
    return sorted(ids)[::6][:30]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--variants",
        default=",".join(DEFAULT),
        help=f"comma list (default: all); known: {', '.join([*VARIANTS, *DERIVED])}",
    )
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument(
        "--bootstrap",
        type=int,
        default=200,
        help="bootstrap rounds for the F1 standard deviation (0: none)",
    )
    ap.add_argument(
        "--split-half",
        action="store_true",
        help="also show F1 over 20 random halves (mean, largest half-half gap)",
    )
    ap.add_argument(
        "--cv",
        action="store_true",
        help="split-half check of the tuned fallback thresholds of 'choice'",
    )
    ap.add_argument(
        "--gate", action="store_true", help="score only the 30-page subset the test suite gates on"
    )
    ap.add_argument("--per-doc", type=Path, help="write per-document P/R as JSON lines")
    args = ap.parse_args(argv)

    argv_shown = list(sys.argv[1:] if argv is None else argv)
    print("$ " + shlex.join(["python", "bench/eval_extraction.py", *argv_shown]))
    if not (args.data / "ground-truth.json").is_file() or not (args.data / "html").is_dir():
        print(f"benchmark data not found at {args.data}; nothing to evaluate (skipped)")
        return 0
    truth, urls, paths = load(args.data)
    if args.gate:
        keep = set(gate_ids(truth))
        truth = {k: v for k, v in truth.items() if k in keep}
        paths = {k: v for k, v in paths.items() if k in keep}
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS and n not in DERIVED]
    if unknown:
        ap.error(f"unknown variants {unknown}; known: {', '.join([*VARIANTS, *DERIVED])}")
    if args.cv:
        names += [n for n in DERIVED["choice"] if n not in names]
    skipped = [n for n in names if n in VARIANTS and not _available(n)]
    names = [n for n in names if n not in skipped]
    needed = [n for n in names if n in VARIANTS]
    for name in names:
        needed += [n for n in DERIVED.get(name, ()) if n not in needed]
    preds, secs = run_variants(needed, urls, paths, jobs=args.jobs)
    for name in names:
        if name in DERIVED:
            a, b = DERIVED[name]
            preds[name] = {k: choice(preds[a][k], preds[b][k]) for k in truth}
            secs[name] = secs[a] + secs[b]

    import trafilatura

    print(
        f"{len(truth)} documents; trafilatura {trafilatura.__version__}; metric: word 4-gram "
        "shingles, per-document P and R averaged, F1 of the two averages"
    )
    head = (
        f"{'variant':<15} {'F1':>6} {'±':>6} {'P':>6} {'R':>6} {'docF1':>6} {'acc':>6} "
        f"{'empty':>5} {'ms/doc':>7}"
    )
    if args.split_half:
        head += f" {'half F1':>8} {'gap':>6}"
    print(head)
    print("-" * len(head))
    for name in names:
        m = score(truth, preds[name])
        std = bootstrap_std(truth, preds[name], args.bootstrap) if args.bootstrap else 0.0
        empty = sum(1 for k in truth if not tokenize(preds[name].get(k)))
        line = (
            f"{name:<15} {m['f1']:6.3f} {std:6.3f} {m['precision']:6.3f} "
            f"{m['recall']:6.3f} {m['doc_f1']:6.3f} {m['accuracy']:6.3f} {empty:5d} "
            f"{1000 * secs[name] / max(1, len(truth)):7.0f}"
        )
        if args.split_half:
            mean, gap = split_half(truth, preds[name])
            line += f" {mean:8.3f} {gap:6.3f}"
        print(line)
    for name in skipped:
        print(f"{name:<15} (not installed: pip install readability-lxml)")
    print(
        "± is the bootstrap standard deviation of F1; docF1 the mean per-document F1; acc the "
        "share of exact token matches;\nempty the outputs without a word; ms/doc the "
        "extraction time per page in one worker. Published F1: rs_trafilatura 0.970, "
        "trafilatura 2.0 0.958, readability-lxml 0.922."
    )

    if args.cv:
        cv = cross_validate(truth, preds["precision"], preds["recall-fast"])
        print("\nfallback thresholds of 'choice' (grid 0.1..0.9 each), 20 random half splits:")
        print(
            f"  tuned on one half, F1 on the other: {cv['tuned_held_out']:.4f} "
            f"(in-sample {cv['tuned_in_sample']:.4f}); fixed 0.5/0.5 on the held-out halves: "
            f"{cv['fixed_held_out']:.4f}"
        )

    if args.per_doc:
        args.per_doc.parent.mkdir(parents=True, exist_ok=True)
        with args.per_doc.open("w", encoding="utf-8") as fh:
            for k in truth:
                row: dict[str, object] = {"id": k, "url": urls[k]}
                for name in names:
                    c = tp_fp_fn(truth[k], preds[name].get(k))
                    row[name] = [round(precision_score(*c), 4), round(recall_score(*c), 4)]
                fh.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
