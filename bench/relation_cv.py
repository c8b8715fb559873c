"""Story-split cross-validation of the relation model, shared by the evaluations that
report out-of-sample figures (``eval_relation.py``: compare; ``eval_scan_oos.py``:
scan).

For each fold the model is fitted exactly as ``train_relation.py`` fits the shipped one
but without the fold's stories (a cross-story row names both its stories and is left
out when either is in the fold), and written to a temporary model file that
``Options(relation_model=...)`` reads: what newstrace would answer had those stories
been held back.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reuse_data import LabelledPair, counter_pairs, meter_pairs
from train_relation import (
    CROSS_PAIRS,
    SYNTHETIC_PER_KIND,
    Row,
    cross_rows,
    model_file,
    real_rows,
    synthetic_rows,
)


@dataclass(frozen=True)
class Corpus:
    """One corpus to evaluate: its name, labelled pairs, script kind and training rows,
    and the training rows of everything else (invented pairs, the other corpus)."""

    name: str
    pairs: list[LabelledPair]
    script: str
    rows: list[Row]
    other_rows: list[Row]


Evaluate = Callable[[Corpus, argparse.Namespace], None]
"""An evaluation of one corpus with the arguments."""


def arguments(doc: str | None, repeats: int) -> argparse.Namespace:
    """``--folds``, ``--repeats`` and ``--seed`` (of the invented training pairs)."""
    ap = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=repeats)
    ap.add_argument("--seed", type=int, default=5, help="seed of the invented training pairs")
    return ap.parse_args()


def corpus_rows(pairs: Sequence[LabelledPair], script: str, seed: int) -> list[Row]:
    """A corpus's training rows: its labelled pairs and its cross-story candidates."""
    return real_rows(pairs, script) + cross_rows(pairs, script, CROSS_PAIRS, seed)


def run_both(
    evaluate: Evaluate, args: argparse.Namespace, names: tuple[str, str], script: str
) -> None:
    """``evaluate`` METER-dev then COUNTER-half (``names``), each with the other's rows
    and the invented pairs as fixed training rows, then print the command that
    reproduces it (``script``: the evaluation's path)."""
    meter, counter = meter_pairs(), counter_pairs()
    if not meter or not counter:
        print("../shared/data/meter-dev or counter-half is absent: nothing to evaluate")
        return
    synthetic = synthetic_rows(args.seed, SYNTHETIC_PER_KIND)
    meter_rows = corpus_rows(meter, "cased", args.seed)
    counter_rows = corpus_rows(counter, "uncased", args.seed)
    evaluate(Corpus(names[0], meter, "cased", meter_rows, synthetic + counter_rows), args)
    evaluate(Corpus(names[1], counter, "uncased", counter_rows, synthetic + meter_rows), args)
    print(
        f"\nreproduce: python bench/{Path(script).name} --folds {args.folds} "
        f"--repeats {args.repeats} --seed {args.seed}"
    )


def folds_of(groups: Sequence[str], k: int, seed: int) -> list[int]:
    """Fold of each pair: whole stories go to one fold."""
    stories = sorted(set(groups))
    random.Random(seed).shuffle(stories)
    fold = {s: i % k for i, s in enumerate(stories)}
    return [fold[g] for g in groups]


@contextmanager
def fold_model(
    rows: Sequence[Row], other_rows: Sequence[Row], fold_of: Mapping[str, int], fold: int
) -> Iterator[Path]:
    """A model file fitted on ``other_rows`` and the ``rows`` of stories outside
    ``fold``, for as long as the block runs."""
    train = [r for r in rows if all(fold_of[g] != fold for g in r.group.split("|"))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "relation.json"
        path.write_text(json.dumps(model_file([*train, *other_rows])), encoding="utf-8")
        yield path
