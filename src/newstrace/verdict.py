"""Verdict stage: name the relation between two articles and the likely source.

The relation follows how newsrooms reuse copy (METER's and COUNTER's labels): wholly
derived (``duplicate`` when both bodies are near-verbatim the same, else ``rewrite``),
partially derived (``partial``: the source is one ingredient of the copy) or not derived
(``same-story`` when the two share the event's names and figures, else ``unrelated``).
A learned model (weights/relation.json, multinomial logistic regression rebuilt by
bench/train_relation.py) reads how much of the copy's wording the source holds
(``containment.py``): wording kept, not facts shared, so two reporters telling the same
facts in their own words stay apart. The source stage speaks first, because which side
is the copy matters: a newspaper that adds its own reporting to agency copy is often
the longer, so "the shorter is the copy" holds only when nothing decides the direction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .align import PASSAGE_GAP_CHARS, Passage, passages
from .containment import (
    CHARACTER_FEATURES,
    CONTAINMENT_FEATURES,
    Containment,
    PairRuns,
    containment,
    quoted_sentences,
    shorter_side,
)
from .errors import OptionsError
from .model import Alignment, Article, Boilerplate, Coverage, Relation, SideName
from .options import Options
from .side import Side
from .source import decide_source
from .weights import read_model

DERIVATIONS = ("WD", "PD", "ND")
"""The relation model's classes: wholly, partially and not derived (METER's labels)."""
RELATION_FEATURES = (*CONTAINMENT_FEATURES, "aligned")
"""The relation model's inputs: containment of the copy in the source, and the share of
the copy's body in sentences the aligner linked (reworded sentences that keep few
phrases still align)."""
SAME_STORY_OVERLAP = 0.2
"""Share of the smaller skeleton (names, numbers, dates) two articles must share for an
underived pair to be the same story rather than unrelated."""
SAME_STORY_MIN_FACTS = 3
"""Fewer shared names, numbers and dates than this are chance (a weekday, a city), not
the same event, whatever share of a short skeleton they make."""
PASSAGE_MIN_TERMS = 3
"""A sentence of fewer matching terms (a heading, a caption, a fragment the splitter
left: "Asbestos.", "Warnings") links to any text on its topic: no evidence of a passage
among weaker links. On the PAN 2013 dev half (in-sample) it keeps every no-plagiarism
pair out of the weak-link passages (1 flagged without it) for 2 random and 3
translation obfuscation pairs fewer detected."""
UNDERIVED_SCORE_SCALE = 0.3
"""An underived pair's score is its skeleton overlap times this, so at most 0.3: below
the score of every pair the relation model calls derived (1 - P(not derived), above
one half: ``NOT_DERIVED_AT``)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    relation: Relation
    source: SideName | None
    reasons: tuple[str, ...]
    coverage: Coverage
    score: float


def coverage(side: Side, sentences: set[int]) -> float:
    """Share of body characters inside the given sentences."""
    lengths, total = side.cached("sentence-lengths", lambda: _sentence_lengths(side))
    if total == 0:
        return 0.0
    return sum(lengths[k] for k in sentences) / total


def _sentence_lengths(side: Side) -> tuple[list[int], int]:
    """Each sentence's length in characters, and their sum (read for every pair a scan
    verifies, and again by the copy trees)."""
    lengths = [s.end - s.start for s in side.spans]
    return lengths, sum(lengths)


def covered(a: Side, b: Side, alignments: Sequence[Alignment]) -> Coverage:
    """Coverage of each side by the aligned passages."""
    return Coverage(
        round(coverage(a, _sentences(alignments, "a")), 4),
        round(coverage(b, _sentences(alignments, "b")), 4),
    )


def _sentences(alignments: Sequence[Alignment], side: SideName) -> set[int]:
    """The sentences of one side that the passages cover."""
    return {k for al in alignments for k in (al.a_sentences if side == "a" else al.b_sentences)}


