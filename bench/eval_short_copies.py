"""What the short-copy candidates (``corpus.short_copies``) add to a scan: the scan at the
shipped default next to the same scan with ``Options(short_copy_share=0)``.

A newspaper brief made from a long agency story (METER: 4-260 words beside 170-1,700)
keeps few of its source's 3-word shingles and few of its names, so no band proposes the
pair; before the channel, 8 METER-dev reuse pairs were never candidates for that reason
(``eval_meter_scan.py``). The channel pairs a short article with each longer one holding
``Options.short_copy_share`` of its rarer content words.

    python bench/eval_short_copies.py                         # METER-dev and COUNTER-half
    python bench/eval_short_copies.py --corpus bench/out/corpus-10000.jsonl

Printed per corpus: precision and recall of the labelled pairs (generated corpora: every
pair outside the truth counts as not derived; ambiguous truth pairs are left out, as in
``eval_scan.py``), candidates verified, and the reuse pairs only the channel found.
The METER-dev and COUNTER-half figures are in-sample for the relation model (it was
fitted on those stories); the channel's share was chosen on METER-dev.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
from reuse_data import LabelledPair, counter_pairs, meter_pairs

from newstrace.ingest import iter_articles
from newstrace.model import Article
from newstrace.options import DEFAULT_OPTIONS
from newstrace.scan import scan

Pair = tuple[str, str]


def key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


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
    print(f"\n{name}: {len(articles):,} articles")
    found: dict[str, set[Pair]] = {}
    for label, options in (
        ("without short copies", DEFAULT_OPTIONS.with_(short_copy_share=0)),
        ("shipped default", DEFAULT_OPTIONS),
    ):
        t0 = time.process_time()
        result = scan(articles, options=options)
        seconds = time.process_time() - t0
        found[label] = {key(p.a, p.b) for p in result.pairs} - ignored
        print(
            f"  {label:<21} {prf(found[label], derived, underived)}, "
            f"{result.candidates:,} candidates, {seconds:.1f} s CPU"
        )
    only = found["shipped default"] - found["without short copies"]
    wrong = only - derived if underived is None else only & underived
    unlabelled = set() if underived is None else only - derived - underived
    print(
        f"  reuse pairs only the channel found: {len(only)} ({len(only & derived)} derived, "
        f"{len(wrong)} not derived, {len(unlabelled)} unlabelled)"
    )


def labelled(pairs: Iterable[LabelledPair]) -> tuple[list[Article], set[Pair], set[Pair]]:
    arts: dict[str, Article] = {}
    derived, underived = set(), set()
    for p in pairs:
        arts[p.source.id], arts[p.copy.id] = p.source, p.copy
        (underived if p.label == "ND" else derived).add(key(p.source.id, p.copy.id))
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
