"""Fingerprint stage: compact signatures of whole articles for candidate search.

Two channels, both MinHash-style signatures of ``num_perm`` slots:

* ``shingles``: word 3-shingles of the body; near-verbatim copies collide here.
* ``skeleton``: the set of skeleton terms: capitalised words (names, places,
  organisations), numbers, and every word of scripts without letter case. Spins and
  partial rewrites keep few 3-grams but most of the story's names and numbers, so they
  still collide here, while unrelated articles share almost none (common words, which
  make any two news stories look alike, are left out).

Signatures use one-permutation hashing with rotation densification (Li, Owen & Zhang
2012; Shrivastava 2017): each feature is hashed once, the hash picks one of
``num_perm`` bins and the minimum per bin is kept. That estimates Jaccard similarity like
``num_perm`` independent permutations at 1/``num_perm`` of the hashing cost, and it is
vectorised over a whole batch of articles with numpy. Hashes are stable across processes
and machines (blake2b of the feature, not Python's salted ``hash``), so a Spark job and
the local engine compute identical signatures.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np

from .arrays import sorted_distinct
from .text import term, word_has_no_space_script

__all__ = [
    "FINGERPRINT_VERSION",
    "ContentTerms",
    "FingerprintParts",
    "Fingerprints",
    "SkeletonTerms",
    "common_slots",
    "common_terms",
    "dense_signatures",
    "document_frequencies",
    "estimate_jaccard",
    "estimate_sizes",
    "fingerprint_parts",
    "fingerprint_texts",
    "signature",
    "signatures",
    "skeleton_frequencies",
    "skeleton_signatures",
    "skeleton_term_hashes",
    "slot_frequencies",
    "term_sets",
    "word_features",
    "words_of",
]

_EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Signatures of a batch of articles: one row per article, ``num_perm`` columns."""

    shingles: np.ndarray  # (n, num_perm) uint32
    skeleton: np.ndarray  # (n, num_perm) uint32
    sizes: np.ndarray  # (n,) int32: number of word shingles (0: no words)


# Characters stripped from the ends of whitespace-separated words (punctuation, quotes).
_STRIP = "".join(
    sorted(set(string.punctuation + "“”‘’«»„‚‹›–—―·•…¡¿「」『』（）【】、，。！？：；"))
)


