"""A lead, measured and not built: candidates for short copies of long sources from the
rare content words they share.

A newspaper brief made from a long agency story (METER: 4-260 words beside 170-1,700)
keeps few of its source's 3-word shingles and few of its names, so its Jaccard
similarity with the source is near |short| / |long| in both signature channels, and
neither the ordinary bands nor the two-slot containment bands propose the pair: the 8
METER-dev reuse pairs that are never candidates are such briefs (``eval_meter_scan.py``,
"never a candidate"); `compare` calls 7 of them reuse. What they keep are the story's
words: 0.46-0.92 of a brief's distinct content words lie in its source.

This script proposes, for each article, the longer articles that hold at least
``SHARE`` of its rarer content words (an exact count over an inverted index of the
content words found in at most ``max(MIN_DF_CAP, DF_SHARE * N)`` articles), verifies the
proposed pairs that the scan did not report with the scan's own verdict (``compare``
at the default: a scan's verdict on a pair is compare's, whatever else the corpus
holds), and prints the scan's figures with and without them. Nothing here changes the
scan: it says what the channel would add, so that a later change to the candidate
stage (local scan, ``scan --db`` and Spark alike) can be judged on figures.

    python bench/eval_short_copies.py                         # METER-dev and COUNTER-half
    python bench/eval_short_copies.py --corpus bench/out/corpus-10000.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
from reuse_data import counter_pairs, meter_pairs

from newstrace.compare import compare_prepared, prepare
from newstrace.corpus.prints import clean_bodies
from newstrace.ingest import iter_articles
from newstrace.model import REUSE, Article
from newstrace.options import DEFAULT_OPTIONS
from newstrace.scan import scan
from newstrace.text import terms_of

SHARE = 0.6
"""Share of the shorter article's rarer content words the longer one must hold (the
METER briefs the bands miss hold 0.46-0.92 of all their content words)."""
MIN_RARE = 3
"""Fewer rarer content words than this say nothing about where a text comes from."""
MIN_DF_CAP = 40
"""A content word counts as rarer when at most this many articles have it, or
``DF_SHARE`` of them in a larger corpus: one METER story's PA copy and newspaper
articles share their story's words (up to about 30 articles), so a cap of 5 found 1 of
the 8 missed briefs and 40 found 7."""
DF_SHARE = 0.01
MAX_TERMS = 150
"""Only articles with at most this many distinct content words look for a longer
source (a brief; longer copies share enough shingles for the bands)."""

Pair = tuple[str, str]


def key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def short_copy_candidates(articles: Sequence[Article]) -> set[Pair]:
    """Pairs (short, longer) where the longer holds ``SHARE`` of the short one's rarer
    content words (see the module docstring)."""
    terms = [frozenset(terms_of(body)) for body in clean_bodies(articles, DEFAULT_OPTIONS)]
    df = Counter(t for s in terms for t in s)
    cap = max(MIN_DF_CAP, int(DF_SHARE * len(terms)))
    postings: dict[str, list[int]] = defaultdict(list)
    for j, s in enumerate(terms):
        for t in s:
            if df[t] <= cap:
                postings[t].append(j)
    out = set()
    for i, s in enumerate(terms):
        if len(s) > MAX_TERMS:
            continue
        rare = [t for t in s if df[t] <= cap]
        if len(rare) < MIN_RARE:
            continue
        hits = Counter(j for t in rare for j in postings[t] if j != i)
        for j, n in hits.items():
            if n >= SHARE * len(rare) and len(terms[j]) > len(s):
                out.add(key(articles[i].id, articles[j].id))
    return out


def reuse_of(pairs: Iterable[Pair], by_id: dict[str, Article]) -> set[Pair]:
    """The pairs whose verdict at the default is reuse."""
    found = set()
    for a, b in pairs:
        c = compare_prepared(prepare(by_id[a]), prepare(by_id[b]), DEFAULT_OPTIONS, drifts=False)
        if c.relation in REUSE:
            found.add((a, b))
    return found


def prf(found: set[Pair], derived: set[Pair], underived: set[Pair] | None) -> str:
    """Precision and recall over the labelled pairs (``underived`` None: every pair
    outside ``derived`` is not derived, as in a generated corpus)."""
    wrong = found - derived if underived is None else found & underived
    tp, fp, fn = len(found & derived), len(wrong), len(derived - found)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return f"precision {p:.3f} recall {r:.3f} (TP {tp}, FP {fp}, FN {fn})"


def evaluate(
    name: str,
    articles: list[Article],
    derived: set[Pair],
    underived: set[Pair] | None,
    ignored: frozenset[Pair] | set[Pair] = frozenset(),
) -> None:
    by_id = {a.id: a for a in articles}
    t0 = time.process_time()
    result = scan(articles)
    scan_cpu = time.process_time() - t0
    reported = {key(p.a, p.b) for p in result.pairs} - ignored
    t1 = time.process_time()
    proposed = short_copy_candidates(articles)
    channel_cpu = time.process_time() - t1
    new = sorted(proposed - reported)
    added = reuse_of(new, by_id) - ignored
    both = reported | added
    print(f"\n{name}: {len(articles):,} articles, scan verified {result.candidates:,} candidates")
    print(f"  scan (default)          {prf(reported, derived, underived)}")
    print(f"  with short-copy channel {prf(both, derived, underived)}")
    wrong = added - derived if underived is None else added & underived
    unlabelled = set() if underived is None else added - derived - underived
    print(
        f"  channel: {len(proposed):,} pairs proposed, {len(new):,} not reported by the scan, "
        f"{len(added):,} of them reuse ({len(added & derived)} labelled derived, "
        f"{len(wrong)} not derived, {len(unlabelled)} unlabelled); "
        f"{channel_cpu:.1f} s CPU (scan {scan_cpu:.1f} s)"
    )


def labelled(pairs: Iterable[object]) -> tuple[list[Article], set[Pair], set[Pair]]:
    arts: dict[str, Article] = {}
    derived, underived = set(), set()
    for p in pairs:
        arts[p.source.id], arts[p.copy.id] = p.source, p.copy  # type: ignore[attr-defined]
        k = key(p.source.id, p.copy.id)  # type: ignore[attr-defined]
        (underived if p.label == "ND" else derived).add(k)  # type: ignore[attr-defined]
    return [arts[i] for i in sorted(arts)], derived, underived


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", type=Path, help="a generated corpus (its .truth.json beside it)")
    args = ap.parse_args()
    if args.corpus:
        articles = list(iter_articles([args.corpus]))
        truth = json.loads(args.corpus.with_suffix(".truth.json").read_text(encoding="utf-8"))
        derived = {key(p["a"], p["b"]) for p in truth["pairs"]}
        # Every other pair counts as not derived; ambiguous truth pairs are left out
        # of both sides (as bench/eval_scan.py does).
        ambiguous = {key(*p) for p in truth.get("ambiguous", [])}
        evaluate(args.corpus.name, articles, derived - ambiguous, None, ambiguous)
    else:
        for name, pairs in (("METER-dev", meter_pairs()), ("COUNTER-half", counter_pairs())):
            if pairs:
                evaluate(name, *labelled(pairs))
    print(
        "\nreproduce: python bench/eval_short_copies.py"
        + (f" --corpus {args.corpus}" if args.corpus else "")
    )


if __name__ == "__main__":
    main()
