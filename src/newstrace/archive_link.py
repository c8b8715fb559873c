"""The scan's view of the candidates that ``Archive.add`` verifies.

The archive's skeleton signatures and band keys keep every skeleton term, since it
cannot know which terms will turn common; a scan leaves out the terms common in its
corpus (``Options.common_skeleton_share``). Articles of one beat share those terms, so
the archive's band look-up proposes many same-beat pairs that a scan never sees, and
the screen and the learned pre-verdict (trained on a scan's signatures) let many of
them through: an add of 1,000 generated articles verified 10,726 candidates, a scan of
the same articles 381. The archive does know its terms' current document frequencies
(table ``terms``), so at link time it signs the skeletons of the articles in question
again without the terms common in the archive now and asks what a scan asks: a shared
band, then the scan's screen and pre-verdict.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .corpus import (
    band_keys_of,
    body_parts,
    bound_candidates,
    clean_bodies,
    id_ranks,
    screen_candidates,
    signed,
)
from .fingerprint import Fingerprints, skeleton_term_hashes
from .model import Article
from .options import Options

__all__ = ["Link", "ScanView", "common_skeleton"]

Link = tuple[int, int]
"""A candidate pair as (older row id, new row id)."""
Signed = tuple[np.ndarray, np.ndarray, np.integer[Any], np.ndarray]
"""One article signed as a scan signs it: shingle and skeleton signature, shingle
count, band keys."""


def common_skeleton(db: sqlite3.Connection, documents: int, options: Options) -> np.ndarray:
    """Hashes of the skeleton terms common among the archive's ``documents`` articles,
    by the scan's rule (``fingerprint.common_terms``). The archive counts each matching
    term in every article holding it, written in capitals or not, where a scan counts
    only its capitalised or numeric occurrences: a term may count as common here a
    little sooner than in a scan."""
    limit = max(options.common_skeleton_min, options.common_skeleton_share * documents)
    rows = db.execute("SELECT term FROM terms WHERE df > ?", (limit,))
    return skeleton_term_hashes(term for (term,) in rows)


_MAX_SIGNED = 20_000
"""Signed articles a ``ScanView`` holds (about 3.5 KB each) before it starts afresh."""


class ScanView:
    """Archived articles signed as a scan would sign them now (without the ``common``
    skeleton terms), each once while the common terms stay the same, however many link
    groups and batches it is a candidate in: signing means reading an article's words
    again (0.3 ms), and an older article is a candidate of many (with batches of 2, a
    view per batch made an add of copies of a few stories 16% slower than before the
    view). An article is known by its row id and its text's hash, so a row id reused
    after a ``remove`` (by any writer) is signed again."""

    def __init__(self, common: np.ndarray, options: Options) -> None:
        self._common = common
        self._options = options
        self._signed: dict[tuple[int, int], Signed] = {}

    def holds(self, common: np.ndarray) -> bool:
        """Whether this view signs without exactly the ``common`` terms."""
        return np.array_equal(self._common, common)

    def candidates(self, pending: Sequence[Link], articles: Mapping[int, Article]) -> list[Link]:
        """The pairs of ``pending`` (in their order) that a scan would verify: the two
        articles share a band key (of either channel, or a containment band, as the
        scan's candidate pairs do) and pass the scan's screen and pre-verdict
        (``screen_candidates``), and rank among the ``Options.max_candidates`` best of
        both articles among these pairs (``bound_candidates``: a new hub document is
        verified against its best candidates). ``articles`` holds every row id of
        ``pending``."""
        if not pending:
            return []
        rowids = sorted({r for pair in pending for r in pair})
        named = [(r, hash(articles[r].text)) for r in rowids]
        self._sign(named, articles)
        row = {r: k for k, r in enumerate(rowids)}
        fp, keys = self._matrices(named)
        pairs = np.array([(row[c], row[r]) for c, r in pending], dtype=np.int64)
        older, newer = keys[pairs[:, 0]], keys[pairs[:, 1]]
        banded = ((older == newer) & (older != -1)).any(axis=1)
        kept = screen_candidates(pairs[banded], fp, self._options)
        ranks = id_ranks([articles[r].id for r in rowids])
        kept = bound_candidates(kept, fp, ranks, self._options)
        wanted = {(rowids[a], rowids[b]) for a, b in kept.tolist()}
        return [pair for pair in pending if pair in wanted]

    def _sign(self, named: Sequence[tuple[int, int]], articles: Mapping[int, Article]) -> None:
        """Sign the articles of ``named`` not signed yet. When they would overflow the
        view, it starts afresh with all of ``named`` (not only the new ones: each one is
        read back at once)."""
        missing = [n for n in named if n not in self._signed]
        if not missing:
            return
        if len(self._signed) + len(missing) > _MAX_SIGNED:
            self._signed.clear()
            missing = list(named)
        bodies = clean_bodies([articles[r] for r, _ in missing], self._options)
        parts = body_parts(bodies, self._options, frequencies=False)
        fp = signed(parts, self._options, self._common)
        keys = band_keys_of(fp, self._options)
        for k, name in enumerate(missing):
            self._signed[name] = (fp.shingles[k], fp.skeleton[k], fp.sizes[k], keys[k])

    def _matrices(self, named: Sequence[tuple[int, int]]) -> tuple[Fingerprints, np.ndarray]:
        rows = [self._signed[n] for n in named]
        fp = Fingerprints(
            np.stack([x[0] for x in rows]),
            np.stack([x[1] for x in rows]),
            np.array([x[2] for x in rows], dtype=np.int32),
        )
        return fp, np.stack([x[3] for x in rows])