def _stable_hash(item: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(item.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "little"
    )


_SEPARATOR = " \x00\x01newstrace\x01\x00 "
_SEPARATOR_ID = -2


def _is_entity(word: str) -> bool:
    """Skeleton words: capitalised (names, places, organisations), holding digits, or in
    a script without letter case (where capitals cannot tell names apart)."""
    first = word[0]
    if first.isupper() or any(c.isdigit() for c in word):
        return True
    return first.isalpha() and first.lower() == first.upper()


def _is_cased_entity(word: str) -> bool:
    """Skeleton words that can be common across a whole corpus (a weekday, a small
    number, the name of the beat's main actor) and so may be left out as too common; words
    of scripts without letter case are kept whole (there they are all the content)."""
    return word[0].isupper() or any(c.isdigit() for c in word)


class _Column:
    """A numpy copy of a list that only grows: the array grows by doubling and only the
    new items are copied in, so a check that brings a few new words does not copy the
    whole vocabulary (0.5 ms at 100,000 words)."""

    def __init__(self, dtype: type[np.generic]) -> None:
        self._array = np.zeros(0, dtype)
        self._filled = 0  # items already copied in

    def of(self, values: list[int] | list[bool]) -> np.ndarray:
        """The array of ``values`` (the list this column copies, grown since)."""
        n = len(values)
        if len(self._array) < n:
            grown = np.zeros(max(n, 2 * len(self._array), _COLUMN_START), self._array.dtype)
            grown[: self._filled] = self._array[: self._filled]
            self._array = grown
        if self._filled < n:
            self._array[self._filled : n] = values[self._filled : n]
            self._filled = n
        return self._array[:n]


_COLUMN_START = 1024
"""A vocabulary column's first size (it doubles from there)."""


class _Vocabulary:
    """Every distinct raw word seen, with its stable hash and its matching-term hash.

    A corpus reuses its words endlessly, so after warm-up a word costs one dictionary
    look-up; hashing, stripping and stemming happen once per distinct word. Ids index
    numpy tables, so the per-article work after the look-up is vectorised. Id 0 marks
    a token that is not a word (punctuation only).
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {_SEPARATOR.strip(): _SEPARATOR_ID}
        self._word: list[int] = [0]
        self._term: list[int] = [0]
        self._cased: list[bool] = [False]  # capitalised or numeric: may be corpus-common
        self._multi: dict[int, tuple[int, ...]] = {}  # id -> term hashes (no-space scripts)
        self._tables = (_Column(np.uint64), _Column(np.uint64), _Column(np.bool_))
        # Every word's matching term (not only skeleton words), for corpus frequencies.
        self._content: list[int] = [0]
        self._content_ids: dict[str, int] = {}
        self.content_terms: list[str] = [""]
        self._content_hashes: list[int] = [0]  # content id -> stable hash of its term
        self._content_table = _Column(np.int64)
        self._content_hash_table: np.ndarray | None = None

    def _learn(self, raw: str) -> int:
        word = raw.strip(_STRIP)
        new_id = len(self._word)
        if not word:
            self._ids[raw] = 0
            return 0
        folded = word.casefold()
        t: str | None = None
        no_space = word_has_no_space_script(word)
        if no_space:
            parts = [folded[i : i + 2] for i in range(max(1, len(folded) - 1))]
            self._multi[new_id] = tuple(_stable_hash("\x00" + p) for p in parts)
        content = None if no_space else term(folded)
        if content is not None and _is_entity(word):
            t = content
        self._content.append(self._content_id(content) if content is not None else 0)
        self._word.append(_stable_hash(folded))
        self._term.append(0 if t is None else _stable_hash("\x00" + t))
        self._cased.append(t is not None and _is_cased_entity(word))
        self._ids[raw] = new_id
        return new_id

    def _content_id(self, t: str) -> int:
        cid = self._content_ids.get(t)
        if cid is None:
            cid = self._content_ids[t] = len(self.content_terms)
            self.content_terms.append(t)
            self._content_hashes.append(_stable_hash("\x02" + t))
            self._content_hash_table = None
        return cid

    def content_hash_table(self) -> np.ndarray:
        """Per content id, the stable hash of its term (the same in every process)."""
        if self._content_hash_table is None:
            self._content_hash_table = np.array(self._content_hashes, dtype=np.int64)
        return self._content_hash_table

    def content_table(self) -> np.ndarray:
        """Per word id, its content id (0: none), grown like ``tables``."""
        return self._content_table.of(self._content)

    def ids(self, text: str) -> np.ndarray:
        """Word ids of a text split on whitespace (case and punctuation are resolved once
        per distinct raw token, in ``_learn``)."""
        raw = text.split()
        ids = np.fromiter(map(self._ids.get, raw, repeat(-1)), dtype=np.int64, count=len(raw))
        unknown = np.flatnonzero(ids == -1)
        for k in unknown.tolist():  # first sightings only: rare once a corpus warms up
            w = raw[k]
            i = self._ids.get(w)
            ids[k] = self._learn(w) if i is None else i
        return ids

    def tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per word id: word hash, skeleton term hash (0: none), may-be-common flag."""
        words, terms, cased = self._tables
        return words.of(self._word), terms.of(self._term), cased.of(self._cased)

    @property
    def has_multi(self) -> bool:
        return bool(self._multi)

    def multi_ids(self) -> np.ndarray:
        return np.fromiter(self._multi, dtype=np.int64, count=len(self._multi))

    def multi_terms(self, ids: np.ndarray) -> np.ndarray:
        """Character-bigram term hashes of the no-space-script words among ``ids``."""
        if not self._multi:
            return np.empty(0, dtype=np.uint64)
        found = [h for i in np.unique(ids).tolist() if i in self._multi for h in self._multi[i]]
        return np.array(found, dtype=np.uint64)


_VOCAB = _Vocabulary()
_VOCAB_WORDS_KEPT = 500_000
"""Distinct raw words the shared vocabulary holds before it starts afresh, at about 330
bytes a word (traced: 221,139 words, 73 MB, for the 9,372-document web corpus), so
about 165 MB. A server or a feed watch that runs for months would otherwise grow it
without end. A fresh vocabulary gives the same hashes (they are stable); it only learns
its words again."""


def _vocabulary() -> _Vocabulary:
    """The shared vocabulary, replaced by an empty one once it holds more than
    ``_VOCAB_WORDS_KEPT`` words. Word ids are only valid inside one call, so each public
    function takes the vocabulary once, here, and keeps it to the end of the call."""
    global _VOCAB
    if len(_VOCAB._word) > _VOCAB_WORDS_KEPT:
        _VOCAB = _Vocabulary()
    return _VOCAB


def term_sets(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The distinct content words (``text.term``) of a text, and those of them that are
    skeleton terms (what the skeleton signature hashes, common terms included: its
    capitalised words, words with digits, and in scripts without letter case all its
    content words), as the archive's terms table names them. Read from the vocabulary,
    which knows each word's terms once it has seen the word (an article's fingerprint
    has just shown it every word)."""
    vocab = _vocabulary()
    ids = vocab.ids(text)
    _, term_table, _ = vocab.tables()
    ids = ids[ids > 0]
    content = vocab.content_table()[ids]
    names = vocab.content_terms

    def named(found: np.ndarray) -> frozenset[str]:
        return frozenset(names[c] for c in np.unique(found).tolist() if c)

    return named(content), named(content[term_table[ids] != 0])


def words_of(text: str) -> list[str]:
    """Case-folded whitespace-separated words without surrounding punctuation (cheap:
    this runs on every article of a corpus)."""
    return [w for w in (x.strip(_STRIP) for x in text.casefold().split()) if w]


def document_frequencies(texts: Sequence[str]) -> dict[str, int]:
    """In how many of the texts each matching term occurs (corpus statistics for the
    term weights of the aligner; summed over batches, and over partitions on Spark)."""
    vocab = _vocabulary()
    table = None
    counts = np.zeros(0, dtype=np.int64)
    for text in texts:
        ids = vocab.ids(text)
        if table is None or len(table) < len(vocab._content):
            table = vocab.content_table()
        cids = np.unique(table[ids[ids > 0]])
        cids = cids[cids > 0]
        if len(cids) and cids[-1] >= len(counts):
            counts = np.concatenate([counts, np.zeros(cids[-1] + 1 - len(counts), np.int64)])
        counts[cids] += 1
    names = vocab.content_terms
    return {names[k]: int(c) for k in np.flatnonzero(counts).tolist() for c in (counts[k],)}


def word_features(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Stable hashes of a text's words (in order) and of its matching terms (a multiset:
    repeats do not change a MinHash)."""
    vocab = _vocabulary()
    ids = vocab.ids(text)
    word_table, term_table, _ = vocab.tables()
    ids = ids[ids != 0]
    terms = term_table[ids]
    terms = np.concatenate([terms[terms != 0], vocab.multi_terms(ids)])
    return word_table[ids], terms


def _mix(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64): spreads combined shingle values over all bits."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def shingle_hashes(words: np.ndarray, k: int = 3) -> np.ndarray:
    """Hashes of the word k-shingles (texts shorter than k give one shingle of all)."""
    if len(words) == 0:
        return np.empty(0, dtype=np.uint64)
    if len(words) < k:
        k = len(words)
    w = words
    acc = np.zeros(len(w) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * np.uint64(0x100000001B3) + w[j : len(w) - k + 1 + j]
    return acc  # ``signatures`` mixes every feature hash before use


def signature(features: np.ndarray, num_perm: int = 128) -> np.ndarray:
    """One-permutation MinHash signature of a set of 64-bit feature hashes."""
    sig: np.ndarray = signatures([features], num_perm)[0]
    return sig


def signatures(batches: Sequence[np.ndarray], num_perm: int = 128) -> np.ndarray:
    """Signatures of many feature sets at once: (len(batches), num_perm) uint32."""
    n = len(batches)
    lengths = np.fromiter((len(b) for b in batches), dtype=np.int64, count=n)
    features = np.concatenate(batches).astype(np.uint64) if n else np.empty(0, np.uint64)
    return _signatures(features, np.repeat(np.arange(n, dtype=np.int64), lengths), n, num_perm)


def _signatures(
    features: np.ndarray, rows: np.ndarray, n: int, num_perm: int, *, dense: bool = True
) -> np.ndarray:
    """Signatures from a flat array of 64-bit feature hashes and the row of each.

    The high bits of each (mixed) feature hash choose its bin, the low 32 bits are its
    value; per (row, bin) the minimum is kept with one ``np.minimum.at``. Empty bins
    borrow from donor bins (densification, ``_densify``); ``dense=False`` leaves them
    empty, for a corpus that first leaves out its common slot values (``dense_signatures``).
    """
    if num_perm < 1 or num_perm & (num_perm - 1):
        raise ValueError(f"num_perm must be a power of two, got {num_perm}")
    sig = np.full((n, num_perm), _EMPTY, dtype=np.uint32)
    if n == 0 or len(features) == 0:
        return sig
    h = _mix(features)
    bits = num_perm.bit_length() - 1
    bins = (h >> np.uint64(64 - bits)).astype(np.int64) if bits else np.zeros(len(h), np.int64)
    values = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    np.minimum.at(sig.reshape(-1), rows * num_perm + bins, values)
    if dense:
        _densify(sig, np.bincount(rows, minlength=n) > 0)
    return sig


def slot_frequencies(sig: np.ndarray, first_slot: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """In how many rows each (slot, value) of undensified signatures occurs, as (codes,
    counts) with code ``slot << 32 | value`` (``sig``'s column k is slot ``first_slot +
    k``; empty slots are not counted): summed over batches or partitions to find the
    common slot values (``common_slots``)."""
    codes = _slot_codes(sig, first_slot)[sig != _EMPTY]
    if not len(codes):
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    uniq, counts = np.unique(codes, return_counts=True)
    return uniq, counts.astype(np.int64)


def _slot_codes(sig: np.ndarray, first_slot: int = 0) -> np.ndarray:
    """Each value of ``sig`` as ``slot << 32 | value`` (column k is slot ``first_slot + k``)."""
    slots = np.arange(first_slot, first_slot + sig.shape[1], dtype=np.uint64)
    codes: np.ndarray = (slots[None, :] << np.uint64(32)) | sig.astype(np.uint64)
    return codes


def common_slots(codes: np.ndarray, counts: np.ndarray, limit: int) -> np.ndarray:
    """The sorted (slot, value) codes held by more than ``limit`` rows (0: none)."""
    if limit <= 0:
        return np.empty(0, np.uint64)
    return np.sort(codes[counts > limit]).astype(np.uint64)


def dense_signatures(raw: np.ndarray, common: np.ndarray | None = None) -> np.ndarray:
    """Undensified signatures with the ``common`` slot values (``common_slots``) left
    out, then densified. A row made of common values only keeps them all: it is a copy
    of text most of the corpus holds, which the band buckets' own limit already handles.
    """
    sig = raw.copy()
    filled = sig != _EMPTY
    if common is not None and len(common):
        drop = filled & np.isin(_slot_codes(sig), common)
        drop &= (filled & ~drop).any(axis=1)[:, None]
        sig[drop] = _EMPTY
    _densify(sig, filled.any(axis=1))
    return sig


_DONOR_ROUNDS = 16
"""Donors an empty bin tries before falling back to rotation (a set filling 30% of the
bins leaves 0.3% of its empty bins to the fallback)."""

FINGERPRINT_VERSION = "oph-donors16-skel44x2"
"""Changes whenever signatures change for the same text: archives record it and refuse
to mix keys computed differently."""


@lru_cache(maxsize=8)
def _donors(m: int) -> np.ndarray:
    """(m, rounds) donor bins: empty bin j tries bins ``_donors(m)[j, 0], [j, 1], ...``.

    Fixed (seeded) for every article and process, so two articles with the same filled
    bins borrow alike; independent per bin, so sparse sets do not copy one value across
    neighbouring slots (what rotation densification does, making whole bands collide).
    """
    rng = np.random.default_rng(0x5EED + m)
    return rng.integers(0, m, size=(m, _DONOR_ROUNDS), dtype=np.int64)


def _densify(sig: np.ndarray, filled_rows: np.ndarray) -> None:
    """Fill empty bins from random donor bins ("optimal densification", Shrivastava
    2017), in place; bins still empty after every round take the next filled bin."""
    empty = sig == _EMPTY
    if not empty[filled_rows].any():
        return
    n, m = sig.shape
    out = sig.copy()
    rows_i, bins_i = np.nonzero(empty & filled_rows[:, None])
    donors = _donors(m)[bins_i]  # (k, rounds): the donor bins each empty bin tries
    ok = ~empty[rows_i[:, None], donors]
    first = ok.argmax(axis=1)
    found = ok[np.arange(len(first)), first]
    out[rows_i[found], bins_i[found]] = sig[rows_i[found], donors[found, first[found]]]
    todo = np.zeros_like(empty)
    todo[rows_i[~found], bins_i[~found]] = True
    rows = np.arange(n)[:, None]
    if todo.any():  # a set of one or two elements: rotate from the next filled bin
        cols = np.arange(m)
        big = 2 * m
        twice = np.concatenate([np.where(empty, big, cols), np.where(empty, big, cols + m)], axis=1)
        nxt = np.minimum.accumulate(twice[:, ::-1], axis=1)[:, ::-1][:, :m] % m
        out[todo] = sig[rows, nxt][todo]
    out[~filled_rows] = _EMPTY
    sig[:] = out


@dataclass(frozen=True, slots=True)
class SkeletonTerms:
    """The skeleton term hashes of a batch of articles, each once per article, before any
    are left out as corpus-common (that needs the frequencies of the whole corpus)."""

    hashes: np.ndarray  # (k,) uint64
    rows: np.ndarray  # (k,) int64: the article (row of the batch) of each hash
    cased: np.ndarray  # (k,) bool: from a capitalised or numeric word (may be common)
    n: int  # articles in the batch


@dataclass(frozen=True, slots=True)
class ContentTerms:
    """The distinct content words (``text.term``: stems of the words that are not
    function words) of a batch of articles, as stable hashes, each once per article:
    what the short-copy candidates (``corpus.short_copies``) count."""

    hashes: np.ndarray  # (k,) int64: 32-bit stable hashes, sorted within each article
    rows: np.ndarray  # (k,) int64: the article (row of the batch) of each hash, ascending
    n: int  # articles in the batch


@dataclass(frozen=True, slots=True)
class FingerprintParts:
    """A batch's shingle signatures and its skeleton terms (signatures come later)."""

    shingles: np.ndarray  # (n, num_perm) uint32
    sizes: np.ndarray  # (n,) int32
    skeleton: SkeletonTerms
    frequencies: dict[str, int]  # what ``document_frequencies`` gives for the batch
    content: ContentTerms  # empty unless asked for (``fingerprint_parts(content=True)``)
    dense: bool = True
    """Whether ``shingles`` are densified; a corpus's parts are not, until its common
    slot values are known (``dense_signatures``)."""


def fingerprint_parts(
    texts: Sequence[str],
    *,
    num_perm: int = 128,
    shingle_size: int = 3,
    skeleton: bool = True,
    frequencies: bool = True,
    content: bool = False,
    dense: bool = True,
) -> FingerprintParts:
    """Shingle signatures, skeleton terms and term frequencies of a batch of body texts
    (``skeleton=False`` / ``frequencies=False`` leave those empty, saving their work),
    and with ``content`` each article's distinct content-word hashes; ``dense=False``
    leaves the shingle signatures undensified (``FingerprintParts.dense``).

    The whole batch is one flat array of word ids, so hashing, shingling and MinHash are
    a fixed number of numpy operations per batch, not per article.
    """
    n = len(texts)
    # One casefold/split/look-up pass over the whole batch; a separator token (id 0,
    # never a word) marks where each article ends.
    vocab = _vocabulary()
    all_ids = vocab.ids(_SEPARATOR.join(texts)) if n else np.empty(0, np.int64)
    word_table, term_table, cased_table = vocab.tables()
    ends = np.flatnonzero(all_ids == _SEPARATOR_ID)
    lengths = np.diff(np.concatenate([[-1], ends, [len(all_ids)]])) - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    all_ids = all_ids[all_ids != _SEPARATOR_ID]
    keep = all_ids != 0
    ids, rows = all_ids[keep], rows[keep]
    counts = np.bincount(rows, minlength=n)

    # Word shingles that do not cross an article boundary; shorter articles: one shingle.
    words = word_table[ids]
    k = shingle_size
    starts = np.arange(max(0, len(ids) - k + 1))
    sh = shingle_hashes(words, k) if len(ids) >= k else np.empty(0, np.uint64)
    inside = rows[starts] == rows[starts + k - 1]
    sh_feat, sh_rows = sh[inside], rows[starts[inside]]
    short = np.flatnonzero((counts > 0) & (counts < k))
    if len(short):
        offsets = np.concatenate([[0], np.cumsum(counts)])
        extra = [shingle_hashes(words[offsets[r] : offsets[r + 1]], k) for r in short]
        sh_feat = np.concatenate([sh_feat, *extra])
        sh_rows = np.concatenate([sh_rows, np.repeat(short, [len(e) for e in extra])])

    sizes = np.bincount(sh_rows, minlength=n).astype(np.int32)
    empty = np.empty(0, dtype=np.uint64)
    terms = (
        _skeleton_terms(vocab, ids, rows, term_table, cased_table, n)
        if skeleton
        else SkeletonTerms(empty, np.empty(0, np.int64), np.empty(0, bool), n)
    )
    return FingerprintParts(
        _signatures(sh_feat, sh_rows, n, num_perm, dense=dense),
        sizes,
        terms,
        _batch_frequencies(vocab, ids, rows) if frequencies else {},
        _content_terms(vocab, ids, rows, n)
        if content
        else ContentTerms(np.empty(0, np.int64), np.empty(0, np.int64), n),
        dense,
    )


def _content_terms(vocab: _Vocabulary, ids: np.ndarray, rows: np.ndarray, n: int) -> ContentTerms:
    """Each article's distinct content-word hashes, from the word ids already looked up
    (one sort of (article, hash) codes: a hash is 32 bits, so a code is one int64)."""
    cids = vocab.content_table()[ids]
    ok = cids > 0
    codes = sorted_distinct((rows[ok] << 32) | vocab.content_hash_table()[cids[ok]], in_place=True)
    return ContentTerms(codes & 0xFFFFFFFF, codes >> 32, n)


def _batch_frequencies(vocab: _Vocabulary, ids: np.ndarray, rows: np.ndarray) -> dict[str, int]:
    """In how many articles of the batch each matching term occurs, from the word ids
    already looked up (``document_frequencies`` without a second pass over the words)."""
    table = vocab.content_table()
    cids = table[ids]
    ok = cids > 0
    size = np.int64(len(table))
    pairs = sorted_distinct(rows[ok] * size + cids[ok], in_place=True)  # each (article, term) once
    counts = np.bincount(pairs % size, minlength=len(table))
    names = vocab.content_terms
    return {names[k]: int(counts[k]) for k in np.flatnonzero(counts).tolist()}


def _skeleton_terms(
    vocab: _Vocabulary,
    ids: np.ndarray,
    rows: np.ndarray,
    term_table: np.ndarray,
    cased_table: np.ndarray,
    n: int,
) -> SkeletonTerms:
    """Skeleton term hashes of a batch, once per article; words of scripts without
    spaces add their character bigrams (only those words are visited one by one)."""
    terms = term_table[ids]
    has_term = terms != 0
    t_feat, t_rows, t_cased = terms[has_term], rows[has_term], cased_table[ids][has_term]
    if vocab.has_multi:
        multi = np.flatnonzero(np.isin(ids, vocab.multi_ids()))
        if len(multi):
            parts = [vocab.multi_terms(ids[k : k + 1]) for k in multi.tolist()]
            sizes = [len(x) for x in parts]
            t_feat = np.concatenate([t_feat, *parts])
            t_rows = np.concatenate([t_rows, np.repeat(rows[multi], sizes)])
            t_cased = np.concatenate([t_cased, np.zeros(sum(sizes), dtype=bool)])
    order = np.lexsort((t_feat, t_rows))
    t_feat, t_rows, t_cased = t_feat[order], t_rows[order], t_cased[order]
    if len(t_feat):
        first = np.concatenate([[True], (t_feat[1:] != t_feat[:-1]) | (t_rows[1:] != t_rows[:-1])])
        t_feat, t_rows, t_cased = t_feat[first], t_rows[first], t_cased[first]
    return SkeletonTerms(t_feat, t_rows, t_cased, n)


def skeleton_frequencies(terms: SkeletonTerms) -> tuple[np.ndarray, np.ndarray]:
    """In how many articles of the batch each may-be-common skeleton term occurs:
    (hashes, counts), summed over batches (and partitions) to find the common ones."""
    return np.unique(terms.hashes[terms.cased], return_counts=True)


def common_terms(
    hashes: np.ndarray, counts: np.ndarray, documents: int, *, share: float, floor: int
) -> np.ndarray:
    """The sorted skeleton term hashes found in more than ``max(floor, share * documents)``
    articles: a beat's weekdays, small numbers and main actors, which make unrelated
    stories of one beat look alike in the skeleton channel."""
    limit = max(floor, share * documents)
    return np.sort(hashes[counts > limit]).astype(np.uint64)


def skeleton_term_hashes(terms: Iterable[str]) -> np.ndarray:
    """The sorted skeleton term hashes of matching terms (``text.term``), as
    ``fingerprint_parts`` hashes them: the archive, which counts the document frequency
    of every matching term, names its common skeleton terms with it."""
    hashes = {_stable_hash("\x00" + t) for t in terms}
    return np.array(sorted(hashes), dtype=np.uint64)


def skeleton_signatures(
    terms: SkeletonTerms, num_perm: int = 128, common: np.ndarray | None = None
) -> np.ndarray:
    """(n, num_perm) skeleton signatures, leaving out the ``common`` term hashes (sorted)
    of capitalised or numeric words."""
    feat, rows = terms.hashes, terms.rows
    if common is not None and len(common):
        drop = terms.cased & np.isin(feat, common, assume_unique=False)
        feat, rows = feat[~drop], rows[~drop]
    return _signatures(feat, rows, terms.n, num_perm)


def fingerprint_texts(
    texts: Sequence[str],
    *,
    num_perm: int = 128,
    shingle_size: int = 3,
    skeleton: bool = True,
    common: np.ndarray | None = None,
) -> Fingerprints:
    """Both signature channels for a batch of body texts (headline and boilerplate are
    best removed by the caller: shared site furniture is not reuse). ``common`` skeleton
    terms (see ``common_terms``) are left out of the skeleton channel; ``skeleton=False``
    leaves the skeleton signatures empty (for measuring the shingle channel alone)."""
    parts = fingerprint_parts(
        texts, num_perm=num_perm, shingle_size=shingle_size, skeleton=skeleton, frequencies=False
    )
    n = len(texts)
    if not skeleton:
        return Fingerprints(parts.shingles, np.full((n, num_perm), _EMPTY, np.uint32), parts.sizes)
    return Fingerprints(
        parts.shingles, skeleton_signatures(parts.skeleton, num_perm, common), parts.sizes
    )


def estimate_jaccard(x: np.ndarray, y: np.ndarray) -> float:
    """Share of equal slots: the Jaccard estimate of two signatures."""
    return float(np.mean(x == y))


@dataclass(frozen=True, slots=True)
class SetSizes:
    """``estimate_sizes`` of every row of a ``Fingerprints``, in both channels."""

    shingles: np.ndarray  # (n,) float
    skeleton: np.ndarray  # (n,) float


def set_sizes(fp: Fingerprints, pairs: np.ndarray | None = None) -> SetSizes:
    """The estimated set sizes of every article of ``fp``, or, given ``pairs`` (rows of
    ``fp``), of the articles they name (the others read 0). A scan makes every article's
    once for its whole candidate pass: the screen and the pre-verdict read them for each
    chunk of bucket pairs, and estimating each chunk's articles again took 3 of the 8 s
    of the candidate stage at 30,000 generated articles (1,717 chunks). An estimate reads
    one row only, so it is the same made for all rows or for some."""
    if pairs is None:
        return SetSizes(estimate_sizes(fp.shingles), estimate_sizes(fp.skeleton))
    rows = np.unique(pairs)
    out = SetSizes(np.zeros(len(fp.shingles)), np.zeros(len(fp.skeleton)))
    out.shingles[rows] = estimate_sizes(fp.shingles[rows])
    out.skeleton[rows] = estimate_sizes(fp.skeleton[rows])
    return out


def estimate_sizes(sig: np.ndarray) -> np.ndarray:
    """(n,) float: the number of distinct features each signature row was built from.

    Densification copies values, so a row holds as many distinct values as its set filled
    bins; for sets that fill most bins (more than about twice ``num_perm`` features)
    each bin's minimum, uniform over ``[0, 2**32)``, shrinks like ``1 / (size / m + 1)``.
    The estimate (within about 10% from a few features to thousands) lets the candidate
    screen judge containment from the stored signatures alone, with no set sizes kept
    beside them.
    """
    n, m = sig.shape
    if n == 0 or m < 2:
        return np.asarray(~(sig == _EMPTY).all(axis=1), dtype=np.float64)
    ordered = np.sort(sig, axis=1)
    filled = 1 + np.count_nonzero(ordered[:, 1:] != ordered[:, :-1], axis=1)
    linear = np.log1p(-np.minimum(filled, m - 0.5) / m) / np.log1p(-1.0 / m)
    mins = sig.astype(np.float64).sum(axis=1) / 2.0**32
    by_minimum = m * m / np.maximum(mins, 1e-12) - m
    sizes: np.ndarray = np.where(filled < 0.9 * m, linear, np.maximum(linear, by_minimum))
    sizes[(sig == _EMPTY).all(axis=1)] = 0.0
    return sizes
