"""Dedup stage: one article per reuse family, and where each removed article went.

A deduplicated collection (what text-dedup gives a curator) keeps one member of every
family of copies and drops the rest. Which pairs make a family is the curator's call:
``duplicate`` drops only reprints of the same wording, ``rewrite`` (the default) also
drops rewrites of one story, ``partial`` also drops articles that took a passage (and so
loses the reporting of their own that those articles added). The member kept is the
family's original as the scan names it (``cluster.pick_original``: the member most often
found to be the source, then the earliest published, then the smallest id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .cluster import build_families
from .errors import OptionsError
from .model import PairResult, Relation

__all__ = ["DEDUP_LEVELS", "Dedup", "deduplicate"]

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
) -> Dedup:
    """Keep the original of every family joined by pairs of ``level``'s relations, and
    every article in no such family; ``ids`` gives the input order."""
    if level not in DEDUP_LEVELS:
        raise OptionsError(f"dedup level must be one of {', '.join(DEDUP_LEVELS)}, not {level!r}")
    relations = DEDUP_LEVELS[level]
    removed: dict[str, str] = {}
    for family in build_families((p for p in pairs if p.relation in relations), published):
        for member in family.members:
            if member != family.original:
                removed[member] = family.original
    return Dedup(tuple(i for i in ids if i not in removed), removed)
