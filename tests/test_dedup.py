"""Dedup stage: one article per family, by the level of reuse the curator chooses."""

from __future__ import annotations

import pytest

from newstrace.dedup import deduplicate
from newstrace.errors import OptionsError
from newstrace.model import PairResult, Relation


def _pair(a: str, b: str, relation: Relation, source: str | None) -> PairResult:
    return PairResult(a, b, relation, 1.0, 1.0, source, 0.9)


PAIRS = [
    _pair("wire", "reprint", "duplicate", "wire"),
    _pair("rewrite", "wire", "rewrite", "wire"),
    _pair("column", "wire", "partial", "wire"),
    _pair("other", "other-copy", "duplicate", None),
]
IDS = ["reprint", "wire", "rewrite", "column", "other", "other-copy", "alone"]
PUBLISHED = {"other": "2026-01-02T10:00", "other-copy": "2026-01-01T09:00"}


def test_rewrite_level_drops_reprints_and_rewrites_and_keeps_the_source() -> None:
    d = deduplicate(IDS, PAIRS, PUBLISHED)
    assert d.kept == ("wire", "column", "other-copy", "alone")
    assert d.removed == {"reprint": "wire", "rewrite": "wire", "other": "other-copy"}


def test_duplicate_level_keeps_rewrites() -> None:
    d = deduplicate(IDS, PAIRS, PUBLISHED, level="duplicate")
    assert "rewrite" in d.kept and d.removed["reprint"] == "wire"


def test_partial_level_also_drops_an_article_that_took_a_passage() -> None:
    d = deduplicate(IDS, PAIRS, PUBLISHED, level="partial")
    assert d.removed["column"] == "wire"
    assert set(d.kept) | set(d.removed) == set(IDS)


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(OptionsError, match="level must be one of"):
        deduplicate(IDS, PAIRS, PUBLISHED, level="some")
