"""Align stage: which sentences of A were reused in B, including splits and merges.

Each sentence becomes a set of matching terms (see ``text.terms_of``). Terms are weighted
by how rare they are among the sentences of both articles, so names, numbers and content
words carry the evidence and words common to the story count less. A pair's score mixes
Dice overlap with containment of the shorter sentence, so that one sentence split into
two still matches each half. Links are chosen symmetrically (the best partner of either
sentence), then extended to weaker neighbours (reuse comes in runs), then second sources
that add their own terms are added (a merge seen from one side is a split from the
other). Linked sentences are grouped into passages of consecutive sentences.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain, repeat

import numpy as np
from rapidfuzz import fuzz

from .model import Alignment, Span
from .options import DEFAULT_OPTIONS, Options
from .side import Side
from .text import normalise

_MIN_CORPUS = 50
"""Corpus statistics from fewer documents than this are too noisy to use."""
_CORPUS_FLOOR = 0.3
"""Share of a term's weight that does not depend on its corpus rarity."""
_SHORT_PRIOR = 1.0
"""Added to the smaller side's weight: one or two shared terms never make a link alone."""


@dataclass(frozen=True, slots=True)
class Matrix:
    """Pairwise sentence scores and the pieces they were made of.

    Term weights are kept per article as arrays (each article's distinct terms, in
    ``_ArticleTerms`` order); ``weights`` gives them keyed by term, built on first use
    only: scoring needs none, and many candidate pairs never ask.
    """

    score: np.ndarray  # (na, nb) in [0, 1]
    _names: tuple[list[str], list[str]]
    _values: tuple[np.ndarray, np.ndarray]
    _memo: dict[str, dict[str, float]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def weights(self) -> dict[str, float]:
        """Each term of either article with its weight (a shared term has one weight)."""
        w = self._memo.get("weights")
        if w is None:
            (names_a, names_b), (values_a, values_b) = self._names, self._values
            w = dict(zip(names_a, values_a.tolist(), strict=True))
            w.update(zip(names_b, values_b.tolist(), strict=True))
            self._memo["weights"] = w
        return w


def _new_serial() -> int:
    """A random 128-bit serial: unique across processes too, where a counter would not
    be (TermStats are pickled to scan workers and Spark executors, which make their own)."""
    return uuid.uuid4().int


@dataclass(frozen=True, slots=True)
class TermStats:
    """Document frequencies of matching terms over a corpus (a scan or an archive).

    With them a term's weight also says how common it is in the whole collection, so
    words that every story of a beat uses ("runs", "wickets", function words of a
    language without a stopword list) stop making unrelated stories look reused.
    """

    df: dict[str, int]
    documents: int
    # Weight factors already computed: a scan asks for the same terms in every pair.
    _factors: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    # Names this instance in the factors each article keeps (never reused by another
    # instance, unlike id(): an article's cached factors cannot outlive their corpus).
    serial: int = field(default_factory=_new_serial, compare=False, repr=False)

    def rarity(self, t: str) -> float:
        """log(1 + N/df), scaled to (0, 1]; unseen terms count as unique."""
        n = self.documents
        return math.log(1.0 + n / self.df.get(t, 1)) / math.log(1.0 + n)

    def factors(self, terms: Iterable[str]) -> list[float]:
        """The weight factor of each term: a fixed floor plus its scaled rarity."""
        memo = self._factors
        out = []
        for t in terms:
            f = memo.get(t)
            if f is None:
                f = memo[t] = _CORPUS_FLOOR + (1 - _CORPUS_FLOOR) * self.rarity(t)
            out.append(f)
        return out


@dataclass(frozen=True, slots=True)
class _ArticleTerms:
    """One article's terms as integer arrays, made once and kept with the article, so
    that a pair works on numbers: a union by sorted ids, weights by indexing, sentence
    weights and incidence matrices from the flattened occurrences.

    Ids are Python's ``hash()`` of the term: fine within one process, but string
    hashing is salted per process, so what an article keeps is tagged with the salt
    it was made under (``_hash_salt``) and made again after unpickling elsewhere. Two
    terms sharing a 64-bit hash is not a case worth guarding.
    """

    ids: np.ndarray  # int64, each distinct term once, ascending
    names: list[str]  # the terms, in ``ids`` order
    counts: np.ndarray  # sentences holding each term
    rank: np.ndarray  # each term's place in the article's terms sorted as strings
    rows: np.ndarray  # sentence of each (sentence, term) occurrence
    cols: np.ndarray  # its term, as an index into ``ids``; sentence by sentence, each
    # sentence's terms in string order (the order its weight is summed in)
    holders: np.ndarray  # the sentences holding each term, term by term (``ids``
    # order), ascending: term t's are ``holders[first[t] : first[t] + counts[t]]``
    first: np.ndarray  # where each term's sentences start in ``holders``


_SALT_PROBE = "newstrace.align"
"""A fixed string whose hash tells one process's string-hash salt from another's."""


def _hash_salt() -> int:
    """This process's string-hash salt, as the hash of a fixed string (cached in it)."""
    return hash(_SALT_PROBE)


def _article_terms(side: Side) -> _ArticleTerms:
    """The article's ``_ArticleTerms``, made on first use (in this process)."""

    def make() -> _ArticleTerms:
        # Each sentence's terms in the order of their strings, not in set order (which
        # follows the process's string-hash salt): its weight is summed in this order,
        # so the scores are the same in every process, bit for bit.
        flat = list(chain.from_iterable(map(sorted, side.terms)))
        counted = Counter(flat)
        names = list(counted)
        hashes = np.fromiter(map(hash, names), dtype=np.int64, count=len(names))
        order = np.argsort(hashes, kind="stable")
        names = [names[k] for k in order.tolist()]
        counts = np.fromiter(counted.values(), dtype=np.intp, count=len(order))[order]
        rank = np.empty(len(names), dtype=np.intp)
        rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        index = dict(zip(names, range(len(names)), strict=True))
        lengths = np.fromiter(map(len, side.terms), dtype=np.intp, count=len(side.terms))
        rows = np.repeat(np.arange(len(side.terms), dtype=np.intp), lengths)
        cols = np.fromiter(map(index.__getitem__, flat), dtype=np.intp, count=len(flat))
        return _ArticleTerms(
            ids=hashes[order],
            names=names,
            counts=counts,
            rank=rank,
            rows=rows,
            cols=cols,
            holders=rows[np.argsort(cols, kind="stable")],
            first=np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp),
        )

    return side.cached_for("align_terms", _hash_salt(), make)


