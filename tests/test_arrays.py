"""The shared numpy helpers."""

from __future__ import annotations

import numpy as np
import pytest

from newstrace.arrays import sorted_distinct


@pytest.mark.parametrize("dtype", [np.uint64, np.int64, np.uint32])
@pytest.mark.parametrize("size", [0, 1, 2, 7, 1000])
def test_sorted_distinct_is_numpy_unique_in_both_modes(dtype: type, size: int) -> None:
    rng = np.random.default_rng(size)
    values = rng.integers(0, max(1, size // 3), size=size).astype(dtype)
    want = np.unique(values)
    kept = values.copy()
    assert np.array_equal(sorted_distinct(values), want)
    assert np.array_equal(values, kept)  # a copy was sorted, not the caller's array
    got = sorted_distinct(values, in_place=True)
    assert np.array_equal(got, want) and got.dtype == want.dtype
    assert np.array_equal(values, np.sort(kept))  # in place: the caller's array is sorted
