"""Short-copy candidates: a short article and the longer articles that hold most of its
rarer content words.

A newspaper brief made from a long agency story (a few dozen words beside one or two
thousand) keeps few of the story's 3-word shingles and few of its names, so its Jaccard
similarity with the story is near |short| / |long| in both signature channels and no
band proposes the pair; what it keeps is the story's vocabulary. So every article of at
most ``Options.short_copy_terms`` distinct content words (``text.term``) is paired with
each longer article that holds at least ``Options.short_copy_share`` of its rarer ones,
counted exactly over an inverted index of the content words found in few articles (the
common ones say nothing about where a text comes from). The pairs are verified like any
candidate; the signature screen and the pre-verdict, which read the very similarities
that miss these pairs, do not judge them. The local scan, ``scan --db`` and the Spark job
(``spark.short_copy_pairs_df``, the same counts as joins) propose the same pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

import numpy as np

from ..fingerprint import ContentTerms
from ..options import DEFAULT_OPTIONS, Options

__all__ = [
    "MIN_RARE_TERMS",
    "RARE_DOCUMENTS",
    "ShortCopyIndex",
    "short_copy_pairs",
    "with_short_copies",
]

RARE_DOCUMENTS = 40
"""A content word is rarer when at most this many articles hold it. One story's agency
copy and the papers' articles made from it share the story's words (up to about 30
articles in METER-dev): a first try (bench/eval_short_copies.py's history) found 1 of
METER-dev's 8 briefs that no band proposes with 5 and 7 with 40. A fixed number, not a
share of the corpus, so that a word is let go for good once it is found in more articles:
the index holds the rarer words only (145,058 of 2,284,111 word entries of 10,000
generated articles)."""
MIN_RARE_TERMS = 3
"""An article with fewer rarer content words than this proposes nothing: two or one
shared words say nothing about where a text comes from."""
_QUERY_BLOCK = 2_000_000
"""Posting entries expanded at once (int64 arrays of this length): bounds the memory of
the pair count however large the corpus."""


class ShortCopyIndex:
    """The rarer content words of a corpus's articles, added batch by batch (rows
    numbered over the batches in order): each word's document frequency is counted as it
    comes, and the entries of a word found in more than ``RARE_DOCUMENTS`` articles are
    let go (at once in later batches; in the earlier ones whenever the entries kept have
    doubled), so that memory follows the rarer words, not the corpus."""

    def __init__(self) -> None:
        self._df: dict[int, int] = {}
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []
        self._sizes: list[np.ndarray] = []
        self._n = 0
        self._kept = 0
        self._pruned_at = 0

    def add(self, batch: ContentTerms) -> None:
        """Count and keep one batch's content words (``ContentTerms``)."""
        words, inverse, counts = np.unique(batch.hashes, return_inverse=True, return_counts=True)
        seen = self._df.get
        keys = words.tolist()
        totals = [seen(w, 0) + c for w, c in zip(keys, counts.tolist(), strict=True)]
        self._df.update(zip(keys, totals, strict=True))
        keep = (np.array(totals, dtype=np.int64) <= RARE_DOCUMENTS)[inverse]
        self._sizes.append(np.bincount(batch.rows, minlength=batch.n).astype(np.int32))
        self._hashes.append(batch.hashes[keep].astype(np.uint32))
        self._rows.append((batch.rows[keep] + self._n).astype(np.int32))
        self._n += batch.n
        self._kept += int(keep.sum())
        if self._kept > 2 * max(self._pruned_at, _QUERY_BLOCK):
            self._prune()

    def _prune(self) -> None:
        """Let go of the kept entries of the words found in more than ``RARE_DOCUMENTS``
        articles by now."""
        seen = self._df.__getitem__
        for k, hashes in enumerate(self._hashes):
            words, inverse = np.unique(hashes, return_inverse=True)
            df = np.fromiter(map(seen, words.tolist()), dtype=np.int64, count=len(words))
            keep = (df <= RARE_DOCUMENTS)[inverse]
            self._hashes[k], self._rows[k] = hashes[keep], self._rows[k][keep]
        self._kept = self._pruned_at = sum(len(h) for h in self._hashes)

    def pairs(self, options: Options = DEFAULT_OPTIONS) -> np.ndarray:
        """The (m, 2) row pairs ``i < j``, sorted, of a short article and a longer one
        that holds ``options.short_copy_share`` of its rarer content words (in at least
        two and at most ``RARE_DOCUMENTS`` articles); empty when the share is 0."""
        n = self._n
        if not options.short_copy_share or n < 2:
            return np.empty((0, 2), dtype=np.int64)
        self._prune()
        sizes = np.concatenate(self._sizes).astype(np.int64)
        hashes = np.concatenate([np.empty(0, np.uint32), *self._hashes])
        rows = np.concatenate([np.empty(0, np.int32), *self._rows]).astype(np.int64)
        terms, term_of = np.unique(hashes, return_inverse=True)
        df = np.bincount(term_of, minlength=len(terms))
        linked = df[term_of] >= 2  # a word of one article joins nothing
        term_of, rows = term_of[linked], rows[linked]
        counts = np.bincount(rows, minlength=n)  # rarer words of each article
        query = (sizes <= options.short_copy_terms) & (counts >= MIN_RARE_TERMS)
        # Postings: the articles of each rarer word, grouped by word.
        order = np.argsort(term_of, kind="stable")
        post_rows = rows[order]
        starts = np.searchsorted(term_of[order], np.arange(len(terms)))
        ends = np.searchsorted(term_of[order], np.arange(len(terms)), side="right")
        asked = query[rows]
        q_rows, q_terms = rows[asked], term_of[asked]  # rows ascending: each article's run
        lengths = ends[q_terms] - starts[q_terms]
        # Blocks of about ``_QUERY_BLOCK`` entries, cut where an article's run begins, so
        # that each block counts its articles' pairs whole.
        cut = np.searchsorted(np.cumsum(lengths), np.arange(0, lengths.sum(), _QUERY_BLOCK))
        cut = np.unique(np.searchsorted(q_rows, q_rows[cut[cut < len(q_rows)]]))
        bounds = [*cut.tolist(), len(q_rows)]
        found = [
            _kept(
                _pairs_of(q_rows[lo:hi], q_terms[lo:hi], starts, ends, post_rows, sizes, n),
                counts,
                n,
                options.short_copy_share,
            )
            for lo, hi in pairwise(bounds)
        ]
        out = np.unique(np.concatenate([np.empty(0, np.int64), *found]))
        return np.stack([out // n, out % n], axis=1).astype(np.int64)


def short_copy_pairs(
    batches: Iterable[ContentTerms], options: Options = DEFAULT_OPTIONS
) -> np.ndarray:
    """``ShortCopyIndex.pairs`` of the batches' content words (rows numbered over the
    batches in order)."""
    index = ShortCopyIndex()
    for batch in batches:
        index.add(batch)
    return index.pairs(options)


def _pairs_of(
    q_rows: np.ndarray,
    q_terms: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    post_rows: np.ndarray,
    sizes: np.ndarray,
    n: int,
) -> np.ndarray:
    """One code ``short * n + longer`` per rarer word a short article shares with a longer
    one (a block of the short articles' posting entries)."""
    lengths = ends[q_terms] - starts[q_terms]
    shorts = np.repeat(q_rows, lengths)
    # The place of each entry in its word's postings: starts repeated, plus a ramp.
    ramp = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    longers = post_rows[np.repeat(starts[q_terms], lengths) + ramp]
    keep = sizes[longers] > sizes[shorts]
    codes: np.ndarray = shorts[keep] * np.int64(n) + longers[keep]
    return codes


def _kept(codes: np.ndarray, counts: np.ndarray, n: int, share: float) -> np.ndarray:
    """The pairs whose shared rarer words reach ``share`` of the short article's, as
    codes ``i * n + j`` with ``i < j``."""
    pair, shared = np.unique(codes, return_counts=True)
    shorts, longers = pair // n, pair % n
    ok = shared >= share * counts[shorts]
    shorts, longers = shorts[ok], longers[ok]
    kept: np.ndarray = np.minimum(shorts, longers) * np.int64(n) + np.maximum(shorts, longers)
    return kept


def with_short_copies(pairs: np.ndarray, extra: np.ndarray, n: int) -> np.ndarray:
    """The candidate pairs ``pairs`` (rows ``i < j``), in their order, then the pairs of
    ``extra`` that they lack (``n``: the number of rows)."""
    if not len(extra):
        return pairs
    have = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    new = extra[~np.isin(extra[:, 0] * np.int64(n) + extra[:, 1], have)]
    return np.concatenate([pairs, new.astype(pairs.dtype)]) if len(new) else pairs
