"""Dedup stage: one article per reuse family, and where each removed article went.

A deduplicated collection (what text-dedup gives a curator) keeps one member of every
family of copies and drops the rest. Which pairs make a family is the curator's call:
``duplicate`` drops only reprints of the same wording, ``rewrite`` (the default) also
drops rewrites of one story, ``partial`` also drops articles that took a passage (and so
loses the reporting of their own that those articles added). The member kept is the
original the scan names for the whole family (the root of its copy tree) when it is in
the family, else ``cluster.pick_original``'s (the member most often found to be the
source, then the earliest published, then the smallest id).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cluster import build_families
from .errors import OptionsError
from .model import Article, PairResult, Relation
from .report.output import atomic_open
from .report.safe import json_text

__all__ = [
    "DEDUP_LEVELS",
    "Dedup",
    "article_record",
    "check_level",
    "deduplicate",
    "mapping_path",
    "write_dedup",
]

DEDUP_LEVELS: dict[str, frozenset[Relation]] = {
    "duplicate": frozenset({"duplicate"}),
    "rewrite": frozenset({"duplicate", "rewrite"}),
    "partial": frozenset({"duplicate", "rewrite", "partial"}),
}
"""The relations each level treats as copies to drop (each level includes the ones
before it)."""


@dataclass(frozen=True, slots=True)
class Dedup:
    """What a deduplication keeps, in input order, and each removed id's kept article."""

    kept: tuple[str, ...]
    removed: Mapping[str, str]


def deduplicate(
    ids: Sequence[str],
    pairs: Iterable[PairResult],
    published: Mapping[str, str | None],
    level: str = "rewrite",
    originals: Collection[str] = (),
) -> Dedup:
    """Keep one article of every family joined by pairs of ``level``'s relations, and
    every article in no such family; ``ids`` gives the input order. The one kept is the
    scan's original of the whole family (``originals``: the scan families' originals, the
    roots of their copy trees) when it is a member, else ``cluster.pick_original``'s
    (a family of the stricter levels is a part of a scan family: at most one such root
    is in it)."""
    relations = check_level(level)
    roots = set(originals)
    removed: dict[str, str] = {}
    for family in build_families((p for p in pairs if p.relation in relations), published):
        kept = min((m for m in family.members if m in roots), default=family.original)
        for member in family.members:
            if member != kept:
                removed[member] = kept
    return Dedup(tuple(i for i in ids if i not in removed), removed)


def check_level(level: str) -> frozenset[Relation]:
    """The relations a level drops; an unknown level is an OptionsError."""
    if level not in DEDUP_LEVELS:
        raise OptionsError(f"dedup level must be one of {', '.join(DEDUP_LEVELS)}, not {level!r}")
    return DEDUP_LEVELS[level]


_RECORD_FIELDS = ("id", "text", "title", "url", "published", "modified", "site", "author")


def article_record(art: Article) -> dict[str, Any]:
    """An article as a JSONL input line (read back by every newstrace command)."""
    return {f: getattr(art, f) for f in _RECORD_FIELDS if getattr(art, f) is not None}


def mapping_path(out: str | Path) -> Path:
    """Where the removed ids go when not said: next to ``out`` (kept.jsonl ->
    kept.removed.jsonl)."""
    out = Path(out)
    stem = out.name.removesuffix(".jsonl")
    return out.with_name(f"{stem}.removed.jsonl")


def write_dedup(
    records: Iterable[Mapping[str, Any]], dedup: Dedup, kept: str | Path, mapping: str | Path
) -> int:
    """The kept articles (JSONL records, in input order) and one ``{"id", "kept"}`` line
    per removed article (sorted by id), each file written whole or not at all; returns
    the articles kept."""
    n = 0
    with atomic_open(kept) as fh:
        for rec in records:
            if rec["id"] not in dedup.removed:
                fh.write(json_text(rec) + "\n")
                n += 1
    with atomic_open(mapping) as fh:
        for removed in sorted(dedup.removed):
            fh.write(json_text({"id": removed, "kept": dedup.removed[removed]}) + "\n")
    return n