def _corpus_factors(side: Side, corpus: TermStats) -> np.ndarray:
    """The corpus weight factor of each of the article's terms (``_ArticleTerms``
    order), kept with the article for the corpus (and term order) it was made for."""
    return side.cached_for(
        "align_corpus_factors",
        (corpus.serial, _hash_salt()),
        lambda: np.array(corpus.factors(_article_terms(side).names), dtype=np.float64),
    )


@dataclass(frozen=True, slots=True)
class _Shared:
    """Where the terms of both articles sit in each one's ``_ArticleTerms``."""

    in_a: np.ndarray
    in_b: np.ndarray


def _shared_terms(ta: _ArticleTerms, tb: _ArticleTerms) -> _Shared:
    """The terms of both articles, in the order of their strings (the order the shared
    columns of the score's matrix product take: its sums run in that order)."""
    if not len(ta.ids) or not len(tb.ids):
        empty = np.zeros(0, dtype=np.intp)
        return _Shared(empty, empty)
    at = np.searchsorted(tb.ids, ta.ids)
    found = tb.ids[np.minimum(at, len(tb.ids) - 1)] == ta.ids
    in_a, in_b = np.flatnonzero(found), at[found]
    by_name = np.argsort(ta.rank[in_a])
    return _Shared(in_a[by_name], in_b[by_name])


