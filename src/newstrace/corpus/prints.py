"""Fingerprint assembly: body texts -> signature parts -> signatures -> band keys, the
same steps in every engine (a local scan, the archive's ``add`` and ``check``, the Spark
job), so that they compute the same keys for the same article."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial

import numpy as np

from ..boilerplate import Layout, find_boilerplate, pack_layout
from ..fingerprint import (
    ContentTerms,
    FingerprintParts,
    Fingerprints,
    dense_signatures,
    fingerprint_parts,
    skeleton_signatures,
    slot_frequencies,
)
from ..lsh import Banding, band_keys, optimal_banding, pair_band_keys
from ..model import Article
from ..options import DEFAULT_OPTIONS, Options
from .batches import Progress, batches, no_progress
from .short_copies import ShortCopyIndex
from .terms import TermCounts, common_slot_values

__all__ = [
    "BandKeys",
    "CorpusFingerprinter",
    "article_parts",
    "band_keys_of",
    "bandings_of",
    "batch_parts",
    "body_parts",
    "clean_bodies",
    "corpus_slots",
    "fingerprint_bodies",
    "signed",
]


def clean_bodies(
    articles: Sequence[Article],
    options: Options = DEFAULT_OPTIONS,
    layouts: Callable[[Layout], None] | None = None,
) -> list[str]:
    """The body text of each article: headline and boilerplate lines left out, so that
    site furniture shared by unrelated pages never makes them candidates. ``layouts``
    is handed each article's layout, in order (with ``options.strip_boilerplate``)."""
    out = []
    for art in articles:
        if not options.strip_boilerplate:
            out.append(art.text)
            continue
        layout = find_boilerplate(art.text, title=art.title)
        if layouts is not None:
            layouts(layout)
        out.append("\n".join(art.text[s.start : s.end] for s in layout.body))
    return out


def body_parts(
    bodies: Sequence[str],
    options: Options = DEFAULT_OPTIONS,
    *,
    frequencies: bool = True,
    content: bool = False,
    dense: bool = True,
) -> FingerprintParts:
    """Signature parts of a batch of body texts (``clean_bodies`` already applied); with
    ``content``, each article's content words for the short-copy candidates;
    ``dense=False`` for a scan's corpus (its common slot values are left out later)."""
    return fingerprint_parts(
        bodies,
        num_perm=options.num_perm,
        shingle_size=options.shingle_size,
        frequencies=frequencies,
        content=content,
        dense=dense,
    )


def article_parts(
    articles: Sequence[Article],
    options: Options = DEFAULT_OPTIONS,
    *,
    frequencies: bool = True,
    content: bool = False,
    layouts: Callable[[Layout], None] | None = None,
    dense: bool = True,
) -> FingerprintParts:
    """Signature parts and (unless ``frequencies`` is False) term frequencies of a batch
    of articles (an archive keeps the frequencies for ``Archive.term_stats``);
    ``layouts`` as for ``clean_bodies``; ``dense`` as for ``body_parts``."""
    return body_parts(
        clean_bodies(articles, options, layouts),
        options,
        frequencies=frequencies,
        content=content,
        dense=dense,
    )


def signed(
    parts: FingerprintParts,
    options: Options = DEFAULT_OPTIONS,
    common: np.ndarray | None = None,
    slots: np.ndarray | None = None,
) -> Fingerprints:
    """Both channels' signatures of a batch, the ``common`` skeleton terms and, for
    undensified parts, the common shingle ``slots`` values (``common_slots``) left out
    (the archive, which grows article by article, keeps them all: ``None``)."""
    skeleton = skeleton_signatures(parts.skeleton, options.num_perm, common)
    shingles = parts.shingles if parts.dense else dense_signatures(parts.shingles, slots)
    return Fingerprints(shingles, skeleton, parts.sizes)


def corpus_slots(raw: np.ndarray, options: Options = DEFAULT_OPTIONS) -> np.ndarray:
    """The common shingle slot values (``Options.common_slot_articles``) of a corpus's
    undensified signatures, counted a slot at a time (a slot's column is small)."""
    limit = options.common_slot_articles
    if limit <= 0 or raw.shape[1] == 0:
        return np.empty(0, np.uint64)
    return np.concatenate(
        [
            common_slot_values(*slot_frequencies(raw[:, [k]], k), options)
            for k in range(raw.shape[1])
        ]
    )


