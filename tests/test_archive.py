"""The SQLite archive: incremental add, re-add, check, scan of the archive, doctor, CLI."""

from __future__ import annotations

import json
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from newstrace import Article, iter_articles, read_article
from newstrace.archive import Archive
from newstrace.cli import main
from newstrace.errors import ArchiveError
from newstrace.options import Options
from newstrace.scan import scan

from .conftest import DEMO, ROOT
from .test_crash import _add, _wait_committed, make_feed

CORPUS = ROOT / "demo" / "corpus.jsonl"


@pytest.fixture()
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))
        yield ar


def test_add_is_incremental_and_idempotent(tmp_path: Path) -> None:
    arts = list(iter_articles([CORPUS]))
    with Archive(tmp_path / "a.db", options=Options(batch_size=4)) as ar:
        first = ar.add(arts[:5])
        assert (first.added, first.present) == (5, 0)
        second = ar.add(arts)
        assert (second.added, second.present) == (len(arts) - 5, 5)
        assert len(ar) == len(arts)
        assert ar.doctor() == []


def test_id_clash_is_reported_not_overwritten(archive: Archive) -> None:
    original = archive.get("01-wire").text
    report = archive.add([Article(id="01-wire", text="Completely different text here.")])
    assert report.failed == 1 and report.added == 0
    assert "already archived with other text" in str(archive.errors[0])
    assert archive.get("01-wire").text == original


def test_get_round_trips_text_and_metadata(archive: Archive) -> None:
    expected = {a.id: a for a in iter_articles([CORPUS])}["13-cyrillic"]
    got = archive.get("13-cyrillic")
    assert got.text == expected.text and got.site == expected.site
    assert got.published == expected.published


def test_check_finds_the_original_and_the_drifts(archive: Archive) -> None:
    matches = archive.check(read_article(DEMO / "12-spin-second.txt"))
    ids = [m.id for m in matches]
    assert "11-wire-second" in ids
    m = next(m for m in matches if m.id == "11-wire-second")
    assert m.comparison.relation == "rewrite"
    assert any(d.kind == "date_changed" for d in m.comparison.drifts)
    unrelated = archive.check(read_article(DEMO / "09-unrelated-science.txt"))
    assert [m.id for m in unrelated] == ["09-unrelated-science"]  # only itself


def test_scan_of_archive_equals_scan_of_files(archive: Archive) -> None:
    from_files = scan(iter_articles([CORPUS]))
    from_db = archive.scan()
    assert from_db.pairs == from_files.pairs
    assert from_db.families == from_files.families


def test_other_fingerprint_settings_are_refused(tmp_path: Path) -> None:
    Archive(tmp_path / "a.db").close()
    with pytest.raises(ArchiveError, match="other fingerprint settings"):
        Archive(tmp_path / "a.db", options=Options(shingle_threshold=0.5))


