"""The SQLite archive: incremental add, re-add, check, scan of the archive, doctor, CLI."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newstrace import Article, iter_articles, read_article
from newstrace.archive import Archive
from newstrace.errors import ArchiveError
from newstrace.options import Options
from newstrace.scan import scan

from .conftest import DEMO, ROOT

CORPUS = ROOT / "demo" / "corpus.jsonl"


@pytest.fixture()
def archive(tmp_path: Path) -> Archive:
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
    with pytest.raises(ArchiveError, match="not a usable newstrace archive"):
        Archive(bogus)
    with pytest.raises(ArchiveError, match="no such archive"):
        Archive(tmp_path / "missing.db", create=False)


def test_doctor_finds_broken_invariants(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as ar:
        ar.add(iter_articles([CORPUS]))
    db = sqlite3.connect(path)
    db.execute("DELETE FROM articles WHERE id = '04-spin'")
    db.commit()
    db.close()
    with Archive(path) as ar:
        problems = ar.doctor()
    assert any("point to no article" in p for p in problems)


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newstrace", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120,
                          text=stdin is None)


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
    families = [json.loads(x) for x in (tmp_path / "out" / "families.jsonl").read_text().splitlines()]
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
    (folder / "feed.jsonl").write_text('{"id": "ok", "text": "Fine text."}\n{broken\n',
                                       encoding="utf-8")
    r = _cli("scan", str(folder), "--out", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "broken.txt" in r.stderr and "feed.jsonl:2" in r.stderr
    assert "Traceback" not in r.stderr
    pairs = (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()
    assert any('"02-reprint-herald"' in p and '"duplicate"' in p for p in pairs)


def test_cli_scan_reads_jsonl_from_stdin() -> None:
    r = _cli("scan", "-", "--format", "jsonl", stdin=CORPUS.read_bytes())
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert any(p["a"] == "01-wire" and p["b"] == "04-spin" for p in lines)


def test_killed_add_leaves_a_consistent_archive_and_resumes(tmp_path: Path) -> None:
    """SIGKILL an add mid-way a few times; the archive must stay healthy and complete."""
    N = 3000
    feed = tmp_path / "feed.jsonl"
    base = list(iter_articles([CORPUS]))
    with feed.open("w", encoding="utf-8") as fh:
        for k in range(N):
            src = base[k % len(base)]
            fh.write(json.dumps({"id": f"{src.id}-{k}", "text": f"{src.text}\n\nEdition {k}."})
                     + "\n")
    db = tmp_path / "k.db"
    sizes = []
    for delay in (0.7, 1.0, 1.3, 1.6, 1.9):
        proc = subprocess.Popen([sys.executable, "-m", "newstrace", "add", str(feed),
                                 "--db", str(db), "--batch-size", "20"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
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
    arts = [Article(id=f"{a.id}-{k}", text=f"{a.text}\n\nEdition {k} of the evening bulletin.",
                    published=a.published) for k in range(4) for a in base]
    assert len(arts) > 50
    from_files = scan(arts)
    with Archive(tmp_path / "c.db", options=Options(batch_size=16)) as ar:
        ar.add(arts)
        from_db = ar.scan()
        stats = ar.term_stats()
    assert stats.documents == len(arts) and stats.df
    assert from_db.pairs == from_files.pairs
    assert from_db.families == from_files.families