def fingerprint_bodies(
    bodies: Sequence[str], options: Options = DEFAULT_OPTIONS, common: np.ndarray | None = None
) -> Fingerprints:
    """Both channels of a batch of body texts, ``common`` skeleton terms left out."""
    return signed(body_parts(bodies, options, frequencies=False), options, common)


_NO_CONTENT = ContentTerms(np.empty(0, np.int64), np.empty(0, np.int64), 0)
"""What a fingerprinter keeps of a batch's content words once its index has them."""
_CONTAINMENT_CHANNEL = 2
"""Channel number hashed into the keys of the skeleton's two-slot containment bands."""
_SKELETON_FP_WEIGHT = 0.3
_SKELETON_FN_WEIGHT = 0.7
"""Weights of a needless candidate and of a missed pair in the skeleton's banding."""


def bandings_of(options: Options = DEFAULT_OPTIONS) -> tuple[Banding, Banding]:
    """The ordinary bandings of the shingle and the skeleton channel."""
    shingles = optimal_banding(options.shingle_threshold, options.num_perm, channel=0)
    # The skeleton channel is there for recall (verification removes the extra
    # candidates), so its banding weighs a missed pair above a needless candidate.
    skeleton = optimal_banding(
        options.skeleton_threshold,
        options.num_perm,
        channel=1,
        fp_weight=_SKELETON_FP_WEIGHT,
        fn_weight=_SKELETON_FN_WEIGHT,
    )
    return shingles, skeleton


_BandMaker = Callable[[np.ndarray, int, int], np.ndarray]
"""A channel's ``band_keys`` with its signatures and banding bound: (out, lo, hi)."""


