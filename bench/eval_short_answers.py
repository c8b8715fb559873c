"""Short answers against their source (Clough and Stevenson's corpus of plagiarised short
answers): reuse or not, from ``compare``'s relation at the shipped default.

The corpus (2009; 95 answers of 200-300 words to five computer-science questions, each
written by a student with its Wikipedia source at hand: ``cut`` near copies, ``light``
and ``heavy`` revisions, and ``non`` answers written from other material on the same
topic) is not in ``../shared`` and nothing of it is shipped; point ``--data`` at a copy
laid out as it is published (``file_information.csv`` with columns File, Task,
Category, the ``orig_task<t>.txt`` sources and the answers beside it)::

    python bench/eval_short_answers.py --data DIR

Each answer is compared with its task's source (``newstrace.compare``, what
``newstrace compare SOURCE ANSWER`` prints); duplicate / rewrite / partial counts as
reuse, ``cut`` / ``light`` / ``heavy`` answers are reuse, ``non`` ones are not. Nothing
is fitted on this corpus, so the figure is out of sample.

Beside it, the simple baseline on the same pairs: the share of the answer's distinct
words found in the source, with its threshold picked on the other four tasks (each task
one story: leave one task out), the figure printed for the pooled held-out answers.
"""

from __future__ import annotations

import argparse
import csv
import re
import shlex
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)

from newstrace.compare import compare
from newstrace.errors import InputError
from newstrace.ingest import read_article
from newstrace.model import REUSE, Article

_WORD = re.compile(r"\w+")
_THRESHOLDS = [k / 200 for k in range(201)]
"""The baseline's candidate thresholds (steps of 0.005)."""


@dataclass(frozen=True, slots=True)
class Answer:
    name: str
    task: str
    category: str
    article: Article

    @property
    def reuse(self) -> bool:
        return self.category != "non"


def load(data: Path) -> tuple[dict[str, Article], list[Answer]]:
    """The task sources and the answers of the corpus at ``data``."""
    with (data / "file_information.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    tasks = sorted({r["Task"] for r in rows if r["Category"] != "orig"})
    sources = {t: read_article(data / f"orig_task{t}.txt") for t in tasks}
    answers = [
        Answer(r["File"], r["Task"], r["Category"], read_article(data / r["File"]))
        for r in rows
        if r["Category"] != "orig"
    ]
    return sources, answers


def word_containment(copy: str, source: str) -> float:
    """Share of the copy's distinct words (lower case) found in the source."""
    mine = set(_WORD.findall(copy.lower()))
    return len(mine & set(_WORD.findall(source.lower()))) / max(1, len(mine))


def baseline(answers: list[Answer], sources: dict[str, Article]) -> tuple[float, list[float]]:
    """Leave-one-task-out accuracy of the word-containment threshold, and the threshold
    picked for each task."""
    score = {a.name: word_containment(a.article.text, sources[a.task].text) for a in answers}
    right, picked = 0, []
    for task in sorted(sources):
        train = [a for a in answers if a.task != task]
        cut = max(_THRESHOLDS, key=lambda t: sum((score[a.name] >= t) == a.reuse for a in train))
        picked.append(cut)
        right += sum((score[a.name] >= cut) == a.reuse for a in answers if a.task == task)
    return right / len(answers), picked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="the corpus folder")
    ap.add_argument("--show", action="store_true", help="list the answers called wrongly")
    args = ap.parse_args()
    if not (args.data / "file_information.csv").is_file():
        sys.exit(f"{args.data}: no file_information.csv (see the docstring for the layout)")
    try:
        sources, answers = load(args.data)
    except (InputError, KeyError) as err:  # a file missing or a column misnamed
        sys.exit(f"{args.data}: {err}")
    t0 = time.perf_counter()
    relation = {a.name: compare(sources[a.task], a.article).relation for a in answers}
    seconds = time.perf_counter() - t0
    right = sum((relation[a.name] in REUSE) == a.reuse for a in answers)
    by_category = Counter((a.category, relation[a.name]) for a in answers)
    print(f"{len(answers)} answers to {len(sources)} tasks ({seconds:.1f} s)")
    print(f"  newstrace relation, reuse vs not: accuracy {right / len(answers):.3f}")
    for cat in ("cut", "light", "heavy", "non"):
        row = {rel: n for (c, rel), n in sorted(by_category.items()) if c == cat}
        print(f"    {cat:6s} {row}")
    acc, cuts = baseline(answers, sources)
    print(
        f"  baseline (word containment, threshold left one task out): accuracy {acc:.3f} "
        f"(thresholds {', '.join(f'{c:.3f}' for c in cuts)})"
    )
    if args.show:
        for a in answers:
            if (relation[a.name] in REUSE) != a.reuse:
                share = word_containment(a.article.text, sources[a.task].text)
                print(f"    {a.name} {a.category} -> {relation[a.name]} (words {share:.2f})")
    print(f"reproduce: python bench/eval_short_answers.py --data {shlex.quote(str(args.data))}")


if __name__ == "__main__":
    main()
