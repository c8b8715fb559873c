"""Archive: a persistent, incremental index of articles in one embedded SQLite file.

No server to start. WAL journaling lets readers (``check``, the server) run while one
writer adds. Each batch of articles is one transaction, so a crash or a kill leaves the
archive as it was after the last committed batch, and running ``add`` again resumes:
an article already present (same content hash) is recognised and skipped.

Tables:

* ``articles``: one row per article: stable id, content hash, metadata, zlib-compressed
  text, and both signatures (for re-banding and for scanning the archive).
* ``bands``: (key, article) for every band key of both channels; a ``WITHOUT ROWID``
  B-tree keyed by band key, so a ``check`` is a handful of index look-ups.
* ``meta``: the fingerprint parameters the archive was built with (a later run with other
  parameters would compute keys that never match, so it is refused).
* ``pairs``, ``families``, ``members``, ``articles_fts`` (schema 3): the verified reuse
  pairs and families, kept up to date by every ``add`` and ``remove`` in the same
  transaction, and a text index (see ``archive_store``).
* ``articles.modified`` (schema 4): when the page says it was last changed, kept apart
  from ``published``.
* ``packs`` (schema 5): each article's layout, sentences and facts
  (``compare.preparation``, zlib-compressed, about 0.65 KB), so that ``check`` and
  ``add``'s verification unpack an archived article instead of preparing it again. Kept
  for one ``compare.PREPARE_VERSION`` (meta ``prepared``): a writer of another version
  drops them; an article without one is prepared as before.

An archive of an older schema (2 or 3) is upgraded when it is first opened for writing
(``newstrace upgrade``); read-only it is refused with a message that says so. One of
schema 4 is read as it is (nothing stored to unpack) and upgraded by any writer (an
empty ``packs`` table; ``newstrace upgrade`` fills it).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

import numpy as np

from . import archive_store as store
from .align import TermStats
from .archive_link import Link, ScanView, common_skeleton
from .archive_short import containing_rows, longer_than, short_copy_rows
from .boilerplate import Layout
from .compare import (
    PREPARE_VERSION,
    Prepared,
    compare_if_reuse,
    preparation,
    prepare,
    with_drifts,
)
from .corpus import (
    ComparisonSpool,
    CorpusFingerprinter,
    PreparedCache,
    Progress,
    article_parts,
    band_keys_of,
    batches,
    body_parts,
    clean_bodies,
    judge_pair,
    no_progress,
    one_blas_thread,
    screen_stored,
    signed,
)
from .errors import ArchiveError, InputError
from .fingerprint import FINGERPRINT_VERSION, Fingerprints, term_sets
from .ingest import content_hash
from .lineage import family_tree
from .lsh import sorted_keys
from .model import Article, Family, Match, PairResult, ScanResult
from .options import DEFAULT_OPTIONS, Options
from .scan import find_reuse, fingerprint_all

__all__ = ["AddReport", "Archive"]

_SCHEMA_VERSION = "5"
_WITHOUT_FAMILIES = "2"
"""The schema before the stored families: its upgrade adds the tables of schema 3 and
finds the families by one scan of the archive."""
_WITHOUT_MODIFIED = "3"
"""The schema before ``articles.modified``: its upgrade adds the column (NULL for the
articles already archived, whose modified times were never kept)."""
_WITHOUT_PACKS = "4"
"""The schema before the stored preparations: its upgrade adds the ``packs`` table."""
_UNREADABLE = (_WITHOUT_FAMILIES, _WITHOUT_MODIFIED)
"""The older schemas a reader refuses (each lacks the modified column)."""
_UPGRADABLE = (*_UNREADABLE, _WITHOUT_PACKS)
"""The older schemas a writer upgrades in place."""
_PACKS_TABLE = "CREATE TABLE IF NOT EXISTS packs (article INTEGER PRIMARY KEY, pack BLOB NOT NULL)"
"""Schema 4 -> 5 (and part of a new archive): an article's stored preparation."""
_ADD_MODIFIED = "ALTER TABLE articles ADD COLUMN modified TEXT"
"""Schema 3 -> 4. Appended last, as in ``_SCHEMA``, so an upgraded table and a new one
have the same columns in the same order; SQLite rewrites no row to add it."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    title TEXT, url TEXT, site TEXT, published TEXT, author TEXT, origin TEXT,
    format TEXT NOT NULL,
    text BLOB NOT NULL,
    shingles BLOB NOT NULL,
    skeleton BLOB NOT NULL,
    added REAL NOT NULL,
    modified TEXT
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(hash);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS terms (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
"""
_PACK_LEVEL = 1
"""zlib level of the stored preparations: 1.18 KB -> 0.65 KB on generated news; higher
levels save little more for more time on every add."""
_COUNTERS = ("articles", "df_total")
"""Meta rows kept in step with the tables by every add: the number of articles and the
sum of ``terms.df`` (``doctor`` checks both)."""
_META_KEYS = (
    "schema",
    "fingerprint",
    "num_perm",
    "shingle_size",
    "shingle_threshold",
    "skeleton_threshold",
)

# Connection tuning (performance only; the file format is unchanged).
_CACHE_KIB = 128 * 1024
"""SQLite page cache per connection (KiB): holds the band index's inner pages and the
recently written leaves, so a batch's inserts rarely re-read a page."""
_WAL_AUTOCHECKPOINT = 16384
"""WAL pages (4 KiB) before a checkpoint: a leaf dirtied by several batches is copied
back once, and there are fewer fsyncs (commits themselves never fsync: synchronous=NORMAL)."""
_CHECKPOINT_WAIT_MS = 1000
"""How long a closing writer waits for readers to let it finish its checkpoint."""
_LINK_GROUP = 64
"""New articles whose candidates ``add`` verifies together: their candidates' articles
are read, and signed again (``archive_link.ScanView``), in one go."""
_LINK_PREPARED_MEMORY = 128 * 2**20
"""Memory the prepared articles held by one ``add`` batch's linker may take (about
650 generated news articles): enough that an older article, a candidate of several link
groups, is mostly prepared once per batch, small beside a scan's 512 MB."""
_TREE_SECONDS = 1.0
"""How long one transaction of the end of an ``add`` gives families their copy trees
before it commits: a kill loses at most this much work, and another writer waits for
the lock this long at most (far below its 30 s busy timeout, even on a loaded machine)."""
_SHINGLES, _SKELETON = 11, 12
"""Positions of the signatures in an article row of ``_rows``."""
_IN_CHUNK = 500
"""Ids per ``IN (...)`` look-up (well under SQLite's host-parameter limit)."""


@dataclass(slots=True)
class AddReport:
    """What one ``add`` did: ids added, already present, and inputs that failed."""

    added: int = 0
    present: int = 0
    failed: int = 0
    seconds: float = 0.0