def _pair_weights(
    a: Side, b: Side, shared: _Shared, corpus: TermStats | None
) -> tuple[np.ndarray, np.ndarray]:
    """Each article's term weights in this pair: inverse sentence frequency over both
    articles, scaled to (0, 1]; with corpus statistics, times the term's corpus factor.
    The log of each count is taken once with ``math.log``, as per term before."""
    ta, tb = _article_terms(a), _article_terms(b)
    counts_a, counts_b = ta.counts.copy(), tb.counts.copy()
    counts_a[shared.in_a] += tb.counts[shared.in_b]
    counts_b[shared.in_b] += ta.counts[shared.in_a]
    n = len(a.terms) + len(b.terms)
    top = math.log(1.0 + n)
    most = max(counts_a.max(initial=0), counts_b.max(initial=0))
    by_count = np.array([0.0] + [math.log(1.0 + n / c) / top for c in range(1, most + 1)])
    wa, wb = by_count[counts_a], by_count[counts_b]
    if corpus is not None and corpus.documents >= _MIN_CORPUS:
        wa = wa * _corpus_factors(a, corpus)
        wb = wb * _corpus_factors(b, corpus)
    return wa, wb


def term_weights(a: Side, b: Side, corpus: TermStats | None = None) -> dict[str, float]:
    """Inverse sentence frequency over both articles, scaled to (0, 1]; with corpus
    statistics, multiplied by the term's rarity in the corpus."""
    return score_matrix(a, b, corpus).weights


def _weight_sum(weights: dict[str, float], terms: Iterable[str]) -> float:
    """Summed weights of ``terms`` (0 for a term without one), correctly rounded
    (``math.fsum``), so the sum of a set does not depend on its iteration order, which
    follows the process's string-hash salt; ``map`` over ``dict.get`` runs the loop in C."""
    return math.fsum(map(weights.get, terms, repeat(0.0)))


def score_matrix(a: Side, b: Side, corpus: TermStats | None = None) -> Matrix:
    """Score every sentence pair (vectorised: the weight each pair shares is summed over
    the terms both articles use, ``_shared_weight``; a sentence's own weight is summed
    over all its terms)."""
    ta, tb = _article_terms(a), _article_terms(b)
    shared = _shared_terms(ta, tb)
    wa_terms, wb_terms = _pair_weights(a, b, shared, corpus)
    names = (ta.names, tb.names)
    na, nb = len(a.terms), len(b.terms)
    if na == 0 or nb == 0 or not (len(ta.ids) or len(tb.ids)):
        return Matrix(np.zeros((na, nb)), names, (wa_terms, wb_terms))
    wa = _sentence_weights(ta, wa_terms, na)
    wb = _sentence_weights(tb, wb_terms, nb)
    product = _shared_weight(ta, tb, shared, wa_terms[shared.in_a], na, nb)
    dice = 2.0 * product / np.maximum(wa[:, None] + wb[None, :], 1e-9)
    small = np.minimum(wa[:, None], wb[None, :])
    contain = product / (small + _SHORT_PRIOR)
    return Matrix(0.5 * dice + 0.5 * contain, names, (wa_terms, wb_terms))


def _sentence_weights(terms: _ArticleTerms, weights: np.ndarray, sentences: int) -> np.ndarray:
    """Each sentence's summed term weights. ``bincount`` adds the occurrences one by one
    in their order (each sentence's terms in string order): the same sums in every
    process."""
    return np.bincount(terms.rows, weights=weights[terms.cols], minlength=sentences)


_CONTRIBUTIONS = 1 << 20
"""Sentence-pair contributions summed in one step of ``_shared_weight``: bounds its
memory (about 24 bytes each) for two very long documents that share common terms."""