def _closely_aligned(
    copy: Side, copy_name: SideName, alignments: Sequence[Alignment], options: Options
) -> float:
    """Share of the copy's body in passages that score as reuse on their own
    (``min_link_score``): a deep spin rewords every sentence and keeps each one's
    structure; a report that merely shares an event's facts is linked, if at all, only
    through weaker pairs beside stronger ones."""
    strong = [al for al in alignments if al.score >= options.min_link_score]
    return coverage(copy, _sentences(strong, copy_name))


def decide(
    a_article: Article,
    b_article: Article,
    a: Side,
    b: Side,
    alignments: Sequence[Alignment],
    removed_a: Sequence[Boilerplate],
    removed_b: Sequence[Boilerplate],
    options: Options,
    readings: Readings | None = None,
) -> Verdict:
    """The relation, the likely source ("a", "b" or None), and the reasons: first why
    this relation (what share of the copy's wording the source holds), then why that
    source. ``readings``: what ``derivable`` read of the pair already."""
    if not (a.spans and b.spans):
        return Verdict("unrelated", None, ("an article has no body text",), Coverage(0.0, 0.0), 0.0)
    if readings is None:
        readings = Readings(a, b, alignments, options)
    return _verdict(a_article, b_article, removed_a, removed_b, readings)


def derivable(
    a: Side, b: Side, alignments: Sequence[Alignment], options: Options, *, explain: bool = True
) -> Readings | None:
    """What the relation model reads of the pair, for ``decide``, or None when
    ``decide`` cannot call it reuse: not derived, and no passage taken, with either
    side read as the copy, so that whatever source the source stage names (the
    undecided reading takes the shorter, one of the two) the pair is not derived. A
    scan asks no more of such a pair, and is spared the source stage and the facts it
    reads: most candidates of a large corpus are such pairs. ``explain``: see
    ``Readings``."""
    if not (a.spans and b.spans):
        return None
    readings = Readings(a, b, alignments, options, explain=explain)
    shorter = shorter_side(a, b)  # read first: the copy of most reuse pairs
    if readings.derived(shorter) or readings.derived(_other(shorter)):
        return readings
    return None


@dataclass(frozen=True, slots=True)
class _Reading:
    """The relation model's reading of a pair with one side as the copy."""

    evidence: Containment
    coverage: Coverage
    features: tuple[float, ...]
    probs: dict[str, float]


class Readings:
    """A pair's readings by the relation model with each side as the copy, each made
    once (``derivable`` reads both before the source stage picks one). ``explain``
    False: the verdict's source reasons leave out the text evidence that only supports
    what the metadata decided (``decide_source``); relation, source, coverage and score
    are the same."""

    def __init__(
        self,
        a: Side,
        b: Side,
        alignments: Sequence[Alignment],
        options: Options,
        *,
        explain: bool = True,
    ):
        self.a, self.b, self.alignments, self.options = a, b, alignments, options
        self.explain = explain
        self.model = relation_model(script_kind(a, b), options.relation_model)
        self._runs = PairRuns(a, b)
        self._made: dict[SideName, _Reading] = {}
        self._passage: tuple[_Taken | None] | None = None

    def of(self, source: SideName | None) -> _Reading:
        """The reading with the other side than ``source`` as the copy (None: the
        shorter, as ``containment`` takes it)."""
        copy = shorter_side(self.a, self.b) if source is None else _other(source)
        made = self._made.get(copy)
        if made is None:
            evidence, cov, features = _inputs(
                self.a,
                self.b,
                self.alignments,
                _other(copy),
                self.model.reads_characters,
                self._runs,
            )
            made = _Reading(evidence, cov, features, self.model.probabilities(features))
            self._made[copy] = made
        return made

    def closest_passage(self) -> _Taken | None:
        """``_closest_passage`` of the pair, made once: it reads no direction, and both
        readings and the verdict may ask for it."""
        if self._passage is None:
            self._passage = (_closest_passage(self.a, self.b, self.alignments, self.options),)
        return self._passage[0]

    def derived(self, copy: SideName) -> bool:
        """Whether ``decide`` would call the pair derived were ``copy`` the copy."""
        r = self.of(_other(copy))
        return (
            _derivation(r.probs) != "ND"
            or _reused_passage(r.evidence, self.closest_passage, self.options) is not None
        )


