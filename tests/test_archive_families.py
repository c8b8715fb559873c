"""Stored reuse pairs and families: kept by add and remove, equal to a scan's families,
upgraded from schema 2; listing and text search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newstrace import Article, iter_articles
from newstrace.archive import Archive
from newstrace.archive_store import ArticleQuery, FamilyQuery
from newstrace.errors import ArchiveError, InputError
from newstrace.options import Options
from newstrace_synth.corpus import build_corpus

from .conftest import ROOT

CORPUS = ROOT / "demo" / "corpus.jsonl"


def _generated(n: int) -> list[Article]:
    return [
        Article(
            id=r["id"], text=r["text"], title=r["title"], site=r["site"], published=r["published"]
        )
        for r in build_corpus(n, 5).records()
    ]


def test_stored_families_equal_the_scan_of_the_archive(tmp_path: Path) -> None:
    """Added in three batches, the families kept incrementally are the families of a
    scan through the same candidate channels (the archive indexes the ordinary bands
    only, and asks what a scan's containment bands add only for short articles, which
    this corpus lacks); the default scan's pairs differ only at the edges (it also
    leaves out beat-common skeleton terms, which an incremental index cannot know)."""
    arts = _generated(300)
    # Trees off: a tree reads the family's pairs, which may differ at the edges here
    # (the trees are compared on the demo corpus below, where the pairs agree).
    options = Options(batch_size=100, tree_max_members=0)
    with Archive(tmp_path / "g.db", options=options) as ar:
        ar.add(arts)
        stored = {(p.a, p.b) for p in ar.pairs()}
        families = ar.families()
        assert ar.doctor() == []
        found = {(p.a, p.b) for p in ar.scan().pairs}
        assert len(stored ^ found) <= 0.05 * len(found)
    same_channels = options.with_(containment_bands=0)
    with Archive(tmp_path / "g.db", options=same_channels, create=False) as ar:
        assert families == ar.scan().families


def test_stored_families_carry_the_scans_copy_trees(tmp_path: Path) -> None:
    """Each stored family gets its copy tree when it is regrouped: the scan's tree
    (same members, same pairs), its root as the original, its uncredited copies
    counted, its fields in the API's family rows; a removal gives the family left its
    tree again."""
    arts = list(iter_articles([CORPUS]))
    with Archive(tmp_path / "a.db", options=Options(batch_size=4)) as ar:
        ar.add(arts)
        scanned = ar.scan().families
        stored = ar.families()
        assert stored == scanned and all(f.tree is not None for f in stored)
        assert all(f.original == f.tree.root for f in stored if f.tree is not None)
        _, rows = ar.family_page(FamilyQuery(order="uncredited"))
        for row in rows:
            fam = next(f for f in stored if f.original == row.original.id)
            assert fam.tree is not None
            assert row.uncredited == fam.tree.credit_summary().uncredited
            line = row.as_dict()
            assert line["parent"] == fam.tree.parents() and "edges" in line
        big = max(stored, key=lambda f: len(f.members))
        copy = next(m for m in big.members if m != big.original)
        ar.remove([copy])
        left = next(f for f in ar.families() if big.original in f.members)
        assert left.tree is not None and copy not in left.tree.parents()
        assert set(left.tree.parents()) == set(left.members)
        assert ar.doctor() == []


def test_families_left_without_trees_get_them_at_the_next_add(tmp_path: Path) -> None:
    """A family an add left without a tree (trees off here; a kill does the same) gets
    it at the next add, even one that brings nothing new."""
    arts = list(iter_articles([CORPUS]))
    db = tmp_path / "a.db"
    with Archive(db, options=Options(tree_max_members=0)) as ar:
        ar.add(arts)
        assert ar.families() and all(f.tree is None for f in ar.families())
    with Archive(db) as ar:
        report = ar.add(arts[:1])
        assert report.added == 0
        assert all(f.tree is not None for f in ar.families())
        assert ar.families() == ar.scan().families and ar.doctor() == []


def test_families_merge_across_adds(tmp_path: Path) -> None:
    arts = list(iter_articles([CORPUS]))
    with Archive(tmp_path / "a.db") as whole:
        whole.add(arts)
        want = whole.families()
    with Archive(tmp_path / "b.db", options=Options(batch_size=3)) as ar:
        ar.add(arts[::2])
        ar.add(arts[1::2])
        assert ar.families() == want
        assert ar.doctor() == []


def test_remove_splits_the_family_and_keeps_every_statistic(tmp_path: Path) -> None:
    arts = list(iter_articles([CORPUS]))
    gone = "01-wire"
    with Archive(tmp_path / "a.db") as ar:
        ar.add(arts)
        before = ar.family_of("02-reprint-herald")
        assert before is not None and gone in {m.id for m in before.members}
        assert ar.remove([gone]) == [gone]
        assert ar.doctor() == []
        families, stats, n = ar.families(), ar.term_stats(), len(ar)
        # The text index forgot it too: every index hit is an article still archived.
        hits = ar._db.execute(
            "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'ferries'"
        ).fetchone()[0]
        listed = [a.id for a in ar.list_articles(ArticleQuery(q="ferries"))]
        assert hits == len(listed) > 0 and gone not in listed
    with Archive(tmp_path / "b.db") as fresh:
        fresh.add(a for a in arts if a.id != gone)
        assert families == fresh.families()
        assert stats == fresh.term_stats() and n == len(fresh)
    assert all(gone not in f.members for f in families)


def test_remove_of_an_unknown_id_changes_nothing(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))
        n = len(ar)
        with pytest.raises(InputError, match=r"nope.*no such article"):
            ar.remove(["01-wire", "nope"])
        assert len(ar) == n and ar.doctor() == []


def test_schema_2_is_upgraded_on_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
        want = ar.families()
    db = sqlite3.connect(path)
    for table in ("pairs", "families", "members", "articles_fts"):
        db.execute(f"DROP TABLE {table}")
    db.execute("ALTER TABLE articles DROP COLUMN modified")  # schema 4's
    db.execute("DROP TABLE packs")  # schema 5's
    db.execute("DELETE FROM meta WHERE name IN ('fts', 'prepared')")
    db.execute("UPDATE meta SET value = '2' WHERE name = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(ArchiveError, match="newstrace upgrade --db"):
        Archive(path, create=False)
    with Archive(path) as ar:
        assert ar.families() == want and ar.doctor() == []
    with Archive(path, create=False) as ar:
        assert ar.fts and ar.families() == want
        assert ar._meta("schema") == "5" and ar.get("01-wire").modified is None


def test_family_pages_sort_filter_and_label(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))
        total, rows = ar.family_page(FamilyQuery(order="largest", per_page=1))
        assert total == len(ar.families()) and len(rows) == 1
        top = rows[0]
        assert top.size == max(len(f.members) for f in ar.families())
        assert top.original.title and top.original.site
        assert all(p.a in {m.id for m in top.members} for p in top.pairs)
        _, newest = ar.family_page(FamilyQuery(order="newest"))
        times = [f.newest for f in newest if f.newest]
        assert times == sorted(times, reverse=True)
        site = top.original.site or ""
        _, by_site = ar.family_page(FamilyQuery(site=site.upper()))
        assert by_site and all(any(m.site == site for m in f.members) for f in by_site)
        word = (top.original.title or "").split()[-1]
        _, by_text = ar.family_page(FamilyQuery(q=word))
        assert top.family in {f.family for f in by_text}
        assert ar.family_page(FamilyQuery(q='"unbalanced AND (')) == (0, [])


def test_list_filters_by_site_time_and_text(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))
        every = list(ar.list_articles(ArticleQuery()))
        assert len(every) == len(ar) == ar.count_articles(ArticleQuery())
        dated = [a for a in every if a.published]
        day = min(a.published or "" for a in dated)[:10]
        on_day = list(ar.list_articles(ArticleQuery(since=day, until=day)))
        assert on_day and all((a.published or "").startswith(day) for a in on_day)
        site = dated[0].site or ""
        assert all(a.site == site for a in ar.list_articles(ArticleQuery(site=site)))
        page = list(ar.list_articles(ArticleQuery(page=2, per_page=5)))
        assert [a.id for a in page] == [a.id for a in every[5:10]]


def test_cli_list_show_remove_export(tmp_path: Path) -> None:
    import json

    from .test_archive import _cli

    db = str(tmp_path / "a.db")
    assert _cli("add", str(CORPUS), "--db", db).returncode == 0
    r = _cli("list", "--db", db, "--site", "northgate wire")
    assert r.returncode == 0
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [
        "01-wire",
        "11-wire-second",
    ]
    r = _cli("show", "04-spin", "--db", db)
    assert r.returncode == 0 and "Reuse family of" in r.stdout and "Northgate Wire" in r.stdout
    shown = json.loads(_cli("show", "04-spin", "--db", db, "--format", "json").stdout)
    assert shown["family"]["original"]["id"] == "01-wire"
    r = _cli("remove", "04-spin", "nope", "--db", db)
    assert r.returncode == 2 and "nope: no such article" in r.stderr
    r = _cli("remove", "04-spin", "--db", db)
    assert r.returncode == 0 and "1 articles removed, 13 left" in r.stdout
    assert _cli("doctor", "--db", db).returncode == 0
    out = tmp_path / "e.jsonl"
    r = _cli("export", "--db", db, "--out", str(out))
    assert r.returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 13 and set(records[0]) >= {"id", "title", "site", "text"}
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        r = _cli("export", "--db", db, "--format", "parquet", "--out", str(tmp_path / "e.pq"))
        assert r.returncode == 2 and "pip install 'newstrace[parquet]'" in r.stderr
        assert not (tmp_path / "e.pq").exists()


def test_an_add_without_temporary_space_still_makes_the_same_trees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparisons an add keeps for its trees wait in a temporary file; with no room
    there the add compares again instead, and stores the same families and trees."""
    import errno

    from newstrace.corpus import spool

    articles = _generated(120)
    with Archive(tmp_path / "roomy.db") as ar:
        ar.add(articles)
        roomy = [(f.members, f.original, f.tree) for f in ar.families()]

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.os, "pwrite", full)
    with Archive(tmp_path / "full.db") as ar:
        report = ar.add(articles)
        assert report.added == len(articles)
        assert [(f.members, f.original, f.tree) for f in ar.families()] == roomy
        assert ar.doctor() == []
    assert any(len(members) > 2 for members, _, _ in roomy)  # real trees were compared


def test_an_add_whose_signed_articles_outgrow_the_view_stores_the_same_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view of articles signed as a scan signs them starts afresh when full; the
    articles a link group asks for are signed again then (a 1M-article build once
    stopped on one the view had let go), and the pairs are those of a roomy view."""
    from newstrace import archive, archive_link

    articles = _generated(120)
    options = Options(batch_size=120, tree_max_members=0)
    monkeypatch.setattr(archive, "_LINK_GROUP", 10)  # one view, many link groups
    with Archive(tmp_path / "roomy.db", options=options) as ar:
        ar.add(articles)
        roomy = ar.pairs()
    monkeypatch.setattr(archive_link, "_MAX_SIGNED", 5)
    with Archive(tmp_path / "small.db", options=options) as ar:
        ar.add(articles)
        assert ar.pairs() == roomy
    assert len(roomy) > 10
