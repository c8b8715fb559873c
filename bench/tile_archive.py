"""Make a large archive from a smaller one by tiling it: for timing readers (the families
page, ``list``) at a size that ``add`` would take long to build here.

Copy k of every article gets id ``ID#k`` and its own row, text-index entry, family
memberships, pairs and families (their copy-tree fields rewritten to the new ids), so the
tables, indexes and the text index are as large as an archive of ``--times`` the articles
with the same shape of families. Band keys and term counts are not copied: readers do
not use them (``check`` and ``add`` on a tiled archive are not meaningful).

    python bench/tile_archive.py SMALL.db BIG.db --times 10
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from typing import Any


def _renamed(value: Any, suffix: str, ids: set[str]) -> Any:
    """``value`` (a copy tree's JSON) with every member id given ``suffix``."""
    if isinstance(value, str):
        return value + suffix if value in ids else value
    if isinstance(value, list):
        return [_renamed(v, suffix, ids) for v in value]
    if isinstance(value, dict):
        return {(k + suffix if k in ids else k): _renamed(v, suffix, ids) for k, v in value.items()}
    return value


def tile(db: sqlite3.Connection, times: int) -> None:
    top = db.execute("SELECT MAX(rowid) FROM articles").fetchone()[0]
    top_family = db.execute("SELECT COALESCE(MAX(family), 0) FROM families").fetchone()[0]
    columns = [r[1] for r in db.execute("PRAGMA table_info(articles)") if r[1] != "rowid"]
    others = [c for c in columns if c != "id"]
    fts = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    ids = {i for (i,) in db.execute("SELECT id FROM articles")}
    extras = db.execute("SELECT family, extra FROM families").fetchall()
    for k in range(1, times):
        off, foff, suffix = k * top, k * top_family, f"#{k}"
        db.execute(
            f"INSERT INTO articles (rowid, id, {', '.join(others)}) "
            f"SELECT rowid + ?, id || ?, {', '.join(others)} FROM articles WHERE rowid <= ?",
            (off, suffix, top),
        )
        if fts:
            db.execute(
                "INSERT INTO articles_fts (rowid, title, text) "
                "SELECT rowid + ?, COALESCE(title, ''), text FROM articles WHERE rowid <= ?",
                (off, top),
            )
        db.execute(
            "INSERT INTO pairs SELECT a + ?, b + ?, relation, coverage_a, coverage_b, "
            "source + ?, score FROM pairs WHERE a <= ?",
            (off, off, off, top),
        )
        db.execute(
            "INSERT INTO families (family, original, size, newest, uncredited, extra) "
            "SELECT family + ?, original + ?, size, newest, uncredited, extra FROM families "
            "WHERE family <= ?",
            (foff, off, top_family),
        )
        db.executemany(
            "UPDATE families SET extra = ? WHERE family = ?",
            [
                (json.dumps(_renamed(json.loads(extra), suffix, ids)), family + foff)
                for family, extra in extras
                if extra and extra != "{}"
            ],
        )
        db.execute(
            "INSERT INTO members SELECT article + ?, family + ? FROM members WHERE article <= ?",
            (off, foff, top),
        )
    db.execute("UPDATE meta SET value = (SELECT COUNT(*) FROM articles) WHERE name = 'articles'")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("small")
    ap.add_argument("big")
    ap.add_argument("--times", type=int, default=10)
    args = ap.parse_args()
    shutil.copyfile(args.small, args.big)
    t0 = time.perf_counter()
    db = sqlite3.connect(args.big)
    with db:
        tile(db, args.times)
    n = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    f = db.execute("SELECT COUNT(*) FROM families").fetchone()[0]
    db.close()
    print(f"{args.big}: {n:,} articles, {f:,} families ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
