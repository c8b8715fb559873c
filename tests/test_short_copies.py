"""Short-copy candidates: a short article paired with the longer articles that hold most
of its rarer content words (``corpus.short_copies``), and what a scan, ``add`` and
``check`` make of them (``archive_short``)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from newstrace import archive_short
from newstrace.archive import Archive, _Words
from newstrace.corpus import short_copies
from newstrace.corpus.short_copies import MIN_RARE_TERMS, RARE_DOCUMENTS, short_copy_pairs
from newstrace.fingerprint import ContentTerms, fingerprint_parts, term_sets
from newstrace.model import Article
from newstrace.options import Options
from newstrace.scan import scan
from newstrace_synth.newsroom import brief_pair

from .conftest import met_sentence, name_maker


def _batch(articles: list[list[int]]) -> ContentTerms:
    """Content terms of a batch: each article's word hashes (distinct, sorted)."""
    rows = [r for r, words in enumerate(articles) for _ in sorted(set(words))]
    hashes = [h for words in articles for h in sorted(set(words))]
    return ContentTerms(np.array(hashes, np.int64), np.array(rows, np.int64), len(articles))


def test_a_short_article_is_paired_with_the_longer_ones_holding_most_of_its_rarer_words() -> None:
    short = [1, 2, 3, 4, 5]
    holds_four = [1, 2, 3, 4, *range(100, 110)]  # 4 of 5: 0.8
    holds_two = [1, 2, *range(200, 210)]  # 0.4: too few
    as_short = [1, 2, 3, 4, 5]  # as many words: not longer, so not its source (nor it its)
    pairs = short_copy_pairs([_batch([short, holds_four, holds_two, as_short])], Options())
    assert pairs.tolist() == [[0, 1], [1, 3]]
    # Rows count over the batches in order, whatever the batch boundaries.
    split = short_copy_pairs(
        [_batch([short, holds_four]), _batch([holds_two, as_short])], Options()
    )
    assert split.tolist() == [[0, 1], [1, 3]]
    assert short_copy_pairs([_batch([short, holds_four])], Options(short_copy_share=0)).size == 0
    # At 0.4 the article holding two of the five words is its source too.
    loose = short_copy_pairs(
        [_batch([short, holds_four, holds_two])], Options(short_copy_share=0.4)
    )
    assert loose.tolist() == [[0, 1], [0, 2]]


def test_only_rarer_words_count_and_long_articles_look_for_no_source() -> None:
    n = RARE_DOCUMENTS + 2  # word 7 is in more articles than a rarer word may be
    common = [7]
    short = [1, 2, 3, *common]
    source = [1, 2, 3, *range(300, 320), *common]
    filler = [[*common, 1000 + k] for k in range(n - 2)]
    batch = _batch([short, source, *filler])
    assert short_copy_pairs([batch], Options()).tolist() == [[0, 1]]
    # Without word 3 the short article has two rarer words, fewer than MIN_RARE_TERMS,
    # and the common word does not make up for it.
    assert MIN_RARE_TERMS == 3
    fewer = _batch([[1, 2, *common], source, *filler])
    assert short_copy_pairs([fewer], Options()).size == 0
    # An article with more distinct words than short_copy_terms looks for no source.
    assert short_copy_pairs([batch], Options(short_copy_terms=3)).size == 0


def test_blocks_batches_and_pruning_count_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    articles = [rng.sample(range(60), rng.randint(4, 40)) for _ in range(80)]
    whole = short_copy_pairs([_batch(articles)], Options())
    assert len(whole) > 10  # a real test: many short articles inside longer ones
    # Small blocks of posting entries, and an index pruned after nearly every batch of
    # ten articles, words dropping out as they pass RARE_DOCUMENTS articles.
    monkeypatch.setattr(short_copies, "_QUERY_BLOCK", 7)
    batches = [_batch(articles[k : k + 10]) for k in range(0, len(articles), 10)]
    assert short_copy_pairs(batches, Options()).tolist() == whole.tolist()


