"""The compare pipeline end to end: the demo corpus as an accuracy gate, symmetry, offsets,
and the real seed pair from ../shared (skipped when absent)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace import Options, compare, iter_articles
from newstrace.model import Article, Comparison
from newstrace.report.json_report import comparison_dict

from .conftest import DEMO, ROOT

TRUTH = json.loads((ROOT / "demo" / "truth.json").read_text(encoding="utf-8"))
REUSE = {"duplicate", "rewrite", "partial"}


@pytest.fixture(scope="module")
def demo_articles() -> dict[str, Article]:
    """The demo corpus with its invented metadata (dates, sites) from corpus.jsonl."""
    return {a.id: a for a in iter_articles([ROOT / "demo" / "corpus.jsonl"])}


@pytest.fixture(scope="module")
def all_pairs(demo_articles: dict[str, Article]) -> dict[tuple[str, str], Comparison]:
    ids = sorted(demo_articles)
    return {
        (x, y): compare(demo_articles[x], demo_articles[y])
        for x, y in itertools.combinations(ids, 2)
    }


def test_planted_relations(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    for pair in TRUTH["pairs"]:
        got = all_pairs[(pair["a"], pair["b"])]
        assert got.relation == pair["relation"], (pair, got.coverage, got.reasons)


def test_planted_sources(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    for pair in TRUTH["pairs"]:
        if pair["source"] is None:
            continue
        got = all_pairs[(pair["a"], pair["b"])]
        assert {"a": pair["a"], "b": pair["b"]}.get(got.source) == pair["source"], got.reasons


def test_reuse_precision_recall_gate(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    """Pairs called reuse vs planted reuse, plus siblings derived from one original
    (two copies of 01-wire share its text, so calling them related is right)."""
    planted = {(p["a"], p["b"]) for p in TRUTH["pairs"] if p["relation"] in REUSE}
    family = {
        "01-wire",
        "02-reprint-herald",
        "03-reprint-daily",
        "04-spin",
        "05-summary",
        "06-partial",
    }
    allowed = planted | {pair for pair in all_pairs if set(pair) <= family}
    found = {pair for pair, c in all_pairs.items() if c.relation in REUSE}
    recall = len(found & planted) / len(planted)
    precision = len(found & allowed) / len(found)
    assert recall == 1.0
    assert precision == 1.0, sorted(found - allowed)


def test_independent_and_unrelated_are_not_reuse(
    all_pairs: dict[tuple[str, str], Comparison],
) -> None:
    assert all_pairs[("01-wire", "07-independent")].relation == "same-story"
    for other in ("08-unrelated-sport", "09-unrelated-science", "10-unrelated-culture"):
        assert all_pairs[("01-wire", other)].relation == "unrelated"
        assert all_pairs[("01-wire", other)].alignments == ()


def _drift_found(c: Comparison, kind: str, source_text: str, rewritten_text: str) -> bool:
    """A drift of this kind whose source span lies in the planted source text and whose
    derived span lies in the planted rewritten text."""
    a_lo = c.a.text.find(source_text)
    b_lo = c.b.text.find(rewritten_text)
    assert a_lo >= 0 and b_lo >= 0, "truth text not found in the corpus"
    a_hi, b_hi = a_lo + len(source_text), b_lo + len(rewritten_text)
    for d in c.drifts:
        if d.kind != kind or d.a is None or d.b is None:
            continue
        if d.a.start < a_hi and a_lo < d.a.end and d.b.start < b_hi and b_lo < d.b.end:
            return True
    return False


def test_planted_drifts(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    for drift in TRUTH["drifts"]:
        c = all_pairs[(drift["a"], drift["b"])]
        assert _drift_found(c, drift["kind"], drift["source_text"], drift["rewritten_text"]), (
            drift,
            [(d.kind, d.note) for d in c.drifts],
        )


def test_reprints_have_no_drift(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    assert all_pairs[("01-wire", "02-reprint-herald")].drifts == ()
    assert all_pairs[("01-wire", "03-reprint-daily")].drifts == ()


def test_offsets_inside_texts_and_ordered(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    for c in all_pairs.values():
        for al in c.alignments:
            assert 0 <= al.a.start < al.a.end <= len(c.a.text)
            assert 0 <= al.b.start < al.b.end <= len(c.b.text)
        for d in c.drifts:
            for span, text in ((d.a, c.a.text), (d.b, c.b.text)):
                assert span is None or 0 <= span.start <= span.end <= len(text)
        for bp in (*c.boilerplate_a, *c.boilerplate_b):
            assert bp.span.start < bp.span.end


def test_aligned_passages_never_hold_boilerplate(
    all_pairs: dict[tuple[str, str], Comparison],
) -> None:
    for c in all_pairs.values():
        for al in c.alignments:
            for bp in c.boilerplate_a:
                assert not (bp.span.start < al.a.end and al.a.start < bp.span.end)
            for bp in c.boilerplate_b:
                assert not (bp.span.start < al.b.end and al.b.start < bp.span.end)


def test_compare_is_symmetric(demo_articles: dict[str, Article]) -> None:
    for x, y in (
        ("01-wire", "04-spin"),
        ("01-wire", "05-summary"),
        ("01-wire", "06-partial"),
        ("11-wire-second", "12-spin-second"),
    ):
        ab = compare(demo_articles[x], demo_articles[y])
        ba = compare(demo_articles[y], demo_articles[x])
        assert ab.relation == ba.relation
        assert {"a": "b", "b": "a", None: None}[ab.source] == ba.source
        assert sorted((al.a, al.b) for al in ab.alignments) == sorted(
            (al.b, al.a) for al in ba.alignments
        )


def test_strings_and_paths_are_accepted() -> None:
    wire = DEMO / "01-wire.txt"
    by_path = compare(wire, DEMO / "02-reprint-herald.txt")
    text = wire.read_text(encoding="utf-8")
    by_string = compare(text, text)
    assert by_path.relation == "duplicate"
    assert by_string.relation == "duplicate" and by_string.coverage.a == 1.0


def test_keep_boilerplate_option_reports_nothing_removed() -> None:
    c = compare(
        DEMO / "01-wire.txt",
        DEMO / "02-reprint-herald.txt",
        options=Options(strip_boilerplate=False),
    )
    assert c.boilerplate_a == () and c.boilerplate_b == ()


def test_json_schema_has_documented_fields(all_pairs: dict[tuple[str, str], Comparison]) -> None:
    d = comparison_dict(all_pairs[("01-wire", "04-spin")])
    assert {
        "relation",
        "source",
        "reasons",
        "coverage",
        "alignments",
        "drifts",
        "boilerplate",
    } <= set(d)
    assert set(d["coverage"]) == {"a", "b"}
    assert {"a_start", "a_end", "b_start", "b_end", "score"} <= set(d["alignments"][0])
    assert {"kind", "a_start", "a_end", "b_start", "b_end", "a_text", "b_text", "note"} <= set(
        d["drifts"][0]
    )
    json.dumps(d)  # serialisable as is


# --- the real seed pair ---------------------------------------------------------------


def _sentences_of(path: Path) -> tuple[Article, list[tuple[int, int]]]:
    from newstrace.compare import prepare
    from newstrace.ingest import read_article

    art = read_article(path)
    return art, [(s.start, s.end) for s in prepare(art).side.spans]


def test_seed_pair(seeds: tuple[Path, Path]) -> None:
    a_path, b_path = seeds
    c = compare(a_path, b_path)
    assert c.relation == "rewrite"
    assert c.source == "a"  # 003 carries "appeared first on": it is the copy
    _, b_sentences = _sentences_of(b_path)
    assert len(b_sentences) >= 17
    for lo, hi in b_sentences:  # every body sentence of the deep spin is aligned
        assert any(al.b.start <= lo and hi <= al.b.end for al in c.alignments), c.b.text[lo:hi]
    notes = " | ".join(d.note for d in c.drifts)
    assert any(
        d.kind == "quote_changed" and "allies" in d.a_text and "partners" in d.b_text
        for d in c.drifts
    ), notes
    assert any(
        d.kind == "time_dropped" and "4:07" in d.a_text and "5:21" in d.a_text for d in c.drifts
    ), notes
    assert any(
        d.kind == "merged" and "June" in d.a_text and "nuclear" in d.a_text for d in c.drifts
    ), notes
    assert any(
        d.kind == "actor_swapped" and d.a_text == "Russia" and d.b_text == "Putin" for d in c.drifts
    ), notes
    # The boilerplate of both copies is found and none of it is aligned.
    a_removed = " ".join(c.a.text[bp.span.start : bp.span.end] for bp in c.boilerplate_a)
    b_removed = " ".join(c.b.text[bp.span.start : bp.span.end] for bp in c.boilerplate_b)
    assert "Check Also" in a_removed and "About Wendy Hall" in a_removed
    assert "appeared first on" in b_removed and "Leave a reply" in b_removed


_SCORE_DIGEST = """
import hashlib, random
from newstrace.align import _weight_sum, score_matrix
from newstrace.compare import prepare
from newstrace.model import Article
from newstrace_synth import textgen
h = hashlib.sha256()
rng = random.Random(4)
for kind in ("spun", "partial", "verbatim"):
    first, second = textgen.make_pair(kind, rng)
    a = prepare(Article(id="a", text=first.text)).side
    b = prepare(Article(id="b", text=second.text)).side
    m = score_matrix(a, b)
    h.update(m.score.tobytes())
    h.update(repr([_weight_sum(m.weights, t) for t in a.terms]).encode())
