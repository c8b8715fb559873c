"""Fingerprints, banding, scan and families on the demo corpus and on synthetic sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newstrace import Options, iter_articles
from newstrace.cluster import build_families, components
from newstrace.compare import prepare
from newstrace.errors import OptionsError
from newstrace.fingerprint import estimate_jaccard, fingerprint_texts, signatures
from newstrace.lsh import Banding, band_keys, candidate_pairs, optimal_banding
from newstrace.model import Article, PairResult, ScanResult
from newstrace.scan import scan

from .conftest import ROOT, met_sentence, name_maker

TRUTH = json.loads((ROOT / "demo" / "truth.json").read_text(encoding="utf-8"))


def _random_sets(
    rng: np.random.Generator, size: int, jaccard: float
) -> tuple[np.ndarray, np.ndarray]:
    shared = round(2 * jaccard * size / (1 + jaccard))
    common = rng.integers(0, 2**63, shared, dtype=np.uint64)
    a = np.concatenate([common, rng.integers(0, 2**63, size - shared, dtype=np.uint64)])
    b = np.concatenate([common, rng.integers(0, 2**63, size - shared, dtype=np.uint64)])
    return a, b


@pytest.mark.parametrize("jaccard", [0.1, 0.3, 0.5, 0.8])
def test_signature_estimates_jaccard(jaccard: float) -> None:
    rng = np.random.default_rng(7)
    errors = []
    for _ in range(20):
        a, b = _random_sets(rng, 400, jaccard)
        sig = signatures([a, b], 128)
        errors.append(estimate_jaccard(sig[0], sig[1]) - jaccard)
    assert abs(float(np.mean(errors))) < 0.03  # unbiased
    assert float(np.std(errors)) < 0.07  # about sqrt(J(1-J)/128)


def test_signatures_are_stable_and_batch_independent() -> None:
    texts = [
        "Alpha Beta gamma delta, 12 epsilon.",
        "Other words here entirely: zeta eta 99.",
        "",
        "短い中文新闻文本测试",
        "one two",
    ]
    whole = fingerprint_texts(texts)
    for k, text in enumerate(texts):
        alone = fingerprint_texts([text])
        assert (alone.shingles[0] == whole.shingles[k]).all()
        assert (alone.skeleton[0] == whole.skeleton[k]).all()
    # Stable across runs: a fixed value pins the hash (Spark and local must agree).
    assert int(whole.shingles[0].sum()) == int(fingerprint_texts([texts[0]]).shingles[0].sum())
    assert (whole.shingles[2] == np.uint32(0xFFFFFFFF)).all()  # no words: empty signature


def test_optimal_banding_matches_the_datasketch_criterion() -> None:
    # Values of datasketch's _optimal_param(threshold, 128, 0.5, 0.5), recorded.
    assert (optimal_banding(0.3).bands, optimal_banding(0.3).rows) == (37, 3)
    assert (optimal_banding(0.5).bands, optimal_banding(0.5).rows) == (25, 5)
    b = optimal_banding(0.4)
    assert b.probability(0.8) > 0.99 and b.probability(0.1) < 0.01


def test_optimal_banding_is_the_first_best_pair_of_the_pair_by_pair_search() -> None:
    """The banding integrated for all (bands, rows) at once is the one a search pair by
    pair (bands, then rows, first best kept) finds: band keys, and so archives and
    Spark outputs, stay what they were."""

    def one_by_one(threshold: float, num_perm: int, fp_w: float, fn_w: float) -> Banding:
        s_lo, s_hi = np.linspace(0.0, threshold, 201), np.linspace(threshold, 1.0, 201)
        best: tuple[float, int, int] | None = None
        for b in range(1, num_perm + 1):
            for r in range(1, num_perm // b + 1):
                fp = np.trapezoid(1.0 - (1.0 - s_lo**r) ** b, s_lo)
                fn = np.trapezoid((1.0 - s_hi**r) ** b, s_hi)
                err = float(fp_w * fp + fn_w * fn)
                if best is None or err < best[0]:
                    best = (err, b, r)
        assert best is not None
        return Banding(best[1], best[2])

    opts = Options()
    for threshold in (opts.shingle_threshold, opts.skeleton_threshold, 0.05, 0.5, 0.93):
        for num_perm, fp_w, fn_w in ((128, 0.5, 0.5), (64, 0.3, 0.7), (256, 0.7, 0.3)):
            want = one_by_one(threshold, num_perm, fp_w, fn_w)
            assert optimal_banding(threshold, num_perm, 0, fp_w, fn_w) == want


def test_band_keys_and_candidates() -> None:
    rng = np.random.default_rng(3)
    a, b = _random_sets(rng, 300, 0.9)
    c, _ = _random_sets(rng, 300, 0.0)
    sig = signatures([a, b, c, np.empty(0, np.uint64), np.empty(0, np.uint64)], 128)
    keys = band_keys(sig, Banding(32, 4))
    pairs = candidate_pairs(keys)
    assert pairs.tolist() == [[0, 1]]  # empty articles never pair with each other


def test_candidate_buckets_over_the_limit_are_skipped() -> None:
    keys = np.full((10, 1), 42, dtype=np.int64)
    assert len(candidate_pairs(keys, max_bucket=20)) == 45
    assert len(candidate_pairs(keys, max_bucket=5)) == 0


def test_candidates_made_in_chunks_equal_all_pairs_of_every_bucket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Key columns sorted in blocks and bucket pairs deduplicated in chunks (tiny ones
    here, so that every merge path runs) give the distinct pairs of every bucket."""
    import newstrace.lsh as lsh

    rng = np.random.default_rng(7)
    keys = np.stack([rng.integers(0, 40, 300) + 1_000 * c for c in range(9)], axis=1).astype(
        np.int64
    )  # each column its own keys, as band_keys makes them
    keys[rng.random(keys.shape) < 0.1] = -1
    expected = set()
    for c in range(keys.shape[1]):
        for key in set(keys[:, c].tolist()) - {-1}:
            rows = np.flatnonzero(keys[:, c] == key).tolist()
            if len(rows) <= 12:
                expected |= {(i, j) for i in rows for j in rows if i < j}
    monkeypatch.setattr(lsh, "_PAIR_CHUNK", 50)
    monkeypatch.setattr(lsh, "_KEY_COLUMNS", 2)
    got = candidate_pairs(keys, max_bucket=12)
    assert [tuple(p) for p in got.tolist()] == sorted(expected)