class BandKeys:
    """The (n, k) band keys of both channels (``band_keys_of``), each block of columns
    made when it is read (``lsh.KeyTable``): a scan's candidate pass reads them a block
    at a time, so the whole table, the largest array of a scan (100,000 articles: 218
    MB, about a quarter of its peak memory), is never held."""

    def __init__(self, fp: Fingerprints, options: Options = DEFAULT_OPTIONS) -> None:
        shingles, skeleton = bandings_of(options)
        bands = options.containment_bands
        self._rows = fp.shingles.shape[0]
        # Each channel's width and what makes its bands lo to hi - 1 into ``out``.
        self._channels: tuple[tuple[int, _BandMaker], ...] = (
            (shingles.bands, partial(band_keys, fp.shingles, shingles)),
            (skeleton.bands, partial(band_keys, fp.skeleton, skeleton)),
            (bands, partial(pair_band_keys, fp.skeleton, bands, _CONTAINMENT_CHANNEL)),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self._rows, sum(width for width, _ in self._channels)

    def block(self, lo: int, hi: int) -> np.ndarray:
        """Columns ``lo`` to ``hi - 1``: the shingle channel's bands, then the
        skeleton's, then the skeleton's two-slot containment bands."""
        out = np.empty((self._rows, hi - lo), dtype=np.int64)
        start = 0
        for width, make in self._channels:
            a, b = max(lo, start), min(hi, start + width)
            if a < b:  # this channel's bands a - start to b - start, into their columns
                make(out[:, a - lo : b - lo], a - start, b - start)
            start += width
        return out


def batch_parts(
    articles: Sequence[Article], options: Options = DEFAULT_OPTIONS, *, layouts: bool = False
) -> tuple[list[bytes], FingerprintParts]:
    """What ``CorpusFingerprinter.add`` makes of one batch of a corpus: with ``layouts``,
    the articles' layouts packed (``pack_layout``; none without
    ``options.strip_boilerplate``), and their signature parts. It reads nothing but the
    batch, so forked workers can make a corpus's batches apart
    (``CorpusFingerprinter.add_made`` then adds them in order); a layout travels back
    packed, as the scan keeps it (pickling the objects cost a worker 0.1 ms an article)."""
    found: list[Layout] = []
    parts = _corpus_parts(
        clean_bodies(articles, options, found.append if layouts else None), options
    )
    return [pack_layout(x) for x in found], parts


def _corpus_parts(bodies: Sequence[str], options: Options) -> FingerprintParts:
    """``body_parts`` as a corpus's batches are made: no term frequencies (the corpus
    counts its own), content words for the short copies when asked, undensified."""
    return body_parts(
        bodies,
        options,
        frequencies=False,
        content=bool(options.short_copy_share),
        dense=False,
    )


def band_keys_of(fp: Fingerprints, options: Options = DEFAULT_OPTIONS) -> np.ndarray:
    """(n, k) band keys of both channels: word shingles and entity skeleton, then the
    skeleton's two-slot containment bands (``Options.containment_bands``), as one
    array (``BandKeys`` makes them a block of columns at a time)."""
    keys = BandKeys(fp, options)
    return keys.block(0, keys.shape[1])


class CorpusFingerprinter:
    """Fingerprints a corpus batch by batch, then bands it as a whole.

    Both channels wait for the whole corpus: skeleton terms found in too many articles
    (a beat's weekdays, small numbers, main actors: ``Options.common_skeleton_share``)
    and shingle slot values held by too many (stock phrases:
    ``Options.common_slot_articles``) are left out, and which those are is only known at
    the end. Batch boundaries never change the result.
    """

    def __init__(
        self, options: Options = DEFAULT_OPTIONS, layouts: Callable[[bytes], None] | None = None
    ) -> None:
        self.options = options
        self.layouts = layouts
        """Handed each article's layout, packed (``pack_layout``), as it is fingerprinted."""
        self.terms = TermCounts()
        self._parts: list[FingerprintParts] = []
        self._short = ShortCopyIndex()

    @property
    def documents(self) -> int:
        """Articles added so far."""
        return self.terms.documents

    def add_all(self, articles: Iterable[Article], progress: Progress = no_progress) -> None:
        """Fingerprint a stream of articles in batches of ``Options.batch_size``."""
        for batch in batches(articles, self.options.batch_size):
            self.add(batch)
            progress("fingerprint", self.documents, None)

    def add(self, articles: Sequence[Article]) -> None:
        """Fingerprint one batch (in corpus order)."""
        self.add_made(*batch_parts(articles, self.options, layouts=self.layouts is not None))

    def add_bodies(self, bodies: Sequence[str]) -> None:
        """Fingerprint one batch of body texts (``clean_bodies`` already applied)."""
        self.add_made((), _corpus_parts(bodies, self.options))

    def add_made(self, layouts: Sequence[bytes], parts: FingerprintParts) -> None:
        """Add one batch as ``batch_parts`` made it (here or in a worker process), in
        corpus order."""
        if self.layouts is not None:
            for layout in layouts:
                self.layouts(layout)
        self.terms.add(parts)
        self._short.add(parts.content)
        # The batch's content words live on in the index only (its rarer ones).
        self._parts.append(replace(parts, content=_NO_CONTENT))

    def common(self) -> np.ndarray:
        """The skeleton terms left out as too common in this corpus."""
        return self.terms.common(self.options)

    def finish(self) -> tuple[Fingerprints, BandKeys]:
        """Signatures of every article added, and their band keys (row k: k-th article;
        made a block of columns at a time when read). Called once: each batch's parts
        are let go as it is signed (``corpus()`` and ``common()`` still answer)."""
        common = self.common()
        n, m = sum(len(p.sizes) for p in self._parts), self.options.num_perm
        # Each batch is signed straight into the corpus's tables (no list of batches
        # joined at the end, which held the signatures twice).
        fp = Fingerprints(
            np.empty((n, m), dtype=np.uint32),
            np.empty((n, m), dtype=np.uint32),
            np.empty(n, dtype=np.int32),
        )
        row = 0
        for part in self._parts:  # the undensified shingle signatures, to count slots
            fp.shingles[row : row + len(part.sizes)] = part.shingles
            row += len(part.sizes)
        slots = corpus_slots(fp.shingles, self.options)
        row = 0
        while self._parts:
            batch = signed(self._parts.pop(0), self.options, common, slots)
            k = len(batch.sizes)
            fp.shingles[row : row + k] = batch.shingles
            fp.skeleton[row : row + k] = batch.skeleton
            fp.sizes[row : row + k] = batch.sizes
            row += k
        return fp, BandKeys(fp, self.options)

    def short_copies(self) -> np.ndarray:
        """The short-copy candidate pairs of the corpus (``short_copies.ShortCopyIndex``,
        rows in the order added). Called once: the content words are let go."""
        index, self._short = self._short, ShortCopyIndex()
        return index.pairs(self.options)
