"""Accuracy gate on the newsroom patterns (issue 13, item 2): invented pairs in the
patterns of real newspaper reuse (newstrace_synth.newsroom) through ``newstrace.compare``
at the shipped defaults, as JSONL records would arrive (text, published time, site,
byline).

``relation`` maps to METER-style classes as the issue's targets do: wholly derived =
duplicate|rewrite, partially derived = partial, non-derived = same-story|unrelated.

The pairs come from seed 2027. The relation model (src/newstrace/weights/relation.json) is
trained by bench/train_relation.py on newsroom pairs of seed 5 (its default), and
bench/eval_newsroom.py reports on seeds 913/914; each pair is seeded from
``(seed, pattern, k)``, so seed 2027 shares no pair with the training data: the gate is
out of sample. Each floor is pinned a little below what was measured on exactly these
pairs (measured figures next to each), so it fails on a real regression, not on noise of
its own (the pairs are deterministic). 12 pairs per pattern, two compares each: about 2 s
on one core; nothing here waits on time.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from newstrace import compare
from newstrace.model import Article, Comparison
from newstrace_synth.newsroom import (
    DERIVATION,
    PATTERNS,
    RELATION,
    NewsroomPair,
    newsroom_pairs,
)

SEED = 2027  # not 5 (bench/train_relation.py trains on it) nor 913/914 (bench figures)
N = 12  # pairs per pattern

ACCURACY_FLOOR = {  # share of pairs whose relation maps to the gold class
    "brief": 0.85,  # measured 1.00 (12/12 rewrite)
    "same_event": 0.80,  # measured 0.92 (11 same-story, 1 partial)
    "agency_plus_own": 0.80,  # measured 0.92 (11 partial, 1 rewrite)
    "multi_take": 0.85,  # measured 1.00 (12/12 rewrite)
    "chrome_reprint": 0.85,  # measured 1.00 (12/12 duplicate; also gated below)
    "unrelated": 0.90,  # measured 1.00 (12/12 unrelated)
}
SAME_EVENT_MAX_REUSE = 0.20  # measured 0.08 (1/12 called partial)
SOURCE_FLOOR = 0.90  # measured 1.00 on every derived pattern
DERIVED = tuple(p for p in PATTERNS if DERIVATION[RELATION[p]] != "non")
REUSE = ("duplicate", "rewrite", "partial")
_MIRROR = {"a": "b", "b": "a", None: None}

Run = tuple[NewsroomPair, Comparison, Comparison]  # pair, compare(a, b), compare(b, a)


def _articles(pair: NewsroomPair) -> tuple[Article, Article]:
    return pair.articles()


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Run]]:
    out: dict[str, list[Run]] = {p: [] for p in PATTERNS}
    for pair in newsroom_pairs(N, SEED):
        a, b = _articles(pair)
        out[pair.pattern].append((pair, compare(a, b), compare(b, a)))
    return out


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values)


def _tally(rs: list[Run]) -> str:
    return ", ".join(f"{p.id}: {fwd.relation}" for p, fwd, _ in rs)


def test_all_patterns_generated(runs: dict[str, list[Run]]) -> None:
    assert set(ACCURACY_FLOOR) == set(PATTERNS)
    assert all(len(rs) == N for rs in runs.values())
    assert set(DERIVED) == {"brief", "agency_plus_own", "multi_take", "chrome_reprint"}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_accuracy_floor(runs: dict[str, list[Run]], pattern: str) -> None:
    rs = runs[pattern]
    acc = _share(DERIVATION[fwd.relation] == pair.derivation for pair, fwd, _ in rs)
    assert acc >= ACCURACY_FLOOR[pattern], f"{pattern}: {acc:.2f} ({_tally(rs)})"


def test_chrome_reprint_is_duplicate(runs: dict[str, list[Run]]) -> None:
    wrong = [
        (p.id, fwd.relation) for p, fwd, _ in runs["chrome_reprint"] if fwd.relation != "duplicate"
    ]
    assert not wrong


def test_same_event_is_rarely_reuse(runs: dict[str, list[Run]]) -> None:
    rs = runs["same_event"]
    reuse = _share(fwd.relation in REUSE for _, fwd, _ in rs)
    assert reuse <= SAME_EVENT_MAX_REUSE, f"{reuse:.2f} ({_tally(rs)})"


@pytest.mark.parametrize("pattern", DERIVED)
def test_source_names_the_agency(runs: dict[str, list[Run]], pattern: str) -> None:
    rs = runs[pattern]
    share = _share(fwd.source == "a" for _, fwd, _ in rs)
    assert share >= SOURCE_FLOOR, [(p.id, fwd.source) for p, fwd, _ in rs]


def test_briefs_have_alignments(runs: dict[str, list[Run]]) -> None:
    # A brief merges fragments of several agency sentences: the phrase-tile alignments
    # must show them (measured: 2 to 8 alignments per brief, some of kind "merged").
    bare = [p.id for p, fwd, _ in runs["brief"] if not fwd.alignments]
    assert not bare
    copy_len = {p.id: len(p.copy) for p, _, _ in runs["brief"]}
    for p, fwd, _ in runs["brief"]:
        assert all(0 <= al.b.start < al.b.end <= copy_len[p.id] for al in fwd.alignments)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_symmetry(runs: dict[str, list[Run]], pattern: str) -> None:
    # Swapping the arguments changes nothing but the side names.
    for pair, fwd, back in runs[pattern]:
        assert back.relation == fwd.relation, pair.id
        assert back.source == _MIRROR[fwd.source], pair.id
