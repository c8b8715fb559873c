"""Containment evidence: how much of one article's wording is found in the other.

Newsroom copy is shorter than its source (an agency story's takes run 2-6 times the
length of the article made from them), so similarity that divides by the union of both
texts (Jaccard) understates reuse. Every measure here is the share of the *copy* found
in the *source*, at several grains: word n-grams (n = 1-5, the measures of the METER and
COUNTER studies), content-word n-grams, phrase tiles (copy words inside a shared run of
k words, which sees fragments merged from several source sentences) and character
n-grams (spelling and inflection changes in scripts without a stemmer).

Which side is the copy is not known when the verdict is asked; the shorter body is taken
as the copy, so that compare(a, b) and compare(b, a) measure the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .side import Side
from .text import STOPWORDS

__all__ = ["CONTAINMENT_FEATURES", "Containment", "containment"]

WORD_NGRAMS = (1, 2, 3, 4, 5)
CONTENT_NGRAMS = (1, 2, 3)
REVERSE_NGRAMS = (1, 3)
TILE_LENGTHS = (3, 6)
"""Shortest shared word runs that count as a tile: 3 sees merged fragments, 6 copying."""
CHAR_NGRAMS = (4, 6, 8)

CONTAINMENT_FEATURES: tuple[str, ...] = (
    *(f"word{n}" for n in WORD_NGRAMS),
    *(f"content{n}" for n in CONTENT_NGRAMS),
    *(f"reverse_word{n}" for n in REVERSE_NGRAMS),
    *(f"tile{k}" for k in TILE_LENGTHS),
    "length_ratio",
    *(f"char{n}" for n in CHAR_NGRAMS),
)
"""Names of ``Containment.features``, in order (the relation model's inputs)."""


@dataclass(frozen=True, slots=True)
class Containment:
    """Containment of the copy (the shorter body) in the source, and which side is which."""

    copy: str  # "a" or "b"
    features: tuple[float, ...]

    def get(self, name: str) -> float:
        return self.features[CONTAINMENT_FEATURES.index(name)]


def containment(a: Side, b: Side) -> Containment:
    """The containment measures of the shorter body in the longer one."""
    copy_is_a = len(a.tokens) <= len(b.tokens)
    copy, source = (a, b) if copy_is_a else (b, a)
    features = [
        *(_share(_word_ngrams(copy, n), _word_ngrams(source, n)) for n in WORD_NGRAMS),
        *(_share(_content_ngrams(copy, n), _content_ngrams(source, n)) for n in CONTENT_NGRAMS),
        *(_share(_word_ngrams(source, n), _word_ngrams(copy, n)) for n in REVERSE_NGRAMS),
        *(_tiled(_forms(copy), _word_ngrams(source, k), k) for k in TILE_LENGTHS),
        math.log((1 + len(source.tokens)) / (1 + len(copy.tokens))),
        *(_share(_char_ngrams(copy, n), _char_ngrams(source, n)) for n in CHAR_NGRAMS),
    ]
    return Containment("a" if copy_is_a else "b", tuple(features))


def _share(x: frozenset[object], y: frozenset[object]) -> float:
    return len(x & y) / len(x) if x else 0.0


def _forms(side: Side) -> list[str]:
    return side.cached("forms", lambda: [t.form for t in side.tokens])  # type: ignore[no-any-return]


def _grams(forms: Sequence[str], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(zip(*(forms[i:] for i in range(n)), strict=False))


def _word_ngrams(side: Side, n: int) -> frozenset[object]:
    return side.cached(f"word{n}", lambda: _grams(_forms(side), n))  # type: ignore[no-any-return]


def _content_ngrams(side: Side, n: int) -> frozenset[object]:
    def make() -> frozenset[tuple[str, ...]]:
        return _grams([f for f in _forms(side) if f not in STOPWORDS], n)
    return side.cached(f"content{n}", make)  # type: ignore[no-any-return]


def _char_ngrams(side: Side, n: int) -> frozenset[object]:
    def make() -> frozenset[str]:
        text = " ".join(_forms(side))
        return frozenset(text[i:i + n] for i in range(len(text) - n + 1))
    return side.cached(f"char{n}", make)  # type: ignore[no-any-return]


def _tiled(forms: Sequence[str], source_grams: frozenset[object], k: int) -> float:
    """Share of the copy's words inside a run of ``k`` words that the source also has."""
    if len(forms) < k:
        return 0.0
    marked = bytearray(len(forms))
    for i in range(len(forms) - k + 1):
        if tuple(forms[i:i + k]) in source_grams:
            marked[i:i + k] = b"\x01" * k
    return sum(marked) / len(forms)