def _shared_weight(
    ta: _ArticleTerms, tb: _ArticleTerms, shared: _Shared, weights: np.ndarray, na: int, nb: int
) -> np.ndarray:
    """The summed weight of the terms each sentence pair shares, (na, nb). Each shared
    term (``weights``: theirs, in ``shared`` order) adds its weight to every pair of
    sentences, one from each article, that holds it; only those pairs are visited (a
    few per term), where a product of sentence x term matrices multiplies mostly zeros
    (two long web documents: hundreds of sentences, thousands of shared terms, each in a
    few sentences). ``bincount`` adds the contributions in a fixed order (terms in
    string order, then sentences), so the sums are the same in every process, whatever
    linear-algebra library is installed."""
    size = na * nb
    total = np.zeros(size, dtype=np.float64)
    ends = np.cumsum(ta.counts[shared.in_a] * tb.counts[shared.in_b])
    start = 0
    while start < len(ends):
        done = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, done + _CONTRIBUTIONS, side="right")))
        part = slice(start, stop)
        total += _term_pairs(ta, tb, shared.in_a[part], shared.in_b[part], weights[part], nb, size)
        start = stop
    return total.reshape(na, nb)


def _term_pairs(
    ta: _ArticleTerms,
    tb: _ArticleTerms,
    in_a: np.ndarray,
    in_b: np.ndarray,
    weights: np.ndarray,
    nb: int,
    size: int,
) -> np.ndarray:
    """``_shared_weight`` for some shared terms: every (sentence of a, sentence of b)
    holding one of them, with its weight, summed by ``bincount``."""
    ca, cb = ta.counts[in_a], tb.counts[in_b]
    # The a-sentences of each term, term after term.
    term = np.repeat(np.arange(len(in_a)), ca)
    rows_a = ta.holders[ta.first[in_a][term] + _places(ca)]
    # Each of them with every b-sentence of its term.
    times = cb[term]
    owner = np.repeat(np.arange(len(term)), times)
    rows_b = tb.holders[tb.first[in_b][term[owner]] + _places(times)]
    cell = rows_a[owner] * nb + rows_b
    out: np.ndarray = np.bincount(cell, weights=weights[term[owner]], minlength=size)
    return out


def _places(lengths: np.ndarray) -> np.ndarray:
    """Each element's place in its run, for consecutive runs of the given lengths:
    ``[2, 3]`` gives ``[0, 1, 0, 1, 2]``."""
    out: np.ndarray = np.arange(int(lengths.sum())) - np.repeat(
        np.cumsum(lengths) - lengths, lengths
    )
    return out


def select_links(a: Side, b: Side, m: Matrix, options: Options) -> set[tuple[int, int]]:
    """Choose reuse links (i in A, j in B) from the score matrix."""
    s = m.score
    if s.size == 0:
        return set()
    na, nb = s.shape
    row_best = s.argmax(axis=1)
    col_best = s.argmax(axis=0)
    best = np.zeros_like(s, dtype=bool)
    best[np.arange(na), row_best] = True
    best[col_best, np.arange(nb)] = True
    links = _cells(best & (s >= options.min_link_score))
    _extend_to_neighbours(s, best, links, options.min_context_score)
    _fill_gaps(a, b, m, links, options)
    _add_second_sources(a, b, m, links, options)
    return links


def _cells(mask: np.ndarray) -> set[tuple[int, int]]:
    """The (row, column) of each true cell, as Python ints (made by ``tolist``, not one
    ``int()`` per value)."""
    rows, cols = np.nonzero(mask)
    return set(zip(rows.tolist(), cols.tolist(), strict=True))


def _extend_to_neighbours(
    s: np.ndarray, best: np.ndarray, links: set[tuple[int, int]], floor: float
) -> None:
    """Keep weaker best-partner pairs that sit next to an existing link."""
    candidates = _cells(best & (s >= floor)) - links
    changed = True
    while changed and candidates:
        changed = False
        for i, j in sorted(candidates):
            if any(
                (i + di, j + dj) in links
                for di in (-1, 0, 1)
                for dj in (-1, 0, 1)
                if (di, dj) != (0, 0)
            ):
                links.add((i, j))
                candidates.discard((i, j))
                changed = True


