"""Crash safety: SIGKILL ``newstrace add`` at random moments over a growing archive.

After every kill the archive must open, pass ``doctor`` (SQLite's integrity check and
newstrace's own cross-table checks), and hold every article of every batch that ``add``
reported committed (its hidden ``--progress-log`` gets a line after each commit); a final
``add`` must complete without duplicates. ``NEWSTRACE_KILL_SEED`` replays a run;
bench/kill_bench.py runs the same cycle 100 times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from newstrace import iter_articles
from newstrace.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "demo" / "corpus.jsonl"


def make_feed(path: Path, n: int) -> list[tuple[str, str]]:
    """A JSONL feed of ``n`` distinct articles (demo articles with an edition line)."""
    base = list(iter_articles([CORPUS]))
    feed = []
    with path.open("w", encoding="utf-8") as fh:
        for k in range(n):
            src = base[k % len(base)]
            item = (f"{src.id}-{k}", f"{src.text}\n\nEdition {k} of the bulletin.")
            feed.append(item)
            fh.write(json.dumps({"id": item[0], "text": item[1]}) + "\n")
    return feed


def _add(feed: Path, db: Path, log: Path, batch: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newstrace",
            "add",
            str(feed),
            "--db",
            str(db),
            "--batch-size",
            str(batch),
            "--progress-log",
            str(log),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


POLL = 0.002
"""Seconds between looks at the progress log (how finely a kill follows a commit)."""


def _wait_committed(log: Path, inputs: int, proc: subprocess.Popen[bytes]) -> None:
    """Until ``add`` has reported ``inputs`` committed (0: at once) or has ended."""
    while inputs and _committed(log) < inputs and proc.poll() is None:
        time.sleep(POLL)


def _committed(log: Path) -> int:
    """Inputs that the killed add reported committed (its last complete log line)."""
    if not log.exists():
        return 0
    lines = [x for x in log.read_text(encoding="utf-8").split("\n")[:-1] if x]
    return int(lines[-1]) if lines else 0


def check_archive(db: Path, feed: list[tuple[str, str]], committed: int, rng: random.Random) -> int:
    """Open the archive, run doctor, and find every committed article; returns its size."""
    with Archive(db) as ar:
        problems = ar.doctor()
        assert problems == [], problems
        ids = list(ar.ids())
        assert len(ids) == len(set(ids)) == len(ar)
        have = set(ids)
        lost = [i for i, _ in feed[:committed] if i not in have]
        assert not lost, f"{len(lost)} committed articles lost, e.g. {lost[:3]}"
        known = {i for i, _ in feed}
        assert have <= known, sorted(have - known)[:3]
        for art_id, text in rng.sample(feed[:committed], min(10, committed)):
            assert ar.get(art_id).text == text
        return len(ids)


@dataclass
class KillStats:
    """What a kill cycle did."""

    kills: int = 0
    mid_add: int = 0  # kills that left the archive part-way through the feed, grown
    sizes: list[int] = field(default_factory=list)
    committed: list[int] = field(default_factory=list)
    seconds: float = 0.0


def kill_cycle(
    tmp: Path,
    *,
    kills: int,
    n: int,
    seed: int,
    batch: int = 10,
    max_commits: int = 60,
    cli_doctor_every: int = 5,
    overlap: int = 50,
    chunk: int = 4000,
) -> KillStats:
    """Start ``add``, SIGKILL it once it has reported a random number of commits (0 to
    ``max_commits`` batches: the kill lands while the next batch is being added, on any
    machine speed), check, repeat; then let a last ``add`` of the whole feed finish and
    check the archive is complete, no duplicates.

    Each run is given the feed from ``overlap`` articles before what is archived (those
    must be recognised as present), so every run spends its time adding, not skipping,
    and the archive grows from kill to kill; once it holds the whole feed, the cycle goes
    on with a fresh archive.
    """
    rng = random.Random(seed)
    feed_path = tmp / "feed.jsonl"
    feed = make_feed(feed_path, n)
    run_path = tmp / "run.jsonl"
    db = tmp / "crash.db"
    stats = KillStats()
    t0 = time.perf_counter()
    previous = 0
    for k in range(kills):
        start = max(0, previous - overlap)
        with run_path.open("w", encoding="utf-8") as fh:
            for art_id, text in feed[start : start + chunk]:
                fh.write(json.dumps({"id": art_id, "text": text}) + "\n")
        log = tmp / f"progress-{k}.log"
        proc = _add(run_path, db, log, batch)
        _wait_committed(log, rng.randint(0, max_commits) * batch, proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        stats.kills += 1
        run_committed = _committed(log)
        committed = start + run_committed if run_committed else 0
        stats.committed.append(committed)
        if not db.exists():
            assert committed == 0
            stats.sizes.append(0)
            continue
        size = check_archive(db, feed, committed, rng)
        assert size >= previous, f"kill {k} (seed {seed}): archive shrank {previous} -> {size}"
        if previous < size < n:
            stats.mid_add += 1
        previous = size
        stats.sizes.append(size)
        if cli_doctor_every and k % cli_doctor_every == cli_doctor_every - 1:
            r = subprocess.run(
                [sys.executable, "-m", "newstrace", "doctor", "--db", str(db)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert r.returncode == 0 and "ok" in r.stdout, (seed, r.stdout, r.stderr)
        if size >= n:  # a fast machine filled the archive: grow a fresh one, so that
            for leftover in tmp.glob(db.name + "*"):  # later kills still land mid-add
                leftover.unlink()
            previous = 0
    log = tmp / "progress-final.log"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "newstrace",
            "add",
            str(feed_path),
            "--db",
            str(db),
            "--batch-size",
            str(batch),
            "--progress-log",
            str(log),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert r.returncode == 0, (seed, r.stderr)
    assert "Traceback" not in r.stderr
    assert f"added {n - previous:,}," in r.stdout, (seed, previous, r.stdout)
    assert check_archive(db, feed, n, rng) == n
    stats.seconds = time.perf_counter() - t0
    return stats


def test_sigkill_add_at_random_moments(tmp_path: Path) -> None:
    seed = int(os.environ.get("NEWSTRACE_KILL_SEED", random.randrange(1 << 30)))
    # 12 kills keep the suite within its time (bench/kill_bench.py runs 100 and more).
    stats = kill_cycle(tmp_path, kills=12, n=1500, seed=seed, max_commits=30)
    assert stats.kills == 12
    assert stats.mid_add >= 5, (seed, stats.sizes)  # the kills did land mid-add


# --- doctor finds what a crash or a bad tool could leave behind ---------------------------


def _archive(tmp: Path) -> Path:
    db = tmp / "a.db"
    with Archive(db) as ar:
        ar.add(iter_articles([CORPUS]))
        assert ar.doctor() == []
    return db


def _tamper(db: Path, *sql: str) -> list[str]:
    con = sqlite3.connect(db)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()
    with Archive(db) as ar:
        return ar.doctor()


def test_doctor_checks_meta_counts_against_the_tables(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    problems = _tamper(
        db,
        "DELETE FROM bands WHERE article = (SELECT MAX(rowid) FROM articles)",
        "DELETE FROM articles WHERE rowid = (SELECT MAX(rowid) FROM articles)",
    )
    assert any("meta counts 14 articles" in p for p in problems), problems


def test_doctor_checks_term_frequencies(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    problems = _tamper(
        db,
        "UPDATE terms SET df = df + 1 WHERE term = (SELECT MIN(term) FROM terms)",
        "INSERT INTO terms VALUES ('zzz-bogus', 0)",
    )
    assert any("term occurrences" in p for p in problems), problems
    assert any("document frequency outside" in p for p in problems), problems


def test_doctor_checks_text_against_hash(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    con = sqlite3.connect(db)
    con.execute(
        "UPDATE articles SET text = ? WHERE id = '04-spin'", (zlib.compress(b"Some other text."),)
    )
    con.commit()
    con.close()
    with Archive(db) as ar:
        problems = ar.doctor()
    assert any("does not match its hash" in p for p in problems), problems


def test_cli_doctor_exit_code_on_problems(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    _tamper(db, "DELETE FROM articles WHERE id = '04-spin'")
    r = subprocess.run(
        [sys.executable, "-m", "newstrace", "doctor", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 3 and "problem:" in r.stderr and "Traceback" not in r.stderr