def _other(side: SideName) -> SideName:
    return "b" if side == "a" else "a"


def _verdict(
    a_article: Article,
    b_article: Article,
    removed_a: Sequence[Boilerplate],
    removed_b: Sequence[Boilerplate],
    readings: Readings,
) -> Verdict:
    """``decide``'s verdict on a pair with body text on both sides."""
    a, b, alignments, options = readings.a, readings.b, readings.alignments, readings.options
    source, source_reasons = decide_source(
        a_article, b_article, a, b, alignments, removed_a, removed_b, explain=readings.explain
    )
    reading = readings.of(source)
    evidence, cov, probs = reading.evidence, reading.coverage, reading.probs
    derivation = _derivation(probs)
    why = _evidence_reasons(evidence, probs, "the copy" if source else "the shorter")
    if derivation == "ND":
        taken = _reused_passage(evidence, readings.closest_passage, options)
        if taken is None:
            return not_derived(a, b, why)
        why += (f"yet a passage was taken: {taken}",)
    relation: Relation
    aligned = _closely_aligned(a if evidence.copy == "a" else b, evidence.copy, alignments, options)
    if derivation != "WD" and aligned < options.wholly_aligned:
        relation = "partial"
    else:
        relation = "duplicate" if _near_verbatim(evidence, options) else "rewrite"
        if derivation != "WD":
            why += (
                (
                    f"{aligned:.0%} of {evidence.copy} lies in passages that are reused on "
                    f"their own strength: no material of its own, so wholly derived"
                ),
            )
    score = round(1.0 - probs["ND"], 4)
    return Verdict(relation, source, why + tuple(source_reasons), cov, score)


NOT_DERIVED_AT = 0.5
"""A pair is derived when the model finds derivation (wholly or partially) likelier than
none: P(ND) below one half, so exactly when its ``score`` (1 - P(ND)) is above one half
(a passage taken still makes a pair below that partial: ``_reused_passage``).
Taking the likeliest of the three classes instead called a pair not derived at P(ND)
0.4 against 0.3 and 0.3, with a score of 0.6 beside it. Out of sample (5-fold CV by
story; bench/eval_relation.py, 5 repeats; bench/eval_scan_oos.py, 3 repeats): METER-dev
3-class macro F1 0.669 -> 0.671, derived F1 0.890 -> 0.893, scan recall 0.888 -> 0.893
at precision 0.904 -> 0.902; COUNTER-half derived F1 0.890 -> 0.892, scan recall 0.862
-> 0.871 at precision 0.900 -> 0.897. The cost, on 10,000 generated articles: 10 more
invented same-event reports called partial (pair F1 0.972 -> 0.971)."""


def _derivation(probs: dict[str, float]) -> str:
    """Not derived unless derivation is likelier than not (``NOT_DERIVED_AT``); else the
    likelier of wholly and partially derived (wholly on a tie)."""
    if probs["ND"] >= NOT_DERIVED_AT:
        return "ND"
    return "WD" if probs["WD"] >= probs["PD"] else "PD"


def not_derived(a: Side, b: Side, reasons: tuple[str, ...]) -> Verdict:
    """No reuse: the same story when the two share the event's names and figures."""
    overlap = _skeleton_overlap(a, b)
    relation: Relation = "same-story" if overlap >= SAME_STORY_OVERLAP else "unrelated"
    score = round(overlap * UNDERIVED_SCORE_SCALE, 4)
    return Verdict(relation, None, reasons, Coverage(0.0, 0.0), score)


def relation_features(
    a: Side, b: Side, alignments: Sequence[Alignment], source: SideName | None
) -> tuple[Containment, tuple[float, ...]]:
    """The containment evidence and the model's inputs (``RELATION_FEATURES``): the
    share of the copy found in the source when the source stage decided which is which
    (a newspaper that adds its own reporting to agency copy is often the longer), else
    of the shorter in the longer."""
    evidence, _, features = _inputs(a, b, alignments, source)
    return evidence, features


