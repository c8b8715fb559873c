"""Containment evidence: how much of one article's wording is found in the other.

Newsroom copy is shorter than its source (an agency story's takes run 2-6 times the
length of the article made from them), so similarity that divides by the union of both
texts (Jaccard) understates reuse. Every measure here is the share of the *copy* found
in the *source*, at several grains: word n-grams (n = 1-5, the measures of the METER and
COUNTER studies), content-word n-grams, phrase tiles (copy words inside a shared run
of k words, which sees fragments merged from several source sentences) and the share of
the copy inside quotation marks: reporters who do their own reporting quote more (copy
words in quotes, METER-dev: wholly derived 4%, partially 7%, not derived 10%) and two
reporters of one event quote the same speaker word for word, so quoted words are also
left out of the passage words that show a passage was taken. Character n-grams of the
words written together, spaces left out (n = 4, 6, 8), see a word spelled with a space
more or less (Urdu news joins two words or splits one, even moves a word's first letter
to the word before it) and the same stem with another ending. Read with spaces, as a
first version did, they moved no corpus's F1 beyond its noise; without them the model
for scripts without letter case gains on COUNTER-half about 0.016 macro and derived F1
(bench/eval_relation.py), while METER-dev's English moved less than its noise, so the
cased model does not read them (and ``containment`` makes them only when asked).

The verdict names the copy when the source stage decided the direction; otherwise the
shorter body is taken as the copy, so that compare(a, b) and compare(b, a) measure the
same thing either way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import in_sorted, sorted_distinct
from .model import SideName
from .side import Side
from .text import has_no_space_script, term, word_units

__all__ = [
    "CHARACTER_FEATURES",
    "CONTAINMENT_FEATURES",
    "Containment",
    "PairRuns",
    "containment",
    "shorter_side",
]

WORD_NGRAMS = (1, 2, 3, 4, 5)
CONTENT_NGRAMS = (1, 2, 3)
REVERSE_NGRAMS = (1, 3)
CHAR_NGRAMS = (4, 6, 8)
"""Character n-grams: shorter than most words (4: stems, spellings), about a word (6),
across a word boundary (8)."""
TILE_LENGTHS = (3, 6)
"""Shortest shared word runs that count as a tile: 3 sees merged fragments, 6 copying."""

CHARACTER_FEATURES: tuple[str, ...] = tuple(f"char{n}" for n in CHAR_NGRAMS)
"""The character n-gram measures' names: a model reads them or not as a whole."""
CONTAINMENT_FEATURES: tuple[str, ...] = (
    *(f"word{n}" for n in WORD_NGRAMS),
    *(f"content{n}" for n in CONTENT_NGRAMS),
    *CHARACTER_FEATURES,
    *(f"reverse_word{n}" for n in REVERSE_NGRAMS),
    *(f"tile{k}" for k in TILE_LENGTHS),
    "length_ratio",
    "copy_length",
    "quoted",
)
"""Names of ``Containment.features``, in order (the relation model's inputs)."""


PASSAGE_RUN = 10
"""Words in a shared run that no two independent writers produce by chance: the runs
that ``Containment.passage_words`` counts."""


@dataclass(frozen=True, slots=True)
class Containment:
    """Containment of the copy (the shorter body) in the source, and which side is which."""

    copy: SideName
    features: tuple[float, ...]
    passage_words: int
    """Words of the copy, outside quotation marks, inside runs of ``PASSAGE_RUN`` words
    that the source also has: a passage taken word for word, however long the two
    documents around it are (a quote both carry is the speaker's words, not a taken
    passage)."""

    def get(self, name: str) -> float:
        return self.features[CONTAINMENT_FEATURES.index(name)]


