"""``newstrace watch``: files and feed items checked as they arrive, one alert per new
copy, nothing alerted twice across a restart, half-written files left alone, webhooks.

No test sleeps on the wall clock: the watcher's clock is a fake one moved by the test,
and the CLI test waits for lines to appear in the alerts file and the watch's log (with
a generous overall deadline). Pages and feeds come from a loopback server (the demo
corpus's stories), webhooks go to a loopback receiver.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newstrace.archive import Archive
from newstrace.errors import InputError
from newstrace.fetch import Fetcher
from newstrace.options import Options
from newstrace.watch import AlertSink, FileGate, Watcher, alert_line, post_json
from tests.test_fetch import DEMO, HTML, FakeClock, Site, page, site, story

__all__ = ["site"]  # the loopback server fixture

SETTLE = 2.0
OPTIONS = Options(watch_settle=SETTLE, watch_poll=60.0)
DEADLINE = 120.0
"""Seconds the CLI test waits for a line at most (the watch answers in well under one)."""


def rss(base: str, paths: list[str]) -> str:
    items = "".join(f"<item><title>Story</title><link>{base}{p}</link></item>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Courier</title><link>{base}/</link>{items}</channel></rss>"
    )


def serve_stories(site: Site) -> None:
    site.routes.update(
        {
            "/news/herald": [(200, HTML, page("02-reprint-herald"))],
            "/news/science": [(200, HTML, page("09-unrelated-science"))],
        }
    )


def write_atomic(path: Path, text: str) -> None:
    """As a careful writer does: a temporary name, then a rename."""
    temp = path.with_name(path.name + ".part")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


class Run:
    """A Watcher over a fake clock, its alerts and errors kept in lists."""

    def __init__(self, db: Path, folder: Path, feeds: list[str], clock: FakeClock) -> None:
        self.alerts: list[dict[str, Any]] = []
        self.errors: list[InputError] = []
        self.clock = clock
        self.archive = Archive(db, options=OPTIONS)
        self.watcher = Watcher(
            self.archive,
            [folder],
            feeds,
            self.alerts.append,
            self.errors.append,
            OPTIONS,
            fetcher=Fetcher(host_delay=0, clock=clock, sleep=clock.sleep),
            clock=clock,
        )

    def settle(self, *changed: Path) -> None:
        """A look at the changes, then one once they have settled."""
        self.watcher.look(changed)
        self.clock.now += SETTLE
        self.watcher.look(())

    def close(self) -> None:
        self.archive.close()


# --------------------------------------------------------------------------- files


def test_a_half_written_file_is_read_only_once_it_stops_changing(tmp_path: Path) -> None:
    clock = FakeClock()
    gate = FileGate(SETTLE, clock)
    f = tmp_path / "story.txt"
    text = story("01-wire")
    f.write_text(text[:100], encoding="utf-8")
    assert gate.ready([f]) == []  # first seen
    clock.now += SETTLE / 2
    with f.open("a", encoding="utf-8") as fh:
        fh.write(text[100:200])
    assert gate.ready([f]) == []  # changed: the clock starts again
    clock.now += SETTLE - 0.01
    assert gate.ready([]) == []  # not quiet for long enough yet
    with f.open("a", encoding="utf-8") as fh:
        fh.write(text[200:])
    assert gate.ready([]) == []
    clock.now += SETTLE
    assert gate.ready([]) == [f]
    gate.done(f)
    assert gate.ready([f]) == []  # read as it is: not again


def test_temporary_names_and_empty_files_are_never_read(tmp_path: Path) -> None:
    clock = FakeClock()
    gate = FileGate(SETTLE, clock)
    names = ["a.txt.part", "b.txt.tmp", "c.txt~", ".d.txt", "e.html.crdownload", "empty.txt"]
    for name in names:
        (tmp_path / name).write_text("" if name == "empty.txt" else "words " * 50)
    paths = [tmp_path / n for n in names]
    for _ in range(3):
        assert gate.ready(paths) == []
        clock.now += SETTLE
    os.replace(tmp_path / "a.txt.part", tmp_path / "a.txt")
    assert gate.ready([tmp_path / "a.txt"]) == []
    clock.now += SETTLE
    assert gate.ready([]) == [tmp_path / "a.txt"]


def test_files_and_feed_items_alert_once_per_copy_across_a_restart(
    site: Site, tmp_path: Path
) -> None:
    serve_stories(site)
    folder, db, feed = tmp_path / "in", tmp_path / "a.db", tmp_path / "feed.xml"
    folder.mkdir()
    feed.write_text(rss(site.base, []), encoding="utf-8")
    (folder / "01-wire.txt").write_text(story("01-wire"), encoding="utf-8")
    clock = FakeClock()
    run = Run(db, folder, [str(feed)], clock)
    run.watcher.start()
    assert run.watcher.added == 0  # the wire is still settling
    clock.now += SETTLE
    run.watcher.look(())
    assert (run.watcher.added, run.alerts) == (1, [])

    sub = folder / "sub"
    sub.mkdir()
    write_atomic(sub / "spin.txt", story("04-spin"))
    (folder / "sport.txt").write_text(story("08-unrelated-sport"), encoding="utf-8")
    run.settle(sub / "spin.txt", folder / "sport.txt")
    assert [a["article"]["id"] for a in run.alerts] == ["sub/spin"]
    spin = run.alerts[0]
    assert spin["matched"]["id"] == "01-wire" and spin["source"] == "01-wire"
    assert spin["relation"] == "rewrite"
    assert spin["family"] == {"original": "01-wire", "members": ["01-wire", "sub/spin"]}
    assert spin["parent"] == "01-wire" and spin["parent_candidates"] == []
    assert spin["credited"] is False
    assert any(d["kind"] == "number_changed" for d in spin["drifts"])
    assert "is a rewrite of" in alert_line(spin)

    # a feed item arrives: polled when due, by the clock
    feed.write_text(rss(site.base, ["/news/herald"]), encoding="utf-8")
    run.watcher.look(())
    assert len(run.alerts) == 1  # the next poll is not due yet
    clock.now += OPTIONS.watch_poll
    run.watcher.look(())
    herald = f"{site.base}/news/herald"
    assert [a["article"]["id"] for a in run.alerts] == ["sub/spin", herald]
    assert run.alerts[1]["relation"] == "duplicate"
    tree_members = {"01-wire", "sub/spin", herald}
    assert set(run.alerts[1]["family"]["members"]) == tree_members
    assert run.alerts[1]["family"]["original"] == "01-wire"
    assert run.alerts[1]["parent"] in tree_members - {herald} or run.alerts[1]["parent_candidates"]
    run.close()

    # restart: everything seen is in the archive, nothing is alerted again
    clock2 = FakeClock()
    again = Run(db, folder, [str(feed)], clock2)
    again.watcher.start()
    clock2.now += SETTLE
    again.watcher.look(())
    assert again.alerts == [] and again.watcher.added == 0 and again.errors == []
    (folder / "summary.txt").write_text(story("05-summary"), encoding="utf-8")
    feed.write_text(rss(site.base, ["/news/herald", "/news/science"]), encoding="utf-8")
    clock2.now += OPTIONS.watch_poll
    again.settle(folder / "summary.txt")
    assert [a["article"]["id"] for a in again.alerts] == ["summary"]
    assert again.watcher.added == 2  # the summary and the science page (no alert)
    again.close()


def test_a_failed_feed_item_is_tried_again_at_later_polls_then_given_up(
    site: Site, tmp_path: Path
) -> None:
    from newstrace.watch import FEED_ITEM_TRIES

    down, gone = (404, "text/plain", b"down"), (404, "text/plain", b"gone")
    site.routes["/news/herald"] = [down, (200, HTML, page("02-reprint-herald"))]
    site.routes["/news/gone"] = [gone]
    feed = tmp_path / "feed.xml"
    feed.write_text(rss(site.base, ["/news/herald", "/news/gone"]), encoding="utf-8")
    (tmp_path / "in").mkdir()
    clock = FakeClock()
    run = Run(tmp_path / "a.db", tmp_path / "in", [str(feed)], clock)
    run.watcher.start()
    assert run.watcher.added == 0 and len(run.errors) == 2
    assert "try 1 of" in run.errors[0].message and "next poll" in run.errors[0].message
    for _ in range(FEED_ITEM_TRIES + 2):
        clock.now += OPTIONS.watch_poll
        run.watcher.look(())
    assert run.watcher.added == 1  # the herald came back at the next poll
    hits = [path for path, _ in site.hits]
    assert hits.count("/news/herald") == 2
    assert hits.count("/news/gone") == FEED_ITEM_TRIES  # then given up until a restart
    assert "after a restart" in run.errors[-1].message
    run.close()


def test_a_changed_archived_file_is_one_error_and_no_alert(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    f = folder / "wire.txt"
    f.write_text(story("01-wire"), encoding="utf-8")
    run = Run(db, folder, [], FakeClock())
    run.watcher.start()
    run.settle()
    f.write_text(story("04-spin"), encoding="utf-8")
    run.settle(f)
    assert run.alerts == [] and len(run.errors) == 1
    assert "already archived with other text" in str(run.errors[0])
    assert str(f) in str(run.errors[0])
    run.close()


# --------------------------------------------------------------------------- webhooks


class Receiver:
    """A loopback webhook receiver: answers each post with the next status given."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver([200])
    yield r
    r.close()