def test_not_an_archive(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a newstrace archive"):
        Archive(bogus)
    with pytest.raises(ArchiveError, match="no such archive"):
        Archive(tmp_path / "missing.db", create=False)


def test_doctor_finds_broken_invariants(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    _sql(path, "DELETE FROM articles WHERE id = '04-spin'")
    with Archive(path) as ar:
        problems = ar.doctor()
    assert any("point to no article" in p for p in problems)


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newstrace", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        text=True,
        encoding="utf-8",
    )


def test_cli_add_check_scan_doctor(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    r = _cli("add", str(CORPUS), "--db", db)
    assert r.returncode == 0, r.stderr
    assert "added 14" in r.stdout
    r = _cli("check", str(DEMO / "04-spin.txt"), "--db", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert "01-wire" in [m["id"] for m in out["matches"]] and out["milliseconds"] > 0
    r = _cli("scan", "--db", db, "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    pairs = [json.loads(x) for x in (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()]
    families = [
        json.loads(x) for x in (tmp_path / "out" / "families.jsonl").read_text().splitlines()
    ]
    assert {"a", "b", "relation", "coverage", "source", "score"} <= set(pairs[0])
    assert {"members", "original"} <= set(families[0])
    r = _cli("doctor", "--db", db)
    assert r.returncode == 0 and "ok" in r.stdout


def test_cli_scan_reports_broken_inputs_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("01-wire", "02-reprint-herald", "08-unrelated-sport"):
        (folder / f"{name}.txt").write_bytes((DEMO / f"{name}.txt").read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\x01binary" * 50)
    (folder / "feed.jsonl").write_text(
        '{"id": "ok", "text": "Fine text."}\n{broken\n', encoding="utf-8"
    )
    r = _cli("scan", str(folder), "--out", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "broken.txt" in r.stderr and "feed.jsonl:2" in r.stderr
    assert "Traceback" not in r.stderr
    pairs = (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()
    assert any('"02-reprint-herald"' in p and '"duplicate"' in p for p in pairs)


def test_cli_scan_reads_jsonl_from_stdin() -> None:
    r = _cli("scan", "-", "--format", "jsonl", stdin=CORPUS.read_text(encoding="utf-8"))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert any(p["a"] == "01-wire" and p["b"] == "04-spin" for p in lines)


def test_killed_add_leaves_a_consistent_archive_and_resumes(tmp_path: Path) -> None:
    """SIGKILL an add mid-way a few times; the archive must stay healthy and complete."""
    N = 1000
    feed = tmp_path / "feed.jsonl"
    make_feed(feed, N)
    db = tmp_path / "k.db"
    sizes: list[int] = []
    for step in range(4):
        # Killed once it has committed 200 more inputs than the archive held (observable
        # progress, not a delay: a busy machine only makes the test slower).
        log = tmp_path / f"progress-{step}.log"
        proc = _add(feed, db, log, 20)
        _wait_committed(log, (sizes[-1] if sizes else 0) + 200, proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if db.exists():
            with Archive(db) as ar:
                assert ar.doctor() == []
                sizes.append(len(ar))
    assert any(0 < s < N for s in sizes), sizes  # some kill did land mid-add
    assert sizes == sorted(sizes)  # committed batches are never lost
    r = _cli("add", str(feed), "--db", str(db))
    assert r.returncode == 0, r.stderr
    with Archive(db) as ar:
        assert len(ar) == N
        assert ar.doctor() == []


def test_archive_scan_equals_file_scan_with_corpus_statistics(tmp_path: Path) -> None:
    """Over 50 articles the term weights use corpus statistics; the archive keeps the
    same document frequencies as a scan of the files, so both give the same answer."""
    base = list(iter_articles([CORPUS]))
    arts = [
        Article(
            id=f"{a.id}-{k}",
            text=f"{a.text}\n\nEdition {k} of the evening bulletin.",
            published=a.published,
        )
        for k in range(4)
        for a in base
    ]
    assert len(arts) > 50
    from_files = scan(arts)
    with Archive(tmp_path / "c.db", options=Options(batch_size=16)) as ar:
        ar.add(arts)
        from_db = ar.scan()
        stats = ar.term_stats()
    assert stats.documents == len(arts) and stats.df
    assert from_db.pairs == from_files.pairs
    assert from_db.families == from_files.families


# --- read-only opening: nothing but `add` writes to a database given as --db -----------


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _readers(db: Path, tmp_path: Path) -> list[list[str]]:
    """Every command that only reads the archive, with its arguments."""
    return [
        ["doctor", "--db", str(db)],
        ["check", str(DEMO / "04-spin.txt"), "--db", str(db)],
        ["scan", "--db", str(db), "--out", str(tmp_path / "scan-out")],
        ["backup", "--db", str(db), str(tmp_path / "backup.db")],
        ["serve", "--db", str(db), "--port", str(_free_port())],
    ]


def _one_line_error(r: subprocess.CompletedProcess[str], code: int, says: str) -> None:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and says in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_read_commands_refuse_a_foreign_database_and_leave_it_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE people (name TEXT)")
    db.execute("INSERT INTO people VALUES ('ada')")
    db.commit()
    db.close()
    before = _snapshot(foreign)
    for args in [*_readers(foreign, tmp_path), ["add", str(CORPUS), "--db", str(foreign)]]:
        r = subprocess.run(
            [sys.executable, "-m", "newstrace", *args],
            capture_output=True,
            cwd=ROOT,
            timeout=60,
            text=True,
        )
        _one_line_error(r, 3, "not a newstrace archive")
        assert _snapshot(foreign) == before, args
    assert [p.name for p in tmp_path.glob("other.db*")] == ["other.db"]  # no -wal, no -shm
    assert not (tmp_path / "backup.db").exists()
    with pytest.raises(ArchiveError, match="not a newstrace archive"):
        Archive(foreign, create=False)
    db = sqlite3.connect(foreign)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("people",)]
    db.close()


def test_an_empty_file_is_no_archive_to_read_but_add_makes_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(ArchiveError, match="not a newstrace archive"):
        Archive(empty, create=False)
    assert empty.stat().st_size == 0
    with Archive(empty) as ar:
        assert ar.add(iter_articles([CORPUS])).added == 14


def test_another_schema_version_is_said_as_such(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '1' WHERE name = 'schema'")
    db.commit()
    db.close()
    before = _snapshot(path)
    for create in (False, True):
        with pytest.raises(
            ArchiveError, match="schema version 1; this newstrace reads schema version 5"
        ):
            Archive(path, create=create)
    r = _cli("doctor", "--db", str(path))
    _one_line_error(r, 3, "schema version 1")
    assert _snapshot(path) == before


def test_read_only_open_uses_mode_ro_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    before = _snapshot(path)
    with Archive(path, create=False) as ar:
        assert ar.readonly
        assert ar.doctor() == [] and len(ar) == 14
        assert "01-wire" in [m.id for m in ar.check(read_article(DEMO / "04-spin.txt"))]
        assert ar.scan().pairs
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ar._db.execute("CREATE TABLE x (y)")
        with pytest.raises(ArchiveError, match="read-only"):
            ar.add([Article(id="new", text="Some new text to add.")])
    assert _snapshot(path) == before


@pytest.fixture()
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A read-only bind mount of a folder (root ignores file modes, a mount it cannot);
    skips where mounting is not allowed."""
    src, ro = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    ro.mkdir()
    if subprocess.run(["mount", "--bind", str(src), str(ro)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        if subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(ro)], capture_output=True
        ).returncode:
            pytest.skip("cannot remount read-only here")
        yield ro
    finally:
        subprocess.run(["umount", str(ro)], check=True)


def test_read_commands_work_on_a_read_only_mount(tmp_path: Path, read_only_dir: Path) -> None:
    with Archive(tmp_path / "src" / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))
    db = read_only_dir / "a.db"
    before = _snapshot(db)
    r = _cli("doctor", "--db", str(db))
    assert r.returncode == 0 and "ok (14 articles)" in r.stdout, r.stderr
    r = _cli("check", str(DEMO / "04-spin.txt"), "--db", str(db), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "01-wire" in [m["id"] for m in json.loads(r.stdout)["matches"]]
    r = _cli("scan", "--db", str(db), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    r = _cli("backup", "--db", str(db), str(tmp_path / "copy.db"))
    assert r.returncode == 0 and "14 articles" in r.stdout, r.stderr
    r = _cli("add", str(DEMO / "04-spin.txt"), "--db", str(db))
    _one_line_error(r, 3, "cannot")
    assert _snapshot(db) == before


# --- copying a live archive -----------------------------------------------------------


def _articles_in_file(path: Path, tmp_path: Path) -> int:
    """Articles a plain copy of the archive file alone (no -wal) holds."""
    copy = tmp_path / f"plain-{path.name}"
    shutil.copyfile(path, copy)
    db = sqlite3.connect(copy)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master")]
        return (
            int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            if "articles" in tables
            else 0
        )
    finally:
        db.close()
        copy.unlink()


def test_backup_holds_the_articles_still_in_the_wal(tmp_path: Path) -> None:
    path, copy = tmp_path / "a.db", tmp_path / "copy.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
        # Committed, but still in the -wal file: a copy of the archive file misses them.
        assert _articles_in_file(path, tmp_path) < 14
        assert ar.backup(copy) == 14
        with pytest.raises(ArchiveError, match="already exists"):
            ar.backup(copy)
        r = _cli("backup", "--db", str(path), str(tmp_path / "cli-copy.db"))
        assert r.returncode == 0 and "14 articles copied" in r.stdout, r.stderr
    for out in (copy, tmp_path / "cli-copy.db"):
        assert not out.with_name(out.name + "-wal").exists()
        assert _articles_in_file(out, tmp_path) == 14  # one self-contained file
        with Archive(out, create=False) as c:
            assert len(c) == 14 and c.doctor() == []
    assert not list(tmp_path.glob(".*.tmp"))


def test_closing_writer_checkpoints_the_wal(tmp_path: Path) -> None:
    """With a reader holding the archive open (the server), the writer's close is not
    the last one, so SQLite's own checkpoint-on-close does not run: the writer's does."""
    path = tmp_path / "a.db"
    Archive(path).close()
    with Archive(path, create=False) as reader:
        with Archive(path) as writer:
            writer.add(iter_articles([CORPUS]))
        assert len(reader) == 14
        assert _articles_in_file(path, tmp_path) == 14


# --- a full disk ----------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (a disk that fills up); skips where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _add_until_full(
    db: Path, tmp_path: Path, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    with Archive(db) as ar:
        ar.add(iter_articles([CORPUS]))
    feed = tmp_path / "feed.jsonl"
    make_feed(feed, 3000)

    def file_size_limit() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "newstrace",
            "add",
            str(feed),
            "--db",
            str(db),
            "--batch-size",
            "100",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        preexec_fn=file_size_limit,
    )


def _kept_intact(db: Path, r: subprocess.CompletedProcess[str]) -> None:
    """The error names the archive, and it holds every batch committed before."""
    assert str(db) in r.stderr and "rollback" not in r.stderr
    kept = re.search(r"keeps the ([\d,]+) articles", r.stderr)
    assert kept, r.stderr
    with Archive(db, create=False) as ar:
        assert ar.doctor() == []
        assert len(ar) == 14 + int(kept.group(1).replace(",", ""))


def test_full_disk_during_add_is_reported_as_such(tmp_path: Path, small_disk: Path) -> None:
    db = small_disk / "a.db"
    r = _add_until_full(db, tmp_path)
    _one_line_error(r, 3, "cannot write to the archive (database or disk is full)")
    _kept_intact(db, r)


def test_file_size_limit_during_add_is_reported_as_such(tmp_path: Path) -> None:
    """The same under a file-size limit (no mount needed): SQLite calls it an I/O error."""
    db = tmp_path / "a.db"
    r = _add_until_full(db, tmp_path, limit=1_700_000)
    _one_line_error(r, 3, "cannot write to the archive (")
    _kept_intact(db, r)


# --- the modified time (schema 4) ----------------------------------------------------------

MODIFIED_RECORDS = [
    {
        "id": "updated",
        "text": "The harbour ferry resumed its winter timetable on Monday, the operator said.",
        "published": "2024-05-06T08:00:00Z",
        "modified": "2024-05-07T09:30:00Z",
    },
    {"id": "never-updated", "text": "A second, unrelated note about library opening hours."},
]


def _invoke(*args: str) -> Result:
    """A command run in this process (a subprocess would cost a second of imports)."""
    return CliRunner().invoke(main, list(args))


def test_modified_round_trips_through_add_list_show_and_export(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in MODIFIED_RECORDS), encoding="utf-8")
    db = str(tmp_path / "a.db")
    assert _invoke("add", str(feed), "--db", db).exit_code == 0
    want = {r["id"]: r.get("modified") for r in MODIFIED_RECORDS}
    listed = [json.loads(line) for line in _invoke("list", "--db", db).output.splitlines()]
    assert {r["id"]: r["modified"] for r in listed} == want
    for art_id, modified in want.items():
        shown = json.loads(_invoke("show", art_id, "--db", db, "--format", "json").output)
        assert (shown["modified"], shown["published"]) == (
            modified,
            MODIFIED_RECORDS[0]["published"] if modified else None,
        )
    out = tmp_path / "e.jsonl"
    assert _invoke("export", "--db", db, "--out", str(out)).exit_code == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: r["modified"] for r in exported} == want
    # The export is an input again: the modified time survives a second round.
    with Archive(tmp_path / "b.db") as again:
        again.add(iter_articles([out]))
        assert {i: again.get(i).modified for i in want} == want


def test_parquet_export_has_the_modified_column(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from newstrace.archive_export import export_articles, rows_of

    arts = [Article(id="a", text="Words.", modified="2024-05-07T09:30:00Z"), Article("b", "More.")]
    export_articles(arts, tmp_path / "e.parquet", "parquet")
    rows = list(rows_of(tmp_path / "e.parquet"))
    assert [r["modified"] for r in rows] == ["2024-05-07T09:30:00Z", None]


def _sql(path: Path, *statements: str) -> None:
    """Run ``statements`` on the archive file behind newstrace's back, and commit."""
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def _as_schema_4(path: Path) -> None:
    """Turn an archive into the schema-4 file an older newstrace wrote: no stored
    preparations."""
    _sql(
        path,
        "DROP TABLE packs",
        "DELETE FROM meta WHERE name = 'prepared'",
        "UPDATE meta SET value = '4' WHERE name = 'schema'",
    )


def _as_schema_3(path: Path) -> None:
    """Turn an archive into the schema-3 file an older newstrace wrote: the same tables
    without the modified column (the last one of ``articles``) and the stored
    preparations, families without copy trees."""
    _as_schema_4(path)
    _sql(
        path,
        "ALTER TABLE articles DROP COLUMN modified",
        "UPDATE families SET extra = '{}', uncredited = NULL",
        "UPDATE meta SET value = '3' WHERE name = 'schema'",
    )


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the archive's tables (the text index aside), to compare."""
    db = sqlite3.connect(path)
    names = [
        n
        for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not n.startswith("articles_fts")
    ]
    rows = {n: db.execute(f"SELECT * FROM {n} ORDER BY 1, 2").fetchall() for n in names}
    db.close()
    return rows


def test_schema_3_archive_is_refused_read_only_and_upgraded_to_5_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
        families = ar.families()
    _as_schema_3(path)
    before, snapshot = _tables(path), _snapshot(path)
    with pytest.raises(ArchiveError, match="schema version 3; upgrade it once to version 5"):
        Archive(path, create=False)
    r = _invoke("list", "--db", str(path))
    assert r.exit_code == 3 and f"newstrace upgrade --db {path}" in r.output
    assert _snapshot(path) == snapshot
    r = _invoke("upgrade", "--db", str(path))
    assert r.exit_code == 0 and "up to date (14 articles; 14 preparations stored" in r.output
    after = _tables(path)
    assert len(after.pop("packs")) == 14
    assert after["articles"] == [(*row, None) for row in before["articles"]]
    assert [row[:-2] for row in after["families"]] == [row[:-2] for row in before["families"]]
    for name in ("meta", "articles", "families"):
        del before[name], after[name]
    assert after == before
    with Archive(path, create=False) as ar:
        # the families got their copy trees back, as their writes had given them
        assert ar._meta("schema") == "5" and ar.doctor() == [] and ar.families() == families
        assert all(f.tree is not None for f in families)
        assert ar.fts and ar.get("01-wire").modified is None


def test_a_failed_upgrade_from_schema_3_leaves_it_whole(tmp_path: Path) -> None:
    """One transaction: when the last step fails (here a trigger refuses the new schema
    number) the column added before it is rolled back too, and a later upgrade works."""
    path = tmp_path / "old.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    _as_schema_3(path)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TRIGGER no_upgrade BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    db.commit()
    before = _tables(path)
    with pytest.raises(ArchiveError):
        Archive(path)
    assert _tables(path) == before
    db.execute("DROP TRIGGER no_upgrade")
    db.commit()
    db.close()
    with Archive(path) as ar:
        assert ar._meta("schema") == "5" and ar.doctor() == []


# --- stored preparations (schema 5) -------------------------------------------------------


def _comparisons(matches: list[Any]) -> list[tuple[object, ...]]:
    return [
        (m.id, m.comparison.relation, m.comparison.score, m.comparison.drifts, m.band_hits)
        for m in matches
    ]


def test_check_unpacks_stored_preparations_and_answers_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``add`` stores each article's preparation; ``check`` unpacks the archived
    articles it compares instead of preparing them (only the query is prepared), with
    the same matches, scores and drifts as preparing them."""
    import newstrace.archive as archive_module
    import newstrace.corpus.prepared as prepared_module

    prepared: list[str] = []
    real = archive_module.prepare

    def counting(article: Article, *args: Any, **given: Any) -> Any:
        prepared.append(article.id)
        return real(article, *args, **given)

    with Archive(tmp_path / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))
        n = ar._db.execute("SELECT COUNT(*) FROM packs").fetchone()[0]
        assert n == len(ar) and ar.packs
    monkeypatch.setattr(archive_module, "prepare", counting)  # the query
    monkeypatch.setattr(prepared_module, "prepare", counting)  # archived articles
    query = read_article(DEMO / "12-spin-second.txt")
    query = Article(id="query", text=query.text, title=query.title)
    with Archive(tmp_path / "a.db", create=False) as ar:
        stored = ar.check(query)
        assert prepared == ["query"] and "11-wire-second" in [m.id for m in stored]
        prepared.clear()
        ar.packs = False
        fresh = ar.check(query)
        assert prepared[0] == "query" and len(prepared) == 1 + len(fresh)
    assert _comparisons(stored) == _comparisons(fresh)


def test_schema_4_archive_is_read_as_it_is_and_upgraded_to_5(tmp_path: Path) -> None:
    """An archive from before the stored preparations is read (each archived article
    prepared as before), upgraded by a writer (an empty table) and filled by
    ``newstrace upgrade``; a run stopped half-way goes on from where it stopped."""
    path = tmp_path / "a.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    query = read_article(DEMO / "04-spin.txt")
    query = Article(id="query", text=query.text)
    with Archive(path, create=False) as ar:
        want = _comparisons(ar.check(query))
    _as_schema_4(path)
    with Archive(path, create=False) as ar:
        assert not ar.packs and _comparisons(ar.check(query)) == want
    with Archive(path, options=Options(batch_size=5)) as ar:
        assert ar._meta("schema") == "5" and ar.packs and ar.doctor() == []
        assert ar._db.execute("SELECT COUNT(*) FROM packs").fetchone()[0] == 0

        def stop_after_one_batch(_: str, done: int, total: int | None) -> None:
            if done == 5:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            ar.fill_packs(progress=stop_after_one_batch)
        assert ar._db.execute("SELECT COUNT(*) FROM packs").fetchone()[0] == 5
        steps: list[tuple[int, int | None]] = []
        assert ar.fill_packs(progress=lambda _, done, total: steps.append((done, total))) == 9
        assert steps == [(0, 9), (5, 9), (9, 9)] and ar.fill_packs() == 0
    r = _invoke("upgrade", "--db", str(path))
    assert r.exit_code == 0 and "(14 articles; 0 preparations stored now)" in r.output
    with Archive(path, create=False) as ar:
        assert ar.packs and _comparisons(ar.check(query)) == want


def test_preparations_of_another_version_are_dropped_not_read(tmp_path: Path) -> None:
    """Stored preparations of another ``PREPARE_VERSION`` are not read, a writer drops
    them (a later ``newstrace upgrade`` makes them again), ``remove`` drops an article's
    and ``doctor`` reports one that belongs to no article."""
    path = tmp_path / "a.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    _sql(path, "UPDATE meta SET value = 'older' WHERE name = 'prepared'")
    with Archive(path, create=False) as ar:
        assert not ar.packs and ar._stored([1, 2]) == {}
    with Archive(path) as ar:
        assert ar.packs and ar._db.execute("SELECT COUNT(*) FROM packs").fetchone()[0] == 0
        assert ar.fill_packs() == 14
        ar.remove(["01-wire"])
        assert ar._db.execute("SELECT COUNT(*) FROM packs").fetchone()[0] == 13
        assert ar.doctor() == []
        ar._db.execute("INSERT INTO packs VALUES (9999, x'00')")
        assert "1 stored preparations belong to no article" in ar.doctor()


def test_a_scan_of_the_archive_unpacks_its_stored_preparations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scan --db`` verifies with the stored preparations (no article prepared again)
    and finds what a scan of the files finds."""
    import newstrace.corpus.prepared as prepared_module

    with Archive(tmp_path / "a.db") as ar:
        ar.add(iter_articles([CORPUS]))

    def refuse(article: Article, *args: Any, **given: Any) -> Any:
        raise AssertionError(f"{article.id} prepared again")

    monkeypatch.setattr(prepared_module, "prepare", refuse)
    with Archive(tmp_path / "a.db", create=False) as ar:
        from_db = ar.scan()
    monkeypatch.undo()
    from_files = scan(iter_articles([CORPUS]))
    assert from_db.pairs == from_files.pairs and from_db.pairs
    assert from_db.families == from_files.families


_PREPARED_DEMO = {
    "1": "f88e1c93c60657a203e1844f310676b7ae932173e31d37684d101ab1417f4017",
    "2": "a262585d6e4b3e39ad2ade560e5cfb43637de9a0ffbb39dc987367131a2b44da",  # date keys
    # The same preparations, stored another way (a layout pickled as its fields).
    "3": "a262585d6e4b3e39ad2ade560e5cfb43637de9a0ffbb39dc987367131a2b44da",
    "4": "d720fc309f93fee8950073b508fcd0f2415b1beaf5908d4eb526f59cbdbad3fc",  # number scales
}
"""What ``prepare`` makes of the demo corpus (layouts, sentences, facts), hashed, per
``compare.PREPARE_VERSION``."""


def test_prepare_version_names_what_prepare_makes() -> None:
    """Archives keep preparations per ``PREPARE_VERSION``: when boilerplate removal,
    sentence splitting or fact finding change what they find, raise the version (and
    add its hash here), or archives would unpack what ``prepare`` no longer makes."""
    import hashlib

    from newstrace.compare import PREPARE_VERSION, prepare

    rows = []
    for article in iter_articles([CORPUS]):
        p = prepare(article)
        title = p.layout.title
        rows.append(
            [
                [title.start, title.end] if title else None,
                [[s.start, s.end] for s in p.layout.body],
                [[b.span.start, b.span.end, b.reason] for b in p.layout.removed],
                [[s.start, s.end] for s in p.side.spans],
                [[f.kind, f.span.start, f.span.end, f.key] for f in p.side.facts],
            ]
        )
    made = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    assert _PREPARED_DEMO.get(PREPARE_VERSION) == made, (
        f"prepare makes something new: raise compare.PREPARE_VERSION and add {made!r}"
    )


def test_check_skips_an_archived_article_over_its_size_limit(tmp_path: Path) -> None:
    """An archived article longer than the checking options allow is not compared
    (it stopped the whole check with an InputError); the others still are."""
    wire = "The council met on Tuesday and voted to build the harbour wall. " * 12
    with Archive(tmp_path / "a.db") as ar:
        ar.add([Article("long", wire * 4), Article("short", wire)])
    with Archive(tmp_path / "a.db", options=Options(max_chars=2000), create=False) as ar:
        assert [m.id for m in ar.check(Article("q", wire))] == ["short"]