def containment(
    a: Side,
    b: Side,
    copy_side: SideName | None = None,
    characters: bool = True,
    runs: PairRuns | None = None,
) -> Containment:
    """The containment measures of the copy in the source: ``copy_side`` names it ("a"
    or "b") when the direction is known, else the shorter body is taken as the copy.
    Without ``characters`` the character n-gram measures are not made and read 0.
    ``runs``: the runs ``a`` and ``b`` share, when both directions are measured."""
    copy_is_a = (shorter_side(a, b) if copy_side is None else copy_side) == "a"
    copy, source = (a, b) if copy_is_a else (b, a)
    shared = (runs if runs is not None else PairRuns(a, b)).shared(copy_is_a)
    length = _length(copy)
    features = [
        *(shared.share("word", n) for n in WORD_NGRAMS),
        *(shared.share("content", n) for n in CONTENT_NGRAMS),
        *(_char_share(copy, source, n) if characters else 0.0 for n in CHAR_NGRAMS),
        *(shared.reverse_share("word", n) for n in REVERSE_NGRAMS),
        *(int(shared.tiles(k, length).sum()) / max(1, length) for k in TILE_LENGTHS),
        math.log((1 + _length(source)) / (1 + length)),
        math.log1p(length),
        float(_quoted(copy).mean()) if length else 0.0,
    ]
    # Quoted words are left out of the passage: two reporters quote the same speaker.
    taken = shared.tiles(PASSAGE_RUN, length) & ~_quoted(copy)
    return Containment("a" if copy_is_a else "b", tuple(features), int(taken.sum()))


def shorter_side(a: Side, b: Side) -> SideName:
    """The side ``containment`` reads as the copy when none is named: the one with fewer
    words. Ties are broken by the texts themselves, never by argument order, so that
    compare(a, b) and compare(b, a) read the same side as the copy."""
    return "a" if (_length(a), len(a.text), a.text) <= (_length(b), len(b.text), b.text) else "b"


def _quoted(side: Side) -> npt.NDArray[np.bool_]:
    """Which of the side's words (``_words``) lie inside quotation marks."""

    def make() -> npt.NDArray[np.bool_]:
        inside = _quoted_tokens(side)
        owner = _words(side)[1]
        return inside if owner is None else inside[owner]

    return side.cached("containment-quoted", make)


def _quoted_tokens(side: Side) -> npt.NDArray[np.bool_]:
    """Which of the side's tokens lie inside quotation marks."""

    def make() -> npt.NDArray[np.bool_]:
        inside = np.zeros(len(side.forms), dtype=bool)
        for f in side.quotes:
            inside[side.token_index(f.span.start) : side.token_index(f.span.end)] = True
        return inside

    return side.cached("quoted-tokens", make)


def quoted_sentences(side: Side) -> frozenset[int]:
    """The side's sentences with at least half of their tokens inside quotation marks:
    what two reporters of one event may share without either taking the other's text
    (they quote the same speaker, often several sentences of one statement in order)."""

    def make() -> frozenset[int]:
        inside = _quoted_tokens(side)
        found = set()
        for k, span in enumerate(side.spans):
            lo, hi = side.token_range(span.start, span.end)
            if hi > lo and 2 * int(inside[lo:hi].sum()) >= hi - lo:
                found.add(k)
        return frozenset(found)

    return side.cached("quoted-sentences", make)


def _words(side: Side) -> tuple[Sequence[str], npt.NDArray[np.intp] | None]:
    """The side's words as containment counts them (``text.word_units``: a clause of a
    script written without spaces counts as its character bigrams, so that a Chinese
    rewrite shares words with its source, not only identical clauses), and the token
    each comes from (None: one word per token, as in every spaced script)."""

    def make() -> tuple[Sequence[str], npt.NDArray[np.intp] | None]:
        forms = side.forms
        if not has_no_space_script(side.text):  # every spaced script: one word per token
            return forms, None
        units = [word_units(f) for f in forms]
        words = [w for u in units for w in u]
        if len(words) == len(forms):  # no run longer than two characters: the same words
            return forms, None
        owner = np.repeat(np.arange(len(forms)), [len(u) for u in units])
        return words, owner

    return side.cached("containment-words", make)


