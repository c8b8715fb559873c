"""The synthetic generators (newstrace_synth): structure, labels and determinism.

These check what the generators promise about their own text, not how newstrace scores
it (the newsroom patterns are measured by bench/eval_newsroom.py).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from newstrace_synth import textgen
from newstrace_synth.corpus import build_corpus
from newstrace_synth.newsroom import (
    DERIVATION,
    PATTERNS,
    RELATION,
    NewsroomPair,
    newsroom_pair,
    newsroom_pairs,
    word_ngrams,
    words_of,
)

N = 6  # pairs per pattern: enough to meet each generator's branches, fast (< 1 s)


@pytest.fixture(scope="module")
def pairs() -> list[NewsroomPair]:
    return newsroom_pairs(N, seed=11)


def by_pattern(pairs: list[NewsroomPair], pattern: str) -> list[NewsroomPair]:
    out = [p for p in pairs if p.pattern == pattern]
    assert len(out) == N
    return out


def test_package_is_importable_without_bench_on_the_path() -> None:
    rng = random.Random(3)
    a, b = textgen.make_pair("spun", rng, 300)
    assert a.words > 200 and b.text != a.text
    corpus = build_corpus(40, 2)
    assert len(corpus.items) == 40 and corpus.pairs


def test_deterministic_and_independent_of_n() -> None:
    one = newsroom_pairs(2, seed=5)
    two = newsroom_pairs(2, seed=5)
    assert [(p.source, p.copy, p.relation) for p in one] == [
        (p.source, p.copy, p.relation) for p in two
    ]
    # Pair k of a pattern does not depend on how many were asked for.
    assert newsroom_pair("brief", 5, 1).copy == one[1].copy
    assert newsroom_pairs(3, seed=5)[3 + 1].copy == newsroom_pair("same_event", 5, 1).copy
    assert newsroom_pair("brief", 6, 1).copy != one[1].copy


def test_labels_ids_and_times(pairs: list[NewsroomPair]) -> None:
    assert len(pairs) == N * len(PATTERNS)
    assert len({p.id for p in pairs}) == len(pairs)
    for p in pairs:
        assert p.relation == RELATION[p.pattern]
        assert p.relation in DERIVATION
        assert p.derivation in ("wholly", "partially", "non")
        assert (p.gold_source == "a") == (p.derivation != "non")
        assert p.source.strip() and p.copy.strip() and p.source != p.copy
        assert p.source_published and p.copy_published
        a, b = (
            dt.datetime.fromisoformat(p.source_published),
            dt.datetime.fromisoformat(p.copy_published),
        )
        assert (a.hour, a.minute) != (0, 0)  # a time of day, not a bare date
        if p.derivation != "non":
            assert a < b  # the agency copy comes first
        recs = p.records()
        assert [r["id"] for r in recs] == [f"{p.id}-a", f"{p.id}-b"]
        assert recs[0]["text"] == p.source and recs[1]["published"] == p.copy_published
    assert {p.relation for p in pairs} == set(DERIVATION)


def test_unknown_pattern() -> None:
    with pytest.raises(ValueError, match="unknown pattern"):
        newsroom_pair("nope", 1)


def _body(text: str) -> str:
    """The copy's body: everything after the headline and an optional byline."""
    blocks = text.strip().split("\n\n")
    return " ".join(b for b in blocks[1:] if not b.startswith("By "))


def test_brief_is_short_and_made_of_source_fragments(pairs: list[NewsroomPair]) -> None:
    for p in by_pattern(pairs, "brief"):
        body = _body(p.copy)
        sentences = [s for s in body.split(". ") if s]
        assert 1 <= len(sentences) <= 3
        assert len(body.split()) <= 100
        assert len(p.source.split()) >= 3 * len(body.split())
        frags = p.notes["fragments"]
        assert len(frags) >= 2 * len(sentences)
        assert len(set(p.notes["source_sentences"])) >= 2
        for f in frags:
            assert f in p.source  # verbatim phrases of the agency copy
            assert f[1:] in body
        in_frags = sum(len(f.split()) for f in frags)
        assert in_frags >= 0.8 * len(body.split())  # almost all of it is agency wording


def test_same_event_shares_names_and_quote_not_wording(pairs: list[NewsroomPair]) -> None:
    for p in by_pattern(pairs, "same_event"):
        for name in p.notes["shared_names"]:
            assert name.lower() in p.source.lower() and name.lower() in p.copy.lower()
        q = p.notes["quote"]
        assert q in p.source and q in p.copy and len(q.split()) < 8
        assert not word_ngrams(p.source, 8) & word_ngrams(p.copy, 8)
        # Same figures: at least one figure of the agency copy is in the other report.
        assert p.notes["shared_figures"]
        for fig in p.notes["shared_figures"]:
            assert fig in p.source and fig in p.copy


def test_agency_plus_own_is_partly_from_the_source(pairs: list[NewsroomPair]) -> None:
    for p in by_pattern(pairs, "agency_plus_own"):
        assert 0.3 <= p.notes["source_share"] <= 0.6
        flags = p.notes["from_source"]
        assert any(flags) and not all(flags)
        # The paper's own sentences share no 8-word run with the agency copy, and the
        # measured word share of copy 8-grams found in the source sits near the claim.
        src = word_ngrams(p.source, 8)
        words = words_of(_body(p.copy))
        covered = {
            i + k for i in range(len(words) - 7) if tuple(words[i : i + 8]) in src for k in range(8)
        }
        assert 0.1 <= len(covered) / len(words) <= 0.65


def test_multi_take_source_is_long_and_redundant(pairs: list[NewsroomPair]) -> None:
    for p in by_pattern(pairs, "multi_take"):
        ratio = len(p.source.split()) / len(p.copy.split())
        assert 2.0 <= ratio <= 6.0
        assert "FIRST TAKE" in p.source and "NIGHT LEAD" in p.source
        assert len(p.notes["takes"]) >= 4
        # Redundant: the agency lead (after its dateline) is filed more than once.
        first = p.source.split("\n\n")[2]
        lead_words = first.split(" – ", 1)[1].split()[:8]
        assert p.source.count(" ".join(lead_words)) >= 2


def test_chrome_reprint_wraps_the_verbatim_story(pairs: list[NewsroomPair]) -> None:
    for p in by_pattern(pairs, "chrome_reprint"):
        headline, body = p.source.strip().split("\n\n", 1)
        assert body in p.copy and headline in p.copy
        above = p.copy.split(headline, 1)[0]
        assert above.strip()  # menu and masthead above the headline
        assert p.notes["chrome_above"][0] in above
        assert p.copy_byline is not None and p.source_site is not None
        assert p.source_site in p.copy_byline  # "By <Agency>" credit
        assert p.copy.index(body) + len(body) < len(p.copy.rstrip())  # share lines after


def test_unrelated_share_little_wording(pairs: list[NewsroomPair]) -> None:
    for p in by_pattern(pairs, "unrelated"):
        # Stock phrasing ("said they had not been consulted about the") may recur.
        b = word_ngrams(p.copy, 8)
        assert len(word_ngrams(p.source, 8) & b) <= 0.03 * len(b)
        assert p.source.split("\n", 1)[0] != p.copy.split("\n", 1)[0]
