"""One article's body as the matching stages see it: sentences, tokens, terms and facts.

Built once per article (``compare.prepare``) and shared by align, verdict and drift, so
that a scan that verifies one article against many candidates tokenises it and extracts
its skeleton once, not once per pair and stage. Tokens and facts are kept in text order
and looked up by character range with bisection.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from typing import TypeVar, cast

import numpy as np
import regex

from .model import Span
from .skeleton import SKELETON_KINDS, Fact, block_facts, block_quotes, fact_at
from .text import Token, folded, terms_of_forms, token_columns, tokens_of_columns

__all__ = ["Side"]

_T = TypeVar("_T")


_LETTER_RE = regex.compile(r"\p{L}")
_LOWER_RE = regex.compile(r"\p{Ll}")


def _is_cased(forms: Sequence[str]) -> bool:
    """Whether most letters of the first 200 tokens are lowercase letters (Latin,
    Cyrillic, Greek, ...: capitals then mark names) or the text has no letters at all."""
    sample = "".join(forms[:200])
    if sample.isascii():  # every ASCII letter has case: no need to count
        return True
    letters = len(_LETTER_RE.findall(sample))
    return not letters or len(_LOWER_RE.findall(sample)) >= 0.5 * letters


_FACT_KINDS = ("number", "time", "date", "quote", "name")
"""Every ``Fact.kind``, numbered for ``Side.pack``."""
Packed = tuple[bool, bytes, bytes | None, bytes | None, bytes, bytes]
"""``Side.pack``'s columns: whether offsets are 64-bit, then sentence bounds, token
starts, token ends (None when packed without tokens), fact bounds and fact kinds as raw
arrays."""


def pack_columns(
    length: int,
    spans: Sequence[Span],
    found: Sequence[Fact],
    tokens: tuple[array[int], array[int]] | None = None,
) -> Packed:
    """``Side.pack``'s columns from a text's ``length``, sentence ``spans``, facts and,
    optionally, token start and end offsets; what ``compare.preparation`` stores of an
    article whose side it never builds."""
    dtype = np.int64 if length >= 2**31 else np.int32
    spans_b = np.array([(s.start, s.end) for s in spans], dtype=dtype).reshape(-1).tobytes()
    facts_b = np.array([(f.span.start, f.span.end) for f in found], dtype=dtype).reshape(-1)
    kinds_b = np.array([_FACT_KINDS.index(f.kind) for f in found], dtype=np.uint8)
    starts_b = ends_b = None
    if tokens is not None:
        starts_b, ends_b = (
            np.frombuffer(col, dtype=np.int64).astype(dtype).tobytes() for col in tokens
        )
    return (dtype is np.int64, spans_b, starts_b, ends_b, facts_b.tobytes(), kinds_b.tobytes())


def _edges_apart(text: str, spans: Sequence[Span]) -> bool:
    """Whether the spans come in order without overlapping and each edge has a space on
    one side or is an end of the text (tokens hold no space: none runs across it)."""
    pos, size = 0, len(text)
    for span in spans:
        if span.start < pos or span.end < span.start:
            return False
        for e in (span.start, span.end):
            if 0 < e < size and not (text[e - 1].isspace() or text[e].isspace()):
                return False
        pos = span.end
    return True


@dataclass(frozen=True, slots=True)
class Side:
    """An article's body sentences with their tokens, matching terms and skeleton facts.

    Tokens are kept as columns (``forms`` and the offsets in two integer arrays), not a
    ``Token`` tuple each: the matching stages read forms and offsets, and a scan holds
    thousands of prepared articles; ``tokens`` makes the tuples when drift asks."""

    text: str
    spans: tuple[Span, ...]
    terms: tuple[frozenset[str], ...]
    forms: tuple[str, ...]  # each token's matching form, in text order
    # The facts: given (a stored pack has them) or found on first use (``facts``).
    _facts: tuple[Fact, ...] | None = field(compare=False, repr=False)
    _token_starts: array[int]
    _token_ends: array[int]
    _blocks: tuple[Span, ...] = field(compare=False, repr=False)  # where facts are found
    # Whole-article views the verdict compares for candidate pairs, computed on first
    # use and kept (a scan verifies one article against many; a check often needs none).
    _memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __eq__(self, other: object) -> bool:
        """Equal text, sentences, tokens, terms and facts (found or given alike)."""
        if not isinstance(other, Side):
            return NotImplemented
        return (
            self.text == other.text
            and self.spans == other.spans
            and self.forms == other.forms
            and self.terms == other.terms
            and self._token_starts == other._token_starts
            and self._token_ends == other._token_ends
            and self.facts == other.facts
        )

    @classmethod
    def build(
        cls,
        text: str,
        spans: Sequence[Span],
        blocks: Sequence[Span] | None = None,
        *,
        found: Sequence[Fact] | None = None,
    ) -> Side:
        """Tokens and terms per sentence; facts per block (a paragraph, so that a quote
        running over two sentences is one fact), found on first use (``facts``). Blocks
        default to the sentences. ``found``: the facts already found (``block_facts``),
        as a stored pack has them."""
        columns = [token_columns(text, s.start, s.end) for s in spans]
        return cls(
            text,
            tuple(spans),
            tuple(frozenset(terms_of_forms(forms)) for _, _, forms in columns),
            tuple(chain.from_iterable(forms for _, _, forms in columns)),
            None if found is None else tuple(found),
            array("q", chain.from_iterable(starts for starts, _, _ in columns)),
            array("q", chain.from_iterable(ends for _, ends, _ in columns)),
            tuple(blocks if blocks is not None else spans),
        )

    def pack(self, *, tokens: bool = True) -> Packed:
        """Where the side's sentences, tokens and facts lie, as integer columns (about a
        tenth of what the side takes in memory), for ``compare.pack`` to store:
        ``unpack`` makes the same side again from them and the text (a whole
        ``compare.unpack``: 0.85 ms against 2.19 ms for ``compare.prepare``). Without
        ``tokens`` the token offsets are left out (a fifth of the size) and ``unpack``
        splits the sentences into tokens again (about 0.3 ms more)."""
        columns = (self._token_starts, self._token_ends) if tokens else None
        return pack_columns(len(self.text), self.spans, self.facts, columns)

    @classmethod
    def unpack(cls, text: str, packed: Packed) -> Side:
        """The side that ``pack`` was called on, made again from its columns and text."""
        wide, spans_b, starts_b, ends_b, facts_b, kinds_b = packed
        dtype = np.int64 if wide else np.int32
        bounds = np.frombuffer(spans_b, dtype=dtype).reshape(-1, 2)
        places = np.frombuffer(facts_b, dtype=dtype).reshape(-1, 2).tolist()
        kinds = np.frombuffer(kinds_b, dtype=np.uint8).tolist()
        found = tuple(
            fact_at(text, _FACT_KINDS[k], a, b) for k, (a, b) in zip(kinds, places, strict=True)
        )
        spans = tuple(Span(a, b) for a, b in bounds.tolist())
        if starts_b is None or ends_b is None:  # packed without tokens
            return cls.build(text, spans, found=found)
        starts_a = np.frombuffer(starts_b, dtype=dtype)
        starts, ends = starts_a.tolist(), np.frombuffer(ends_b, dtype=dtype).tolist()
        forms = folded([text[a:b] for a, b in zip(starts, ends, strict=True)])
        cuts = [*np.searchsorted(starts_a, bounds[:, 0]).tolist(), len(forms)]
        return cls(
            text,
            spans,
            tuple(frozenset(terms_of_forms(forms[x:y])) for x, y in pairwise(cuts)),
            tuple(forms),
            found,
            array("q", starts),
            array("q", ends),
            spans,
        )

    def cached(self, name: str, make: Callable[[], _T]) -> _T:
        """A whole-article view computed on first use and kept with the article."""
        value = self._memo.get(name)
        if value is None:
            value = self._memo[name] = make()
        # One name, one maker: what is kept under ``name`` is what ``make`` returns.
        return cast(_T, value)

    def cached_for(self, name: str, key: object, make: Callable[[], _T]) -> _T:
        """A view that also depends on something outside the article (``key`` names
        it, e.g. a corpus's serial): one value is kept per name, made again when asked
        for another key, so that the memo does not grow with every key seen."""
        held = self._memo.get(name)
        if held is not None:
            held_key, value = cast(tuple[object, _T], held)
            if held_key == key:
                return value
        value = make()
        self._memo[name] = (key, value)
        return value

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The skeleton facts in text order (``block_facts`` of the blocks), found on
        first use: a scan's candidate pair that no reading of its direction calls
        derived is answered without them (``verdict.derivable``), and
        finding them is a third of preparing an article."""
        found = self._facts
        if found is None:  # found once; frozen otherwise, so set past the dataclass
            found = tuple(block_facts(self.text, self._blocks))
            object.__setattr__(self, "_facts", found)
        return found

    @property
    def quotes(self) -> tuple[Fact, ...]:
        """The quote facts alone (containment reads which words are quoted), found
        without the other kinds when those are not found yet."""

        def make() -> tuple[Fact, ...]:
            if self._facts is None:
                return tuple(block_quotes(self.text, self._blocks))
            return tuple(f for f in self.facts if f.kind == "quote")

        return self.cached("quotes", make)

    @property
    def cased(self) -> bool:
        """Most letters have letter case (capitals mark names), or there are no letters."""
        return bool(self.cached("cased", lambda: _is_cased(self.forms)))

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every matching term of the body."""
        return self.cached("vocabulary", lambda: frozenset().union(*self.terms))

    @property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        return self.cached("bigrams", lambda: frozenset(pairwise(self.forms)))

    @property
    def trigrams(self) -> frozenset[tuple[str, str, str]]:
        def make() -> frozenset[tuple[str, str, str]]:
            forms = self.forms
            return frozenset(zip(forms, forms[1:], forms[2:], strict=False))

        return self.cached("trigrams", make)

    @property
    def skeleton_keys(self) -> frozenset[tuple[str, str]]:
        """(kind, key) of the names, numbers, dates and times."""
        return self.cached(
            "skeleton_keys",
            lambda: frozenset((f.kind, f.key) for f in self.facts if f.kind in SKELETON_KINDS),
        )

    @property
    def tokens(self) -> tuple[Token, ...]:
        """Every token as a ``Token`` (start, end, form), made on first use (drift reads
        them in its inner loops: one dictionary look-up, no call of ``cached``)."""
        held = self._memo.get("tokens")
        if held is None:
            held = self._memo["tokens"] = tuple(self.tokens_between(0, len(self.forms)))
        return cast(tuple[Token, ...], held)

    def text_columns(self) -> tuple[list[int], list[int], list[str]]:
        """``token_columns(self.text)``: the tokens of the whole text (its title and the
        lines boilerplate removal took out included), made of the side's own tokens and
        those of the text between its sentences, which is little of it (a copy tree
        reads every member's whole text, and splitting it again was a fifth of a
        tree). Exact where every sentence edge has a space on one side, so that no
        token runs across it; elsewhere the whole text is split again."""
        text, found = self.text, self._token_starts
        if not _edges_apart(text, self.spans):
            return token_columns(text)
        starts: list[int] = []
        ends: list[int] = []
        forms: list[str] = []
        pos = k = 0
        for span in (*self.spans, Span(len(text), len(text))):
            between = text[pos : span.start]
            if between and not between.isspace():  # a title, a removed line
                gap = token_columns(text, pos, span.start)
                starts += gap[0]
                ends += gap[1]
                forms += gap[2]
            hi = bisect_left(found, span.end, k)
            starts += found[k:hi]
            ends += self._token_ends[k:hi]
            forms += self.forms[k:hi]
            pos, k = span.end, hi
        return starts, ends, forms

    def token_index(self, start: int) -> int:
        """Index in ``tokens`` of the first token starting at or after ``start``."""
        return bisect_left(self._token_starts, start)

    def forms_in(self, start: int, end: int) -> list[str]:
        """Forms of the tokens lying inside ``[start, end)``, without making tokens."""
        lo, hi = self.token_range(start, end)
        return list(self.forms[lo:hi])

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens lying inside ``[start, end)`` (made for that range only)."""
        return self.tokens_between(*self.token_range(start, end))

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indexes ``lo, hi`` in ``tokens`` of the tokens lying inside ``[start, end)``:
        tokens do not overlap, so only the last ones may run past ``end``."""
        lo = bisect_left(self._token_starts, start)
        hi = bisect_left(self._token_starts, end)
        ends = self._token_ends
        while hi > lo and ends[hi - 1] > end:
            hi -= 1
        return lo, hi

    def tokens_between(self, lo: int, hi: int) -> list[Token]:
        """``list(tokens[lo:hi])``, made from the columns when the whole tuple has not
        been made (drift reads a passage's tokens, often a part of the article)."""
        held = self._memo.get("tokens")
        if held is not None:
            return list(cast(tuple[Token, ...], held)[lo:hi])
        return tokens_of_columns(
            self._token_starts[lo:hi], self._token_ends[lo:hi], self.forms[lo:hi]
        )

    def facts_in(self, start: int, end: int) -> list[Fact]:
        """Facts lying inside ``[start, end)``."""
        found = self.facts
        # Read from the memo directly, not through ``cached``: drift asks per passage.
        starts = cast("tuple[int, ...] | None", self._memo.get("fact-starts"))
        if starts is None:
            starts = tuple(f.span.start for f in found)
            self._memo["fact-starts"] = starts
        lo = bisect_left(starts, start)
        hi = bisect_right(starts, end - 1) if end > start else lo
        return [f for f in found[lo:hi] if f.span.end <= end]