def _length(side: Side) -> int:
    """The number of the side's words (``_words``)."""
    return len(_words(side)[0])


# N-grams are compared as 64-bit rolling hashes of word ids (Python's string hash) or
# code points, vectorised with numpy: one pair's sets of n-grams would otherwise cost
# more than the rest of the compare.
_MIX = np.uint64(0x9E3779B97F4A7C15)
_POWERS = {k: np.uint64(pow(int(_MIX), k, 1 << 64)) for k in range(1, PASSAGE_RUN + 1)}
"""``MIX**k`` mod 2**64."""


def _plan(lengths: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """How to hash runs of every length in ``lengths`` from single units: steps
    ``(n, m)``, in order, each making runs of ``n`` from runs of ``m`` and of ``n - m``
    made before it. Halving ``n`` until it reaches 1 gives the lengths needed."""
    needed: set[int] = set()
    todo = [n for n in lengths if n > 1]
    while todo:
        n = todo.pop()
        if n not in needed:
            needed.add(n)
            todo += [k for k in (n // 2, n - n // 2) if k > 1]
    made, steps = {1}, []
    for n in sorted(needed):
        m = max(k for k in made if n - k in made)
        steps.append((n, m))
        made.add(n)
    return tuple(steps)


_PLANS: dict[str, tuple[tuple[int, int], ...]] = {
    "word": _plan((*WORD_NGRAMS, *TILE_LENGTHS, PASSAGE_RUN)),
    "content": _plan(CONTENT_NGRAMS),
    "char": _plan(CHAR_NGRAMS),
}
"""Every run length ``containment`` reads, per unit, and how each is made."""


_TEXT_ORDER_RUNS = (*TILE_LENGTHS, PASSAGE_RUN)
"""Run lengths read in text order (the copy's tiles and passages); every other length is
read only as a set, and its runs are let go once the set is made."""
_SET_KINDS: tuple[tuple[str, int], ...] = (
    *(("word", n) for n in sorted({*WORD_NGRAMS, *TILE_LENGTHS, PASSAGE_RUN})),
    *(("content", n) for n in CONTENT_NGRAMS),
)
"""The runs read as sets, per unit and length; a kind's place here is its tag."""
_TAG_BITS = 4
"""Top bits of a word run's key that name its kind (``_SET_KINDS``: ten kinds); the run
hash keeps its other 60 bits, so two distinct runs of an article share a key about once
in 2**60 pairs, as often as two texts' 64-bit hashes meet by chance, for every
practical purpose never."""
_TAG_SHIFT = np.uint64(64 - _TAG_BITS)
assert len(_SET_KINDS) <= 1 << _TAG_BITS
_HIGH = np.uint64(32)
"""Shift that keeps a character n-gram hash's high 32 bits (the best mixed)."""


_Hashes = npt.NDArray[np.uint64] | npt.NDArray[np.uint32]
"""Sorted distinct n-gram hashes: 64 bits for words (as ``_Grams`` keys: a kind's tag
and 60 bits of the run hash), the high 32 for characters. An
article has a few thousand character n-grams: sorting half the bytes takes about half
the time (90 -> 52 us for its three sets), and a chance match between two articles' sets
is about one in a million per n-gram."""


@dataclass(frozen=True, slots=True)
class _Grams:
    """What containment keeps of one side: the distinct runs of every kind it reads
    (``_SET_KINDS``) as one sorted array of tagged hashes (the kind's tag in the top
    bits, the run hash's high bits below it), so that a pair's shared runs of every kind
    are found with one search (a search per kind cost twice as much, most of it in
    numpy calls); the number of distinct runs of each kind; and the runs of each
    text-order length (``_TEXT_ORDER_RUNS``) in text order, tagged alike."""

    keys: npt.NDArray[np.uint64]
    tags: npt.NDArray[np.uint8]
    sizes: tuple[int, ...]
    runs: dict[int, npt.NDArray[np.uint64]]


_TAGS = {kind: tag for tag, kind in enumerate(_SET_KINDS)}


def _kind(unit: str, n: int) -> int:
    return _TAGS[(unit, n)]


def _tagged(
    hashes: npt.NDArray[np.uint64], tags: int | npt.NDArray[np.uint8]
) -> npt.NDArray[np.uint64]:
    """Run hashes as keys of their kinds (``tags``: one for all, or one each)."""
    kinds = np.asarray(tags).astype(np.uint64)
    out: npt.NDArray[np.uint64] = (hashes >> np.uint64(_TAG_BITS)) | (kinds << _TAG_SHIFT)
    return out


def _grams(side: Side) -> _Grams:
    """The side's word and content-word run hashes, made once and kept with the side
    (a scan compares one article with many). Content words are the words the aligner
    matches (``text.term`` is not None): not the function words of the helper lists,
    nor the one- and two-letter words of scripts other than Latin (the commonest
    postpositions of Urdu, which no list has to name)."""

    def make() -> _Grams:
        forms = _words(side)[0]
        ids = np.fromiter(map(hash, forms), dtype=np.int64, count=len(forms)).view(np.uint64)
        stop = np.fromiter((term(f) is None for f in forms), dtype=bool, count=len(forms))
        runs = {
            "word": _run_hashes(ids, _PLANS["word"]),
            "content": _run_hashes(ids[~stop], _PLANS["content"]),
        }
        # Each kind's runs made distinct apart (ten short sorts cost less than one long
        # one), then tagged: in tag order the kinds' keys are sorted as a whole.
        sets = [sorted_distinct(runs[unit][n]) for unit, n in _SET_KINDS]
        counts = [len(x) for x in sets]
        tags = np.repeat(np.arange(len(_SET_KINDS), dtype=np.uint8), counts)
        keys = _tagged(np.concatenate(sets), tags)
        text_order = {k: _tagged(runs["word"][k], _kind("word", k)) for k in _TEXT_ORDER_RUNS}
        return _Grams(keys, tags, tuple(counts), text_order)

    return side.cached("containment-grams", make)


class PairRuns:
    """The runs two sides share, found once for both directions: the runs a copy
    shares with its source are the runs the source shares with it, so reading the pair
    the other way round needs no second search (``verdict`` reads both directions of
    most candidate pairs)."""

    __slots__ = ("_a", "_ab", "_b")

    def __init__(self, a: Side, b: Side):
        self._a, self._b = a, b
        self._ab: _SharedRuns | None = None

    def shared(self, copy_is_a: bool) -> _SharedRuns:
        """The shared runs read with ``a`` (else ``b``) as the copy."""
        if self._ab is None:
            self._ab = _SharedRuns(_grams(self._a), _grams(self._b))
        return self._ab if copy_is_a else self._ab.reversed()


class _SharedRuns:
    """The runs of each kind that a copy shares with a source: one search of the copy's
    keys among the source's."""

    __slots__ = ("_copy", "_found", "_keys", "_shared", "_source", "_starts")

    def __init__(self, copy: _Grams, source: _Grams, known: _SharedRuns | None = None) -> None:
        """``known``: the same pair read the other way round, whose shared runs these are
        (no second search)."""
        self._copy, self._source = copy, source
        self._keys: npt.NDArray[np.uint64] | None = None  # the shared ones, on first need
        self._starts: list[int] = []
        if known is None:
            self._found = in_sorted(copy.keys, source.keys)
            self._shared = np.bincount(copy.tags[self._found], minlength=len(_SET_KINDS)).tolist()
        else:
            # The shared keys are the same read from either side, so they are given
            # here and ``_found`` (a mask over the other side's keys) is never read.
            self._found, self._shared = known._found, known._shared
            self._keys, self._starts = known._shared_keys(), known._starts

    def reversed(self) -> _SharedRuns:
        """The same shared runs read with the source as the copy."""
        return _SharedRuns(self._source, self._copy, self)

    def _shared_keys(self) -> npt.NDArray[np.uint64]:
        """The shared keys, sorted (the same whichever side they are read from), and
        where each kind's begin among them."""
        if self._keys is None:
            self._keys = self._copy.keys[self._found]
            self._starts = np.cumsum([0, *self._shared]).tolist()
        return self._keys

    def share(self, unit: str, n: int) -> float:
        """Share of the copy's distinct runs of ``n`` units found in the source."""
        k = _kind(unit, n)
        size = self._copy.sizes[k]
        return self._shared[k] / size if size else 0.0

    def reverse_share(self, unit: str, n: int) -> float:
        """Share of the source's distinct runs of ``n`` units found in the copy."""
        k = _kind(unit, n)
        size = self._source.sizes[k]
        return self._shared[k] / size if size else 0.0

    def tiles(self, k: int, length: int) -> npt.NDArray[np.bool_]:
        """Which of the copy's ``length`` words lie inside a run of ``k`` words the
        source also has: its runs of ``k`` words looked up among the shared ones (few,
        unless the copy is reused)."""
        tag = _kind("word", k)
        runs = self._copy.runs[k]
        if not len(runs) or not self._shared[tag]:
            return np.zeros(length, dtype=bool)
        keys = self._shared_keys()
        shared = keys[self._starts[tag] : self._starts[tag + 1]]
        kept = in_sorted(runs, shared).astype(np.int8)
        tiled: npt.NDArray[np.bool_] = np.convolve(kept, np.ones(k, dtype=np.int8))[:length] > 0
        return tiled


def _char_share(copy: Side, source: Side, n: int) -> float:
    """Share of the copy's distinct character n-grams found in the source."""
    return _share(_char_grams(copy)[n], _char_grams(source)[n])


def _char_grams(side: Side) -> dict[int, npt.NDArray[np.uint32]]:
    """The side's character n-grams (``CHAR_NGRAMS``) of its words written one after
    another, no space between, as sorted distinct hashes; made on first need and kept."""

    def make() -> dict[int, npt.NDArray[np.uint32]]:
        joined = "".join(side.forms).encode("utf-32-le")
        points = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64)
        runs = _run_hashes(points, _PLANS["char"])
        return {
            n: sorted_distinct((runs[n] >> _HIGH).astype(np.uint32), in_place=True)
            for n in CHAR_NGRAMS
        }

    return side.cached("containment-chars", make)


def _run_hashes(
    ids: npt.NDArray[np.uint64], plan: tuple[tuple[int, int], ...]
) -> dict[int, npt.NDArray[np.uint64]]:
    """Horner hashes ``h_n[i] = sum(ids[i + k] * MIX**(n - 1 - k))`` (mod 2**64) of the
    runs of each length, every one built from two shorter ones (``_plan``): ``h_n[i] =
    h_m[i] * MIX**(n - m) + h_(n-m)[i + m]``. The values are those of the unit-by-unit
    loop; a run of 10 costs two array operations instead of nine."""
    out = {1: ids}
    with np.errstate(over="ignore"):  # entered once: it costs more than a step
        for n, m in plan:
            size = len(ids) - n + 1
            if size <= 0:
                out[n] = np.empty(0, dtype=np.uint64)
                continue
            out[n] = out[m][:size] * _POWERS[n - m] + out[n - m][m : m + size]
    return out


def _share(x: _Hashes, y: _Hashes) -> float:
    """Share of the distinct n-grams ``x`` found among ``y`` (both sorted, distinct)."""
    if not len(x):
        return 0.0
    return np.count_nonzero(in_sorted(x, y)) / len(x)
