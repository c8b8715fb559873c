"""What a scan's containment bands and short-copy channel find, asked of the archive:
the archived articles holding a share of a short article's rarer words.

A brief made from a long agency story shares too few phrases with it for a band key,
and its names lie inside the story's many (Jaccard near |brief| / |story|), so ``add``
and ``check``, which look articles up by band keys alone, missed what a scan finds
(METER-dev, all 416 texts added: 199 of 252 derived pairs linked, a scan 228). A scan
finds them with two-slot containment bands and an index of every article's rarer words;
an archive has two indexes that answer the same for one article at a time: the ``terms``
table (how many articles hold each content word, ``text.term``: the scan's document
frequencies) tells which of the article's words are rarer (in 2 to ``RARE_DOCUMENTS``
articles, the article itself counted), and the full-text index (``articles_fts``) lists
the articles holding each of the ``RAREST_ASKED`` rarest (a prefix query: a content word
is a stem, and a word holds the stem it starts with). Two questions:

* ``containing_rows``: the articles holding ``Options.containment_floor`` of its rarer
  skeleton terms (and ``MIN_RARE_TERMS``): what the containment bands propose; the
  archive's ``ScanView`` judges them as a scan judges those.
* ``short_copy_rows``: the articles holding ``Options.short_copy_share`` of its rarer
  content words; the longer of them are verified past the screen, as in a scan.

Only a short article (at most ``Options.short_copy_terms`` content words) asks: a long
one of a 20,000-article generated archive has a score of rarer names, which proposed
many of its neighbours. The frequencies are those of the articles archived when the
question is asked (a scan counts its whole corpus), and ``add`` asks for the new article
only (a short one added before its long source is found by ``check``, or ``scan
--db``). An archive without a full-text index (SQLite built without FTS5) asks nothing.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence

from .corpus.short_copies import MIN_RARE_TERMS, RARE_DOCUMENTS
from .fingerprint import term_sets
from .options import Options

__all__ = ["RAREST_ASKED", "containing_rows", "longer_than", "short_copy_rows"]

_POSTINGS_READ = 4 * RARE_DOCUMENTS
"""Articles read per word from the full-text index: a prefix also matches longer
words with other stems ("court" matches "courtroom"), so a rarer stem may list a few
more articles than its frequency; a word common under its prefix stops there."""
RAREST_ASKED = 24
"""The rarer words asked of the full-text index for one article, rarest first (a
question costs 0.05-0.3 ms, the more the less its segments are merged; a brief in a
small archive has 40-50 rarer words): the share is counted over these."""


def short_copy_rows(
    db: sqlite3.Connection,
    terms: Collection[str],
    df: Mapping[str, int],
    options: Options,
    *,
    archived: bool,
) -> list[int]:
    """Row ids of the archived articles holding ``options.short_copy_share`` of the
    rarer ones of ``terms`` (an article's content words: ``fingerprint.term_sets``; their
    archive frequencies ``df``, from the ``terms`` table: a term it lacks is in no
    article), when the article is short enough to look for them; ``archived``: whether the
    article is counted in the archive's frequencies already (``add``) or not
    (``check``). The article itself, and whether each is longer, is for the caller to
    tell (``longer_than``)."""
    if not options.short_copy_share or len(terms) > options.short_copy_terms:
        return []
    return _holders(db, terms, df, options.short_copy_share, 0, archived=archived)


def containing_rows(
    db: sqlite3.Connection,
    skeleton: Collection[str],
    df: Mapping[str, int],
    options: Options,
    *,
    archived: bool,
    words: int,
) -> list[int]:
    """Row ids of the archived articles holding at least ``options.containment_floor``
    of the rarer ones of an article's skeleton terms (``fingerprint.term_sets``; ``df``
    as for ``short_copy_rows``),
    and at least ``MIN_RARE_TERMS``: what a scan's containment bands propose for a short
    article inside a long one (or a long one holding a short one), to be judged as the
    scan judges those (``archive_link.ScanView``). Asked for a short article only (at
    most ``options.short_copy_terms`` content ``words``), as the short copies are: the
    full-text index answers a question in 0.05-0.3 ms, and a long article of an archive
    of 20,000 generated ones has a score of rarer names, which proposed many of its
    neighbours for the view to judge (``add`` took 4 times as long). None without
    containment bands."""
    if not options.containment_bands or words > options.short_copy_terms:
        return []
    floor = options.containment_floor
    return _holders(db, skeleton, df, floor, MIN_RARE_TERMS, archived=archived)


def _holders(
    db: sqlite3.Connection,
    terms: Collection[str],
    df: Mapping[str, int],
    share: float,
    least: int,
    *,
    archived: bool,
) -> list[int]:
    """The articles holding ``share`` (and at least ``least``) of the rarest
    ``RAREST_ASKED`` of ``terms`` found in 2 to ``RARE_DOCUMENTS`` articles (the
    article itself counted: ``archived``, or one more); none when fewer than
    ``MIN_RARE_TERMS`` of them are."""
    own = 0 if archived else 1
    found = sorted((df.get(t, 0) + own, t) for t in terms)
    rare = [t for n, t in found if 2 <= n <= RARE_DOCUMENTS][:RAREST_ASKED]
    if len(rare) < MIN_RARE_TERMS:
        return []
    holding = Counter(r for t in rare for r in _postings(db, t))
    needed = max(share * len(rare), least)
    return sorted(r for r, shared in holding.items() if shared >= needed)


def longer_than(terms: Collection[str], bodies: Iterable[str]) -> list[bool]:
    """Whether each body has more distinct content words than ``terms``: a scan pairs a
    short article with its longer holders only."""
    return [len(term_sets(body)[0]) > len(terms) for body in bodies]


def _postings(db: sqlite3.Connection, term: str) -> Sequence[int]:
    """The articles whose text holds a word beginning with ``term`` (at most
    ``_POSTINGS_READ``)."""
    query = '"' + term.replace('"', '""') + '" *'
    try:
        rows = db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?",
            (query, _POSTINGS_READ),
        ).fetchall()
    except sqlite3.OperationalError:  # a term the full-text syntax cannot say
        return []
    return [r for (r,) in rows]