def _inputs(
    a: Side,
    b: Side,
    alignments: Sequence[Alignment],
    source: SideName | None,
    characters: bool = True,
    runs: PairRuns | None = None,
) -> tuple[Containment, Coverage, tuple[float, ...]]:
    """Containment of the copy (the side not named the source, else the shorter), the
    aligned coverage of both sides, and the model's inputs made of them (character
    n-grams only if ``characters``: a model that does not read them is spared them)."""
    copy: SideName | None = None if source is None else _other(source)
    evidence, cov = containment(a, b, copy, characters, runs), covered(a, b, alignments)
    return evidence, cov, _model_inputs(evidence, cov)


def _model_inputs(evidence: Containment, cov: Coverage) -> tuple[float, ...]:
    return (*evidence.features, cov.a if evidence.copy == "a" else cov.b)


def _reused_passage(
    evidence: Containment, closest_passage: Callable[[], _Taken | None], options: Options
) -> str | None:
    """What shows that a passage was taken, whatever share of two long documents it is
    (many words in long shared runs, or several sentence pairs reused closely in one
    passage, or linked in one passage that stands out in both texts), or None. Two
    reporters of one event share names, figures and quotes, not passages of sentences."""
    if evidence.passage_words >= options.passage_words:
        return f"{evidence.passage_words} words lie in runs of 10 or more shared words"
    taken = closest_passage()  # asked only when the words alone do not show a passage
    if taken is None:
        return None
    pairs = round(taken.passage.evidence)
    if taken.close:
        return f"{pairs} sentence pairs reused closely lie in one passage, quotations aside"
    return (
        f"{pairs} linked sentence pairs lie in one passage, {taken.share_a:.0%} of a and "
        f"{taken.share_b:.0%} of b: {taken.standing}, quotations aside"
    )


@dataclass(frozen=True, slots=True)
class _Taken:
    """A passage found taken: whether its sentence pairs are reused closely, the share
    of each text's characters it spans, and, for one of linked pairs, why it stands out
    (``_stands_out``; empty for pairs reused closely)."""

    passage: Passage
    close: bool
    share_a: float
    share_b: float
    standing: str = ""

    @classmethod
    def of(cls, a: Side, b: Side, p: Passage, close: bool) -> _Taken:
        return cls(
            p,
            close,
            (p.a_end - p.a_start) / max(1, len(a.text)),
            (p.b_end - p.b_start) / max(1, len(b.text)),
        )

    @property
    def area(self) -> float:
        """The share of the two texts' character pairs the passage covers."""
        return self.share_a * self.share_b


def _closest_passage(
    a: Side, b: Side, alignments: Sequence[Alignment], options: Options
) -> _Taken | None:
    """A passage taken, or None: one of sentence pairs reused closely
    (``_close_passage``), else one that stands out (``_standing_passage``). A passage
    reworded sentence by sentence is linked pair by pair, and a sentence between may no
    longer link at all: the pairs still lie together. Quotations do not count: two
    reporters quote one statement sentence by sentence in the order it was made."""
    if sum(len(al.links) for al in alignments) < options.passage_links:
        return None  # not even counting quotations: they are not looked for
    qa, qb = quoted_sentences(a), quoted_sentences(b)
    return _close_passage(a, b, alignments, (qa, qb), options) or _standing_passage(
        a, b, alignments, (qa, qb), options
    )


_Quoted = tuple[frozenset[int], frozenset[int]]
"""The quoted sentences of each side (``containment.quoted_sentences``)."""