def test_the_webhook_gets_the_alert_json(receiver: Receiver, tmp_path: Path) -> None:
    out = (tmp_path / "alerts.jsonl").open("w", encoding="utf-8")
    logged: list[str] = []
    sink = AlertSink(out, receiver.url, log=logged.append)
    alert = {"alert": "reuse", "relation": "duplicate", "source": None, "credited": None}
    alert |= {"article": {"id": "x", "title": "Ferry", "site": "Courier", "origin": "x.txt"}}
    alert |= {"matched": {"id": "y", "title": None, "url": "https://e.com/y", "origin": None}}
    alert["drifts"] = []
    sink(alert)
    out.close()
    assert receiver.bodies == [alert]
    assert json.loads((tmp_path / "alerts.jsonl").read_text()) == alert
    assert logged == [
        "alert: \u201cFerry · Courier\u201d and \u201ce.com\u201d: duplicate, source undecided; "
        "credit unclear; 0 change(s)"
    ]


def test_webhook_retries_are_bounded_and_a_failure_is_one_line() -> None:
    down = Receiver([503, 503, 503, 503])
    waits: list[float] = []
    try:
        assert post_json(down.url, "{}", sleep=waits.append) == "HTTP status 503"
        assert len(down.bodies) == 3 and waits == [1.0, 2.0]
        assert post_json(down.url, "{}", sleep=waits.append, attempts=1) == "HTTP status 503"
    finally:
        down.close()
    refused = post_json("http://127.0.0.1:9/hook", "{}", sleep=waits.append)
    assert refused is not None and refused.startswith("cannot post")
    logged: list[str] = []
    sink = AlertSink(io.StringIO(), "http://x", log=logged.append, post=lambda u, b: "HTTP 500")
    sink(
        {
            "alert": "reuse",
            "relation": "rewrite",
            "source": None,
            "credited": True,
            "drifts": [],
            "article": {"id": "a", "origin": "a.txt"},
            "matched": {"id": "b", "origin": "b.txt"},
        }
    )
    assert logged[-1] == "webhook http://x: HTTP 500; the alert is in the alerts output"


