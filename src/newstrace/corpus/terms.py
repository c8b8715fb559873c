"""Term statistics of a corpus: document frequencies of skeleton terms (to leave out the
corpus-common ones), counted batch by batch and summed over batches or partitions, so no
engine's batching changes them. Verification reads no corpus statistics: a pair's
verdict is the one ``newstrace compare`` gives it, whatever else the corpus holds."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..fingerprint import FingerprintParts, common_terms, skeleton_frequencies
from ..options import DEFAULT_OPTIONS, Options

__all__ = ["TermCounts", "common_skeleton_terms", "merge_frequencies"]

Frequencies = tuple[np.ndarray, np.ndarray]
"""(hashes, counts): in how many articles each skeleton term occurs."""


class TermCounts:
    """Skeleton-term document frequencies of the batches added so far."""

    def __init__(self) -> None:
        self.documents = 0
        self._skeleton: list[Frequencies] = []

    def add(self, parts: FingerprintParts) -> None:
        """Count one fingerprinted batch."""
        self._skeleton.append(skeleton_frequencies(parts.skeleton))
        self.documents += len(parts.sizes)

    def skeleton(self) -> Frequencies:
        """Skeleton-term frequencies summed over the batches."""
        return merge_frequencies(self._skeleton)

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
