"""Band stage: locality-sensitive hashing of signatures into band keys, and candidates.

A signature of ``num_perm`` slots is cut into ``bands`` bands of ``rows`` slots; two
articles become candidates when any band is equal. Band keys are 63-bit integers that
also encode the channel and the band number, so one flat table (in memory, in SQLite or
in a Spark shuffle) holds every key of every channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from .arrays import in_sorted, sorted_distinct

__all__ = [
    "Banding",
    "KeyTable",
    "band_keys",
    "candidate_pairs",
    "containment_estimates",
    "join_pairs",
    "key_blocks",
    "optimal_banding",
    "pair_band_keys",
    "pair_slots",
    "screen_pairs",
    "sorted_keys",
]


@dataclass(frozen=True, slots=True)
class Banding:
    """How one channel's signature is cut: ``bands`` x ``rows`` <= ``num_perm``."""

    bands: int
    rows: int
    channel: int = 0  # 0: shingles, 1: skeleton

    def probability(self, similarity: float) -> float:
        """Chance that two signatures with this Jaccard similarity share a band."""
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands


@lru_cache(maxsize=64)
def optimal_banding(
    threshold: float,
    num_perm: int = 128,
    channel: int = 0,
    fp_weight: float = 0.5,
    fn_weight: float = 0.5,
) -> Banding:
    """The (bands, rows) that minimise the weighted false positive and false negative
    areas around ``threshold``: the criterion datasketch's MinHashLSH uses, so both
    tools band alike at one threshold."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    # Every (bands, rows) with bands * rows <= num_perm, bands first then rows (the
    # order the first best is taken in), integrated at once: one (pairs, 201) table per
    # side of the threshold instead of a numpy call per pair (61 ms of a fresh
    # process's first check, now about 2).
    pairs = np.array(
        [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)],
        dtype=np.int64,
    )
    bands, rows = pairs[:, :1], pairs[:, 1:]
    s_lo = np.linspace(0.0, threshold, 201)
    s_hi = np.linspace(threshold, 1.0, 201)
    fp = np.trapezoid(1.0 - (1.0 - s_lo**rows) ** bands, s_lo, axis=1)
    fn = np.trapezoid((1.0 - s_hi**rows) ** bands, s_hi, axis=1)
    best = int(np.argmin(fp_weight * fp + fn_weight * fn))
    return Banding(int(pairs[best, 0]), int(pairs[best, 1]), channel)


_MULT = np.array(
    [
        0x9E3779B97F4A7C15 | 1,
        0xC2B2AE3D27D4EB4F | 1,
        0x165667B19E3779F9 | 1,
        0xD6E8FEB86659FD93 | 1,
    ],
    dtype=np.uint64,
)


def band_keys(
    sig: np.ndarray,
    banding: Banding,
    out: np.ndarray | None = None,
    lo: int = 0,
    hi: int | None = None,
) -> np.ndarray:
    """(n, bands) int64 keys: each band's slots hashed together with channel and band.

    Rows that are all-empty (an article without features) get key -1 in every band:
    they must never become candidates of each other. Made ``_BAND_ROWS`` rows at a
    time: the hashing's (rows, bands, slots) tables stay small whatever the corpus.
    ``out``: an (n, bands) int64 array (a view into a larger key table) to write them
    into, instead of a new one. ``lo``, ``hi``: only bands ``lo`` to ``hi - 1`` (the
    same keys those columns of the whole table hold).
    """
    b, r = banding.bands, banding.rows
    hi = b if hi is None else hi

    def keys_of(part: np.ndarray) -> np.ndarray:
        # Band i takes slots i, i + b, i + 2b, ...: far-apart bins, independent estimates.
        cut = part[:, : b * r].reshape(len(part), r, b)[:, :, lo:hi].astype(np.uint64)
        return _band_keys(cut.transpose(0, 2, 1), banding.channel, lo, _empty_rows(part))

    return _in_row_blocks(sig, hi - lo, keys_of, out)


_BAND_ROWS = 4096
"""Signatures hashed into band keys at once (``band_keys``, ``pair_band_keys``)."""


def _in_row_blocks(
    sig: np.ndarray,
    bands: int,
    keys_of: Callable[[np.ndarray], np.ndarray],
    out: np.ndarray | None = None,
) -> np.ndarray:
    """(n, bands) keys made ``_BAND_ROWS`` signature rows at a time by ``keys_of``, into
    ``out`` when given."""
    if out is None:
        out = np.empty((sig.shape[0], bands), dtype=np.int64)
    elif out.shape != (sig.shape[0], bands) or out.dtype != np.int64:
        raise ValueError(f"out must be ({sig.shape[0]}, {bands}) int64, got {out.shape}")
    for start in range(0, sig.shape[0], _BAND_ROWS):
        out[start : start + _BAND_ROWS] = keys_of(sig[start : start + _BAND_ROWS])
    return out


def _empty_rows(slots: np.ndarray) -> np.ndarray:
    """Rows whose every slot is empty (no feature at all)."""
    empty: np.ndarray = (slots == np.uint32(0xFFFFFFFF)).all(axis=1)
    return empty


def _band_keys(cut: np.ndarray, channel: int, first: int, empty: np.ndarray) -> np.ndarray:
    """The keys of bands ``first``, ``first + 1``, ... from their slots, ``cut``: (n,
    bands, rows) uint64; -1 in the ``empty`` rows."""
    n, count, rows = cut.shape
    with np.errstate(over="ignore"):
        acc: np.ndarray = np.full((n, count), np.uint64(channel * 1_000_003 + 17), np.uint64)
        number = np.arange(first, first + count, dtype=np.uint64)
        acc = acc + number[None, :] * np.uint64(0x51ED27F1)
        for j in range(rows):
            acc = (acc ^ cut[:, :, j]) * _MULT[j % len(_MULT)]
            acc ^= acc >> np.uint64(29)
    keys = (acc >> np.uint64(1)).astype(np.int64)  # 63 bits: fits SQLite and Spark longs
    keys[empty] = -1
    return keys


@lru_cache(maxsize=16)
def pair_slots(bands: int, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The two slots of each of ``bands`` two-slot bands: slot ``t`` with slot ``t + 1``
    for the first ``num_perm`` bands, ``t + 3`` for the next, then ``t + 9``, ... (odd
    shifts: no pair of slots is used twice while the shift stays under ``num_perm``)."""
    t = np.arange(bands, dtype=np.int64)
    first = t % num_perm
    shift = 3 ** (t // num_perm)
    return first, (first + shift) % num_perm


def pair_band_keys(
    sig: np.ndarray,
    bands: int,
    channel: int,
    out: np.ndarray | None = None,
    lo: int = 0,
    hi: int | None = None,
) -> np.ndarray:
    """(n, bands) keys of two-slot bands over overlapping slot pairs (see ``pair_slots``).

    With two rows a band is equal with probability J**2, so these bands find pairs of a
    low Jaccard similarity (a short article inside a long one: J near |short| / |long|)
    that bands of more rows miss; they also find many accidental pairs, so what they
    alone propose must pass the containment screen (``screen_pairs``). ``out``, ``lo``,
    ``hi``: as for ``band_keys``.
    """
    first, second = pair_slots(bands, sig.shape[1])
    used = np.union1d(first, second)  # a row is empty when all of these are
    hi = bands if hi is None else hi

    def keys_of(part: np.ndarray) -> np.ndarray:
        cut = np.stack([part[:, first[lo:hi]], part[:, second[lo:hi]]], axis=2)
        return _band_keys(cut.astype(np.uint64), channel, lo, _empty_rows(part[:, used]))

    return _in_row_blocks(sig, hi - lo, keys_of, out)


def sorted_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (key, row) of an (n, k) key table, empty keys dropped, duplicates dropped,
    sorted by key then row: the order of a band index (and of its B-tree inserts)."""
    n, k = keys.shape
    flat = keys.reshape(-1)
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    keep = flat != -1
    flat, rows = flat[keep], rows[keep]
    order = np.lexsort((rows, flat))
    flat, rows = flat[order], rows[order]
    if len(flat):
        first = np.concatenate([[True], (flat[1:] != flat[:-1]) | (rows[1:] != rows[:-1])])
        flat, rows = flat[first], rows[first]
    return flat, rows


class KeyTable(Protocol):
    """An (n, k) table of band keys made a block of columns at a time, when read: the
    whole table of a large corpus is the largest array of a scan (100,000 articles: 218
    MB), and the candidate pass reads it a block at a time."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def block(self, lo: int, hi: int) -> np.ndarray:
        """Columns ``lo`` to ``hi - 1``, as an (n, hi - lo) int64 array."""
        ...


def candidate_pairs(
    keys: np.ndarray | KeyTable,
    max_bucket: int = 200,
    keep: Callable[[np.ndarray], np.ndarray] | None = None,
    blocks: Iterable[int] | None = None,
) -> np.ndarray:
    """Distinct pairs (i < j) of rows that share at least one key, as an (m, 2) array.

    ``keys`` is (n, k) over any number of channels and bands (an array, or a
    ``KeyTable`` that makes each block of columns when read). Buckets larger than
    ``max_bucket`` (a template sentence shared by thousands of pages) are skipped: they
    carry no evidence about any one pair. A key hashes its channel and band in
    (``band_keys``), so buckets never span two columns: the columns are read a block at
    a time (``_KEY_COLUMNS``), which bounds the memory of the sort.

    ``keep`` (a screen: the rows of an (m, 2) pair array worth keeping, decided pair by
    pair) is applied to each chunk of pairs as it is made, so that only the kept pairs
    are ever held: at 30,000 generated articles 3.6 million distinct bucket pairs shrink
    to 49,000 candidates. A pair it has kept once is not offered again: a reprint shares
    most bands with its original, so its pair comes back in chunk after chunk (at 10,000
    generated articles 307,191 of the 866,713 pairs offered were kept pairs again; a
    decision pair by pair is the same the second time).

    ``blocks``: the first columns of the blocks to read (``key_blocks``; default all):
    the pairs of a part of the blocks, which processes can find apart and join
    (``join_pairs``), the same pairs as one pass over all.
    """
    n = np.int64(keys.shape[0])
    block = _columns(keys) if isinstance(keys, np.ndarray) else keys.block
    found: _DistinctCodes | _KeptCodes = _DistinctCodes() if keep is None else _KeptCodes()
    for c in key_blocks(keys) if blocks is None else blocks:
        flat, rows = sorted_keys(block(c, min(c + _KEY_COLUMNS, keys.shape[1])))
        if len(flat) == 0:
            continue
        starts = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1]]))
        sizes = np.diff(np.concatenate([starts, [len(flat)]]))
        for size in np.unique(sizes):
            if size < 2 or size > max_bucket:
                continue
            group_starts = starts[sizes == size]
            ii, jj = np.triu_indices(size, 1)
            step = max(1, _PAIR_CHUNK // len(ii))  # buckets whose pairs make one chunk
            for k in range(0, len(group_starts), step):
                members = rows[group_starts[k : k + step, None] + np.arange(size)[None, :]]
                a, b = members[:, ii].reshape(-1), members[:, jj].reshape(-1)
                lo, hi = np.minimum(a, b), np.maximum(a, b)
                apart = lo != hi
                code = sorted_distinct(lo[apart] * n + hi[apart], in_place=True)  # one per pair
                if isinstance(found, _KeptCodes) and keep is not None:
                    code = code[~found.held(code)]
                    code = _codes(keep(_pairs(code, n)), n)
                found.add(code)
    return _pairs(found.result(), n)


def key_blocks(keys: np.ndarray | KeyTable) -> list[int]:
    """The first column of each block of columns ``candidate_pairs`` reads."""
    return list(range(0, keys.shape[1], _KEY_COLUMNS))


def join_pairs(parts: Iterable[np.ndarray], n: int) -> np.ndarray:
    """The distinct pairs of several ``candidate_pairs`` answers over ``n`` rows (parts
    of the blocks), sorted as one answer over all blocks is."""
    codes = [np.empty(0, dtype=np.int64), *(_codes(p, n) for p in parts)]
    return _pairs(sorted_distinct(np.concatenate(codes), in_place=True), n)


def _codes(pairs: np.ndarray, n: int | np.int64) -> np.ndarray:
    """One int64 per pair (i, j) of rows of ``n``: ``i * n + j`` (sorted as the pairs)."""
    out: np.ndarray = pairs[:, 0] * n + pairs[:, 1]
    return out


def _pairs(codes: np.ndarray, n: int | np.int64) -> np.ndarray:
    """The (m, 2) pairs of ``_codes``."""
    return np.stack([codes // n, codes % n], axis=1)


def _columns(keys: np.ndarray) -> Callable[[int, int], np.ndarray]:
    """``KeyTable.block`` of a key array."""
    return lambda lo, hi: keys[:, lo:hi]


_KEY_COLUMNS = 8
"""Key columns (bands) sorted together by ``candidate_pairs``. The sort of a block
(keys, rows, their order) is the candidate pass's largest transient: at 100,000
generated articles its peak RSS was 1,042 / 947 / 840 MiB with 32 / 16 / 8 columns, for
47.7 / 53.6 / 57.9 s of CPU, the same pairs; the whole scan takes about 1,300 s."""
_PAIR_CHUNK = 1 << 20
"""Bucket pairs made at once by ``candidate_pairs``: a pair that shares many bands is
made once per band, so the pairs of all buckets together can outnumber the distinct ones
many times over (about 14 million at 30,000 generated articles); chunks keep only the
distinct pairs and one chunk in memory."""


class _DistinctCodes:
    """Sorted distinct int64 codes gathered chunk by chunk: each chunk comes reduced to
    its distinct codes, and the chunks are merged whenever the pending ones outgrow the
    merged result, so memory stays near the distinct codes, not all codes made."""

    def __init__(self) -> None:
        self._merged = np.empty(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    def add(self, codes: np.ndarray) -> None:
        """Codes already sorted and distinct (``sorted_distinct``)."""
        self._pending.append(codes)
        self._pending_size += len(codes)
        if self._pending_size > max(len(self._merged), _PAIR_CHUNK):
            self._merge()

    def result(self) -> np.ndarray:
        self._merge()
        return self._merged

    def _merge(self) -> None:
        if self._pending:
            self._merged = sorted_distinct(
                np.concatenate([self._merged, *self._pending]), in_place=True
            )
            self._pending, self._pending_size = [], 0


class _KeptCodes:
    """The distinct codes of the pairs a screen kept, sorted, and which of a chunk's codes
    they hold already. Few codes are kept per chunk (a few, against the hundreds or
    thousands offered), so each chunk's are inserted into a small sorted part, which is
    merged into the large one when it outgrows a quarter of it: a chunk costs two
    binary searches and a short insertion, never a sort of all the kept codes."""

    def __init__(self) -> None:
        self._large = np.empty(0, dtype=np.int64)
        self._small = np.empty(0, dtype=np.int64)

    def held(self, codes: np.ndarray) -> np.ndarray:
        """Which of ``codes`` are held."""
        held: np.ndarray = in_sorted(codes, self._large) | in_sorted(codes, self._small)
        return held

    def add(self, codes: np.ndarray) -> None:
        """Sorted distinct codes, none held already."""
        if not len(codes):
            return
        self._small = np.insert(self._small, np.searchsorted(self._small, codes), codes)
        if len(self._small) > max(_KEPT_SMALL, len(self._large) // 4):
            self._large = np.sort(np.concatenate([self._large, self._small]))
            self._small = np.empty(0, dtype=np.int64)

    def result(self) -> np.ndarray:
        return np.sort(np.concatenate([self._large, self._small]))


_KEPT_SMALL = 4096
"""Codes the small sorted part of ``_KeptCodes`` may hold, however small the large one."""


_SCREEN_CHUNK = 1 << 15


def containment_estimates(
    equal_share: np.ndarray, size_i: np.ndarray, size_j: np.ndarray
) -> np.ndarray:
    """Estimated share of the smaller set that lies in the larger, from the estimated
    Jaccard similarity J (share of equal slots) and the set sizes:
    |A n B| = J (|A| + |B|) / (1 + J), divided by min(|A|, |B|), at most 1."""
    small = np.maximum(np.minimum(size_i, size_j), 1.0)
    inter = equal_share * (size_i + size_j) / (1.0 + equal_share)
    out: np.ndarray = np.minimum(inter / small, 1.0)
    return out


def _shares_band(equal: np.ndarray, banding: Banding) -> np.ndarray:
    """Whether two signatures, given their slot-by-slot equality, share a band of
    ``banding`` (the slot layout of ``band_keys``: band i holds slots i, i + b, ...).
    The rows of each band are joined in place, one slot column of every band at a time
    (``np.all`` over the middle axis of the reshaped table was a third slower)."""
    b, r = banding.bands, banding.rows
    rows = equal[:, : b * r].reshape(len(equal), r, b)
    bands: np.ndarray = rows[:, 0, :].copy()
    for k in range(1, r):
        bands &= rows[:, k, :]
    out: np.ndarray = np.any(bands, axis=1)
    return out


def screen_pairs(
    pairs: np.ndarray,
    signatures: Sequence[np.ndarray],
    floors: Sequence[float],
    *,
    bandings: Sequence[Banding] | None = None,
    containment: float = 0.0,
    sizes: np.ndarray | None = None,
) -> np.ndarray:
    """The candidate pairs whose signatures estimate a Jaccard similarity of at least
    ``floors[c]`` in some channel ``c`` (``signatures[c]`` is that channel's (n, m) table).

    A band key shared by accident (one band of common words) makes a candidate whose
    other slots mostly differ; counting equal slots removes it before the expensive
    verification, with the same evidence the bands were cut from.

    With ``bandings`` (the ordinary bands of each channel, in the order of
    ``signatures``), a pair that shares none of those bands (only the low-threshold
    two-slot bands found it) is kept only if it passes the floor of the last channel
    (the skeleton) and the smaller of its two sets lies at least ``containment`` in the
    larger (``containment_estimates``; ``sizes``: the last channel's estimated set sizes,
    ``fingerprint.estimate_sizes``). The two-slot bands join many pairs that share a
    few names by chance; only those where one article's names are largely inside the
    other's are worth a verification.
    """
    keep = np.zeros(len(pairs), dtype=bool)
    last = len(signatures) - 1
    for start in range(0, len(pairs), _SCREEN_CHUNK):
        i = pairs[start : start + _SCREEN_CHUNK, 0]
        j = pairs[start : start + _SCREEN_CHUNK, 1]
        passed = np.zeros(len(i), dtype=bool)
        banded = np.zeros(len(i), dtype=bool)
        contained = np.zeros(len(i), dtype=bool)
        for c, (sig, floor) in enumerate(zip(signatures, floors, strict=True)):
            equal = sig[i] == sig[j]
            share = np.count_nonzero(equal, axis=1) / equal.shape[1]  # = mean, exactly
            passed |= share >= floor
            if bandings is None:
                continue
            banded |= _shares_band(equal, bandings[c])
            if c == last and sizes is not None and containment > 0:
                contained = (share >= floor) & (
                    containment_estimates(share, sizes[i], sizes[j]) >= containment
                )
        keep[start : start + _SCREEN_CHUNK] = (
            passed if bandings is None else ((passed & banded) | contained)
        )
    return pairs[keep]