class Archive:
    """An open archive file. Use as a context manager; one writer at a time."""

    def __init__(
        self,
        path: str | Path,
        *,
        options: Options = DEFAULT_OPTIONS,
        create: bool = True,
        readonly: bool | None = None,
        timeout: float = 30.0,
    ) -> None:
        """Open the archive at ``path``.

        ``create`` (the default, what ``add`` does) creates a missing or empty file as a
        new archive and opens it for writing. ``create=False`` opens an existing archive
        read-only (unless ``readonly=False``): SQLite's ``mode=ro``, no schema created, no
        journal mode changed, so the file is never modified, and a read-only file, folder
        or mount can be read. Either way a database that is not a newstrace archive, or
        holds another schema version, is refused with an :class:`ArchiveError`.
        """
        self.path = Path(path)
        self.options = options
        self.readonly = (not create) if readonly is None else readonly
        # The archive indexes the ordinary bands only: the containment bands of a scan
        # triple the band table and double a check's time (bench_archive, 10k articles:
        # 54 -> 86 MiB, check p50 12 -> 16 ms). What they propose (a short copy inside a
        # long source) is asked of the terms table and the full-text index instead
        # (``archive_short``), and judged as a scan judges it (``ScanView``).
        self._index_options = options.with_(containment_bands=0)
        self._view: ScanView | None = None
        """Articles signed as a scan signs them, kept from one ``add`` batch to the next."""
        self._common: tuple[tuple[int, int], np.ndarray] | None = None
        """The common skeleton terms, and the archive's change stamp when read."""
        self.errors: list[InputError] = []
        """Inputs refused by ``add`` (id clashes), for the caller to report."""
        self.packs = False  # read below, once the schema is known (an upgrade scans)
        if (self.readonly or not create) and not self.path.exists():
            raise ArchiveError(f"{self.path}: no such archive (create one with `newstrace add`)")
        if self.path.is_dir():
            raise ArchiveError(f"{self.path}: is a folder, not an archive file")
        opened: sqlite3.Connection | None = None
        try:
            if self.readonly:
                opened, self._reader_uri = _connect_readonly(self.path, timeout)
            else:
                opened = sqlite3.connect(
                    self.path, timeout=timeout, isolation_level=None, check_same_thread=False
                )
                self._reader_uri = _readonly_uri(self.path)
            self._db = opened
            self._db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._db.execute("PRAGMA temp_store=MEMORY")
            self._db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            version = self._schema_version()
            if version is None and self.readonly:
                raise ArchiveError(
                    f"{self.path}: not a newstrace archive (an empty database; "
                    "create an archive with `newstrace add`)"
                )
            if not self.readonly:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute(f"PRAGMA wal_autocheckpoint={_WAL_AUTOCHECKPOINT}")
                if version is None:
                    self._create()
            self._check_meta()
            self._columns = _OLD_ARTICLE_COLUMNS if version in _UNREADABLE else _ARTICLE_COLUMNS
            """What ``_article`` reads: an archive before schema 4 has no modified column."""
            if not self.readonly and version in _UPGRADABLE:
                self._upgrade()
            if not self.readonly:
                self._renew_packs()
            self.fts = self._meta("fts") == "1"
            """Whether text search uses the FTS5 index (else titles, with LIKE)."""
            self.packs = (
                options.strip_boilerplate
                and self._meta("prepared") == PREPARE_VERSION
                and self._has_table("packs")
            )
            """Whether articles' stored preparations are read and written (those of this
            ``PREPARE_VERSION``, made with boilerplate removal, as the defaults do)."""
        except (sqlite3.Error, ArchiveError) as exc:
            if opened is not None:
                opened.close()
            if isinstance(exc, ArchiveError):
                raise
            raise _archive_error(self.path, exc, "open") from None

    # --- housekeeping -------------------------------------------------------------------

    def _schema_version(self) -> str | None:
        """The archive schema version of the file, or None for an empty database; a
        database with other tables is refused (before anything is written to it)."""
        tables = {
            name
            for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return None
        if "meta" not in tables:
            shown = ", ".join(sorted(tables)[:5])
            raise ArchiveError(
                f"{self.path}: not a newstrace archive (a SQLite database "
                f"with other tables: {shown})"
            )
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        except sqlite3.OperationalError:  # a meta table of some other program
            row = None
        if row is None:
            raise ArchiveError(
                f"{self.path}: not a newstrace archive (its meta table names no newstrace schema)"
            )
        version = str(row[0])
        if version in _UNREADABLE and self.readonly:
            raise ArchiveError(
                f"{self.path}: made with newstrace archive schema version {version}; "
                f"upgrade it once to version {_SCHEMA_VERSION} with "
                f"`newstrace upgrade --db {self.path}` (any `add` upgrades it too)"
            )
        if version not in (_SCHEMA_VERSION, *_UPGRADABLE):
            raise ArchiveError(
                f"{self.path}: made with newstrace archive schema version "
                f"{version}; this newstrace reads schema version "
                f"{_SCHEMA_VERSION} only (rebuild it with `newstrace add`)"
            )
        missing = sorted({"articles", "bands", "terms"} - tables)
        if missing:
            raise ArchiveError(
                f"{self.path}: not a newstrace archive (schema "
                f"{version} but no {', '.join(missing)} table)"
            )
        return version

    def _create(self) -> None:
        """Tables and meta rows of a new archive, in one transaction (a kill leaves an
        empty database or a whole archive; concurrent creators are harmless)."""
        with self._transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            fts = store.create_v3(self._db)
            self._db.execute(_PACKS_TABLE)
            self._db.executemany(
                "INSERT OR IGNORE INTO meta VALUES (?, ?)",
                [
                    *self._want().items(),
                    *((k, "0") for k in _COUNTERS),
                    ("fts", str(int(fts))),
                    ("prepared", PREPARE_VERSION),
                ],
            )

    def _upgrade(self) -> None:
        """Schema 2, 3 or 4 -> 5 in one transaction, so a kill leaves the old schema
        whole, upgraded again next time. The 2 -> 3 step comes first: its scan reads
        articles through a second connection too, which sees the committed tables only
        (no modified column until this transaction commits). The ``packs`` table starts
        empty (``fill_packs`` fills it)."""
        with self._transaction():
            version = self._meta("schema")
            if version in _UNREADABLE:
                if version == _WITHOUT_FAMILIES:
                    self._add_families()
                self._db.execute(_ADD_MODIFIED)
                # Schema 3 kept families without copy trees: each gets its tree now.
                self._store_trees([f for (f,) in self._db.execute("SELECT family FROM families")])
            if version in _UPGRADABLE:  # else another writer upgraded it meanwhile
                self._db.execute(_PACKS_TABLE)
                self._db.execute(
                    "UPDATE meta SET value = ? WHERE name = 'schema'", (_SCHEMA_VERSION,)
                )
        self._columns = _ARTICLE_COLUMNS

    def _renew_packs(self) -> None:
        """Drop stored preparations of another ``PREPARE_VERSION`` than this code's
        (what they hold is not what ``prepare`` now makes), once, in one transaction."""
        if self._meta("prepared") == PREPARE_VERSION:
            return
        with self._transaction():
            if self._meta("prepared") != PREPARE_VERSION:
                self._db.execute("DELETE FROM packs")
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('prepared', ?)", (PREPARE_VERSION,)
                )

    def _has_table(self, name: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    def _add_families(self) -> None:
        """Schema 2 -> 3 (inside the caller's transaction): the new tables, the text
        index of every article, and the reuse pairs and families of one scan of the
        archive (what ``add`` keeps from then on)."""
        fts = store.create_v3(self._db)
        if fts:
            self._db.executemany(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                ((r, art.title or "", art.text) for r, art in self._rowid_articles()),
            )
        found = self.scan()
        rowid = dict(self._db.execute("SELECT id, rowid FROM articles").fetchall())
        store.store_pairs(self._db, found.pairs, rowid)
        store.regroup(self._db, {rowid[i] for p in found.pairs for i in (p.a, p.b)})
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('fts', ?)", (str(int(fts)),))

    def _meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def _want(self) -> dict[str, str]:
        return {
            "schema": _SCHEMA_VERSION,
            "fingerprint": FINGERPRINT_VERSION,
            "num_perm": str(self.options.num_perm),
            "shingle_size": str(self.options.shingle_size),
            "shingle_threshold": repr(self.options.shingle_threshold),
            "skeleton_threshold": repr(self.options.skeleton_threshold),
        }

    def _check_meta(self) -> None:
        want = self._want()
        have = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        # The schema version was read (and an older one accepted for upgrade) already.
        wrong = [k for k in _META_KEYS if k != "schema" and have.get(k) != want[k]]
        if wrong:
            raise ArchiveError(
                f"{self.path}: built with other fingerprint settings "
                f"({', '.join(f'{k}={have.get(k)}' for k in wrong)})"
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)

    def _count(self, **added: int) -> None:
        """Advance the meta counters inside the caller's transaction (doctor compares
        them with the tables; an archive made before they existed has none to advance)."""
        self._db.executemany(
            "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE name = ?",
            [(n, k) for k, n in added.items()],
        )

    def close(self) -> None:
        """Close; a writer first checkpoints the WAL, so that the archive file alone
        holds what it committed (a copy of the file then loses nothing; still, copy a
        live archive with :meth:`backup`)."""
        if not self.readonly:
            self._checkpoint()
        self._db.close()

    def _checkpoint(self) -> None:
        """Copy the WAL's committed pages back into the archive file: passively (never
        waiting), then, if readers or another writer held some back, once more waiting a
        moment for them. Failing here loses nothing: the WAL keeps the pages."""
        try:
            busy, log, done = self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if busy or log != done:
                self._db.execute(f"PRAGMA busy_timeout={_CHECKPOINT_WAIT_MS}")
                self._db.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
        except sqlite3.Error:
            pass

    def backup(self, path: str | Path) -> int:
        """Copy the archive to the new file ``path`` with SQLite's online backup: one
        consistent snapshot of every committed article, WAL included, also while other
        processes add or read. The copy is a single self-contained file (no WAL). It is
        written under a temporary name and renamed when complete. Returns the number of
        articles copied."""
        out = Path(path)
        if out.exists():
            raise ArchiveError(f"{out}: already exists; back up to a new file")
        if not out.parent.is_dir():
            raise ArchiveError(f"{out.parent}: no such folder")
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                self._db.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                n = int(dst.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            finally:
                dst.close()
            os.replace(tmp, out)
        except (sqlite3.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise ArchiveError(f"{out}: cannot write the backup of {self.path} ({exc})") from None
        return n

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        """Articles archived: the counter ``add`` keeps in meta (a COUNT(*) walks the
        whole table, and ``check`` asks on every call; ``doctor`` compares the two)."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'articles'").fetchone()
        return int(row[0]) if row else self._counted()

    def _counted(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # --- writing ------------------------------------------------------------------------

    def add(
        self, articles: Iterable[Article], *, on_batch: Callable[[AddReport], None] | None = None
    ) -> AddReport:
        """Add articles in batches of ``options.batch_size``, one transaction each.

        Already archived content (same hash) is skipped; an id already used by other
        content is an input error (ids are stable: they never move to other text).
        """
        if self.readonly:
            raise ArchiveError(f"{self.path}: opened read-only; cannot add")
        report = AddReport()
        t0 = time.perf_counter()
        try:
            # The reuse comparisons made while linking, for the trees made at the end.
            with ComparisonSpool() as judged, one_blas_thread():
                for batch in batches(articles, self.options.batch_size):
                    self._add_batch(batch, report, judged)
                    if on_batch:
                        on_batch(report)
                self._finish_trees(judged)
        except ArchiveError as exc:
            raise ArchiveError(
                f"{exc}; the archive keeps the {report.added:,} articles this add committed before"
            ) from None
        report.seconds = time.perf_counter() - t0
        return report

    def _add_batch(
        self, batch: Sequence[Article], report: AddReport, judged: ComparisonSpool
    ) -> None:
        """One batch, one transaction. The ids are looked up, and the new articles
        fingerprinted, before the write lock is taken; with the lock held they are looked
        up again, so ids that another writer committed meanwhile are skipped as already
        archived (or refused, if with other text): concurrent writers always finish."""
        hashes = [content_hash(art.text) for art in batch]
        fresh, fresh_hashes = self._fresh(batch, hashes, report)
        if not fresh:
            return
        layouts: list[Layout] = []  # found by the fingerprinting, kept for the packs
        rows, df, flat, owner, sizes = self._rows(fresh, fresh_hashes, layouts.append)
        packs = self._preparations(fresh, layouts)
        with self._transaction():
            # One writer at a time (BEGIN IMMEDIATE): nobody adds between this look-up and
            # the inserts. Ids raced in by another writer are dropped; the rest is
            # fingerprinted again only then (rare: a batch's term counts are not per row).
            still, still_hashes = self._fresh(fresh, fresh_hashes, report)
            if not still:
                return
            if len(still) < len(fresh):
                rows, df, flat, owner, sizes = self._rows(still, still_hashes)
            # The ids SQLite would pick, max + 1.
            base = (
                int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM articles").fetchone()[0])
                + 1
            )
            for j, row in enumerate(rows):
                row[0] = base + j
            self._db.executemany(
                "INSERT INTO articles (rowid, id, hash, title, url, site, published, author, "
                "origin, format, text, shingles, skeleton, added, modified) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?)",
                zip(flat.tolist(), (owner + base).tolist(), strict=True),
            )
            self._db.executemany(
                "INSERT INTO terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                sorted(df.items()),
            )
            if self.fts:
                self._db.executemany(
                    "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                    ((base + j, art.title or "", art.text) for j, art in enumerate(still)),
                )
            if self.packs:
                self._db.executemany(
                    "INSERT INTO packs VALUES (?, ?)",
                    (
                        (base + j, packs[art.id])
                        for j, art in enumerate(still)
                        if packs.get(art.id) is not None
                    ),
                )
            self._count(articles=len(rows), df_total=sum(df.values()))
            linker = _Linker(self, self._scan_view(), judged)
            for start in range(0, len(still), _LINK_GROUP):
                group = range(start, min(start + _LINK_GROUP, len(still)))
                self._link(base, still, rows, (flat, owner), sizes, group, linker)
        report.added += len(still)

    def _scan_view(self) -> ScanView:
        """The view that signs articles without the skeleton terms common in the
        archive now: the last batch's while those are the same (small batches rarely
        change them), else a new one."""
        common = self._common_skeleton()
        if self._view is None or not self._view.holds(common):
            self._view = ScanView(common, self.options)
        return self._view

    def _common_skeleton(self) -> np.ndarray:
        """``archive_link.common_skeleton``, read again only once the archive changed
        (a write of this connection, or a commit of another): it reads the whole terms
        table (6-10 ms at 663,040 generated articles), too much for every ``check``."""
        stamp = (self._db.total_changes, self._db.execute("PRAGMA data_version").fetchone()[0])
        if self._common is None or self._common[0] != stamp:
            self._common = (stamp, common_skeleton(self._db, len(self), self.options))
        return self._common[1]

    def _link(
        self,
        base: int,
        fresh: Sequence[Article],
        rows: Sequence[Sequence[Any]],
        keys: tuple[np.ndarray, np.ndarray],
        sizes: np.ndarray,
        group: range,
        linker: _Linker,
    ) -> None:
        """Verify the candidates of the new articles ``group`` (positions in ``fresh``,
        row ids from ``base``, already inserted) among the articles before each, as a
        scan verifies them (band hits, then, signed as a scan signs them, a shared band,
        the scan's screen and pre-verdict: ``archive_link.ScanView``; the compare
        pipeline with the archive's term statistics), and store the reuse pairs and
        regrouped families, inside the caller's transaction. The terms table and the
        full-text index propose more (``archive_short``): the articles before a new one
        that hold a share of its rarer skeleton terms (what a scan's containment bands
        propose; the view judges them as it judges band hits), and, for a short new
        article, the longer ones holding most of its rarer words (verified past the
        screen, as in a scan)."""
        pending = self._new_candidates(base, rows, *keys, group)
        # Short new articles ask the terms table and the full-text index (a long one's
        # many rarer names would propose many neighbours: archive_short).
        asking = self.fts and (self.options.containment_bands or self.options.short_copy_share)
        short = [j for j in group if sizes[j] <= self.options.short_copy_terms] if asking else []
        bodies = clean_bodies([fresh[j] for j in short], self.options)
        words = {j: _Words.of(body, self) for j, body in zip(short, bodies, strict=True)}
        pending += self._containing(base, words, pending)
        known = {base + j: fresh[j] for j in group}
        if pending:
            older = sorted({c for c, _ in pending} - known.keys())
            known.update(self._get_rowids(older) if older else {})
            pending = linker.view.candidates(pending, known)
        for j, w in words.items():
            r = base + j
            banded = {c for c, new in pending if new == r}
            found = self._short_copies(w, banded, archived=True, before=r)
            known.update(found)
            pending += [(c, r) for c in found]
        for r in sorted({r for _, r in pending}):
            linker.link(r, [c for c, new in pending if new == r], known)

    def _containing(
        self,
        base: int,
        words: Mapping[int, _Words],
        pending: Sequence[Link],
    ) -> list[Link]:
        """(older row, new row) pairs of new articles (position in the batch: their
        words) and the articles before each that hold a share of its rarer
        skeleton terms (``archive_short.containing_rows``) and that no band hit proposed:
        a scan's containment bands would propose them; the view judges them."""
        if not self.options.containment_bands:
            return []
        proposed = set(pending)
        out: list[Link] = []
        for j, w in words.items():
            r = base + j
            rows = containing_rows(
                self._db, w.skeleton, w.df, self.options, archived=True, words=len(w.content)
            )
            out += [(c, r) for c in rows if c < r and (c, r) not in proposed]
        return out

    def _finish_trees(self, judged: ComparisonSpool) -> None:
        """Give every family that has no copy tree yet its tree, once, at the end of an
        ``add``: a family that grows in every batch of a long add (a wire story's
        reprints arriving over the day) is ordered once, not once per batch, reading
        the comparisons the add's linking made (``judged``) instead of making them again. In
        transactions of about ``_TREE_SECONDS``, so a killed add keeps the trees made
        and another writer is not locked out for long; what is left (a family without a
        tree) is made by the next write."""
        if not self.options.tree_max_members:
            return
        pending = [f for (f,) in self._db.execute("SELECT family FROM families WHERE extra = '{}'")]
        pending.reverse()
        while pending:
            with self._transaction():
                deadline = time.perf_counter() + _TREE_SECONDS
                while pending and time.perf_counter() < deadline:
                    self._store_trees([pending.pop()], judged)

    def _store_trees(self, families: Iterable[int], judged: ComparisonSpool | None = None) -> None:
        """Give each family still stored of ``families`` its copy tree
        (``lineage.family_tree`` on its members and stored pairs, as a scan builds it),
        inside the caller's transaction: once per family per write, however many new
        articles joined it. Nothing when trees are off (``tree_max_members`` 0)."""
        if not self.options.tree_max_members:
            return
        for family in sorted(families):
            rowid, pairs = store.family_parts(self._db, family)
            if not rowid:
                continue
            arts = self._get_rowids(sorted(rowid.values()))
            members = sorted(arts.values(), key=lambda a: a.id)
            tree = family_tree(
                members, pairs, self.options, judged=judged.get if judged is not None else None
            )
            store.store_tree(self._db, family, tree, rowid)

    def _new_candidates(
        self,
        base: int,
        rows: Sequence[Sequence[Any]],
        flat: np.ndarray,
        owner: np.ndarray,
        group: range,
    ) -> list[tuple[int, int]]:
        """(older row, new row) candidate pairs of the new articles ``group`` whose
        stored signatures pass the scan's screen (``Options.link_screen_share``, no
        pre-verdict yet: a cheap first cut before the articles are signed again); every
        pair is asked once, from its later article."""
        out: list[tuple[int, int]] = []
        for j in group:
            keys = np.unique(flat[owner == j]).tolist()
            if not keys:
                continue
            r = base + j
            before = [(c, n) for c, n in self._band_hits(keys) if c < r]
            if before:
                mine = (rows[j][_SHINGLES], rows[j][_SKELETON])
                kept = self._screen(
                    before, mine, share=self.options.link_screen_share, preverdict=False
                )
                out.extend((c, r) for c, _ in kept)
        return out

    def _rows(
        self,
        fresh: Sequence[Article],
        hashes: Sequence[str],
        layouts: Callable[[Layout], None] | None = None,
    ) -> tuple[list[list[object]], dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
        """The article rows (row id still None), term document frequencies, sorted band
        keys (key, row) and distinct content words per article (short ones look for
        longer sources: ``archive_short``) of articles to insert; ``layouts`` is handed
        each article's layout as it is found."""
        parts = article_parts(fresh, self.options, content=True, layouts=layouts)
        # The archive keeps every skeleton term: it cannot know which will turn common.
        fp = signed(parts, self.options)
        keys = band_keys_of(fp, self._index_options)
        now = time.time()
        rows: list[list[object]] = [
            [
                None,
                art.id,
                h,
                art.title,
                art.url,
                art.site,
                art.published,
                art.author,
                art.origin,
                art.format,
                zlib.compress(art.text.encode("utf-8", "surrogatepass"), 1),
                sh.tobytes(),
                sk.tobytes(),
                now,
                art.modified,
            ]
            for art, h, sh, sk in zip(fresh, hashes, fp.shingles, fp.skeleton, strict=True)
        ]
        # Sorted by key (then article): the inserts walk the band B-tree in order, so each
        # leaf page is visited once per batch; equal (key, article) pairs are dropped.
        flat, owner = sorted_keys(keys)
        sizes = np.bincount(parts.content.rows, minlength=len(fresh))
        return rows, parts.frequencies, flat, owner, sizes

    def _preparations(
        self, fresh: Sequence[Article], layouts: Sequence[Layout] = ()
    ) -> dict[str, bytes | None]:
        """What the archive stores of each new article (``compare.preparation``,
        compressed; None for one ``prepare`` refuses: it is refused again when needed),
        made before the write lock is taken; ``layouts``: each article's, when its
        fingerprinting found them."""
        if not self.packs:
            return {}
        found: Sequence[Layout | None] = (
            layouts if len(layouts) == len(fresh) else [None] * len(fresh)
        )
        out: dict[str, bytes | None] = {}
        for art, layout in zip(fresh, found, strict=True):
            try:
                packed = preparation(art, self.options, layout=layout)
                out[art.id] = zlib.compress(packed, _PACK_LEVEL)
            except InputError:
                out[art.id] = None
        return out

    def fill_packs(self, *, progress: Progress = no_progress) -> int:
        """Store the preparation of every archived article that has none (an archive
        upgraded from schema 4, or one that a writer without boilerplate removal added
        to), ``options.batch_size`` articles per transaction, so that a killed run keeps
        what it stored. Returns how many were stored."""
        if self.readonly:
            raise ArchiveError(f"{self.path}: opened read-only; cannot store preparations")
        if not self.packs:
            return 0
        missing = [
            r
            for (r,) in self._db.execute(
                "SELECT rowid FROM articles WHERE rowid NOT IN (SELECT article FROM packs) "
                "ORDER BY rowid"
            )
        ]
        done = stored = 0
        progress("prepare", done, len(missing))
        for chunk in batches(missing, self.options.batch_size):
            arts = self._get_rowids(chunk)
            packs = self._preparations(list(arts.values()))
            rows = [(r, packs[a.id]) for r, a in arts.items() if packs.get(a.id) is not None]
            with self._transaction():
                self._db.executemany("INSERT OR IGNORE INTO packs VALUES (?, ?)", rows)
            done += len(chunk)
            stored += len(rows)
            progress("prepare", done, len(missing))
        return stored

    def _stored(self, rowids: Sequence[int]) -> dict[int, bytes]:
        """The stored preparations of the articles ``rowids`` that have one."""
        if not self.packs or not rowids:
            return {}
        found = self._select_in("SELECT article, pack FROM packs WHERE article IN ({})", rowids)
        return {r: zlib.decompress(blob) for r, blob in found}

    def _fresh(
        self, batch: Sequence[Article], hashes: Sequence[str], report: AddReport
    ) -> tuple[list[Article], list[str]]:
        """The articles of a batch not yet archived (and their hashes); id clashes are
        recorded as input errors."""
        ids = list({art.id: None for art in batch})
        archived: dict[str, str] = dict(
            self._select_in("SELECT id, hash FROM articles WHERE id IN ({})", ids)
        )
        fresh: list[Article] = []
        fresh_hashes: list[str] = []
        seen: dict[str, str] = {}
        for art, h in zip(batch, hashes, strict=True):
            have = archived.get(art.id)
            if have is not None or art.id in seen:
                if (have if have is not None else seen[art.id]) == h:
                    report.present += 1
                    continue
                report.failed += 1
                self.errors.append(
                    InputError(
                        art.origin or art.id, f"id {art.id!r} is already archived with other text"
                    )
                )
                continue
            seen[art.id] = h
            fresh.append(art)
            fresh_hashes.append(h)
        return fresh, fresh_hashes

    def remove(self, ids: Sequence[str]) -> list[str]:
        """Remove the articles ``ids`` in one transaction: their rows, band keys, text
        index entries and term counts, their reuse pairs, and the families they were in
        regrouped (split where they held one together). An unknown id is an InputError
        and nothing is removed. Returns the ids removed, in the order given."""
        if self.readonly:
            raise ArchiveError(f"{self.path}: opened read-only; cannot remove")
        wanted = list(dict.fromkeys(ids))
        with self._transaction():
            found = dict(self._select_in("SELECT id, rowid FROM articles WHERE id IN ({})", wanted))
            unknown = [i for i in wanted if i not in found]
            if unknown:
                raise InputError(unknown[0], "no such article in the archive")
            rowids = sorted(found.values())
            for chunk in batches(rowids, _IN_CHUNK):
                self._remove_rows(chunk)
        return wanted

    def _remove_rows(self, rowids: Sequence[int]) -> None:
        """Everything of the articles ``rowids`` (inside the caller's transaction)."""
        marks = ",".join("?" * len(rowids))
        rows = self._db.execute(
            f"SELECT rowid, shingles, skeleton, {self._columns} FROM articles "
            f"WHERE rowid IN ({marks}) ORDER BY rowid",
            list(rowids),
        ).fetchall()
        arts = [_article(row[3:]) for row in rows]
        width = self.options.num_perm

        def matrix(col: int) -> np.ndarray:
            blob = b"".join(row[col] for row in rows)
            return np.frombuffer(blob, dtype=np.uint32).reshape(len(rows), width)

        fp = Fingerprints(matrix(1), matrix(2), np.zeros(len(rows), dtype=np.int32))
        flat, owner = sorted_keys(band_keys_of(fp, self._index_options))
        self._db.executemany(
            "DELETE FROM bands WHERE key = ? AND article = ?",
            zip(flat.tolist(), [rows[k][0] for k in owner.tolist()], strict=True),
        )
        df = article_parts(arts, self.options).frequencies
        self._db.executemany(
            "UPDATE terms SET df = df - ? WHERE term = ?", [(n, t) for t, n in sorted(df.items())]
        )
        self._db.execute("DELETE FROM terms WHERE df <= 0")
        if self.fts:
            self._db.executemany(
                "INSERT INTO articles_fts (articles_fts, rowid, title, text) "
                "VALUES ('delete', ?, ?, ?)",
                [(row[0], art.title or "", art.text) for row, art in zip(rows, arts, strict=True)],
            )
        for column in ("a", "b"):
            self._db.execute(f"DELETE FROM pairs WHERE {column} IN ({marks})", list(rowids))
        self._db.execute(f"DELETE FROM packs WHERE article IN ({marks})", list(rowids))
        self._db.execute(f"DELETE FROM articles WHERE rowid IN ({marks})", list(rowids))
        self._count(articles=-len(rows), df_total=-sum(df.values()))
        self._store_trees(store.regroup(self._db, rowids))

    # --- reading ------------------------------------------------------------------------

    def pairs(self) -> list[PairResult]:
        """Every stored reuse pair (kept by ``add`` and ``remove``), ordered by ids."""
        return store.stored_pairs(self._db)

    def families(self) -> list[Family]:
        """Every stored reuse family, ordered and shaped as a scan's."""
        return store.stored_families(self._db)

    def family_page(self, query: store.FamilyQuery) -> tuple[int, list[store.FamilyRow]]:
        """How many stored families match ``query``, and its page of them."""
        return store.family_page(self._db, query, fts=self.fts)

    def family_of(self, article_id: str) -> store.FamilyRow | None:
        """The stored family of an archived article, or None when it is in none."""
        row = self._db.execute(
            "SELECT f.family, f.size, f.newest, f.uncredited, f.original, f.extra "
            "FROM articles a JOIN members m ON m.article = a.rowid "
            "JOIN families f ON f.family = m.family WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else store.family_row(self._db, row)

    def list_articles(self, query: store.ArticleQuery) -> Iterator[store.ArticleRow]:
        """Archived articles matching ``query``, in publication order."""
        yield from store.article_rows(self._db, query, fts=self.fts)

    def count_articles(self, query: store.ArticleQuery) -> int:
        return store.article_count(self._db, query, fts=self.fts)

    def get(self, article_id: str) -> Article:
        row = self._db.execute(
            f"SELECT {self._columns} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise InputError(article_id, "no such article in the archive")
        return _article(row)

    def _get_rowids(self, rowids: Sequence[int]) -> dict[int, Article]:
        marks = ",".join("?" * len(rowids))
        rows = self._db.execute(
            f"SELECT rowid, {self._columns} FROM articles WHERE rowid IN ({marks})", list(rowids)
        ).fetchall()
        return {r[0]: _article(r[1:]) for r in rows}

    def ids(self) -> Iterator[str]:
        for (article_id,) in self._db.execute("SELECT id FROM articles ORDER BY rowid"):
            yield article_id

    def _rowid_articles(self) -> Iterator[tuple[int, Article]]:
        for row in self._db.execute(
            f"SELECT rowid, {self._columns} FROM articles ORDER BY rowid"
        ).fetchall():
            yield row[0], _article(row[1:])

    def articles(self) -> Iterator[Article]:
        for row in self._db.execute(f"SELECT {self._columns} FROM articles ORDER BY rowid"):
            yield _article(row)

    def scan(self, *, progress: Progress = no_progress) -> ScanResult:
        """Every reuse pair and family among the archived articles: the scan of the same
        articles as files gives the same answer (fingerprints are recomputed from the
        stored texts, since a scan leaves out skeleton terms common in the whole corpus;
        the articles themselves are read back one at a time for verification)."""
        t0 = time.perf_counter()
        printer = CorpusFingerprinter(self.options)
        fingerprint_all(printer, self.articles(), progress)
        reading = time.perf_counter() - t0
        rowids = [r for (r,) in self._db.execute("SELECT rowid FROM articles ORDER BY rowid")]
        published = dict(
            self._db.execute("SELECT id, published FROM articles ORDER BY rowid").fetchall()
        )
        loader = _RowLoader(self.path, self._reader_uri, rowids, self._columns)
        result = find_reuse(
            printer,
            loader,
            published,
            stored=loader.stored if self.packs else None,
            options=self.options,
            progress=progress,
        )
        result.seconds["fingerprint"] += reading
        return result

    def check(
        self, article: Article, *, limit: int | None = None, screen: bool = True
    ) -> list[Match]:
        """Archived articles that share reused passages with ``article``, best first.

        Candidates come from the terms table and the full-text index
        (``archive_short``: the longer articles holding most of a short article's rarer
        words, and those a scan's containment bands would propose, judged as a scan
        judges them; no band hits: a short copy's long source, which shares too few
        phrases for many band hits), then from the band index, most hits first (shared
        band keys; a key shared by more than ``options.max_bucket`` articles counts for
        nothing, as in a scan); the first ``limit`` are verified as a scan verifies its
        candidates, and the reuse found is returned as the full compare pipeline gives it
        (drifts included). With ``screen`` (the default) a
        band candidate is verified only if its stored signatures are not far below the
        candidate thresholds (see ``Options.check_screen_share``): accidental
        candidates are skipped unverified; ``screen=False`` verifies every one of them.
        """
        limit = limit or self.options.check_candidates
        layouts: list[Layout] = []  # kept for the preparation below
        body = clean_bodies([article], self.options, layouts.append)[0]
        fp = signed(body_parts([body], self.options, frequencies=False), self.options)
        words = _Words.of(body, self)  # the vocabulary has just seen its words
        keys = band_keys_of(fp, self._index_options)[0]
        keys = np.unique(keys[keys != -1]).tolist()
        hits = self._band_hits(keys, limit)
        if hits and screen:
            hits = self._screen(hits, (fp.shingles[0].tobytes(), fp.skeleton[0].tobytes()))
        found = self._get_rowids([r for r, _ in hits]) if hits else {}
        # Longer articles holding most of a short article's rarer words: no band finds
        # them, and, as in a scan, no screen judges them (no band hits: 0).
        short = self._short_copies(words, found.keys(), archived=False)
        found.update(short)
        # Articles holding a share of its rarer skeleton terms, judged as a scan judges
        # the pairs of its containment bands (a short copy inside a long source).
        contained = self._contained(article, words, {r for r, _ in hits} | found.keys())
        found.update(contained)
        hits = [*((r, 0) for r in [*short, *contained]), *hits][:limit]
        if not hits:
            return []
        stored = self._stored([r for r, _ in hits])
        archived = PreparedCache[int](None, self.options, stored=stored.get)
        mine: Prepared | None = None
        out = []
        for rowid, n in hits:
            other = found.get(rowid)
            if other is None or (other.id == article.id and other.text == article.text):
                continue
            if mine is None:  # prepared once, and only if some candidate needs it
                mine = prepare(article, self.options, layout=layouts[0] if layouts else None)
            try:
                theirs = archived.get(rowid, other)
            except InputError:  # archived before this check's lower max_chars: not compared
                continue
            # Judged as a scan judges a candidate (no source stage or facts for a pair
            # derived neither way), the drifts found only for the reuse kept.
            c = compare_if_reuse(mine, theirs, self.options)
            if c is not None:
                out.append(Match(other.id, with_drifts(c, mine, theirs), n))
        out.sort(key=lambda m: (-m.comparison.score, m.id))
        return out

    def term_stats(self, terms: Iterable[str] | None = None) -> TermStats:
        """Document frequencies over the archive (of the given terms, or of all), the
        same statistics a scan of the same articles computes."""
        n = len(self)
        if terms is None:
            return TermStats(dict(self._db.execute("SELECT term, df FROM terms")), n)
        return TermStats(self._frequencies(terms), n)

    def _frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """The archive's document frequency of each of ``terms`` that it holds."""
        query = "SELECT term, df FROM terms WHERE term IN ({})"
        return dict(self._select_in(query, sorted(terms)))

    def _select_in(self, query: str, keys: Iterable[str] | Iterable[int]) -> Iterator[Any]:
        """The rows of ``query`` (ending ``IN ({})``) for all ``keys``, asked
        ``_IN_CHUNK`` keys at a time."""
        for chunk in batches(keys, _IN_CHUNK):
            yield from self._db.execute(query.format(",".join("?" * len(chunk))), chunk)

    def _contained(
        self, article: Article, words: _Words, taken: Iterable[int]
    ) -> dict[int, Article]:
        """The archived articles (none of ``taken``) holding a share of the rarer ones of
        ``article``'s skeleton terms (``words``) that a scan's containment bands, screen and
        pre-verdict would have it verified against (``archive_short.containing_rows``,
        judged by the archive's ``ScanView``). None without the full-text index."""
        if not self.fts or not self.options.containment_bands:
            return {}
        skip = set(taken)
        rows = containing_rows(
            self._db,
            words.skeleton,
            words.df,
            self.options,
            archived=False,
            words=len(words.content),
        )
        rows = [r for r in rows if r not in skip]
        if not rows:
            return {}
        known = self._get_rowids(rows)
        query = 0  # no archived article has row id 0: the checked article's place
        pairs = [(r, query) for r in sorted(known)]
        kept = self._scan_view().candidates(pairs, {query: article, **known})
        return {r: known[r] for r, _ in kept}

    def _short_copies(
        self,
        words: _Words,
        taken: Iterable[int],
        *,
        archived: bool,
        before: int | None = None,
    ) -> dict[int, Article]:
        """The longer archived articles (row ids below ``before``, if given; none of
        ``taken``) that hold ``options.short_copy_share`` of the rarer ones of a short
        article's content ``words`` (``archive_short``); ``archived``: whether the
        article is counted in the archive's frequencies already. None without the
        full-text index."""
        if not self.fts or not self.options.short_copy_share:
            return {}
        skip = set(taken)
        rows = [
            r
            for r in short_copy_rows(
                self._db, words.content, words.df, self.options, archived=archived
            )
            if r not in skip and (before is None or r < before)
        ]
        arts = self._get_rowids(rows) if rows else {}
        kept = sorted(arts)
        longer = longer_than(words.content, clean_bodies([arts[r] for r in kept], self.options))
        return {r: arts[r] for r, ok in zip(kept, longer, strict=True) if ok}

    def _band_hits(self, keys: Sequence[int], limit: int | None = None) -> list[tuple[int, int]]:
        """Archived articles sharing band ``keys``, as (rowid, keys shared), most first
        (then by rowid), the first ``limit`` of them. As in a scan, a key shared by more
        than ``max_bucket`` articles (common words of the whole archive) counts for
        nothing: at most ``max_bucket + 1`` index entries are read per key to tell. One
        short query per key, counted here: at 830,000 articles 1.4 ms for a check's 81
        keys, where one statement doing the same (a UNION ALL of the keys' queries,
        grouped and sorted by SQLite) took 1.7-2.2 ms."""
        bucket = self.options.max_bucket
        sql = f"SELECT article FROM bands WHERE key = ? LIMIT {bucket + 1}"
        found: list[int] = []
        for key in keys:
            rows = self._db.execute(sql, (key,)).fetchall()
            if len(rows) <= bucket:
                found.extend(r for (r,) in rows)
        if not found:
            return []
        rowids, shared = np.unique(np.array(found, dtype=np.int64), return_counts=True)
        order = np.lexsort((rowids, -shared))[:limit]
        return list(zip(rowids[order].tolist(), shared[order].tolist(), strict=True))

    def _screen(
        self,
        hits: list[tuple[int, int]],
        mine: tuple[bytes, bytes],
        *,
        share: float | None = None,
        preverdict: bool = True,
    ) -> list[tuple[int, int]]:
        """The candidates (rowid, hits), in order, that the scan's screen keeps at
        ``share`` (default ``Options.check_screen_share``), from their stored signatures
        (band keys hash signature slots, so this is the same evidence, counted slot by
        slot), and the learned pre-verdict too unless ``preverdict`` is False."""
        marks = ",".join("?" * len(hits))
        sigs = {
            r: (sh, sk)
            for r, sh, sk in self._db.execute(
                f"SELECT rowid, shingles, skeleton FROM articles WHERE rowid IN ({marks})",
                [r for r, _ in hits],
            )
        }
        known = [(rowid, n) for rowid, n in hits if rowid in sigs]
        kept = screen_stored(
            [mine] * len(known),
            [sigs[rowid] for rowid, _ in known],
            self._index_options.with_(preverdict=self.options.preverdict and preverdict),
            share=self.options.check_screen_share if share is None else share,
        )
        return [known[k] for k in kept]

    # --- integrity ----------------------------------------------------------------------

    def doctor(self) -> list[str]:
        """Problems found by SQLite's integrity check and the archive's own invariants.

        Runs in one read transaction, so a writer adding at the same time is seen as of
        its last commit, never half-way through a batch.
        """
        self._db.execute("BEGIN")
        try:
            return self._doctor()
        finally:
            self._db.execute("COMMIT")

    def _doctor(self) -> list[str]:
        problems = [
            r[0] for r in self._db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"
        ]
        if problems:
            return problems  # the checks below would read broken pages
        meta = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        missing = [k for k in _META_KEYS if k not in meta]
        if missing:
            problems.append(f"meta lacks {', '.join(missing)}")
        n = self._counted()
        if "articles" in meta and str(meta["articles"]) != str(n):
            problems.append(f"meta counts {meta['articles']} articles, the table holds {n}")
        df_sum, df_bad = self._db.execute(
            "SELECT COALESCE(SUM(df), 0), COALESCE(SUM(df < 1 OR df > ?), 0) FROM terms", (n,)
        ).fetchone()
        if "df_total" in meta and str(meta["df_total"]) != str(df_sum):
            problems.append(
                f"meta counts {meta['df_total']} term occurrences, terms.df sums to {df_sum}"
            )
        if df_bad:
            problems.append(f"{df_bad} terms have a document frequency outside 1..{n}")
        broken = 0
        for blob, stored in self._db.execute("SELECT text, hash FROM articles"):
            try:
                text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
            except (zlib.error, UnicodeDecodeError, TypeError):
                broken += 1
                continue
            broken += content_hash(text) != stored
        if broken:
            problems.append(f"{broken} articles have text that does not match its hash")
        orphans = self._db.execute(
            "SELECT COUNT(*) FROM bands WHERE article NOT IN (SELECT rowid FROM articles)"
        ).fetchone()[0]
        if orphans:
            problems.append(f"{orphans} band keys point to no article")
        if self._has_table("packs"):
            stray = self._db.execute(
                "SELECT COUNT(*) FROM packs WHERE article NOT IN (SELECT rowid FROM articles)"
            ).fetchone()[0]
            if stray:
                problems.append(f"{stray} stored preparations belong to no article")
        empty = b"\xff" * (4 * self.options.num_perm)  # an article without words has no keys
        unbanded = self._db.execute(
            "SELECT COUNT(*) FROM articles WHERE shingles != ? AND rowid NOT IN "
            "(SELECT DISTINCT article FROM bands)",
            (empty,),
        ).fetchone()[0]
        if unbanded:
            problems.append(f"{unbanded} articles have no band keys")
        size = 4 * self.options.num_perm
        bad = self._db.execute(
            "SELECT COUNT(*) FROM articles WHERE length(shingles) != ? OR length(skeleton) != ?",
            (size, size),
        ).fetchone()[0]
        if bad:
            problems.append(f"{bad} articles have malformed signatures")
        problems += store.doctor(self._db)
        return problems


@dataclass(frozen=True, slots=True)
class _Words:
    """What an article asks the terms table and the full-text index with
    (``archive_short``): its content words, its skeleton terms, and the archive's
    frequencies of its content words, looked up once for both questions, and only for a
    short article (a long one asks nothing)."""

    content: frozenset[str]
    skeleton: frozenset[str]
    df: Mapping[str, int]

    @classmethod
    def of(cls, body: str, archive: Archive) -> _Words:
        content, skeleton = term_sets(body)
        asks = archive.fts and len(content) <= archive.options.short_copy_terms
        return cls(content, skeleton, archive._frequencies(content) if asks else {})


class _Linker:
    """Verifies new articles against their candidates and stores what it finds, one new
    article at a time (its pairs stored and families regrouped before the next), for
    one ``add`` batch: the articles signed as a scan signs them (``view``), the
    prepared articles (within ``_LINK_PREPARED_MEMORY``) and the term statistics are
    kept from one link group to the next, since an older article is a candidate of
    many groups (held per group, an add of 1,000 generated articles prepared 5.8 per
    article)."""

    def __init__(self, archive: Archive, view: ScanView, judged: ComparisonSpool) -> None:
        self._ar = archive
        self.view = view
        self._judged = judged
        """Where the reuse comparisons go, for the copy trees made at the end of the add."""
        """The batch's articles and candidates signed as a scan signs them."""
        self._prepared: PreparedCache[int] = PreparedCache(
            None, archive.options, memory=_LINK_PREPARED_MEMORY, stored=self._stored
        )

    def link(self, new: int, candidates: Sequence[int], known: Mapping[int, Article]) -> None:
        """Verify ``new`` against ``candidates`` (most band hits first). Of a family of
        at least ``Options.link_family_size`` articles only the first candidate member is
        verified: reuse of it joins the family, and when the best-hit member is no
        reuse its copies are none either, so a wire story's hundredth reprint (and its
        neighbours' hundredth) costs one compare per family, not hundreds."""
        options = self._ar.options
        db = self._ar._db
        tried: set[int] = set()
        found: list[PairResult] = []
        for c in candidates:
            family = db.execute(
                "SELECT f.family, f.size FROM members m JOIN families f ON f.family = m.family "
                "WHERE m.article = ?",
                (c,),
            ).fetchone()
            if family and family[1] >= options.link_family_size:
                if family[0] in tried:
                    continue
                tried.add(family[0])
            judged = judge_pair(self._get(c, known), self._get(new, known), options)
            if judged is not None:
                found.append(PairResult.of(judged))
                if options.tree_max_members:  # trees on: they will read it
                    self._judged.add(judged)
        if found:
            rowid = {known[r].id: r for r in (new, *candidates)}
            store.store_pairs(db, found, rowid)
            store.regroup(db, {rowid[i] for p in found for i in (p.a, p.b)})

    def _get(self, rowid: int, known: Mapping[int, Article]) -> Prepared:
        """The prepared article (kept from one link group to the next), unpacked from
        its stored preparation when it has one (an older article; the batch's new ones
        have theirs already, inserted before they are linked)."""
        return self._prepared.get(rowid, known[rowid])

    def _stored(self, rowid: int) -> bytes | None:
        return self._ar._stored([rowid]).get(rowid)


class _RowLoader:
    """Article k of a scan of the archive (the k-th rowid), through a connection of the
    calling process's own: SQLite connections must not cross a fork, and a scan's
    verification workers are forked."""

    def __init__(self, path: Path, uri: str, rowids: Sequence[int], columns: str) -> None:
        self._path = path
        self._uri = uri
        self._rowids = rowids
        self._columns = columns
        self._pid = -1
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(self._uri, uri=True, timeout=30.0, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def stored(self, k: int) -> bytes | None:
        """Article k's stored preparation (``Archive.packs``), if it has one."""
        row = (
            self._connection()
            .execute("SELECT pack FROM packs WHERE article = ?", (self._rowids[k],))
            .fetchone()
        )
        return None if row is None else zlib.decompress(row[0])

    def __call__(self, k: int) -> Article:
        row = (
            self._connection()
            .execute(f"SELECT {self._columns} FROM articles WHERE rowid = ?", (self._rowids[k],))
            .fetchone()
        )
        if row is None:
            raise ArchiveError(
                f"{self._path}: article row {self._rowids[k]} vanished during a scan"
            )
        return _article(row)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt too).

    A failed write (disk full, I/O error, read-only file) is reported with SQLite's own
    message and the archive's name; SQLite may have rolled the transaction back itself
    already, so the rollback here is only issued while one is open.
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self._path = path

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:  # busy past the timeout, read-only, ...
            raise _archive_error(self._path, exc, "write to") from None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
                return
            except sqlite3.Error as err:  # disk full, I/O error
                self._rollback()
                raise _archive_error(self._path, err, "write to") from None
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            raise _archive_error(self._path, exc, "write to") from None

    def _rollback(self) -> None:
        if self._db.in_transaction:
            # Nothing was committed; should this fail, SQLite undoes the rest on next open.
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")


_CANNOT = (
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_NOMEM",
    "SQLITE_PERM",
    "SQLITE_AUTH",
)
"""SQLite errors about the file or the machine, not about what the file holds."""


def _archive_error(path: Path, exc: sqlite3.Error, doing: str) -> ArchiveError:
    """One line for a SQLite error on the archive at ``path``: the cause as SQLite says
    it (disk full, read-only, locked, ...), or that the file is no archive, or damaged."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(_CANNOT) or (isinstance(exc, sqlite3.OperationalError) and not name):
        return ArchiveError(f"{path}: cannot {doing} the archive ({exc})")
    if name.startswith("SQLITE_CORRUPT"):
        return ArchiveError(f"{path}: the archive is damaged ({exc}); restore a backup")
    return ArchiveError(f"{path}: not a newstrace archive ({exc})")


def _readonly_uri(path: Path, *, immutable: bool = False) -> str:
    """A SQLite URI that opens ``path`` read-only (any file name, UTF-8 or not)."""
    uri = "file:" + quote(os.fsencode(path.absolute()), safe="/")
    return uri + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def _connect_readonly(path: Path, timeout: float) -> tuple[sqlite3.Connection, str]:
    """A read-only connection (and its URI). A WAL archive in a read-only folder or
    mount, closed cleanly (no ``-wal`` file), cannot get its ``-shm`` index: nobody can
    be writing to it, so it is opened as immutable."""
    uri = _readonly_uri(path)
    db = sqlite3.connect(
        uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        wal = path.with_name(path.name + "-wal")
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN" or wal.exists():
            db.close()
            raise
        db.close()
        uri = _readonly_uri(path, immutable=True)
        db = sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )
    return db, uri


_ARTICLE_COLUMNS = "id, text, title, url, site, published, author, origin, format, modified"
"""What ``_article`` reads, in its order."""
_OLD_ARTICLE_COLUMNS = _ARTICLE_COLUMNS.removesuffix("modified") + "NULL"
"""The same from an archive not yet upgraded to schema 4 (its upgrade scans it)."""


def _article(row: Sequence[Any]) -> Article:
    art_id, blob, title, url, site, published, author, origin, fmt, modified = row
    text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
    return Article(
        id=art_id,
        text=text,
        title=title,
        url=url,
        site=site,
        published=published,
        author=author,
        origin=origin,
        format=fmt,
        modified=modified,
    )
