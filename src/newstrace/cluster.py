"""Cluster stage: reuse families (connected components of reuse pairs) and their originals.

The original of a family is the member that the verified pairs most often name as the
source (minus the times it is named as the copy); ties go to the earliest publication
date, then to the smallest id, so the answer is deterministic on every engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .model import Family, PairResult

__all__ = ["build_families", "components", "pick_original"]


def components(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components (union-find), each sorted, ordered by their first member."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in parent:
        groups[find(x)].append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def pick_original(
    members: Iterable[str], pairs: Iterable[PairResult], published: Mapping[str, str | None]
) -> str:
    """The member most often named as source, then the earliest published, then min id."""
    votes: dict[str, int] = defaultdict(int)
    for p in pairs:
        if p.source is not None:
            votes[p.source] += 1
            votes[p.b if p.source == p.a else p.a] -= 1
    return min(members, key=lambda m: (-votes[m], published.get(m) or "\uffff", m))


def build_families(
    pairs: Iterable[PairResult], published: Mapping[str, str | None]
) -> list[Family]:
    """Families of two or more articles from verified reuse pairs."""
    pairs = list(pairs)
    by_member: dict[str, list[PairResult]] = defaultdict(list)
    for p in pairs:
        by_member[p.a].append(p)
    out = []
    for members in components((p.a, p.b) for p in pairs):
        inner = [p for m in members for p in by_member[m]]
        out.append(Family(tuple(members), pick_original(members, inner, published)))
    return out