def _fill_gaps(a: Side, b: Side, m: Matrix, links: set[tuple[int, int]], options: Options) -> None:
    """Link an unlinked sentence sandwiched between two linked ones to the best nearby
    sentence of the other side, when that partner holds a fair share of its terms (a
    short reworded sentence inside a copied run; not a source sentence the copy left
    out, which shares one common word at most)."""
    s = m.score
    found_links: set[tuple[int, int]] = set()  # both sides see the same links: symmetric
    for side_terms, other_terms, flip in ((b.terms, a.terms, False), (a.terms, b.terms, True)):
        n_other = len(other_terms)
        partners: dict[int, set[int]] = {}
        for i, j in links:
            mine, theirs = (i, j) if flip else (j, i)
            partners.setdefault(mine, set()).add(theirs)
        for k in range(1, len(side_terms) - 1):
            if k in partners or (k - 1) not in partners or (k + 1) not in partners:
                continue
            before, after = min(partners[k - 1]), max(partners[k + 1])
            if before <= after:  # in order: the gap maps among the neighbours' partners
                near = set(range(before, after + 1))
            else:
                near = {o + d for o in partners[k - 1] | partners[k + 1] for d in (-1, 0, 1)}
                near = {o for o in near if 0 <= o < n_other}
            scored = [
                ((s[k, o] if flip else s[o, k]), o) for o in near if side_terms[k] & other_terms[o]
            ]
            if not scored:
                continue
            value, o = max(scored)
            weights = m.weights  # made on first need: most pairs have no gap to fill
            own = _weight_sum(weights, side_terms[k]) or 1.0
            found = _weight_sum(weights, side_terms[k] & other_terms[o])
            if value >= options.min_gap_score and found >= options.min_gap_containment * own:
                found_links.add((k, o) if flip else (o, k))
    links |= found_links


def _add_second_sources(
    a: Side, b: Side, m: Matrix, links: set[tuple[int, int]], options: Options
) -> None:
    """Add links from a sentence to further partners that contribute terms of their own
    (one sentence made from two, or split into two)."""
    found_links: set[tuple[int, int]] = set()  # both sides see the same links: symmetric
    for flip in (False, True):
        mine_terms, other_terms = (a.terms, b.terms) if flip else (b.terms, a.terms)
        score = m.score if flip else m.score.T  # a row per sentence of "mine"
        close = score >= options.min_context_score  # one comparison for every pair
        close_counts = np.count_nonzero(close, axis=1).tolist()
        by_mine: dict[int, list[int]] = {}
        for i, j in links:
            mine, theirs = (i, j) if flip else (j, i)
            by_mine.setdefault(mine, []).append(theirs)
        for k, partners in by_mine.items():
            if _only_partners_close(close_counts[k], close[k], partners):
                continue  # the usual case, told without listing the row
            held = (
                other_terms[partners[0]] & mine_terms[k]
                if len(partners) == 1
                else frozenset().union(*(other_terms[o] & mine_terms[k] for o in partners))
            )
            if len(held) == len(mine_terms[k]):
                continue  # the partners hold every term of it: no other can add one
            others = _other_candidates(score[k], close[k], partners)
            if not others:  # the usual case: the only close sentences are partners
                continue
            covered = set(held)
            w = m.weights  # made on first need: most sentences have no second source
            total = _weight_sum(w, mine_terms[k]) or 1.0
            for o in others:
                extra = (other_terms[o] & mine_terms[k]) - covered
                if len(extra) >= options.min_extra_terms and _weight_sum(w, extra) >= 0.15 * total:
                    found_links.add((k, o) if flip else (o, k))
                    partners.append(o)
                    covered |= extra
    links |= found_links