print(h.hexdigest())
"""


def test_scores_are_the_same_in_every_process() -> None:
    """Sentence scores and weight sums do not depend on the string-hash salt (set order):
    the same pair scores the same, bit for bit, in any process (a scan's workers, Spark's
    executors, tomorrow's rerun)."""
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _SCORE_DIGEST],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(run.stdout.strip())
    assert len(digests) == 1


@pytest.mark.parametrize("step", [None, 7])
def test_shared_weight_of_each_sentence_pair_is_the_weight_of_their_common_terms(
    monkeypatch: pytest.MonkeyPatch, step: int | None
) -> None:
    """The aligner sums, for each sentence pair, the weights of the terms both sentences
    hold (visiting only the pairs a shared term joins), also when the sum is taken in
    small steps, as for two very long documents (``step``: contributions per step)."""
    import math
    import random

    import numpy as np

    from newstrace import align
    from newstrace.compare import prepare
    from newstrace_synth import textgen

    if step is not None:
        monkeypatch.setattr(align, "_CONTRIBUTIONS", step)
    first, second = textgen.make_pair("spun", random.Random(11))
    a = prepare(Article(id="a", text=first.text)).side
    b = prepare(Article(id="b", text=second.text)).side
    ta, tb = align._article_terms(a), align._article_terms(b)
    shared = align._shared_terms(ta, tb)
    wa, _ = align._pair_weights(a, b, shared, None)
    got = align._shared_weight(ta, tb, shared, wa[shared.in_a], len(a.terms), len(b.terms))
    weight = dict(zip(ta.names, wa.tolist(), strict=True))
    want = np.array([[math.fsum(weight[t] for t in sa & sb) for sb in b.terms] for sa in a.terms])
    assert want.max() > 0  # the spin keeps terms: the check reads real sums
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_tokens_and_forms_of_a_range_are_the_tokens_lying_inside_it() -> None:
    """``Side.tokens_in`` / ``forms_in`` make only their range's tokens (from the
    columns, or from the whole tuple once made): the same as filtering every token, for
    ranges that cut through tokens at either end."""
    from newstrace.compare import prepare

    text = "Mr. O'Neill said 3,500 people—“many of them”—left at 9.30 p.m.\n\nMore came later."
    every = prepare(Article(id="t", text=text)).side.tokens
    ranges = [(0, len(text)), (2, 20), (5, 6), (19, 44), (30, 30), (44, len(text) - 3)]
    for tuple_made in (False, True):
        side = prepare(Article(id="t", text=text)).side
        if tuple_made:
            assert side.tokens == every
        for start, end in ranges:
            inside = [t for t in every if start <= t.start and t.end <= end]
            assert side.tokens_in(start, end) == inside, (tuple_made, start, end)
            assert side.forms_in(start, end) == [t.form for t in inside]


