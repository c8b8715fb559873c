"""Source stage: which of two articles that share passages is the likely original.

Votes with stated reasons: publication dates and attribution lines ("appeared first on")
when present, else text evidence (which side keeps the detail that the other dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import regex

from .model import Alignment, Article, Boilerplate
from .side import Side

_ATTRIBUTION_RE = regex.compile(
    r"appeared first on|originally (?:published|appeared) (?:on|in|at)|source:|via\s+\p{Lu}"
    r"|republished (?:from|with permission)|(?:this|the) (?:article|story) (?:first )?appeared",
    regex.IGNORECASE,
)
_DETAIL_KINDS = ("time", "date", "number", "quote", "name")
_SKELETON_KINDS = frozenset({"name", "number", "date", "time"})


def _detail(side: Side, alignments: Sequence[Alignment], use_a: bool) -> int:
    """Specific facts (times, numbers, quotes, names) inside the aligned passages."""
    seen: set[tuple[str, str]] = set()
    for al in alignments:
        span = al.a if use_a else al.b
        seen |= {(f.kind, f.key) for f in side.facts_in(span.start, span.end)
                 if f.kind in _DETAIL_KINDS}
    return len(seen)


def _unaligned_sharing(side: Side, aligned: AbstractSet[int],
                       other_keys: AbstractSet[tuple[str, str]]) -> int:
    """Sentences outside every reused passage that still carry a name, number, date or
    time of the other article: source detail that the copy condensed into other words."""
    found = 0
    for k, span in enumerate(side.spans):
        if k not in aligned and any((f.kind, f.key) in other_keys
                                    for f in side.facts_in(span.start, span.end)
                                    if f.kind in _SKELETON_KINDS):
            found += 1
    return found


def _text_votes(a: Side, b: Side, alignments: Sequence[Alignment]) -> list[tuple[int, str]]:
    """Direction from the texts alone: one vote (+1: a is the source, -1: b) with its
    reason per kind of evidence. Each says "copies drop detail far more often than they
    add it"; on the derived pairs of the COUNTER half (Urdu agency copy and newspapers)
    two agreeing votes name the agency 8 times in 9 (bench/eval_source.py)."""
    votes: list[tuple[int, str]] = []

    def vote(a_more: bool, text: str) -> None:
        votes.append((1 if a_more else -1, f"{'a' if a_more else 'b'} {text}"))

    da, db = _detail(a, alignments, True), _detail(b, alignments, False)
    if da != db:
        vote(da > db, f"keeps more specific detail in the reused passages "
                      f"({max(da, db)} vs {min(da, db)} names, numbers, dates, quotes)")
    # Who holds the story facts that the other lacks: a copy drops them, an original
    # rarely lacks a fact of its copy (a newspaper adding its own reporting is the
    # exception the other votes outweigh).
    xa, xb = len(a.skeleton_keys - b.skeleton_keys), len(b.skeleton_keys - a.skeleton_keys)
    if xa != xb:
        vote(xa > xb, f"holds more facts the other lacks ({max(xa, xb)} vs {min(xa, xb)} "
                      f"names, numbers, dates)")
    in_a = {i for al in alignments for i in al.a_sentences}
    in_b = {j for al in alignments for j in al.b_sentences}
    ua = _unaligned_sharing(a, in_a, b.skeleton_keys)
    ub = _unaligned_sharing(b, in_b, a.skeleton_keys)
    if ua != ub:
        vote(ua > ub, f"has more unreused sentences with the other's facts "
                      f"({max(ua, ub)} vs {min(ua, ub)}): detail the copy condensed")
    na, nb = len(a.spans), len(b.spans)
    if abs(na - nb) >= 3:
        vote(na > nb, f"is the longer article ({max(na, nb)} vs {min(na, nb)} sentences): "
                      f"copies condense")
    return votes


def decide_source(a_article: Article, b_article: Article, a: Side, b: Side,
            alignments: Sequence[Alignment], removed_a: Sequence[Boilerplate],
            removed_b: Sequence[Boilerplate]) -> tuple[str | None, list[str]]:
    """Metadata decides when it says anything (an earlier date 3 votes, the other
    side's attribution line 2): text evidence is weaker, and a real copy may keep more
    detail than its source. Without metadata the text votes decide, by a margin of two:
    a single vote is right only about 3 times in 4 (bench/eval_source.py)."""
    votes = 0  # > 0 means "a is the source"
    reasons: list[str] = []
    if a_article.published and b_article.published and a_article.published != b_article.published:
        earlier = "a" if a_article.published < b_article.published else "b"
        votes += 3 if earlier == "a" else -3
        reasons.append(f"{earlier} was published earlier ({min(a_article.published, b_article.published)})")
    attr_a = _attribution(a_article.text, removed_a)
    attr_b = _attribution(b_article.text, removed_b)
    if attr_a != attr_b:
        votes += -2 if attr_a else 2
        side, line = ("a", attr_a) if attr_a else ("b", attr_b)
        reasons.append(f"{side} carries an attribution line: {line!r}")
    text = _text_votes(a, b, alignments)
    if votes == 0:
        votes = sum(v for v, _ in text)
        if abs(votes) < 2:
            return None, reasons + [r for _, r in text] or ["no evidence of direction"]
    # The reasons say why this side: text evidence pointing the other way is left out.
    reasons += [r for v, r in text if (v > 0) == (votes > 0)]
    return ("a" if votes > 0 else "b"), reasons


def likely_source(a_article: Article, b_article: Article, a: Side, b: Side,
                  alignments: Sequence[Alignment], removed_a: Sequence[Boilerplate],
                  removed_b: Sequence[Boilerplate]) -> tuple[str | None, tuple[str, ...]]:
    """The source and its reasons for alignments found after ``decide`` (compare
    re-aligns when reuse was judged from whole-article evidence): direction evidence
    is read from the reused passages, so it must see the final ones."""
    source, reasons = decide_source(a_article, b_article, a, b, alignments, removed_a, removed_b)
    return source, tuple(reasons)


def _attribution(text: str, removed: Sequence[Boilerplate]) -> str | None:
    """An attribution line among the removed boilerplate, e.g. "appeared first on X"."""
    for bp in removed:
        line = text[bp.span.start:bp.span.end]
        if _ATTRIBUTION_RE.search(line):
            return line.strip()[:120]
    return None