def _only_partners_close(count: int, close: np.ndarray, partners: list[int]) -> bool:
    """Whether every one of the ``count`` close sentences of a row is a partner (the
    partners are distinct): then there is no second source to look for."""
    if count > len(partners):
        return False
    if count == 0:
        return True  # no close sentence: none but partners
    if len(partners) == 1:  # the usual case: one partner, the one close sentence
        return bool(close[partners[0]])
    return count == sum(bool(close[o]) for o in partners)


def _other_candidates(row: np.ndarray, close: np.ndarray, partners: list[int]) -> list[int]:
    """Sentences close enough to be a second source (``close``), best score first, ties
    in index order, less the partners already linked: the order in which a stable sort
    of the whole row, read up to the first score below the floor, would offer them."""
    others = [o for o in np.flatnonzero(close).tolist() if o not in partners]
    if len(others) > 1:
        scores = row.tolist()
        others.sort(key=lambda o: -scores[o])  # stable: equal scores keep index order
    return others


def group_links(
    a: Side, b: Side, m: Matrix, links: set[tuple[int, int]], options: Options = DEFAULT_OPTIONS
) -> list[Alignment]:
    """Group links into passages: runs of consecutive sentences on each side."""
    out: list[Alignment] = []
    for comp_a, comp_b, comp_links in _components(links):
        if len(comp_links) == 1:  # one sentence pair (most of a reprint's): one passage
            ((i, j),) = comp_links
            out.append(_alignment(a, b, m, [i], [j], ((i, j),), options))
            continue
        runs_a, runs_b = _runs(sorted(comp_a)), _runs(sorted(comp_b))
        run_of_a = {i: k for k, run in enumerate(runs_a) for i in run}
        run_of_b = {j: k for k, run in enumerate(runs_b) for j in run}
        # Each pair of runs that a link joins is one passage, with the links it holds:
        # read off the links themselves, not by trying every pair of runs.
        blocks: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for i, j in comp_links:
            blocks.setdefault((run_of_a[i], run_of_b[j]), []).append((i, j))
        for (ka, kb), held in blocks.items():
            block = tuple(sorted(held))
            out.append(_alignment(a, b, m, runs_a[ka], runs_b[kb], block, options))
    out.sort(key=lambda al: (al.b.start, al.a.start))
    return out


def _alignment(
    a: Side,
    b: Side,
    m: Matrix,
    run_a: list[int],
    run_b: list[int],
    block: tuple[tuple[int, int], ...],
    options: Options,
) -> Alignment:
    span_a = _run_span(a, run_a)
    span_b = _run_span(b, run_b)
    if len(run_a) == 1 and len(run_b) == 1:
        ratio = _sentence_ratio(a, run_a[0], b, run_b[0])
        kind = "verbatim" if ratio >= options.verbatim_score else "reworded"
        # A sentence read alike in full scores 1 whatever its terms weigh (the set
        # score is at most 1): most of a reprint's pairs need no weights.
        score = 1.0 if ratio >= 1.0 else max(_pair_set_score(a, b, m, run_a, run_b), ratio)
    else:
        score = _pair_set_score(a, b, m, run_a, run_b)
        kind = "split" if len(run_a) == 1 else "merged" if len(run_b) == 1 else "regrouped"
    return Alignment(
        span_a, span_b, round(float(score), 4), kind, tuple(run_a), tuple(run_b), block
    )


def _pair_set_score(a: Side, b: Side, m: Matrix, run_a: list[int], run_b: list[int]) -> float:
    """The weighted overlap of two runs' terms (``_set_score``)."""
    return _set_score(_run_terms(a, run_a), _run_terms(b, run_b), m.weights)


def _run_span(side: Side, run: list[int]) -> Span:
    """From the first sentence of a run to the end of its last (one sentence's own
    span as it is: spans are immutable)."""
    if len(run) == 1:
        return side.spans[run[0]]
    return Span(side.spans[run[0]].start, side.spans[run[-1]].end)


