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
(``spark._short_copy_pairs``, the same counts as joins) propose the same pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from ..fingerprint import ContentTerms
from ..options import DEFAULT_OPTIONS, Options

__all__ = [
    "MIN_RARE_TERMS",
    "RARE_SHARE",
    "RARE_TERMS_FLOOR",
    "rare_cap",
    "short_copy_pairs",
    "with_short_copies",
]

RARE_TERMS_FLOOR = 40
"""A content word is rarer when at most this many articles hold it, or ``RARE_SHARE`` of
the corpus if that is more. One story's agency copy and the papers' articles made from it
share the story's words (up to about 30 articles in METER-dev): with a cap of 5 the
channel found 1 of METER-dev's 8 briefs that no band proposes, with 40 it found 7
(bench/eval_short_copies.py)."""
RARE_SHARE = 0.01
MIN_RARE_TERMS = 3
"""An article with fewer rarer content words than this proposes nothing: two or one
shared words say nothing about where a text comes from."""
_QUERY_BLOCK = 2_000_000
"""Posting entries expanded at once (int64 arrays of this length): bounds the memory of
the pair count however large the corpus."""


def rare_cap(documents: int) -> int:
    """The most articles a rarer content word is found in, in a corpus of ``documents``."""
    return max(RARE_TERMS_FLOOR, int(RARE_SHARE * documents))


def short_copy_pairs(
    batches: Sequence[ContentTerms], options: Options = DEFAULT_OPTIONS
) -> np.ndarray:
    """The (m, 2) row pairs ``i < j`` (rows numbered over the batches in order) of a short
    article and a longer one holding ``options.short_copy_share`` of its rarer content
    words, sorted; empty when ``short_copy_share`` is 0."""
    offsets = np.cumsum([0, *(b.n for b in batches)])
    n = int(offsets[-1])
    if not options.short_copy_share or n < 2:
        return np.empty((0, 2), dtype=np.int64)
    hashes = np.concatenate([b.hashes for b in batches]) if batches else np.empty(0, np.int64)
    rows = np.concatenate([b.rows + off for b, off in zip(batches, offsets, strict=False)])
    sizes = np.bincount(rows, minlength=n)
    terms, term_of = np.unique(hashes, return_inverse=True)
    df = np.bincount(term_of, minlength=len(terms))
    # A word in one article joins nothing; a common one is no evidence.
    rare = (df[term_of] >= 2) & (df[term_of] <= rare_cap(n))
    term_of, rows = term_of[rare], rows[rare]
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
    # Blocks of about ``_QUERY_BLOCK`` entries, cut where an article's run begins, so that
    # each block counts its articles' pairs whole.
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
