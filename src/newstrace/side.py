"""One article's body as the matching stages see it: sentences, tokens, terms and facts.

Built once per article (``compare.prepare``) and shared by align, verdict and drift, so
that a scan that verifies one article against many candidates tokenises it and extracts
its skeleton once, not once per pair and stage. Tokens and facts are kept in text order
and looked up by character range with bisection.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise
from operator import itemgetter
from typing import TypeVar, cast

import regex

from .model import Span
from .skeleton import SKELETON_KINDS, Fact, facts, names_inside_sentences
from .text import Token, terms_of_tokens, tokens

__all__ = ["Side"]

_T = TypeVar("_T")


_LETTER_RE = regex.compile(r"\p{L}")
_LOWER_RE = regex.compile(r"\p{Ll}")


def _is_cased(tokens: Sequence[Token]) -> bool:
    """Whether most letters of the first 200 tokens are lowercase letters (Latin,
    Cyrillic, Greek, ...: capitals then mark names) or the text has no letters at all."""
    sample = "".join(t.form for t in tokens[:200])
    if sample.isascii():  # every ASCII letter has case: no need to count
        return True
    letters = len(_LETTER_RE.findall(sample))
    return not letters or len(_LOWER_RE.findall(sample)) >= 0.5 * letters


@dataclass(frozen=True, slots=True)
class Side:
    """An article's body sentences with their tokens, matching terms and skeleton facts."""

    text: str
    spans: tuple[Span, ...]
    terms: tuple[frozenset[str], ...]
    tokens: tuple[Token, ...]
    facts: tuple[Fact, ...]
    _token_starts: tuple[int, ...]
    _fact_starts: tuple[int, ...]
    # Whole-article views the verdict compares for candidate pairs, computed on first
    # use and kept (a scan verifies one article against many; a check often needs none).
    _memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, text: str, spans: Sequence[Span], blocks: Sequence[Span] | None = None) -> Side:
        """Tokens and terms per sentence; facts per block (a paragraph, so that a quote
        running over two sentences is one fact). Blocks default to the sentences."""
        per_sentence = [tokens(text, s.start, s.end) for s in spans]
        flat = tuple(chain.from_iterable(per_sentence))  # C-level: thousands of tokens
        named = names_inside_sentences(text)
        found = tuple(
            f
            for blk in (blocks if blocks is not None else spans)
            for f in facts(text, blk.start, blk.end, named=named)
        )
        terms = tuple(frozenset(terms_of_tokens(ts)) for ts in per_sentence)
        return cls(
            text,
            tuple(spans),
            terms,
            flat,
            found,
            tuple(map(itemgetter(0), flat)),  # Token.start
            tuple(f.span.start for f in found),
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
    def cased(self) -> bool:
        """Most letters have letter case (capitals mark names), or there are no letters."""
        return bool(self.cached("cased", lambda: _is_cased(self.tokens)))

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every matching term of the body."""
        return self.cached("vocabulary", lambda: frozenset().union(*self.terms))

    @property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        return self.cached("bigrams", lambda: frozenset(pairwise(self._forms())))

    @property
    def trigrams(self) -> frozenset[tuple[str, str, str]]:
        def make() -> frozenset[tuple[str, str, str]]:
            forms = self._forms()
            return frozenset(zip(forms, forms[1:], forms[2:], strict=False))

        return self.cached("trigrams", make)

    @property
    def skeleton_keys(self) -> frozenset[tuple[str, str]]:
        """(kind, key) of the names, numbers, dates and times."""
        return self.cached(
            "skeleton_keys",
            lambda: frozenset((f.kind, f.key) for f in self.facts if f.kind in SKELETON_KINDS),
        )

    def _forms(self) -> list[str]:
        return [t.form for t in self.tokens]

    def token_index(self, start: int) -> int:
        """Index in ``tokens`` of the first token starting at or after ``start``."""
        return bisect_left(self._token_starts, start)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens lying inside ``[start, end)``."""
        lo = bisect_left(self._token_starts, start)
        hi = bisect_left(self._token_starts, end)
        return [t for t in self.tokens[lo:hi] if t.end <= end]

    def facts_in(self, start: int, end: int) -> list[Fact]:
        """Facts lying inside ``[start, end)``."""
        lo = bisect_left(self._fact_starts, start)
        hi = bisect_right(self._fact_starts, end - 1) if end > start else lo
        return [f for f in self.facts[lo:hi] if f.span.end <= end]
