"""The candidate screen: candidate pairs whose signatures are far below the candidate
thresholds are dropped before the costly verification. A scan screens rows of its own
signature matrix; ``check`` and the Spark job screen signatures stored as bytes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..fingerprint import Fingerprints, estimate_sizes
from ..lsh import screen_pairs
from ..options import DEFAULT_OPTIONS, Options
from ..preverdict import preverdict_model
from .prints import bandings_of

__all__ = ["StoredSignatures", "screen_candidates", "screen_stored"]

StoredSignatures = tuple[bytes, bytes]
"""An article's shingle and skeleton signatures as stored (``ndarray.tobytes``)."""

_SLOT = np.dtype(np.uint32)
"""A signature slot."""


def screen_candidates(
    pairs: np.ndarray,
    fp: Fingerprints,
    options: Options = DEFAULT_OPTIONS,
    *,
    share: float | None = None,
) -> np.ndarray:
    """Candidate pairs worth verifying: an estimated Jaccard similarity of at least
    ``share`` (default ``options.screen_share``) of the channel's threshold in either
    channel; with containment bands, a pair that shares no ordinary band must also have
    the smaller skeleton at least ``options.containment_floor`` inside the larger (rows
    of ``pairs`` index rows of ``fp``; only the signatures are read, set sizes are
    estimated from them), and of those, with ``options.preverdict``, the ones the learned
    pre-verdict finds worth verifying."""
    pairs = _screen_signatures(pairs, fp, options, share)
    if options.preverdict and len(pairs):
        pairs = preverdict_model(options.preverdict_model).keep(fp, pairs)
    return pairs


def _screen_signatures(
    pairs: np.ndarray, fp: Fingerprints, options: Options, share: float | None
) -> np.ndarray:
    share = options.screen_share if share is None else share
    if share <= 0 or len(pairs) == 0:
        return pairs
    floors = (share * options.shingle_threshold, share * options.skeleton_threshold)
    if not options.containment_bands:
        return screen_pairs(pairs, (fp.shingles, fp.skeleton), floors)
    rows = np.unique(pairs)
    sizes = np.zeros(len(fp.skeleton), dtype=np.float64)
    sizes[rows] = estimate_sizes(fp.skeleton[rows])
    return screen_pairs(
        pairs,
        (fp.shingles, fp.skeleton),
        floors,
        bandings=bandings_of(options),
        containment=options.containment_floor,
        sizes=sizes,
    )


def screen_stored(
    a: Sequence[StoredSignatures],
    b: Sequence[StoredSignatures],
    options: Options = DEFAULT_OPTIONS,
    *,
    share: float | None = None,
) -> list[int]:
    """The positions k, ascending, of the pairs ``(a[k], b[k])`` that
    ``screen_candidates`` keeps. A pair with a signature of another width than
    ``options.num_perm`` (written with other settings) cannot be compared: dropped."""
    width = options.num_perm * _SLOT.itemsize
    known = [
        k
        for k, ((x0, x1), (y0, y1)) in enumerate(zip(a, b, strict=True))
        if len(x0) == len(x1) == len(y0) == len(y1) == width
    ]
    m = len(known)
    if not m:
        return []

    def rows(channel: int) -> np.ndarray:
        blob = b"".join([a[k][channel] for k in known] + [b[k][channel] for k in known])
        return np.frombuffer(blob, dtype=_SLOT).reshape(2 * m, options.num_perm)

    fp = Fingerprints(rows(0), rows(1), np.zeros(2 * m, dtype=np.int32))
    pairs = np.stack([np.arange(m), np.arange(m, 2 * m)], axis=1)
    kept = screen_candidates(pairs, fp, options, share=share)
    return [known[k] for k in kept[:, 0].tolist()]
