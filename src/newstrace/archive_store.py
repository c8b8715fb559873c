"""Stored reuse pairs and families of an archive, and the queries that read them.

A reader (the server's families page, ``newstrace list``) must never scan the whole
archive, so ``add`` verifies each new article's candidates and keeps the reuse pairs it
finds; the families (connected components of those pairs) are regrouped only where a new
or removed article touches them. Everything here runs on the caller's connection, inside
the caller's transaction: an ``add`` or ``remove`` commits articles, pairs and families
together or not at all.

Tables (schema 3, on top of those in ``archive``):

* ``pairs``: one verified reuse pair, ends as article rowids in article-id order (``a``'s
  id sorts first, as in ``PairResult``), ``source`` the rowid of the likely original;
* ``families``: number, original, size, newest publication time, ``uncredited`` (copies
  that name no source, by the copy tree; NULL while a family has no tree) and ``extra``
  (a JSON object: the copy tree's fields as families.jsonl writes them, ``{}`` without
  a tree). ``regroup`` stores a family with the voted original and no tree; the
  archive gives each family without one its tree (``store_tree``): ``add`` once at its
  end, ``remove`` and ``upgrade`` before they commit;
* ``members``: which family an article belongs to (articles in no pair are in none);
* ``articles_fts``: a contentless FTS5 index of titles and texts (``list --q``, search).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .cluster import components, pick_original
from .model import CopyTree, Family, PairResult

__all__ = [
    "FAMILY_ORDERS",
    "MAX_PAGE",
    "ArticleRow",
    "FamilyQuery",
    "FamilyRow",
    "create_v3",
    "fts_query",
    "regroup",
]

SCHEMA_V3 = """
CREATE TABLE IF NOT EXISTS pairs (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    relation TEXT NOT NULL,
    coverage_a REAL NOT NULL,
    coverage_b REAL NOT NULL,
    source INTEGER,
    score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_b ON pairs(b);
CREATE TABLE IF NOT EXISTS families (
    family INTEGER PRIMARY KEY,
    original INTEGER NOT NULL,
    size INTEGER NOT NULL,
    newest TEXT,
    uncredited INTEGER,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS families_size ON families(size DESC, family);
CREATE INDEX IF NOT EXISTS families_newest ON families(newest DESC, family);
CREATE INDEX IF NOT EXISTS families_uncredited ON families(uncredited DESC, family);
CREATE TABLE IF NOT EXISTS members (
    article INTEGER PRIMARY KEY,
    family INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS members_family ON members(family);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published, id)
"""
FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING "
    "fts5(title, text, content='', tokenize='unicode61 remove_diacritics 2')"
)

MAX_PAGE = 200
"""Most rows one page of families or articles holds: a page is read in one request, and
a family row carries its members, so a page stays a few hundred KB at most."""

FamilyOrder = Literal["largest", "newest", "uncredited"]
FAMILY_ORDERS: dict[str, str] = {
    "largest": "f.size DESC, f.family",
    "newest": "f.newest IS NULL, f.newest DESC, f.family",
    "uncredited": "f.uncredited IS NULL, f.uncredited DESC, f.size DESC, f.family",
}
"""How the families page may be sorted (the SQL behind each name)."""


def create_v3(db: sqlite3.Connection) -> bool:
    """The schema 3 tables and indexes (inside the caller's transaction); True when the
    FTS5 index could be made (SQLite without FTS5 searches titles with LIKE)."""
    for statement in SCHEMA_V3.split(";"):
        if statement.strip():
            db.execute(statement)
    try:
        db.execute(FTS_SCHEMA)
    except sqlite3.OperationalError:  # SQLite built without FTS5
        return False
    return True


def fts_query(text: str) -> str:
    """User text as an FTS5 query: every word a quoted term (all must occur), so that
    FTS5's operators and punctuation in the text are never read as syntax."""
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"' for w in words if w)


def like_pattern(text: str) -> str:
    """``%text%`` for ``LIKE ... ESCAPE '\\'``, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- maintenance ---------------------------------------------------------------------------


def store_pairs(db: sqlite3.Connection, pairs: Iterable[PairResult], rowid: dict[str, int]) -> None:
    """Insert verified pairs (ids mapped to rowids by ``rowid``); a pair already stored
    is replaced (its verdict recomputed)."""
    db.executemany(
        "INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                rowid[p.a],
                rowid[p.b],
                p.relation,
                p.coverage_a,
                p.coverage_b,
                rowid[p.source] if p.source is not None else None,
                p.score,
            )
            for p in pairs
        ],
    )


def regroup(db: sqlite3.Connection, touched: Iterable[int]) -> set[int]:
    """Recompute the families of the ``touched`` article rowids: their old families are
    dropped, and the connected components of the pairs around them (merged when a new
    pair joins two, split when a removed article held one together) are stored anew,
    each with the voted original and no tree. Families not touched keep their rows.
    Returns the numbers of the new families."""
    nodes = set(touched)
    old = _families_of(db, nodes)
    if old:
        nodes |= set(_column(db, "SELECT article FROM members WHERE family IN ({})", sorted(old)))
    if not nodes:
        return set()
    _delete_in(db, "DELETE FROM families WHERE family IN ({})", sorted(old))
    _delete_in(db, "DELETE FROM members WHERE article IN ({})", sorted(nodes))
    edges = _pairs_around(db, nodes)
    ids, published = _ids_and_times(db, {r for p in edges for r in (p[0], p[1])})
    rowid = {v: k for k, v in ids.items()}
    results = [_pair_result(p, ids) for p in edges]
    by_member: dict[str, list[PairResult]] = defaultdict(list)
    for p in results:
        by_member[p.a].append(p)
    made: set[int] = set()
    for members in components((p.a, p.b) for p in results):
        inner = [p for m in members for p in by_member[m]]
        original = pick_original(members, inner, published)
        times = [t for t in (published.get(m) for m in members) if t]
        cur = db.execute(
            "INSERT INTO families (original, size, newest) VALUES (?, ?, ?)",
            (rowid[original], len(members), max(times) if times else None),
        )
        assert cur.lastrowid is not None
        made.add(cur.lastrowid)
        db.executemany(
            "INSERT INTO members VALUES (?, ?)", [(rowid[m], cur.lastrowid) for m in members]
        )
    return made


def family_parts(db: sqlite3.Connection, family: int) -> tuple[dict[str, int], list[PairResult]]:
    """A stored family's members (id -> rowid) and its reuse pairs: what its copy tree
    is built from. Empty when the family is gone (regrouped again since)."""
    rows = db.execute(
        "SELECT a.id, a.rowid FROM members m JOIN articles a ON a.rowid = m.article "
        "WHERE m.family = ?",
        (family,),
    ).fetchall()
    rowid: dict[str, int] = dict(rows)
    ids = {r: i for i, r in rowid.items()}
    return rowid, [_pair_result(p, ids) for p in _pairs_around(db, set(ids))]


def store_tree(db: sqlite3.Connection, family: int, tree: CopyTree, rowid: dict[str, int]) -> None:
    """Keep a family's copy tree: its root becomes the family's original (as in a scan),
    its uncredited copies are counted for the "most uncredited" order, and its fields
    (families.jsonl's) go to ``extra``."""
    from .report.json_report import tree_dict
    from .report.safe import json_text

    if tree.root is None:
        return
    db.execute(
        "UPDATE families SET original = ?, uncredited = ?, extra = ? WHERE family = ?",
        (
            rowid[tree.root],
            tree.credit_summary().uncredited,
            json_text(tree_dict(tree)),
            family,
        ),
    )


def _tree_of(extra: str | None, original: str) -> CopyTree | None:
    """The stored copy tree of a family (None when it has none)."""
    import json

    from .report.json_report import tree_from_dict

    fields = json.loads(extra or "{}")
    return tree_from_dict(fields, original) if "parent" in fields else None


def _families_of(db: sqlite3.Connection, rowids: Iterable[int]) -> set[int]:
    return set(
        _column(db, "SELECT DISTINCT family FROM members WHERE article IN ({})", sorted(rowids))
    )


def _pairs_around(db: sqlite3.Connection, nodes: set[int]) -> list[tuple[Any, ...]]:
    """Every stored pair with an end among ``nodes`` (a family's pairs all are)."""
    found: dict[tuple[int, int], tuple[Any, ...]] = {}
    for column in ("a", "b"):
        for row in _select_in(db, f"SELECT * FROM pairs WHERE {column} IN ({{}})", sorted(nodes)):
            found[(row[0], row[1])] = tuple(row)
    return [found[k] for k in sorted(found)]


def _ids_and_times(
    db: sqlite3.Connection, rowids: Iterable[int]
) -> tuple[dict[int, str], dict[str, str | None]]:
    """Article ids by rowid, and publication times by id."""
    ids: dict[int, str] = {}
    published: dict[str, str | None] = {}
    query = "SELECT rowid, id, published FROM articles WHERE rowid IN ({})"
    for r, art_id, when in _select_in(db, query, sorted(rowids)):
        ids[r] = art_id
        published[art_id] = when
    return ids, published


def _pair_result(row: Sequence[Any], ids: dict[int, str]) -> PairResult:
    a, b, relation, cov_a, cov_b, source, score = row
    return PairResult(
        ids[a], ids[b], relation, cov_a, cov_b, ids[source] if source is not None else None, score
    )


def stored_pairs(db: sqlite3.Connection) -> list[PairResult]:
    """Every stored pair, ordered as a scan orders them (by ids)."""
    ids = dict(
        db.execute(
            "SELECT rowid, id FROM articles WHERE rowid IN (SELECT a FROM pairs "
            "UNION SELECT b FROM pairs)"
        ).fetchall()
    )
    out = [_pair_result(row, ids) for row in db.execute("SELECT * FROM pairs")]
    out.sort(key=lambda p: (p.a, p.b))
    return out


def stored_families(db: sqlite3.Connection) -> list[Family]:
    """Every stored family, ordered and shaped as ``build_families`` gives them."""
    members: dict[int, list[str]] = defaultdict(list)
    for family, art_id in db.execute(
        "SELECT m.family, a.id FROM members m JOIN articles a ON a.rowid = m.article"
    ):
        members[family].append(art_id)
    originals: dict[int, tuple[str, str]] = {
        f: (art_id, extra)
        for f, art_id, extra in db.execute(
            "SELECT f.family, a.id, f.extra FROM families f JOIN articles a ON a.rowid = f.original"
        )
    }
    out = [
        Family(tuple(sorted(members[f])), original, _tree_of(extra, original))
        for f, (original, extra) in originals.items()
    ]
    out.sort(key=lambda f: f.members[0])
    return out


# --- reading pages -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """What a person reads about an article in a list: headline, site, time (and the id,
    for links)."""

    id: str
    title: str | None
    site: str | None
    published: str | None
    url: str | None
    modified: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One stored family as a page shows it."""

    family: int
    size: int
    newest: str | None
    uncredited: int | None
    original: ArticleRow
    members: list[ArticleRow]
    pairs: list[PairResult]
    extra: str

    def as_family(self) -> Family:
        """The family as a scan gives it: members, original and stored copy tree (None
        when trees were off), for the views that draw it."""
        members = tuple(m.id for m in self.members)
        return Family(members, self.original.id, _tree_of(self.extra, self.original.id))

    def as_dict(self) -> dict[str, Any]:
        import json

        from .report.scan_report import pair_dict

        return {
            "family": self.family,
            "size": self.size,
            "newest": self.newest,
            "uncredited": self.uncredited,
            "original": self.original.as_dict(),
            "members": [m.as_dict() for m in self.members],
            "pairs": [pair_dict(p) for p in self.pairs],
            **json.loads(self.extra or "{}"),
        }


@dataclass(frozen=True, slots=True)
class FamilyQuery:
    """A page of families: sorted by ``order``, only those with a member matching ``q``
    (words of title or text) and published by ``site``."""

    order: str = "largest"
    q: str = ""
    site: str = ""
    page: int = 1
    per_page: int = 50


_ROW_COLUMNS = "a.rowid, a.id, a.title, a.site, a.published, a.url, a.modified"


def _article_row(row: Sequence[Any]) -> ArticleRow:
    return ArticleRow(*row[1:])


def family_page(
    db: sqlite3.Connection, query: FamilyQuery, *, fts: bool
) -> tuple[int, list[FamilyRow]]:
    """The number of families matching ``query`` and the rows of its page."""
    where, params = _family_filter(query, fts=fts)
    total = int(db.execute(f"SELECT COUNT(*) FROM families f {where}", params).fetchone()[0])
    order = FAMILY_ORDERS[query.order]
    rows = db.execute(
        f"SELECT f.family, f.size, f.newest, f.uncredited, f.original, f.extra FROM families f "
        f"{where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, query.per_page, (query.page - 1) * query.per_page],
    ).fetchall()
    return total, [family_row(db, row) for row in rows]


def _family_filter(query: FamilyQuery, *, fts: bool) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.q.strip():
        match, param = _text_match(query.q, fts=fts)
        clauses.append(
            f"f.family IN (SELECT m.family FROM members m JOIN articles a "
            f"ON a.rowid = m.article WHERE {match})"
        )
        params.append(param)
    if query.site.strip():
        clauses.append(
            "f.family IN (SELECT m.family FROM members m JOIN articles a "
            "ON a.rowid = m.article WHERE a.site = ? COLLATE NOCASE)"
        )
        params.append(query.site.strip())
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _text_match(text: str, *, fts: bool) -> tuple[str, str]:
    """A condition on ``articles a`` that its title or text holds the words of ``text``
    (FTS5), or, without FTS5, that its title holds ``text``."""
    if fts:
        return "a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", fts_query(
            text
        )
    return "a.title LIKE ? ESCAPE '\\'", like_pattern(text.strip())


def family_row(db: sqlite3.Connection, row: Sequence[Any]) -> FamilyRow:
    family, size, newest, uncredited, original, extra = row
    members = db.execute(
        f"SELECT {_ROW_COLUMNS} FROM members m JOIN articles a ON a.rowid = m.article "
        "WHERE m.family = ? ORDER BY a.published IS NULL, a.published, a.id",
        (family,),
    ).fetchall()
    ids = {r[0]: r[1] for r in members}
    edges = _pairs_around(db, set(ids))
    arts = [_article_row(r) for r in members]
    first = next(a for r, a in zip(members, arts, strict=True) if r[0] == original)
    return FamilyRow(
        family, size, newest, uncredited, first, arts, [_pair_result(p, ids) for p in edges], extra
    )


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Archived articles matching all the given filters, in publication order."""

    site: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    page: int = 1
    per_page: int = 0
    """Rows per page; 0: all (the command line streams them)."""


def article_rows(db: sqlite3.Connection, query: ArticleQuery, *, fts: bool) -> Iterable[ArticleRow]:
    """The articles matching ``query`` (a page of them when ``per_page`` is set)."""
    sql, params = _article_filter(query, fts=fts)
    # The index's order (undated articles first): a page is read off the index, unsorted.
    order = " ORDER BY a.published, a.id"
    if query.per_page:
        order += " LIMIT ? OFFSET ?"
        params += [query.per_page, (query.page - 1) * query.per_page]
    for row in db.execute(f"SELECT {_ROW_COLUMNS} FROM articles a {sql}{order}", params):
        yield _article_row(row)


def article_count(db: sqlite3.Connection, query: ArticleQuery, *, fts: bool) -> int:
    sql, params = _article_filter(query, fts=fts)
    return int(db.execute(f"SELECT COUNT(*) FROM articles a {sql}", params).fetchone()[0])


def _article_filter(query: ArticleQuery, *, fts: bool) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.site.strip():
        clauses.append("a.site = ? COLLATE NOCASE")
        params.append(query.site.strip())
    if query.since:
        clauses.append("a.published >= ?")
        params.append(query.since)
    if query.until:
        # A bare date as the end includes that whole day.
        clauses.append("a.published <= ?")
        params.append(query.until + ("\uffff" if len(query.until) == len("2024-01-01") else ""))
    if query.q.strip():
        match, param = _text_match(query.q, fts=fts)
        clauses.append(match)
        params.append(param)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


# --- helpers -------------------------------------------------------------------------------

_IN_CHUNK = 500
"""Values per ``IN (...)`` (well under SQLite's host-parameter limit)."""


def _select_in(db: sqlite3.Connection, query: str, values: Sequence[Any]) -> Iterable[Any]:
    for k in range(0, len(values), _IN_CHUNK):
        chunk = values[k : k + _IN_CHUNK]
        yield from db.execute(query.format(",".join("?" * len(chunk))), chunk)


def _column(db: sqlite3.Connection, query: str, values: Sequence[Any]) -> list[Any]:
    return [row[0] for row in _select_in(db, query, values)]


def _delete_in(db: sqlite3.Connection, query: str, values: Sequence[Any]) -> None:
    for k in range(0, len(values), _IN_CHUNK):
        chunk = values[k : k + _IN_CHUNK]
        db.execute(query.format(",".join("?" * len(chunk))), chunk)


def doctor(db: sqlite3.Connection) -> list[str]:
    """Problems of the stored pairs and families: ends or members that are no article,
    sizes that do not count the members, pairs whose ends are not in one family."""
    checks = (
        (
            "SELECT COUNT(*) FROM pairs WHERE a NOT IN (SELECT rowid FROM articles) "
            "OR b NOT IN (SELECT rowid FROM articles) "
            "OR (source IS NOT NULL AND source NOT IN (a, b))",
            "reuse pairs point to no article",
        ),
        (
            "SELECT COUNT(*) FROM members WHERE article NOT IN (SELECT rowid FROM articles) "
            "OR family NOT IN (SELECT family FROM families)",
            "family members point to no article or family",
        ),
        (
            "SELECT COUNT(*) FROM families f WHERE size < 2 OR size != "
            "(SELECT COUNT(*) FROM members m WHERE m.family = f.family) OR original NOT IN "
            "(SELECT article FROM members m WHERE m.family = f.family)",
            "families have a wrong size or an original that is no member",
        ),
        (
            "SELECT COUNT(*) FROM pairs p LEFT JOIN members x ON x.article = p.a "
            "LEFT JOIN members y ON y.article = p.b "
            "WHERE x.family IS NULL OR y.family IS NULL OR x.family != y.family",
            "reuse pairs join articles of different families (or of none)",
        ),
    )
    problems = []
    for query, says in checks:
        n = int(db.execute(query).fetchone()[0])
        if n:
            problems.append(f"{n} {says}")
    return problems