def _run_terms(side: Side, run: list[int]) -> frozenset[str]:
    """The terms of a run of sentences (one sentence's own set as it is)."""
    if len(run) == 1:
        return side.terms[run[0]]
    return frozenset().union(*(side.terms[k] for k in run))


def _sentence_ratio(a: Side, i: int, b: Side, j: int) -> float:
    """How alike sentence i of a and j of b read (``fuzz.ratio`` of their normalised
    texts, 0-1); a sentence copied character for character is 1 without normalising or
    comparing (most of a reprint's sentences)."""
    sa, sb = a.spans[i], b.spans[j]
    if a.text[sa.start : sa.end] == b.text[sb.start : sb.end]:
        return 1.0
    x, y = _normalised(a, i), _normalised(b, j)
    return 1.0 if x == y else fuzz.ratio(x, y) / 100.0


def _normalised(side: Side, i: int) -> str:
    """Sentence ``i``'s text normalised for comparison, kept with the article: a scan
    compares the same sentence with those of many candidates."""
    done: dict[int, str] = side.cached("align_normalised", dict)
    text = done.get(i)
    if text is None:
        span = side.spans[i]
        text = done[i] = normalise(side.text[span.start : span.end])
    return text


def _set_score(ta: frozenset[str], tb: frozenset[str], w: dict[str, float]) -> float:
    wa = _weight_sum(w, ta)
    if ta == tb:  # a sentence copied with its words: one sum serves (fsum is exact)
        wb = shared = wa
    else:
        wb = _weight_sum(w, tb)
        shared = _weight_sum(w, ta & tb)
    if wa + wb == 0:
        return 0.0
    return min(1.0, 0.5 * (2 * shared / (wa + wb)) + 0.5 * shared / (min(wa, wb) + _SHORT_PRIOR))


def _components(
    links: set[tuple[int, int]],
) -> list[tuple[set[int], set[int], set[tuple[int, int]]]]:
    """The links' connected components (sentences of a and of b joined by links), in
    the order their first link comes. Sentence i of a is node i, sentence j of b node
    ``-1 - j``: integer keys, not tuples, for the union-find's dictionary."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in links:
        parent[find(i)] = find(-1 - j)
    groups: dict[int, tuple[set[int], set[int], set[tuple[int, int]]]] = {}
    for i, j in links:
        g = groups.setdefault(find(i), (set(), set(), set()))
        g[0].add(i)
        g[1].add(j)
        g[2].add((i, j))
    return list(groups.values())


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k in indices:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def align(
    a: Side, b: Side, options: Options = DEFAULT_OPTIONS, corpus: TermStats | None = None
) -> list[Alignment]:
    """All reused passages between two articles' body sentences."""
    m = score_matrix(a, b, corpus)
    return group_links(a, b, m, select_links(a, b, m, options), options)


PHRASE_RUN = 4
"""Words in a run that counts as a kept phrase (shorter runs are stock phrasing)."""
PHRASE_MIN_WORDS = 6
"""Words of one sentence that must lie in phrases kept from one other sentence."""


def align_relaxed(
    a: Side, b: Side, options: Options = DEFAULT_OPTIONS, corpus: TermStats | None = None
) -> list[Alignment]:
    """Passages for reuse that the verdict found but no sentence link showed: first the
    closest sentence pairs (links from ``min_context_score``), else passages linked by
    kept phrases rather than whole-sentence similarity (a brief that merges fragments of
    several source sentences shares no sentence with its source, but its phrases still
    come from them). One score matrix serves both tries."""
    m = score_matrix(a, b, corpus)
    relaxed = options.with_(min_link_score=options.min_context_score)
    found = group_links(a, b, m, select_links(a, b, m, relaxed), relaxed)
    if found:
        return found
    links = phrase_links(a, b, PHRASE_RUN, PHRASE_MIN_WORDS)
    return group_links(a, b, m, links, options) if links else []