@pytest.mark.parametrize(
    "text",
    [
        "Mayor backs plan\n\nPublished May 2, 2024\n\nThe mayor said on Monday that the plan "
        "costs €3.5 million. \u201cIt is binding,\u201d she said.\n\nShare this story\n",
        "وزیر اعظم نے کہا کہ منصوبہ اگلے سال مکمل ہوگا۔ اس پر ۳۵ کروڑ روپے لاگت آئے گی۔",
        "市长周一表示，该计划耗资三百万。她说这是有约束力的。",
        "A sentence.Another one glued to it.And a third, with 3.5% growth.",
        "",
    ],
)
def test_text_columns_split_the_whole_text_as_token_columns(text: str) -> None:
    """A side's tokens plus those between its sentences are the whole text's tokens
    (the copy trees read them so), where sentence edges have a space and where not."""
    from newstrace.compare import prepare
    from newstrace.text import token_columns

    side = prepare(Article(id="t", text=text)).side
    assert side.text_columns() == token_columns(text)


def test_text_columns_of_the_demo_corpus(demo_articles: dict[str, Article]) -> None:
    from newstrace.compare import prepare
    from newstrace.text import token_columns

    for article in demo_articles.values():
        side = prepare(article).side
        assert side.text_columns() == token_columns(article.text), article.id
