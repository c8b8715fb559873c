"""Readers while writers add: no "database is locked" (or any other error) reaches users.

One or two ``newstrace add`` processes commit small batches while threads run
``Archive.check``, ``doctor`` and ``len`` on their own connections and a loop runs the
``newstrace check`` CLI in fresh processes.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from newstrace import iter_articles, read_article
from newstrace.archive import Archive

from .test_crash import make_feed

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "demo" / "corpus.jsonl"
SPIN = ROOT / "demo" / "corpus" / "04-spin.txt"


def _writer(feed: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "newstrace", "add", str(feed), "--db", str(db),
                             "--batch-size", "5"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_readers_while_writers_add(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Archive(db) as ar:
        ar.add(iter_articles([CORPUS]))
    feeds = [tmp_path / "f1.jsonl", tmp_path / "f2.jsonl"]
    sizes = [1500, 400]
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
        except Exception as exc:  # noqa: BLE001 - every error is a failure to report
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
        done[name] = n

    def check(ar: Archive) -> None:
        assert ar.check(spin), "the archived spin and its copies are found"

    def doctor(ar: Archive) -> None:
        assert ar.doctor() == []

    def cli_checks() -> None:
        n = 0
        while not stop.is_set():
            r = subprocess.run([sys.executable, "-m", "newstrace", "check", str(SPIN), "--db",
                                str(db), "--format", "json"], cwd=ROOT, capture_output=True,
                               text=True, timeout=120)
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
    for w, (out, err) in zip(writers, outs, strict=True):
        assert w.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    assert not errors, errors
    assert all(done.get(k, 0) > 0 for k in ("check-0", "doctor", "len", "cli")), done
    with Archive(db) as ar:
        assert len(ar) == 14 + max(sizes)
        assert ar.doctor() == []
