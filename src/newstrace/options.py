"""One options object shared by the Python API, the CLI, the server and the Spark job."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import OptionsError


@dataclass(frozen=True, slots=True)
class Options:
    """Tunable knobs, with defaults that work for news.

    Build one with keyword arguments and pass it down; every stage reads only the fields
    it needs. ``Options().with_(min_link_score=0.4)`` returns a modified copy.
    """

    # ingest
    max_chars: int = 2_000_000
    """Largest article accepted, in characters; larger inputs raise InputError."""
    max_line_bytes: int = 32_000_000
    """Longest JSONL line read, in bytes; a longer line is skipped and reported as
    FILE:LINE without being held in memory."""

    # boilerplate
    strip_boilerplate: bool = True

    # alignment
    min_link_score: float = 0.42
    """A sentence pair scoring at least this is a reuse link on its own."""
    min_context_score: float = 0.25
    """A weaker pair is kept when a neighbouring pair is a link (reuse comes in runs)."""
    min_gap_score: float = 0.08
    """An unlinked sentence between two linked ones joins at this score (one shared term)."""
    min_gap_containment: float = 0.15
    """... and only if its partner holds this share of its own term weight."""
    min_extra_terms: int = 2
    """A second source sentence joins a link (split/merge) only if it adds this many terms."""
    verbatim_score: float = 0.92
    """A link at least this similar (character level) is called verbatim."""

    # verdict
    duplicate_coverage: float = 0.9
    """A wholly derived copy is a ``duplicate`` when at least this share of its words lie
    in shared runs of 6 words and the source holds this share of the copy's phrases."""
    wholly_aligned: float = 0.9
    """A copy with at least this share of its body in aligned passages that score as reuse
    on their own (``min_link_score``) has no material of its own, so it is wholly derived
    (``rewrite``) even when it keeps few phrases (a deep spin); ``partial`` needs material
    from elsewhere."""
    passage_words: int = 40
    """A pair the relation model calls not derived is ``partial`` all the same when this
    many words of the shorter lie in runs of 10 words the other has (a passage taken
    word for word inside long documents)."""
    passage_links: int = 3
    """... or when one passage holds this many sentence pairs reused closely, neither
    sentence a quotation (alignments scoring ``passage_score`` or more, merged where
    they lie within ``align.PASSAGE_GAP_CHARS`` of each other on both sides: a passage
    reworded sentence by sentence is linked pair by pair) ..."""
    passage_score: float = 0.5
    """... reading only alignments that score this or more. 0.5 as the PAN detector's
    ``min_alignment_score`` (an alignment strong enough to report). Before, one aligned
    passage's own links at 0.6 or more were counted, quotations included. Out of sample
    on real news at 0.5 (bench/eval_relation.py, 10 repeats): METER-dev 3-class /
    derived F1 0.666 / 0.889 -> 0.671 / 0.893, COUNTER-half 0.751 / 0.894 unchanged
    (at 0.4: 0.648 / 0.890 and 0.741 / 0.888, two reporters' sentences on one event
    linking); ``newstrace compare`` on the PAN 2013 dev half (bench/eval_pan.py
    --compare) detects random / translation obfuscation 0.544 / 0.622 -> 0.868 / 0.916
    with 3 of 250 no-plagiarism pairs flagged (1 before)."""
    passage_area: float = 0.01
    """... or, counting every sentence pair the aligner links (``min_context_score`` or
    more), when ``passage_links`` of them lie in one passage that is a small part of
    both texts: its share of one text's characters times its share of the other's at
    most this. Links that two texts on one topic make by chance spread over them (in
    two 600-word news reports, three sentence pairs within one passage are a tenth of
    each text or more); a passage taken into a long document on other things stands
    out. On the PAN 2013 dev half
    (chosen there among 0.005-0.03, and the link floor among none, ``min_context_score``,
    0.35 and ``min_link_score``: in-sample for PAN) ``newstrace compare`` detects random
    / translation / summary obfuscation 0.868 / 0.916 / 0.142 -> 0.924 / 0.944 / 0.159
    with 3 of 250 no-plagiarism pairs flagged, as before; on METER-dev and COUNTER-half
    no labelled pair has such a passage (out of sample, bench/eval_relation.py: METER
    0.671 / 0.893 -> 0.673 / 0.895, COUNTER unchanged); 2 more of the generator's
    invented same-event reports among 10,000 articles are called partial, 83 among
    100,000 (pair precision 0.952 -> 0.950)."""
    lone_passage_links: int = 4
    """... or when every sentence pair the aligner links (as for ``passage_area``) lies in
    one passage, of this many pairs or more, that is at most ``lone_passage_share`` of
    one text: a short source reworded whole into a long document on other things spans
    much of the source (so not a small part of *both*), and nothing else in the two
    texts links. Two reports of one event link here and there, not all in one corner of
    either."""
    lone_passage_share: float = 0.1
    """... the most of one text's characters such a lone passage spans. With 4 links and
    0.1 (chosen on the PAN 2013 dev half among 3-5 links, 0.1-0.3 and every link or 80%
    of them inside: in-sample for PAN) ``newstrace compare`` detects random /
    translation obfuscation 0.924 / 0.944 -> 0.932 / 0.956 with 3 of 250 no-plagiarism
    pairs flagged, as before. On METER-dev and COUNTER-half no labelled pair has such a
    passage; their closest not-derived pairs have every link in one passage of 4-5
    pairs that spans 12-16% of the text where it is the smaller part."""
    relation_model: str | None = None
    """Path of a relation model file (bench/train_relation.py writes one) used instead of
    the shipped weights/relation.json; None: the shipped model."""

    # fingerprint / candidates (scan, archive)
    num_perm: int = 128
    """Signature slots per channel (a power of two)."""
    shingle_size: int = 3
    shingle_threshold: float = 0.3
    """Word-shingle Jaccard at which near-verbatim copies become candidates."""
    skeleton_threshold: float = 0.2
    """Skeleton (names, numbers) Jaccard at which spun copies become candidates."""
    max_bucket: int = 200
    """Band buckets with more articles than this are skipped (site templates)."""
    common_slot_articles: int = 200
    """A scan leaves a shingle signature's slot value out when more than this many of its
    articles hold it in that slot (0: keep all): the minimum of a phrase most of the
    corpus shares (a stock phrase, a wire's standard paragraph), which says no more about
    any one pair than a band bucket of more than ``max_bucket`` articles, and makes bands
    of unrelated articles collide. At 10,000 generated articles it leaves out 24% of the
    slots, and the scan verifies 7,026 candidates instead of 11,780 (27 planted partial
    reuse pairs of 5,593 lost, 22 false ones gone: pair F1 0.971 -> 0.970); at 100,000,
    84,243 instead of 378,222 (F1 0.964 -> 0.972), and the scan's CPU grows as N^1.04
    from 10,000 (N^1.35 before). The archive, which grows article by article, keeps them
    all."""
    common_skeleton_share: float = 0.02
    """A scan leaves skeleton terms of capitalised or numeric words found in more than this
    share of its articles out of the skeleton channel (1: keep all)."""
    common_skeleton_min: int = 20
    """... and in more than this many articles (small corpora have noisy frequencies)."""
    screen_share: float = 0.35
    """Candidates are verified only if their signatures estimate a Jaccard similarity of
    at least this share of a channel's threshold in either channel (0: verify all)."""
    containment_bands: int = 192
    """Extra two-slot bands over the skeleton signature (0: none). A short article made
    from a much longer one (an agency story's takes, 2-30 times its length) keeps most
    of its names inside the long one, yet its Jaccard similarity is near |short| /
    |long|, far below ``skeleton_threshold``, so ordinary bands miss it; bands of two
    slots catch such low similarities (slot t with t+1 for the first ``num_perm`` bands,
    then with t+3; at most ``4 * num_perm``). Each band is one more key per article."""
    containment_floor: float = 0.2
    """A pair that only the containment bands propose goes on to the pre-verdict when
    the smaller skeleton lies at least this share inside the larger (estimated from the
    signatures: Jaccard and set sizes) and the skeleton channel passes the screen's
    Jaccard floor; the many pairs those bands join by a few shared names are skipped
    unverified. Candidate pairs the verifier calls reuse, before the pre-verdict
    (bench/train_preverdict.py), at 0.3 / 0.2 / 0.1 / no screen at all: generated 2,000
    1,141 / 1,155 / 1,156 / 1,158, web 1,200 documents 1,480 / 1,494 / 1,500 / 1,535,
    COUNTER-half 495 / 550 / 550 / 574, METER-dev 715 / 716 / 716 / 716. With the
    pre-verdict (fitted on the candidates at 0.3, ``bench/train_preverdict.py``
    ``FIT_FLOOR``) the scan verifies 3% (generated 2,000), 6% (10,000) and 40%
    (COUNTER-half) more candidates at 0.2 than at 0.3 (2.5 to 12 times the candidates
    with no screen at all); COUNTER-half scan recall 0.830 -> 0.863 (in-sample),
    generated 2,000 0.968 -> 0.980, 10,000 0.968 -> 0.979."""
    short_copy_share: float = 0.6
    """A short article (at most ``short_copy_terms`` distinct content words) is verified
    against each longer article holding at least this share of its rarer content words
    (``corpus.short_copies``): a brief made from a long agency story keeps its words,
    not its phrases or enough of its names for any band. 0: no such candidates. On
    METER-dev (where it was chosen) it finds 6 of the 8 reuse pairs no band proposed:
    scan recall 0.881 -> 0.905, precision 0.902 -> 0.905; at 0.5: 0.909 / 0.902, at
    0.7: 0.901 / 0.904; COUNTER-half and generated news (F1 0.967 at 10,000 articles)
    unchanged (bench/eval_short_copies.py). ``add`` and ``check`` ask the archive's
    term frequencies and full-text index the same (``archive_short``)."""
    short_copy_terms: int = 150
    """... the most distinct content words an article may have to look for a longer
    source that way (longer copies share enough phrases or names for the bands)."""
    max_candidates: int = 100
    """A candidate pair is verified only if it is among the ``max_candidates`` most
    promising candidates of both its articles (by the pre-verdict's probability, then
    the partner's id): a hub document (an index page, a round-up of the day's stories)
    that shares names with hundreds of articles is verified against its best partners,
    not all of them, however many buckets join it to others. Of 100,000 generated
    articles (candidates per article: 99th percentile 41, largest 549) it leaves out
    5,372 of 329,303 candidates, 2 of them among the 54,641 planted reuse pairs they
    hold (at 50: 16,894, the same 2); no article of the 9,372 web documents has more
    than 50 (bench/eval_bound.py). 0: no bound. The archive bounds each new article's
    candidates as it adds it."""
    batch_size: int = 512
    """Articles per batch in scan/add (memory vs. numpy efficiency)."""
    check_candidates: int = 12
    """Archive candidates verified with the full compare by ``check``: first those of the
    terms table and the full-text index (``archive_short``), then the most band hits.
    12, not 8 as when the band index alone proposed them: the articles of one story
    (METER-dev, about 30 a story) fill 8 places before a short copy's long source, so
    at 8 `check` found 221 of 252 derived pairs, at 12 227 (the scan: 228;
    ``bench/eval_archive_recall.py``)."""
    preverdict: bool = True
    """Skip candidates that the learned pre-verdict (``newstrace.preverdict``), reading
    only the signatures, finds very unlikely to be reuse (out of sample it kept 98.5-100%
    of the reuse pairs of held-out corpora and skipped up to a third of the candidates;
    bench/train_preverdict.py). False: verify every screened candidate."""
    preverdict_model: str | None = None
    """Path of a pre-verdict model file (bench/train_preverdict.py writes one) used
    instead of the shipped weights/preverdict.json; None: the shipped model."""
    check_screen_share: float = 0.5
    """``screen_share`` for ``check``: stricter than a scan's, because the archive keeps
    every skeleton term (it cannot know which will become common), so accidental
    skeleton similarity runs higher."""
    jobs: int = 1
    """Processes that fingerprint a scan's batches of articles, find and verify its
    candidate pairs and build its copy trees (forked workers where the platform can
    fork; the answer does not depend on it)."""
    watch_settle: float = 2.0
    """``watch`` reads a new or changed file once its size and modification time have
    stayed the same for this many seconds (a file still being written is not read; a
    writer that pauses longer than this should write under a temporary name, *.part or
    *.tmp, and rename)."""
    watch_poll: float = 300.0
    """Seconds between two reads of each feed ``watch`` follows (feeds are polled; five
    minutes is polite to a news site and still finds a story while it is fresh)."""
    tree_max_members: int = 30
    """A family with at most this many members gets a copy tree (``lineage``), built from
    full comparisons of its members: at most n(n-1)/2 of them (435 at 30), each about a
    scan verification; a larger family is a star under its original ("too large to
    order"). 0: no trees (families keep ``cluster.pick_original``'s original)."""
    tree_extra_pairs: int = 2
    """Besides a family's verified reuse pairs, each member is compared with at most this
    many members it shares a reuse partner with (pairs the candidate stage missed, which
    the tree needs to tell a copy's parent from its grandparent)."""
    link_screen_share: float = 0.7
    """``screen_share`` of the first, cheap cut of the candidates ``add`` verifies to
    keep the archive's reuse families, on the stored signatures (which keep the
    beat-common skeleton terms a scan leaves out). What survives is signed again as a
    scan signs it, without the skeleton terms common in the archive now, and must pass
    the scan's own test: a shared band, ``screen_share`` and the pre-verdict
    (``archive_link``). On the first 1,000 articles of a generated corpus this cut at
    0.7 left 301 candidates to verify and at 0.35 left 360, with the same pairs stored,
    so 0.7 stays."""
    link_family_size: int = 16
    """Of a family of at least this many articles, ``add`` verifies a new article
    against one member only (its candidate with the most band hits): the family is the
    same, with fewer stored pairs. Without it, a feed of a story's 140 copies each, as
    tests/test_concurrency.py adds, cost 25 compares per article (20 articles/s).
    Smaller families keep every pair, so their originals are picked from the same
    evidence as a scan's."""

    def __post_init__(self) -> None:
        for name in (
            "min_link_score",
            "min_context_score",
            "min_gap_score",
            "min_gap_containment",
            "verbatim_score",
            "duplicate_coverage",
            "wholly_aligned",
            "passage_score",
            "passage_area",
            "lone_passage_share",
            "common_skeleton_share",
            "screen_share",
            "check_screen_share",
            "link_screen_share",
            "short_copy_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise OptionsError(f"{name} must be between 0 and 1, got {value!r}")
        if self.min_context_score > self.min_link_score:
            raise OptionsError("min_context_score must not exceed min_link_score")
        for name in ("shingle_threshold", "skeleton_threshold"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise OptionsError(f"{name} must be strictly between 0 and 1, got {value!r}")
        if self.num_perm < 8 or self.num_perm & (self.num_perm - 1):
            raise OptionsError(f"num_perm must be a power of two >= 8, got {self.num_perm!r}")
        for name in (
            "shingle_size",
            "max_bucket",
            "batch_size",
            "check_candidates",
            "jobs",
            "common_skeleton_min",
            "link_family_size",
            "passage_words",
            "passage_links",
            "lone_passage_links",
        ):
            if getattr(self, name) < 1:
                raise OptionsError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.common_slot_articles < 0:
            raise OptionsError(
                f"common_slot_articles must not be negative, got {self.common_slot_articles!r}"
            )
        if not 0 <= self.containment_bands <= 4 * self.num_perm:
            raise OptionsError(
                f"containment_bands must be between 0 and 4 * num_perm, "
                f"got {self.containment_bands!r}"
            )
        for name in ("watch_settle", "watch_poll"):
            if not getattr(self, name) > 0:
                raise OptionsError(f"{name} must be positive seconds, got {getattr(self, name)!r}")
        for name in ("tree_max_members", "tree_extra_pairs", "max_candidates", "short_copy_terms"):
            if getattr(self, name) < 0:
                raise OptionsError(f"{name} must not be negative, got {getattr(self, name)!r}")
        if self.max_chars < 1:
            raise OptionsError(f"max_chars must be positive, got {self.max_chars!r}")
        if self.max_line_bytes < 1:
            raise OptionsError(f"max_line_bytes must be positive, got {self.max_line_bytes!r}")

    def with_(self, **changes: Any) -> Options:
        """Return a copy with some fields changed (unknown names raise OptionsError)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise OptionsError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)


DEFAULT_OPTIONS = Options()