# --------------------------------------------------------------------------- the CLI


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [x for x in path.read_text(encoding="utf-8").split("\n")[:-1] if x]


def _wait(what: str, path: Path, n: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``path`` has ``n`` lines (containing ``what``), or fail naming the log."""
    deadline = time.monotonic() + DEADLINE
    while sum(what in x for x in _lines(path)) < n:
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"no {n} {what!r} lines: {log.read_text()}"
        time.sleep(0.01)  # a look at observable progress, not a wait for time to pass


def _watch(folder: Path, feed: Path, db: Path, alerts: Path, log: Path, receiver: Receiver) -> Any:
    args = [sys.executable, "-m", "newstrace", "watch", str(folder), str(feed), "--db", str(db)]
    args += ["--alerts", str(alerts), "--settle", "0.1", "--poll", "0.1", "--host-delay", "0"]
    args += ["--webhook", receiver.url]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log.open("a"))


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=DEADLINE)


def test_watch_cli_alerts_exactly_once_per_new_copy_across_a_restart(
    site: Site, receiver: Receiver, tmp_path: Path
) -> None:
    serve_stories(site)
    folder, db, feed = tmp_path / "in", tmp_path / "a.db", tmp_path / "feed.xml"
    alerts, log = tmp_path / "alerts.jsonl", tmp_path / "watch.log"
    folder.mkdir()
    write_atomic(feed, rss(site.base, []))
    (folder / "01-wire.txt").write_text(story("01-wire"), encoding="utf-8")

    proc = _watch(folder, feed, db, alerts, log, receiver)
    _wait("read:", log, 1, proc, log)
    write_atomic(folder / "04-spin.txt", story("04-spin"))
    _wait("04-spin", alerts, 1, proc, log)
    write_atomic(folder / "sport.txt", story("08-unrelated-sport"))
    write_atomic(feed, rss(site.base, ["/news/herald"]))
    _wait("read:", log, 4, proc, log)
    _wait("/news/herald", alerts, 1, proc, log)
    assert _stop(proc) == 0

    proc = _watch(folder, feed, db, alerts, log, receiver)
    write_atomic(folder / "05-summary.txt", story("05-summary"))
    _wait("05-summary", alerts, 1, proc, log)
    assert _stop(proc) == 0
    ids = [json.loads(x)["article"]["id"] for x in _lines(alerts)]
    assert ids == ["04-spin", f"{site.base}/news/herald", "05-summary"]
    assert [b["article"]["id"] for b in receiver.bodies] == ids
    stops = [x for x in _lines(log) if "watch stopped" in x]
    assert stops == [
        "newstrace: watch stopped: 4 new articles, 2 alerts, 0 failed",
        "newstrace: watch stopped: 1 new articles, 1 alerts, 0 failed",
    ]


def test_watch_needs_a_folder_or_feed_that_exists(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "newstrace", "watch", str(tmp_path / "nope"), "--db", "a.db"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2
    assert r.stderr.strip() == f"newstrace: error: {tmp_path / 'nope'}: no such folder or feed file"


assert DEMO.is_dir()
