"""The data model that travels through the pipeline stages.

All offsets are character (code point) offsets into ``Article.text``: the input as read,
after decoding and before any normalisation. Stages never mutate an ``Article``; they
produce new objects that point back into its text by offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    modified: str | None = None
    """When the page says it was last changed (ISO 8601, as ``published``); never taken
    for the publication time: an update is no evidence of who wrote first. Last, so that
    positional construction of the fields above keeps working."""


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

    @classmethod
    def of(cls, c: Comparison) -> PairResult:
        """A comparison as a scan's pair (ids as given, ``source`` an id or None)."""
        source = {"a": c.a.id, "b": c.b.id}.get(c.source or "")
        return cls(c.a.id, c.b.id, c.relation, c.coverage.a, c.coverage.b, source, c.score)


# --- provenance: a family's copy tree and each copy's credit ---------------------------


@dataclass(frozen=True, slots=True)
class Credit:
    """Whether a copy names where its text comes from, and the words that do.

    ``credited``: True when the copy names its source (or an earlier link of its chain)
    by a byline, a dateline, a credit line ("appeared first on", "Source:"), "according
    to", "... reported", or a link to its address; False when it names no source, or
    names another outlet than every known source; None when it names an outlet but no
    source says who it is (nothing to check the name against). ``span`` and ``text``:
    the evidence in the copy's text (None when the evidence is its author field, or
    there is none); ``organisation``: the name as compared ("pa", "daily courier");
    ``form``: which kind of credit line it is."""

    credited: bool | None
    span: Span | None = None
    text: str = ""
    organisation: str | None = None
    form: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CopyEdge:
    """How one member of a family came to be.

    ``parent``: the member it was most likely made from; None for the family's root and
    for a member whose parent the evidence cannot tell, in which case ``undecided`` lists
    the candidates it cannot tell apart (best first). ``confidence`` in [0, 1] grows with
    the margin of the evidence over the next candidate; ``reasons`` say what decided.
    ``credit``: whether the member credits its source (None for the root)."""

    child: str
    parent: str | None
    confidence: float
    reasons: tuple[str, ...]
    undecided: tuple[str, ...] = ()
    credit: Credit | None = None


@dataclass(frozen=True, slots=True)
class CreditSummary:
    """Per family: how many copies (members other than the root), and how many of them
    credit their source, do not, or cannot be told."""

    copies: int
    credited: int
    uncredited: int
    unknown: int


@dataclass(frozen=True, slots=True)
class CopyTree:
    """A family's copy tree (a stemma): one edge per member, the root's with no parent.

    ``root``: the likely original (None only for an empty family), with the reasons
    and the confidence of that choice."""

    root: str | None
    edges: tuple[CopyEdge, ...]
    root_confidence: float = 0.0
    root_reasons: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[CopyEdge]:
        return iter(self.edges)

    def edge(self, member: str) -> CopyEdge:
        """The edge of one member (KeyError when it is not in the family)."""
        for e in self.edges:
            if e.child == member:
                return e
        raise KeyError(member)

    def parents(self) -> dict[str, str | None]:
        """Member -> parent id (None: the root, or undecided)."""
        return {e.child: e.parent for e in self.edges}

    def children(self, member: str) -> tuple[str, ...]:
        return tuple(e.child for e in self.edges if e.parent == member)

    def credit_summary(self) -> CreditSummary:
        copies = [e.credit for e in self.edges if e.child != self.root]
        known = [c for c in copies if c is not None]
        return CreditSummary(
            copies=len(copies),
            credited=sum(c.credited is True for c in known),
            uncredited=sum(c.credited is False for c in known),
            unknown=sum(c is None or c.credited is None for c in copies),
        )


@dataclass(frozen=True, slots=True)
class Family:
    """A reuse family: articles connected by reuse pairs, and the likely original.

    ``tree``: who was copied from whom inside the family (``lineage.family_tree``);
    ``original`` is its root when it has one. None when no tree was built (a family
    made by ``cluster.build_families`` alone)."""

    members: tuple[str, ...]
    original: str
    tree: CopyTree | None = None


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