def test_a_pair_the_screen_kept_is_not_offered_to_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pairs that share several buckets come back chunk after chunk; once kept, they are
    not screened again, and the candidates are those of screening every bucket pair
    (tiny chunks and a tiny small part of the kept codes, so that every merge runs)."""
    import newstrace.lsh as lsh

    rng = np.random.default_rng(11)
    keys = np.stack([rng.integers(0, 25, 200) + 1_000 * c for c in range(12)], axis=1).astype(
        np.int64
    )
    every = set()
    for c in range(keys.shape[1]):
        for key in set(keys[:, c].tolist()):
            rows = np.flatnonzero(keys[:, c] == key).tolist()
            if len(rows) <= 15:
                every |= {(i, j) for i in rows for j in rows if i < j}
    offered: list[tuple[int, int]] = []

    def keep(pairs: np.ndarray) -> np.ndarray:
        offered.extend((int(i), int(j)) for i, j in pairs.tolist())
        return pairs[(pairs[:, 0] + pairs[:, 1]) % 3 != 0]

    monkeypatch.setattr(lsh, "_PAIR_CHUNK", 40)
    monkeypatch.setattr(lsh, "_KEY_COLUMNS", 3)
    monkeypatch.setattr(lsh, "_KEPT_SMALL", 1)
    got = candidate_pairs(keys, max_bucket=15, keep=keep)
    assert [tuple(p) for p in got.tolist()] == sorted(p for p in every if sum(p) % 3)
    seen_kept: set[tuple[int, int]] = set()
    for pair in offered:
        assert pair not in seen_kept
        if sum(pair) % 3:
            seen_kept.add(pair)
    assert len(offered) > len(set(offered))  # rejected pairs do come back: only kept ones not


def test_band_keys_made_in_row_blocks_equal_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    import newstrace.lsh as lsh

    rng = np.random.default_rng(5)
    sig = signatures([_random_sets(rng, 200, 0.5)[0] for _ in range(50)], 128)
    whole = band_keys(sig, Banding(32, 4))
    pairs_whole = lsh.pair_band_keys(sig, 64, 2)
    monkeypatch.setattr(lsh, "_BAND_ROWS", 7)
    assert np.array_equal(band_keys(sig, Banding(32, 4)), whole)
    assert np.array_equal(lsh.pair_band_keys(sig, 64, 2), pairs_whole)


def test_band_keys_written_into_one_table_equal_each_channel_s_keys() -> None:
    """``band_keys_of`` writes each channel's keys into its columns of one table: the
    same keys, in the same columns, as each channel's own key table."""
    import newstrace.lsh as lsh
    from newstrace.corpus.prints import _CONTAINMENT_CHANNEL, band_keys_of, bandings_of
    from newstrace.fingerprint import Fingerprints

    rng = np.random.default_rng(6)
    sig = signatures([_random_sets(rng, 200, 0.5)[0] for _ in range(40)], 128)
    other = signatures([_random_sets(rng, 120, 0.4)[0] for _ in range(40)], 128)
    fp = Fingerprints(sig, other, np.full(40, 10, dtype=np.int32))
    options = Options()
    shingles, skeleton = bandings_of(options)
    expected = np.concatenate(
        [
            band_keys(sig, shingles),
            band_keys(other, skeleton),
            lsh.pair_band_keys(other, options.containment_bands, _CONTAINMENT_CHANNEL),
        ],
        axis=1,
    )
    assert np.array_equal(band_keys_of(fp, options), expected)
    with pytest.raises(ValueError, match="out must be"):
        band_keys(sig, shingles, out=np.empty((40, shingles.bands + 1), dtype=np.int64))


