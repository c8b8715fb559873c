"""The corpus layer: the engine-independent steps around the stage functions, written
once for every engine (the local ``scan``, the archive's ``add``/``check``/``scan`` and
the Spark job), so that they cannot drift apart:

* ``batches``: cutting a stream of records into batches (and the progress callback);
* ``prints``: fingerprint assembly (bodies -> parts -> signatures -> band keys) and the
  corpus fingerprinter of a whole scan;
* ``terms``: term statistics (document frequencies, corpus-common skeleton terms);
* ``screen``: the candidate screen, on a signature matrix or on stored signatures, and
  the bound on each article's candidates;
* ``short_copies``: candidates for a short article inside a much longer one, from the
  rarer content words they share;
* ``prepared``: the prepared-article store and the verification of one pair;
* ``spool``: a local scan's articles, and its reuse comparisons for the copy trees, on
  disk, read back by row;
* ``families``: the families a scan's verification finishes, given their copy trees
  while their members are still prepared.
"""

from __future__ import annotations

from .batches import Progress, batches, no_progress
from .families import FamilyTracker
from .prepared import PreparedCache, judge_pair, one_blas_thread, verify_pair, visit_order
from .prints import (
    BandKeys,
    CorpusFingerprinter,
    article_parts,
    band_keys_of,
    bandings_of,
    batch_parts,
    body_parts,
    clean_bodies,
    fingerprint_bodies,
    signed,
)
from .screen import (
    StoredSignatures,
    bound_candidates,
    id_ranks,
    over_limit,
    screen_candidates,
    screen_stored,
    screen_stored_scored,
)
from .short_copies import short_copy_pairs, with_short_copies
from .spool import ArticleSpool, ComparisonRecord, ComparisonSpool, Spool
from .terms import TermCounts, common_skeleton_terms, common_slot_values, merge_frequencies

__all__ = [
    "ArticleSpool",
    "BandKeys",
    "ComparisonRecord",
    "ComparisonSpool",
    "CorpusFingerprinter",
    "FamilyTracker",
    "PreparedCache",
    "Progress",
    "Spool",
    "StoredSignatures",
    "TermCounts",
    "article_parts",
    "band_keys_of",
    "bandings_of",
    "batch_parts",
    "batches",
    "body_parts",
    "bound_candidates",
    "clean_bodies",
    "common_skeleton_terms",
    "common_slot_values",
    "fingerprint_bodies",
    "id_ranks",
    "judge_pair",
    "merge_frequencies",
    "no_progress",
    "one_blas_thread",
    "over_limit",
    "screen_candidates",
    "screen_stored",
    "screen_stored_scored",
    "short_copy_pairs",
    "signed",
    "verify_pair",
    "visit_order",
    "with_short_copies",
]
