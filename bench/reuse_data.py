"""Labelled real reuse pairs from ../shared/data, in one shape for training and evaluation.

Each pair is (agency copy, article made from it or about the same event, label, group):
label is "WD" (wholly derived), "PD" (partially derived) or "ND" (not derived); group is
the story, so that cross-validation never puts two articles of one story on both sides.

* METER (English, Press Association copy vs British newspapers): ../shared/data/meter-dev
* COUNTER (Urdu agency copy vs Pakistani newspapers): ../shared/data/counter-half

Nothing of this data is shipped; only figures and model weights fitted on it are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from newstrace.ingest import read_article
from newstrace.model import Article

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
METER = DATA / "meter-dev"
COUNTER = DATA / "counter-half"
LABELS = ("WD", "PD", "ND")


@dataclass(frozen=True, slots=True)
class LabelledPair:
    source: Article
    copy: Article
    label: str
    group: str
    corpus: str


def meter_pairs() -> list[LabelledPair]:
    """Every METER-dev article against its story's PA copy ([] when the data is absent)."""
    if not METER.is_dir():
        return []
    labels = json.loads((METER / "labels.json").read_text(encoding="utf-8"))
    sources: dict[str, Article] = {}
    out = []
    for name, meta in sorted(labels.items()):
        story = meta["source"]
        if story not in sources:
            sources[story] = read_article(METER / "pa" / f"{story}.txt")
        out.append(LabelledPair(sources[story], read_article(METER / "news" / f"{name}.txt"),
                                meta["label"], story, "meter"))
    return out


def counter_pairs() -> list[LabelledPair]:
    """Every COUNTER-half agency story against its newspaper article (each its own story)."""
    if not COUNTER.is_dir():
        return []
    labels = json.loads((COUNTER / "labels.json").read_text(encoding="utf-8"))
    return [LabelledPair(read_article(COUNTER / "txt" / f"{key}.txt"),
                         read_article(COUNTER / "txt" / f"{key}p.txt"), label, key, "counter")
            for key, label in sorted(labels.items())]