def test_band_keys_made_a_block_of_columns_at_a_time_equal_the_whole_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scan's key table (``BandKeys``) makes each block of columns when it is read:
    any block, also one that runs across the channels' borders, holds the columns of
    the whole table (empty rows -1 as there), and the candidate pass reading blocks of
    5 columns finds the pairs it finds in the whole array."""
    import newstrace.lsh as lsh
    from newstrace.corpus import BandKeys, CorpusFingerprinter, band_keys_of

    options = Options()
    printer = CorpusFingerprinter(options)
    printer.add_all(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    printer.add_bodies(["", "A short one.", "Another short one about nothing at all."])
    fp, keys = printer.finish()
    assert isinstance(keys, BandKeys)
    whole = band_keys_of(fp, options)
    n, k = keys.shape
    assert whole.shape == (n, k) and (whole == -1).all(axis=1).any()
    for lo, hi in [(0, k), (0, 1), (3, 70), (75, 90), (k - 130, k - 120), (k - 7, k), (40, 41)]:
        assert np.array_equal(keys.block(lo, hi), whole[:, lo:hi]), (lo, hi)
    monkeypatch.setattr(lsh, "_KEY_COLUMNS", 5)
    found = candidate_pairs(keys, options.max_bucket)
    assert len(found) and found.tolist() == candidate_pairs(whole, options.max_bucket).tolist()


def test_components_and_original() -> None:
    assert components([("b", "c"), ("a", "b"), ("x", "y")]) == [["a", "b", "c"], ["x", "y"]]
    pairs = [
        PairResult("a", "b", "rewrite", 1, 1, "a", 0.9),
        PairResult("a", "c", "duplicate", 1, 1, None, 1.0),
        PairResult("b", "c", "rewrite", 1, 1, "c", 0.8),
    ]
    fams = build_families(pairs, {"a": "2020-01-02", "b": "2020-01-01", "c": None})
    assert len(fams) == 1 and fams[0].members == ("a", "b", "c")
    assert fams[0].original == "a"  # named source once, never the copy


def test_scan_demo_corpus_finds_planted_reuse() -> None:
    result = scan(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    found = {(p.a, p.b): p for p in result.pairs}
    for pair in TRUTH["pairs"]:
        key = (pair["a"], pair["b"])
        if pair["relation"] in ("duplicate", "rewrite", "partial"):
            assert key in found, key
            assert found[key].relation == pair["relation"]
        else:
            assert key not in found
    originals = {f.original: set(f.members) for f in result.families}
    assert originals["01-wire"] == {
        "01-wire",
        "02-reprint-herald",
        "03-reprint-daily",
        "04-spin",
        "05-summary",
        "06-partial",
    }
    assert originals["11-wire-second"] == {"11-wire-second", "12-spin-second"}
    assert not any("08-unrelated-sport" in f.members for f in result.families)


def test_scan_skips_duplicate_ids() -> None:
    arts = [
        Article(id="x", text="A sentence about one thing that happened today."),
        Article(id="x", text="Another text entirely, about something else."),
    ]
    result = scan(arts)
    assert (
        result.articles == 1 and len(result.failed) == 1 and "duplicate id" in str(result.failed[0])
    )


def test_scan_is_independent_of_input_order_and_batching() -> None:

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    one = scan(arts)
    other = scan(list(reversed(arts)), options=Options(batch_size=3))
    assert one.pairs == other.pairs
    assert one.families == other.families


def test_parallel_verification_and_trees_give_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    from newstrace import scan as scan_module

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    one = scan(arts, options=Options(screen_share=0.0))
    monkeypatch.setattr(scan_module, "_PARALLEL_MIN_PAIRS", 1)  # fork even for a tiny corpus
    monkeypatch.setattr(scan_module, "_PARALLEL_MIN_FAMILIES", 1)  # trees in workers too
    monkeypatch.setattr(scan_module, "_PARALLEL_MIN_ARTICLES", 1)  # and the candidate pass
    two = scan(arts, options=Options(screen_share=0.0, jobs=2))
    assert one.pairs and one.pairs == two.pairs and one.families == two.families
    assert all(f.tree is not None for f in two.families)


def test_parallel_fingerprinting_gives_the_same_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With several batches and ``jobs`` > 1 the batches are fingerprinted by forked
    workers (their layouts packed there), added in corpus order: the same pairs,
    families and layouts kept for verification as in one process."""
    import os

    from newstrace import scan as scan_module
    from newstrace.corpus import batch_parts

    made_by = tmp_path / "pids"

    def recorded(*args: Any, **kwargs: Any) -> Any:
        with made_by.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return batch_parts(*args, **kwargs)

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    one = scan(arts, options=Options(batch_size=4))
    monkeypatch.setattr(scan_module, "batch_parts", recorded)
    two = scan(arts, options=Options(batch_size=4, jobs=2))
    makers = {int(x) for x in made_by.read_text().split()}
    assert makers and os.getpid() not in makers  # every batch made in a worker
    assert len(made_by.read_text().split()) == -(-len(arts) // 4)
    assert one.pairs and one.pairs == two.pairs and one.families == two.families


def _unreadable() -> None:
    raise ValueError("this record cannot be read back")


class _Unreadable:
    """Pickles, but cannot be unpickled (as a frozen class compiled with mypyc)."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _unreadable, ()


def test_a_fingerprint_result_that_cannot_be_read_ends_the_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker's batch that cannot be read back is an error of the scan, which ends it
    and its workers, not a pool thread's death that leaves the scan waiting for ever."""
    from newstrace import scan as scan_module

    monkeypatch.setattr(scan_module, "batch_parts", lambda *a, **k: ([], _Unreadable()))
    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    with pytest.raises(ValueError, match="cannot be read back"):
        scan(arts, options=Options(batch_size=4, jobs=2))


def test_screening_drops_accidental_candidates_only() -> None:

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    screened = scan(arts)
    everything = scan(arts, options=Options(screen_share=0.0))
    assert screened.candidates <= everything.candidates
    assert screened.pairs == everything.pairs


def test_containment_candidates_short_copy_of_long_source() -> None:
    """A short article whose names all lie in a source eight times longer (Jaccard near
    0.12, where the ordinary bands catch a pair about half the time) is a candidate
    with the two-slot containment bands; the bands add no unrelated pair; set sizes
    estimated from the signatures are close to the true sizes."""
    import random

    from newstrace.corpus import band_keys_of, fingerprint_bodies, screen_candidates
    from newstrace.fingerprint import estimate_sizes
    from newstrace.lsh import candidate_pairs
    from newstrace.options import Options

    name, sentence = name_maker(random.Random(7)), met_sentence

    source_names = [name() for _ in range(200)]
    source = " ".join(sentence(source_names[k : k + 4]) for k in range(0, 200, 4))
    copy = " ".join(
        sentence([source_names[k + 3], source_names[k + 2], source_names[k], source_names[k + 1]])
        for k in range(0, 24, 4)
    )
    others = [" ".join(sentence([name() for _ in range(4)]) for _ in range(8)) for _ in range(30)]
    texts = [copy, source, *others]
    found = {}
    for bands in (0, 192):
        options = Options(containment_bands=bands)
        fp = fingerprint_bodies(texts, options)
        pairs = screen_candidates(candidate_pairs(band_keys_of(fp, options)), fp, options)
        found[bands] = {tuple(p) for p in pairs.tolist()}
    assert (0, 1) in found[192]
    assert found[0] <= found[192] <= found[0] | {(0, 1)}  # the fillers stay apart
    sizes = estimate_sizes(fp.skeleton)
    assert 19 <= sizes[0] <= 29 and 160 <= sizes[1] <= 240


def test_the_containment_floor_keeps_a_pair_only_the_containment_bands_find() -> None:
    """A pair that shares no ordinary band passes the screen on its skeleton's estimated
    containment: kept when the floor lies below the estimate, dropped above it."""
    from newstrace.corpus.prints import bandings_of
    from newstrace.lsh import containment_estimates, screen_pairs

    options = Options()
    bandings = bandings_of(options)
    m = options.num_perm
    assert min(b.rows for b in bandings) >= 2 and bandings[1].bands > 12
    shingles = np.arange(2 * m, dtype=np.uint32).reshape(2, m)  # nothing shared
    skeleton = np.arange(2 * m, dtype=np.uint32).reshape(2, m)
    skeleton[1, :12] = skeleton[0, :12]  # 12 equal slots, at most one in any band
    sizes = np.array([20.0, 40.0])
    estimate = float(containment_estimates(np.array([12 / m]), sizes[:1], sizes[1:])[0])
    assert 0.2 < estimate < 0.3
    floors = (options.screen_share * options.shingle_threshold, 0.05)
    pair = np.array([[0, 1]])

    def kept(floor: float) -> bool:
        out = screen_pairs(
            pair, (shingles, skeleton), floors, bandings=bandings, containment=floor, sizes=sizes
        )
        return len(out) == 1

    assert kept(estimate - 0.01) and not kept(estimate + 0.01)
    assert len(screen_pairs(pair, (shingles, skeleton), floors)) == 1  # no bands: Jaccard only


# --- the prepared-article store of a scan ----------------------------------------------


def _store_articles(n: int) -> list[Article]:
    return [
        Article(id=f"s{k:02d}", text=f"Story {k} has its own words, number {k} of them.")
        for k in range(n)
    ]


def test_a_scan_answers_a_pair_underived_either_way_without_its_articles_facts() -> None:
    """What a scan asks of each candidate pair (``compare_if_reuse``) is the full
    comparison when that calls the pair reuse and None otherwise, and with its drifts
    added (``with_drifts``, as an archive's ``check`` answers) it is the full comparison
    to the drifts; a pair that no reading of its direction calls derived is answered
    without the source stage, so an article all of whose pairs are such never has its
    facts found. As a scan asks it (``explain`` False) it is the same comparison less
    the text's reasons for a source the publication times decided, and it finds fewer
    articles' facts."""
    from dataclasses import replace
    from itertools import combinations

    from newstrace.align import align
    from newstrace.compare import compare_if_reuse, compare_prepared, with_drifts
    from newstrace.corpus import judge_pair
    from newstrace.model import REUSE
    from newstrace.verdict import derivable
    from newstrace_synth.corpus import build_corpus
    from newstrace_synth.newsroom import newsroom_pairs

    options = Options()
    articles = [
        Article(id=r["id"], text=r["text"], title=r["title"], published=r["published"])
        for r in build_corpus(30, 7).records()
    ]
    # Long agency copy and the briefs and partial reports made of it: derived read one
    # way (the short one in the long one), not the other.
    for k, pair in enumerate(newsroom_pairs(2, 7, ("brief", "agency_plus_own", "multi_take"))):
        articles += [Article(id=f"s{k}", text=pair.source), Article(id=f"c{k}", text=pair.copy)]
    quick, full = [prepare(a) for a in articles], [prepare(a) for a in articles]
    lean = [prepare(a) for a in articles]
    needs_facts = set()
    reuse = early = drifts = shorter = 0
    for x, y in combinations(range(len(articles)), 2):
        whole = compare_prepared(full[x], full[y], options, drifts=False)
        sides = (quick[x].side, quick[y].side)
        if derivable(*sides, align(*sides), options) is None:
            early += 1
        else:
            needs_facts |= {x, y}
        got = compare_if_reuse(quick[x], quick[y], options)
        scanned = compare_if_reuse(lean[x], lean[y], options, explain=False)
        if whole.relation in REUSE:
            reuse += 1
            assert got == whole
            assert got is not None and scanned is not None
            assert replace(scanned, reasons=whole.reasons) == whole
            assert set(scanned.reasons) <= set(whole.reasons)
            shorter += len(scanned.reasons) < len(whole.reasons)
            if articles[x].id < articles[y].id:  # what a scan's verification keeps
                assert judge_pair(lean[x], lean[y], options) == scanned
            drifted = with_drifts(got, quick[x], quick[y])
            assert drifted == compare_prepared(full[x], full[y], options)
            drifts += bool(drifted.drifts)
        else:
            assert got is None and scanned is None
    assert reuse >= 25 and early >= 700 and drifts >= 5 and shorter >= 15
    for k, p in enumerate(quick):
        assert (p.side._facts is not None) == (k in needs_facts)
    assert len(needs_facts) < len(articles)
    with_facts = {k for k, p in enumerate(lean) if p.side._facts is not None}
    assert with_facts < needs_facts


def test_planned_cache_prepares_each_article_once_and_drops_it_after_its_last_use() -> None:
    from newstrace.corpus import PreparedCache, visit_order

    arts = _store_articles(12)
    pairs = np.array([(i, j) for i in range(12) for j in range(i + 1, 12) if (i + j) % 3 == 0])
    cache = PreparedCache(arts.__getitem__, Options())
    seen = []
    for pa, pb in cache.planned(pairs[visit_order(pairs)]):
        seen.append((pa.article.id, pb.article.id))
    assert sorted(seen) == sorted((arts[i].id, arts[j].id) for i, j in pairs.tolist())
    assert cache.prepares == len(np.unique(pairs))  # each article once
    assert len(cache) == 0  # everything dropped after its last use


def test_planned_cache_over_its_budget_still_serves_every_pair() -> None:
    from newstrace.corpus import PreparedCache

    arts = _store_articles(10)
    pairs = np.array([(i, j) for i in range(10) for j in range(i + 1, 10)])
    cache = PreparedCache(arts.__getitem__, Options(), memory=1)  # room for almost nothing
    got = [(pa, pb) for pa, pb in cache.planned(pairs)]
    assert [(pa.article.id, pb.article.id) for pa, pb in got] == [
        (arts[i].id, arts[j].id) for i, j in pairs.tolist()
    ]
    # Each article is prepared once: the ones let go while still needed come back from
    # their packed form, equal to what preparing them again would give.
    assert cache.prepares == 10
    assert cache.unpacked > 0
    assert all(p == prepare(p.article) for pair in got for p in pair)


def test_an_article_held_past_a_plan_for_a_later_use_comes_back_packed() -> None:
    """A plan that is not the last (a scan's, whose copy trees read each family's
    members when the family is final) holds an article past its last pair; when the
    budget evicts it, it is kept packed, so the later read unpacks it rather than
    preparing it again, and gives the same prepared article."""
    from newstrace.corpus import PreparedCache

    arts = _store_articles(10)
    pairs = np.array([(i, i + 1) for i in range(0, 10, 2)])  # each article used once
    cache = PreparedCache(arts.__getitem__, Options(), memory=1)  # evicts at once
    assert len(list(cache.planned(pairs, final=False))) == 5
    assert len(cache) == 0 and cache.prepares == 10 and cache.unpacked == 0
    later = [cache.get(k) for k in range(10)]
    assert cache.prepares == 10 and cache.unpacked == 10
    assert later == [prepare(a) for a in arts]


def test_planned_cache_prepares_again_when_the_temporary_folder_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    from newstrace.corpus import PreparedCache, spool

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "pwrite", full)
    arts = _store_articles(10)
    pairs = np.array([(i, j) for i in range(10) for j in range(i + 1, 10)])
    cache = PreparedCache(arts.__getitem__, Options(), memory=1)
    got = [(pa.article.id, pb.article.id) for pa, pb in cache.planned(pairs)]
    assert got == [(arts[i].id, arts[j].id) for i, j in pairs.tolist()]
    assert cache.prepares > 10 and cache.unpacked == 0  # no room to pack: prepared again


