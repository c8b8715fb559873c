"""Result types of the provenance stages: a family's copy tree and each copy's credit.

Kept apart from ``model`` until the provenance stages are wired into the scan (they will
move there then); like ``model``'s types they are frozen and point into article texts by
character offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .model import Span

__all__ = ["CopyEdge", "CopyTree", "Credit", "CreditSummary"]


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
