"""Readers while writers add: no "database is locked" (or any other error) reaches users.

One or two ``newstrace add`` processes commit small batches while threads run
``Archive.check``, ``doctor`` and ``len`` on their own connections and a loop runs the
``newstrace check`` CLI in fresh processes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from newstrace import iter_articles, read_article
from newstrace.archive import Archive

from .test_crash import _committed, make_feed

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "demo" / "corpus.jsonl"
SPIN = ROOT / "demo" / "corpus" / "04-spin.txt"


def _writer(feed: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newstrace", "add", str(feed), "--db", str(db), "--batch-size", "5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_readers_while_writers_add(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Archive(db) as ar:
        ar.add(iter_articles([CORPUS]))
    feeds = [tmp_path / "f1.jsonl", tmp_path / "f2.jsonl"]
    sizes = [800, 400]
    for feed, n in zip(feeds, sizes, strict=True):
        make_feed(feed, n)
    # Both feeds hold the same ids for their first 400 lines: the second writer races the
    # first for them, which must end as "already archived", never as an error.
    writers = [_writer(feeds[0], db)]
    time.sleep(0.5)
    writers.append(_writer(feeds[1], db))
    spin = read_article(SPIN)
    stop = threading.Event()
    errors: list[str] = []
    done: dict[str, int] = {}

    def reader(name: str, work: object) -> None:
        n = 0
        try:
            with Archive(db, create=False) as ar:
                while not stop.is_set():
                    work(ar)  # type: ignore[operator]
                    n += 1
        except Exception as exc:  # every error is a failure to report
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
        done[name] = n

    def check(ar: Archive) -> None:
        assert ar.check(spin), "the archived spin and its copies are found"

    def doctor(ar: Archive) -> None:
        assert ar.doctor() == []

    def cli_checks() -> None:
        n = 0
        while not stop.is_set():
            r = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "newstrace",
                    "check",
                    str(SPIN),
                    "--db",
                    str(db),
                    "--format",
                    "json",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if r.returncode != 0 or '"04-spin' not in r.stdout:
                errors.append(f"cli check: {r.returncode} {r.stderr.strip()}")
            n += 1
        done["cli"] = n

    threads = [threading.Thread(target=reader, args=(f"check-{k}", check)) for k in range(3)]
    threads.append(threading.Thread(target=reader, args=("doctor", doctor)))
    threads.append(threading.Thread(target=reader, args=("len", len)))
    threads.append(threading.Thread(target=cli_checks))
    for t in threads:
        t.start()
    try:
        outs = [w.communicate(timeout=240) for w in writers]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=240)
    for w, (_out, err) in zip(writers, outs, strict=True):
        assert w.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    assert not errors, errors
    assert all(done.get(k, 0) > 0 for k in ("check-0", "doctor", "len", "cli")), done
    with Archive(db) as ar:
        assert len(ar) == 14 + max(sizes)
        assert ar.doctor() == []


def _added_and_present(stdout: str) -> tuple[int, int]:
    found = re.search(r"added ([\d,]+), already archived ([\d,]+)", stdout)
    assert found, stdout
    return int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))


def test_overlapping_writers_both_finish(tmp_path: Path) -> None:
    """A default-batch ``add`` racing a small-batch ``add`` over the same ids: the ids
    the other committed first are counted as already archived, and both finish."""
    n = 1000
    feed, db, log = tmp_path / "feed.jsonl", tmp_path / "w.db", tmp_path / "small.log"
    make_feed(feed, n)
    cmd = [sys.executable, "-m", "newstrace", "add", str(feed), "--db", str(db)]
    small = subprocess.Popen(
        [*cmd, "--batch-size", "2", "--progress-log", str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _committed(log) < 10:  # the small writer is committing: start the big one
        assert small.poll() is None and time.monotonic() < deadline, small.communicate()
        time.sleep(0.02)
    big = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [w.communicate(timeout=300) for w in (small, big)]
    counts = []
    for w, (out, err) in zip((small, big), outs, strict=True):
        assert w.returncode == 0, err
        assert "Traceback" not in err and not err.strip(), err
        counts.append(_added_and_present(out))
    assert sum(a for a, _ in counts) == n  # each id added once, by one of them
    assert sum(p for _, p in counts) == n  # and found present by the other
    assert all(p > 0 for _, p in counts), counts  # they did overlap
    with Archive(db, create=False) as ar:
        assert len(ar) == n
        assert ar.doctor() == []