def test_a_packed_article_is_the_prepared_article_in_any_script() -> None:
    """``compare.unpack`` makes from ``compare.pack`` (with or without tokens) and from
    ``compare.preparation`` (what an archive stores) the very article ``prepare`` made:
    sentences, tokens, terms, facts and layout, in cased, uncased and no-space scripts,
    with quotes, dates and numbers, and a body with boilerplate around it."""
    from newstrace.compare import pack, preparation, unpack

    texts = [
        "Menu | Home | World\n\nHarbour council votes on the £4.5m sea wall\n\n"
        "By Ann Lee, Northgate Wire\n\nThe council voted 7-2 on Tuesday, March 4, to "
        "build the wall. \u201cWe cannot wait,\u201d said Mayor Jo Park at 10:30 a.m. "
        "Work starts in 2027.\n\nShare this article",
        "\u06a9\u0631\u0627\u0686\u06cc \u0645\u06cc\u06ba 86 \u0645\u0644\u06cc "
        "\u0645\u06cc\u0679\u0631 \u0628\u0627\u0631\u0634\u06d4 "
        "\u0634\u06c1\u0631 \u0645\u06cc\u06ba 40 \u067e\u0645\u067e\u06d4",
        "\u672c\u5e02\u4eca\u5929\u5f00\u901a\u5730\u94c1\u4e5d\u53f7\u7ebf\u3002"
        "\u5e02\u957f\u8868\u793a\uff1a\u201c\u5c06\u6309\u65f6\u5f00\u901a\u3002"
        "\u201d",
    ]
    quoted = 0
    for k, text in enumerate(texts):
        # Facts are found on first use; the quotes containment reads, alone, before them.
        fresh = prepare(Article(id=f"q{k}", text=text)).side
        alone = fresh.quotes
        assert fresh._facts is None
        assert alone == tuple(f for f in fresh.facts if f.kind == "quote")
        quoted += len(alone)
        prepared = prepare(Article(id=f"p{k}", text=text))
        packs = (pack(prepared), pack(prepared, tokens=False), preparation(prepared.article))
        for packed in packs:
            again = unpack(prepared.article, packed)
            assert again == prepared
            assert again.side.tokens == prepared.side.tokens
            assert again.side.facts and again.side.terms == prepared.side.terms
        assert len(packs[1]) < len(packs[0])
    assert quoted >= 2


