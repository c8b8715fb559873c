"""Verdict stage: name the relation between two articles and the likely source.

Relation comes from coverage (how much of each body lies in aligned passages) and how
close the aligned passages are to verbatim; same-story versus unrelated from the shared
skeleton (names, numbers, dates) when nothing was reused. The source is decided by
votes with stated reasons: publication dates and attribution lines ("appeared first on")
when present, else which side keeps the detail that the other dropped. A learned
combiner (models/reuse.json) weighs document-level evidence where the rules see too
little, and decides for scripts without letter case.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise

from rapidfuzz import fuzz

from .model import Alignment, Article, Boilerplate, Coverage, Relation, Span
from .options import Options
from .side import Side
from .source import decide_source
from .text import normalise


@dataclass(frozen=True, slots=True)
class Verdict:
    relation: Relation
    source: str | None
    reasons: tuple[str, ...]
    coverage: Coverage
    score: float


def coverage(side: Side, sentences: set[int]) -> float:
    """Share of body characters inside the given sentences."""
    total = sum(len(s) for s in side.spans)
    if total == 0:
        return 0.0
    return sum(len(side.spans[k]) for k in sentences) / total


def covered(a: Side, b: Side, alignments: Sequence[Alignment]) -> Coverage:
    """Coverage of each side by the aligned passages."""
    in_a = {i for al in alignments for i in al.a_sentences}
    in_b = {j for al in alignments for j in al.b_sentences}
    return Coverage(round(coverage(a, in_a), 4), round(coverage(b, in_b), 4))


def decide(a_article: Article, b_article: Article, a: Side, b: Side,
           alignments: Sequence[Alignment], removed_a: Sequence[Boilerplate],
           removed_b: Sequence[Boilerplate], options: Options) -> Verdict:
    """The relation, the likely source ("a", "b" or None), and the reasons."""
    cov = covered(a, b, alignments)
    relation = _reuse_relation(a, b, alignments, cov, options)
    if options.combiner and a.spans and b.spans:
        # The learned combiner weighs all the evidence. In cased scripts it only adds
        # reuse the rules missed among aligned passages; without letter case (no names
        # to anchor on) the rules are tuned blind, so the combiner decides, also from
        # whole-article overlap when no single sentence pair stood out.
        script = script_kind(a, b)
        if script == "uncased" or (relation is None and alignments):
            p = reuse_model(script).probability(reuse_features(a, b, alignments, cov))
            if p < options.combiner_threshold:
                relation = None
            elif relation is None and (script == "uncased" or _shared_facts(a, b, alignments)):
                relation = "rewrite" if max(cov.a, cov.b) >= options.rewrite_coverage else "partial"
    if relation is None:
        # No passage counts as reused, so nothing is covered.
        overlap = _skeleton_overlap(a, b)
        relation = "same-story" if overlap >= 0.2 else "unrelated"
        return Verdict(relation, None, (), Coverage(0.0, 0.0), round(overlap * 0.3, 4))
    # Weights, shares and counts below take both sides, so compare(b, a) mirrors compare(a, b).
    sizes = [len(al.a) + len(al.b) for al in alignments]
    mean = sum(al.score * n for al, n in zip(alignments, sizes)) / max(1, sum(sizes))
    score = round(max(cov.a, cov.b) * (0.5 + 0.5 * mean), 4)
    source, reasons = decide_source(a_article, b_article, a, b, alignments, removed_a, removed_b)
    return Verdict(relation, source, tuple(reasons), cov, score)


def _reuse_relation(a: Side, b: Side, alignments: Sequence[Alignment], cov: Coverage,
                    options: Options) -> Relation | None:
    """duplicate, rewrite or partial; None when the alignments do not show reuse."""
    aligned_chars = min(sum(len(al.a) for al in alignments), sum(len(al.b) for al in alignments))
    strong = [al for al in alignments if al.score >= options.min_link_score]
    if len(strong) >= 2 or aligned_chars >= options.partial_min_chars and strong:
        verbatim = sum(len(al.a) + len(al.b) for al in alignments if al.kind == "verbatim")
        if (min(cov.a, cov.b) >= options.duplicate_coverage
                and verbatim >= 0.9 * sum(len(al.a) + len(al.b) for al in alignments)):
            return "duplicate"
        if max(cov.a, cov.b) >= options.rewrite_coverage and _linked(alignments) >= 3:
            return "rewrite"
        # Little of either article is shared: only wording kept close to the original
        # tells reuse from two reporters retelling the same facts with the same names.
        # Stock phrasing ("X declined to comment") matches word for word but carries
        # none of the story's facts: reused passages must share a name or a figure.
        surface = surface_similarity(a, b, alignments)
        if surface >= options.partial_min_surface and (
                surface >= _VERBATIM_SURFACE or _shared_facts(a, b, alignments)):
            return "rewrite" if max(cov.a, cov.b) >= options.rewrite_coverage else "partial"
    return None


_VERBATIM_SURFACE = 0.9


def _linked(alignments: Sequence[Alignment]) -> float:
    """Sentences in reused passages, the mean of both sides (the same seen from either)."""
    in_a = {i for al in alignments for i in al.a_sentences}
    in_b = {j for al in alignments for j in al.b_sentences}
    return (len(in_a) + len(in_b)) / 2


def _shared_facts(a: Side, b: Side, alignments: Sequence[Alignment]) -> int:
    """Names, numbers, dates and times found on both sides of one aligned passage."""
    kinds = ("name", "number", "date", "time")
    found = 0
    for al in alignments:
        ka = {(f.kind, f.key) for f in a.facts_in(al.a.start, al.a.end) if f.kind in kinds}
        kb = {(f.kind, f.key) for f in b.facts_in(al.b.start, al.b.end) if f.kind in kinds}
        found += len(ka & kb)
    return found


def surface_similarity(a: Side, b: Side, alignments: Sequence[Alignment]) -> float:
    """How close to the original wording the aligned passages stay, weighted by length:
    per passage the larger of character-level similarity and shared word bigrams."""
    total = weight = 0.0
    for al in alignments:
        ta, tb = a.text[al.a.start:al.a.end], b.text[al.b.start:al.b.end]
        ratio = fuzz.ratio(normalise(ta).casefold(), normalise(tb).casefold()) / 100.0
        ga, gb = _bigrams(a, al.a), _bigrams(b, al.b)
        shared = len(ga & gb) / max(1, min(len(ga), len(gb)))
        size = len(al.a) + len(al.b)
        total += size * max(ratio, shared)
        weight += size
    return total / weight if weight else 0.0


@dataclass(frozen=True, slots=True)
class ReuseModel:
    """Logistic regression over ``reuse_features`` (weights in models/reuse.json, fitted
    by bench/train_reuse.py); inference is a dot product, no scikit-learn needed."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, features: Sequence[float]) -> float:
        z = self.intercept + sum(c * (x - m) / s for c, x, m, s
                                 in zip(self.coef, features, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


@lru_cache(maxsize=2)
def reuse_model(script: str = "cased") -> ReuseModel:
    """The shipped combiner for ``cased`` or ``uncased`` scripts (read once)."""
    data = json.loads(files("newstrace.models").joinpath("reuse.json").read_text("utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError("models/reuse.json was trained on other features; "
                           "rebuild it with bench/train_reuse.py")
    m = data[script]
    return ReuseModel(tuple(m["mean"]), tuple(m["scale"]), tuple(m["coef"]), float(m["intercept"]))


def script_kind(a: Side, b: Side) -> str:
    """``cased`` when most letters of both bodies have letter case (Latin, Cyrillic,
    Greek, ...), where capitals mark names; else ``uncased`` (Arabic, Urdu, CJK, ...)."""
    return "cased" if a.cased and b.cased else "uncased"


FEATURES = ("cov_max", "cov_min", "links", "mean_score", "max_score", "surface",
            "term_containment", "term_jaccard", "bigram_containment", "trigram_containment",
            "skeleton_overlap")
"""Names of ``reuse_features``, in order (the learned combiner's inputs)."""


def reuse_features(a: Side, b: Side, alignments: Sequence[Alignment], cov: Coverage) -> list[float]:
    """Document-level evidence of reuse, language-agnostic, each in [0, 1]: how much is
    aligned and how well, and how much wording the two bodies share overall."""
    sizes = [len(al.a) + len(al.b) for al in alignments]
    total = sum(sizes) or 1
    linked = _linked(alignments)
    ta, tb = a.vocabulary, b.vocabulary
    return [
        max(cov.a, cov.b), min(cov.a, cov.b),
        min(1.0, linked / 10.0),
        sum(al.score * n for al, n in zip(alignments, sizes)) / total,
        max((al.score for al in alignments), default=0.0),
        surface_similarity(a, b, alignments),
        _containment(ta, tb), len(ta & tb) / max(1, len(ta | tb)),
        _containment(a.bigrams, b.bigrams),
        _containment(a.trigrams, b.trigrams),
        _skeleton_overlap(a, b),
    ]


def _containment(x: AbstractSet[object], y: AbstractSet[object]) -> float:
    """Share of the smaller set found in the other."""
    return len(x & y) / max(1, min(len(x), len(y)))


def _bigrams(side: Side, span: Span) -> set[tuple[str, str]]:
    forms = [t.form for t in side.tokens_in(span.start, span.end)]
    return set(pairwise(forms))


def _skeleton_overlap(a: Side, b: Side) -> float:
    """Shared names/numbers/dates over the smaller skeleton (same event, other words)."""
    ka, kb = a.skeleton_keys, b.skeleton_keys
    if len(ka & kb) < 3:
        return 0.0
    return len(ka & kb) / min(len(ka), len(kb))


