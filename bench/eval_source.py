"""How well newstrace names the source of real reuse: the agency copy against the
newspaper articles made from it.

Datasets (read at run time from ../shared/data, never copied into the project):

* METER-dev (English): ``pa/<story>.txt`` Press Association copy, ``news/<article>.txt``
  newspaper articles, ``labels.json`` {article: {label, source}}.
* COUNTER half (Urdu): agency story ``txt/NNNN.txt`` is always the source of ``NNNNp``.

For every derived pair (WD or PD) that ``newstrace.compare(agency, article)`` reports as
reuse (duplicate, rewrite or partial): the decided source, counted as right (the
agency), wrong (the newspaper) or undecided. ``--swap`` compares (article, agency)
instead, to show that the answer does not depend on the argument order. ``--reasons``
counts the first reason given for each decided pair.

The plain-text files carry no publication times; METER's agency copy carries its own
byline ("By ..., PA News"), COUNTER's its dateline (place, date and the agency's name
in Urdu script, in brackets).

    python bench/eval_source.py [--swap] [--reasons] [meter|counter ...]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread; newstrace from the working tree)

import newstrace
from newstrace.ingest import read_article
from newstrace.model import REUSE

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def meter_pairs() -> Iterator[tuple[str, str, Path, Path]]:
    """(story, label, agency path, article path) of the derived METER-dev articles."""
    data = SHARED / "meter-dev"
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    for article, info in sorted(labels.items()):
        if info["label"] in ("WD", "PD"):
            yield (
                info["source"],
                info["label"],
                data / "pa" / f"{info['source']}.txt",
                data / "news" / f"{article}.txt",
            )


def counter_pairs() -> Iterator[tuple[str, str, Path, Path]]:
    """(story, label, agency path, article path) of the derived COUNTER-half pairs."""
    data = SHARED / "counter-half"
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    for key, label in sorted(labels.items()):
        if label in ("WD", "PD"):
            yield key, label, data / "txt" / f"{key}.txt", data / "txt" / f"{key}p.txt"


DATASETS = {
    "meter": ("METER-dev", "meter-dev", meter_pairs),
    "counter": ("COUNTER half", "counter-half", counter_pairs),
}


def evaluate(name: str, swap: bool, show_reasons: bool) -> None:
    title, folder, pairs = DATASETS[name]
    if not (SHARED / folder).is_dir():
        print(f"{title}: {SHARED / folder} is not present; nothing to evaluate")
        return
    counts: dict[str, Counter[str]] = {"WD": Counter(), "PD": Counter()}
    first_reason: Counter[str] = Counter()
    not_reuse = 0
    for _story, label, agency_path, article_path in pairs():
        agency, article = read_article(agency_path), read_article(article_path)
        c = newstrace.compare(article, agency) if swap else newstrace.compare(agency, article)
        if c.relation not in REUSE:
            not_reuse += 1
            continue
        agency_side = "b" if swap else "a"
        outcome = (
            "undecided" if c.source is None else "right" if c.source == agency_side else "wrong"
        )
        counts[label][outcome] += 1
        if show_reasons and c.reasons:
            key = c.reasons[0].split("(")[0].split(":")[0]
            first_reason[
                f"{outcome}: {key[2:]}" if key[:2] in ("a ", "b ") else f"{outcome}: {key}"
            ] += 1
    total = counts["WD"] + counts["PD"]
    n = sum(total.values())
    order = "(article, agency)" if swap else "(agency, article)"
    print(f"{title}: source of the derived pairs called reuse, compare{order}; truth: the agency")
    for label, c in (("all", total), *counts.items()):
        share = c["right"] / max(1, sum(c.values()))
        print(
            f"  {label:3s} right {c['right']:4d}  wrong {c['wrong']:4d}  "
            f"undecided {c['undecided']:4d}   right share {share:.3f}"
        )
    print(f"  ({n} derived pairs called reuse; {not_reuse} derived pairs not called reuse)")
    for reason, k in first_reason.most_common(12):
        print(f"    {k:4d}  {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="*", help="meter, counter (default: both)")
    parser.add_argument("--swap", action="store_true", help="compare(article, agency)")
    parser.add_argument("--reasons", action="store_true", help="count the first reasons")
    args = parser.parse_args()
    for name in args.datasets:
        if name not in DATASETS:
            parser.error(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    for name in args.datasets or list(DATASETS):
        evaluate(name, args.swap, args.reasons)
    print("reproduce: python bench/eval_source.py" + (" --swap" if args.swap else ""))


if __name__ == "__main__":
    main()