def _close_passage(
    a: Side, b: Side, alignments: Sequence[Alignment], quoted: _Quoted, options: Options
) -> _Taken | None:
    """The passage with the most sentence pairs reused closely (in alignments scoring
    ``passage_score`` or more, merged where they lie within ``PASSAGE_GAP_CHARS`` of each
    other on both sides), neither sentence a quotation, when it has ``passage_links`` of
    them or more (its ``evidence`` counts them)."""
    close = [al for al in alignments if al.score >= options.passage_score]
    if sum(len(al.links) for al in close) < options.passage_links:
        return None
    unquoted = _counted_links(a, b, quoted, 0)
    best = max(passages(close, PASSAGE_GAP_CHARS, unquoted), key=lambda p: p.evidence)
    return _Taken.of(a, b, best, True) if best.evidence >= options.passage_links else None


def _standing_passage(
    a: Side, b: Side, alignments: Sequence[Alignment], quoted: _Quoted, options: Options
) -> _Taken | None:
    """The passage of the most linked sentence pairs (any link the aligner keeps as
    context, ``min_context_score`` or more; neither sentence a quotation nor a fragment
    of fewer than ``PASSAGE_MIN_TERMS`` terms) among those with ``passage_links`` of
    them that cover at most ``passage_area`` of the two texts (``_Taken.area``): links
    that two texts on one topic make by chance spread over them."""
    linked = [al for al in alignments if al.score >= options.min_context_score]
    substantive = _counted_links(a, b, quoted, PASSAGE_MIN_TERMS)
    found = passages(linked, PASSAGE_GAP_CHARS, substantive)
    every = sum(p.evidence for p in found)
    small = []
    for p in found:
        if p.evidence < options.passage_links:
            continue
        taken = _Taken.of(a, b, p, False)
        standing = _stands_out(taken, every, options)
        if standing is not None:
            small.append(replace(taken, standing=standing))
    return max(small, key=lambda t: t.passage.evidence) if small else None


def _stands_out(taken: _Taken, every: float, options: Options) -> str | None:
    """Why a passage of linked pairs stands out, or None: a small part of both texts
    (``passage_area``), or, holding all ``every`` linked pairs of the two texts, a small
    part of one (``lone_passage_links``, ``lone_passage_share``): a short source
    reworded whole into a long document spans much of the source, and nothing else
    links."""
    if taken.area <= options.passage_area:
        return "it stands out in both"
    held = taken.passage.evidence
    lone = (
        held >= options.lone_passage_links
        and held >= every
        and min(taken.share_a, taken.share_b) <= options.lone_passage_share
    )
    return "no other sentence pair links" if lone else None


def _counted_links(
    a: Side, b: Side, quoted: _Quoted, min_terms: int
) -> Callable[[Alignment], float]:
    """An alignment's weight as a passage's evidence: its sentence pairs with neither
    sentence a quotation and both holding ``min_terms`` terms or more."""
    qa, qb = quoted

    def weight(al: Alignment) -> float:
        return float(
            sum(
                1
                for i, j in al.links
                if i not in qa
                and j not in qb
                and min(len(a.terms[i]), len(b.terms[j])) >= min_terms
            )
        )

    return weight


def _near_verbatim(evidence: Containment, options: Options) -> bool:
    """Both bodies are the same wording: the copy's words lie in long shared runs and
    the source holds nothing the copy lacks."""
    return (
        evidence.get("tile6") >= options.duplicate_coverage
        and evidence.get("reverse_word3") >= options.duplicate_coverage
    )


def _evidence_reasons(evidence: Containment, probs: dict[str, float], role: str) -> tuple[str, ...]:
    """The containment figures that the relation rests on, in words; ``role`` says why
    that side is measured ("the copy" of the decided source, or "the shorter")."""
    copy, source = evidence.copy, _other(evidence.copy)
    own = 1.0 - evidence.get("tile3")
    return (
        (
            f"{copy} ({role}) has {evidence.get('word1'):.0%} of its words, "
            f"{evidence.get('word3'):.0%} of its 3-word phrases and {evidence.get('word5'):.0%} "
            f"of its 5-word phrases in {source}; {own:.0%} of its words lie in no phrase of 3 "
            f"words shared with {source}"
        ),
        (
            f"relation model: wholly derived {probs['WD']:.2f}, partially {probs['PD']:.2f}, "
            f"not derived {probs['ND']:.2f}"
        ),
    )


