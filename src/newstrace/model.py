"""The data model that travels through the pipeline stages.

All offsets are character (code point) offsets into ``Article.text``: the input as read,
after decoding and before any normalisation. Stages never mutate an ``Article``; they
produce new objects that point back into its text by offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .errors import InputError

Relation = Literal["duplicate", "rewrite", "partial", "same-story", "unrelated"]
RELATIONS: tuple[str, ...] = ("duplicate", "rewrite", "partial", "same-story", "unrelated")
REUSE: frozenset[str] = frozenset({"duplicate", "rewrite", "partial"})
"""The relations that mean one article reused the other."""
SideName = Literal["a", "b"]
"""Which article of a pair: the first (a) or the second (b) given to compare."""


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a file, a JSONL line or a string."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    author: str | None = None
    origin: str | None = None  # path, "<stdin>" or "file.jsonl:LINE": what error messages name
    format: Literal["text", "html", "jsonl", "string"] = "string"


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A span removed from the body before matching, and why."""

    span: Span
    reason: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the body, with its place in the article."""

    index: int
    span: Span


@dataclass(frozen=True, slots=True)
class Alignment:
    """Reused passage: consecutive sentences of A matched to consecutive sentences of B."""

    a: Span
    b: Span
    score: float
    kind: str  # verbatim | reworded | split | merged | split+merged
    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    links: tuple[tuple[int, int], ...] = ()
    """The sentence pairs (index in A, index in B) that make up this passage."""


@dataclass(frozen=True, slots=True)
class Drift:
    """One thing a rewrite changed inside an aligned passage."""

    kind: str
    a: Span | None
    b: Span | None
    a_text: str
    b_text: str
    note: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of each article's body characters that lie in aligned passages."""

    a: float
    b: float


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``newstrace.compare`` finds about two articles."""

    a: Article
    b: Article
    relation: Relation
    source: SideName | None
    reasons: tuple[str, ...]
    coverage: Coverage
    score: float
    alignments: tuple[Alignment, ...]
    drifts: tuple[Drift, ...]
    boilerplate_a: tuple[Boilerplate, ...] = field(default=())
    boilerplate_b: tuple[Boilerplate, ...] = field(default=())
    title_a: Span | None = None
    title_b: Span | None = None


@dataclass(frozen=True, slots=True)
class PairResult:
    """One verified reuse pair of a scan: ids ordered ``a < b``, ``source`` an id or None."""

    a: str
    b: str
    relation: Relation
    coverage_a: float
    coverage_b: float
    source: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Family:
    """A reuse family: articles connected by reuse pairs, and the likely original."""

    members: tuple[str, ...]
    original: str


@dataclass(slots=True)
class ScanResult:
    """What a scan found, and what it cost (every engine returns this)."""

    pairs: list[PairResult]
    families: list[Family]
    articles: int = 0
    failed: list[InputError] = field(default_factory=list)
    candidates: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    """One archived article that a checked article reuses or is reused by."""

    id: str
    comparison: Comparison
    band_hits: int
