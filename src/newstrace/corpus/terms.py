"""Term statistics of a corpus: document frequencies of matching terms (the verifier's
term weights) and of skeleton terms (to leave out the corpus-common ones), counted batch
by batch and summed over batches or partitions, so no engine's batching changes them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from ..align import TermStats
from ..fingerprint import FingerprintParts, common_terms, skeleton_frequencies
from ..options import DEFAULT_OPTIONS, Options

__all__ = ["TermCounts", "common_skeleton_terms", "merge_frequencies"]

Frequencies = tuple[np.ndarray, np.ndarray]
"""(hashes, counts): in how many articles each skeleton term occurs."""


class TermCounts:
    """Document frequencies of the batches added so far."""

    def __init__(self) -> None:
        self.documents = 0
        self._df: Counter[str] = Counter()
        self._skeleton: list[Frequencies] = []

    def add(self, parts: FingerprintParts) -> None:
        """Count one fingerprinted batch."""
        self._df.update(parts.frequencies)
        self._skeleton.append(skeleton_frequencies(parts.skeleton))
        self.documents += len(parts.sizes)

    def frequencies(self) -> dict[str, int]:
        """Document frequency of each matching term."""
        return dict(self._df)

    def stats(self) -> TermStats:
        """The verifier's term statistics over the documents counted."""
        return TermStats(self.frequencies(), self.documents)

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