def test_the_index_keeps_only_the_rarer_words() -> None:
    index = short_copies.ShortCopyIndex()
    everywhere = 9
    for k in range(RARE_DOCUMENTS + 5):
        index.add(_batch([[everywhere, 1000 + k]]))
    index.pairs(Options())
    kept = {int(h) for h in np.concatenate(index._hashes).tolist()}
    assert everywhere not in kept and 1000 in kept


def test_content_terms_are_the_distinct_words_of_each_article_in_any_batch() -> None:
    texts = ["Harbour talks resume today", "talks talks resume", "", "Harbour resume"]
    parts = fingerprint_parts(texts, content=True, frequencies=False).content
    by_row = [sorted(parts.hashes[parts.rows == r].tolist()) for r in range(4)]
    assert len(by_row[0]) == 4 and len(by_row[1]) == 2 and by_row[2] == []
    assert set(by_row[3]) < set(by_row[0]) and set(by_row[1]) < set(by_row[0])
    alone = fingerprint_parts(texts[1:2], content=True, frequencies=False).content
    assert sorted(alone.hashes.tolist()) == by_row[1]  # the same hashes in another batch
    assert fingerprint_parts(texts, frequencies=False).content.hashes.size == 0


def brief_corpus(seed: int = 0) -> list[Article]:
    """An agency story inside a long multi-take file (about 3,000 words) and a brief
    made of its phrases (30-80 words): no band proposes the pair."""
    pair = brief_pair(random.Random(seed))
    takes = [brief_pair(random.Random(100 + seed * 10 + k)).source for k in range(6)]
    long_text = "\n\n".join([pair.source, *takes])
    return [Article(id="agency", text=long_text), Article(id="brief", text=pair.copy)]


def test_a_scan_finds_a_brief_of_a_long_agency_file_only_through_its_words() -> None:
    articles = brief_corpus()
    without = scan(articles, options=Options(short_copy_share=0))
    assert without.candidates == 0 and without.pairs == []
    found = scan(articles)
    assert found.candidates == 1
    assert [(p.a, p.b, p.source) for p in found.pairs] == [("agency", "brief", "agency")]
    assert found.pairs[0].relation in ("rewrite", "partial")


def test_short_copy_pairs_come_after_the_candidates_in_their_order() -> None:
    """The bands' candidates keep their order (a scan where the channel adds nothing
    verifies what it did before); only pairs they lack are appended."""
    bands = np.array([[5, 9], [0, 3], [2, 4]], dtype=np.int64)
    extra = np.array([[0, 3], [1, 7], [2, 4], [6, 8]], dtype=np.int64)
    merged = short_copies.with_short_copies(bands, extra, 10)
    assert merged.tolist() == [[5, 9], [0, 3], [2, 4], [1, 7], [6, 8]]
    assert short_copies.with_short_copies(bands, extra[:0], 10) is bands


def test_short_copy_options_out_of_range_are_refused_by_name() -> None:
    from newstrace.errors import OptionsError

    with pytest.raises(OptionsError, match="short_copy_share must be between 0 and 1"):
        Options(short_copy_share=1.5)
    with pytest.raises(OptionsError, match="short_copy_terms must not be negative"):
        Options(short_copy_terms=-1)


def test_check_finds_a_brief_of_a_long_archived_agency_file_only_through_its_words(
    tmp_path: Path,
) -> None:
    agency, brief = brief_corpus()
    with Archive(tmp_path / "a.db") as ar:
        ar.add([agency])
        assert ar.fts
        matches = ar.check(brief)
        assert [(m.id, m.band_hits) for m in matches] == [("agency", 0)]  # no band: 0 hits
        assert matches[0].comparison.relation in ("rewrite", "partial")
        ar.options = Options(short_copy_share=0)
        assert ar.check(brief) == []
        ar.options = Options()
        ar.fts = False  # an archive without a full-text index asks nothing of it
        assert ar.check(brief) == []


