"""One article's body as the matching stages see it: sentences, tokens, terms and facts.

Built once per article (``compare.prepare``) and shared by align, verdict and drift, so
that a scan that verifies one article against many candidates tokenises it and extracts
its skeleton once, not once per pair and stage. Tokens and facts are kept in text order
and looked up by character range with bisection.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Span
from .skeleton import Fact, facts, names_inside_sentences
from .text import Token, terms_of_tokens, tokens

__all__ = ["Side"]


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

    @classmethod
    def build(cls, text: str, spans: Sequence[Span], blocks: Sequence[Span] | None = None) -> Side:
        """Tokens and terms per sentence; facts per block (a paragraph, so that a quote
        running over two sentences is one fact). Blocks default to the sentences."""
        per_sentence = [tokens(text, s.start, s.end) for s in spans]
        flat = tuple(t for ts in per_sentence for t in ts)
        named = names_inside_sentences(text)
        found = tuple(f for blk in (blocks if blocks is not None else spans)
                      for f in facts(text, blk.start, blk.end, named=named))
        return cls(text, tuple(spans), tuple(frozenset(terms_of_tokens(ts)) for ts in per_sentence),
                   flat, found, tuple(t.start for t in flat), tuple(f.span.start for f in found))

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
