"""Numpy helpers that several stages share (fingerprints, candidates, containment)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["in_sorted", "sorted_distinct"]

_T = TypeVar("_T", bound=np.generic)


def sorted_distinct(values: npt.NDArray[_T], *, in_place: bool = False) -> npt.NDArray[_T]:
    """The distinct values, sorted: a sort and a test against the neighbour, several
    times faster than ``np.unique`` on the hash and code arrays of a batch.
    ``in_place`` sorts ``values`` itself (for a caller that no longer needs their
    order) instead of a copy."""
    if in_place:
        values.sort()
        ordered = values
    else:
        ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def in_sorted(values: npt.NDArray[_T], table: npt.NDArray[_T]) -> npt.NDArray[np.bool_]:
    """Which of ``values`` the sorted ``table`` holds: a binary search each (in C), no
    set or hash table built (the values are hashes and pair codes)."""
    if not len(table):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(table, values)
    np.minimum(at, len(table) - 1, out=at)
    found: npt.NDArray[np.bool_] = table[at] == values
    return found