def test_add_links_a_brief_to_the_longer_article_before_it(tmp_path: Path) -> None:
    agency, brief = brief_corpus()
    with Archive(tmp_path / "a.db") as ar:
        ar.add([agency])
        ar.add([brief])
        assert [(p.a, p.b, p.source) for p in ar.pairs()] == [("agency", "brief", "agency")]
    with Archive(tmp_path / "none.db", options=Options(short_copy_share=0)) as ar:
        ar.add([agency, brief])  # one batch: the brief comes after the file all the same
        assert ar.pairs() == []
    # Added first, a brief has no longer source yet, and the file added later asks for
    # no shorter article (as README says); check finds the pair all the same.
    with Archive(tmp_path / "late.db") as ar:
        ar.add([brief])
        ar.add([agency])
        assert ar.pairs() == []
        assert [m.id for m in ar.check(brief)] == ["agency"]


def test_archive_short_copy_rows_count_the_rarer_words_of_a_short_article(
    tmp_path: Path,
) -> None:
    """The rules of the scan's channel, read from the archive's frequencies and full-text
    index: an article of at most short_copy_terms content words, at least MIN_RARE_TERMS
    of them rarer, holders of short_copy_share of them."""
    names = "Kalvrex Morthune Zibbolt Quenlow Drastovik Pellinar Vostrane Thimbrel".split()
    story = " ".join(f"{name} tallied the figures." for name in names)
    holder = Article(id="holder", text=story)
    stranger = Article(id="stranger", text="Nothing of the sort appears in this text at all.")
    with Archive(tmp_path / "a.db") as ar:
        ar.add([holder, stranger])
        terms = term_sets_words("Kalvrex, Morthune and Zibbolt met Quenlow.")
        df = ar.term_stats(terms).df
        rows = archive_short.short_copy_rows(ar._db, terms, df, ar.options, archived=False)
        assert rows == [1]  # the holder's row id
        shorter = Options(short_copy_terms=len(terms) - 1)
        assert archive_short.short_copy_rows(ar._db, terms, df, shorter, archived=False) == []
        few = term_sets_words("Kalvrex and Morthune.")
        assert len(few) < MIN_RARE_TERMS
        few_df = ar.term_stats(few).df
        assert archive_short.short_copy_rows(ar._db, few, few_df, ar.options, archived=False) == []


def _contained_corpus(seed: int = 0) -> tuple[Article, Article, list[Article]]:
    """A source of 50 sentences of invented names, a copy of its first 6 (Jaccard near
    0.12: the ordinary bands miss it with this seed), and unrelated fillers of the same
    make."""
    name, sentence = name_maker(random.Random(seed)), met_sentence

    names = [name() for _ in range(200)]
    sentences = [sentence(names[k : k + 4]) for k in range(0, 200, 4)]
    fillers = [
        Article(
            id=f"filler{k}", text=" ".join(sentence([name() for _ in range(4)]) for _ in range(8))
        )
        for k in range(10)
    ]
    source = Article(id="source", text=" ".join(sentences))
    return source, Article(id="copy", text=" ".join(sentences[:6])), fillers


def test_the_archive_finds_a_copy_inside_a_long_source_as_the_containment_bands_do(
    tmp_path: Path,
) -> None:
    """Articles holding a share of a new article's rarer names are judged as a scan
    judges the pairs of its containment bands (words alone are left out here: no short
    copies)."""
    source, copy, fillers = _contained_corpus()
    words_off = Options(short_copy_share=0)
    bands_only = words_off.with_(containment_bands=0)
    for options, want in ((bands_only, []), (words_off, [("copy", "source")])):
        with Archive(tmp_path / f"{len(want)}.db", options=options) as ar:
            ar.add([source, *fillers, copy])
            assert [(p.a, p.b) for p in ar.pairs()] == want
    with Archive(tmp_path / "check.db", options=words_off) as ar:
        ar.add([source, *fillers])
        assert [m.id for m in ar.check(copy)] == ["source"]
        # Its names alone propose the source (row 1), and the scan's judges keep it.
        assert list(ar._contained(copy, _Words.of(copy.text, ar), ())) == [1]
        ar.options = bands_only
        assert ar._contained(copy, _Words.of(copy.text, ar), ()) == {}


def term_sets_words(text: str) -> frozenset[str]:
    """A text's distinct content words (``fingerprint.term_sets``)."""
    return term_sets(text)[0]
