"""The candidate screen: candidate pairs whose signatures are far below the candidate
thresholds are dropped before the costly verification. A scan screens rows of its own
signature matrix; ``check`` and the Spark job screen signatures stored as bytes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..fingerprint import Fingerprints, SetSizes, set_sizes
from ..lsh import screen_pairs
from ..options import DEFAULT_OPTIONS, Options
from ..preverdict import preverdict_model
from .prints import bandings_of

__all__ = [
    "StoredSignatures",
    "bound_candidates",
    "id_ranks",
    "over_limit",
    "screen_candidates",
    "screen_stored",
    "screen_stored_scored",
]

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
    sizes: SetSizes | None = None,
) -> np.ndarray:
    """Candidate pairs worth verifying: an estimated Jaccard similarity of at least
    ``share`` (default ``options.screen_share``) of the channel's threshold in either
    channel; with containment bands, a pair that shares no ordinary band must also have
    the smaller skeleton at least ``options.containment_floor`` inside the larger (rows
    of ``pairs`` index rows of ``fp``; only the signatures are read, set sizes are
    estimated from them, or read from ``sizes`` when the caller made every row's once,
    ``fingerprint.set_sizes``), and of those, with ``options.preverdict``, the ones the
    learned pre-verdict finds worth verifying."""
    if not len(pairs):
        return pairs
    if sizes is None:  # estimated here once for the screen and the pre-verdict
        sizes = set_sizes(fp, pairs)
    pairs = _screen_signatures(pairs, fp, options, share, sizes)
    if options.preverdict and len(pairs):
        pairs = preverdict_model(options.preverdict_model).keep(fp, pairs, sizes)
    return pairs


def _screen_signatures(
    pairs: np.ndarray,
    fp: Fingerprints,
    options: Options,
    share: float | None,
    sizes: SetSizes,
) -> np.ndarray:
    share = options.screen_share if share is None else share
    if share <= 0 or len(pairs) == 0:
        return pairs
    floors = (share * options.shingle_threshold, share * options.skeleton_threshold)
    if not options.containment_bands:
        return screen_pairs(pairs, (fp.shingles, fp.skeleton), floors)
    return screen_pairs(
        pairs,
        (fp.shingles, fp.skeleton),
        floors,
        bandings=bandings_of(options),
        containment=options.containment_floor,
        sizes=sizes.skeleton,
    )


def bound_candidates(
    pairs: np.ndarray, fp: Fingerprints, ranks: np.ndarray, options: Options = DEFAULT_OPTIONS
) -> np.ndarray:
    """The candidate pairs (rows of ``pairs`` index rows of ``fp``) that rank among the
    ``options.max_candidates`` most promising of both their articles (``over_limit``;
    ``ranks``: each row's place in the order of the articles' ids, the tie-break). Only
    pairs of articles over the bound are scored, so a corpus without hubs pays one
    count of candidates per article."""
    limit = options.max_candidates
    if limit <= 0 or len(pairs) == 0:
        return pairs
    heavy = np.bincount(pairs.ravel(), minlength=len(ranks)) > limit
    touched = np.flatnonzero(heavy[pairs[:, 0]] | heavy[pairs[:, 1]])
    if not len(touched):
        return pairs
    scores = preverdict_model(options.preverdict_model).pair_scores(fp, pairs[touched])
    keep = np.ones(len(pairs), dtype=bool)
    keep[touched[over_limit(pairs[touched], scores, ranks, limit)]] = False
    return pairs[keep]


def id_ranks(ids: Sequence[str]) -> np.ndarray:
    """Each row's place in the order of the ids (row k has ``ids[k]``): the tie-break of
    ``bound_candidates``, the same whatever order the articles came in."""
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    return ranks


def over_limit(pairs: np.ndarray, scores: np.ndarray, ranks: np.ndarray, limit: int) -> np.ndarray:
    """Which pairs fall beyond the ``limit`` best candidates of one of their articles:
    each article's pairs ordered by score, highest first, then by the partner's rank.
    The Spark job applies the same order with a window function."""
    n = len(pairs)
    mine = np.concatenate([pairs[:, 0], pairs[:, 1]])
    theirs = np.concatenate([pairs[:, 1], pairs[:, 0]])
    which = np.tile(np.arange(n), 2)
    order = np.lexsort((ranks[theirs], -np.tile(scores, 2), mine))
    grouped = mine[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    place = np.arange(2 * n) - np.repeat(starts, np.diff(np.r_[starts, 2 * n]))
    out = np.zeros(n, dtype=bool)
    out[which[order][place >= limit]] = True
    return out


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
    return _screened(a, b, options, share)[0]


def screen_stored_scored(
    a: Sequence[StoredSignatures], b: Sequence[StoredSignatures], options: Options = DEFAULT_OPTIONS
) -> list[tuple[int, float]]:
    """``screen_stored``'s positions, each with the pre-verdict's probability for its
    pair (what ``bound_candidates`` ranks by), read from the same signature matrix."""
    positions, fp, kept = _screened(a, b, options, None)
    if not positions:
        return []
    scores = preverdict_model(options.preverdict_model).pair_scores(fp, kept)
    return list(zip(positions, scores.tolist(), strict=True))


def _screened(
    a: Sequence[StoredSignatures],
    b: Sequence[StoredSignatures],
    options: Options,
    share: float | None,
) -> tuple[list[int], Fingerprints, np.ndarray]:
    """The positions of the pairs kept, the stored signatures as one matrix of 2 m rows
    (pair k of the comparable ones: rows k and m + k), and the kept rows' pairs."""
    width = options.num_perm * _SLOT.itemsize
    known = [
        k
        for k, ((x0, x1), (y0, y1)) in enumerate(zip(a, b, strict=True))
        if len(x0) == len(x1) == len(y0) == len(y1) == width
    ]
    m = len(known)

    def rows(channel: int) -> np.ndarray:
        blob = b"".join([a[k][channel] for k in known] + [b[k][channel] for k in known])
        return np.frombuffer(blob, dtype=_SLOT).reshape(2 * m, options.num_perm)

    fp = Fingerprints(rows(0), rows(1), np.zeros(2 * m, dtype=np.int32))
    pairs = np.stack([np.arange(m), np.arange(m, 2 * m)], axis=1)
    kept = screen_candidates(pairs, fp, options, share=share) if m else pairs
    return [known[k] for k in kept[:, 0].tolist()], fp, kept