@dataclass(frozen=True, slots=True)
class RelationModel:
    """Multinomial logistic regression over some of ``RELATION_FEATURES`` (weights in
    weights/relation.json, fitted by bench/train_relation.py; each script kind names the
    features its model reads); inference is three dot products, no scikit-learn needed."""

    columns: tuple[int, ...]  # where the model's features lie in RELATION_FEATURES
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per class, in DERIVATIONS order
    intercept: tuple[float, ...]

    @property
    def reads_characters(self) -> bool:
        """Whether the model reads a character n-gram measure (the scripts without
        letter case: their words are spaced inconsistently)."""
        return any(RELATION_FEATURES[k] in CHARACTER_FEATURES for k in self.columns)

    def probabilities(self, features: Sequence[float]) -> dict[str, float]:
        """Class probabilities for the full ``RELATION_FEATURES`` vector."""
        if len(features) != len(RELATION_FEATURES):
            raise ValueError(f"expected {len(RELATION_FEATURES)} features, got {len(features)}")
        z = [
            (features[k] - m) / s
            for k, m, s in zip(self.columns, self.mean, self.scale, strict=True)
        ]
        logits = [
            b + sum(c * v for c, v in zip(row, z, strict=True))
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        return {k: e / total for k, e in zip(DERIVATIONS, exps, strict=True)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RelationModel:
        """The model of one script kind; without a ``features`` list it reads them all.
        A file that does not fit raises ``ValueError`` (``relation_model`` names it)."""

        def floats(x: object) -> tuple[float, ...]:
            return tuple(float(v) for v in x)  # type: ignore[attr-defined]

        names = tuple(str(v) for v in data.get("features", RELATION_FEATURES))  # type: ignore[attr-defined]
        unknown = [n for n in names if n not in RELATION_FEATURES]
        if unknown:
            raise ValueError(f"reads unknown features {unknown}")
        model = cls(
            tuple(RELATION_FEATURES.index(n) for n in names),
            floats(data["mean"]),
            floats(data["scale"]),
            tuple(floats(row) for row in data["coef"]),  # type: ignore[attr-defined]
            floats(data["intercept"]),
        )
        widths = {len(model.mean), len(model.scale), *(len(row) for row in model.coef)}
        classes = {len(model.coef), len(model.intercept)}
        if widths != {len(names)} or classes != {len(DERIVATIONS)}:
            raise ValueError(f"weights do not fit its {len(names)} features and 3 classes")
        return model


@lru_cache(maxsize=8)
def relation_model(script: str = "cased", path: str | None = None) -> RelationModel:
    """The relation model for ``cased`` or ``uncased`` scripts: the shipped one, or the
    one in the file ``path`` (``Options.relation_model``; read once)."""
    data = read_model("relation.json", path, "relation_model")
    if tuple(data["features"]) != RELATION_FEATURES or tuple(data["classes"]) != DERIVATIONS:
        raise OptionsError(
            f"relation model {path or 'weights/relation.json'} was trained on "
            "other features or classes; rebuild it with bench/train_relation.py"
        )
    try:
        return RelationModel.from_json(data[script])
    except (ValueError, KeyError, TypeError) as e:
        raise OptionsError(
            f"relation model {path or 'weights/relation.json'} ({script}): {e}; "
            "rebuild it with bench/train_relation.py"
        ) from e


def script_kind(a: Side, b: Side) -> str:
    """``cased`` when most letters of both bodies have letter case (Latin, Cyrillic,
    Greek, ...), where capitals mark names; else ``uncased`` (Arabic, Urdu, CJK, ...)."""
    return "cased" if a.cased and b.cased else "uncased"


def _skeleton_overlap(a: Side, b: Side) -> float:
    """Shared names/numbers/dates over the smaller skeleton (same event, other words)."""
    ka, kb = a.skeleton_keys, b.skeleton_keys
    if len(ka & kb) < SAME_STORY_MIN_FACTS:
        return 0.0
    return len(ka & kb) / min(len(ka), len(kb))