def phrase_links(a: Side, b: Side, run: int, min_words: int) -> set[tuple[int, int]]:
    """Sentence pairs (i in A, j in B) where at least ``min_words`` words of one of them
    lie in runs of ``run`` words that the other has too."""
    grams_a = [_phrases(a, span, run) for span in a.spans]
    grams_b = [_phrases(b, span, run) for span in b.spans]
    where: dict[tuple[str, ...], list[int]] = {}
    for i, grams in enumerate(grams_a):
        for g in grams:
            where.setdefault(g, []).append(i)
    links = set()
    for j, grams in enumerate(grams_b):
        partners = {i for g in grams for i in where.get(g, ())}
        for i in partners:
            shared = grams_a[i].keys() & grams.keys()
            if (
                min(_tiled_words(grams_a[i], shared, run), _tiled_words(grams, shared, run))
                >= min_words
            ):
                links.add((i, j))
    return links


def _phrases(side: Side, span: Span, run: int) -> dict[tuple[str, ...], int]:
    """The runs of ``run`` words of a sentence, each with its first word's position."""
    forms = side.forms_in(span.start, span.end)
    out: dict[tuple[str, ...], int] = {}
    for k in range(len(forms) - run + 1):
        out.setdefault(tuple(forms[k : k + run]), k)
    return out


def _tiled_words(
    grams: dict[tuple[str, ...], int], shared: Iterable[tuple[str, ...]], run: int
) -> int:
    """Words of a sentence inside its shared runs."""
    covered: set[int] = set()
    for g in shared:
        start = grams[g]
        covered.update(range(start, start + run))
    return len(covered)


# --- passages: alignments merged where they lie close ----------------------------------

PASSAGE_GAP_CHARS = 250
"""Alignments at most this many characters apart on both sides are one passage: the
sentences between them (a reworded one that no longer links, an inserted remark) do not
split a passage taken whole. Set on the PAN 2013 sample for the PAN detector
(``PanOptions.max_gap``)."""


@dataclass(frozen=True, slots=True)
class Passage:
    """Merged alignments: half-open ranges on both sides and their evidence (the
    alignments' weights summed)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    evidence: float
    alignments: int


def link_evidence(al: Alignment) -> float:
    """An alignment's weight as evidence of reuse: its score once per sentence link."""
    return al.score * max(1, len(al.links))


def passages(
    alignments: Iterable[Alignment],
    max_gap: int = PASSAGE_GAP_CHARS,
    weight: Callable[[Alignment], float] = link_evidence,
) -> list[Passage]:
    """Merge alignments that lie within ``max_gap`` characters of each other on both
    sides into passages (repeated until no two passages are that close), each weighing
    ``weight`` of its alignments."""
    items = [
        Passage(al.a.start, al.a.end, al.b.start, al.b.end, weight(al), 1) for al in alignments
    ]
    changed = True
    while changed:
        changed = False
        items.sort(key=lambda p: (p.a_start, p.b_start))
        merged: list[Passage] = []
        for p in items:
            for k, q in enumerate(merged):
                if (
                    _gap(q.a_start, q.a_end, p.a_start, p.a_end) <= max_gap
                    and _gap(q.b_start, q.b_end, p.b_start, p.b_end) <= max_gap
                ):
                    merged[k] = Passage(
                        min(q.a_start, p.a_start),
                        max(q.a_end, p.a_end),
                        min(q.b_start, p.b_start),
                        max(q.b_end, p.b_end),
                        q.evidence + p.evidence,
                        q.alignments + p.alignments,
                    )
                    changed = True
                    break
            else:
                merged.append(p)
        items = merged
    items.sort(key=lambda p: (p.a_start, p.b_start))
    return items


def _gap(s1: int, e1: int, s2: int, e2: int) -> int:
    """Characters between two ranges (0 when they touch or overlap)."""
    return max(0, s2 - e1, s1 - e2)
