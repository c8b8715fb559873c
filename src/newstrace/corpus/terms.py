"""Term statistics of a corpus: document frequencies of skeleton terms (to leave out the
corpus-common ones), counted batch by batch and summed over batches or partitions, so no
engine's batching changes them. Verification reads no corpus statistics: a pair's
verdict is the one ``newstrace compare`` gives it, whatever else the corpus holds."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..fingerprint import (
    FingerprintParts,
    common_slots,
    common_terms,
    skeleton_frequencies,
    slot_frequencies,
)
from ..options import DEFAULT_OPTIONS, Options

__all__ = [
    "TermCounts",
    "common_skeleton_terms",
    "common_slot_values",
    "merge_frequencies",
]

Frequencies = tuple[np.ndarray, np.ndarray]
"""(hashes, counts): in how many articles each skeleton term occurs."""


class TermCounts:
    """Skeleton-term document frequencies of the batches added so far and, with
    ``slots``, the frequencies of their undensified shingle slot values (what a Spark
    partition sums; a local scan counts its whole signature matrix a slot at a time,
    ``prints.corpus_slots``)."""

    def __init__(self, *, slots: bool = False) -> None:
        self.documents = 0
        self._skeleton: list[Frequencies] = []
        self._count_slots = slots
        self._slots: list[Frequencies] = []

    def add(self, parts: FingerprintParts) -> None:
        """Count one fingerprinted batch."""
        self._skeleton.append(skeleton_frequencies(parts.skeleton))
        if self._count_slots and not parts.dense:
            self._slots.append(slot_frequencies(parts.shingles))
        self.documents += len(parts.sizes)

    def skeleton(self) -> Frequencies:
        """Skeleton-term frequencies summed over the batches."""
        return merge_frequencies(self._skeleton)

    def slots(self) -> Frequencies:
        """Shingle slot-value frequencies summed over the batches (codes
        ``slot << 32 | value``, ``fingerprint.slot_frequencies``)."""
        return merge_frequencies(self._slots)

    def common(self, options: Options = DEFAULT_OPTIONS) -> np.ndarray:
        """The skeleton terms too common among the documents counted."""
        hashes, counts = self.skeleton()
        return common_skeleton_terms(hashes, counts, self.documents, options)


def merge_frequencies(parts: Iterable[Frequencies]) -> Frequencies:
    """Sum (hashes, counts) pairs of several batches or partitions."""
    parts = list(parts)
    if not parts:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    hashes = np.concatenate([h for h, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    uniq, inverse = np.unique(hashes, return_inverse=True)
    return uniq, np.bincount(inverse, weights=counts, minlength=len(uniq)).astype(np.int64)


def common_skeleton_terms(
    hashes: np.ndarray, counts: np.ndarray, documents: int, options: Options = DEFAULT_OPTIONS
) -> np.ndarray:
    """The skeleton terms of a corpus too common to be evidence of reuse."""
    return common_terms(
        hashes,
        counts,
        documents,
        share=options.common_skeleton_share,
        floor=options.common_skeleton_min,
    )


def common_slot_values(
    codes: np.ndarray, counts: np.ndarray, options: Options = DEFAULT_OPTIONS
) -> np.ndarray:
    """The shingle slot values of a corpus too common to be evidence of reuse
    (``Options.common_slot_articles``; ``codes`` as ``fingerprint.slot_frequencies``)."""
    return common_slots(codes, counts, options.common_slot_articles)