def test_visit_order_is_a_permutation() -> None:
    from newstrace.corpus import visit_order

    pairs = np.array([(0, 5), (1, 2), (2, 5), (3, 4), (0, 1)])
    order = visit_order(pairs)
    assert sorted(order.tolist()) == list(range(len(pairs)))
    assert len(visit_order(np.empty((0, 2), dtype=np.int64))) == 0


def test_a_full_temporary_folder_is_a_scratch_error_that_says_where(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The scan's articles wait in a temporary file: no room there is an error naming
    the folder and the way out (TMPDIR), in one line from the CLI, never a crash."""
    import errno

    from click.testing import CliRunner

    from newstrace import ScratchError
    from newstrace.cli import main
    from newstrace.corpus import spool

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "pwrite", full)
    articles = [Article(id="a", text="One sentence here. And another one.")]
    with pytest.raises(ScratchError, match="TMPDIR"):
        scan(articles)
    result = CliRunner().invoke(main, ["scan", str(ROOT / "demo" / "corpus.jsonl")])
    assert result.exit_code == 2
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert "No space left on device" in line and "TMPDIR" in line


def test_candidates_screened_chunk_by_chunk_equal_the_screen_of_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The screen applied to each chunk of bucket pairs as it is made (``keep=``, tiny
    chunks here) keeps exactly the pairs the screen keeps of the whole candidate list."""
    from functools import partial

    import newstrace.lsh as lsh
    from newstrace.corpus import CorpusFingerprinter, screen_candidates

    options = Options()
    printer = CorpusFingerprinter(options)
    printer.add_all(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    fp, keys = printer.finish()
    whole = screen_candidates(candidate_pairs(keys, options.max_bucket), fp, options)
    monkeypatch.setattr(lsh, "_PAIR_CHUNK", 3)
    monkeypatch.setattr(lsh, "_KEY_COLUMNS", 5)
    screen = partial(screen_candidates, fp=fp, options=options)
    chunked = candidate_pairs(keys, options.max_bucket, keep=screen)
    assert len(whole) and chunked.tolist() == whole.tolist()


def test_set_sizes_made_once_screen_as_sizes_made_per_chunk() -> None:
    """Every row's estimated set sizes, made once for the candidate pass, give the
    screen and the pre-verdict the same numbers as those estimated for each chunk's
    rows: the same pairs kept, the same pre-verdict features to the bit."""
    from newstrace.corpus import CorpusFingerprinter, screen_candidates
    from newstrace.fingerprint import set_sizes
    from newstrace.preverdict import pair_features

    options = Options()
    printer = CorpusFingerprinter(options)
    printer.add_all(_stock_corpus())
    printer.add_all(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    fp, keys = printer.finish()
    pairs = candidate_pairs(keys, options.max_bucket)
    sizes = set_sizes(fp)
    assert len(pairs) > 20
    for part in (pairs, pairs[::3], pairs[-5:]):
        assert np.array_equal(pair_features(fp, part, sizes), pair_features(fp, part))
        kept = screen_candidates(part, fp, options, sizes=sizes)
        assert kept.tolist() == screen_candidates(part, fp, options).tolist()
    assert 0 < len(screen_candidates(pairs, fp, options, sizes=sizes)) < len(pairs)


def test_article_spool_reads_back_each_row_as_written() -> None:
    from newstrace.corpus import ArticleSpool

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    with ArticleSpool() as spool:
        for a in arts:
            spool.append(a)
        assert len(spool) == len(arts)
        assert [spool[k] for k in reversed(range(len(arts)))] == list(reversed(arts))
        with pytest.raises(IndexError):
            spool[len(arts)]
        with pytest.raises(ValueError, match="no index"):
            spool.find(arts[0].id)
        with pytest.raises(TypeError, match="holds articles"):
            spool.append("not an article")


def test_a_scan_keeps_its_articles_in_the_spool_it_is_given() -> None:
    """``scan(kept=...)``: the caller's indexed spool holds every article scanned once
    (the first of an id), in order, found by id after the scan; the answer is the same."""
    from newstrace.corpus import ArticleSpool

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    again = Article(id=arts[0].id, text="Another text under an id seen before.")
    with ArticleSpool(indexed=True) as spool:
        result = scan([*arts, again], kept=spool)
        assert list(spool.articles()) == arts
        assert spool.find(arts[3].id) == arts[3] and spool.find("no such id") is None
    alone = scan(arts)
    assert result.pairs == alone.pairs and result.families == alone.families
    assert len(result.failed) == 1


def test_a_scan_s_verdict_on_a_pair_is_the_one_compare_gives() -> None:
    """No statistics of the rest of the corpus enter a verdict: the same pair gets the
    same relation, score and source in a scan of 200 articles as from ``compare``."""
    from newstrace.compare import compare
    from newstrace_synth.corpus import build_corpus

    articles = [
        Article(
            id=r["id"], text=r["text"], title=r["title"], site=r["site"], published=r["published"]
        )
        for r in build_corpus(200, 5).records()
    ]
    by_id = {a.id: a for a in articles}
    result = scan(articles, options=Options(tree_max_members=0))
    assert len(result.pairs) >= 20
    for p in result.pairs:
        c = compare(by_id[p.a], by_id[p.b])
        assert PairResult.of(c) == p


def test_candidate_pass_over_parts_of_the_blocks_finds_the_same_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The screened candidate pairs of the key blocks read in parts (by forked workers,
    or one part after another) and joined are those of one pass over all blocks."""
    from functools import partial

    from newstrace import scan as scan_module
    from newstrace.corpus import CorpusFingerprinter, screen_candidates
    from newstrace.fingerprint import set_sizes
    from newstrace.lsh import join_pairs, key_blocks
    from newstrace_synth.corpus import build_corpus

    options = Options()
    printer = CorpusFingerprinter(options)
    printer.add_all(Article(id=r["id"], text=r["text"]) for r in build_corpus(300, 3).records())
    fp, keys = printer.finish()
    screen = partial(screen_candidates, fp=fp, options=options, sizes=set_sizes(fp))
    whole = candidate_pairs(keys, options.max_bucket, keep=screen)
    blocks = key_blocks(keys)
    parts = [candidate_pairs(keys, options.max_bucket, screen, blocks[k::3]) for k in range(3)]
    assert len(whole) >= 100 and all(0 < len(p) < len(whole) for p in parts)
    assert np.array_equal(join_pairs(parts, keys.shape[0]), whole)
    monkeypatch.setattr(scan_module, "_PARALLEL_MIN_ARTICLES", 1)
    forked = scan_module.find_candidates(keys, options.with_(jobs=2), screen)
    assert np.array_equal(forked, whole)


def test_over_limit_keeps_each_article_s_best_candidates_ties_by_id() -> None:
    from newstrace.corpus import over_limit

    # article 0 has four candidates; 1 and 2 tie on score, and id rank breaks the tie
    pairs = np.array([[0, 1], [0, 2], [0, 3], [0, 4], [3, 4]])
    scores = np.array([0.5, 0.5, 0.9, 0.1, 0.2])
    ranks = np.array([0, 2, 1, 3, 4])  # article 2's id sorts before article 1's
    assert over_limit(pairs, scores, ranks, 2).tolist() == [True, False, False, True, False]
    assert not over_limit(pairs, scores, ranks, 4).any()


def test_a_hub_document_is_verified_against_its_best_candidates_only(tmp_path: Path) -> None:
    """A round-up that takes three paragraphs from each of ten stories reuses most of
    them; with ``max_candidates`` 3 it is verified against three at most, the same in a
    scan of files and of an archive."""
    import random

    from newstrace.archive import Archive
    from newstrace_synth.corpus import grammar_story

    rng = random.Random(3)
    stories = [grammar_story(rng, words=400, stock=0)[0] for _ in range(10)]
    articles = [Article(id=f"s{k:02d}", text=s.text) for k, s in enumerate(stories)]
    taken = [p for s in stories for p in s.text.split("\n\n")[4:7]]
    hub = Article(id="hub", text="Today's round-up\n\n" + "\n\n".join(taken))
    everything = [*articles, hub]

    def hub_pairs(result: ScanResult) -> set[str]:
        return {p.a if p.b == "hub" else p.b for p in result.pairs if "hub" in (p.a, p.b)}

    unbounded = scan(everything, options=Options(max_candidates=0, tree_max_members=0))
    assert len(hub_pairs(unbounded)) >= 6  # the hub reuses most of them
    options = Options(max_candidates=3, tree_max_members=0)
    bounded = scan(everything, options=options)
    assert len(hub_pairs(bounded)) <= 3 and hub_pairs(bounded) <= hub_pairs(unbounded)
    assert bounded.candidates < unbounded.candidates
    with Archive(tmp_path / "a.db", options=options) as ar:
        ar.add(everything)
        assert ar.scan().pairs == bounded.pairs
        stored = ScanResult(ar.pairs(), [], len(everything), [], 0, {})
        assert 1 <= len(hub_pairs(stored)) <= 3  # add bounds the new hub's candidates too


def test_a_family_s_tree_reads_the_members_verification_prepared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each article of a scan is prepared once: a family's copy tree is built as soon as
    the family is final, from the members verification still holds, not preparing them
    again; and the trees are those built after the whole verification."""
    from collections import Counter

    from newstrace import lineage
    from newstrace.corpus import prepared as prepared_module
    from newstrace.corpus.families import FamilyTracker

    made: Counter[str] = Counter()
    real = prepared_module.prepare

    def counting(article: Article, options: Options, **given: Any) -> object:
        made[article.id] += 1
        return real(article, options, **given)

    monkeypatch.setattr(prepared_module, "prepare", counting)
    monkeypatch.setattr(lineage, "prepare", counting)
    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    early = scan(arts)
    assert any(len(f.members) > 2 and f.tree is not None for f in early.families)
    assert made and max(made.values()) == 1
    # Every tree built after verification instead: the same families and trees.
    monkeypatch.setattr(FamilyTracker, "_finish", lambda *_: None)
    late = scan(arts)
    assert late.pairs == early.pairs and late.families == early.families
    assert max(made.values()) > 1  # the trees prepared members again


def test_a_scan_finds_each_article_s_boilerplate_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification prepares an article with the layout its fingerprinting found
    (``boilerplate.pack_layout`` kept it): the preparation is the one ``prepare`` makes
    alone, and neither ``compare`` nor a pair's copy tree looks for boilerplate again."""
    import sys

    from newstrace.boilerplate import find_boilerplate, pack_layout, unpack_layout
    from newstrace.compare import preparation

    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    for a in arts:
        layout = find_boilerplate(a.text, title=a.title)
        assert unpack_layout(pack_layout(layout)) == layout
        assert prepare(a, layout=unpack_layout(pack_layout(layout))) == prepare(a)
        assert preparation(a, layout=layout) == preparation(a)  # what an archive keeps
    before = scan(arts)
    compare_module = sys.modules["newstrace.compare"]
    asked: list[str] = []

    def counting(text: str, **given: Any) -> Any:
        asked.append(text[:20])
        return find_boilerplate(text, **given)

    monkeypatch.setattr(compare_module, "find_boilerplate", counting)
    # A family of two reads its members' removed lines from their preparations too.
    monkeypatch.setattr(sys.modules["newstrace.lineage"], "find_boilerplate", counting)
    after = scan(arts)
    assert any(len(f.members) == 2 for f in after.families)
    assert not asked
    assert after.pairs == before.pairs and after.families == before.families


def test_a_scan_s_copy_trees_read_members_tokens_from_their_preparations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A copy tree reads its members' whole-text tokens from the sides verification
    still holds (``Side.text_columns``), not by splitting their texts again, and builds
    the same trees."""
    import sys

    stemma = sys.modules["newstrace.stemma"]
    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    before = scan(arts)
    split: list[int] = []
    real = stemma.token_columns

    def counting(text: str, *args: Any) -> Any:
        split.append(len(text))
        return real(text, *args)

    monkeypatch.setattr(stemma, "token_columns", counting)
    after = scan(arts)
    assert any(len(f.members) > 2 and f.tree is not None for f in after.families)
    assert not split
    assert after.families == before.families


# A standard paragraph a wire appends to every story (the project's own words).
STOCK_PARAGRAPH = (
    "about the service: the regional wire gathers reports from correspondents "
    "in every district of the region and sends them to member papers around the clock. "
    "member papers may shorten a report, but they are asked to keep the names of those "
    "quoted and the figures as sent, and to credit the wire at the top of the story. "
    "corrections are sent as a new report with the word correction in its first line, "
    "and a report that is withdrawn is sent again with the word withdrawn above it; "
    "questions about a report go to the duty editor of the district where it was filed."
)


def _stock_corpus() -> list[Article]:
    import random

    from newstrace_synth import textgen

    rng = random.Random(11)
    stories = [textgen.make_story(rng, 120).text for _ in range(14)]
    arts = [Article(id=f"s{k:02}", text=f"{t}\n\n{STOCK_PARAGRAPH}") for k, t in enumerate(stories)]
    return [*arts, Article(id="copy", text=arts[0].text)]


def _candidates(articles: list[Article], options: Options) -> set[tuple[str, str]]:
    from functools import partial

    from newstrace.corpus import CorpusFingerprinter, screen_candidates

    printer = CorpusFingerprinter(options)
    printer.add_all(articles)
    fp, keys = printer.finish()
    found = candidate_pairs(
        keys, options.max_bucket, keep=partial(screen_candidates, fp=fp, options=options)
    )
    return {(articles[a].id, articles[b].id) for a, b in found.tolist()}


def test_slot_values_most_of_a_scan_holds_make_no_candidates() -> None:
    """A paragraph every article carries (a wire's standard lines) makes unrelated stories
    candidates; once its slot values are left out (held by more than
    ``common_slot_articles`` articles) few are (the stories' own names and numbers make
    the rest), the copy still is, in any batching."""
    arts = _stock_corpus()
    keep_all = _candidates(arts, Options(common_slot_articles=0))
    assert len(keep_all) >= 60  # of 105 pairs: the stock paragraph alone
    options = Options(common_slot_articles=5)
    left = _candidates(arts, options)
    assert ("s00", "copy") in left and left < keep_all and len(left) <= len(keep_all) // 4
    assert _candidates(arts, options.with_(batch_size=4)) == left
    # Far below the limit nothing changes: the shipped 200 against keeping all.
    assert _candidates(arts, Options()) == keep_all
    with pytest.raises(OptionsError, match="common_slot_articles"):
        Options(common_slot_articles=-1)


def test_a_scans_copy_trees_do_not_compare_again_the_candidates_verification_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The trees compare afresh only member pairs that were never candidates: a candidate
    pair that verification found no reuse is known to be none (``FamilyTracker.compared``)."""
    import newstrace.lineage as lineage
    import newstrace.scan as scan_stage
    from newstrace_synth.corpus import build_corpus

    articles = [
        Article(id=r["id"], text=r["text"], title=r["title"], published=r["published"])
        for r in build_corpus(300, 3).records()
    ]
    verified: set[tuple[str, str]] = set()
    afresh: list[tuple[str, str]] = []
    judge, fresh = scan_stage.judge_pair, lineage.compare_prepared

    def judged(pa: Any, pb: Any, options: Options) -> Any:
        verified.add((min(pa.article.id, pb.article.id), max(pa.article.id, pb.article.id)))
        return judge(pa, pb, options)

    def compared(pa: Any, pb: Any, *args: Any, **kwargs: Any) -> Any:
        afresh.append((min(pa.article.id, pb.article.id), max(pa.article.id, pb.article.id)))
        return fresh(pa, pb, *args, **kwargs)

    monkeypatch.setattr(scan_stage, "judge_pair", judged)
    monkeypatch.setattr(lineage, "compare_prepared", compared)
    result = scan(articles, options=Options(jobs=1))
    assert len(result.families) > 20 and afresh  # the trees did compare some pairs afresh
    assert not set(afresh) & verified
