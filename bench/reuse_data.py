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
from newstrace.verdict import DERIVATIONS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
METER = DATA / "meter-dev"
COUNTER = DATA / "counter-half"
LABELS = DERIVATIONS
RELATION_LABEL = {
    "duplicate": "WD",
    "rewrite": "WD",
    "partial": "PD",
    "same-story": "ND",
    "unrelated": "ND",
}
"""How newstrace's ``relation`` reads against the labels (the corpora's READMEs)."""


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
        out.append(
            LabelledPair(
                sources[story],
                read_article(METER / "news" / f"{name}.txt"),
                meta["label"],
                story,
                "meter",
            )
        )
    return out


def counter_pairs() -> list[LabelledPair]:
    """Every COUNTER-half agency story against its newspaper article (each its own story)."""
    if not COUNTER.is_dir():
        return []
    labels = json.loads((COUNTER / "labels.json").read_text(encoding="utf-8"))
    return [
        LabelledPair(
            read_article(COUNTER / "txt" / f"{key}.txt"),
            read_article(COUNTER / "txt" / f"{key}p.txt"),
            label,
            key,
            "counter",
        )
        for key, label in sorted(labels.items())
    ]


PAN = DATA / "pan13-subset"
PAN_CATEGORIES = {
    "no-plagiarism": "ND",
    "no-obfuscation": "PD",
    "random-obfuscation": "PD",
    "translation-obfuscation": "PD",
    "summary-obfuscation": "PD",
}
"""A suspicious document with plagiarised passages among its own text is partially
derived from the source; the no-plagiarism pairs are not derived."""


def pan_pairs() -> list[LabelledPair]:
    """PAN 2013 sample pairs (English web documents, artificial plagiarism); the group is
    the suspicious document, so one document's pairs stay on one side of a split."""
    if not PAN.is_dir():
        return []
    out = []
    for category, label in PAN_CATEGORIES.items():
        lines = (PAN / "pairs-by-category" / f"pairs-{category}").read_text().split("\n")
        for line in lines:
            if not line.strip():
                continue
            susp, src = line.split()
            out.append(
                LabelledPair(
                    read_article(PAN / "final_txt_files" / src),
                    read_article(PAN / "susp" / susp),
                    label,
                    susp,
                    f"pan-{category}",
                )
            )
    return out
